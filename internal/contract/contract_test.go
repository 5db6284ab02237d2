package contract_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/internal/contract"
)

var opts = advise.Options(all.Registry())

// Faults of an expectations file, each at its path, line and column.
func TestReadFaults(t *testing.T) {
	tests := []struct {
		desc, text string
		want       []string // "path@line:column"
	}{
		{"not YAML", "cases: [", []string{"@1:1"}},
		{"no cases", "url: https://a.test\n", []string{"$.cases@1:1"}},
		{"an unknown top field (and an empty list, which checks nothing)", "cases: []\ncase: []\n", []string{"$.case@2:1", "$.cases@1:8"}},
		{"a url that is not http(s) (and an empty list)", "url: ftp://x\ncases: []\n", []string{"$.url@1:6", "$.cases@2:8"}},
		// Found as a new user would: the cases went to the url's path.
		{"a url with a query, after which no case's path can go (and an empty list)", "url: https://a.test/base?x=1\ncases: []\n", []string{"$.url@1:6", "$.cases@2:8"}},
		{"a case without origin or expect", "cases:\n  - {method: GET}\n", []string{"$.cases[0].origin@2:5", "$.cases[0].expect@2:5"}},
		{"bad values, each at its place", "cases:\n  - origin: https://a.test\n    expect: maybe\n    browser: edge\n    credentials: yes\n    path: api\n",
			[]string{"$.cases[0].expect@3:13", "$.cases[0].browser@4:14", "$.cases[0].credentials@5:18", "$.cases[0].path@6:11"}},
		{"an unknown case field", "cases:\n  - {origin: https://a.test, expect: allow, methods: [GET]}\n", []string{"$.cases[0].methods@2:45"}},
		{"an origin written as YAML null", "cases:\n  - {origin: null, expect: deny}\n", []string{"$.cases[0].origin@2:14"}},
		{"an origin without a scheme", "cases:\n  - {origin: app.example.com, expect: deny}\n", []string{"$.cases[0].origin@2:14"}},
		{"a list of browsers with one that is none, and all in a list", "cases:\n  - {origin: https://a.test, browser: [chrome, edge, all], expect: deny}\n", []string{"$.cases[0].browser[1]@2:48", "$.cases[0].browser[2]@2:54"}},
	}
	for _, tc := range tests {
		_, err := contract.Read(tc.text)
		var es policy.Errors
		if !errors.As(err, &es) {
			t.Errorf("%s: %v, want positioned errors", tc.desc, err)
			continue
		}
		var got []string
		for _, e := range es {
			got = append(got, fmt.Sprintf("%s@%d:%d", e.Path, e.Line, e.Column))
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: got %v, want %v", tc.desc, got, tc.want)
		}
	}
}

// The example expectations against the S3 example's bucket
// (examples/s3-upload-missing-header.json): only its second case fails,
// in every browser, decided by the bucket's rule 2 (cloud-policies.md
// §1.3: S3 falls through rules whose AllowedHeaders miss a header).
func TestRunTheExample(t *testing.T) {
	exp, err := os.ReadFile("../../examples/s3-upload.expect.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../examples/s3-upload-missing-header.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := explain.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	f, err := contract.Read(string(exp))
	if err != nil {
		t.Fatal(err)
	}
	results, err := contract.Run(f, s.Policy.Text, "auto", opts)
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, r := range results {
		if !r.OK() {
			failed = append(failed, fmt.Sprintf("%d/%s/%s", r.Case.Index+1, r.Browser, r.Rule))
		}
	}
	want := "2/chrome/rule 2 at $[1] (line 7), which did not match on headers: requested header \"x-amz-meta-uploaded-by\" matches no AllowedHeader of [\"Content-Type\", \"x-amz-acl\"] 2/firefox/rule 2 at $[1] (line 7), which did not match on headers: requested header \"x-amz-meta-uploaded-by\" matches no AllowedHeader of [\"Content-Type\", \"x-amz-acl\"] 2/safari/rule 2 at $[1] (line 7), which did not match on headers: requested header \"x-amz-meta-uploaded-by\" matches no AllowedHeader of [\"Content-Type\", \"x-amz-acl\"]"
	if len(results) != 10 || strings.Join(failed, " ") != want {
		t.Errorf("%d checks; failed %q, want %q", len(results), failed, want)
	}
	if _, err := contract.Run(f, "not a policy", "auto", opts); err == nil {
		t.Error("an unreadable policy ran")
	}
}

func ExampleRun() {
	f, _ := contract.Read(`
cases:
  - {origin: https://app.example.com, method: PUT, path: /items, headers: [x-key], expect: allow}
  - {origin: https://evil.example, path: /items, expect: deny}
`)
	native := `{"origins": ["https://app.example.com"], "methods": ["PUT"], "request_headers": ["x-key"]}`
	results, _ := contract.Run(f, native, "native", opts)
	for _, r := range results {
		fmt.Println(r.Case.Index+1, r.Browser, r.Allowed, r.OK())
	}
	// Output:
	// 1 chrome true true
	// 1 firefox true true
	// 1 safari true true
	// 2 chrome false true
	// 2 firefox false true
	// 2 safari false true
}

// TestNoCases: a contract of no case is an input error at its list, not
// a run that passes (found as a new user would: "0 of 0 checks hold",
// exit 0).
func TestNoCases(t *testing.T) {
	_, err := contract.Read("cases: []\n")
	var es policy.Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Line != 1 || !strings.Contains(es[0].Msg, "checks nothing") {
		t.Errorf("err %v, want the empty list's fault at line 1", err)
	}
}

// TestLowercaseMethod: "method: get" is fetch()'s GET, which sends no
// body (fetch normalizes get and head); found as a new user would:
// every browser failed it with BodyWithGetHead.
func TestLowercaseMethod(t *testing.T) {
	f, err := contract.Read("cases:\n  - {origin: https://app.example.com, method: get, path: /items, expect: allow}\n")
	if err != nil {
		t.Fatal(err)
	}
	results, err := contract.Run(f, `{"origins": ["https://app.example.com"]}`, "native", opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if !r.OK() {
			t.Errorf("%s: %+v", r.Browser, r)
		}
	}
}
