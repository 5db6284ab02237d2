//go:build js && wasm

package fullapi

import (
	"github.com/whycors/whycors/engine/jsonapi"
	"github.com/whycors/whycors/engine/policy"
)

// left is whycorsFull.left({"text", "format"}): the format this program
// leaves to another, named or recognised in text, with the reason
// ([{"format", "why"}], as detect answers), or [].
func left(arg string, leftFor func(text, format string) (string, string)) string {
	var text, format string
	if e := decode(arg, map[string]*string{"text": &text, "format": &format}); e != "" {
		return e
	}
	d := []policy.Detection{}
	if leftFor != nil {
		if name, why := leftFor(text, format); name != "" {
			d = append(d, policy.Detection{Format: name, Why: why})
		}
	}
	return string(jsonapi.AppendDetections(nil, d))
}
