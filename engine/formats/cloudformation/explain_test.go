package cloudformation_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
)

// TestExplainScenario: a scenario's policy.files, policy.resource and
// policy.params reach the template (design.md, The contract grows), and
// the verdict's decided_by names the resource, file and line.
func TestExplainScenario(t *testing.T) {
	sc := map[string]any{
		"browser": "chrome",
		"request": map[string]any{"origin": "https://www.example.com", "url": "https://example.org/any", "method": "POST",
			"headers": [][]string{{"Content-Type", "application/json"}}},
		"response": map[string]any{"status": 200},
		"policy": map[string]any{"format": "cloudformation", "resource": "EventsApi",
			"files":  []map[string]string{{"name": "template.yaml", "text": readFile(t, "sam-app.yaml")}},
			"params": map[string]string{"SiteOrigin": "https://www.example.com"}},
	}
	b, _ := json.Marshal(sc)
	s, err := explain.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	v, err := explain.Explain(s, explain.Options{Formats: registry(), Advisor: advise.New()})
	if err != nil {
		t.Fatal(err)
	}
	// The HTTP API allows POST and content-type from the origin
	// (sam-app.yaml, cloud-policies.md §5.1), whatever the URL, as
	// --resource chose it.
	if !v.Allowed {
		t.Errorf("blocked, want allowed: %s", explain.Text(v, explain.TextOptions{}))
	}
	if p := v.DecidedBy; p == nil || p.Resource != "EventsApi" || p.File != "template.yaml" || p.Line != 29 {
		t.Errorf("decided_by %+v, want EventsApi in template.yaml line 29", v.DecidedBy)
	}
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"decided_by":{"layer":"cors-rule","resource":"EventsApi","file":"template.yaml","line":29,"column":7}`) {
		t.Errorf("verdict JSON without decided_by: %.400s", js)
	}
}
