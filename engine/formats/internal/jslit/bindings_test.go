package jslit_test

import (
	"testing"

	"github.com/whycors/whycors/engine/formats/internal/jslit"
)

// TestBindings: the names an application declares with a literal, as
// ECMA-262 §14.3 (let, const and var declarations) reads them, and the
// ones left out because the reader cannot tell which value a call sees.
func TestBindings(t *testing.T) {
	for _, tc := range []struct {
		desc, text, name string
		want             string // the bound value's Str or first item's, "" for unbound
		line             int
	}{
		{desc: "const with a semicolon", text: "const a = ['https://a.test'];\nf(a)", name: "a", want: "https://a.test", line: 1},
		{desc: "no semicolon: a newline ends the statement (§12.10)", text: "const a = ['https://a.test']\nfastify.register(x)", name: "a", want: "https://a.test", line: 1},
		{desc: "let, a string", text: "let o = 'https://a.test'", name: "o", want: "https://a.test", line: 1},
		{desc: "TypeScript annotation", text: "const list: string[] = [\n 'https://a.test']", name: "list", want: "https://a.test", line: 2},
		{desc: "one name bound to another", text: "const a = ['https://a.test']\nconst b = a", name: "b", want: "https://a.test", line: 1},
		{desc: "assigned again: left out", text: "let o = 'https://a.test'\no = 'https://b.test'", name: "o"},
		{desc: "a property assigned is not the name", text: "const o = 'https://a.test'\nx.o = 'https://b.test'", name: "o", want: "https://a.test", line: 1},
		{desc: "== is no assignment", text: "const o = 'https://a.test'\nif (o == 'x') {}", name: "o", want: "https://a.test", line: 1},
		{desc: "a call's value: left out", text: "const o = pick()\n", name: "o"},
		{desc: "an expression after the literal: left out", text: "const o = 'https://' + host\n", name: "o"},
	} {
		toks, errs := jslit.Lex(tc.text)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", tc.desc, errs)
		}
		v, ok := jslit.Bindings(toks, false)[tc.name]
		got := v.Str
		if v.Kind == jslit.VArray && len(v.Arr) > 0 {
			got = v.Arr[0].Str
			v = v.Arr[0]
		}
		switch {
		case tc.want == "" && ok:
			t.Errorf("%s: %s bound to %+v, want unbound", tc.desc, tc.name, v)
		case tc.want != "" && (got != tc.want || v.Line != tc.line):
			t.Errorf("%s: %s = %q at line %d, want %q at %d", tc.desc, tc.name, got, v.Line, tc.want, tc.line)
		}
	}
}
