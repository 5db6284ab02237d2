package explain_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/policy"
)

// s3Two is an S3 bucket's CORS configuration allowing GET from two
// origins: S3 answers a request without Origin with no CORS headers, and
// sends Vary: Origin only when a rule matches (shared/reference/cloud-policies.md
// §1.3; the s3-vary lint finding).
const s3Two = `{"format":"s3-json","text":"[{\"AllowedOrigins\":[\"http://a.test\",\"http://b.test\"],\"AllowedMethods\":[\"GET\"]}]"}`

const cdnURL = "http://cdn.test/logo.png"

func fetchFrom(origin, mode string) string {
	r := `{"origin":"` + origin + `","url":"` + cdnURL + `"`
	if mode != "" {
		r += `,"mode":"` + mode + `"`
	}
	return r + "}"
}

// cdnCases are sessions through a CDN. want lists, per fetch, "+" or "-"
// (allowed or blocked) and, after a colon, the from_cdn of each request
// it sent ("c" from the CDN's cache, "s" from the server).
var cdnCases = []struct {
	desc, source string
	scenario     string
	want         []string
	reason       string // the last fetch's reason, when blocked
}{
	{desc: "an <img>-like no-cors GET fills a CDN keyed by URL alone; the CORS fetch that follows gets its reply without Access-Control-Allow-Origin",
		source: "CloudFront header-caching (no header in the key by default); RFC 9111 §4; e2e/chromium cdn-img-then-cors",
		scenario: `{"cdn":{"key_headers":[],"honours_vary":false},"policy":` + s3Two + `,"request":` + fetchFrom("http://a.test", "no-cors") +
			`,"then":[{"request":` + fetchFrom("http://a.test", "") + `,"after_seconds":1}]}`,
		want: []string{"+:s", "-:c"}, reason: "MissingAllowOriginHeader"},
	{desc: "the same with Origin in the key: the CORS fetch misses and the server answers it",
		source: "CloudFront header-caching, Configure CloudFront to respect CORS settings",
		scenario: `{"cdn":{"key_headers":["Origin"]},"policy":` + s3Two + `,"request":` + fetchFrom("http://a.test", "no-cors") +
			`,"then":[{"request":` + fetchFrom("http://a.test", "") + `},{"request":` + fetchFrom("http://a.test", "") + `}]}`,
		want: []string{"+:s", "+:s", "+:c"}},
	{desc: "Vary honoured, but S3's reply to a request without Origin has no Vary: the CORS fetch still gets it",
		source: "RFC 9111 §4.1 (a stored response without Vary matches every request); S3 sends Vary only on a match",
		scenario: `{"cdn":{"honours_vary":true},"policy":` + s3Two + `,"request":` + fetchFrom("http://a.test", "no-cors") +
			`,"then":[{"request":` + fetchFrom("http://a.test", "") + `}]}`,
		want: []string{"+:s", "-:c"}, reason: "MissingAllowOriginHeader"},
	{desc: "origin A's answer is served to origin B when Origin is not in the key",
		source: "RFC 9111 §4; CloudFront ignores Vary (header-caching); e2e/chromium cdn-a-then-b",
		scenario: `{"cdn":{},"policy":` + s3Two + `,"request":` + fetchFrom("http://a.test", "") +
			`,"then":[{"request":` + fetchFrom("http://b.test", "") + `}]}`,
		want: []string{"+:s", "-:c"}, reason: "AllowOriginMismatch"},
	{desc: "the same through a CDN that honours Vary: S3's Vary: Origin on a match sends B to the server",
		source: "RFC 9111 §4.1",
		scenario: `{"cdn":{"honours_vary":true},"policy":` + s3Two + `,"request":` + fetchFrom("http://a.test", "") +
			`,"then":[{"request":` + fetchFrom("http://b.test", "") + `},{"request":` + fetchFrom("http://a.test", "") + `}]}`,
		want: []string{"+:s", "+:s", "+:c"}},
	{desc: "max-age runs out on the session's clock: 5 s later from the cache, 11 s later from the server",
		source: "RFC 9111 §4.2",
		scenario: `{"cdn":{},"request":` + fetchFrom("http://a.test", "") + `,"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["Cache-Control","max-age=10"]]}` +
			`,"then":[{"request":` + fetchFrom("http://b.test", "") + `,"after_seconds":5},{"request":` + fetchFrom("http://b.test", "") + `,"after_seconds":6}]}`,
		want: []string{"+:s", "+:c", "+:s"}},
	{desc: "no-store: every fetch reaches the server",
		source: "RFC 9111 §5.2.2.5",
		scenario: `{"cdn":{},"request":` + fetchFrom("http://a.test", "") + `,"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["Cache-Control","no-store"]]}` +
			`,"then":[{"request":` + fetchFrom("http://a.test", "") + `}]}`,
		want: []string{"+:s", "+:s"}},
	{desc: "a preflighted PUT: neither the OPTIONS nor the PUT is cached",
		source: "the contract: GET and HEAD replies are stored",
		scenario: `{"cdn":{},"request":{"origin":"http://a.test","url":"` + cdnURL + `","method":"PUT"},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Methods","PUT"],["Cache-Control","max-age=60"]]},` +
			`"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["Cache-Control","max-age=60"]]},"then":[{"request":{"origin":"http://b.test","url":"` + cdnURL + `","method":"PUT"}}]}`,
		want: []string{"+:ss", "+:ss"}},
	{desc: "without a cdn nothing is from a CDN",
		source: "the contract: from_cdn is set only when the scenario's CDN answered",
		scenario: `{"policy":` + s3Two + `,"request":` + fetchFrom("http://a.test", "no-cors") +
			`,"then":[{"request":` + fetchFrom("http://a.test", "") + `}]}`,
		want: []string{"+:s", "+:s"}},
}

func TestCDN(t *testing.T) {
	for _, tc := range cdnCases {
		s, err := explain.Decode([]byte(tc.scenario))
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		v, err := explain.Explain(s, explain.Options{Formats: all.Registry()})
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		vs := append([]explain.Verdict{v}, v.Then...)
		if len(vs) != len(tc.want) {
			t.Fatalf("%s: %d fetches, want %d", tc.desc, len(vs), len(tc.want))
		}
		for i, w := range vs {
			got := "-:"
			if w.Allowed {
				got = "+:"
			}
			for _, r := range w.Requests {
				if r.FromCDN {
					got += "c"
				} else {
					got += "s"
				}
			}
			if got != tc.want[i] {
				t.Errorf("%s (%s): fetch %d: %s, want %s", tc.desc, tc.source, i, got, tc.want[i])
			}
		}
		if last := vs[len(vs)-1]; tc.reason != "" && last.Reason != tc.reason {
			t.Errorf("%s: reason %q, want %q", tc.desc, last.Reason, tc.reason)
		}
		// The hand-written encoder writes from_cdn as json.Marshal does.
		want, _ := json.Marshal(v)
		if got := explain.AppendVerdict(nil, &v); string(got) != string(want) {
			t.Errorf("%s: AppendVerdict differs from json.Marshal", tc.desc)
		}
	}
}

// TestCDNSteps: the step of a request the CDN answered says so and names
// the fetch whose reply it stored; a warning says why that hurts.
func TestCDNSteps(t *testing.T) {
	s, err := explain.Decode([]byte(cdnCases[0].scenario))
	if err != nil {
		t.Fatal(err)
	}
	v, err := explain.Explain(s, explain.Options{Formats: all.Registry()})
	if err != nil {
		t.Fatal(err)
	}
	first, later := v, v.Then[0]
	var stored, served string
	for _, st := range first.Steps {
		if st.ID == "server.actual" {
			stored = st.Detail
		}
	}
	for _, st := range later.Steps {
		if st.ID == "server.actual" {
			served = st.Detail
		}
	}
	if !strings.Contains(stored, "through the CDN") || !strings.Contains(stored, "it stored the reply") {
		t.Errorf("first fetch's server step does not say the CDN stored the reply: %q", stored)
	}
	if !strings.Contains(served, "The CDN, from its cache") || !strings.Contains(served, "$.request (GET with no Origin") {
		t.Errorf("later fetch's server step does not say whose stored reply answered: %q", served)
	}
	found := false
	for _, w := range later.Warnings {
		found = found || w.Code == "cdn-shared-reply"
	}
	if !found {
		t.Errorf("no cdn-shared-reply warning on the later fetch: %+v", later.Warnings)
	}
	if txt := explain.Text(v, explain.TextOptions{}); !strings.Contains(txt, "[from the CDN's cache]") {
		t.Errorf("the text does not mark the request the CDN answered:\n%s", txt)
	}
}

// TestCDNDecodeFaults: every fault of "cdn" is reported at its JSON path.
func TestCDNDecodeFaults(t *testing.T) {
	req := `"request":{"origin":"http://a.test","url":"http://cdn.test/a"}`
	tests := []struct {
		desc, cdn, path string
	}{
		{desc: "not an object", cdn: `[]`, path: "$.cdn"},
		{desc: "unknown field", cdn: `{"key_header":["Origin"]}`, path: "$.cdn.key_header"},
		{desc: "key_headers not a list", cdn: `{"key_headers":"Origin"}`, path: "$.cdn.key_headers"},
		{desc: "a key header not a string", cdn: `{"key_headers":["Origin",1]}`, path: "$.cdn.key_headers[1]"},
		{desc: "a key header not a header name", cdn: `{"key_headers":["Ori gin"]}`, path: "$.cdn.key_headers[0]"},
		{desc: "a key header twice, in another case", cdn: `{"key_headers":["Origin","origin"]}`, path: "$.cdn.key_headers[1]"},
		{desc: "honours_vary not a boolean", cdn: `{"honours_vary":"yes"}`, path: "$.cdn.honours_vary"},
		{desc: "too many key headers", cdn: `{"key_headers":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q"]}`, path: "$.cdn.key_headers"},
	}
	for _, tc := range tests {
		_, err := explain.Decode([]byte(`{` + req + `,"cdn":` + tc.cdn + `}`))
		var errs policy.Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Errorf("%s: Decode = %v, want a fault at %s", tc.desc, err, tc.path)
			continue
		}
		if errs[0].Path != tc.path {
			t.Errorf("%s: fault at %s (%s), want %s", tc.desc, errs[0].Path, errs[0].Msg, tc.path)
		}
	}
	// Explain refuses the same faults in a scenario built in Go.
	s, _ := explain.Decode([]byte(`{` + req + `}`))
	s.CDN = &explain.CDN{KeyHeaders: []string{"X-A", "x-a"}}
	if _, err := explain.Explain(s, explain.Options{}); err == nil || !strings.Contains(err.Error(), "$.cdn.key_headers[1]") {
		t.Errorf("Explain with a duplicate key header: %v", err)
	}
	// null and an empty object are valid: no CDN, and a CDN keyed by URL alone.
	for _, c := range []string{`null`, `{}`} {
		if _, err := explain.Decode([]byte(`{` + req + `,"cdn":` + c + `}`)); err != nil {
			t.Errorf("cdn %s: %v", c, err)
		}
	}
}
