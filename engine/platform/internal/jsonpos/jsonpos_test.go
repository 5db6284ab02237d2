package jsonpos_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
)

// TestSyntaxPosition: a syntax error points at the offending byte (counted
// by hand in each text) and says what it is.
func TestSyntaxPosition(t *testing.T) {
	deep := strings.Repeat("[", jsonpos.MaxDepth)
	tests := []struct {
		desc, text string
		line, col  int
		msg        string
	}{
		{desc: "missing comma between strings", text: `["a" "b"]`, line: 1, col: 6, msg: `invalid JSON: invalid character '"' after array element`},
		{desc: "trailing comma", text: "[1,\n]", line: 2, col: 1, msg: "invalid JSON: invalid character ']' after a comma: JSON allows no comma before a closing bracket; remove the comma"},
		{desc: "trailing comma in an object", text: "{\"a\": 1,\n  }", line: 2, col: 3, msg: "invalid JSON: invalid character '}' after a comma: JSON allows no comma before a closing bracket; remove the comma"},
		{desc: "missing colon", text: `{"a" 1}`, line: 1, col: 6, msg: "invalid JSON: invalid character '1' after object key"},
		{desc: "truncated", text: `{"a": [1`, line: 1, col: 9, msg: "invalid JSON: unexpected end of JSON input"},
		{desc: "text after the value", text: "[] x", line: 1, col: 4, msg: "unexpected text after the JSON value"},
		{desc: "a second value", text: "{}\n{}", line: 2, col: 1, msg: "unexpected text after the JSON value"},
		{desc: "one array deeper than MaxDepth, at its bracket", text: deep + "[]" + deep, line: 1, col: jsonpos.MaxDepth + 1, msg: "JSON nested deeper than 32 levels"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := jsonpos.Parse(tc.text)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Line != tc.line || err.Column != tc.col || err.Msg != tc.msg {
				t.Errorf("%q at %d:%d, want %q at %d:%d", err.Msg, err.Line, err.Column, tc.msg, tc.line, tc.col)
			}
		})
	}
	if _, err := jsonpos.Parse(deep + strings.Repeat("]", jsonpos.MaxDepth)); err != nil {
		t.Errorf("MaxDepth arrays: %v", err)
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

// FuzzParse: Parse accepts what encoding/json accepts (json.Valid), but
// for documents nested deeper than MaxDepth, and every value's offset is
// inside the text.
func FuzzParse(f *testing.F) {
	f.Add(`{"a":[1,2,{"b":null}]}`)
	f.Add(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`)
	f.Add(`[{"AllowedOrigins":["https://a.test"],"AllowedMethods":["GET"],"MaxAgeSeconds":3000}]`)
	f.Add("{\"a\":\"\\ud83d\xff\"} x")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := jsonpos.Parse(s)
		if err != nil && strings.HasPrefix(err.Msg, "JSON nested deeper") {
			return
		}
		if (err == nil) != json.Valid([]byte(s)) {
			t.Fatalf("Parse(%q) error %v, json.Valid %v", s, err, json.Valid([]byte(s)))
		}
		if err != nil {
			if err.Line < 1 || err.Column < 1 || !strings.HasPrefix(err.Msg, "invalid JSON") && err.Msg != "unexpected text after the JSON value" {
				t.Fatalf("Parse(%q) error %+v", s, err)
			}
			return
		}
		var walk func(v *jsonpos.Value)
		walk = func(v *jsonpos.Value) {
			if v.Off < 0 || int(v.Off) >= len(s) {
				t.Fatalf("Parse(%q): a value at offset %d", s, v.Off)
			}
			for _, it := range append(v.Items, v.Fields...) {
				walk(it)
			}
		}
		walk(d.Root)
	})
}
