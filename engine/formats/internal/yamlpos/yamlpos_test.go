package yamlpos_test

import (
	"testing"

	"github.com/whycors/whycors/engine/formats/internal/yamlpos"
	"go.yaml.in/yaml/v3"
)

// TestError: each text goes through go.yaml.in/yaml/v3 itself, and the
// line Error reads from its message is the line named in want (source:
// the library's parser.fail and parserc.go, run here).
func TestError(t *testing.T) {
	tests := []struct {
		desc string
		text string
		line int
	}{
		{desc: "a [ list not closed: the line it opens on (a parser problem)",
			text: "Resources:\n  Bucket:\n    Properties:\n      CorsRules:\n        - AllowedOrigins: [\"https://app.example\"\n          AllowedMethods: [GET]\n", line: 5},
		{desc: "a key out of line under a mapping: the line the mapping starts on",
			text: "a:\n  b:\n    - x\n    - y\n   c: 1\n", line: 2},
		{desc: "a list entry out of line: the line the list starts on",
			text: "a:\n  - x\n  - y\n  - z\n  b: 1\n", line: 2},
		{desc: "a key out of line in the top mapping: the line of the fault (the mapping starts on the first)",
			text: "a: 1\nb:\n  c: 2\n d: 3\n", line: 4},
		{desc: "a quoted value not closed: the line it opens on (a scanner problem)",
			text: "a:\n  b: \"x\n  c: 1\n", line: 2},
		{desc: "a mapping value where none may be (a scanner problem)",
			text: "a: b: c\n", line: 1},
		{desc: "a tab as indentation (a scanner problem)",
			text: "a:\n\tb: 1\n", line: 2},
	}
	for _, tc := range tests {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(tc.text), &n)
		if err == nil {
			t.Errorf("%s: yaml.v3 reads it", tc.desc)
			continue
		}
		if line, problem := yamlpos.Error(err.Error()); line != tc.line || problem == "" {
			t.Errorf("%s: line %d (%q), want %d; yaml.v3 said %q", tc.desc, line, problem, tc.line, err)
		}
	}
}
