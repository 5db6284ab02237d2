package ingress_test

import (
	"fmt"
	"math/rand"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/formats/ingressnginx"
)

// corsBlock is the nginx text the controller's template (nginx.tmpl,
// define "CORS", controller-v1.15.1) writes into a location for c: the
// origin test (buildCorsOriginRegex), the OPTIONS marker, and the two
// if blocks of more_set_headers, the second answering 204. Written here
// from the template's facts, independently of the engine's evaluator,
// which only ever sees the manifest.
func corsBlock(c ingressnginx.Cors) string {
	var b strings.Builder
	switch {
	case len(c.AllowOrigin) == 1 && c.AllowOrigin[0] == "*":
		b.WriteString("      set $http_origin *;\n      set $cors 'true';\n")
	case len(c.AllowOrigin) > 0:
		alts := make([]string, len(c.AllowOrigin))
		for i, o := range c.AllowOrigin {
			q := regexp.QuoteMeta(strings.TrimSpace(o))
			alts[i] = "(" + strings.Replace(q, `\*`, `[A-Za-z0-9\-]+`, 1) + ")"
		}
		fmt.Fprintf(&b, "      if ($http_origin ~* (%s)$ ) { set $cors 'true'; }\n", strings.Join(alts, "|"))
	}
	b.WriteString("      if ($request_method = 'OPTIONS') {\n        set $cors ${cors}options;\n      }\n")
	headers := func(pre bool) {
		b.WriteString("        more_set_headers 'Access-Control-Allow-Origin: $http_origin';\n")
		if c.AllowCredentials {
			b.WriteString("        more_set_headers 'Access-Control-Allow-Credentials: true';\n")
		}
		fmt.Fprintf(&b, "        more_set_headers 'Access-Control-Allow-Methods: %s';\n", c.AllowMethods)
		fmt.Fprintf(&b, "        more_set_headers 'Access-Control-Allow-Headers: %s';\n", c.AllowHeaders)
		if c.ExposeHeaders != "" {
			fmt.Fprintf(&b, "        more_set_headers 'Access-Control-Expose-Headers: %s';\n", c.ExposeHeaders)
		}
		fmt.Fprintf(&b, "        more_set_headers 'Access-Control-Max-Age: %d';\n", c.MaxAge)
		if pre {
			b.WriteString("        more_set_headers 'Content-Type: text/plain charset=UTF-8';\n")
			b.WriteString("        more_set_headers 'Content-Length: 0';\n        return 204;\n")
		}
	}
	b.WriteString("      if ($cors = \"true\") {\n")
	headers(false)
	b.WriteString("      }\n      if ($cors = \"trueoptions\") {\n")
	headers(true)
	b.WriteString("      }\n")
	return b.String()
}

// serverBlock is the server the controller writes for one Ingress of
// one host and one Prefix path "/": its location / with the CORS block
// (when enabled) and the backend.
func serverBlock(host string, c ingressnginx.Cors, upstream int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  server {\n    listen 127.0.0.1:{{port}};\n    server_name %s;\n    location / {\n", host)
	if c.Enabled {
		b.WriteString(corsBlock(c))
	}
	fmt.Fprintf(&b, "      proxy_pass http://127.0.0.1:%d;\n    }\n  }\n", upstream)
	return b.String()
}

// annotationValues are what the generator writes, valid and not: lists
// with spaces, wildcard subdomains, a trailing slash or an upper-case
// scheme (refused by validation: the controller uses *), an origin with
// no scheme (dropped), null, and * among others.
var annotationValues = map[string][]string{
	"enable-cors": {"true", "true", "true", "True", "1", "false", "yes", ""},
	"cors-allow-origin": {"https://app.test", "https://app.test, https://admin.test", "https://app.test,http://localhost:3000",
		"https://*.app.test", "https://*.app.test, https://admin.test", "*", "https://app.test/", "HTTPS://app.test",
		"app.test, https://admin.test", "null, https://app.test", "https://admin.test, *", "http://localhost:3000", "", "app.test",
		"https://app.test:443"},
	"cors-allow-methods":     {"GET, POST", "PUT,DELETE", "GET,  POST", "GET;POST", "", "get, put"},
	"cors-allow-headers":     {"X-Custom, Content-Type", "Authorization", "*", "X-A,X-B", ""},
	"cors-allow-credentials": {"true", "false", "False", "no", "0"},
	"cors-expose-headers":    {"X-Total", "*", "X-A, X-B", "X-A;X-B", ""},
	"cors-max-age":           {"600", "-1", "abc", "0", ""},
}

var annotationOrder = []string{"enable-cors", "cors-allow-origin", "cors-allow-methods", "cors-allow-headers", "cors-allow-credentials", "cors-expose-headers", "cors-max-age"}

// ingressDoc is one generated Ingress for host: each annotation present
// or not, its value drawn from annotationValues, written plain, double-
// or single-quoted as YAML allows.
func ingressDoc(r *rand.Rand, i int, host string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: gen-%d\n  annotations:\n", i)
	for k, name := range annotationOrder {
		if k > 0 && r.Intn(3) == 0 {
			continue
		}
		v := proxytest.Pick(r, annotationValues[name]...)
		fmt.Fprintf(&b, "    %s%s: %s\n", ingressnginx.Prefix, name, quote(r, v))
	}
	fmt.Fprintf(&b, "spec:\n  rules:\n  - host: %s\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: app\n            port:\n              number: 80\n", host)
	return b.String()
}

// quote writes v as a YAML string.
func quote(r *rand.Rand, v string) string {
	if r.Intn(2) == 0 {
		return strconv.Quote(v)
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// pathsByType are the paths the generator gives each path type, chosen
// so that no two generated nginx locations are the same (which nginx
// refuses to load).
var pathsByType = map[string][]string{
	"Prefix":                 {"/api", "/api/v1", "/", "/v2"},
	"Exact":                  {"/api", "/x"},
	"ImplementationSpecific": {"/static", "/API", "/v2"},
}

// routedDoc is an Ingress for host with one to three paths and random
// cors annotations, use-regex on some. A path and type already in used
// (another Ingress of the host has it) is not written again: when an
// Exact and a Prefix of one path come first, the controller writes a
// third as a duplicate location, and nginx refuses the configuration.
func routedDoc(r *rand.Rand, name, host string, used map[string]bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: %s\n  annotations:\n", name)
	fmt.Fprintf(&b, "    nginx.ingress.kubernetes.io/enable-cors: %s\n", proxytest.Pick(r, `"true"`, `"true"`, `"false"`))
	fmt.Fprintf(&b, "    nginx.ingress.kubernetes.io/cors-allow-origin: %q\n", proxytest.Pick(r, "https://app.test", "https://admin.test", "*", "https://*.app.test"))
	if r.Intn(6) == 0 {
		b.WriteString("    nginx.ingress.kubernetes.io/use-regex: \"true\"\n")
	}
	fmt.Fprintf(&b, "spec:\n  rules:\n  - host: %s\n    http:\n      paths:\n", host)
	n := 0
	for k := 1 + r.Intn(3); k > 0 || n == 0; k-- {
		typ := proxytest.Pick(r, "Prefix", "Exact", "ImplementationSpecific")
		path := proxytest.Pick(r, pathsByType[typ]...)
		if k <= 0 {
			path, typ = "/only-"+name, "ImplementationSpecific"
		}
		if used[path+" "+typ] {
			continue
		}
		used[path+" "+typ] = true
		n++
		fmt.Fprintf(&b, "      - path: %s\n        pathType: %s\n        backend:\n          service:\n            name: app\n            port:\n              number: 80\n", path, typ)
	}
	return b.String()
}

// loc is one location the controller writes for a host.
type loc struct {
	path, typ string
	exact     bool
	cors      *ingressnginx.Cors // nil: no CORS block
	def       bool               // the default backend answers
	regex     bool               // its Ingress has use-regex "true"
}

// routedServer writes the server block the controller makes of several
// Ingresses naming one host (controller.go createServers: the host's /
// is the default backend with the first Ingress's annotations; a path
// and type already written is kept, a default one replaced; location.go
// updateServerLocations: a Prefix /p becomes /p/ and = /p, no = /p when
// an Exact /p exists; locations longest first; with use-regex on any,
// every location is ~* "^path" (template.go enforceRegexModifier and
// buildLocation)). The default
// backend is the upstream asked for an empty 404.
func routedServer(host string, ins []*ingressnginx.Ingress, upstream int) string {
	useRegex := func(in *ingressnginx.Ingress) bool {
		a, ok := in.Get("use-regex")
		return ok && a.Value == "true"
	}
	first := ins[0].Cors
	locs := []*loc{{path: "/", typ: "Prefix", cors: &first, def: true, regex: useRegex(ins[0])}}
	for _, in := range ins {
		c := in.Cors
		re := useRegex(in)
		for _, p := range in.Rules[0].Paths {
			var same *loc
			for _, l := range locs {
				if l.path == p.Path {
					same = l
					break
				}
			}
			switch {
			case same == nil || same.typ != p.Type:
				locs = append(locs, &loc{path: p.Path, typ: p.Type, exact: p.Type == "Exact", cors: &c, regex: re})
			case same.def:
				same.def, same.cors, same.regex = false, &c, re
			}
		}
	}
	var out []*loc
	regex := false // some location's Ingress has use-regex: every location is a regex
	for _, l := range locs {
		out = append(out, l)
		regex = regex || l.regex
		if l.typ != "Prefix" || l.path == "/" || l.regex {
			continue
		}
		hasExact := false
		for _, e := range locs {
			hasExact = hasExact || e.typ == "Exact" && e.path == l.path
		}
		p := l.path
		l.path += "/"
		if !hasExact {
			out = append(out, &loc{path: p, typ: "Exact", exact: true, cors: l.cors, def: l.def})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].path > out[j].path })
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].path) > len(out[j].path) })
	var b strings.Builder
	fmt.Fprintf(&b, "  server {\n    listen 127.0.0.1:{{port}};\n    server_name %s;\n", host)
	for _, l := range out {
		switch {
		case regex:
			fmt.Fprintf(&b, "    location ~* \"^%s\" {\n", l.path)
		case l.exact:
			fmt.Fprintf(&b, "    location = \"%s\" {\n", l.path)
		default:
			fmt.Fprintf(&b, "    location \"%s\" {\n", l.path)
		}
		if l.cors.Enabled {
			b.WriteString(corsBlock(*l.cors))
		}
		if l.def {
			b.WriteString("      proxy_set_header X-Up \"404 none\";\n")
		}
		fmt.Fprintf(&b, "      proxy_pass http://127.0.0.1:%d;\n    }\n", upstream)
	}
	b.WriteString("  }\n")
	return b.String()
}
