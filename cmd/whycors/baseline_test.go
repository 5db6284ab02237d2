package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/lint"
)

// A baseline keeps accepted findings out of later runs by file, code and
// JSON path (or message), whatever line they move to; a finding that is
// new, moved to another value or in another file is reported.
func TestBaseline(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "base.json")
	accepted := []lint.Finding{
		{Severity: lint.Warning, Code: "null-origin", Path: "$[0].AllowedOrigins[1]", Line: 3, Message: "null"},
		{Severity: lint.Warning, Code: "missing-always", Line: 7, Message: "add_header without always"},
	}
	if err := writeBaseline(file, []fileFindings{{"conf/cors.json", accepted}}); err != nil {
		t.Fatal(err)
	}
	set, err := readBaseline(file)
	if err != nil {
		t.Fatal(err)
	}
	later := []lint.Finding{
		{Code: "null-origin", Path: "$[0].AllowedOrigins[1]", Line: 9, Message: "null"},        // moved down: still accepted
		{Code: "missing-always", Line: 12, Message: "add_header without always"},               // no path: by message
		{Code: "null-origin", Path: "$[1].AllowedOrigins[0]", Line: 20, Message: "null"},       // another value: new
		{Code: "suffix-trap", Path: "$[0].AllowedOrigins[0]", Line: 2, Message: "suffix trap"}, // another code: new
	}
	var got []string
	for _, f := range withoutBaseline(set, "conf/cors.json", later) {
		got = append(got, f.Code+" "+f.Path)
	}
	if want := []string{"null-origin $[1].AllowedOrigins[0]", "suffix-trap $[0].AllowedOrigins[0]"}; !slices.Equal(got, want) {
		t.Errorf("reported %v, want %v", got, want)
	}
	if n := len(withoutBaseline(set, "other/cors.json", later)); n != len(later) {
		t.Errorf("another file: %d of %d reported, want all", n, len(later))
	}
	bad := filepath.Join(dir, "bad.json")
	for _, tc := range []struct{ desc, text, want string }{
		{"not JSON", "nope", "not a whycors baseline"},
		{"another version", `{"version": 2, "findings": []}`, "baseline version 2"},
		{"an entry without a code", `{"version": 1, "findings": [{"file": "a"}]}`, "needs a file and a code"},
	} {
		os.WriteFile(bad, []byte(tc.text), 0o644)
		if _, err := readBaseline(bad); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.desc, err, tc.want)
		}
	}
}

// The lint command writes a baseline and then reports only what is new.
func TestLintBaselineFlags(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "cors.json")
	base := filepath.Join(dir, "baseline.json")
	os.WriteFile(conf, []byte(`[{"AllowedOrigins":["https://*example.com"],"AllowedMethods":["GET"]}]`), 0o644)
	lintRun := func(args ...string) (int, string) {
		var out, errb strings.Builder
		code := run(append([]string{"lint"}, args...), strings.NewReader(""), &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := lintRun("--write-baseline", base, conf); code != 0 || !strings.Contains(out, "written to") {
		t.Fatalf("--write-baseline: exit %d: %s", code, out)
	}
	if code, out := lintRun("--baseline", base, conf); code != 0 || strings.Contains(out, "suffix-trap") {
		t.Errorf("the accepted finding is reported again: exit %d: %s", code, out)
	}
	os.WriteFile(conf, []byte(`[{"AllowedOrigins":["https://*example.com"],"AllowedMethods":["GET"]},{"AllowedOrigins":["https://*example.org"],"AllowedMethods":["PUT"]}]`), 0o644)
	if code, out := lintRun("--baseline", base, conf); code != 1 || !strings.Contains(out, "$[1].AllowedOrigins[0]") || strings.Contains(out, "$[0].AllowedOrigins[0]") {
		t.Errorf("only the new rule's finding should be reported, exit 1: exit %d: %s", code, out)
	}
	if code, out := lintRun("--baseline", filepath.Join(dir, "none.json"), conf); code != 2 || !strings.Contains(out, "none.json") {
		t.Errorf("a missing baseline is an input error naming it: exit %d: %s", code, out)
	}
}
