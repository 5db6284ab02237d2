package main

// fullFormats are the policy formats wasm/full reads (policy.Names() with
// engine/all linked), so that the page can offer them all before it loads
// wasm/full. TestFullFormats keeps the list equal to the registry.
var fullFormats = []string{
	"apigw-http", "apigw-rest", "azure-json", "azure-xml", "ec2", "express", "gcs-json", "gcs-xml", "har", "native",
	"nginx", "r2-api", "r2-cli", "r2-json", "r2-xml", "raw", "s3-cli", "s3-cloudformation", "s3-json", "s3-xml",
}
