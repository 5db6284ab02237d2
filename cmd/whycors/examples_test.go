package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestExamplesOutput: every scenario and capture of examples/ with a .txt
// beside it prints that text with `whycors explain` (the README shows
// these outputs as what a user gets), so a change of the engine's words
// or fixes shows here and the examples are rewritten with it:
//
//	go build -o /tmp/whycors ./cmd/whycors && for f in examples/*.json examples/*.har; do [ -f "${f%.*}.txt" ] && /tmp/whycors explain "$f" > "${f%.*}.txt"; done
//
// It runs from the repository's root, as the README's commands do.
func TestExamplesOutput(t *testing.T) {
	t.Chdir("../..")
	files, _ := filepath.Glob("examples/*.json")
	hars, _ := filepath.Glob("examples/*.har")
	n := 0
	for _, f := range append(files, hars...) {
		want, err := os.ReadFile(strings.TrimSuffix(f, filepath.Ext(f)) + ".txt")
		if err != nil {
			continue // no output kept beside it
		}
		n++
		var out bytes.Buffer
		run([]string{"explain", f}, strings.NewReader(""), &out, &out)
		if got := out.String(); got != string(want) {
			t.Errorf("%s: the output is no longer the .txt beside it (rewrite it as this test's comment says):\n%s", filepath.Base(f), firstDiff(got, string(want)))
		}
	}
	if n < 5 {
		t.Fatalf("only %d examples with an output beside them; the README shows more", n)
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n  got  " + gl + "\n  want " + wl
		}
	}
	return ""
}
