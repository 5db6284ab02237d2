package explain_test

import (
	"os"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
)

// TestSummary: the verdict's summary names the layer that answered, the
// rule and the value that decided, then the browser's check, in words
// (design.md, "The contract grows"; issue 20's example: S3 answering a
// preflight 403 because no rule allows a header).
func TestSummary(t *testing.T) {
	s3, err := os.ReadFile("../../examples/s3-upload-missing-header.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, scenario, browser string
		want                    []string // in this order
		not                     []string
	}{
		{desc: "S3 refuses a header: the platform, status, nearest rule, header, the rule's list, then the browser", scenario: string(s3),
			want: []string{"S3 answered the preflight 403", "no rule allows it", "rule 2", "headers", `"x-amz-meta-uploaded-by"`, `["Content-Type", "x-amz-acl"]`, "Chrome then blocks the fetch at the preflight", "no Access-Control-Allow-Origin"},
			not:  []string{"PreflightMissingAllowOriginHeader", "rule 1"}},
		// A second look: "nginx answered the request 200 with rule 1
		// (Access-Control-Allow-Origin)", the preflight's rule, then "the
		// response has no Access-Control-Allow-Origin header".
		{desc: "an actual request no rule answered names no rule of the preflight's",
			scenario: `{"request":{"origin":"https://app.test","url":"https://api.test/x","method":"PUT","credentials":"include"},"policy":{"format":"nginx","text":"server {\n  server_name api.test;\n  location / {\n    if ($request_method = OPTIONS) {\n      add_header Access-Control-Allow-Origin https://app.test;\n      add_header Access-Control-Allow-Methods PUT;\n      add_header Access-Control-Allow-Credentials true;\n      return 204;\n    }\n    proxy_pass http://app;\n  }\n}\n"}}`,
			want:     []string{"nginx answered the request 200.", "no Access-Control-Allow-Origin"},
			not:      []string{"with rule"}},
		{desc: "raw replies: the server and its status, then the check", scenario: `{"request":{"origin":"http://a.test","url":"http://b.test/x"},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://c.test"]]}}`,
			want: []string{"The server answered the request 200", "Chrome then blocks the fetch", "http://c.test"}},
		// Found as a new user would: the headline named the 302 and
		// then the origin null, with nothing between.
		{desc: "a redirect across origins: where it went, the Origin: null it carried there, and that hop's answer (Fetch, HTTP-redirect fetch)",
			scenario: `{"request":{"origin":"https://app.example","url":"https://api.example/a"},"response":{"status":302,"headers":[["Location","https://cdn.example/b"],["Access-Control-Allow-Origin","https://app.example"]]},
			"routes":[{"url":"https://cdn.example/b","response":{"status":200,"headers":[["Access-Control-Allow-Origin","https://app.example"]]}}]}`,
			want: []string{"The server answered the request 302", "It was redirected to https://cdn.example/b", "Origin: null", "that answered 200", "Chrome then blocks the fetch", `the request's origin is "null"`}},
		{desc: "only the preflight's reply pasted: the request's reply is said to be assumed (found as a new user would)",
			scenario: `{"request":{"origin":"https://app.example","url":"https://api.example/x","method":"POST","headers":[["Content-Type","application/json"]]},
			"policy":{"format":"raw","text":"access-control-allow-origin: https://app.example\naccess-control-allow-methods: POST\naccess-control-allow-headers: content-type\n"}}`,
			want: []string{"No reply to the request was pasted, so the server is taken to answer it 200", "Chrome then blocks the fetch"}, not: []string{"The server answered the request"}},
		{desc: "refused before sending (Local Network Access)", scenario: `{"request":{"origin":"https://a.test","url":"https://b.test/x"},"network":{"target":"local","permission":"denied"}}`,
			want: []string{"Chrome refuses the fetch before sending anything", "local address space", "denied"}, not: []string{"answered"}},
		{desc: "allowed after a preflight, and the other browsers agree", scenario: `{"request":{"origin":"http://a.test","url":"http://b.test/x","method":"PUT"},
			"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://a.test"],["Access-Control-Allow-Methods","PUT"]]},
			"response":{"status":201,"headers":[["Access-Control-Allow-Origin","http://a.test"]]}}`,
			want: []string{"Chrome allows the fetch after a passing preflight", "status 201"}, not: []string{"Firefox", "Safari"}},
		{desc: "the browsers differ: Firefox allows what Chrome blocks (Firefox ignores Local Network Access)", scenario: `{"request":{"origin":"https://a.test","url":"https://b.test/x"},"network":{"target":"loopback"},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","https://a.test"]]}}`,
			want: []string{"Chrome refuses", "Firefox allows it", "Safari allows it"}},
		{desc: "a Lambda proxy's function returned no Access-Control-Allow-Origin: the integration layer, and the fix is the reply (how-to-cors.md)",
			scenario: `{"request":{"origin":"https://a.test","url":"https://x1.execute-api.us-east-1.amazonaws.com/prod/items"},"response":{"status":200,"headers":[["Content-Type","application/json"]]},
			"policy":{"format":"apigw-rest","text":"{\"RestApiCors\":{\"AllowMethods\":[\"GET\",\"OPTIONS\"],\"Integration\":\"lambda-proxy\"}}"}}`,
			want: []string{"The request was answered 200 by API Gateway's integration", "Lambda proxy integration the function's own headers are the CORS answer", "returned no Access-Control-Allow-Origin", "the fix is the reply it must return", "Chrome then blocks the fetch"}},
		{desc: "a native policy: the nearest rule is the one whose path covers the request and refused the origin, not an earlier rule for another path (native package doc)",
			scenario: `{"request":{"origin":"https://evil.example","url":"https://api.example.com/api/items"},"response":{"status":200},
			"policy":{"format":"native","text":"{\"rules\": [{\"name\": \"admin\", \"path\": \"/admin/*\", \"origins\": [\"https://admin.example.com\"]}, {\"name\": \"api\", \"path\": \"/api/*\", \"origins\": [\"https://app.example.com\"]}]}"}}`,
			want: []string{"no rule allows it; the nearest, rule 2 (api), fails on origin"}, not: []string{"rule 1"}},
		// Tried as a new user would: the header lines before the CORS
		// ones (HSTS) were "rule 1" of the headline.
		{desc: "header lines: the headline's rule is the Access-Control-Allow-Origin line, not the first line (nginx add_header)",
			scenario: `{"request":{"origin":"https://app.example","url":"https://api.example/x"},
			"policy":{"format":"nginx","text":"add_header Strict-Transport-Security max-age=1 always;\nadd_header X-Frame-Options DENY always;\nadd_header Access-Control-Allow-Origin https://app.example always;\nreturn 200;"}}`,
			want: []string{"nginx answered the request 200 with rule 3 (Access-Control-Allow-Origin)", "Chrome allows the fetch"}, not: []string{"Strict-Transport-Security", "X-Frame-Options"}},
		{desc: "header lines: an origin line that sends nothing is the nearest, not the credentials line that matched (nginx map)",
			scenario: `{"request":{"origin":"https://evil.example","url":"https://api.example/x"},
			"policy":{"format":"nginx","text":"map $http_origin $cors { default \"\"; https://app.example $http_origin; }\nadd_header Access-Control-Allow-Origin $cors always;\nadd_header Access-Control-Allow-Credentials true always;\nreturn 200;"}}`,
			want: []string{"no rule allows it; the nearest, rule 1 (Access-Control-Allow-Origin)", "Chrome then blocks the fetch"}, not: []string{"Access-Control-Allow-Credentials)"}},
		{desc: "header lines without a CORS one: the headline names no rule (found as a new user would: \"rule 1 (X-Frame-Options)\" of the location nginx passed the request to)",
			scenario: `{"request":{"origin":"https://app.example","url":"https://api.example/x"},
			"policy":{"format":"nginx","text":"add_header X-Frame-Options DENY always;\nreturn 200;"}}`,
			want: []string{"nginx answered the request 200. Chrome then blocks the fetch"}, not: []string{"rule", "X-Frame-Options"}},
		{desc: "in Firefox the summary names Firefox", scenario: `{"browser":"firefox","request":{"origin":"http://a.test","url":"http://b.test/x"}}`,
			want: []string{"The server answered the request 200", "Firefox then blocks the fetch"}},
	}
	for _, tc := range tests {
		s, err := explain.Decode([]byte(tc.scenario))
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		v, err := explain.Explain(s, explain.Options{Formats: all.Registry()})
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		at := 0
		for _, w := range tc.want {
			i := strings.Index(v.Summary[at:], w)
			if i < 0 {
				t.Errorf("%s: summary lacks %q after byte %d:\n%s", tc.desc, w, at, v.Summary)
				break
			}
			at += i + len(w)
		}
		for _, n := range tc.not {
			if strings.Contains(v.Summary, n) {
				t.Errorf("%s: summary says %q:\n%s", tc.desc, n, v.Summary)
			}
		}
		if !strings.HasPrefix(explain.Text(v, explain.TextOptions{}), v.Summary+"\n") {
			t.Errorf("%s: the text does not start with the summary", tc.desc)
		}
	}
}

// TestSummaryNamesTheCDN: a later fetch that a CDN answered from a reply
// stored for another request says so, not that the server answered it
// (examples/cloudfront-img-then-cors.json: an <img>-like no-cors GET
// stored without CORS headers, then a CORS fetch of the same URL).
func TestSummaryNamesTheCDN(t *testing.T) {
	s := exampleScenario(t, "cloudfront-img-then-cors.json")
	v, err := explain.Explain(s, explain.Options{Formats: all.Registry()})
	if err != nil {
		t.Fatal(err)
	}
	got := v.Then[0].Summary
	if !strings.HasPrefix(got, "The CDN answered the request 200 from its cache") || strings.Contains(got, "S3 answered") {
		t.Errorf("summary %q, want the CDN named", got)
	}
}

// exampleScenario is the scenario of examples/name, decoded.
func exampleScenario(t *testing.T, name string) explain.Scenario {
	t.Helper()
	b, err := os.ReadFile("../../examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := explain.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAssumedOptionsReply: when no reply of the application to OPTIONS
// is given, the server step says the 404 it is taken to answer is an
// assumption (found as a new user would: "the application answered 404"
// of an application that answers OPTIONS 200); with the reply given, it
// says nothing of it.
func TestAssumedOptionsReply(t *testing.T) {
	const nginxAPI = `"policy":{"format":"nginx","text":"location /api/ {\n  add_header Access-Control-Allow-Origin https://app.example always;\n  proxy_pass http://127.0.0.1:9000;\n}"}`
	for _, tc := range []struct {
		desc, scenario string
		want           bool
	}{
		{desc: "no reply to OPTIONS given", scenario: `{"request":{"origin":"https://app.example","url":"https://api.example/api/x","method":"PUT"},` + nginxAPI + `}`, want: true},
		{desc: "the application's reply to OPTIONS given", scenario: `{"request":{"origin":"https://app.example","url":"https://api.example/api/x","method":"PUT"},"preflight":{"status":404},` + nginxAPI + `}`, want: false},
	} {
		s, err := explain.Decode([]byte(tc.scenario))
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		v, err := explain.Explain(s, explain.Options{Formats: all.Registry()})
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		said := false
		for _, st := range v.Steps {
			if st.Title == "Server reply" && strings.Contains(st.Detail, "it is taken to answer 404") {
				said = true
			}
		}
		if said != tc.want {
			t.Errorf("%s: the server step says the 404 is assumed: %v, want %v", tc.desc, said, tc.want)
		}
	}
}
