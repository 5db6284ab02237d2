package har_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/har"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/policy"
)

// The HAR documents below follow the HAR 1.2 field list and Chrome's
// additions (_resourceType "preflight", _initiator, _error, _fromCache)
// quoted in shared/reference/cloud-policies.md §6.6 from devtools-frontend
// front_end/models/har/Log.ts.

const chromeHAR = `{
  "log": {
    "version": "1.2",
    "creator": {"name": "WebInspector", "version": "537.36"},
    "pages": [],
    "entries": [
      {
        "_initiator": {"type": "script"},
        "_resourceType": "document",
        "request": {"method": "GET", "url": "http://app.test/", "headers": [{"name": "Host", "value": "app.test"}]},
        "response": {"status": 200, "statusText": "OK", "headers": [], "_error": null}
      },
      {
        "_initiator": {"type": "preflight", "url": "http://api.test/items/1", "requestId": "1234.56"},
        "_resourceType": "preflight",
        "request": {"method": "OPTIONS", "url": "http://api.test/items/1", "headers": [
          {"name": "Origin", "value": "http://app.test"},
          {"name": "Access-Control-Request-Method", "value": "PUT"},
          {"name": "Access-Control-Request-Headers", "value": "content-type,x-api-key"}]},
        "response": {"status": 204, "statusText": "No Content", "headers": [
          {"name": "access-control-allow-origin", "value": "http://app.test"},
          {"name": "access-control-allow-methods", "value": "GET, PUT"}], "_error": null}
      },
      {
        "_initiator": {"type": "script"},
        "_resourceType": "fetch",
        "request": {"method": "PUT", "url": "http://api.test/items/1", "headers": [
          {"name": "Origin", "value": "http://app.test"},
          {"name": "Content-Type", "value": "application/json"},
          {"name": "X-Api-Key", "value": "k"},
          {"name": "Sec-Fetch-Mode", "value": "cors"}]},
        "response": {"status": 0, "statusText": "", "headers": [], "_error": "net::ERR_FAILED"}
      },
      {
        "_resourceType": "fetch",
        "request": {"method": "POST", "url": "http://app.test/form", "headers": [{"name": "Origin", "value": "http://app.test"}]},
        "response": {"status": 200, "statusText": "OK", "headers": []}
      }
    ]
  }
}`

// firefoxHAR has standard fields only; its preflight is found by OPTIONS
// plus Access-Control-Request-Method (§6.6).
const firefoxHAR = `{"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "120.0"}, "entries": [
  {"request": {"method": "OPTIONS", "url": "https://api.test/a", "headers": [{"name": "Origin", "value": "https://app.test"}, {"name": "Access-Control-Request-Method", "value": "DELETE"}], "cookies": []},
   "response": {"status": 200, "headers": [{"name": "Access-Control-Allow-Origin", "value": "*"}, {"name": "Access-Control-Allow-Methods", "value": "DELETE"}]}},
  {"request": {"method": "GET", "url": "https://api.test/a", "headers": [{"name": "Origin", "value": "https://app.test"}], "cookies": []},
   "response": {"status": 200, "headers": []}},
  {"request": {"method": "DELETE", "url": "https://api.test/a", "headers": [{"name": "Origin", "value": "https://app.test"}, {"name": "Cookie", "value": "s=1"}], "cookies": [{"name": "s", "value": "1"}]},
   "response": {"status": 200, "headers": [{"name": "Access-Control-Allow-Origin", "value": "*"}]}}
]}}`

func TestCandidates(t *testing.T) {
	l, err := har.Read(chromeHAR)
	if err != nil {
		t.Fatal(err)
	}
	cs := l.Candidates()
	// Entry 2 (the PUT) with its preflight (entry 1); the document has no
	// Origin and the POST to its own origin is same-origin.
	if len(cs) != 1 || cs[0].Index != 2 || cs[0].Preflight != 1 || cs[0].Status != 0 || cs[0].Error != "net::ERR_FAILED" {
		t.Fatalf("candidates = %+v", cs)
	}
	x, err := l.Exchange(2)
	if err != nil {
		t.Fatal(err)
	}
	if x.Preflight == nil || x.Preflight.Status != 204 || x.Actual != nil {
		t.Errorf("exchange replies = %+v / %+v", x.Preflight, x.Actual)
	}
	if x.Request.Method != "PUT" || x.Request.Origin != "http://app.test" || len(x.Request.Headers) != 2 || x.Request.Headers[1].Name != "X-Api-Key" {
		t.Errorf("request = %+v", x.Request)
	}
	notes := strings.Join(x.Notes, "\n")
	if !strings.Contains(notes, "credentials mode unknown") || !strings.Contains(notes, "net::ERR_FAILED") {
		t.Errorf("notes = %q", notes)
	}
	ev, err := l.Evaluator(2)
	if err != nil {
		t.Fatal(err)
	}
	out := ev.Respond(policy.Request{Method: "OPTIONS"}, policy.Reply{Status: 200})
	if v, _ := out.Reply.Header.Get("Access-Control-Allow-Methods"); out.Reply.Status != 204 || v != "GET, PUT" {
		t.Errorf("OPTIONS answered %d %v", out.Reply.Status, out.Reply.Header)
	}
}

func TestFirefoxPairing(t *testing.T) {
	l, err := har.Read(firefoxHAR)
	if err != nil {
		t.Fatal(err)
	}
	cs := l.Candidates()
	// The preflight's ACRM is DELETE, so it pairs with entry 2, not the GET.
	if len(cs) != 2 || cs[0].Index != 1 || cs[0].Preflight != -1 || cs[1].Index != 2 || cs[1].Preflight != 0 {
		t.Fatalf("candidates = %+v", cs)
	}
	x, _ := l.Exchange(2)
	if x.Request.Credentials != "include" || x.Actual == nil || x.Actual.Status != 200 {
		t.Errorf("exchange = %+v", x)
	}
	for _, h := range x.Request.Headers {
		if strings.EqualFold(h.Name, "Cookie") || strings.EqualFold(h.Name, "Origin") {
			t.Errorf("browser-set header %s kept as a page header", h.Name)
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		desc string
		text string
		line int
		col  int
		path string
	}{
		{desc: "syntax error position", text: "{\"log\": {\"entries\": [\n  {,}\n]}}", line: 2, col: 4, path: "$"},
		{desc: "not a HAR", text: `{"foo": 1}`, line: 1, col: 1, path: "$.log.entries"},
		{desc: "entries not a list", text: "{\"log\": {\"entries\": {}}}", line: 1, col: 21, path: "$.log.entries"},
		{desc: "a header that is not an object", text: "{\"log\": {\"entries\": [\n {\"request\": {\"method\": \"GET\", \"url\": \"http://a/\", \"headers\": [\"Origin\"]}}\n]}}", line: 2, col: 64, path: "$.log.entries[0].request.headers[0]"},
		{desc: "a status that is not a whole number", text: "{\"log\": {\"entries\": [\n {\"request\": {\"method\": \"GET\", \"url\": \"http://a/\"}, \"response\": {\"status\": 200.5}}\n]}}", line: 2, col: 76, path: "$.log.entries[0].response.status"},
		{desc: "a null entry", text: "{\"log\": {\"entries\": [{\"request\": {\"method\": \"GET\", \"url\": \"http://a/\"}},\n  null]}}", line: 2, col: 3, path: "$.log.entries[1].request"},
		{desc: "wrong type inside an entry", text: "{\"log\": {\"entries\": [\n {\"request\": {\"method\": \"GET\", \"url\": \"http://a/\"}, \"response\": {\"status\": \"200\"}}\n]}}", line: 2, col: 76, path: "$.log.entries[0].response.status"},
	}
	for _, tc := range tests {
		_, err := har.Read(tc.text)
		var es policy.Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Errorf("%s: err = %v", tc.desc, err)
			continue
		}
		if es[0].Line != tc.line || es[0].Column != tc.col || es[0].Path != tc.path {
			t.Errorf("%s: error at %d:%d %s, want %d:%d %s (%v)", tc.desc, es[0].Line, es[0].Column, es[0].Path, tc.line, tc.col, tc.path, es[0])
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		desc string
		text string
		want bool
	}{
		{desc: "Chrome HAR", text: chromeHAR, want: true},
		{desc: "Firefox HAR", text: firefoxHAR, want: true},
		{desc: "S3 JSON", text: `{"CORSRules": [{"AllowedOrigins": ["*"]}]}`, want: false},
		{desc: "Express JSON", text: `{"origin": "*", "allowedHeaders": ["x"]}`, want: false},
	}
	for _, tc := range tests {
		if got, why := (&har.Format{}).Detect(tc.text); got != tc.want {
			t.Errorf("%s: Detect = %v (%s), want %v", tc.desc, got, why, tc.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add(chromeHAR)
	f.Add(firefoxHAR)
	f.Add(`{"log": {"entries": [{"request": {"method": "OPTIONS", "url": "x", "headers": [{"name": "origin", "value": "null"}]}, "response": {"status": 0}, "_initiator": {"type": "preflight", "requestId": "1"}, "_requestId": "1"}]}}`)
	f.Fuzz(func(t *testing.T, s string) {
		l, err := har.Read(s)
		if err != nil {
			postest.Rejected(t, err) // a refusal says where the fault is
			return
		}
		for _, c := range l.Candidates() {
			x, err := l.Exchange(c.Index)
			if err != nil {
				t.Fatal(err)
			}
			_ = x
			ev, _ := l.Evaluator(c.Index)
			ev.Respond(policy.Request{Method: "OPTIONS"}, policy.Reply{})
		}
		l.Exchange(-1)
		(&har.Format{}).Detect(s)
	})
}

// TestProvisionalHeaders: Chrome exports a request it blocked before the
// network with provisional headers, without Origin (the network stack
// adds it): its origin is its preflight's, or, for a fetch with no
// preflight, its Referer's when that names another origin (the default
// referrer policy, strict-origin-when-cross-origin, sends the page's
// origin cross-origin), each said in a note. A document request with a
// Referer stays out. Tried as a new user would, such a file was "0
// cross-origin fetches, 0 blocked".
func TestProvisionalHeaders(t *testing.T) {
	const doc = `{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "entries": [
 {"_resourceType": "preflight", "request": {"method": "OPTIONS", "url": "https://api.test/orders", "headers": [{"name": "origin", "value": "https://app.test"}, {"name": "access-control-request-method", "value": "POST"}, {"name": "access-control-request-headers", "value": "authorization"}]},
  "response": {"status": 204, "headers": [{"name": "access-control-allow-origin", "value": "https://app.test"}]}},
 {"_resourceType": "fetch", "request": {"method": "POST", "url": "https://api.test/orders", "headers": [{"name": "Authorization", "value": "Bearer x"}, {"name": "Referer", "value": "https://app.test/"}]},
  "response": {"status": 0, "headers": [], "_error": "net::ERR_FAILED"}},
 {"_resourceType": "fetch", "request": {"method": "GET", "url": "https://api.test/me", "headers": [{"name": "Referer", "value": "https://app.test/"}]},
  "response": {"status": 0, "headers": [], "_error": "net::ERR_FAILED"}},
 {"_resourceType": "document", "request": {"method": "GET", "url": "https://api.test/page", "headers": [{"name": "Referer", "value": "https://app.test/"}]},
  "response": {"status": 200, "headers": []}}
]}}`
	l, err := har.Read(doc)
	if err != nil {
		t.Fatal(err)
	}
	cs := l.Candidates()
	if len(cs) != 2 || cs[0].Index != 1 || cs[0].Preflight != 0 || cs[0].Origin != "https://app.test" || cs[1].Index != 2 || cs[1].Origin != "https://app.test" {
		t.Fatalf("candidates = %+v, want entries 1 (with its preflight) and 2", cs)
	}
	for i, want := range map[int]string{1: "its origin is its preflight's", 2: "its origin is its Referer's, https://app.test\nno preflight in the HAR, and the request shows provisional headers"} {
		x, err := l.Exchange(i)
		if err != nil {
			t.Fatal(err)
		}
		notes := strings.Join(x.Notes, "\n")
		if first, second, _ := strings.Cut(want, "\n"); x.Request.Origin != "https://app.test" || !strings.Contains(notes, first) || !strings.Contains(notes, second) {
			t.Errorf("entry %d: origin %q, notes %q; want %q said", i, x.Request.Origin, x.Notes, want)
		}
	}
}

// TestUnattributed: a fetch Chrome blocked, exported with provisional
// headers and no Referer (referrer policy no-referrer), has no origin
// the file tells; it is listed apart, not guessed and not dropped. A
// fetch with a Referer, a document and a fetch that got a reply are not.
func TestUnattributed(t *testing.T) {
	const doc = `{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "entries": [
 {"_resourceType": "fetch", "request": {"method": "GET", "url": "https://api.test/me", "headers": [{"name": "Referer", "value": "https://app.test/"}]},
  "response": {"status": 0, "headers": [], "_error": "net::ERR_FAILED"}},
 {"_resourceType": "fetch", "request": {"method": "PUT", "url": "https://api.test/me", "headers": [{"name": "Accept", "value": "*/*"}]},
  "response": {"status": 0, "headers": [], "_error": "net::ERR_FAILED"}},
 {"_resourceType": "document", "request": {"method": "GET", "url": "https://api.test/page", "headers": []},
  "response": {"status": 0, "headers": []}},
 {"_resourceType": "xhr", "request": {"method": "GET", "url": "https://api.test/ok", "headers": []},
  "response": {"status": 200, "headers": []}}
]}}`
	l, err := har.Read(doc)
	if err != nil {
		t.Fatal(err)
	}
	u := l.Unattributed()
	if len(u) != 1 || u[0].Index != 1 || u[0].Method != "PUT" || u[0].Error != "net::ERR_FAILED" {
		t.Fatalf("Unattributed = %+v, want entry 1 alone", u)
	}
	if cs := l.Candidates(); len(cs) != 1 || cs[0].Index != 0 {
		t.Fatalf("Candidates = %+v, want entry 0 alone", cs)
	}
}
