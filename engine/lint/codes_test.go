package lint_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/whycors/whycors/engine/lint"
)

// Codes (what reports such as SARIF name as rules) and the package doc's
// table list the same codes, in the same order, at the same most severe
// level (the doc's "info / warning" is warning).
func TestCodesAreDocumented(t *testing.T) {
	src, err := os.ReadFile("lint.go")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`(?m)^//\t([a-z0-9-]+) +(error|warning|info)(?: / (error|warning|info))?`).FindAllSubmatch(src, -1)
	codes := lint.Codes()
	if len(rows) != len(codes) || len(rows) == 0 {
		t.Fatalf("the doc lists %d codes, Codes %d", len(rows), len(codes))
	}
	for i, r := range rows {
		levels := []lint.Severity{lint.Severity(r[2]), lint.Severity(r[3])}
		most := levels[0]
		if levels[1].Rank() > most.Rank() {
			most = levels[1]
		}
		if c := codes[i]; c.Code != string(r[1]) || c.Severity != most || c.Summary == "" || c.Source == "" {
			t.Errorf("row %d: doc %s %s, Codes %+v", i, r[1], r[2], c)
		}
	}
}
