package explainhar_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/formats/har/explainhar"
)

// TestExplainHAR: the commonest failing capture (issue 20: a preflight
// answered 403, its POST recorded with status 0 and net::ERR_FAILED)
// is explained with the replies the file holds, the preflight's 403
// included, and listed before the allowed fetch, in the JSON shape of
// design.md ("The contract grows").
func TestExplainHAR(t *testing.T) {
	text, err := os.ReadFile("../../../../examples/capture-preflight-403.har")
	if err != nil {
		t.Fatal(err)
	}
	vs, err := explainhar.Explain(string(text), "", explain.Options{Formats: all.Registry()})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 {
		t.Fatalf("%d fetches, want 2 (the GET and the POST; the preflight is the POST's)", len(vs))
	}
	blocked, allowed := vs[0], vs[1]
	if blocked.Entry != 2 || blocked.Verdict.Allowed || blocked.Method != "POST" {
		t.Errorf("first listed: entry %d %s allowed %v, want the blocked POST (entry 2)", blocked.Entry, blocked.Method, blocked.Verdict.Allowed)
	}
	if r := blocked.Verdict.Preflight.Reply; r == nil || r.Status != 403 {
		t.Errorf("the POST's preflight reply %+v, want the captured 403", r)
	}
	if blocked.Verdict.Reason != "PreflightMissingAllowOriginHeader" || !strings.Contains(blocked.Verdict.Summary, "preflight 403") {
		t.Errorf("reason %s, summary %q", blocked.Verdict.Reason, blocked.Verdict.Summary)
	}
	if allowed.Entry != 0 || !allowed.Verdict.Allowed {
		t.Errorf("second listed: entry %d allowed %v, want the allowed GET (entry 0)", allowed.Entry, allowed.Verdict.Allowed)
	}
	// Firefox, asked for by name.
	ff, err := explainhar.Explain(string(text), "firefox", explain.Options{Formats: all.Registry()})
	if err != nil || ff[0].Verdict.Browser != "firefox" {
		t.Errorf("firefox: %v %v", err, ff)
	}
	var out struct {
		Exchanges []struct {
			Entry   int             `json:"entry"`
			Verdict explain.Verdict `json:"verdict"`
		} `json:"exchanges"`
	}
	b := explainhar.AppendVerdicts(nil, vs)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if len(out.Exchanges) != 2 || out.Exchanges[0].Entry != 2 || out.Exchanges[0].Verdict.Summary != blocked.Verdict.Summary {
		t.Errorf("JSON: %s", b)
	}
	if _, err := explainhar.Explain(`{"log": {"entries": 3}}`, "", explain.Options{}); err == nil {
		t.Error("a file that is no HAR: no error")
	}
}

// TestRedirectHop: a reply that redirects is followed to its next hop's
// entry, whose reply the scenario gives as a route, and the hop is not
// explained again as a fetch of its own. After a cross-origin redirect
// the browser sends Origin "null" (Fetch §4.4, the tainted origin), so
// the hop's Access-Control-Allow-Origin naming the page is refused as
// not the supplied origin (Chrome's AllowOriginMismatch). Tried as a new
// user would, the route was missing ("a server with no CORS
// configuration"), the reason invented, and the hop counted twice.
func TestRedirectHop(t *testing.T) {
	const doc = `{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "entries": [
 {"_resourceType": "fetch", "request": {"method": "GET", "url": "https://api.test/files/7", "headers": [{"name": "origin", "value": "https://app.test"}]},
  "response": {"status": 302, "redirectURL": "https://cdn.test/7?sig=abc", "headers": [{"name": "location", "value": "https://cdn.test/7?sig=abc"}, {"name": "access-control-allow-origin", "value": "https://app.test"}]}},
 {"_resourceType": "fetch", "request": {"method": "GET", "url": "https://cdn.test/7?sig=abc", "headers": [{"name": "origin", "value": "null"}]},
  "response": {"status": 200, "headers": [{"name": "access-control-allow-origin", "value": "https://app.test"}]}}
]}}`
	vs, err := explainhar.Explain(doc, "", explain.Options{Formats: all.Registry()})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Entry != 0 {
		t.Fatalf("%d fetches (%+v), want entry 0 alone", len(vs), vs)
	}
	if v := vs[0].Verdict; v.Allowed || v.Reason != "AllowOriginMismatch" || len(vs[0].Scenario.Routes) != 1 || vs[0].Scenario.Routes[0].URL != "https://cdn.test/7?sig=abc" {
		t.Errorf("allowed %v, reason %s, routes %+v; want AllowOriginMismatch at the hop's captured reply", v.Allowed, v.Reason, vs[0].Scenario.Routes)
	}
}

// TestUnattributed: a file whose one fetch failed with neither Origin
// nor Referer (Chrome's provisional headers under referrer policy
// no-referrer) has nothing Explain can explain: it says so, naming the
// entry, where it read "0 blocked", which the page and the CLI showed as
// a clean file.
func TestUnattributed(t *testing.T) {
	const doc = `{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "entries": [
 {"_resourceType": "fetch", "request": {"method": "DELETE", "url": "https://api.test/me", "headers": [{"name": "Accept", "value": "*/*"}]},
  "response": {"status": 0, "headers": [], "_error": "net::ERR_FAILED"}}
]}}`
	vs, err := explainhar.Explain(doc, "", explain.Options{})
	var ue *explainhar.UnattributedError
	if !errors.As(err, &ue) || ue.Candidate.Index != 0 || !strings.HasPrefix(err.Error(), "log.entries[0]: DELETE https://api.test/me failed (net::ERR_FAILED), and the file shows no Origin") {
		t.Fatalf("Explain = %d verdicts, %v; want the UnattributedError of entry 0", len(vs), err)
	}
}

// TestNetworkErrorIsNoCORSFailure: a request Chrome exports with status 0
// and an _error other than net::ERR_FAILED (a DNS failure, a refused
// connection, an extension's block) got no reply: no CORS check ran, so
// the verdict says so, with the network's error, and offers no CORS fix.
// Found as a new user would: "the response has no
// Access-Control-Allow-Origin header", and a fix that sends one.
func TestNetworkErrorIsNoCORSFailure(t *testing.T) {
	for _, e := range []string{"net::ERR_NAME_NOT_RESOLVED", "net::ERR_CONNECTION_REFUSED", "net::ERR_BLOCKED_BY_CLIENT"} {
		doc := `{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "entries": [
 {"_resourceType": "fetch", "request": {"method": "GET", "url": "https://down.test/x", "headers": [{"name": "Origin", "value": "https://app.test"}]},
  "response": {"status": 0, "headers": [], "_error": "` + e + `"}}
]}}`
		vs, err := explainhar.Explain(doc, "", explain.Options{Formats: all.Registry()})
		if err != nil || len(vs) != 1 {
			t.Fatalf("%s: %d verdicts, %v", e, len(vs), err)
		}
		v := vs[0].Verdict
		if v.Allowed || len(v.Fixes) != 0 || v.Reason != e || !strings.HasPrefix(v.Summary, "The request failed at the network ("+e+"), not by CORS") {
			t.Errorf("%s: allowed %v, reason %q, %d fixes, summary %q", e, v.Allowed, v.Reason, len(v.Fixes), v.Summary)
		}
	}
}

// TestNoCorsAndFirefox: a fetch the file shows with Sec-Fetch-Mode:
// no-cors is explained in that mode (its reply opaque, no CORS check),
// and a Firefox export in Firefox (found as a new user would: the first
// was BLOCKED for a missing Access-Control-Allow-Origin, the second told
// in Chrome's words).
func TestNoCorsAndFirefox(t *testing.T) {
	doc := func(creator string) string {
		return `{"log": {"version": "1.2", "creator": {"name": "` + creator + `", "version": "1"}, "entries": [
 {"_resourceType": "fetch", "request": {"method": "POST", "url": "https://api.test/beacon", "headers": [{"name": "Origin", "value": "https://app.test"}, {"name": "Sec-Fetch-Mode", "value": "no-cors"}]},
  "response": {"status": 200, "headers": []}},
 {"_resourceType": "fetch", "request": {"method": "GET", "url": "https://api.test/me", "headers": [{"name": "Origin", "value": "https://app.test"}]},
  "response": {"status": 200, "headers": []}}
]}}`
	}
	vs, err := explainhar.Explain(doc("WebInspector"), "", explain.Options{})
	if err != nil || len(vs) != 2 {
		t.Fatalf("%d verdicts, %v", len(vs), err)
	}
	for _, v := range vs {
		switch v.URL {
		case "https://api.test/beacon":
			if !v.Verdict.Allowed || v.Scenario.Request.Mode != "no-cors" {
				t.Errorf("the no-cors POST: allowed %v, mode %q (%s)", v.Verdict.Allowed, v.Scenario.Request.Mode, v.Verdict.Summary)
			}
		case "https://api.test/me":
			if v.Verdict.Allowed || v.Verdict.Browser != "chrome" {
				t.Errorf("the cors GET: allowed %v in %s", v.Verdict.Allowed, v.Verdict.Browser)
			}
		}
	}
	vs, err = explainhar.Explain(doc("Firefox"), "", explain.Options{})
	if err != nil || len(vs) != 2 || vs[0].Verdict.Browser != "firefox" {
		t.Errorf("a Firefox export: %d verdicts, %v, browser %q", len(vs), err, vs[0].Verdict.Browser)
	}
}
