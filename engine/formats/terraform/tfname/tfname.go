// Package tfname holds the names of the terraform formats, apart from
// their readers, for a program that names them without linking HashiCorp's
// HCL parser (the simulator page, which leaves Terraform to the command
// line: internal/pageformats).
package tfname

// The formats' names (policy.Format.Name).
const (
	HCL  = "terraform"
	Plan = "terraform-plan"
)
