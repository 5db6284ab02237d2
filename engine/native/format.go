package native

import (
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Formats are this package's formats, for a policy.Registry (engine/all lists them).
func Formats() []policy.Format { return []policy.Format{format{}} }

// format registers the native JSON policy with the policy package.
type format struct{}

// FormatName is the native policy's format name.
const FormatName = "native"

func (format) Name() string { return FormatName }

// Detect looks for an "origins" field where this format puts it: in the
// top-level object (the one-rule form) or in an object of the top-level
// "rules" array, two levels down. S3 says AllowedOrigins, GCS "origin",
// API Gateway AllowOrigins; the R2 API has "origins" one level deeper,
// under "allowed". The scan only tracks strings and nesting; it does not
// parse.
func (format) Detect(text string) (bool, string) {
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

func (format) Parse(text string) (policy.Evaluator, error) {
	p, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return p, nil
}
