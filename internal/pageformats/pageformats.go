// Package pageformats lists the formats the simulator page's full engine
// (wasm/full) reads: every format of engine/all but those whose parser
// would cost every visitor more than it is worth, each left out with its
// reason (Left) and read by an engine of its own that the page fetches
// only when it needs it (wasm/terraform). It lists the format packages itself: importing
// engine/all would link every format package (their package-level set-up
// runs whether or not a format is registered), the left-out ones too.
//
// TestSameAsAll keeps the list equal to engine/all's minus Left.
package pageformats

import (
	"github.com/whycors/whycors/engine/formats/apache"
	"github.com/whycors/whycors/engine/formats/caddy"
	"github.com/whycors/whycors/engine/formats/chicors"
	"github.com/whycors/whycors/engine/formats/cloudformation"
	"github.com/whycors/whycors/engine/formats/djangocors"
	"github.com/whycors/whycors/engine/formats/echocors"
	"github.com/whycors/whycors/engine/formats/express"
	"github.com/whycors/whycors/engine/formats/fastifycors"
	"github.com/whycors/whycors/engine/formats/firebase"
	"github.com/whycors/whycors/engine/formats/flaskcors"
	"github.com/whycors/whycors/engine/formats/gincors"
	"github.com/whycors/whycors/engine/formats/har"
	"github.com/whycors/whycors/engine/formats/honocors"
	"github.com/whycors/whycors/engine/formats/ingressnginx"
	"github.com/whycors/whycors/engine/formats/koacors"
	"github.com/whycors/whycors/engine/formats/netlify"
	"github.com/whycors/whycors/engine/formats/nginx"
	"github.com/whycors/whycors/engine/formats/rackcors"
	"github.com/whycors/whycors/engine/formats/raw"
	"github.com/whycors/whycors/engine/formats/rscors"
	"github.com/whycors/whycors/engine/formats/serverless"
	"github.com/whycors/whycors/engine/formats/starlette"
	"github.com/whycors/whycors/engine/formats/terraform/tfname"
	"github.com/whycors/whycors/engine/formats/traefik"
	"github.com/whycors/whycors/engine/formats/vercel"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/platform/azure"
	"github.com/whycors/whycors/engine/platform/cloudfront"
	"github.com/whycors/whycors/engine/platform/ec2"
	"github.com/whycors/whycors/engine/platform/gcs"
	"github.com/whycors/whycors/engine/platform/lambdaurl"
	"github.com/whycors/whycors/engine/platform/r2"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
)

// Left are the formats of engine/all the page's full engine leaves out,
// by name, each with why and where they are read instead.
var Left = map[string]string{
	tfname.HCL:  terraformWhy,
	tfname.Plan: terraformWhy,
}

// terraformWhy: HashiCorp's hcl/v2 and go-cty make a wasm program about
// 4 MB larger, and bring encoding/json, which the full engine otherwise
// avoids. The page reads Terraform with wasm/terraform (tfpage's
// formats), fetched only for a Terraform paste; the command line reads
// it too.
const terraformWhy = "Terraform is read by the page's Terraform engine (HashiCorp's HCL parser, about 2 MB to download, fetched only for a Terraform paste) and by the command line: whycors explain --policy main.tf --policy terraform.tfvars scenario.json"

// LeftFor says whether the page leaves out what the user gave: format,
// when named, or else text, when it looks like one of Left (Terraform's
// HCL or a plan as `terraform show -json` writes it). It returns that
// format's name and Left's reason, or "" and "". It reads no more than a
// glance: the formats it names are not linked, so it cannot parse them,
// and the page asks it only when no format it reads claimed the text.
func LeftFor(text, format string) (name, why string) {
	if format != "" && format != "auto" {
		if w, ok := Left[format]; ok {
			return format, w
		}
		return "", ""
	}
	if name := tfname.Glance(text); name != "" {
		return name, Left[name]
	}
	return "", ""
}

// Formats are the formats the page's full engine reads.
func Formats() []policy.Format {
	var fs []policy.Format
	for _, l := range [][]policy.Format{
		apigw.Formats(), azure.Formats(), cloudfront.Formats(), ec2.Formats(), gcs.Formats(), lambdaurl.Formats(), r2.Formats(), s3.Formats(),
		native.Formats(), apache.Formats(), caddy.Formats(), express.Formats(), fastifycors.Formats(), honocors.Formats(), koacors.Formats(), nginx.Formats(),
		chicors.Formats(), echocors.Formats(), gincors.Formats(), rscors.Formats(),
		djangocors.Formats(), flaskcors.Formats(), starlette.Formats(), rackcors.Formats(),
		cloudformation.Formats(), serverless.Formats(), netlify.Formats(), ingressnginx.Formats(),
		traefik.Formats(), vercel.Formats(), firebase.Formats(),
		har.Formats(), raw.Formats(),
	} {
		fs = append(fs, l...)
	}
	return fs
}

// Registry is Formats as a registry.
func Registry() *policy.Registry { return policy.NewRegistry(Formats()...) }
