//go:build !whycors_nativeonly

package main

import (
	"github.com/whycors/whycors/engine/formats/apache"
	"github.com/whycors/whycors/engine/formats/caddy"
	"github.com/whycors/whycors/engine/formats/express"
	"github.com/whycors/whycors/engine/formats/fastifycors"
	"github.com/whycors/whycors/engine/formats/honocors"
	"github.com/whycors/whycors/engine/formats/koacors"
	"github.com/whycors/whycors/engine/formats/nginx"
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

// The default build reads a policy in any format of engine/all.Edge (S3
// in all its forms, R2, GCS, Azure, API Gateway, EC2, CloudFront, Lambda
// function URLs, nginx, Express and the Node middlewares, native) and
// answers with that format's own policy.Evaluator: the code `whycors
// explain` and `whycors respond` run. Build with -tags whycors_nativeonly
// for a smaller worker that reads native policies only (platform_off.go).

// canPlatform: formats other than native are read and enforced.
const canPlatform = true

// formats are the policy formats the worker reads when it starts, the
// list of engine/all.Edge (captured replies are no policy to enforce, and
// templates and Go or Python source are converted before deploying); the
// registry never changes once built.
//
// The list is engine/all.Edge's, written out here because importing
// engine/all links every format package it imports, whose package
// initializers the linker keeps even when only Edge is called (the HCL,
// YAML and Go parsers of the template and framework formats): 10.5 MB of
// wasm and 2.82 MB gzip against 7.25 MB and 2.00 MB this way, close to
// the Workers free plan's 3 MB. TestEdgeFormats keeps the two lists equal.
var formats = policy.NewRegistry(edgeFormats()...)

func edgeFormats() []policy.Format {
	var fs []policy.Format
	for _, l := range [...][]policy.Format{
		apache.Formats(), apigw.Formats(), azure.Formats(), caddy.Formats(), cloudfront.Formats(), ec2.Formats(),
		express.Formats(), fastifycors.Formats(), gcs.Formats(), honocors.Formats(),
		koacors.Formats(), lambdaurl.Formats(), native.Formats(), nginx.Formats(),
		r2.Formats(), s3.Formats(),
	} {
		fs = append(fs, l...)
	}
	return fs
}

func sourceFormats() []string { return formats.Names() }

// detect names the format of text, or says why it cannot.
func detect(text string) (string, error) {
	f, err := formats.Resolve("auto", policy.Source{Text: text})
	if err != nil {
		return "", err
	}
	return f.Name(), nil
}

// parsePlatform reads text in format with that format's own reader.
func parsePlatform(text, format string) (policy.Evaluator, error) {
	f, ok := formats.Lookup(format)
	if !ok {
		return nil, &policy.Error{Msg: "unknown format " + format}
	}
	return policy.Parse(f, policy.Source{Text: text})
}

// explainFormats are the formats the debug explain endpoint reads the
// configured policy with.
func explainFormats() *policy.Registry { return formats }
