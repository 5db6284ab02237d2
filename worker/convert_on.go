//go:build !whycors_nativeonly

package main

import (
	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/policy"
)

// Any format engine/convert reads is converted to native when the isolate
// starts. The converter links every platform's reader (encoding/xml among
// them); build with -tags whycors_nativeonly for a smaller worker that
// reads native policies only (convert_off.go).

// canConvert: formats other than native are converted.
const canConvert = true

// formats are the policy formats the worker converts when it starts
// (engine/all.Edge: captured replies are no policy to enforce, and
// templates and Go or Python source are converted before deploying);
// the registry never changes once built.
var formats = policy.NewRegistry(all.Edge()...)

func sourceFormats() []string { return convert.Sources(formats) }

// detect names the format of text, or says why it cannot.
func detect(text string) (string, error) {
	f, err := formats.Resolve("auto", policy.Source{Text: text})
	if err != nil {
		return "", err
	}
	return f.Name(), nil
}

// registered: a format the engine reads that the converter may still
// refuse to convert from (captured replies, nginx), which it explains.
func registered(format string) bool {
	_, ok := formats.Lookup(format)
	return ok
}

// toNative converts text from format to native, with the converter's
// notes.
func toNative(text, format string) (string, []Note, error) {
	out, cn, err := convert.ToNative(formats, text, format)
	var notes []Note
	for _, n := range cn {
		notes = append(notes, Note{Effect: n.Effect, Message: n.Message, Pos: policy.Error{Path: n.Pos.Path, Line: n.Pos.Line, Column: n.Pos.Column}})
	}
	return out, notes, err
}
