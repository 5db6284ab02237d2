package native_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
)

// TestOverlappingPaths: lint warns where a later rule's path overlaps an
// earlier one's and it allows origins the earlier does not, the case
// where the first rule whose path and origins match (the package doc,
// "Which rule answers") answers a request the earlier rule would have
// refused when rules were chosen by path alone. The expected positions
// are the later rule's "path" value, counted in each text.
func TestOverlappingPaths(t *testing.T) {
	tests := []struct {
		desc, text string
		at         string // "line:column" of the finding; "" for none
	}{
		{desc: "a narrower path for another origin after a wider one", at: "3:12",
			text: "{\"rules\": [\n  {\"path\": \"/api/*\", \"origins\": [\"https://app.test\"]},\n  {\"path\": \"/api/admin/*\", \"origins\": [\"https://admin.test\"]}\n]}"},
		{desc: "a rule for every path after one for /api/*: it opens /api/ to its origins", at: "3:3",
			text: "{\"rules\": [\n  {\"path\": \"/api/*\", \"origins\": [\"https://app.test\"]},\n  {\"origins\": [\"https://admin.test\"]}\n]}"},
		{desc: "an exact path under an earlier prefix", at: "3:12",
			text: "{\"rules\": [\n  {\"path\": \"/api*\", \"origins\": [\"https://app.test\"]},\n  {\"path\": \"/apiv2\", \"origins\": [\"https://admin.test\"]}\n]}"},
		{desc: "the same pattern, one rule per origin (issue 19's shape): what origin selection is for",
			text: "{\"rules\": [\n  {\"path\": \"/api/*\", \"origins\": [\"https://app.test\"]},\n  {\"path\": \"/api/*\", \"origins\": [\"https://admin.test\"]}\n]}"},
		{desc: "disjoint paths",
			text: "{\"rules\": [\n  {\"path\": \"/api/*\", \"origins\": [\"https://app.test\"]},\n  {\"path\": \"/static/*\", \"origins\": [\"https://admin.test\"]}\n]}"},
		{desc: "the later rule's origins are all the earlier's: nothing answered that the earlier refused",
			text: "{\"rules\": [\n  {\"path\": \"/api/*\", \"origins\": [\"https://app.test\", \"https://admin.test\"]},\n  {\"path\": \"/api/admin/*\", \"origins\": [\"https://admin.test\"]}\n]}"},
		{desc: "the earlier rule allows every origin",
			text: "{\"rules\": [\n  {\"path\": \"/api/*\", \"origins\": [\"*\"]},\n  {\"origins\": [\"https://admin.test\"], \"credentials\": true}\n]}"},
		{desc: "the earlier rule is final: no later rule is tried on its paths (the finding's advice)",
			text: "{\"rules\": [\n  {\"path\": \"/api/*\", \"origins\": [\"https://app.test\"], \"final\": true},\n  {\"origins\": [\"https://admin.test\"]}\n]}"},
		{desc: "exact paths that differ do not overlap",
			text: "{\"rules\": [\n  {\"path\": \"/a\", \"origins\": [\"https://app.test\"]},\n  {\"path\": \"/a/b\", \"origins\": [\"https://admin.test\"]}\n]}"},
	}
	reg := policy.NewRegistry(native.Formats()...)
	for _, tc := range tests {
		fs, err := lint.Lint(reg, tc.text, "native")
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		var got []string
		for _, f := range fs {
			if f.Code == "overlapping-paths" {
				got = append(got, strconv.Itoa(f.Line)+":"+strconv.Itoa(f.Column))
				if f.Severity != lint.Warning || !strings.Contains(f.Message, "overlaps rule 1's") {
					t.Errorf("%s: %+v", tc.desc, f)
				}
			}
		}
		want := []string{}
		if tc.at != "" {
			want = []string{tc.at}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: overlapping-paths at %v, want %v\n%s", tc.desc, got, want, tc.text)
		}
	}
}

// TestOverlappingPathsAdvice: the advice fits the order of the rules
// (found by an adversarial review: a later final rule under a broader
// one was told to make the broader one final, which leaves the final
// rule unreachable).
func TestOverlappingPathsAdvice(t *testing.T) {
	for _, tc := range []struct{ desc, text, want, not string }{
		{desc: "a final rule after a broader one: move it first",
			text: `{"rules": [{"origins": ["https://app.test"]}, {"path": "/admin/*", "origins": ["https://admin.test"], "final": true}]}`,
			want: "put this rule before rule 1", not: "give rule 1"},
		{desc: "a narrower rule after a broader one: either order, said with what final does",
			text: `{"rules": [{"path": "/api/*", "origins": ["https://app.test"]}, {"path": "/api/admin/*", "origins": ["https://admin.test"]}]}`,
			want: "rule 2 is then never tried"},
		{desc: "a broader rule after a narrower one: final on the narrower keeps its paths",
			text: `{"rules": [{"path": "/admin/*", "origins": ["https://app.test"]}, {"origins": ["https://admin.test"]}]}`,
			want: "to keep rule 1's paths to its own origins, give it \"final\": true"},
	} {
		var got string
		for _, f := range native.Formats()[0].(lint.TextChecker).CheckText(tc.text) {
			got += f.Message
		}
		if !strings.Contains(got, tc.want) || tc.not != "" && strings.Contains(got, tc.not) {
			t.Errorf("%s: %q, want %q", tc.desc, got, tc.want)
		}
	}
}
