// Package tfpage lists the formats of the page's Terraform engine
// (wasm/terraform): Terraform's HCL and plan (engine/formats/terraform),
// which the page's full engine leaves out (pageformats.Left), and the
// platforms whose resources the Terraform reader evaluates and links
// anyway (engine/formats/terraform/shapes.go), so that convert can write
// a Terraform resource as its platform's own configuration. It is a
// package of its own so that wasm/full, which imports pageformats, does
// not link HashiCorp's parser.
package tfpage

import (
	"github.com/whycors/whycors/engine/formats/terraform"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/platform/azure"
	"github.com/whycors/whycors/engine/platform/cloudfront"
	"github.com/whycors/whycors/engine/platform/gcs"
	"github.com/whycors/whycors/engine/platform/lambdaurl"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
)

// Registry is the Terraform engine's formats.
func Registry() *policy.Registry {
	var fs []policy.Format
	for _, l := range [][]policy.Format{
		terraform.Formats(), s3.Formats(), apigw.Formats(), lambdaurl.Formats(), cloudfront.Formats(), gcs.Formats(), azure.Formats(), native.Formats(),
	} {
		fs = append(fs, l...)
	}
	return policy.NewRegistry(fs...)
}
