//go:build whycors_nativeonly

package main

import "github.com/whycors/whycors/engine/policy"

// Built with -tags whycors_nativeonly: the worker reads native policies
// only, and links no other format's reader (convert_on.go).

func sourceFormats() []string { return []string{"native"} }

// canConvert: other formats are refused; "auto" reads the text as native,
// so that its faults are reported with their positions.
const canConvert = false

func detect(text string) (string, error) { return "native", nil }

func toNative(text, format string) (string, []Note, error) {
	return "", nil, &policy.Error{Msg: "this worker was built with whycors_nativeonly and reads native policies only; convert it (whycors convert --to native) or build without the tag"}
}

// registered: no other format is read.
func registered(string) bool { return false }
