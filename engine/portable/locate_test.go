package portable

import (
	"strings"
	"testing"
)

// TestLocator: the locator records where each value starts, under the
// path the platform readers spell for it (jsonpos.Key: ".key" for plain
// keys, `["key"]` for others), keeping the last of duplicate keys (the
// one the readers read). Expected offsets are found in the text itself.
func TestLocator(t *testing.T) {
	tests := []struct {
		desc, text, path, at string // at: the text of the value, found with strings.LastIndex
		absent               string // a path that must not be recorded
	}{
		{desc: "nested array item", text: `{"rules": [{"origins": ["https://a.example"]}]}`,
			path: "$.rules[0].origins[0]", at: `"https://a.example"`},
		{desc: "root", text: ` [1]`, path: "$", at: `[1]`},
		{desc: "duplicate key: the last", text: `{"MaxAgeSeconds": 1, "MaxAgeSeconds": 2}`,
			path: "$.MaxAgeSeconds", at: `2`},
		{desc: "key that is not an identifier", text: `{"x y": [true]}`,
			path: `$["x y"][0]`, at: `true`, absent: "$.x y[0]"},
		{desc: "key that looks like a path", text: `{"rules[0]": 1, "rules": [2]}`,
			path: "$.rules[0]", at: `2`},
	}
	for _, tc := range tests {
		l := NewLocator(tc.text)
		off, ok := l.off[tc.path]
		if want := strings.LastIndex(tc.text, tc.at); !ok || off != want {
			t.Errorf("%s: %s at %d (recorded %v), want %d", tc.desc, tc.path, off, ok, want)
		}
		if tc.absent != "" && l.Has(tc.absent) {
			t.Errorf("%s: %s recorded", tc.desc, tc.absent)
		}
	}

	for _, text := range []string{`{"a": }`, `<CORSConfiguration/>`, `"just a string"`, ``} {
		if l := NewLocator(text); l.off != nil {
			t.Errorf("%q: recorded %d locations, want none", text, len(l.off))
		}
	}

	big := "[" + strings.Repeat("0,", 2*maxLocated) + "0]"
	if n := len(NewLocator(big).off); n != maxLocated {
		t.Errorf("a document of %d values: %d locations, want the bound %d", 2*maxLocated+2, n, maxLocated)
	}
}
