package s3

import "github.com/whycors/whycors/engine/fix"

var (
	// The console's and the CLI's JSON name a rule's lists alike
	// (ManageCorsUsing.md; put-bucket-cors): ExposeHeaders, where
	// CloudFormation writes ExposedHeaders (its own editor).
	jsonKeys = &fix.JSONKeys{Origins: "AllowedOrigins", Methods: "AllowedMethods", Headers: "AllowedHeaders", Expose: "ExposeHeaders"}
	// The PutBucketCors document repeats one element per value
	// (cloud-policies.md §1.1). S3 has no credentials field to enable:
	// it decides credentials from the origins (§0 item 4).
	xmlShape = &fix.XMLShape{Rule: "CORSRule", Item: map[string]string{
		fix.Origins: "AllowedOrigin", fix.Methods: "AllowedMethod", fix.AllowHeaders: "AllowedHeader", fix.ExposeHeaders: "ExposeHeader"}}
)

// Edit makes e in text written in form, touching only the bytes it must
// (fix.EditJSON, fix.EditXML). R2's S3-shaped forms are edited with it.
func Edit(form Form, text string, e fix.Edit) (string, error) {
	if form == FormXML {
		return fix.EditXML(text, xmlShape, e)
	}
	return fix.EditJSON(text, jsonKeys, e)
}

// FileName is the usual name of a file in form, for a diff's header.
func FileName(form Form) string {
	if form == FormXML {
		return "cors.xml"
	}
	return "cors.json"
}
