package jsonpos_test

import (
	"testing"

	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
)

// TestSyntaxPosition: a syntax error points at the offending byte (counted
// by hand in each text).
func TestSyntaxPosition(t *testing.T) {
	tests := []struct {
		desc, text string
		line, col  int
	}{
		{desc: "missing comma between strings", text: `["a" "b"]`, line: 1, col: 6},
		{desc: "trailing comma", text: "[1,\n]", line: 2, col: 1},
		{desc: "missing colon", text: `{"a" 1}`, line: 1, col: 6},
		{desc: "truncated", text: `{"a": [1`, line: 1, col: 9},
		{desc: "text after the value", text: "[] x", line: 1, col: 4},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := jsonpos.Parse(tc.text)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Line != tc.line || err.Column != tc.col {
				t.Errorf("at %d:%d, want %d:%d (%s)", err.Line, err.Column, tc.line, tc.col, err.Msg)
			}
		})
	}
}

// TestValuePosition: each value knows where it starts.
func TestValuePosition(t *testing.T) {
	d, err := jsonpos.Parse("{\"a\": [1, \"x\"],\n \"b\": {\"c\": null}}")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := d.Root.Get("a")
	if a.Off != 6 || a.Items[1].Off != 10 {
		t.Errorf("offsets %d %d, want 6 10", a.Off, a.Items[1].Off)
	}
	b, _ := d.Root.Get("b")
	c, _ := b.Get("c")
	if e := d.Err(c, "$.b.c", "", "x"); e.Line != 2 || e.Column != 13 {
		t.Errorf("c at %d:%d, want 2:13", e.Line, e.Column)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`{"a":[1,2,{"b":null}]}`)
	f.Add(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`)
	f.Fuzz(func(t *testing.T, s string) {
		jsonpos.Parse(s)
	})
}
