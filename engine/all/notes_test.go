package all_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// notesCite matches what only this project's notes (shared/reference,
// shared/seeds, outside this repository) explain: a note's section
// ("cloud-policies.md §1.3") or path, and the notes' [UNVERIFIED] marker.
var notesCite = regexp.MustCompile(`[\w-]+\.md §|shared/(reference|seeds)|\[UNVERIFIED`)

// specNames are the declarations whose strings are a step's or a
// format's source (fetch.Step.Spec, explain.Documented): those keep the
// notes they rest on, in the JSON's spec, and every reader of them shows
// a public document instead (explain's readerDoc, the page's docLink).
var specNames = regexp.MustCompile(`^(Source\w*|source|doc|docRef)$`)

// TestMessagesCiteNoNotes: no message a user reads (a lint finding, a
// conversion note or refusal, a warning, a step's words) cites the
// project's notes, which a user has no copy of, nor their [UNVERIFIED]
// marker, which the message says in words ("not yet checked against
// Azure"). Tried as a new user would, on the S3 seed's XML, every rule
// step ended with a note's section; the lint messages cited them too.
// The notes stay in comments and in a source's spec (specNames).
func TestMessagesCiteNoNotes(t *testing.T) {
	var files []string
	for _, root := range []string{"..", "../../cmd", "../../worker", "../../wasm"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 100 {
		t.Fatalf("found %d Go files: the walk missed the engine", len(files))
	}
	fset := token.NewFileSet()
	checked := 0
	for _, p := range files {
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			stack = append(stack, n)
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING || !notesCite.MatchString(lit.Value) {
				return true
			}
			checked++
			if !citesASource(stack) {
				t.Errorf("%s: a string users read cites the project's notes: %s", fset.Position(lit.Pos()), lit.Value)
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatal("no string cites the notes at all: the pattern no longer matches the sources' own")
	}
}

// citesASource reports whether the string at the top of stack is a
// source's spec: a constant or variable of specNames, a Spec field, or
// what a Doc method or explain's formatSource returns.
func citesASource(stack []ast.Node) bool {
	for i := len(stack) - 2; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.ValueSpec:
			for _, id := range n.Names {
				if specNames.MatchString(id.Name) {
					return true
				}
			}
			return false
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok && id.Name == "Spec" {
				return true
			}
		case *ast.FuncDecl:
			return n.Name.Name == "Doc" || n.Name.Name == "formatSource"
		}
	}
	return false
}
