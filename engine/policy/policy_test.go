package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/policy"
)

func TestErrors(t *testing.T) {
	es := policy.Errors{
		{Path: "$[0].AllowedMethods[1]", Line: 3, Column: 7, Code: "InvalidRequest", Msg: "Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD"},
		{Msg: "no rules"},
	}
	want := "line 3, column 7: $[0].AllowedMethods[1]: InvalidRequest: Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD\nno rules"
	if got := es.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var target policy.Errors
	if err := es.Err(); !errors.As(err, &target) || len(target) != 2 {
		t.Errorf("Err() does not unwrap to the list: %v", err)
	}
	if (policy.Errors{}).Err() != nil {
		t.Error("an empty list is no error")
	}
}

func TestLineCol(t *testing.T) {
	text := "{\n  \"a\": 1,\n  \"b\": x\n}"
	tests := []struct {
		desc              string
		offset, line, col int
	}{
		{desc: "the first byte", offset: 0, line: 1, col: 1},
		{desc: "just after a newline", offset: 2, line: 2, col: 1},
		{desc: "the x on line 3", offset: strings.Index(text, "x"), line: 3, col: 8},
		{desc: "past the end is clamped", offset: 999, line: 4, col: 2},
	}
	for _, tc := range tests {
		if l, c := policy.LineCol(text, tc.offset); l != tc.line || c != tc.col {
			t.Errorf("%s: LineCol(%d) = %d:%d, want %d:%d", tc.desc, tc.offset, l, c, tc.line, tc.col)
		}
	}
}

type fakeFormat struct{ name, marker string }

func (f fakeFormat) Name() string { return f.name }
func (f fakeFormat) Detect(text string) (bool, string) {
	return strings.Contains(text, f.marker), "contains " + f.marker
}
func (f fakeFormat) Parse(string) (policy.Evaluator, error) { return nil, nil }

func TestRegistry(t *testing.T) {
	reg := policy.NewRegistry(fakeFormat{"zz-test-b", "beta"}, fakeFormat{"zz-test-a", "alpha"})
	if _, ok := reg.Lookup("zz-test-a"); !ok {
		t.Fatal("registered format not found")
	}
	got := reg.Detect("alpha and beta")
	if len(got) != 2 || got[0].Format != "zz-test-a" || got[1].Format != "zz-test-b" {
		t.Errorf("Detect = %+v, want both in name order", got)
	}
	if _, err := reg.Resolve("auto", policy.Source{Text: "alpha and beta"}); err == nil || !strings.Contains(err.Error(), "zz-test-a (contains alpha), zz-test-b (contains beta)") {
		t.Errorf("Resolve of an ambiguous text: %v, want both formats with why", err)
	}
	if f, err := reg.Resolve("auto", policy.Source{Files: []policy.File{{Name: "cors.txt", Text: "beta"}}}); err != nil || f.Name() != "zz-test-b" {
		t.Errorf("Resolve of one file: %v, %v; want zz-test-b", f, err)
	}
	defer func() {
		if recover() == nil {
			t.Error("listing a name twice must panic")
		}
	}()
	policy.NewRegistry(fakeFormat{"zz-test-a", "alpha"}, fakeFormat{"zz-test-a", "x"})
}
