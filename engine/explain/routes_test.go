package explain_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/policy"
)

// routeCases are scenarios with routes: redirect chains whose targets have
// replies of their own. Each want lists the requests the browser sends
// (method, URL, Origin, status), as HTTP-redirect fetch
// (https://fetch.spec.whatwg.org/#http-redirect-fetch) and CORS-preflight
// fetch (https://fetch.spec.whatwg.org/#cors-preflight-fetch) say, and as
// the e2e/chromium recordings route-* show.
var routeCases = []struct {
	desc     string
	scenario string
	allowed  bool
	status   int
	want     []string // "[preflight ]METHOD URL Origin STATUS"
}{
	{desc: "302 to another origin whose route allows the tainted origin: Origin null there (Fetch §4.4 step 14, tainted origin)",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/a"},
			"response":{"status":302,"headers":[["Access-Control-Allow-Origin","*"],["Location","http://api2.test/b"]]},
			"routes":[{"url":"http://api2.test/b","response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}]}`,
		allowed: true, status: 200,
		want: []string{"GET http://api.test/a http://app.test 302", "GET http://api2.test/b null 200"}},
	{desc: "the same chain, the target unconfigured: 200 without Access-Control-Allow-Origin fails the CORS check",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/a"},
			"response":{"status":302,"headers":[["Access-Control-Allow-Origin","*"],["Location","http://api2.test/b"]]}}`,
		want: []string{"GET http://api.test/a http://app.test 302", "GET http://api2.test/b null 200"}},
	{desc: "PUT preflighted, 307 keeps the method, a new preflight at the other origin with Origin null (Fetch §4.4 step 11, §4.8)",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/a","method":"PUT","headers":[["X-Test","1"]]},
			"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Methods","PUT"],["Access-Control-Allow-Headers","x-test"]]},
			"response":{"status":307,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Location","http://api2.test/b"]]},
			"routes":[{"url":"http://api2.test/b",
				"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Methods","PUT"],["Access-Control-Allow-Headers","x-test"]]},
				"response":{"status":201,"headers":[["Access-Control-Allow-Origin","*"]]}}]}`,
		allowed: true, status: 201,
		want: []string{"preflight OPTIONS http://api.test/a http://app.test 204", "PUT http://api.test/a http://app.test 307",
			"preflight OPTIONS http://api2.test/b null 204", "PUT http://api2.test/b null 201"}},
	{desc: "303 turns POST into GET: no preflight at the target (Fetch §4.4 step 12)",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/a","method":"POST","body":"x"},
			"response":{"status":303,"headers":[["Access-Control-Allow-Origin","*"],["Location","http://api.test/b"]]},
			"routes":[{"url":"http://api.test/b","response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://app.test"]]}}]}`,
		allowed: true, status: 200,
		want: []string{"POST http://api.test/a http://app.test 303", "GET http://api.test/b http://app.test 200"}},
	{desc: "three hops: back to the page's origin, where Origin stays null (tainted origin)",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/a"},
			"response":{"status":301,"headers":[["Access-Control-Allow-Origin","*"],["Location","http://api2.test/b"]]},
			"routes":[{"url":"http://api2.test/b","response":{"status":302,"headers":[["Access-Control-Allow-Origin","*"],["Location","http://app.test/c"]]}},
				{"url":"http://app.test/c","response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}]}`,
		allowed: true, status: 200,
		want: []string{"GET http://api.test/a http://app.test 301", "GET http://api2.test/b null 302", "GET http://app.test/c null 200"}},
	{desc: "a route matches by the serialized URL: HTTP://API2.TEST:80/%7e is http://api2.test/%7e",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/a"},
			"response":{"status":302,"headers":[["Access-Control-Allow-Origin","*"],["Location","http://api2.test/%7e"]]},
			"routes":[{"url":"HTTP://API2.TEST:80/%7e","response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}]}`,
		allowed: true, status: 200,
		want: []string{"GET http://api.test/a http://app.test 302", "GET http://api2.test/%7e null 200"}},
}

func sentLines(rs []explain.SentRequest) []string {
	out := []string{}
	for _, r := range rs {
		l := r.Method + " " + r.URL + " " + r.Origin + " " + strconv.Itoa(r.Status)
		if r.Preflight {
			l = "preflight " + l
		}
		out = append(out, l)
	}
	return out
}

func TestRoutes(t *testing.T) {
	for _, tc := range routeCases {
		v := mustExplain(t, tc.scenario)
		if v.Allowed != tc.allowed || v.Status != tc.status {
			t.Errorf("%s: allowed=%v status=%d (%s), want allowed=%v status=%d", tc.desc, v.Allowed, v.Status, v.Reason, tc.allowed, tc.status)
		}
		if got := sentLines(v.Requests); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: requests\n got %q\nwant %q", tc.desc, got, tc.want)
		}
		// Every step of a chain has an ID of its own ("hop[N]." after a
		// redirect).
		ids := map[string]bool{}
		for _, s := range v.Steps {
			if ids[s.ID] {
				t.Errorf("%s: step ID %q twice", tc.desc, s.ID)
			}
			ids[s.ID] = true
		}
		for _, r := range v.Requests {
			if r.FromCDN || r.Preflight != (r.ACRM != "") {
				t.Errorf("%s: request %+v", tc.desc, r)
			}
		}
	}
}

// The preflight's request headers are in requests, and a request without
// Origin (a same-origin GET, Fetch §3.1 "append a request Origin header")
// has none.
func TestRequestsFields(t *testing.T) {
	v := mustExplain(t, `{"request":{"origin":"http://app.test","url":"http://api.test/a","method":"PUT","headers":[["X-B","1"],["X-A","2"]]},
		"preflight":{"status":0}}`)
	want := []explain.SentRequest{{Preflight: true, Method: "OPTIONS", URL: "http://api.test/a", Origin: "http://app.test", ACRM: "PUT", ACRH: "x-a,x-b", Status: 0}}
	if !reflect.DeepEqual(v.Requests, want) {
		t.Errorf("requests %+v, want %+v", v.Requests, want)
	}
	v = mustExplain(t, `{"request":{"origin":"http://app.test","url":"http://app.test/a"}}`)
	want = []explain.SentRequest{{Method: "GET", URL: "http://app.test/a", Status: 200}}
	if !reflect.DeepEqual(v.Requests, want) {
		t.Errorf("requests %+v, want %+v", v.Requests, want)
	}
	v = mustExplain(t, `{"request":{"origin":"http://app.test","url":"http://api.test/a","method":"TRACE"}}`)
	if v.Requests == nil || len(v.Requests) != 0 {
		t.Errorf("a TypeError sends nothing: requests %#v, want []", v.Requests)
	}
	b, _ := json.Marshal(v)
	if !strings.Contains(string(b), `"requests":[]`) {
		t.Errorf("requests not in %s", b)
	}
}

// A redirect target listed in routes is answered by the policy too, with
// the route's reply as the application behind it.
func TestRoutesUnderPolicy(t *testing.T) {
	v := mustExplain(t, `{"request":{"origin":"http://app.test","url":"http://api.test/a"},
		"response":{"status":302,"headers":[["Location","http://api.test/b"]]},
		"routes":[{"url":"http://api.test/b","response":{"status":418,"headers":[]}}],
		"policy":{"format":"native","text":"{\"origins\":[\"http://app.test\"]}"}}`)
	if got := sentLines(v.Requests); len(got) != 2 || v.Requests[1].Status != 418 {
		t.Errorf("requests %q, want the route's 418 at the second hop", got)
	}
}

// Replies pasted as a raw policy are the request URL's own (explain.Captured):
// a redirect elsewhere meets the routes, as the same replies given as
// "preflight" and "response" do, and the step names the route.
func TestRoutesUnderCapturedReplies(t *testing.T) {
	raw := `HTTP/1.1 302 Found\r\nLocation: http://api2.test/b\r\nAccess-Control-Allow-Origin: *\r\n\r\n`
	v := mustExplain(t, `{"request":{"origin":"http://app.test","url":"http://api.test/a"},
		"routes":[{"url":"http://api2.test/b","response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}],
		"policy":{"format":"raw","text":"`+raw+`"}}`)
	if got := sentLines(v.Requests); len(got) != 2 || v.Requests[1].Status != 200 || !v.Allowed {
		t.Errorf("requests %q, allowed %v: want the pasted 302, then the route's 200, allowed", got, v.Allowed)
	}
	found := false
	for _, st := range v.Steps {
		if strings.Contains(st.Detail, "The reply of $.routes[0]") {
			found = true
		}
	}
	if !found {
		t.Errorf("no step names the route that answered the second hop: %+v", v.Steps)
	}
}

// decodeCase is a scenario Decode refuses, and the sorted JSON paths of
// its faults.
type decodeCase struct {
	desc, in string
	paths    []string
}

func checkDecodePaths(t *testing.T, tests []decodeCase) {
	t.Helper()
	for _, tc := range tests {
		got, ok := errorPaths(explain.Decode([]byte(tc.in)))
		if !ok {
			t.Errorf("%s: want policy.Errors", tc.desc)
			continue
		}
		slices.Sort(got)
		if !reflect.DeepEqual(got, tc.paths) {
			t.Errorf("%s: paths %q, want %q", tc.desc, got, tc.paths)
		}
	}
}

func TestRoutesDecodeErrors(t *testing.T) {
	req := `"request":{"origin":"http://app.test","url":"http://api.test/a"}`
	many := make([]string, limits.Routes+1)
	for i := range many {
		many[i] = `{"url":"http://api.test/` + strconv.Itoa(i) + `x"}`
	}
	tests := []decodeCase{
		{desc: "a URL listed twice, as written differently: refused at the second", in: `{` + req + `,"routes":[{"url":"http://b.test/x"},{"url":"http://c.test/"},{"url":"HTTP://B.TEST:80/x#f"}]}`,
			paths: []string{"$.routes[2].url"}},
		{desc: "the request's own URL: its replies are preflight and response", in: `{` + req + `,"routes":[{"url":"http://api.test/a"}]}`,
			paths: []string{"$.routes[0].url"}},
		{desc: "unknown field, missing URL, bad reply", in: `{` + req + `,"routes":[{"url":"http://b.test/","foo":1},{"response":{"status":200}},{"url":"http://c.test/","preflight":{"status":"x"}}]}`,
			paths: []string{"$.routes[0].foo", "$.routes[1].url", "$.routes[2].preflight.status"}},
		{desc: "not a URL, not http(s)", in: `{` + req + `,"routes":[{"url":"/relative"},{"url":"data:text/plain,x"}]}`,
			paths: []string{"$.routes[0].url", "$.routes[1].url"}},
		{desc: "not a list", in: `{` + req + `,"routes":{"url":"http://b.test/"}}`, paths: []string{"$.routes"}},
		{desc: "more than limits.Routes", in: `{` + req + `,"routes":[` + strings.Join(many, ",") + `]}`, paths: []string{"$.routes"}},
	}
	checkDecodePaths(t, tests)
	// Explain refuses the same scenario built in Go.
	s := explain.Scenario{Request: explain.Request{Origin: "http://app.test", URL: "http://api.test/a"},
		Routes: []explain.Route{{URL: "http://b.test/"}, {URL: "http://b.test"}}}
	_, err := explain.Explain(s, opts)
	var es policy.Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Path != "$.routes[1].url" {
		t.Errorf("Explain: %v, want a duplicate at $.routes[1].url", err)
	}
}

// The text output lists the requests of a chain that followed a redirect.
func TestTextListsRequestsOfAChain(t *testing.T) {
	v := mustExplain(t, routeCases[2].scenario)
	txt := explain.Text(v, explain.TextOptions{})
	for _, want := range []string{"Requests sent (4, across redirects):", "preflight OPTIONS http://api2.test/b (Origin: null; Access-Control-Request-Method: PUT; Access-Control-Request-Headers: x-test) -> 204 No Content",
		"The reply of $.routes[0] (http://api2.test/b) answered 201 Created."} {
		if !strings.Contains(txt, want) {
			t.Errorf("text lacks %q:\n%s", want, txt)
		}
	}
	v = mustExplain(t, designExample)
	if strings.Contains(explain.Text(v, explain.TextOptions{}), "Requests sent") {
		t.Error("a fetch without a redirect lists its requests in the steps only")
	}
}

// Where Chromium and Firefox differ across a redirect, each profile
// follows its engine: the e2e recordings route-307-put-target-preflight-echo,
// route-authorization-cross and net-fail-actual (e2e/chromium and
// e2e/firefox testdata).
func TestRedirectProfiles(t *testing.T) {
	pfEcho := `"request":{"origin":"http://app.test","url":"http://api.test/a","method":"PUT","body":"x"},
		"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Methods","PUT"]]},
		"response":{"status":307,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Location","http://api2.test/b"]]},
		"routes":[{"url":"http://api2.test/b","preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Methods","PUT"]]},
			"response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://app.test"]]}}]`
	auth := `"request":{"origin":"http://app.test","url":"http://api.test/a","headers":[["Authorization","Bearer t"]]},
		"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Headers","authorization"]]},
		"response":{"status":307,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Location","http://api2.test/b"]]},
		"routes":[{"url":"http://api2.test/b","preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","*"]]},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}]`
	tests := []struct {
		desc, browser, scenario, reason string
		want                            []string
	}{
		{desc: "Chromium: the preflight at the second origin sends Origin null and fails on the echoed origin", browser: "chrome", scenario: pfEcho,
			reason: "PreflightAllowOriginMismatch",
			want:   []string{"preflight OPTIONS http://api.test/a http://app.test 204", "PUT http://api.test/a http://app.test 307", "preflight OPTIONS http://api2.test/b null 204"}},
		{desc: "Firefox: that preflight sends the page's origin and passes; the PUT sends null and fails", browser: "firefox", scenario: pfEcho,
			want: []string{"preflight OPTIONS http://api.test/a http://app.test 204", "PUT http://api.test/a http://app.test 307", "preflight OPTIONS http://api2.test/b http://app.test 204", "PUT http://api2.test/b null 200"}},
		{desc: "Chromium drops Authorization on the cross-origin hop (Fetch §4.4 step 13): no preflight there", browser: "chrome", scenario: auth,
			want: []string{"preflight OPTIONS http://api.test/a http://app.test 204", "GET http://api.test/a http://app.test 307", "GET http://api2.test/b null 200"}},
		{desc: "Firefox drops it too but preflights again, with the page's origin", browser: "firefox", scenario: auth,
			want: []string{"preflight OPTIONS http://api.test/a http://app.test 204", "GET http://api.test/a http://app.test 307", "preflight OPTIONS http://api2.test/b http://app.test 204", "GET http://api2.test/b null 200"}},
		{desc: "Firefox sends a request whose connection closes 10 times", browser: "firefox",
			scenario: `"request":{"origin":"http://app.test","url":"http://api.test/a"},"response":{"status":0}`, reason: "NetworkError",
			want: slices.Repeat([]string{"GET http://api.test/a http://app.test 0"}, 10)},
		{desc: "Chromium once", browser: "chrome",
			scenario: `"request":{"origin":"http://app.test","url":"http://api.test/a"},"response":{"status":0}`, reason: "NetworkError",
			want: []string{"GET http://api.test/a http://app.test 0"}},
	}
	for _, tc := range tests {
		v := mustExplain(t, `{"browser":"`+tc.browser+`",`+tc.scenario+`}`)
		if got := sentLines(v.Requests); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: requests\n got %q\nwant %q", tc.desc, got, tc.want)
		}
		if tc.reason != "" && v.Reason != tc.reason {
			t.Errorf("%s: reason %q, want %q", tc.desc, v.Reason, tc.reason)
		}
	}
}
