// Package fullformats names the policy formats wasm/full reads, for
// wasm/core, which links none of them but lets the page offer them all
// before it loads wasm/full.
package fullformats

// Names are policy.Names() with engine/all linked, sorted.
// TestNames keeps the list equal to the registry.
var Names = []string{
	"apigw-http", "apigw-rest", "azure-json", "azure-xml", "ec2", "express", "gcs-json", "gcs-xml", "har", "native",
	"nginx", "r2-api", "r2-cli", "r2-json", "r2-xml", "raw", "s3-cli", "s3-cloudformation", "s3-json", "s3-xml",
}
