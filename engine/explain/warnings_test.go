package explain_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
)

// Each trap of shared/reference/cloud-policies.md and browser-cors.md
// that the verdict must warn about, whether or not it blocked this fetch.
func TestTrapWarnings(t *testing.T) {
	pol := func(format, text string) string {
		b, _ := json.Marshal(explain.Policy{Format: format, Text: text})
		return `,"policy":` + string(b)
	}
	get := `"request":{"origin":"https://app.test","url":"https://api.test/x"}`
	for _, tc := range []struct{ desc, scenario, code string }{
		{desc: "S3 sends Vary only on a match (§0 item 5)", code: "s3-vary",
			scenario: `{` + get + pol("s3-json", `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"]}]`) + `}`},
		{desc: "API Gateway REST: the gateway's own 4xx/5xx carry no CORS headers (§5.2)", code: "apigw-rest-gateway-errors",
			scenario: `{` + get + pol("apigw-rest", `{"RestApiCors":{"AllowMethods":["GET","OPTIONS"],"AllowOrigin":"https://app.test","Integration":"mock"}}`) + `}`},
		{desc: "API Gateway HTTP ignores the backend's CORS headers (§5.1)", code: "apigw-http-backend-ignored",
			scenario: `{` + get + pol("apigw-http", `{"AllowOrigins":["https://app.test"]}`) + `,"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}`},
		{desc: "nginx add_header without always (§6.1)", code: "missing-always",
			scenario: `{` + get + pol("nginx", "location / {\n  add_header Access-Control-Allow-Origin https://app.test;\n}\n") + `}`},
		{desc: "Authorization only under * (browser-cors.md §1.4 item 4)", code: "authorization-wildcard",
			scenario: `{"request":{"origin":"https://app.test","url":"https://api.test/x","headers":[["Authorization","Bearer x"]]},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Headers","*"]]},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}`},
		{desc: "max-age above Chrome's 7200 and Safari's 600 (browser-cors.md §1.8)", code: "max-age-cap",
			scenario: `{"request":{"origin":"https://app.test","url":"https://api.test/x","method":"PUT"},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","https://app.test"],["Access-Control-Allow-Methods","PUT"],["Access-Control-Max-Age","86400"]]},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","https://app.test"],["Vary","Origin"]]}}`},
		{desc: "one origin without Vary: Origin (Fetch, CORS protocol and HTTP caches)", code: "vary-origin",
			scenario: `{` + get + `,"response":{"status":200,"headers":[["Access-Control-Allow-Origin","https://app.test"]]}}`},
		{desc: "a policy that echoes every origin (lint reflect-any-origin)", code: "reflect-any-origin",
			scenario: `{` + get + pol("express", `app.use(cors({ origin: true }));`) + `}`},
	} {
		v := mustExplain(t, tc.scenario)
		found := false
		for _, w := range v.Warnings {
			if w.Code == tc.code {
				found = true
				if w.Message == "" {
					t.Errorf("%s: empty message", tc.desc)
				}
			}
		}
		if !found {
			t.Errorf("%s: no %s warning in %+v", tc.desc, tc.code, v.Warnings)
		}
	}
}

// The browsers disagree on Authorization under "*" (browser-cors.md §1.7:
// Chromium and WebKit let it pass, the standard does not): with browser
// "spec" the verdict flags it and adds a step.
func TestBrowsersDiffer(t *testing.T) {
	v := mustExplain(t, `{"browser":"spec","request":{"origin":"https://app.test","url":"https://api.test/x","headers":[["Authorization","Bearer x"]]},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Headers","*"]]},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}`)
	if v.Allowed || !v.BrowsersDiffer {
		t.Fatalf("allowed=%v differ=%v, want blocked by the standard and a difference flagged", v.Allowed, v.BrowsersDiffer)
	}
	if st := v.Steps[len(v.Steps)-1]; st.ID != "browsers.differ" || st.Status != "warn" {
		t.Errorf("last step %+v, want browsers.differ", st)
	}
	// Every browser blocks a preflight refused with 403 and no
	// Access-Control-Allow-Origin, WebKit at its status (recorded,
	// e2e/webkit): the same verdict, told as different reasons, not as a
	// disagreement.
	reasons := mustExplain(t, `{"request":{"origin":"https://app.test","url":"https://api.test/x","method":"PUT"},"preflight":{"status":403,"headers":[]}}`)
	if !reasons.BrowsersDiffer {
		t.Fatalf("a 403 preflight: differ=false, want the reasons flagged: %+v", reasons.Browsers)
	}
	if st := reasons.Steps[len(reasons.Steps)-1]; st.ID != "browsers.differ" || st.Status != "info" || st.Title != "Browsers give different reasons" ||
		!strings.HasPrefix(st.Detail, "Every browser blocks it") || !strings.Contains(st.Detail, "Safari PreflightInvalidStatus") {
		t.Errorf("a 403 preflight: last step %+v, want the reasons as info", st)
	}
	same := mustExplain(t, `{"request":{"origin":"https://app.test","url":"https://api.test/x"},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}`)
	if same.BrowsersDiffer {
		t.Errorf("a plain allowed GET is flagged as differing: %+v", same.Browsers)
	}
}

// TestNetworkUnstated: a scenario without "network" whose URL's host
// names a more private space than the page's gets the warning that says
// how to state it, in Chrome, whose Local Network Access would ask the
// user first (found as a new user would: a public page's fetch of
// http://192.168.1.10 was allowed without a word); Firefox has no such
// gate in the model, and a page as private as the URL gets none.
func TestNetworkUnstated(t *testing.T) {
	reply := `"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}`
	tests := []struct {
		desc, browser, origin, url string
		warn                       bool
	}{
		{"public page, private IPv4 over https", "chrome", "https://app.example", "https://192.168.1.10/api", true},
		{"public page, localhost", "chrome", "https://app.example", "http://localhost:3000/api", true},
		{"public page, a .local name", "chrome", "https://app.example", "https://nas.local/api", true},
		{"public page, an ordinary name", "chrome", "https://app.example", "https://api.example/x", false},
		{"a localhost page to localhost", "chrome", "http://localhost:5173", "http://localhost:3000/api", false},
		{"Firefox has no Local Network Access gate here", "firefox", "https://app.example", "https://192.168.1.10/api", false},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			s, err := explain.Decode([]byte(`{"browser":"` + tc.browser + `","request":{"origin":"` + tc.origin + `","url":"` + tc.url + `"},` + reply + `}`))
			if err != nil {
				t.Fatal(err)
			}
			v, err := explain.Explain(s, explain.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := false
			for _, w := range v.Warnings {
				if w.Code == "network-unstated" {
					got = true
					if !strings.Contains(w.Message, `"network": {"page": "public"`) {
						t.Errorf("the warning does not say how to state the network: %s", w.Message)
					}
				}
			}
			if got != tc.warn {
				t.Errorf("network-unstated %v, want %v (%+v)", got, tc.warn, v.Warnings)
			}
		})
	}
}

// TestNoFixSaysWhoDecides: a fetch the browser refuses before the
// server answers (mixed content, Local Network Access) gets no fix, and
// the text says no server change helps, where it said the FAIL steps
// tell what the server must send (found as a new user would).
func TestNoFixSaysWhoDecides(t *testing.T) {
	for _, tc := range []struct{ desc, scenario, want string }{
		{"mixed content", `{"request":{"origin":"https://app.example","url":"http://api.example/x"},"response":{"status":200}}`, "before the server has a say"},
		{"Local Network Access, permission denied", `{"request":{"origin":"https://m.pub.example","url":"https://dev.lan.example/x"},"network":{"page":"public","target":"local","permission":"denied"},"response":{"status":200}}`, "before the server has a say"},
		{"a missing Access-Control-Allow-Origin is the server's", `{"request":{"origin":"https://app.example","url":"https://api.example/x"},"response":{"status":200}}`, "what the server must send"},
	} {
		s, err := explain.Decode([]byte(tc.scenario))
		if err != nil {
			t.Fatal(err)
		}
		v, err := explain.Explain(s, explain.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if txt := explain.Text(v, explain.TextOptions{Searched: true}); !strings.Contains(txt, tc.want) {
			t.Errorf("%s: the text does not say %q:\n%s", tc.desc, tc.want, txt)
		}
	}
}
