// Package tfname holds the names of the terraform formats, apart from
// their readers, for a program that names them without linking HashiCorp's
// HCL parser (the simulator page, which leaves Terraform to the command
// line: internal/pageformats).
package tfname

import "strings"

// The formats' names (policy.Format.Name).
const (
	HCL  = "terraform"
	Plan = "terraform-plan"
)

// Glance says which of the two formats text looks like, without reading
// it: a plan as `terraform show -json` writes it (format_version with
// planned_values or terraform_version), or a module whose lines start a
// top-level block (developer.hashicorp.com/terraform/language/syntax/configuration:
// resource, data, provider, ... followed by quoted labels and the
// block's brace).
// "" when neither. It is for a program that does not link the readers
// and so cannot parse them (the simulator page).
func Glance(text string) string {
	t := strings.TrimSpace(text)
	if t == "" {
		return ""
	}
	if t[0] == '{' {
		if strings.Contains(t, `"format_version"`) && (strings.Contains(t, `"planned_values"`) || strings.Contains(t, `"terraform_version"`)) {
			return Plan
		}
		return ""
	}
	for _, line := range strings.Split(t, "\n") {
		line = strings.TrimSpace(line)
		for _, kw := range blocks {
			if rest, ok := strings.CutPrefix(line, kw); ok && rest != "" && (rest[0] == ' ' || rest[0] == '{' || rest[0] == '"') {
				// Labels and then the block's brace (HCL's syntax):
				// Ruby's `resource "/api/*",` (rack-cors) is no block.
				if bracesAfterLabels(strings.TrimSpace(rest)) {
					return HCL
				}
			}
		}
	}
	return ""
}

// bracesAfterLabels reports whether r is quoted labels (none or more)
// and then "{".
func bracesAfterLabels(r string) bool {
	for strings.HasPrefix(r, "\"") {
		end := strings.IndexByte(r[1:], '"')
		if end < 0 {
			return false
		}
		r = strings.TrimSpace(r[end+2:])
	}
	return strings.HasPrefix(r, "{")
}

// blocks are a module's top-level block types.
var blocks = []string{"resource", "data", "provider", "module", "variable", "output", "locals", "terraform"}
