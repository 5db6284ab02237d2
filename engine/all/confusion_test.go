package all_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/limits"
)

// TestDetectionConfusion is auto-detection's confusion matrix (issues 15,
// 17 and 18: "without false matches"): every golden file of every format
// package (its testdata, at any depth) and every example is detected,
// and a file one format claims must be claimed by a format of the
// package it belongs to (an example: by any one format), never by two.
// A file no format claims (an expected output, a request, a fix diff)
// is counted apart. The matrix is logged: the claims per package.
func TestDetectionConfusion(t *testing.T) {
	reg := all.Registry()
	home := map[string]string{} // format name -> its package's folder
	for _, f := range all.Formats() {
		typ := reflect.TypeOf(f)
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		home[f.Name()] = strings.TrimPrefix(typ.PkgPath(), module)
	}
	packages := map[string]bool{}
	for _, h := range home {
		packages[h] = true
	}
	// Known overlaps, each with its reason; a listed file that stops
	// being ambiguous fails too, so the list stays true.
	known := map[string]string{
		// gcs-json looks for "origin" and "method" members; a plan JSON
		// of a google_storage_bucket has both. Named formats read it.
		"engine/formats/terraform/testdata/gcs/plan.json": "gcs-json and terraform-plan",
	}
	matrix := map[string]map[string]int{} // package -> claiming format -> files
	var roots []string
	for p := range packages {
		roots = append(roots, filepath.Join("../..", p, "testdata"))
	}
	roots = append(roots, "../../examples")
	sort.Strings(roots)
	seenKnown := map[string]bool{}
	files := 0
	for _, root := range roots {
		if _, err := os.Stat(root); err != nil {
			continue
		}
		pkg := strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(root), "../../"), "/testdata")
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil || len(b) > limits.PolicyText {
				return err
			}
			rel := strings.TrimPrefix(filepath.ToSlash(path), "../../")
			// An example scenario (what `whycors explain` reads) is no
			// configuration: its policy text is detected when explained.
			if pkg == "examples" && strings.HasSuffix(path, ".json") && strings.Contains(string(b), `"request"`) {
				return nil
			}
			files++
			ds := reg.Detect(string(b))
			if matrix[pkg] == nil {
				matrix[pkg] = map[string]int{}
			}
			names := make([]string, len(ds))
			for i, d := range ds {
				names[i] = d.Format
			}
			key := strings.Join(names, "+")
			if key == "" {
				key = "(none)"
			}
			matrix[pkg][key]++
			if why, ok := known[rel]; ok {
				seenKnown[rel] = true
				if len(ds) < 2 {
					t.Errorf("%s: listed as claimed by %s, but claimed by %v: take it off the list", rel, why, names)
				}
				return nil
			}
			switch {
			case len(ds) > 1:
				t.Errorf("%s: claimed by %v; one format at most", rel, names)
			case len(ds) == 1 && pkg != "examples" && home[ds[0].Format] != pkg:
				t.Errorf("%s: a golden file of %s claimed by %s (%s)", rel, pkg, ds[0].Format, ds[0].Why)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for rel := range known {
		if !seenKnown[rel] {
			t.Errorf("%s: listed as a known overlap but not found", rel)
		}
	}
	if files < 50 {
		t.Errorf("only %d golden files read", files)
	}
	var lines []string
	for pkg, m := range matrix {
		var cells []string
		for k, n := range m {
			cells = append(cells, k+":"+itoa(n))
		}
		sort.Strings(cells)
		lines = append(lines, pkg+"  "+strings.Join(cells, " "))
	}
	sort.Strings(lines)
	t.Logf("%d files; claims per package:\n%s", files, strings.Join(lines, "\n"))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
