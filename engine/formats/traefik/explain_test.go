package traefik_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/policy"
)

// TestExplainFix: a fetch the middleware blocks gets a verdict naming
// the line that decided and a fix in the user's own file, which the fix
// search re-runs in the browser model before it offers it.
func TestExplainFix(t *testing.T) {
	tests := []struct {
		desc, file string
		request    map[string]any
		diff       string // a line of the fix's diff
		source     string
	}{
		{desc: "an origin the list lacks: added to accessControlAllowOriginList", file: "dynamic.yaml",
			request: map[string]any{"origin": "https://new.example", "url": "https://api.shop.example/items", "method": "GET"},
			diff:    `+          - "https://new.example"`, source: "header.go isOriginAllowed: no Access-Control-Allow-Origin for an unlisted origin"},
		{desc: "a method the preflight lacks: added to accessControlAllowMethods", file: "middleware-k8s.yaml",
			request: map[string]any{"origin": "https://shop.example", "url": "https://api.shop.example/items", "method": "DELETE"},
			diff:    `+    accessControlAllowMethods: ["GET", "OPTIONS", "PATCH", "DELETE"]`, source: "header.go processCorsHeaders: Access-Control-Allow-Methods as configured"},
		{desc: "\"*\" with credentials: replaced by the page's origin", file: "traps.yaml",
			request: map[string]any{"origin": "https://shop.example", "url": "https://api.shop.example/items", "method": "GET", "credentials": "include"},
			diff:    `+          - "https://shop.example"`, source: "Fetch standard CORS check: no * with credentials"},
	}
	reg := policy.NewRegistry(all.Policies()...)
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			text := readFile(t, tc.file)
			b, _ := json.Marshal(map[string]any{"browser": "chrome", "request": tc.request, "response": map[string]any{"status": 200},
				"policy": map[string]any{"format": "traefik", "text": text}})
			s, err := explain.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			v, err := explain.Explain(s, explain.Options{Formats: reg, Advisor: advise.New()})
			if err != nil {
				t.Fatal(err)
			}
			if v.Allowed || len(v.Fixes) == 0 {
				t.Fatalf("allowed %v, %d fixes (%s):\n%s", v.Allowed, len(v.Fixes), tc.source, explain.Text(v, explain.TextOptions{}))
			}
			var diffs []string
			for _, f := range v.Fixes {
				if f.Where == "server" && strings.Contains(f.Diff, tc.diff) {
					return
				}
				diffs = append(diffs, f.Diff)
			}
			t.Errorf("no server fix with %q (%s); fixes:\n%s", tc.diff, tc.source, strings.Join(diffs, "\n---\n"))
		})
	}
}
