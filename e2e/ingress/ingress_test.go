// Package ingress_test checks engine/formats/ingressnginx against
// Debian's nginx with the headers-more module on loopback: one nginx a
// run, one server block a generated Ingress (by Host), holding the CORS
// block the controller's template writes for the Ingress's annotations,
// a tiny upstream as the backend, and every reply's status,
// Access-Control-* headers and Vary compared with the evaluator's answer
// for the same request, read from the manifest of all those Ingresses.
//
// What nginx checks is the template's block (origin regex, $cors, the
// 204, more_set_headers replacing the backend's headers at every status,
// the * case's set $http_origin shared by every server of one nginx).
// How the controller turns annotations into that block's values (its
// validation and defaults) rests on reading its Go source; the generator
// writes the block from the values the engine read.
package ingress_test

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/internal/nginxtest"
	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/formats/ingressnginx"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

const module = "/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so"

// origins the requests come from: allowed, under a wildcard (one label
// and two), upper case, null, another scheme or port, none.
var origins = []string{"https://app.test", "https://admin.test", "http://localhost:3000", "https://evil.test",
	"https://x.app.test", "https://a.b.app.test", "HTTPS://APP.TEST", "null", "http://app.test", "https://app.test:443", ""}

func request(r *rand.Rand) (policy.Request, string) {
	req := policy.Request{Method: proxytest.Pick(r, "GET", "POST", "PUT", "DELETE", "PATCH", "GET", "POST", "patch"), URL: proxytest.Pick(r, "/", "/api/items", "/x?y=1")}
	if o := proxytest.Pick(r, origins...); o != "" {
		req.Header.Add("Origin", o)
	}
	if r.Intn(5) < 2 {
		req.Method = proxytest.Pick(r, "OPTIONS", "OPTIONS", "OPTIONS", "OPTIONS", "OPTIONS", "options")
		if r.Intn(4) != 0 {
			req.Header.Add("Access-Control-Request-Method", proxytest.Pick(r, "PUT", "POST", "PATCH"))
		}
		if r.Intn(3) == 0 {
			req.Header.Add("Access-Control-Request-Headers", "x-custom")
		}
	}
	return req, proxytest.Pick(r, proxytest.Ups...)
}

// corners are documented corners, each an Ingress of its own with the
// corner requests.
var corners = []string{
	// no annotation but enable-cors: origin *, credentials true
	`enable-cors: "true"`,
	// a trailing slash fails the whole list's validation: *
	`enable-cors: "true"
    nginx.ingress.kubernetes.io/cors-allow-origin: "https://app.test/"`,
	// an origin without a scheme is dropped, the others kept
	`enable-cors: "true"
    nginx.ingress.kubernetes.io/cors-allow-origin: "app.test, https://admin.test"`,
	// no valid origin left: no origin test, nothing allowed
	`enable-cors: "true"
    nginx.ingress.kubernetes.io/cors-allow-origin: "app.test"`,
	// credentials off: the backend's own ACAC passes through
	`enable-cors: "true"
    nginx.ingress.kubernetes.io/cors-allow-origin: "https://*.app.test"
    nginx.ingress.kubernetes.io/cors-allow-credentials: "false"`,
	// enable-cors absent: other cors-* annotations do nothing
	`cors-allow-origin: "https://app.test"`,
	// the backend down (its server block passes to a closed port):
	// nginx's own 502 gets the CORS headers too, more_set_headers
	// applying at every status
	`enable-cors: "true"
    nginx.ingress.kubernetes.io/cors-allow-origin: "https://*.app.test, https://admin.test"`,
}

var cornerRequests = []struct {
	req policy.Request
	up  string
}{
	{policy.Request{Method: "GET", URL: "/", Header: headers.List{{Name: "Origin", Value: "https://x.app.test"}}}, "500 echo"},
	{policy.Request{Method: "OPTIONS", URL: "/", Header: headers.List{{Name: "Origin", Value: "https://admin.test"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}, "404 star"},
	{policy.Request{Method: "OPTIONS", URL: "/"}, "200 none"},
	{policy.Request{Method: "GET", URL: "/"}, "200 star"},
	{policy.Request{Method: "patch", URL: "/", Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}, "200 echo"},
}

func TestDifferential(t *testing.T) {
	bin := nginxtest.Path()
	if bin == "" {
		proxytest.Missing(t, "no nginx found; apt-get install nginx-light")
	}
	if _, err := os.Stat(module); err != nil {
		proxytest.Missing(t, "no headers-more module for nginx; apt-get install libnginx-mod-http-headers-more-filter")
	}
	out, err := exec.Command(bin, "-v").CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	mod, _ := exec.Command("dpkg-query", "-W", "-f", "${Version}", "libnginx-mod-http-headers-more-filter").Output()
	proxytest.Recorded(t, "nginx", strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(out)), "nginx version: "))+" headers-more "+string(mod))

	upstream := proxytest.Upstream(t)
	seed := proxytest.Seed(20261203)
	rnd := rand.New(rand.NewSource(seed))
	const generated = 70
	var docs []string
	for i := 0; i < generated; i++ {
		docs = append(docs, ingressDoc(rnd, i, fmt.Sprintf("i%d.test", i)))
	}
	for i, c := range corners {
		docs = append(docs, fmt.Sprintf("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: corner-%d\n  annotations:\n    nginx.ingress.kubernetes.io/%s\nspec:\n  rules:\n  - host: c%d.test\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: app\n            port:\n              number: 80\n", i, c, i))
	}
	// hosts routed by path: several Ingresses each
	const routed = 14
	for h := 0; h < routed; h++ {
		used := map[string]bool{}
		for k := 0; k < 2+rnd.Intn(2); k++ {
			docs = append(docs, routedDoc(rnd, fmt.Sprintf("r%d-%d", h, k), fmt.Sprintf("r%d.test", h), used))
		}
	}
	manifest := strings.Join(docs, "---\n")
	model, err := ingressnginx.Parse(manifest)
	if err != nil {
		t.Fatalf("the reader rejects the generated manifest: %v", err)
	}
	if len(model.Ingresses) != len(docs) {
		t.Fatalf("read %d Ingresses of %d", len(model.Ingresses), len(docs))
	}
	single := generated + len(corners)
	var conf strings.Builder
	conf.WriteString("load_module " + module + ";\n" + nginxtest.Head)
	var cases []proxytest.Case
	// the default server: no Ingress without a host, so its / is the
	// default backend, without CORS, for every unknown host
	def := fmt.Sprintf("  server {\n    listen 127.0.0.1:{{port}} default_server;\n    server_name _;\n    location / {\n      proxy_set_header X-Up \"404 none\";\n      proxy_pass http://127.0.0.1:%d;\n    }\n  }\n", upstream)
	conf.WriteString(def)
	for k := 0; k < 6; k++ {
		c := proxytest.Case{Host: proxytest.Pick(rnd, "unknown.test", "i0.test.evil", "test"), Site: def}
		c.Req, c.Up = request(rnd)
		cases = append(cases, c)
	}
	dead := proxytest.FreePort(t)
	for i, in := range model.Ingresses[:single] {
		host := in.Rules[0].Host
		up := upstream
		if i == single-1 {
			up = dead
		}
		block := serverBlock(host, in.Cors, up)
		conf.WriteString(block)
		for k := 0; k < 4; k++ {
			c := proxytest.Case{Host: host, Site: docs[i] + block}
			if i < generated {
				c.Req, c.Up = request(rnd)
			} else {
				c.Req, c.Up = cornerRequests[k].req, cornerRequests[k].up
				c.Req.Header = c.Req.Header.Clone()
			}
			if up == dead {
				c.Up = "502 none" // what the model's backend answers: nginx's 502
			}
			cases = append(cases, c)
		}
		if i >= generated {
			c := proxytest.Case{Host: host, Site: docs[i] + block, Req: cornerRequests[4].req, Up: cornerRequests[4].up}
			c.Req.Header = c.Req.Header.Clone()
			cases = append(cases, c)
		}
	}
	byHost := map[string][]*ingressnginx.Ingress{}
	var hosts []string
	for _, in := range model.Ingresses[single:] {
		h := in.Rules[0].Host
		if byHost[h] == nil {
			hosts = append(hosts, h)
		}
		byHost[h] = append(byHost[h], in)
	}
	for _, h := range hosts {
		block := routedServer(h, byHost[h], upstream)
		conf.WriteString(block)
		for k := 0; k < 10; k++ {
			c := proxytest.Case{Host: h, Site: block}
			c.Req, c.Up = request(rnd)
			c.Req.URL = proxytest.Pick(rnd, "/", "/api", "/api/", "/api/v1/x", "/apix", "/API/v1", "/static/a.js", "/v2", "/v2/x", "/x", "/x/", "/other")
			cases = append(cases, c)
		}
	}
	conf.WriteString("}\n")
	port := nginxtest.Start(t, conf.String(), nil)
	t.Logf("%d Ingresses (%d of them corners, %d on %d hosts routed by path), seed %d", len(docs), len(corners), len(docs)-single, routed, seed)
	proxytest.Run(t, port, model, cases)
}
