//go:build js && wasm

package main

import (
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/jsonapi"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/internal/pageformats"
)

// opts is the page's whole engine: every format but those the page
// leaves out (pageformats.Left, each with its reason), and the
// explainer's advisor.
var opts = advise.Options(pageformats.Registry())

// left is whycorsFull.left({"text", "format"}): the format the page
// leaves to the command line, named or recognised in text, with the
// reason ([{"format", "why"}], as detect answers), or [].
func left(arg string) string {
	var text, format string
	if e := decode(arg, map[string]*string{"text": &text, "format": &format}); e != "" {
		return e
	}
	d := []policy.Detection{}
	if name, why := pageformats.LeftFor(text, format); name != "" {
		d = append(d, policy.Detection{Format: name, Why: why})
	}
	return string(jsonapi.AppendDetections(nil, d))
}
