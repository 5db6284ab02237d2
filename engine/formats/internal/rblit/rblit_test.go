package rblit_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/internal/rblit"
)

// arg reads `f <expr>` and returns f's first argument.
func arg(t *testing.T, expr string, environ map[string]string) rblit.Value {
	t.Helper()
	f := rblit.Read("X = 1\nf "+expr+"\n", environ)
	for _, st := range f.Body {
		if st.Call != nil && st.Call.Name == "f" {
			if len(st.Call.Args) == 0 {
				t.Fatalf("%s: no argument", expr)
			}
			return st.Call.Args[0]
		}
	}
	t.Fatalf("%s: no call read", expr)
	return rblit.Value{}
}

// TestValues: each literal as Ruby (3.1) evaluates it; the strings'
// escapes are the Ruby reference's (docs.ruby-lang.org, "Literals").
func TestValues(t *testing.T) {
	tests := []struct {
		desc, expr string
		kind       rblit.Kind
		want       string // S, or the items joined by "|"
	}{
		{"double-quoted escapes", `"a\tb\u00e9\x41"`, rblit.Str, "a\tbéA"},
		{"single quotes keep backslashes but \\' and \\\\", `'a\nb\'c\\'`, rblit.Str, `a\nb'c\`},
		{"adjacent literals are one string", `"ab" 'cd'`, rblit.Str, "abcd"},
		{"a symbol", `:get`, rblit.Sym, "get"},
		{"a quoted symbol", `:"x-y"`, rblit.Sym, "x-y"},
		{"a regex keeps its source and options", `/\Ahttps:\/\/x\z/i`, rblit.Regex, `\Ahttps:\/\/x\z`},
		{"%r with braces", `%r{\A/api/}`, rblit.Regex, `\A/api/`},
		{"%w words", `%w[a b  c]`, rblit.Array, "a|b|c"},
		{"%i symbols", `%i(get post)`, rblit.Array, "get|post"},
		{"a list over lines", "[\n  :get,\n  :post,\n]", rblit.Array, "get|post"},
		{"1.hour is 3600 seconds", `1.hour`, rblit.Int, "3600"},
		{"split by a string", `"a,b,,c,".split(",")`, rblit.Array, "a|b||c"},
		{"split and strip", `"a, b".split(",").map(&:strip)`, rblit.Array, "a|b"},
		{"a ternary is code", `x ? "a" : "b"`, rblit.Code, `x ? "a" : "b"`},
		{"interpolation is refused", `"https://#{host}"`, rblit.Invalid, ""},
		{"a lambda is a proc", `->(o) { o.end_with?(".x") }`, rblit.Proc, ""},
		{"ENV[] unset is nil", `ENV["WHYCORS_UNSET"]`, rblit.Nil, ""},
		{"ENV.fetch's default", `ENV.fetch("WHYCORS_UNSET", "d")`, rblit.Str, "d"},
		{"ENV.fetch's block default", `ENV.fetch("WHYCORS_UNSET") { "d" }`, rblit.Str, "d"},
		{"ENV given", `ENV["WHYCORS_SET"].split(",")`, rblit.Array, "p|q"},
		{"a Rails.env ternary, RAILS_ENV given", `Rails.env.production? ? "https://a.example" : "http://localhost:3000"`, rblit.Str, "https://a.example"},
		{"a Rails.env ternary's other branch", `Rails.env.staging? ? %w[a] : %w[b c]`, rblit.Array, "b|c"},
		{"nesting is bounded", strings.Repeat("[", 100) + strings.Repeat("]", 100), rblit.Array, ""},
	}
	env := map[string]string{"WHYCORS_SET": "p,q", "RAILS_ENV": "production"}
	for _, tt := range tests {
		v := arg(t, tt.expr, env)
		got := v.S
		if v.Kind == rblit.Array {
			var items []string
			for _, it := range v.Items {
				items = append(items, it.S)
			}
			got = strings.Join(items, "|")
		}
		if v.Kind != tt.kind || tt.want != "" && got != tt.want {
			t.Errorf("%s: %s = %v %q, want %v %q", tt.desc, tt.expr, v.Kind, got, tt.kind, tt.want)
		}
	}
}

// TestStatements: a Rails file's statements around the middleware are
// passed over, the ones inside a class or module read, comments and
// =begin blocks skipped, and a modifier's condition kept.
func TestStatements(t *testing.T) {
	src := `require_relative "boot"
=begin
config.middleware.use Rack::Cors
=end
module App
  class Application < Rails::Application
    config.load_defaults 7.1
    config.api_only = true
    # config.middleware.use Other
    config.middleware.insert_before 0, Rack::Cors do
      allow do
        origins "https://a.example"
      end
    end if Rails.env.development?
  end
end
`
	f := rblit.Read(src, nil)
	var calls []string
	var walk func([]rblit.Stmt)
	walk = func(sts []rblit.Stmt) {
		for _, st := range sts {
			if st.Call == nil {
				continue
			}
			calls = append(calls, st.Call.Recv+"."+st.Call.Name+"@"+st.Cond)
			if st.Call.Block != nil {
				walk(st.Call.Block.Body)
			}
		}
	}
	walk(f.Body)
	want := ".require_relative@ config.load_defaults@ config.middleware.insert_before@Rails.env.development? .allow@ .origins@"
	if got := strings.Join(calls, " "); got != want {
		t.Errorf("calls %s\nwant  %s", got, want)
	}
}

// TestDeepNesting: 16,384 brackets are read in bounded depth, the
// fault where the nesting passes the bound.
func TestDeepNesting(t *testing.T) {
	v := arg(t, strings.Repeat("[", 1<<14)+strings.Repeat("]", 1<<14), nil)
	for v.Kind == rblit.Array && len(v.Items) > 0 {
		v = v.Items[0]
	}
	if v.Kind != rblit.Invalid || !strings.Contains(v.S, "nested") {
		t.Errorf("innermost value %v %q, want the nesting refused", v.Kind, v.S)
	}
}

// FuzzRead: no input panics, and every value's place is inside the text.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins 'a', /b/i\n    resource '*', headers: :any, methods: %i[get]\n  end\nend\n",
		`f "a#{b}", %w[x y], ENV.fetch("A") { 1 }.split(","), ->(x) { x }, {a: 1, :b => [2]}`,
		"class A\n  def b\n    if c then d end\n  end\nend\n=begin\nx\n=end\n",
		`f /\Aa\z/, %r{x}, :"s", 1.hour, -1.5, ?a`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		file := rblit.Read(src, map[string]string{"A": "x,y"})
		var check func(rblit.Value)
		check = func(v rblit.Value) {
			if v.Line < 0 || v.Col < 0 || v.Off < 0 || v.End > len(src) || v.Off > v.End && v.Kind != rblit.Invalid {
				t.Fatalf("value %+v outside the text (%d bytes)", v, len(src))
			}
			for _, it := range v.Items {
				check(it)
			}
			for _, p := range v.Pairs {
				check(p.Val)
			}
		}
		var walk func([]rblit.Stmt)
		walk = func(sts []rblit.Stmt) {
			for _, st := range sts {
				if st.Call == nil {
					continue
				}
				if st.Call.ArgsEnd > len(src) || st.Call.Off > st.Call.ArgsEnd {
					t.Fatalf("call %+v outside the text", st.Call)
				}
				for _, a := range st.Call.Args {
					check(a)
				}
				for _, o := range st.Call.Opts {
					check(o.Val)
				}
				if st.Call.Block != nil {
					walk(st.Call.Block.Body)
				}
			}
		}
		walk(file.Body)
	})
}
