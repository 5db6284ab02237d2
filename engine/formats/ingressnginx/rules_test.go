package ingressnginx_test

import (
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/formats/ingressnginx"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/portable"
)

// TestReadRules states the golden manifests in the neutral model: each
// Ingress with CORS a rule, its values as the controller takes them
// (defaults and validation), positioned at the annotation's value.
func TestReadRules(t *testing.T) {
	f := &ingressnginx.Format{}
	tests := []struct {
		desc, text string
		want       string // origins | methods | headers | expose | creds | max-age | paths
		line       int    // where the origins are
		source     string
	}{
		{desc: "basic.yaml", text: readFile(t, "basic.yaml"),
			want: "https://shop.example,https://*.shop.example | GET,POST,PUT | Content-Type,Authorization,X-Request-Id | X-Total-Count | true | 600 | /v1", line: 10, source: srcCors + " (credentials default true)"},
		{desc: "the defaults: * and the controller's lists", text: doc(ann("enable-cors", `"true"`)),
			want: "* | GET,PUT,POST,DELETE,PATCH,OPTIONS | DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization |  | true | 1728000 | ", line: 2, source: srcCors + " (defaults)"},
		{desc: "a refused origin list is *, refused headers the default, an origin without a scheme dropped", text: doc(ann("enable-cors", `"true"`, "cors-allow-origin", `"https://a.test/"`, "cors-allow-headers", `"*"`, "cors-allow-credentials", `"false"`)),
			want: "* | GET,PUT,POST,DELETE,PATCH,OPTIONS | DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization |  | false | 1728000 | ", line: 7, source: srcParser},
		{desc: "enable-cors absent: no rule", text: doc(ann("cors-allow-origin", `"https://a.test"`)), want: "", source: srcTemplate},
	}
	for _, tc := range tests {
		cfg, err := f.ReadRules(tc.text)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if tc.want == "" {
			if len(cfg.Rules) != 0 {
				t.Errorf("%s (%s): want no rule, got %+v", tc.desc, tc.source, cfg.Rules)
			}
			continue
		}
		if len(cfg.Rules) != 1 {
			t.Fatalf("%s: %d rules", tc.desc, len(cfg.Rules))
		}
		r := cfg.Rules[0]
		age := ""
		if r.MaxAge != nil {
			age = strconv.Itoa(*r.MaxAge)
		}
		got := strings.Join([]string{join(r.Origins), join(r.Methods), join(r.AllowHeaders), join(r.ExposeHeaders), strconv.FormatBool(r.Credentials), age, strings.Join(r.Paths, ",")}, " | ")
		if got != tc.want {
			t.Errorf("%s (%s):\n got %s\nwant %s", tc.desc, tc.source, got, tc.want)
		}
		if r.Origins[0].Pos.Line != tc.line {
			t.Errorf("%s: origins at line %d, want %d", tc.desc, r.Origins[0].Pos.Line, tc.line)
		}
		if cfg.Semantics.Origins != portable.OriginsLabel {
			t.Errorf("%s: semantics %+v", tc.desc, cfg.Semantics)
		}
	}
}

func join(vs []portable.Value) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Text)
	}
	return strings.Join(out, ",")
}

// Pools of the generated manifests and requests: listed and unlisted
// origins (a capital letter, one and two labels under a wildcard, http,
// null), methods that need a preflight, the controller's default headers
// and others, paths that overlap and a host.
var (
	genOrigins = []string{"https://app.test", "https://App.test", "https://*.sub.test", "http://app.test", "https://admin.test"} // null: native refuses it
	genMethods = []string{"GET", "POST", "PUT", "DELETE", "PATCH"}
	genHeaders = []string{"X-Api-Key", "Content-Type", "Authorization"}
	genPaths   = []string{"/", "/v0", "/v1", "/v1/items", "/v2"}
	reqOrigins = []string{"https://app.test", "https://admin.test", "http://app.test", "https://a.sub.test", "https://a.b.sub.test", "https://evil.test", "null"}
)

func pickN(r *rand.Rand, pool []string, max int) []string {
	var out []string
	for i := 0; i < 1+r.Intn(max); i++ {
		s := pool[r.Intn(len(pool))]
		if !strings.Contains(","+strings.Join(out, ",")+",", ","+s+",") {
			out = append(out, s)
		}
	}
	return out
}

// genManifest writes 1 to 3 Ingresses with random cors annotations.
func genManifest(r *rand.Rand) string {
	var b strings.Builder
	host := ""
	if r.Intn(4) == 0 {
		host = "api.test"
	}
	for i := 0; i < 1+r.Intn(3); i++ {
		if i > 0 {
			b.WriteString("---\n")
		}
		var kv []string
		if r.Intn(8) != 0 {
			kv = append(kv, "enable-cors", `"true"`)
		}
		if r.Intn(6) != 0 {
			kv = append(kv, "cors-allow-origin", strconv.Quote(strings.Join(pickN(r, genOrigins, 3), ", ")))
		}
		if r.Intn(2) == 0 {
			kv = append(kv, "cors-allow-methods", strconv.Quote(strings.Join(pickN(r, genMethods, 3), ", ")))
		}
		if r.Intn(2) == 0 {
			kv = append(kv, "cors-allow-headers", strconv.Quote(strings.Join(pickN(r, genHeaders, 2), ", ")))
		}
		if r.Intn(3) != 0 {
			kv = append(kv, "cors-allow-credentials", strconv.Quote(strconv.FormatBool(r.Intn(2) == 0)))
		}
		b.WriteString("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i" + strconv.Itoa(i) + "\n  annotations:\n" + ann(kv...) + "spec:\n  rules:\n  - ")
		if host != "" {
			b.WriteString("host: " + host + "\n    ")
		}
		b.WriteString("http:\n      paths:\n")
		// Mostly a path of its own; one in four from a pool whose
		// paths overlap (/ and /v1/items under /v1).
		paths := []string{"/v" + strconv.Itoa(i)}
		if r.Intn(4) == 0 {
			paths = pickN(r, genPaths, 2)
		}
		for _, p := range paths {
			b.WriteString("      - path: " + p + "\n        pathType: Prefix\n        backend:\n          service:\n            name: s\n            port:\n              number: 80\n")
		}
	}
	return b.String()
}

func genRequest(r *rand.Rand) explain.Request {
	req := explain.Request{Origin: reqOrigins[r.Intn(len(reqOrigins))], URL: "https://api.test/v" + strconv.Itoa(r.Intn(4)) + "/items", Init: fetch.Init{Method: []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"}[r.Intn(6)]}}
	if r.Intn(2) == 0 {
		req.Credentials = "include"
	}
	switch r.Intn(4) {
	case 1:
		req.Headers = headers.List{{Name: "X-Api-Key", Value: "k"}}
	case 2:
		req.Headers = headers.List{{Name: "Content-Type", Value: "application/json"}}
	case 3:
		req.Headers = headers.List{{Name: "Authorization", Value: "Bearer t"}}
	}
	return req
}

// TestReadRulesAnswersAsEvaluator: the rules ReadRules states, converted
// into native (engine/convert, as its property tests do), make the
// browser model (Chrome) reach the verdict the Ingress evaluator does
// (allowed or not, and the response headers the page can read),
// for seeded generated manifests and requests; where they differ, a
// note of the conversion says which way (Narrower: the source allows
// more; Differs: either), and a conversion with no such note agrees on
// every request. WHYCORS_SEED tries other seeds.
func TestReadRulesAnswersAsEvaluator(t *testing.T) {
	seed := int64(17)
	if v, err := strconv.ParseInt(os.Getenv("WHYCORS_SEED"), 10, 64); err == nil {
		seed = v
	}
	r := rand.New(rand.NewSource(seed))
	reg := registry()
	manifests, exact, compared, excused, refused := 0, 0, 0, 0, 0
	for c := 0; c < 60; c++ {
		text := genManifest(r)
		out, notes, err := convert.ToNative(reg, text, "ingress-nginx")
		if err != nil {
			refused++ // a Wider note: nothing written
			continue
		}
		manifests++
		effects := map[string]bool{}
		for _, n := range convert.Changes(notes) {
			effects[n.Effect] = true
		}
		if len(effects) == 0 {
			exact++
		}
		for k := 0; k < 20; k++ {
			req := genRequest(r)
			// allowed or not, and the headers the page can read
			want, got := postest.Verdict(t, reg, "ingress-nginx", text, req), postest.Verdict(t, reg, "native", out, req)
			compared++
			if want == got {
				continue
			}
			excused++
			wider := got != "blocked" && want == "blocked"
			narrower := got == "blocked" && want != "blocked"
			if !effects[convert.Differs] && (wider || !narrower || !effects[convert.Narrower]) {
				t.Errorf("request %+v: the Ingress allowed=%v, its rules in native allowed=%v, and no note says so\n%s\nnative:\n%s\nnotes: %+v", req, want, got, text, out, notes)
			}
		}
	}
	// Exact conversions must agree on every request; the generator
	// makes enough of them, and enough noted differences, to count.
	if exact < 10 || compared < 500 || excused == 0 {
		t.Errorf("only %d of %d conversions exact, %d requests compared", exact, manifests, compared)
	}
	t.Logf("%d manifests converted (%d exact, %d refused), %d requests compared, %d changed verdicts each covered by a note", manifests, exact, refused, compared, excused)
}
