package ingressnginx_test

import (
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/ingressnginx"
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

// Pools of the generated manifests: listed and unlisted origins (a
// capital letter, a one-label wildcard, http), methods that need a
// preflight, the controller's default headers and others, and paths
// that overlap, from those postest's fetches ask for (/api, /api/items,
// /v1, /v1/x, /other...), with a host now and then.
var (
	genOrigins = []string{"https://app.test", "https://App.test", "https://*.sub.test", "http://app.test", "https://admin.test"} // null: native refuses it
	genMethods = []string{"GET", "POST", "PUT", "DELETE", "PATCH"}
	genHeaders = []string{"X-Api-Key", "Content-Type", "Authorization"}
	ownPaths   = []string{"/api", "/v1", "/other"}
	genPaths   = []string{"/", "/api", "/api/items", "/v1"}
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
		// paths overlap (/ and /api/items under /api).
		paths := []string{ownPaths[i]}
		if r.Intn(4) == 0 {
			paths = pickN(r, genPaths, 2)
		}
		for _, p := range paths {
			b.WriteString("      - path: " + p + "\n        pathType: Prefix\n        backend:\n          service:\n            name: s\n            port:\n              number: 80\n")
		}
	}
	return b.String()
}

// TestReadRulesAnswersAsEvaluator: the rules ReadRules states, converted
// into native, make the browser model (Chrome) reach the verdict the
// Ingress evaluator does (allowed or not, and the response headers the
// page can read), for 60 seeded generated manifests, the manifests the
// writer writes for random policies, and the goldens, 20 fetches each
// (postest.ReaderAnswersAsFormat); where they differ, a note of the
// conversion says which way (Narrower: the Ingress allows more; Differs:
// either), and a conversion with no such note agrees on every fetch.
// WHYCORS_SEED tries other seeds.
func TestReadRulesAnswersAsEvaluator(t *testing.T) {
	seed := int64(17)
	if v, err := strconv.ParseInt(os.Getenv("WHYCORS_SEED"), 10, 64); err == nil {
		seed = v
	}
	r := rand.New(rand.NewSource(seed))
	var texts []string
	for range 60 {
		texts = append(texts, genManifest(r))
	}
	written := postest.WrittenTexts(&ingressnginx.Format{}, 60)
	texts = append(append(texts, written...), postest.Goldens()...)
	exact, converted, refused := postest.ReaderAnswersAsFormat(t, registry(), "ingress-nginx", texts, r, 20)
	// Exact conversions must agree on every fetch; the generator makes
	// enough of them, and the writer writes some (it refuses "*" methods
	// and headers, which the controller would replace by its defaults).
	if exact < 25 || converted < len(texts)/2 || len(written) < 10 {
		t.Errorf("only %d of %d conversions exact (%d refused, %d written texts)", exact, converted, refused, len(written))
	}
	t.Logf("%d texts (%d written by WriteRules), %d converted (%d exact, %d refused: a wider note, or no rule left)", len(texts), len(written), converted, exact, refused)
}
