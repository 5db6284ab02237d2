package azure

import (
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Formats are this package's formats, for a policy.Registry (engine/all
// lists them): the Set Blob Service Properties XML, which conversion
// also writes, and the JSON of ARM templates (Bicep's compiled ones
// too) and the az CLI, which it only reads.
func Formats() []policy.Format {
	return []policy.Format{&propertiesFormat{format{FormXML}}, &format{FormJSON}}
}

// format is one form of a service's CORS rules, with what both forms
// offer: reading (Parse, ReadRules, ReadModel), editing the user's text
// (EditText, FileName) and naming Azure (Platform, Doc).
//
// The methods have pointer receivers and Formats hands out pointers: a
// value receiver would make the compiler emit a pointer wrapper of every
// method, and the embedding type a value and a pointer one, each linked
// into the wasm builds that convert or edit.
type format struct{ form Form }

// propertiesFormat is the Set Blob Service Properties XML, the form
// conversion writes (WriteRules, WriteModel): the request body the
// service itself takes (§4).
type propertiesFormat struct{ format }

// Name implements policy.Format.
func (f *format) Name() string { return string(f.form) }

// Title implements policy.Titled.
func (f *format) Title() string {
	switch f.form {
	case FormXML:
		return "Azure Storage CORS rules: XML (service properties)"
	case FormJSON:
		return "Azure Storage CORS rules: JSON (ARM template or az CLI)"
	}
	return string(f.form)
}

// Detect implements policy.Format: a cheap look at the text, no parse.
func (f *format) Detect(text string) (bool, string) {
	t := strings.TrimSpace(text)
	switch f.form {
	case FormXML:
		if strings.HasPrefix(t, "<") && strings.Contains(t, "<CorsRule") {
			return true, "an XML document with CorsRule elements (Azure Storage service properties)"
		}
	case FormJSON:
		if strings.HasPrefix(t, "{") && strings.Contains(t, `"corsRules"`) {
			return true, `a JSON object with "corsRules" (an Azure ARM template, or the az CLI's blob service properties)`
		}
		if strings.HasPrefix(t, "[") && strings.Contains(t, `"AllowedOrigins"`) && strings.Contains(t, `"MaxAgeInSeconds"`) {
			return true, "a JSON list of rules with MaxAgeInSeconds (`az storage cors list`)"
		}
	}
	return false, ""
}

// Parse implements policy.Format: the Service the rules set up.
func (f *format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(f.form, text)
	if err != nil {
		return nil, err
	}
	return Service{CORS: c}, nil
}

// Platform implements lint.Platformer.
func (*format) Platform() string { return "Azure" }

// RepliesFromRulesOnly implements explain.RulesOnly: the service
// answers from its CORS rules alone.
func (*format) RepliesFromRulesOnly() {}

// Doc implements explain.Documented: the section Azure's evaluation
// rests on.
func (*format) Doc() string {
	return "shared/reference/cloud-policies.md §4 (Azure: first rule matching origin and method, no fall-through)"
}

// ReadModel implements convert.ModelReader: the Configuration itself, so
// that the ARM JSON converts to the service properties XML rule for rule.
func (f *format) ReadModel(text string) (any, error) { return Parse(f.form, text) }

// WriteModel implements convert.ModelWriter: a Configuration (from
// either form) as the service properties XML; another platform's model
// is not ours (ok false).
func (*propertiesFormat) WriteModel(m any) (string, bool, error) {
	c, ok := m.(*Configuration)
	if !ok {
		return "", false, nil
	}
	out, err := Write(c)
	return out, true, err
}
