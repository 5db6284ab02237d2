package probe_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/internal/nginxtest"
	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// TestNginxFixFromNoCORS: the fix of an nginx server with no CORS line
// (where "add CORS to my proxy" starts) is nginx's own text, and Debian's
// nginx, running it in front of an upstream, answers the page's PUT and
// its preflight as the fix says: each real reply, explained as raw
// replies, lets the fetch through. Found as a new user would: the fix
// was header lines to write, not a change of the file.
func TestNginxFixFromNoCORS(t *testing.T) {
	// Ports the model reads as numbers, replaced by the real ones.
	const conf = "server {\n    listen 127.0.0.1:65001;\n    server_name api.test;\n    location /api/ {\n        proxy_pass http://127.0.0.1:65002;\n    }\n}\n"
	req := explain.Request{Origin: "https://app.test", URL: "https://api.test/api/items",
		Init: fetch.Init{Method: "PUT", Headers: headers.List{{Name: "Content-Type", Value: "application/json"}}}}
	reg := policy.NewRegistry(all.Formats()...)
	v, err := explain.Explain(explain.Scenario{Request: req, Policy: &explain.Policy{Format: "nginx", Text: conf}}, advise.Options(reg))
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed || len(v.Fixes) == 0 || v.Fixes[0].Format != "nginx" {
		t.Fatalf("allowed %v, fixes %+v: want a blocked fetch and an nginx fix", v.Allowed, v.Fixes)
	}
	fixed := strings.NewReplacer(":65001;", ":{{port}};", ":65002;", ":{{upstream}};").Replace(v.Fixes[0].Text)
	port := nginxtest.Start(t, nginxtest.Head+fixed+"}\n", map[string]string{"{{upstream}}": strconv.Itoa(proxytest.Upstream(t))})

	pre := policy.Request{Method: "OPTIONS", URL: "/api/items", Header: headers.List{{Name: "Origin", Value: req.Origin},
		{Name: "Access-Control-Request-Method", Value: "PUT"}, {Name: "Access-Control-Request-Headers", Value: "content-type"}}}
	preStatus, preHeader := proxytest.Send(t, port, "api.test", pre, "405 none")
	act := policy.Request{Method: "PUT", URL: "/api/items", Header: headers.List{{Name: "Origin", Value: req.Origin}, {Name: "Content-Type", Value: "application/json"}}}
	actStatus, actHeader := proxytest.Send(t, port, "api.test", act, "200 none")

	// The real replies, as raw replies: the browser model must let the
	// fetch through.
	raw := func(status int, h map[string][]string) string {
		var b strings.Builder
		b.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " X\n")
		for k, vs := range h {
			for _, x := range vs {
				b.WriteString(k + ": " + x + "\n")
			}
		}
		return b.String()
	}
	text := raw(preStatus, preHeader) + "\n" + raw(actStatus, actHeader)
	got, err := explain.Explain(explain.Scenario{Request: req, Policy: &explain.Policy{Format: "raw", Text: text}}, advise.Options(reg))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Allowed {
		t.Errorf("nginx with the fix:\n%s\nanswers\n%s\nwhich the browser blocks: %s", fixed, text, got.Summary)
	}
}
