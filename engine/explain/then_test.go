package explain_test

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/limits"
)

// session builds a scenario of one PUT-like first fetch and later fetches
// against one pair of replies.
func session(browser, first, preflight, response string, then ...string) string {
	s := `{"browser":"` + browser + `","request":` + first + `,"preflight":` + preflight + `,"response":` + response + `,"then":[`
	for i, t := range then {
		if i > 0 {
			s += ","
		}
		s += t
	}
	return s + "]}"
}

const (
	putReq   = `{"origin":"http://app.test","url":"http://api.test/a","method":"PUT"}`
	okReply  = `{"status":200,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Credentials","true"]]}`
	starResp = `{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}`
)

func pfReply(extra ...string) string {
	h := `["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Credentials","true"]`
	for _, e := range extra {
		h += "," + e
	}
	return `{"status":204,"headers":[` + h + `]}`
}

func later(req string, after float64) string {
	return `{"request":` + req + `,"after_seconds":` + strconv.FormatFloat(after, 'f', -1, 64) + `}`
}

// thenCases are sessions of fetches sharing the preflight cache. want is,
// per fetch, where its preflight came from: "sent", "cached" or "none"
// (not needed), and "+" or "-" for allowed or blocked. Each expected value
// cites the Fetch standard's CORS-preflight cache
// (https://fetch.spec.whatwg.org/#cors-preflight-cache) or the e2e
// recordings sess-* of Chromium 156 and Firefox ESR 153 (e2e/chromium
// testdata/corpus.json).
var thenCases = []struct {
	desc     string
	scenario string
	want     map[string][]string // by browser
}{
	{desc: "the same PUT at once: a method cache entry match (§4.9; WPT cors-preflight-cache.any.js; sess-method-cached)",
		scenario: session("chrome", putReq, pfReply(`["Access-Control-Allow-Methods","PUT"]`), okReply, later(putReq, 0)),
		want:     map[string][]string{"chrome": {"sent+", "cached+"}, "firefox": {"sent+", "cached+"}, "spec": {"sent+", "cached+"}}},
	{desc: "max-age 1, 1.5 s later: expired, preflighted again (sess-max-age-expired); 0.5 s later: cached",
		scenario: session("chrome", putReq, pfReply(`["Access-Control-Allow-Methods","PUT"]`, `["Access-Control-Max-Age","1"]`), okReply, later(putReq, 0.5), later(putReq, 0.6)),
		want:     map[string][]string{"chrome": {"sent+", "cached+", "sent+"}, "firefox": {"sent+", "cached+", "sent+"}}},
	{desc: "no max-age: the default 5 s (Fetch §4.8 step 7.8), so 4.9 s later cached, 5 s after that not",
		scenario: session("chrome", putReq, pfReply(`["Access-Control-Allow-Methods","PUT"]`), okReply, later(putReq, 4.9), later(putReq, 5)),
		want:     map[string][]string{"chrome": {"sent+", "cached+", "sent+"}, "firefox": {"sent+", "cached+", "sent+"}}},
	{desc: "max-age above the cap: Chromium keeps 7200 s, Firefox 86400 s (shared/reference/browser-cors.md §1.8)",
		scenario: session("chrome", putReq, pfReply(`["Access-Control-Allow-Methods","PUT"]`, `["Access-Control-Max-Age","100000"]`), okReply, later(putReq, 7201), later(putReq, 0)),
		want:     map[string][]string{"chrome": {"sent+", "sent+", "cached+"}, "firefox": {"sent+", "cached+", "cached+"}}},
	{desc: "max-age abc: Chromium the default 5 s, Firefox no caching (sess-max-age-invalid)",
		scenario: session("chrome", putReq, pfReply(`["Access-Control-Allow-Methods","PUT"]`, `["Access-Control-Max-Age","abc"]`), okReply, later(putReq, 0)),
		want:     map[string][]string{"chrome": {"sent+", "cached+"}, "firefox": {"sent+", "sent+"}}},
	{desc: "include then same-origin credentials: the standard and Chromium reuse the entry, Firefox keys by credentials (sess-cred-include-then-omit)",
		scenario: session("chrome", `{"origin":"http://app.test","url":"http://api.test/a","method":"PUT","credentials":"include"}`, pfReply(`["Access-Control-Allow-Methods","PUT"]`), okReply, later(putReq, 0)),
		want:     map[string][]string{"chrome": {"sent+", "cached+"}, "firefox": {"sent+", "sent+"}, "spec": {"sent+", "cached+"}}},
	{desc: "without then with credentials: never reused (§4.9 credentials false; sess-cred-omit-then-include)",
		scenario: session("chrome", putReq, pfReply(`["Access-Control-Allow-Methods","PUT"]`), okReply, later(`{"origin":"http://app.test","url":"http://api.test/a","method":"PUT","credentials":"include"}`, 0)),
		want:     map[string][]string{"chrome": {"sent+", "sent+"}, "firefox": {"sent+", "sent+"}, "spec": {"sent+", "sent+"}}},
	{desc: "another page origin: keyed by origin (sess-other-page-origin)",
		scenario: session("chrome", putReq, `{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Methods","PUT"]]}`, starResp, later(`{"origin":"http://app2.test","url":"http://api.test/a","method":"PUT"}`, 0)),
		want:     map[string][]string{"chrome": {"sent+", "sent+"}, "firefox": {"sent+", "sent+"}}},
	{desc: "a header the entry lacks: a new preflight, which fails (sess-header-missing)",
		scenario: session("chrome", `{"origin":"http://app.test","url":"http://api.test/a","headers":[["X-A","1"]]}`, pfReply(`["Access-Control-Allow-Headers","x-a"]`), okReply,
			later(`{"origin":"http://app.test","url":"http://api.test/a","headers":[["X-A","1"],["X-B","1"]]}`, 0)),
		want: map[string][]string{"chrome": {"sent+", "sent-"}, "firefox": {"sent+", "sent-"}}},
	{desc: "* methods and headers without credentials: the standard and Chromium match them later, Firefox does not (sess-star-no-credentials)",
		scenario: session("chrome", `{"origin":"http://app.test","url":"http://api.test/a","method":"PUT","headers":[["X-A","1"]]}`,
			`{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Methods","*"],["Access-Control-Allow-Headers","*"]]}`, starResp,
			later(`{"origin":"http://app.test","url":"http://api.test/a","method":"DELETE","headers":[["X-B","1"]]}`, 0)),
		want: map[string][]string{"chrome": {"sent+", "cached+"}, "firefox": {"sent+", "sent+"}, "spec": {"sent+", "cached+"}}},
	{desc: "a * stored from a preflight with credentials is literal, also for a later request without them (sess-star-include-then-omit)",
		scenario: session("chrome", `{"origin":"http://app.test","url":"http://api.test/a","method":"DELETE"}`, pfReply(`["Access-Control-Allow-Methods","*, PUT"]`), okReply,
			later(`{"origin":"http://app.test","url":"http://api.test/a","method":"PUT","credentials":"include"}`, 0), later(`{"origin":"http://app.test","url":"http://api.test/a","method":"DELETE"}`, 0)),
		want: map[string][]string{"chrome": {"sent+", "sent+", "sent+"}, "firefox": {"sent+", "sent+", "sent+"}}},
	{desc: "a failed preflight caches nothing; Chromium drops an entry that did not cover a request, Firefox and the standard (§4.1 step 12, clear cache entries) clear it on the failure (sess-failed-keeps-entry)",
		scenario: session("chrome", putReq, pfReply(`["Access-Control-Allow-Methods","PUT"]`), okReply,
			later(`{"origin":"http://app.test","url":"http://api.test/a","method":"PUT","headers":[["X-Bad","1"]]}`, 0), later(putReq, 0)),
		want: map[string][]string{"chrome": {"sent+", "sent-", "sent+"}, "firefox": {"sent+", "sent-", "sent+"}, "spec": {"sent+", "sent-", "sent+"}}},
	{desc: "the response fails the CORS check: Chromium keeps the entry, Firefox and the standard clear it (sess-actual-blocked-cached)",
		scenario: session("chrome", putReq, pfReply(`["Access-Control-Allow-Methods","PUT"]`), `{"status":200,"headers":[]}`, later(putReq, 0)),
		want:     map[string][]string{"chrome": {"sent-", "cached-"}, "firefox": {"sent-", "sent-"}, "spec": {"sent-", "sent-"}}},
	{desc: "a GET needs no preflight, cache or not",
		scenario: session("chrome", putReq, pfReply(`["Access-Control-Allow-Methods","PUT"]`), okReply, later(`{"origin":"http://app.test","url":"http://api.test/a"}`, 0)),
		want:     map[string][]string{"chrome": {"sent+", "none+"}}},
}

func preflightOf(v *explain.Verdict) string {
	s := "none"
	switch {
	case v.Preflight.Cached:
		s = "cached"
	case v.Preflight.Sent:
		s = "sent"
	}
	if v.Allowed {
		return s + "+"
	}
	return s + "-"
}

func TestThen(t *testing.T) {
	for _, tc := range thenCases {
		for browser, want := range tc.want {
			js := strings.Replace(tc.scenario, `"browser":"chrome"`, `"browser":"`+browser+`"`, 1)
			v := mustExplain(t, js)
			got := []string{preflightOf(&v)}
			for i := range v.Then {
				got = append(got, preflightOf(&v.Then[i]))
				// A cached preflight is not among the requests sent.
				w := &v.Then[i]
				if w.Preflight.Cached && (w.Preflight.Sent || slices.ContainsFunc(w.Requests, func(r explain.SentRequest) bool { return r.Preflight })) {
					t.Errorf("%s (%s): then[%d] cached yet a preflight was sent", tc.desc, browser, i)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s (%s): got %q, want %q", tc.desc, browser, got, want)
			}
		}
	}
}

// Every browser of the summary runs the whole session: a later verdict's
// Browsers says what each browser did with that fetch.
func TestThenBrowsers(t *testing.T) {
	v := mustExplain(t, thenCases[4].scenario)
	if len(v.Then) != 1 {
		t.Fatalf("then: %d verdicts", len(v.Then))
	}
	got := map[string]int{}
	for _, b := range v.Then[0].Browsers {
		got[b.Browser] = b.PreflightCacheSeconds
	}
	// Chromium answers from its cache (no preflight, no lifetime);
	// Firefox did not cache "abc" and sends a preflight it caches for 0 s.
	if got["chrome"] != 0 || got["firefox"] != 0 || len(got) != 3 {
		t.Errorf("then[0].browsers %v", v.Then[0].Browsers)
	}
}

func TestThenJSON(t *testing.T) {
	v := mustExplain(t, thenCases[0].scenario)
	b := explain.AppendVerdict(nil, &v)
	want, _ := json.Marshal(v)
	if !sameJSON(b, want) {
		t.Errorf("AppendVerdict differs from json.Marshal:\n%s\n%s", b, want)
	}
	for _, s := range []string{`"then":[{"browser":"chrome","allowed":true,"summary":"Chrome allows the fetch without a preflight, from its preflight cache,`, `"preflight":{"sent":false,"cached":true}`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("verdict lacks %s:\n%.600s", s, b)
		}
	}
	// A single fetch has no "then".
	v = mustExplain(t, designExample)
	if strings.Contains(string(explain.AppendVerdict(nil, &v)), `"then"`) {
		t.Error("a single fetch's verdict has then")
	}
}

func TestThenText(t *testing.T) {
	v := mustExplain(t, thenCases[1].scenario)
	txt := explain.Text(v, explain.TextOptions{})
	for _, want := range []string{
		"Later fetch 1 of the session ($.then[0]): the preflight came from the preflight cache (no OPTIONS request sent).",
		"Later fetch 2 of the session ($.then[1]): the preflight was sent over the network (the cache did not cover it).",
		"Preflight answered by the cache",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("text lacks %q:\n%s", want, txt)
		}
	}
}

func TestThenDecodeErrors(t *testing.T) {
	req := `"request":{"origin":"http://app.test","url":"http://api.test/a"}`
	many := make([]string, limits.Then+1)
	for i := range many {
		many[i] = `{"request":{"origin":"http://app.test","url":"http://api.test/a"}}`
	}
	tests := []decodeCase{
		{desc: "unknown fields, at their path", in: `{` + req + `,"then":[{"request":{"origin":"a","url":"b","foo":1},"after_seconds":0,"bar":2}]}`,
			paths: []string{"$.then[0].bar", "$.then[0].request.foo"}},
		{desc: "a missing request and its fields", in: `{` + req + `,"then":[{"after_seconds":1},{"request":{}}]}`,
			paths: []string{"$.then[0].request", "$.then[1].request.origin", "$.then[1].request.url"}},
		{desc: "waits out of bounds or not numbers", in: `{` + req + `,"then":[{` + req + `,"after_seconds":-1},{` + req + `,"after_seconds":"1"},{` + req + `,"after_seconds":1e9}]}`,
			paths: []string{"$.then[0].after_seconds", "$.then[1].after_seconds", "$.then[2].after_seconds"}},
		{desc: "not a list", in: `{` + req + `,"then":{}}`, paths: []string{"$.then"}},
		{desc: "more than limits.Then", in: `{` + req + `,"then":[` + strings.Join(many, ",") + `]}`, paths: []string{"$.then"}},
	}
	checkDecodePaths(t, tests)
	// Explain refuses the same bounds for a scenario built in Go, and
	// names a later request's input errors at its path.
	s := explain.Scenario{Request: explain.Request{Origin: "http://app.test", URL: "http://api.test/a"},
		Then: []explain.Later{{Request: explain.Request{Origin: "http://app.test", URL: "http://api.test/a"}, AfterSeconds: math.NaN()}}}
	if _, err := explain.Explain(s, opts); err == nil || !strings.Contains(err.Error(), "$.then[0].after_seconds") {
		t.Errorf("NaN wait: %v", err)
	}
	s.Then[0] = explain.Later{Request: explain.Request{Origin: "http://app.test", URL: "http://api.test/a"}}
	s.Then[0].Request.Credentials = "always"
	if _, err := explain.Explain(s, opts); err == nil || !strings.Contains(err.Error(), "$.then[0].request.credentials") {
		t.Errorf("bad later credentials: %v", err)
	}
}

// A later fetch the cache does not cover says what the cached answer
// lacks (https://fetch.spec.whatwg.org/#main-fetch step 12: a
// header-name cache entry match for every name).
func TestThenSaysWhatTheCacheLacks(t *testing.T) {
	var tc = thenCases[8]
	if !strings.Contains(tc.desc, "sess-header-missing") {
		t.Fatalf("thenCases[8] is %q", tc.desc)
	}
	v := mustExplain(t, tc.scenario)
	var detail string
	for _, s := range v.Then[0].Steps {
		if s.ID == "preflight.needed" {
			detail = s.Detail
		}
	}
	if !strings.Contains(detail, "it does not cover x-b.") {
		t.Errorf("preflight.needed of then[0]: %q", detail)
	}
	// Nothing cached: nothing said about the cache.
	for _, s := range v.Steps {
		if s.ID == "preflight.needed" && strings.Contains(s.Detail, "cache") {
			t.Errorf("first fetch: %q", s.Detail)
		}
	}
}

// after_seconds is read as strconv.ParseFloat reads it, to the
// microsecond (so 86400.0000001 reads as 86400), within its bounds (0 to
// limits.AfterSeconds).
func TestThenAfterSecondsNumbers(t *testing.T) {
	for _, lit := range []string{"0", "0.0", "1.5", "1e3", "1E+3", "2.5e-1", "86400", "86400.0", "86400.001",
		"0.000001", "0.0000004", "1e-30", "123456789012345678901234", "12.345678912", "-0", "-1", "7e4", "9e4", "0e99", "1e21"} {
		want, _ := strconv.ParseFloat(lit, 64)
		inBounds := want >= 0 && want <= limits.AfterSeconds && !strings.HasPrefix(lit, "-")
		s, err := explain.Decode([]byte(`{"request":{"origin":"http://a.test","url":"http://b.test/"},"then":[{"request":{"origin":"http://a.test","url":"http://b.test/"},"after_seconds":` + lit + `}]}`))
		switch {
		case inBounds && err != nil:
			t.Errorf("%s: refused: %v", lit, err)
		case !inBounds && err == nil && lit != "0e99":
			t.Errorf("%s: accepted as %v, want refused", lit, s.Then[0].AfterSeconds)
		case err == nil && math.Abs(s.Then[0].AfterSeconds-want) > 1e-6*max(1, want):
			t.Errorf("%s: read %v, want %v", lit, s.Then[0].AfterSeconds, want)
		}
	}
}
