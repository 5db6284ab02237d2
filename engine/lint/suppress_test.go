package lint_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/lint"
)

// Inline suppressions (engine/lint suppress.go; issue "whycors in every
// terminal and pipeline"): what each directive covers, and what lint says
// of one without a reason, with an unknown code, or covering nothing.
func TestInlineSuppressions(t *testing.T) {
	s3 := func(extra string) string {
		return `[{` + extra + `"AllowedOrigins":["https://a.test","null"],"AllowedMethods":["GET","PUT"],"AllowedHeaders":["Accept"],"MaxAgeSeconds":90000}]`
	}
	tests := []struct {
		desc, format, text string
		want               []string // code@line:column of every finding, in order
	}{
		{desc: "nginx: no directive (the baseline of the next cases)", format: "nginx",
			text: "location / {\n  add_header Access-Control-Allow-Origin https://a.test;\n}\n",
			want: []string{"missing-always@2:3"}},
		{desc: "nginx: a trailing comment covers its own line", format: "nginx",
			text: "location / {\n  add_header Access-Control-Allow-Origin https://a.test; # whycors:ignore missing-always errors are answered by the CDN\n}\n"},
		{desc: "nginx: a comment alone covers the next line of text, over blank and comment lines", format: "nginx",
			text: "location / {\n  # whycors:ignore missing-always errors are answered by the CDN\n\n  # (see ops/cdn.md)\n  add_header Access-Control-Allow-Origin https://a.test;\n}\n"},
		{desc: "nginx: a directive without a reason suppresses nothing and is reported", format: "nginx",
			text: "location / {\n  add_header Access-Control-Allow-Origin https://a.test; # whycors:ignore missing-always\n}\n",
			want: []string{"missing-always@2:3", "suppression-invalid@2:60"}},
		{desc: "nginx: an unknown code suppresses nothing and is reported", format: "nginx",
			text: "location / {\n  add_header Access-Control-Allow-Origin https://a.test; # whycors:ignore missing-alway typo\n}\n",
			want: []string{"missing-always@2:3", "suppression-invalid@2:60"}},
		{desc: "nginx: a directive for a code that is not found here is reported unused", format: "nginx",
			text: "# whycors:ignore null-origin not here\nlocation / {\n  add_header Access-Control-Allow-Origin https://a.test always;\n}\n",
			want: []string{"suppression-unused@1:3"}},
		{desc: "S3 JSON: no directive (the baseline of the next cases)", format: "s3-json", text: s3(""),
			want: []string{"max-age-cap@1:2", "s3-vary@1:2", "null-origin@1:38", "safelisted-header@1:95"}},
		{desc: "S3 JSON: a member of the rule covers the rule's findings of that code; every other value keeps its place", format: "s3-json",
			text: s3(`"whycors:ignore": {"null-origin": "the sandboxed help widget", "s3-vary": "no CDN in front"},`),
			want: []string{"max-age-cap@1:2", "safelisted-header@1:188"}},
		{desc: "S3 JSON: the string form", format: "s3-json",
			text: s3(`"whycors:ignore": "max-age-cap browsers cap it, we know",`),
			want: []string{"s3-vary@1:2", "null-origin@1:95", "safelisted-header@1:152"}},
		{desc: "S3 JSON: the last member, its comma before it goes", format: "s3-json",
			text: `[{"AllowedOrigins":["null"],"AllowedMethods":["GET"],"whycors:ignore":{"null-origin":"sandboxed widget"}}]`,
			want: []string{"s3-vary@1:2"}},
		{desc: "native JSON: a directive of the document covers it all", format: "native",
			text: "{\n  \"whycors:ignore\": {\"safelisted-method\": \"listed for the reader\"},\n  \"origins\": [\"https://a.test\"],\n  \"methods\": [\"GET\", \"PUT\"]\n}\n"},
		{desc: "native JSON: without a reason", format: "native",
			text: "{\n  \"whycors:ignore\": {\"safelisted-method\": \"\"},\n  \"origins\": [\"https://a.test\"],\n  \"methods\": [\"GET\", \"PUT\"]\n}\n",
			want: []string{"suppression-invalid@2:21", "safelisted-method@4:15"}},
	}
	for _, tc := range tests {
		got, err := lint.Lint(reg, tc.text, tc.format)
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		var codes []string
		for _, f := range got {
			codes = append(codes, f.Code+"@"+itoa(f.Line)+":"+itoa(f.Column))
		}
		if !slices.Equal(codes, tc.want) {
			t.Errorf("%s:\n got %v\nwant %v\n%s", tc.desc, codes, tc.want, strings.Join(messages(got), "\n"))
		}
	}
}

func messages(fs []lint.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code+": "+f.Message)
	}
	return out
}
