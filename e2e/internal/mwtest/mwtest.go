// Package mwtest holds what the differential tests of the framework
// middlewares run from Debian's packages (e2e/python, e2e/ruby) share:
// the versions lines their testdata/versions.txt records, the later
// releases' packages scripts/test unpacked beside Debian 12's
// (deb_unpack), and the comparison of a real reply with the model's.
package mwtest

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/policy"
)

// Recorded are the lines of testdata/versions.txt under key ("key:
// versions"), one per server the test runs.
func Recorded(t *testing.T, key string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "versions.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(l, ": "); ok && k == key {
			out = append(out, strings.TrimSpace(v))
		}
	}
	if len(out) == 0 {
		t.Fatalf("testdata/versions.txt has no line for %s", key)
	}
	return out
}

// cache is where deb_unpack unpacks: ~/.cache/whycors/deb/SUITE/PACKAGE.
func cache() (string, bool) {
	dir, err := os.UserCacheDir()
	return filepath.Join(dir, "whycors", "deb"), err == nil
}

// Unpacked are, for each later Debian release scripts/test unpacked
// pkgs[0] from, the folder sub (a path inside the package: the one a
// language loads from) of each of pkgs as that release has them, pkgs[0]
// first, joined with the path list separator (for PYTHONPATH; one
// folder, for ruby -I, with one package).
func Unpacked(t *testing.T, sub string, pkgs ...string) []string {
	t.Helper()
	root, ok := cache()
	if !ok {
		return nil
	}
	dirs, err := filepath.Glob(filepath.Join(root, "*", pkgs[0], sub))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range dirs {
		rel, _ := filepath.Rel(root, d)
		suite, _, _ := strings.Cut(rel, string(filepath.Separator))
		path := []string{d}
		for _, p := range pkgs[1:] {
			path = append(path, filepath.Join(root, suite, p, sub))
		}
		out = append(out, strings.Join(path, string(filepath.ListSeparator)))
	}
	return out
}

// DebOf is the package file deb_unpack unpacked into the package folder
// that holds path's first entry, sub below it (its .whycors-deb:
// "pool/.../NAME.deb SHA256"), for a module that misnames its version.
func DebOf(path, sub string) string {
	first, _, _ := strings.Cut(path, string(filepath.ListSeparator))
	root := strings.TrimSuffix(first, string(filepath.Separator)+filepath.FromSlash(sub))
	b, err := os.ReadFile(filepath.Join(root, ".whycors-deb"))
	if err != nil {
		return "an unrecorded package"
	}
	name, _, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
	return filepath.Base(name)
}

// Compared are the fields of r the tests compare: the status, every
// Access-Control-* header and Vary, each as its lines joined with " | "
// (an absent header is "").
func Compared(r policy.Reply) map[string]string {
	m := map[string]string{"status": strconv.Itoa(r.Status)}
	for _, f := range r.Header {
		n := strings.ToLower(f.Name)
		if strings.HasPrefix(n, "access-control-") || n == "vary" {
			if old, ok := m[n]; ok {
				m[n] = old + " | " + f.Value
			} else {
				m[n] = f.Value
			}
		}
	}
	return m
}

// Diff lists the compared fields where real and model differ, sorted.
func Diff(real, model policy.Reply) []string {
	g, w := Compared(real), Compared(model)
	keys := map[string]bool{}
	for k := range g {
		keys[k] = true
	}
	for k := range w {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		if g[k] != w[k] {
			out = append(out, k+": real "+strconv.Quote(g[k])+", model "+strconv.Quote(w[k]))
		}
	}
	sort.Strings(out)
	return out
}
