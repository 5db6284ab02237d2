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
// what it implements) and one line in the list below.
package all

import (
	"github.com/whycors/whycors/engine/formats/express"
	"github.com/whycors/whycors/engine/formats/har"
	"github.com/whycors/whycors/engine/formats/nginx"
	"github.com/whycors/whycors/engine/formats/raw"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/platform/azure"
	"github.com/whycors/whycors/engine/platform/ec2"
	"github.com/whycors/whycors/engine/platform/gcs"
	"github.com/whycors/whycors/engine/platform/r2"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
)

// Formats lists every format package's formats.
func Formats() []policy.Format {
	var fs []policy.Format
	for _, list := range [][]policy.Format{
		apigw.Formats(),
		azure.Formats(),
		ec2.Formats(),
		express.Formats(),
		gcs.Formats(),
		har.Formats(),
		native.Formats(),
		nginx.Formats(),
		r2.Formats(),
		raw.Formats(),
		s3.Formats(),
	} {
		fs = append(fs, list...)
	}
	return fs
}

// Registry is every format the engine reads.
func Registry() *policy.Registry { return policy.NewRegistry(Formats()...) }
