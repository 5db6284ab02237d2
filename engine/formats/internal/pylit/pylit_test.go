package pylit_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/whycors/whycors/engine/formats/internal/pylit"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/policy"
)

// value reads "X = <expr>" and returns X's value.
func value(t *testing.T, expr string) pylit.Value {
	t.Helper()
	m, err := pylit.Read("X = "+expr+"\n", map[string]pylit.Value{"imported": {Kind: pylit.Tuple, Items: []pylit.Value{{Kind: pylit.Str, S: "i"}}}})
	if err != nil {
		t.Fatal(err)
	}
	a, ok := m.Last("X")
	if !ok {
		t.Fatalf("no X in %q", expr)
	}
	return a.Value
}

// Values are as Python evaluates them (The Python Language Reference,
// 3.11: §2.4.1 string literals, §2.4.2 concatenation, §6.2.5 list
// displays with *, §6.7 binary arithmetic).
func TestValues(t *testing.T) {
	tests := []struct {
		desc, source, expr string
		kind               pylit.Kind
		strs               []string
		s                  string
	}{
		{desc: "raw string keeps backslashes", source: "reference §2.4.1", expr: `r"^https://\w+\.a$"`, kind: pylit.Str, s: `^https://\w+\.a$`},
		{desc: "unknown escape kept as written", source: "reference §2.4.1 (unrecognized escapes are left in the string)", expr: `"\d\.x"`, kind: pylit.Str, s: `\d\.x`},
		{desc: "known escapes decoded", source: "reference §2.4.1", expr: `'a\tb\x41\u00e9'`, kind: pylit.Str, s: "a\tbAé"},
		{desc: "implicit concatenation", source: "reference §2.4.2", expr: "('https://' \"a\"\n  r'.b')", kind: pylit.Str, s: "https://a.b"},
		{desc: "tuple unpacking a bound name", source: "reference §6.2.5", expr: `(*imported, "x")`, kind: pylit.Tuple, strs: []string{"i", "x"}},
		{desc: "one-item tuple needs its comma", source: "reference §6.2.3", expr: `("a",)`, kind: pylit.Tuple, strs: []string{"a"}},
		{desc: "parentheses alone are no tuple", source: "reference §6.2.3", expr: `("a")`, kind: pylit.Str, s: "a"},
		{desc: "tuple + tuple", source: "reference §6.7", expr: `imported + ("y",)`, kind: pylit.Tuple, strs: []string{"i", "y"}},
		{desc: "list() of a tuple", source: "library list()", expr: `list(imported) + ["z"]`, kind: pylit.List, strs: []string{"i", "z"}},
		{desc: "set drops duplicates", source: "reference §6.2.6", expr: `{"a", "b", "a"}`, kind: pylit.Set, strs: []string{"a", "b"}},
		{desc: "int product", source: "reference §6.7", expr: `60 * 60 * 24`, kind: pylit.Int},
		{desc: "a call is computed at run time", source: "not a literal", expr: `os.cpu_count()`, kind: pylit.Invalid},
		// The environment, as settings read it (library os.getenv,
		// os.environ, str.split, str.strip): with no value given, the
		// default written; with none written, the program's to say.
		{desc: "os.environ.get's default", source: "library os.environ (a mapping: get)", expr: `os.environ.get("X", "a")`, kind: pylit.Str, s: "a"},
		{desc: "os.getenv's default, split", source: "library os.getenv, str.split(sep)", expr: `os.getenv("X", "https://a,https://b").split(",")`, kind: pylit.List, strs: []string{"https://a", "https://b"}},
		{desc: "split of an empty default is one empty str", source: "library str.split(sep): ''.split(',') == ['']", expr: `os.getenv("X", "").split(",")`, kind: pylit.List, strs: []string{""}},
		{desc: "split() on whitespace drops empty parts", source: "library str.split()", expr: `os.getenv("X", " https://a  https://b ").split()`, kind: pylit.List, strs: []string{"https://a", "https://b"}},
		{desc: "strip", source: "library str.strip", expr: `os.getenv("X", " a ").strip()`, kind: pylit.Str, s: "a"},
		{desc: "os.environ[...] with no value given", source: "library os.environ (KeyError when unset)", expr: `os.environ["X"]`, kind: pylit.Invalid},
		{desc: "os.getenv without a default and no value given", source: "library os.getenv (None when unset)", expr: `os.getenv("X")`, kind: pylit.Invalid},
		{desc: "another method of a value read from the environment", source: "not modelled", expr: `os.getenv("X", "a").lower()`, kind: pylit.Invalid},
		{desc: "an f-string is computed", source: "reference §2.4.3", expr: `f"https://{host}"`, kind: pylit.Invalid},
		{desc: "a comprehension is computed", source: "reference §6.2.4", expr: `[o for o in imported]`, kind: pylit.Invalid},
		{desc: "unbound name", source: "reference §4.2.2", expr: `ORIGINS`, kind: pylit.Name, s: "ORIGINS"},
	}
	for _, tt := range tests {
		v := value(t, tt.expr)
		if v.Kind != tt.kind {
			t.Errorf("%s (%s): kind %v (%s), want %v", tt.desc, tt.source, v.Kind, v.S, tt.kind)
			continue
		}
		if tt.s != "" && v.S != tt.s {
			t.Errorf("%s (%s): %q, want %q", tt.desc, tt.source, v.S, tt.s)
		}
		if tt.strs != nil {
			got, _ := v.Strings()
			if !reflect.DeepEqual(got, tt.strs) {
				t.Errorf("%s (%s): %q, want %q", tt.desc, tt.source, got, tt.strs)
			}
		}
	}
	if v := value(t, "60 * 60 * 24"); v.I != 86400 {
		t.Errorf("60 * 60 * 24 = %d", v.I)
	}
}

// TestEnviron: a value given for an environment variable (the command
// line's --param) is what the text reads, over its default, and says
// where it came from (library os.getenv, os.environ).
func TestEnviron(t *testing.T) {
	m, err := pylit.ReadEnviron("A = os.environ.get('ORIGINS', 'https://d').split(',')\nB = os.environ['HOST']\nC = os.getenv('UNSET', 'x')\n", nil, map[string]string{"ORIGINS": "https://a,https://b", "HOST": "h"})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := m.Last("A")
	if got, _ := a.Value.Strings(); !reflect.DeepEqual(got, []string{"https://a", "https://b"}) || a.Value.Env != "ORIGINS" || a.Value.EnvDefault {
		t.Errorf("A = %q (env %q, default %v), want the value given", got, a.Value.Env, a.Value.EnvDefault)
	}
	if b, _ := m.Last("B"); b.Value.Kind != pylit.Str || b.Value.S != "h" {
		t.Errorf("B = %v %q, want h", b.Value.Kind, b.Value.S)
	}
	if c, _ := m.Last("C"); c.Value.S != "x" || !c.Value.EnvDefault || c.Value.Env != "UNSET" {
		t.Errorf("C = %q (default %v), want its default", c.Value.S, c.Value.EnvDefault)
	}
}

// Positions are 1-based lines and columns in characters, and byte spans
// for edits; a name keeps its literal's position.
func TestPositions(t *testing.T) {
	src := "# é\nORIGINS = [\n    \"https://a\",  # é\n]\nCORS(app, origins=ORIGINS, max_age=é)\n"
	m, err := pylit.Read(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Calls) != 1 || m.Calls[0].Func != "CORS" || m.Calls[0].Line != 5 || m.Calls[0].Col != 1 {
		t.Fatalf("calls %+v", m.Calls)
	}
	o, _ := m.Calls[0].Arg("origins")
	if o.Value.Line != 2 || o.Value.Col != 11 || src[o.Value.Off:o.Value.End] != "[\n    \"https://a\",  # é\n]" {
		t.Errorf("origins at %d:%d %q", o.Value.Line, o.Value.Col, src[o.Value.Off:o.Value.End])
	}
	if it := o.Value.Items[0]; it.Line != 3 || it.Col != 5 {
		t.Errorf("item at %d:%d, want 3:5", it.Line, it.Col)
	}
	a, _ := m.Calls[0].Arg("max_age")
	if a.Value.Kind != pylit.Name || a.Value.Col != 36 {
		t.Errorf("max_age %v at column %d, want a name at 36", a.Value.Kind, a.Value.Col)
	}
}

// Decorators of one def share a stack and name it.
func TestDecorators(t *testing.T) {
	m, err := pylit.Read("@app.route(\"/x\")\n@cross_origin(origins=\"*\")\nasync def view():\n    pass\n\n@app.route('/y')\ndef other(): pass\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Calls) != 3 {
		t.Fatalf("%d calls", len(m.Calls))
	}
	a, b, c := m.Calls[0], m.Calls[1], m.Calls[2]
	if !a.Decorator || !b.Decorator || a.Stack != b.Stack || a.Def != "view" || c.Def != "other" || c.Stack == a.Stack {
		t.Errorf("decorators %+v %+v %+v", a, b, c)
	}
}

func TestUnterminated(t *testing.T) {
	_, err := pylit.Read("X = 1\nY = 'abc\n", nil)
	postest.Positions(t, "unterminated string", err, []policy.Error{{Line: 2, Column: 5}})
}

// EditOptions and AppendItems keep the text's layout.
func TestAppendItems(t *testing.T) {
	tests := []struct{ desc, src, want string }{
		{desc: "one line", src: `X = ["a", "b"]`, want: `X = ["a", "b", "c"]`},
		{desc: "own lines with a trailing comma", src: "X = [\n    \"a\",\n]", want: "X = [\n    \"a\",\n    \"c\",\n]"},
		{desc: "empty tuple gains its comma", src: `X = ()`, want: `X = ("c",)`},
		{desc: "a str becomes a list", src: `X = "a"`, want: `X = ["a", "c"]`},
	}
	for _, tt := range tests {
		m, _ := pylit.Read(tt.src, nil)
		a, _ := m.Last("X")
		got, ok := pylit.AppendItems(tt.src, a.Value, []string{`"c"`})
		if !ok || got != tt.want {
			t.Errorf("%s: %q, want %q", tt.desc, got, tt.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add("X = [*Y, r'a' 'b', {1: (2,)}, -3.5]\n@d(x=1)\ndef f(): pass\n")
	f.Add("CORS(app, resources={r'/*': {'origins': '*'}})")
	f.Add("'''unterminated")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := pylit.Read(s, nil)
		postest.Rejected(t, err)
		if err != nil {
			return
		}
		lines := strings.Count(s, "\n") + 1
		for _, a := range m.Assigns {
			check(t, s, lines, a.Value)
		}
		for _, c := range m.Calls {
			for _, a := range c.Args {
				check(t, s, lines, a.Value)
			}
		}
	})
}

// check asserts that v and its items are positioned inside the text.
func check(t *testing.T, s string, lines int, v pylit.Value) {
	if v.Line < 1 || v.Line > lines || v.Col < 1 || v.Off < 0 || v.End > len(s) || v.Off > v.End {
		t.Fatalf("value %v at %d:%d [%d,%d) outside the text of %d lines, %d bytes", v.Kind, v.Line, v.Col, v.Off, v.End, lines, len(s))
	}
	if v.Col > utf8.RuneCountInString(s)+1 {
		t.Fatalf("column %d past the text", v.Col)
	}
	for _, it := range v.Items {
		if it.Off >= 0 {
			check(t, s, lines, it)
		}
	}
}

// TestAnchored: a pattern is stated as re.match (start) or re.fullmatch
// (both ends) matches it, grouped only when a top-level | needs it.
func TestAnchored(t *testing.T) {
	for _, c := range []struct {
		desc, pattern string
		full          bool
		want          string
	}{
		{desc: "re.match anchors the start only (Python re docs, re.match)", pattern: `https://.*\.example\.com`, want: `^https://.*\.example\.com`},
		{desc: "the user's own anchors are kept once", pattern: `^https://a\.test$`, want: `^https://a\.test$`},
		{desc: "re.fullmatch anchors both ends (Python re docs, re.fullmatch)", pattern: `https://a\.test`, full: true, want: `^https://a\.test$`},
		{desc: "fullmatch of a pattern already ending in $ adds none", pattern: `https://a\.test$`, full: true, want: `^https://a\.test$`},
		{desc: "an escaped $ is a character, not an anchor", pattern: `a\$`, full: true, want: `^a\$$`},
		{desc: "a top-level | is grouped: ^ binds only its first branch", pattern: `^https://a\.test|https://b\.test`, want: `^(?:https://a\.test|https://b\.test)`},
		{desc: "a top-level | under fullmatch is grouped and anchored", pattern: `a|b`, full: true, want: `^(?:a|b)$`},
		{desc: "a | inside a group or a class needs no group", pattern: `https://(a|b)\.test[|]$`, want: `^https://(a|b)\.test[|]$`},
	} {
		if got := pylit.Anchored(c.pattern, c.full); got != c.want {
			t.Errorf("%s: Anchored(%q, %v) = %q, want %q", c.desc, c.pattern, c.full, got, c.want)
		}
	}
}
