//go:build whycors_nativeonly

package main

import (
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
)

// Built with -tags whycors_nativeonly: the worker reads native policies
// only, and links no other format's reader (platform_on.go).

func sourceFormats() []string { return []string{"native"} }

// canPlatform: other formats are refused; "auto" reads the text as
// native, so that its faults are reported with their positions.
const canPlatform = false

func detect(text string) (string, error) { return "native", nil }

func parsePlatform(text, format string) (policy.Evaluator, error) {
	return nil, &policy.Error{Msg: "this worker was built with whycors_nativeonly and reads native policies only; convert it (whycors convert --to native) or build without the tag"}
}

func explainFormats() *policy.Registry { return policy.NewRegistry(native.Formats()...) }
