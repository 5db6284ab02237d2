package ingressnginx_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/lint"
)

// TestExplainFix runs manifests through the explainer with this format
// registered, as the engine will once engine/all lists it: a blocked
// fetch gets a verdict and, as its first fix, an edit of the manifest's
// annotation that the browser model then allows.
func TestExplainFix(t *testing.T) {
	reg := registry()
	tests := []struct {
		desc, text, want string
		init             fetch.Init
		source           string
	}{
		{desc: "another origin: added to the list", text: readFile(t, "basic.yaml"),
			init: fetch.Init{Method: "PUT"}, want: `cors-allow-origin: "https://shop.example, https://*.shop.example, https://b.example"`, source: srcTemplate},
		{desc: "a header outside the list: added", text: strings.Replace(readFile(t, "basic.yaml"), "https://shop.example,", "https://b.example,", 1),
			init: fetch.Init{Method: "POST", Headers: headers.List{{Name: "X-Custom", Value: "1"}}}, want: `cors-allow-headers: "Content-Type, Authorization, X-Request-Id, x-custom"`, source: srcTemplate},
		// Tried as a new user would, the fix replaced the list by the
		// page's origin alone, dropping the others.
		{desc: "a refused origin list is *, and credentials are sent: the list mended (its trailing slash dropped), the page's origin added", text: strings.Replace(readFile(t, "traps.yaml"), "dash-api.example", "api.shop.example", 1),
			init: fetch.Init{Method: "GET", Credentials: "include"}, want: `cors-allow-origin: "https://dash.example, https://admin.example, https://b.example"`, source: srcParser},
		{desc: "* written: replaced by the page's origin", text: doc(ann("enable-cors", `"true"`, "cors-allow-origin", `"*"`, "cors-allow-credentials", `"true"`)),
			init: fetch.Init{Method: "GET", Credentials: "include"}, want: `cors-allow-origin: "https://b.example"`, source: srcParser},
		{desc: "cors-* without enable-cors", text: doc(ann("cors-allow-origin", `"https://b.example"`)),
			init: fetch.Init{Method: "GET"}, want: `nginx.ingress.kubernetes.io/enable-cors: "true"`, source: srcTemplate},
	}
	for _, tt := range tests {
		s := explain.Scenario{Request: explain.Request{Origin: "https://b.example", URL: "https://api.shop.example/v1/items", Init: tt.init},
			Policy: &explain.Policy{Format: "ingress-nginx", Text: tt.text}}
		if strings.Contains(tt.text, "h.test") {
			s.Request.URL = "https://h.test/items"
		}
		v, err := explain.Explain(s, advise.Options(reg))
		if err != nil {
			t.Fatalf("%s: %v", tt.desc, err)
		}
		if v.Summary == "" {
			t.Errorf("%s: no summary", tt.desc)
		}
		if v.Allowed || len(v.Fixes) == 0 || v.Fixes[0].Format != "ingress-nginx" || !strings.Contains(v.Fixes[0].Text, tt.want) {
			t.Errorf("%s (%s): allowed %v, fixes %+v; want an ingress-nginx fix with %q", tt.desc, tt.source, v.Allowed, v.Fixes, tt.want)
		}
	}
}

// TestLint reads the golden traps through engine/lint with this format
// registered: the findings are positioned and carry the format's codes.
func TestLint(t *testing.T) {
	fs, err := lint.Lint(registry(), readFile(t, "traps.yaml"), "ingress-nginx")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, f := range fs {
		codes = append(codes, f.Code)
	}
	for _, want := range []string{"origin-refused", "wildcard-credentials", "cors-disabled", "misspelled"} {
		if !strings.Contains(" "+strings.Join(codes, " ")+" ", " "+want+" ") {
			t.Errorf("lint codes %v lack %s (%s)", codes, want, srcParser)
		}
	}
}
