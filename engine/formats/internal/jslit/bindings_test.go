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
		// Tried as a new user would, these three were read as their
		// literals, and a fix edited a declaration the call did not see
		// as written.
		{desc: "changed in place: left out", text: "const a = ['https://a.test']\nif (dev) a.push('http://localhost:5173')", name: "a"},
		{desc: "shadowed by a parameter: left out", text: "const a = ['https://a.test']\nfunction make(a: string[]) { use(a) }", name: "a"},
		{desc: "a property assigned: left out", text: "const o = {origin: 'https://a.test'}\no.origin = other", name: "o"},
		{desc: "an index assigned: left out", text: "const a = ['https://a.test']\na[0] = other", name: "a"},
		{desc: "declared again in a block: left out", text: "const a = ['https://a.test']\nfor (const a of lists) {}", name: "a"},
		{desc: "an arrow's parameter: left out", text: "const a = 'https://a.test'\nconst f = a => a", name: "a"},
		{desc: "a call with the name as argument is no change", text: "const a = ['https://a.test']\nuse(cors({origin: a}))", name: "a", want: "https://a.test", line: 1},
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

// TestTemplatesAndAssertions: a template literal whose substitutions are
// literals or bound names is its string (ECMA-262 §13.2.8.6), any other
// is code (VExpr) under Funcs and a fault without; a TypeScript type
// assertion after a value changes nothing. Tried as a new user would,
// `http://localhost:${3000}` and ['https://a.test'] as string[] were
// unreadable.
func TestTemplatesAndAssertions(t *testing.T) {
	for _, tc := range []struct {
		desc, text string
		kind       jslit.ValKind
		want       string // the origin's Str, or its first item's
	}{
		{desc: "a number substituted", text: "{origin: `http://localhost:${3000}`}", kind: jslit.VString, want: "http://localhost:3000"},
		{desc: "a bound name substituted", text: "const HOST = 'a.test'\nx({origin: `https://${HOST}`})", kind: jslit.VString, want: "https://a.test"},
		{desc: "an environment value: code", text: "{origin: `https://${process.env.HOST}`}", kind: jslit.VExpr, want: "`https://${process.env.HOST}`"},
		{desc: "as string[]", text: "{origin: ['https://a.test'] as string[], credentials: true}", kind: jslit.VArray, want: "https://a.test"},
		{desc: "as const, bound", text: "const list = ['https://a.test'] as const;\nx({origin: list})", kind: jslit.VArray, want: "https://a.test"},
		{desc: "satisfies, generic", text: "{origin: ['https://a.test'] satisfies Array<string>}", kind: jslit.VArray, want: "https://a.test"},
	} {
		toks, errs := jslit.Lex(tc.text)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", tc.desc, errs)
		}
		i := 0
		for i < len(toks) && toks[i].Text != "{" {
			i++
		}
		p := &jslit.Parser{Toks: toks, I: i, Funcs: true, Names: jslit.Bindings(toks, true)}
		v, ok := p.Literal(0)
		if !ok || len(v.Obj) == 0 {
			t.Errorf("%s: %v %v", tc.desc, ok, p.Errs)
			continue
		}
		o := v.Obj[0].Val
		got := o.Str
		if o.Kind == jslit.VArray && len(o.Arr) > 0 {
			got = o.Arr[0].Str
		}
		if o.Kind != tc.kind || got != tc.want {
			t.Errorf("%s: %s %q, want %s %q", tc.desc, o.KindName(), got, (jslit.Value{Kind: tc.kind}).KindName(), tc.want)
		}
		if len(v.Obj) > 1 && v.Obj[1].Key != "credentials" {
			t.Errorf("%s: the next key %q", tc.desc, v.Obj[1].Key)
		}
	}
	// Without Funcs a substitution is a fault at the literal.
	toks, _ := jslit.Lex("{origin: `https://${h}`}")
	p := &jslit.Parser{Toks: toks}
	if _, ok := p.Literal(0); ok || len(p.Errs) == 0 || p.Errs[0].Column != 10 {
		t.Errorf("without Funcs: %v", p.Errs)
	}
}

// TestNamesAfterAssertions: a bound name with a TypeScript assertion
// after it (ORIGINS as string[], ORIGINS!) is read as its value; an
// expression declared without a semicolon ends at the line that starts
// a new statement (ECMA-262 §12.10), so its text names it alone. Tried
// as a new user would, the first was code ("ORIGINSasstring[]") and the
// second took in the next statement.
func TestNamesAfterAssertions(t *testing.T) {
	for _, tc := range []struct {
		desc, text string
		kind       jslit.ValKind
		want       string
	}{
		{desc: "as string[] after a name", text: "const ORIGINS = ['https://a.test']\nx({origin: ORIGINS as string[]})", kind: jslit.VArray, want: "https://a.test"},
		{desc: "a non-null assertion", text: "const ORIGINS = ['https://a.test']\nx({origin: ORIGINS!})", kind: jslit.VArray, want: "https://a.test"},
		{desc: "an expression without a semicolon", text: "const allowed = process.env.A?.split(',') ?? ['https://a.test']\napp.use(x({origin: allowed}))", kind: jslit.VExpr,
			want: `process.env.A?.split(",")??["https://a.test"]`},
	} {
		toks, _ := jslit.Lex(tc.text)
		i := len(toks) - 1
		for i > 0 && toks[i].Text != "{" {
			i--
		}
		p := &jslit.Parser{Toks: toks, I: i, Funcs: true, Names: jslit.Bindings(toks, true)}
		v, ok := p.Literal(0)
		if !ok || len(v.Obj) == 0 {
			t.Fatalf("%s: %v %v", tc.desc, ok, p.Errs)
		}
		o := v.Obj[0].Val
		got := o.Str
		if o.Kind == jslit.VArray && len(o.Arr) > 0 {
			got = o.Arr[0].Str
		}
		if o.Kind != tc.kind || got != tc.want {
			t.Errorf("%s: %s %q, want %q", tc.desc, o.KindName(), got, tc.want)
		}
	}
}
