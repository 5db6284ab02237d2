package all_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// TestEveryReportedCodeIsListed: every code a finding or a format's trap
// carries, over every configuration in the formats' and platforms'
// testdata and in examples/, is one `whycors lint --codes` lists
// (lint.CodesOf): a user can look it up, the SARIF report names it as a
// rule, and a whycors:ignore directive may name it. Before the formats
// listed theirs (lint.Coder), a directive naming terraform-star-origin-
// credentials was itself a finding ("not a lint code"), and SARIF
// results named rules the report did not hold.
func TestEveryReportedCodeIsListed(t *testing.T) {
	reg := all.Registry()
	listed := map[string]lint.CodeInfo{}
	for _, c := range lint.CodesOf(reg) {
		if c.Summary == "" || c.Source == "" || c.Severity.Rank() == 0 {
			t.Errorf("%s: listed without a summary, a source or a level: %+v", c.Code, c)
		}
		listed[c.Code] = c
	}
	var texts []string
	for _, root := range []string{"../formats", "../platform", "../../examples"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == "fuzz" {
					return filepath.SkipDir
				}
				return nil
			}
			if root != "../../examples" && !strings.Contains(filepath.ToSlash(p), "/testdata/") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			texts = append(texts, string(b))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	check := func(code string, sev string, where string) {
		seen[code] = true
		c, ok := listed[code]
		switch {
		case !ok:
			t.Errorf("%s reports %q, which lint --codes does not list: add it to the format's LintCodes", where, code)
		case lint.Severity(sev).Rank() > c.Severity.Rank():
			t.Errorf("%s reports %q at %s, above its listed level %s", where, code, sev, c.Severity)
		}
	}
	for _, text := range texts {
		f, err := reg.Resolve("auto", policy.Source{Text: text})
		if err != nil {
			continue
		}
		fs, err := lint.Lint(reg, text, f.Name())
		if err == nil {
			for _, x := range fs {
				check(x.Code, string(x.Severity), f.Name())
			}
		}
		if tr, ok := f.(advise.Trapper); ok {
			for _, x := range tr.Traps(text, nil) {
				check(x.Code, x.Severity, f.Name()+"'s traps")
			}
		}
	}
	if len(seen) < 20 {
		t.Errorf("only %d codes seen over %d texts: the corpus was not read", len(seen), len(texts))
	}
}
