package ingressnginx_test

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/ingressnginx"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// Sources of the expected values (kubernetes/ingress-nginx at
// controller-v1.15.1):
const (
	srcCors     = "internal/ingress/annotations/cors/main.go, Parse and the regexes"
	srcParser   = "internal/ingress/annotations/parser/validators.go, checkAnnotation and ValidateRegex (spaces removed, \\r\\n refused)"
	srcTemplate = "rootfs/etc/nginx/template/nginx.tmpl, define \"CORS\"; template.go buildCorsOriginRegex"
	srcServers  = "internal/ingress/controller/controller.go createServers, location.go updateServerLocations"
	srcK8s      = "Kubernetes ObjectMeta.annotations is map[string]string; networking.k8s.io/v1 HTTPIngressPath.pathType is required"
	srcDebian   = "checked in e2e/ingress against nginx 1.22.1 with headers-more 0.34"
)

func doc(annotations string) string {
	return "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: t\n  annotations:\n" + annotations +
		"spec:\n  rules:\n  - host: h.test\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: s\n            port:\n              number: 80\n"
}

func ann(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteString("    nginx.ingress.kubernetes.io/" + kv[i] + ": " + kv[i+1] + "\n")
	}
	return b.String()
}

func TestParseCors(t *testing.T) {
	tests := []struct {
		desc, ann string
		want      ingressnginx.Cors
		source    string
	}{
		{desc: "enable-cors alone: every default", ann: ann("enable-cors", `"true"`),
			want: ingressnginx.Cors{Enabled: true, AllowOrigin: []string{"*"}, AllowMethods: ingressnginx.DefaultMethods, AllowHeaders: ingressnginx.DefaultHeaders, AllowCredentials: true, MaxAge: 1728000}, source: srcCors},
		{desc: "a list with spaces and a wildcard subdomain", ann: ann("enable-cors", `"True"`, "cors-allow-origin", `"https://a.test ,  https://*.b.test:8443"`),
			want: ingressnginx.Cors{Enabled: true, AllowOrigin: []string{"https://a.test", "https://*.b.test:8443"}, AllowMethods: ingressnginx.DefaultMethods, AllowHeaders: ingressnginx.DefaultHeaders, AllowCredentials: true, MaxAge: 1728000}, source: srcCors + "; " + srcParser},
		{desc: "a trailing slash fails validation: *", ann: ann("enable-cors", `"true"`, "cors-allow-origin", `"https://a.test/"`),
			want: ingressnginx.Cors{Enabled: true, AllowOrigin: []string{"*"}, AllowMethods: ingressnginx.DefaultMethods, AllowHeaders: ingressnginx.DefaultHeaders, AllowCredentials: true, MaxAge: 1728000}, source: srcParser},
		{desc: "an upper-case scheme fails validation: *", ann: ann("enable-cors", `"true"`, "cors-allow-origin", `"HTTPS://a.test"`),
			want: ingressnginx.Cors{Enabled: true, AllowOrigin: []string{"*"}, AllowMethods: ingressnginx.DefaultMethods, AllowHeaders: ingressnginx.DefaultHeaders, AllowCredentials: true, MaxAge: 1728000}, source: srcParser},
		{desc: "origins separated by spaces pass validation (spaces removed) but not the origin check: none", ann: ann("enable-cors", `"true"`, "cors-allow-origin", `"https://a.test https://b.test"`),
			want: ingressnginx.Cors{Enabled: true, AllowOrigin: []string{}, AllowMethods: ingressnginx.DefaultMethods, AllowHeaders: ingressnginx.DefaultHeaders, AllowCredentials: true, MaxAge: 1728000}, source: srcParser},
		{desc: "a literal block keeps a line break: refused, *", ann: "    nginx.ingress.kubernetes.io/enable-cors: \"true\"\n    nginx.ingress.kubernetes.io/cors-allow-origin: |\n      https://a.test\n",
			want: ingressnginx.Cors{Enabled: true, AllowOrigin: []string{"*"}, AllowMethods: ingressnginx.DefaultMethods, AllowHeaders: ingressnginx.DefaultHeaders, AllowCredentials: true, MaxAge: 1728000}, source: srcParser},
		{desc: "no scheme: dropped, the rest kept; * among others is * alone", ann: ann("enable-cors", `"true"`, "cors-allow-origin", `"a.test, https://b.test, null"`),
			want: ingressnginx.Cors{Enabled: true, AllowOrigin: []string{"https://b.test", "null"}, AllowMethods: ingressnginx.DefaultMethods, AllowHeaders: ingressnginx.DefaultHeaders, AllowCredentials: true, MaxAge: 1728000}, source: srcCors},
		{desc: "nothing valid left: no origin", ann: ann("enable-cors", `"true"`, "cors-allow-origin", `"a.test"`),
			want: ingressnginx.Cors{Enabled: true, AllowOrigin: []string{}, AllowMethods: ingressnginx.DefaultMethods, AllowHeaders: ingressnginx.DefaultHeaders, AllowCredentials: true, MaxAge: 1728000}, source: srcCors},
		{desc: "every value written", ann: ann("enable-cors", `"1"`, "cors-allow-origin", `"http://localhost:3000"`, "cors-allow-methods", `"GET,PUT"`, "cors-allow-headers", `"X-A, X-B"`, "cors-allow-credentials", `"false"`, "cors-expose-headers", `"X-Total, *"`, "cors-max-age", `"-1"`),
			want: ingressnginx.Cors{Enabled: true, AllowOrigin: []string{"http://localhost:3000"}, AllowMethods: "GET,PUT", AllowHeaders: "X-A, X-B", ExposeHeaders: "X-Total, *", MaxAge: -1}, source: srcCors},
		{desc: "refused values: each default", ann: ann("enable-cors", `"true"`, "cors-allow-methods", `"GET;POST"`, "cors-allow-headers", `"*"`, "cors-allow-credentials", `"yes"`, "cors-expose-headers", `"X-A;X-B"`, "cors-max-age", `"10m"`),
			want: ingressnginx.Cors{Enabled: true, AllowOrigin: []string{"*"}, AllowMethods: ingressnginx.DefaultMethods, AllowHeaders: ingressnginx.DefaultHeaders, AllowCredentials: true, MaxAge: 1728000}, source: srcCors},
		{desc: "two spaces pass validation but not the methods regex", ann: ann("enable-cors", `"true"`, "cors-allow-methods", `"GET,  POST"`),
			want: ingressnginx.Cors{Enabled: true, AllowOrigin: []string{"*"}, AllowMethods: ingressnginx.DefaultMethods, AllowHeaders: ingressnginx.DefaultHeaders, AllowCredentials: true, MaxAge: 1728000}, source: srcCors},
		{desc: "enable-cors not a boolean: off", ann: ann("enable-cors", `"yes"`, "cors-allow-origin", `"https://a.test"`),
			want: ingressnginx.Cors{AllowOrigin: []string{"https://a.test"}, AllowMethods: ingressnginx.DefaultMethods, AllowHeaders: ingressnginx.DefaultHeaders, AllowCredentials: true, MaxAge: 1728000}, source: srcCors},
	}
	for _, tc := range tests {
		m, err := ingressnginx.Parse(doc(tc.ann))
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		got := m.Ingresses[0].Cors
		got.Defaulted = nil
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s (%s):\n got %+v\nwant %+v", tc.desc, tc.source, got, tc.want)
		}
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func req(method, url string, h ...string) policy.Request {
	r := policy.Request{Method: method, URL: url}
	for i := 0; i+1 < len(h); i += 2 {
		r.Header.Add(h[i], h[i+1])
	}
	return r
}

var app = policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Type", Value: "application/json"}, {Name: "Access-Control-Allow-Origin", Value: "https://backend.test"}, {Name: "Vary", Value: "Accept"}}}

func TestRespond(t *testing.T) {
	tests := []struct {
		desc, file string
		req        policy.Request
		status     int
		want       map[string]string // "" means absent
		source     string
	}{
		{desc: "allowed origin: the backend's reply, its ACAO replaced, its Vary kept", file: "basic.yaml",
			req: req("GET", "https://api.shop.example/v1/items", "Origin", "https://shop.example"), status: 200,
			want:   map[string]string{"Access-Control-Allow-Origin": "https://shop.example", "Access-Control-Allow-Credentials": "true", "Access-Control-Allow-Methods": "GET, POST, PUT", "Access-Control-Expose-Headers": "X-Total-Count", "Access-Control-Max-Age": "600", "Vary": "Accept"},
			source: srcTemplate + "; " + srcDebian},
		{desc: "wildcard subdomain, one label, any case", file: "basic.yaml",
			req: req("GET", "https://api.shop.example/v1", "Origin", "HTTPS://EU.SHOP.EXAMPLE"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "HTTPS://EU.SHOP.EXAMPLE"}, source: srcTemplate + " (~*)"},
		{desc: "two labels are not one", file: "basic.yaml",
			req: req("GET", "https://api.shop.example/v1", "Origin", "https://a.b.shop.example"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://backend.test", "Access-Control-Allow-Methods": ""}, source: srcTemplate + " ([A-Za-z0-9\\-]+)"},
		{desc: "preflight of an allowed origin: nginx's 204", file: "basic.yaml",
			req: req("OPTIONS", "https://api.shop.example/v1", "Origin", "https://shop.example", "Access-Control-Request-Method", "PUT"), status: 204,
			want: map[string]string{"Access-Control-Allow-Origin": "https://shop.example", "Access-Control-Allow-Headers": "Content-Type, Authorization, X-Request-Id", "Content-Length": "0", "Vary": ""}, source: srcTemplate},
		{desc: "preflight of another origin: the backend answers", file: "basic.yaml",
			req: req("OPTIONS", "https://api.shop.example/v1", "Origin", "https://evil.example", "Access-Control-Request-Method", "PUT"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://backend.test"}, source: srcTemplate},
		{desc: "a lower-case method: nginx's 400", file: "basic.yaml",
			req: req("patch", "https://api.shop.example/v1", "Origin", "https://shop.example"), status: 400,
			want: map[string]string{"Access-Control-Allow-Origin": ""}, source: srcDebian},
		{desc: "Prefix /v1 is not /v10: the host's / is the default backend, with the Ingress's CORS", file: "basic.yaml",
			req: req("GET", "https://api.shop.example/v10", "Origin", "https://shop.example"), status: 404,
			want: map[string]string{"Access-Control-Allow-Origin": "https://shop.example"}, source: srcServers},
		{desc: "an unknown host: the default server, no CORS", file: "basic.yaml",
			req: req("GET", "https://other.example/v1", "Origin", "https://shop.example"), status: 404,
			want: map[string]string{"Access-Control-Allow-Origin": ""}, source: srcServers},
		{desc: "* allows a request without Origin, and OPTIONS is always 204", file: "multi.yaml",
			req: req("OPTIONS", "https://www.example.test/assets/app.js"), status: 204,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": ""}, source: srcTemplate + " (set $http_origin *)"},
		{desc: "Exact /api is the other Ingress's", file: "multi.yaml",
			req: req("GET", "https://www.example.test/api", "Origin", "https://app.example.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://app.example.test", "Access-Control-Allow-Credentials": "true"}, source: srcServers},
		{desc: "ImplementationSpecific /api/v2 is a plain prefix", file: "multi.yaml",
			req: req("GET", "https://www.example.test/api/v2x", "Origin", "https://app.example.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://app.example.test"}, source: srcServers},
		{desc: "Exact /api does not serve /api/x: the host's / carries the first Ingress's CORS", file: "multi.yaml",
			req: req("GET", "https://www.example.test/api/x", "Origin", "https://app.example.test"), status: 404,
			want: map[string]string{"Access-Control-Allow-Origin": "*"}, source: srcServers},
		{desc: "a rule without a host serves unknown hosts", file: "multi.yaml",
			req: req("GET", "https://anything.test/", "Origin", "http://localhost:3000"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "http://localhost:3000"}, source: srcServers},
		{desc: "a List's items", file: "list.yaml",
			req: req("GET", "https://files.example/a", "Origin", "https://files.example"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://files.example", "Access-Control-Allow-Credentials": ""}, source: srcCors},
		{desc: "a refused origin list is *: any origin, credentials true", file: "traps.yaml",
			req: req("GET", "https://dash-api.example/", "Origin", "https://evil.example"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true"}, source: srcParser},
		{desc: "without enable-cors the backend's headers pass", file: "traps.yaml",
			req: req("GET", "https://reports.example/", "Origin", "https://dash.example"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://backend.test"}, source: srcTemplate},
	}
	for _, tc := range tests {
		m, err := ingressnginx.Parse(readFile(t, tc.file))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		before := app.Header.Clone()
		out := m.Respond(tc.req, app)
		if !reflect.DeepEqual(app.Header, before) {
			t.Fatalf("%s: Respond changed the app's header", tc.desc)
		}
		if out.Reply.Status != tc.status {
			t.Errorf("%s (%s): status %d, want %d (%s)", tc.desc, tc.source, out.Reply.Status, tc.status, out.Text())
		}
		for k, v := range tc.want {
			got, ok := out.Reply.Header.Get(k)
			if v == "" && ok || v != "" && got != v || out.Reply.Header.Count(k) > 1 {
				t.Errorf("%s (%s): %s = %q (%v), want %q\n%s", tc.desc, tc.source, k, got, ok, v, out.Text())
			}
		}
		if out.Text() == "" {
			t.Errorf("%s: no decision text", tc.desc)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		desc, text string
		want       []string // "line:column message part"
		source     string
	}{
		{desc: "an unquoted boolean and number", text: doc(ann("enable-cors", "true", "cors-max-age", "600")),
			want: []string{"6:46 quote it", "7:47 quote it"}, source: srcK8s},
		{desc: "a path without pathType and an old apiVersion",
			text: "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: x\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        backend: {}\n",
			want: []string{"1:13 networking.k8s.io/v1", "9:9 pathType is required"}, source: srcK8s},
		{desc: "a relative Prefix path", text: strings.Replace(doc(ann("enable-cors", `"true"`)), "path: /", "path: api", 1),
			want: []string{"12:15 absolute"}, source: srcK8s},
		{desc: "not YAML", text: "kind: Ingress\n  a: [\n", want: []string{"2:1 invalid YAML"}, source: "YAML 1.2"},
		{desc: "no Ingress", text: "apiVersion: v1\nkind: Service\n", want: []string{"1:1 no Ingress"}, source: srcK8s},
		{desc: "annotations not a mapping", text: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: x\n  annotations: [a]\n",
			want: []string{"5:16 mapping"}, source: srcK8s},
	}
	for _, tc := range tests {
		_, err := ingressnginx.Parse(tc.text)
		var es policy.Errors
		if !errors.As(err, &es) {
			t.Errorf("%s: %v, want Errors", tc.desc, err)
			continue
		}
		if len(es) != len(tc.want) {
			t.Errorf("%s (%s): %d faults, want %d: %v", tc.desc, tc.source, len(es), len(tc.want), err)
			continue
		}
		for i, w := range tc.want {
			at, msg, _ := strings.Cut(w, " ")
			got := es[i]
			if pos := itoa(got.Line) + ":" + itoa(got.Column); pos != at || !strings.Contains(got.Msg, msg) {
				t.Errorf("%s (%s): fault %d is %s %q, want %s %q", tc.desc, tc.source, i, pos, got.Msg, at, msg)
			}
			if strings.HasPrefix(got.Msg, "ingress") {
				t.Errorf("%s: message with a prefix: %q", tc.desc, got.Msg)
			}
		}
	}
}

func itoa(n int) string {
	s := ""
	if n == 0 {
		return "0"
	}
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestOriginPattern(t *testing.T) {
	got := ingressnginx.OriginPattern([]string{"https://a.test", "https://*.b.test:8080"})
	want := `((https://a\.test)|(https://[A-Za-z0-9\-]+\.b\.test:8080))$`
	if got != want {
		t.Errorf("OriginPattern = %s, want %s (%s)", got, want, srcTemplate)
	}
}

func TestRegexLocations(t *testing.T) {
	host := func(name, ann, path, typ string) string {
		return "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " + name + "\n  annotations:\n    nginx.ingress.kubernetes.io/enable-cors: \"true\"\n    nginx.ingress.kubernetes.io/cors-allow-origin: \"https://" + name + ".test\"\n" + ann +
			"spec:\n  rules:\n  - host: h.test\n    http:\n      paths:\n      - path: " + path + "\n        pathType: " + typ + "\n        backend:\n          service:\n            name: s\n            port:\n              number: 80\n"
	}
	tests := []struct {
		desc, text, path, want string // want: the origin allowed (the Ingress answering), "" for the default backend
		source                 string
	}{
		{desc: "use-regex: Exact /api is ~* ^/api and serves /API/x", text: host("a", "", "/", "Prefix") + "---\n" + host("b", "    nginx.ingress.kubernetes.io/use-regex: \"True\"\n", "/api", "Exact"),
			path: "/API/x", want: "https://b.test", source: srcServers + "; template.go enforceRegexModifier, buildLocation"},
		{desc: "without it, Exact /api does not", text: host("a", "", "/", "Prefix") + "---\n" + host("b", "", "/api", "Exact"),
			path: "/API/x", want: "https://a.test", source: srcServers},
		{desc: "a rewrite-target equal to the path makes no regex", text: host("a", "", "/", "Prefix") + "---\n" + host("b", "    nginx.ingress.kubernetes.io/rewrite-target: /api\n", "/api", "Exact"),
			path: "/api/x", want: "https://a.test", source: "location.go needsRewrite"},
		{desc: "another target does", text: host("a", "", "/", "Prefix") + "---\n" + host("b", "    nginx.ingress.kubernetes.io/rewrite-target: /\n", "/api", "Exact"),
			path: "/api/x", want: "https://b.test", source: "location.go needsRewrite"},
	}
	for _, tc := range tests {
		m, err := ingressnginx.Parse(tc.text)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		for _, o := range []string{"https://a.test", "https://b.test"} {
			out := m.Respond(req("GET", "http://h.test"+tc.path, "Origin", o), app)
			got, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
			if (got == o) != (o == tc.want) {
				t.Errorf("%s (%s): origin %s got ACAO %q (%s)", tc.desc, tc.source, o, got, out.Text())
			}
		}
	}
}

// TestJSON reads what kubectl get ingress -o json prints: a List in
// JSON, which YAML reads too.
func TestJSON(t *testing.T) {
	text := `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {
      "apiVersion": "networking.k8s.io/v1",
      "kind": "Ingress",
      "metadata": {
        "name": "j",
        "annotations": {
          "nginx.ingress.kubernetes.io/enable-cors": "true",
          "nginx.ingress.kubernetes.io/cors-allow-origin": "https://j.test",
          "nginx.ingress.kubernetes.io/cors-max-age": 60
        }
      },
      "spec": {"rules": [{"host": "j.test", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]}
    }
  ]
}`
	_, err := ingressnginx.Parse(text)
	var es policy.Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Line != 13 || !strings.Contains(es[0].Msg, "quote it") {
		t.Fatalf("a JSON number as an annotation: %v, want one fault at line 13 (%s)", err, srcK8s)
	}
	m, err := ingressnginx.Parse(strings.Replace(text, ": 60", `: "60"`, 1))
	if err != nil {
		t.Fatal(err)
	}
	out := m.Respond(req("OPTIONS", "https://j.test/", "Origin", "https://j.test"), app)
	if age, _ := out.Reply.Header.Get("Access-Control-Max-Age"); out.Reply.Status != 204 || age != "60" {
		t.Errorf("preflight: %d, max age %q; want 204 and 60 (%s)", out.Reply.Status, age, srcTemplate)
	}
}

// TestDecisionNotes: a refused or dropped value is said in the decision,
// whether or not the request got the CORS headers.
func TestDecisionNotes(t *testing.T) {
	m, err := ingressnginx.Parse(doc(ann("enable-cors", `"true"`, "cors-allow-origin", `"h.test, https://a.test"`, "cors-max-age", `"1h"`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []string{"https://a.test", "https://b.test"} {
		text := m.Respond(req("GET", "http://h.test/", "Origin", o), app).Text()
		if !strings.Contains(text, `"h.test"`) || !strings.Contains(text, "cors-max-age") {
			t.Errorf("origin %s: %q does not say the dropped origin and the refused max age (%s)", o, text, srcCors)
		}
	}
}

// TestBare reads annotations pasted alone, bare or under annotations:.
func TestBare(t *testing.T) {
	under := "annotations:\n  nginx.ingress.kubernetes.io/enable-cors: \"true\"\n  nginx.ingress.kubernetes.io/cors-allow-origin: https://app.example\n"
	for _, text := range []string{readFile(t, "annotations.yaml"), under, "metadata:\n  name: x\n  " + strings.ReplaceAll(under, "\n  ", "\n    ")} {
		m, err := ingressnginx.Parse(text)
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		out := m.Respond(req("OPTIONS", "https://any.host/any/path", "Origin", "https://app.example"), app)
		if out.Reply.Status != 204 {
			t.Errorf("a preflight from an allowed origin: %d, want 204 (%s)\n%s", out.Reply.Status, srcTemplate, text)
		}
		got, err := (&ingressnginx.Format{}).EditText(text, fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}})
		if err != nil || !strings.Contains(got, `nginx.ingress.kubernetes.io/cors-allow-methods: "`+ingressnginx.DefaultMethods+`, PUT"`) {
			t.Errorf("adding a method: %v\n%s", err, got)
		}
		if _, err := ingressnginx.Parse(got); err != nil {
			t.Errorf("the edit does not read: %v\n%s", err, got)
		}
	}
	_, err := ingressnginx.Parse("nginx.ingress.kubernetes.io/enable-cors: true\n")
	var es policy.Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Line != 1 || es[0].Column != 42 {
		t.Errorf("an unquoted true alone: %v, want one fault at 1:42 (%s)", err, srcK8s)
	}
	if ok, _ := (&ingressnginx.Format{}).Detect("kind: ConfigMap\ndata:\n  nginx.ingress.kubernetes.io/enable-cors: \"true\"\n"); ok {
		t.Error("a ConfigMap claimed")
	}
}
