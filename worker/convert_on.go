//go:build !whycors_nativeonly

package main

import (
	"errors"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/policy"
)

// Any format engine/convert reads is converted to native when the isolate
// starts. The converter links every platform's reader (encoding/xml among
// them); build with -tags whycors_nativeonly for a smaller worker that
// reads native policies only (convert_off.go).

// canConvert: formats other than native are converted.
const canConvert = true

func sourceFormats() []string { return convert.Sources() }

// detect names the format of text, or says why it cannot.
func detect(text string) (string, error) {
	f, err := convert.Detect(text)
	if err != nil {
		if e, ok := err.(*convert.Error); ok {
			return "", errors.New(e.Msg)
		}
	}
	return f, err
}

// toNative converts text from format to native, with the converter's
// notes.
func toNative(text, format string) (string, []Note, error) {
	out, cn, err := convert.ToNative(text, format)
	var notes []Note
	for _, n := range cn {
		notes = append(notes, Note{Effect: n.Effect, Message: n.Message, Pos: policy.Error{Path: n.Pos.Path, Line: n.Pos.Line, Column: n.Pos.Column}})
	}
	return out, notes, err
}
