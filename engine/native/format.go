package native

import (
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Formats are this package's formats, for a policy.Registry (engine/all lists them).
func Formats() []policy.Format { return []policy.Format{&format{}} }

// format is the native JSON policy as a policy.Format, with the
// capabilities the engine finds by type assertion: reading into the
// neutral model (ReadRules, rules.go), writing from it (WriteRules,
// FromPortable in fromportable.go), editing the user's text for a fix,
// naming the platform and the reference its evaluation rests on.
type format struct{}

// FormatName is the native policy's format name.
const FormatName = "native"

func (*format) Name() string { return FormatName }

// Title implements policy.Titled.
func (*format) Title() string { return "whycors native policy" }

// Detect looks for an "origins" field where this format puts it: in the
// top-level object (the one-rule form) or in an object of the top-level
// "rules" array, two levels down. S3 says AllowedOrigins, GCS "origin",
// API Gateway AllowOrigins; the R2 API has "origins" one level deeper,
// under "allowed". The scan only tracks strings and nesting; it does not
// parse.
func (*format) Detect(text string) (bool, string) {
	t := strings.TrimLeft(text, " \t\r\n")
	if !strings.HasPrefix(t, "{") {
		return false, ""
	}
	if len(t) > maxInputBytes {
		t = t[:maxInputBytes]
	}
	depth, start, inString := 0, 0, false
	for i := 0; i < len(t); i++ {
		c := t[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
				if (depth == 1 || depth == 3) && t[start:i] == "origins" && strings.HasPrefix(strings.TrimLeft(t[i+1:], " \t\r\n"), ":") {
					return true, `a JSON object with an "origins" field (whycors native policy)`
				}
			}
			continue
		}
		switch c {
		case '"':
			inString, start = true, i+1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
	}
	return false, ""
}

func (*format) Parse(text string) (policy.Evaluator, error) {
	p, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// WriteRules implements convert.Writer with FromPortable. engine/convert
// calls FromPortable itself for a conversion to native (ToNative), so
// that the worker links no other writer; this says the same to whatever
// lists the targets by capability.
func (*format) WriteRules(p portable.Policy, names []string, n *portable.Notes) (string, error) {
	return FromPortable(p, names, n)
}

// editKeys are the rule fields' names a fix edits (the package doc).
var editKeys = &fix.JSONKeys{Origins: "origins", Methods: "methods", Headers: "request_headers", Credentials: "credentials"}

// EditText implements fix.Editor: one more origin, method or header in
// the rule's list, or credentials set, in the user's own text.
func (*format) EditText(text string, e fix.Edit) (string, error) {
	return fix.EditJSON(text, editKeys, e)
}

// FileName implements fix.Editor: the name a diff of the user's text shows.
func (*format) FileName() string { return "cors.json" }

// Platform implements lint.Platformer.
func (*format) Platform() string { return "the native policy" }

// Doc implements explain.Documented.
func (*format) Doc() string {
	return "engine/native package doc (the first rule whose path and origins, and what its match names, match decides)"
}
