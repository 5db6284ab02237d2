package gcs

import (
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Formats are this package's formats, for a policy.Registry (engine/all
// lists them): the gcloud list, which conversion also writes, and the XML
// API document, which it only reads.
func Formats() []policy.Format {
	return []policy.Format{&listFormat{format{FormJSON}}, &format{FormXML}}
}

// format is one form of a bucket's CORS configuration, with what both
// forms offer: reading (Parse, ReadRules, ReadModel), editing the user's
// text (EditText, FileName) and naming GCS (Platform, Doc).
//
// The methods have pointer receivers and Formats hands out pointers: a
// value receiver would make the compiler emit a pointer wrapper of every
// method, and the embedding type a value and a pointer one, each linked
// into the wasm builds that convert or edit.
type format struct{ form Form }

// listFormat is the gcloud / gsutil JSON list, the form conversion writes
// (WriteRules, WriteModel): it is what `gcloud storage buckets update
// --cors-file` takes (§3), so one writer serves both forms' users.
type listFormat struct{ format }

// Name implements policy.Format.
func (f *format) Name() string { return string(f.form) }

// Title implements policy.Titled.
func (f *format) Title() string {
	switch f.form {
	case FormJSON:
		return "Cloud Storage bucket CORS: JSON (gcloud)"
	case FormXML:
		return "Cloud Storage bucket CORS: XML API"
	}
	return string(f.form)
}

// Detect implements policy.Format: a cheap look at the text, no parse.
func (f *format) Detect(text string) (bool, string) {
	t := strings.TrimSpace(text)
	switch f.form {
	case FormJSON:
		if (strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{")) && strings.Contains(t, `"origin"`) && strings.Contains(t, `"method"`) {
			return true, `JSON entries with "origin" and "method" (the gcloud --cors-file list)`
		}
	case FormXML:
		if strings.HasPrefix(t, "<") && strings.Contains(t, "<CorsConfig") {
			return true, "an XML document with a CorsConfig element (the GCS XML API)"
		}
	}
	return false, ""
}

// Parse implements policy.Format: the Bucket the configuration sets up.
func (f *format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(f.form, text)
	if err != nil {
		return nil, err
	}
	return Bucket{CORS: c}, nil
}

// Platform implements lint.Platformer.
func (*format) Platform() string { return "GCS" }

// RepliesFromRulesOnly implements explain.RulesOnly: the service
// answers from its CORS rules alone.
func (*format) RepliesFromRulesOnly() {}

// Doc implements explain.Documented: the section GCS's evaluation rests on.
func (*format) Doc() string {
	return "shared/reference/cloud-policies.md §3 (GCS: first entry matching Origin and Method)"
}

// ReadModel implements convert.ModelReader: the Configuration itself, so
// that the XML API document converts to the gcloud list entry for entry.
func (f *format) ReadModel(text string) (any, error) { return Parse(f.form, text) }

// WriteModel implements convert.ModelWriter: a Configuration (from
// either form) as the gcloud list; another platform's model is not ours
// (ok false).
func (*listFormat) WriteModel(m any) (string, bool, error) {
	c, ok := m.(*Configuration)
	if !ok {
		return "", false, nil
	}
	out, err := Write(c)
	return out, true, err
}
