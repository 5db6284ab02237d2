// Package all lists every policy format the engine reads, as one
// policy.Registry, for the shells that read them all (the CLI, the
// simulator's full wasm, the worker's default build, the tests); with the
// explainer's advisor, advise.Options(all.Registry()) is the whole engine.
// It imports the format packages and nothing else, so a program that
// reads every format links no more than that.
//
// A shell that must stay small (the worker when it only enforces a native
// policy, the simulator's first wasm) builds a smaller registry from the
// format packages it needs instead.
//
// Adding a format is one new package (see engine/policy's package doc for
// what it implements) and one line in Policies or Captures below.
package all

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
	"github.com/whycors/whycors/engine/formats/terraform"
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

// Policies lists the formats of servers' configurations: every format
// package but the captured replies.
func Policies() []policy.Format {
	return join(
		Edge(),
		// Go source, read with go/parser.
		chicors.Formats(),
		echocors.Formats(),
		gincors.Formats(),
		rscors.Formats(),
		// Python source, read with pylit.
		djangocors.Formats(),
		flaskcors.Formats(),
		starlette.Formats(),
		// Ruby source (Rails initializers, config.ru), read with rblit.
		rackcors.Formats(),
		// Templates, read with HCL (hashicorp/hcl/v2) and YAML
		// (go.yaml.in/yaml/v3).
		cloudformation.Formats(),
		serverless.Formats(),
		terraform.Formats(),
		// Kubernetes Ingress manifests' ingress-nginx annotations (YAML).
		ingressnginx.Formats(),
		// Traefik's headers middleware: dynamic configuration in YAML
		// or TOML, Kubernetes Middlewares, Docker labels.
		traefik.Formats(),
		// Hosting headers files: Netlify's _headers and netlify.toml
		// (pelletier/go-toml/v2), vercel.json, firebase.json.
		netlify.Formats(),
		vercel.Formats(),
		firebase.Formats(),
	)
}

// Edge lists the formats the edge worker converts to native when its
// isolate starts: those whose readers are small (JSON, XML, nginx's
// directives, JavaScript literals). The others (templates read with
// YAML and HCL parsers, Go source read with go/parser, Python source)
// are converted before deploying (`whycors convert --to native`), so the
// worker's wasm never links their parsers.
func Edge() []policy.Format {
	return join(
		apache.Formats(),
		apigw.Formats(),
		azure.Formats(),
		caddy.Formats(),
		cloudfront.Formats(),
		ec2.Formats(),
		express.Formats(),
		fastifycors.Formats(),
		gcs.Formats(),
		honocors.Formats(),
		koacors.Formats(),
		lambdaurl.Formats(),
		native.Formats(),
		nginx.Formats(),
		r2.Formats(),
		s3.Formats(),
	)
}

// Captures lists the formats of replies captured from a live server
// (pasted curl -i output, a HAR file), which explain reads but which are
// no configuration to convert or enforce.
func Captures() []policy.Format {
	return join(har.Formats(), raw.Formats())
}

// Formats lists every format: Policies and Captures.
func Formats() []policy.Format { return join(Policies(), Captures()) }

// Registry is every format the engine reads.
func Registry() *policy.Registry { return policy.NewRegistry(Formats()...) }

func join(lists ...[]policy.Format) []policy.Format {
	var fs []policy.Format
	for _, l := range lists {
		fs = append(fs, l...)
	}
	return fs
}
