package all_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/native"
)

// module is the import path of this repository, for mapping a format's
// package to its folder.
const module = "github.com/whycors/whycors/"

// TestOneHomePerFormat: no non-test Go file outside a format's own
// package names that format (issue 12, "One home per format"): neither
// its name ("s3-json") nor a family prefix of it ("s3-"). Everything the
// engine knows of a format is in its package, found through the
// registry's capabilities; our own native policy is the one exception
// (the worker converts to it and the converter writes it directly).
func TestOneHomePerFormat(t *testing.T) {
	home := map[string]string{} // format name -> folder of its package, from the repository root
	prefixes := map[string][]string{}
	for _, f := range all.Formats() {
		n := f.Name()
		if n == native.FormatName {
			continue
		}
		typ := reflect.TypeOf(f)
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		home[n] = strings.TrimPrefix(typ.PkgPath(), module)
		if i := strings.IndexByte(n, '-'); i > 0 {
			prefixes[n[:i+1]] = append(prefixes[n[:i+1]], n)
		}
	}
	// homesOf are the folders that may write s: a format's own, or, for a
	// prefix, the folders of every format with it.
	homesOf := func(s string) []string {
		if h, ok := home[s]; ok {
			return []string{h}
		}
		var out []string
		for _, n := range prefixes[s] {
			out = append(out, home[n])
		}
		return out
	}
	fset := token.NewFileSet()
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("../..", path)
		if d.IsDir() {
			switch d.Name() {
			// scripts/ are the developers' tools, not the product (the
			// build summary's "raw" column is a size, not the format).
			case "node_modules", "testdata", "e2e", ".git", "dist", "scripts":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(rel))
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			homes := homesOf(s)
			if len(homes) == 0 {
				return true
			}
			for _, h := range homes {
				if dir == h || strings.HasPrefix(dir, h+"/") {
					return true
				}
			}
			t.Errorf("%s: names the format %q, whose home is %s", fset.Position(lit.Pos()), s, strings.Join(homes, ", "))
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
