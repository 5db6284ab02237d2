package traefikmw_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/traefik/paerser/file"
	"github.com/traefik/traefik/v3/pkg/config/dynamic"
	"github.com/traefik/traefik/v3/pkg/config/label"
	"github.com/traefik/traefik/v3/pkg/middlewares/headers"
	"go.yaml.in/yaml/v3"

	"github.com/whycors/whycors/engine/formats/traefik"
	hdrs "github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// conf is one generated headers middleware: its fields in written
// order, each a value of []string, string (a comma list or a scalar),
// bool, int or map[string]string.
type conf struct {
	keys []string
	vals map[string]any
}

func (c *conf) set(k string, v any) {
	if c.vals == nil {
		c.vals = map[string]any{}
	}
	c.keys = append(c.keys, k)
	c.vals[k] = v
}

// yamlQ and tomlQ quote a string without escapes: single quotes in
// YAML, a literal string in TOML.
func yamlQ(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
func tomlQ(s string) string { return "'" + s + "'" }

// render writes c as the file provider's YAML or TOML, or as a
// Kubernetes Middleware resource.
func (c *conf) render(form string) string {
	var b strings.Builder
	if form == "labels" {
		b.WriteString("services:\n  api:\n    labels:\n")
		pre := "traefik.http.middlewares.gen.headers."
		for _, k := range c.keys {
			switch x := c.vals[k].(type) {
			case []string:
				fmt.Fprintf(&b, "      - \"%s%s=%s\"\n", pre, k, strings.Join(x, ","))
			case map[string]string:
				for _, n := range sortedNames(x) {
					fmt.Fprintf(&b, "      - \"%s%s.%s=%s\"\n", pre, k, n, x[n])
				}
			default:
				fmt.Fprintf(&b, "      - \"%s%s=%v\"\n", pre, k, x)
			}
		}
		return b.String()
	}
	switch form {
	case "yaml":
		b.WriteString("http:\n  middlewares:\n    gen:\n      headers:\n")
	case "k8s":
		b.WriteString("apiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata:\n  name: gen\nspec:\n  headers:\n")
	case "toml":
		b.WriteString("[http.middlewares.gen.headers]\n")
	}
	ind := "        "
	if form == "k8s" {
		ind = "    "
	}
	for _, k := range c.keys {
		v := c.vals[k]
		if form == "toml" {
			switch x := v.(type) {
			case []string:
				q := make([]string, len(x))
				for i, s := range x {
					q[i] = tomlQ(s)
				}
				fmt.Fprintf(&b, "  %s = [%s]\n", k, strings.Join(q, ", "))
			case string:
				fmt.Fprintf(&b, "  %s = %s\n", k, tomlQ(x))
			case bool, int:
				fmt.Fprintf(&b, "  %s = %v\n", k, x)
			case map[string]string:
				names := sortedNames(x)
				q := make([]string, len(names))
				for i, n := range names {
					q[i] = strconv.Quote(n) + " = " + tomlQ(x[n])
				}
				fmt.Fprintf(&b, "  %s = { %s }\n", k, strings.Join(q, ", "))
			}
			continue
		}
		switch x := v.(type) {
		case []string:
			if len(x)%2 == 0 && len(x) > 0 {
				q := make([]string, len(x))
				for i, s := range x {
					q[i] = yamlQ(s)
				}
				fmt.Fprintf(&b, "%s%s: [%s]\n", ind, k, strings.Join(q, ", "))
				continue
			}
			fmt.Fprintf(&b, "%s%s:\n", ind, k)
			for _, s := range x {
				fmt.Fprintf(&b, "%s  - %s\n", ind, yamlQ(s))
			}
		case string:
			fmt.Fprintf(&b, "%s%s: %s\n", ind, k, yamlQ(x))
		case bool, int:
			fmt.Fprintf(&b, "%s%s: %v\n", ind, k, x)
		case map[string]string:
			fmt.Fprintf(&b, "%s%s:\n", ind, k)
			for _, n := range sortedNames(x) {
				fmt.Fprintf(&b, "%s  %s: %s\n", ind, n, yamlQ(x[n]))
			}
		}
	}
	return b.String()
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// real decodes text as Traefik does (the file provider's paerser, or
// the CRD's spec.headers) and builds the headers middleware in front of app.
func real(t *testing.T, text, form string, app http.Handler) http.Handler {
	t.Helper()
	mw, err := build(text, form, app)
	if err != nil {
		t.Fatalf("Traefik refuses:\n%s\n%v", text, err)
	}
	return mw
}

// build is the real middleware of text, or Traefik's refusal.
func build(text, form string, app http.Handler) (http.Handler, error) {
	var h dynamic.Headers
	switch form {
	case "labels":
		labels := map[string]string{}
		for _, l := range strings.Split(text, "\n") {
			l = strings.TrimSpace(l)
			if k, v, ok := strings.Cut(strings.Trim(strings.TrimPrefix(l, "- "), "\""), "="); ok && strings.HasPrefix(k, "traefik.") {
				labels[k] = v
			}
		}
		cfg, err := label.DecodeConfiguration(labels)
		if err != nil {
			return nil, err
		}
		h = *cfg.HTTP.Middlewares["gen"].Headers
	case "k8s":
		var res struct {
			Spec struct {
				Headers dynamic.Headers `yaml:"headers"`
			} `yaml:"spec"`
		}
		if err := yaml.Unmarshal([]byte(text), &res); err != nil {
			return nil, err
		}
		h = res.Spec.Headers
	default:
		cfg := &dynamic.Configuration{}
		if err := file.DecodeContent(text, "."+form, cfg); err != nil {
			return nil, err
		}
		h = *cfg.HTTP.Middlewares["gen"].Headers
	}
	return headers.New(context.Background(), app, h, "gen")
}

var (
	originPool = []string{"https://a.example", "https://b.example", "*", "https://a.example/", "null", "https://C.example"}
	regexPool  = []string{`^https://[a-z]+\.b\.example$`, `https://.*\.c\.example`, `^https://a\.example$`, `.*`, `^$`}
	methodPool = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "*"}
	headerPool = []string{"Content-Type", "Authorization", "X-Token", "*"}
	exposePool = []string{"X-Request-Id", "ETag", "*"}
	customPool = []map[string]string{
		{"Access-Control-Allow-Origin": "https://fixed.example"},
		{"Vary": ""},
		{"X-Powered-By": ""},
		{"Access-Control-Allow-Credentials": "false"},
		{"Access-Control-Allow-Methods": "GET"},
		{"X-Frame": "deny", "Access-Control-Expose-Headers": "X-Own"},
	}
	reqOrigins = []string{"https://a.example", "https://b.example", "https://x.b.example", "https://x.c.example.evil", "https://c.example", "null", "", "https://a.example/"}
	appHeaders = [][][2]string{
		nil,
		{{"Access-Control-Allow-Origin", "https://app.example"}},
		{{"Vary", "Accept"}},
		{{"Vary", "Origin"}},
		{{"Vary", "Accept-Encoding"}, {"Vary", "Origin"}},
		{{"Access-Control-Allow-Origin", "*"}, {"Access-Control-Allow-Credentials", "true"}, {"Vary", "Origin, Accept"}},
		{{"Access-Control-Expose-Headers", "X-App"}, {"X-Powered-By", "app"}},
	}
)

func subset(r *rand.Rand, pool []string) []string {
	n := 1 + r.IntN(3)
	out := make([]string, 0, n)
	for range n {
		out = append(out, pool[r.IntN(len(pool))])
	}
	return out
}

// generate makes a random middleware; file-provider forms may spell a
// field in lower case or give a list as one comma-separated string.
func generate(r *rand.Rand, form string) *conf {
	c := &conf{}
	name := func(k string) string {
		if form != "k8s" && r.IntN(6) == 0 {
			return strings.ToLower(k)
		}
		return k
	}
	list := func(k string, pool []string) {
		vs := subset(r, pool)
		if form != "k8s" && r.IntN(5) == 0 && k != "accessControlAllowOriginListRegex" {
			c.set(name(k), strings.Join(vs, ", "))
			return
		}
		c.set(name(k), vs)
	}
	if r.IntN(4) > 0 {
		list("accessControlAllowOriginList", originPool)
	}
	if r.IntN(3) == 0 {
		list("accessControlAllowOriginListRegex", regexPool)
	}
	if r.IntN(3) > 0 {
		list("accessControlAllowMethods", methodPool)
	}
	if r.IntN(2) == 0 {
		list("accessControlAllowHeaders", headerPool)
	}
	if r.IntN(3) == 0 {
		list("accessControlExposeHeaders", exposePool)
	}
	if r.IntN(2) == 0 {
		c.set(name("accessControlAllowCredentials"), r.IntN(3) > 0)
	}
	if r.IntN(2) == 0 {
		c.set(name("accessControlMaxAge"), []int{0, 100, 86400}[r.IntN(3)])
	}
	if r.IntN(2) == 0 {
		c.set(name("addVaryHeader"), r.IntN(3) > 0)
	}
	if r.IntN(3) == 0 {
		c.set(name("customResponseHeaders"), customPool[r.IntN(len(customPool))])
	}
	if len(c.keys) == 0 {
		c.set("accessControlAllowOriginList", []string{"https://a.example"})
	}
	return c
}

// exchange is one request to both.
type exchange struct {
	method, origin, acrm string
	extraOrigin          string
	app                  [][2]string
	status               int
}

func generateReqs(r *rand.Rand) []exchange {
	var out []exchange
	for range 6 {
		e := exchange{origin: reqOrigins[r.IntN(len(reqOrigins))], app: appHeaders[r.IntN(len(appHeaders))], status: []int{200, 204, 404, 500}[r.IntN(4)]}
		switch r.IntN(5) {
		case 0, 1:
			e.method, e.acrm = "OPTIONS", []string{"PUT", "GET", "patch"}[r.IntN(3)]
		case 2:
			e.method = []string{"OPTIONS", "options"}[r.IntN(2)]
			if r.IntN(2) == 0 {
				e.acrm = "PUT"
			}
		default:
			e.method = []string{"GET", "POST", "DELETE"}[r.IntN(3)]
		}
		if r.IntN(8) == 0 {
			e.extraOrigin = "https://b.example"
		}
		out = append(out, e)
	}
	return out
}

// compare runs e through the real middleware and the evaluator.
func compare(t *testing.T, text, form string, ev policy.Evaluator, e exchange) bool {
	t.Helper()
	app := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for _, h := range e.app {
			w.Header().Add(h[0], h[1])
		}
		w.WriteHeader(e.status)
	})
	mw := real(t, text, form, app)
	req := httptest.NewRequest("GET", "http://api.example/x", nil)
	req.Method = e.method
	var list hdrs.List
	if e.origin != "" {
		req.Header.Add("Origin", e.origin)
		list.Add("Origin", e.origin)
	}
	if e.extraOrigin != "" {
		req.Header.Add("Origin", e.extraOrigin)
		list.Add("Origin", e.extraOrigin)
	}
	if e.acrm != "" {
		req.Header.Set("Access-Control-Request-Method", e.acrm)
		list.Add("Access-Control-Request-Method", e.acrm)
	}
	rec := httptest.NewRecorder()
	mw.ServeHTTP(rec, req)
	got := rec.Result()

	var appReply policy.Reply
	appReply.Status = e.status
	for _, h := range e.app {
		appReply.Header.Add(h[0], h[1])
	}
	o := ev.Respond(policy.Request{Method: e.method, URL: "http://api.example/x", Header: list}, appReply)
	want := map[string][]string{}
	for _, f := range o.Reply.Header {
		k := http.CanonicalHeaderKey(f.Name)
		want[k] = append(want[k], f.Value)
	}
	have := map[string][]string(got.Header)
	ok := got.StatusCode == o.Reply.Status && len(have) == len(want)
	for k, v := range have {
		ok = ok && slices.Equal(v, want[k])
	}
	if !ok {
		t.Errorf("%s\n%+v\nTraefik: %d %v\nmodel:   %d %v", text, e, got.StatusCode, have, o.Reply.Status, want)
	}
	return ok
}

// TestDifferential compares the evaluator with Traefik's headers
// middleware on seeded generated configurations (YAML, TOML, Kubernetes
// and Docker labels), six requests each.
func TestDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2026))
	forms := []string{"yaml", "toml", "k8s", "labels"}
	cases, failed, refused := 0, 0, 0
	for i := range 320 {
		form := forms[i%4]
		c := generate(r, form)
		text := c.render(form)
		ev, err := (&traefik.Format{}).Parse(text)
		if _, real := build(text, form, http.NotFoundHandler()); (err != nil) != (real != nil) {
			t.Errorf("the reader and Traefik disagree on reading:\n%s\nreader: %v\nTraefik: %v", text, err, real)
			continue
		}
		if err != nil {
			refused++
			continue
		}
		for _, e := range generateReqs(r) {
			cases++
			if !compare(t, text, form, ev, e) {
				failed++
				if failed > 10 {
					t.Fatal("too many differences")
				}
			}
		}
	}
	t.Logf("%d exchanges over %d configurations agree; %d configurations refused by both", cases-failed, 320-refused, refused)
}

// TestCorners are the documented corners, one configuration each.
func TestCorners(t *testing.T) {
	tests := []struct {
		desc, form, text string
		ex               exchange
	}{
		{desc: "no Origin, list * : ACAO * on an actual request (header.go isOriginAllowed matches * for any origin)", form: "yaml",
			text: "http:\n  middlewares:\n    gen:\n      headers:\n        accessControlAllowOriginList: ['*']\n",
			ex:   exchange{method: "GET", status: 200}},
		{desc: "regex matching the empty string sends an empty ACAO without Origin", form: "yaml",
			text: "http:\n  middlewares:\n    gen:\n      headers:\n        accessControlAllowOriginListRegex: ['.*']\n",
			ex:   exchange{method: "GET", status: 200}},
		{desc: "two Vary lines: Origin appended to the first, the second dropped", form: "toml",
			text: "[http.middlewares.gen.headers]\naddVaryHeader = true\naccessControlAllowOriginList = ['https://a.example']\n",
			ex:   exchange{method: "GET", origin: "https://a.example", status: 200, app: [][2]string{{"Vary", "Accept"}, {"Vary", "Cookie"}}}},
		{desc: "the app's own ACAO kept for a refused origin", form: "yaml",
			text: "http:\n  middlewares:\n    gen:\n      headers:\n        accessControlAllowOriginList: ['https://a.example']\n",
			ex:   exchange{method: "GET", origin: "https://evil.example", status: 200, app: [][2]string{{"Access-Control-Allow-Origin", "*"}}}},
		{desc: "lower-case options is no preflight: the app answers", form: "yaml",
			text: "http:\n  middlewares:\n    gen:\n      headers:\n        accessControlAllowOriginList: ['https://a.example']\n",
			ex:   exchange{method: "options", origin: "https://a.example", acrm: "GET", status: 405}},
		{desc: "a preflight with a refused origin still gets 200 and Max-Age 0", form: "k8s",
			text: "apiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata:\n  name: gen\nspec:\n  headers:\n    accessControlAllowMethods: [GET]\n",
			ex:   exchange{method: "OPTIONS", origin: "https://evil.example", acrm: "GET", status: 404}},
		{desc: "customResponseHeaders only: no preflight answered, the header set on the app's reply", form: "yaml",
			text: "http:\n  middlewares:\n    gen:\n      headers:\n        customResponseHeaders:\n          Access-Control-Allow-Origin: 'https://fixed.example'\n",
			ex:   exchange{method: "OPTIONS", origin: "https://a.example", acrm: "GET", status: 404}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			ev, err := (&traefik.Format{}).Parse(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			compare(t, tc.text, tc.form, ev, tc.ex)
		})
	}
}
