package golit_test

import (
	"go/ast"
	"testing"

	"github.com/whycors/whycors/engine/formats/internal/golit"
)

// Each value is what the Go compiler makes of the constant expression
// (The Go Programming Language Specification, "Constant expressions");
// net/http's and time's constants are their documented values.
func TestEval(t *testing.T) {
	for _, c := range []struct {
		desc string
		src  string // the declarations; v is evaluated
		kind golit.Kind
		str  string
		n    int64
		line int
		col  int
	}{
		{desc: "a string constant joined", src: "const a = \"https://\"\nvar v = a + \"x.example\"", kind: golit.String, str: "https://x.example", line: 4, col: 9},
		{desc: "a duration", src: "var v = 12 * time.Hour", kind: golit.Int, n: 12 * 3600e9, line: 3, col: 9},
		{desc: "a method constant", src: "var v = http.MethodPatch", kind: golit.String, str: "PATCH", line: 3, col: 9},
		{desc: "a raw string", src: "var v = `a\\b`", kind: golit.String, str: `a\b`, line: 3, col: 9},
		{desc: "negative", src: "const m = 5\nvar v = -(m * 2)", kind: golit.Int, n: -10, line: 4, col: 9},
		{desc: "a variable assigned twice is not a constant", src: "var v = \"a\"\nfunc f() { v = \"b\" }", kind: golit.Unknown, line: 0},
		{desc: "a call", src: "var v = os.Getenv(\"X\")", kind: golit.Unknown, line: 3, col: 9},
	} {
		f, err := golit.Parse("package p\n\n" + c.src + "\nvar _ = use(v)")
		if err != nil {
			t.Fatalf("%s: %v", c.desc, err)
		}
		// v's value, through the identifier.
		got := f.Eval(&ast.Ident{Name: "v"})
		if got.Kind != c.kind || got.Str != c.str || got.Int != c.n {
			t.Errorf("%s: %+v, want kind %d %q %d", c.desc, got, c.kind, c.str, c.n)
		}
		if c.line > 0 && (got.Pos.Line != c.line || got.Pos.Column != c.col) {
			t.Errorf("%s: at %d:%d, want %d:%d", c.desc, got.Pos.Line, got.Pos.Column, c.line, c.col)
		}
	}
}

// TestFileAfterComments: a file whose package clause follows comments (a
// licence header, a build constraint, a whycors:ignore directive) is read
// as a file, not as a snippet (the Go spec: comments are not tokens).
func TestFileAfterComments(t *testing.T) {
	for _, head := range []string{"// Copyright 2026\n", "//go:build linux\n\n", "/* licence\n   text */\n", "// whycors:ignore null-origin reviewed\n"} {
		if _, err := golit.Parse(head + "package main\n\nvar x = []string{\"a\"}\n"); err != nil {
			t.Errorf("%q then a package clause: %v", head, err)
		}
	}
}
