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
