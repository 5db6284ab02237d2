package gcs

import "github.com/whycors/whycors/engine/fix"

// EditText implements fix.Editor: e made in the user's own text, one
// more string in an entry's list or one more element in its container,
// named as each form spells an entry's fields (§3). GCS has no
// credentials field, so enabling them is not an edit.
func (f *format) EditText(text string, e fix.Edit) (string, error) {
	if f.form == FormJSON {
		return fix.EditJSON(text, &fix.JSONKeys{Origins: "origin", Methods: "method", Headers: "responseHeader"}, e)
	}
	// The XML API's containers and their items. The shape is built here
	// rather than in a package variable so that a program that never
	// edits (the edge worker) links no map initialisation for it.
	return fix.EditXML(text, &fix.XMLShape{Rule: "Cors",
		Item:      map[string]string{fix.Origins: "Origin", fix.Methods: "Method", fix.AllowHeaders: "ResponseHeader"},
		Container: map[string]string{fix.Origins: "Origins", fix.Methods: "Methods", fix.AllowHeaders: "ResponseHeaders"}}, e)
}

// FileName implements fix.Editor.
func (f *format) FileName() string {
	if f.form == FormXML {
		return "cors.xml"
	}
	return "cors.json"
}
