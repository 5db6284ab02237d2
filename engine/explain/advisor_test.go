package explain_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
)

// Without an advisor a blocked verdict is the same verdict, without fixes
// and without policy lint; explain.Fixes says the build has no fix search;
// the warnings of raw replies are still there (warnings.go).
func TestWithoutAdvisor(t *testing.T) {
	opts := explain.Options{Formats: reg}
	s := explain.Scenario{
		Request: explain.Request{Origin: "https://app.example", URL: "https://api.example/x", Init: fetch.Init{Method: "PUT"}},
		// A preflight answered with one origin and no Allow-Methods: PUT
		// is not allowed (Fetch §4.8 step 7, CORS-preflight fetch).
		Preflight: &explain.Reply{Status: 204, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://app.example"}}},
		Response:  &explain.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://app.example"}}},
	}
	v, err := explain.Explain(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed || v.Reason != "MethodDisallowedByPreflightResponse" {
		t.Fatalf("allowed=%v reason=%q, want blocked by MethodDisallowedByPreflightResponse (browser-cors.md PF_METHOD_NOT_ALLOWED)", v.Allowed, v.Reason)
	}
	if v.Fixes == nil || len(v.Fixes) != 0 {
		t.Errorf("fixes = %#v, want empty (not null) without an advisor", v.Fixes)
	}
	if _, err := explain.Fixes(s, opts); err == nil || !strings.Contains(err.Error(), "no fix search") {
		t.Errorf("Fixes error = %v, want the build has no fix search", err)
	}
	// A simple GET reaches the server, whose reply names one origin
	// without Vary: Origin: a trap of raw replies, found without an
	// advisor.
	s.Request.Method = "GET"
	s.Preflight = nil
	v, err = explain.Explain(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range v.Warnings {
		found = found || w.Code == "vary-origin"
	}
	if !v.Allowed || !found {
		t.Errorf("allowed=%v warnings=%+v, want allowed with the vary-origin warning (Fetch, CORS protocol and HTTP caches)", v.Allowed, v.Warnings)
	}
}
