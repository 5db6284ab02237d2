package azure

import "github.com/whycors/whycors/engine/fix"

// EditText implements fix.Editor: e made in the user's own text, one
// more string in a rule's array (the ARM JSON) or one more ",name" in an
// element's comma-separated list (the XML), named as each form spells a
// rule's fields (§4). Azure has no credentials field (it sends them with
// every echoed origin), so enabling them is not an edit.
func (f *format) EditText(text string, e fix.Edit) (string, error) {
	if f.form == FormJSON {
		return fix.EditJSON(text, &fix.JSONKeys{Origins: "allowedOrigins", Methods: "allowedMethods", Headers: "allowedHeaders"}, e)
	}
	// Built here rather than in a package variable so that a program
	// that never edits (the edge worker) links no map initialisation.
	return fix.EditXML(text, &fix.XMLShape{Rule: "CorsRule", Comma: map[string]string{
		fix.Origins: "AllowedOrigins", fix.Methods: "AllowedMethods", fix.AllowHeaders: "AllowedHeaders"}}, e)
}

// FileName implements fix.Editor.
func (f *format) FileName() string {
	if f.form == FormXML {
		return "cors.xml"
	}
	return "cors.json"
}
