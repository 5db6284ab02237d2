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
	v := explainScenario(t, sc)
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

// TestExplainFixChosenResource: a blocked fetch to the resource the
// scenario chose among several gets a fix in that resource's block
// (fix.SourceEditor; the fix search keeps policy.resource and
// policy.params), checked by the fix search in every browser.
func TestExplainFixChosenResource(t *testing.T) {
	sc := map[string]any{
		"browser": "chrome",
		"request": map[string]any{"origin": "https://www.example.com", "url": "https://abcdefghij.lambda-url.us-east-1.on.aws/upload", "method": "PUT",
			"headers": [][]string{{"Content-Type", "application/json"}}},
		"response": map[string]any{"status": 200},
		"policy": map[string]any{"format": "cloudformation", "resource": "UploadFunction",
			"files": []map[string]string{{"name": "template.yaml", "text": readFile(t, "sam-app.yaml")}}},
	}
	v := explainScenario(t, sc)
	// The function URL allows POST only (sam-app.yaml, lambdaurl's
	// semantics): PUT is refused at the preflight.
	if v.Allowed || len(v.Fixes) == 0 {
		t.Fatalf("allowed %v, %d fixes: %s", v.Allowed, len(v.Fixes), explain.Text(v, explain.TextOptions{}))
	}
	f := v.Fixes[0]
	if f.Where != "server" || !strings.Contains(f.Diff, "+          AllowMethods: [POST, PUT]") {
		t.Errorf("fix %+v", f)
	}
}

// explainScenario explains the scenario sc (as its JSON says it) with
// this format registered and the fix search linked.
func explainScenario(t *testing.T, sc map[string]any) explain.Verdict {
	t.Helper()
	b, _ := json.Marshal(sc)
	s, err := explain.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	v, err := explain.Explain(s, explain.Options{Formats: registry(), Advisor: advise.New()})
	if err != nil {
		t.Fatal(err)
	}
	return v
}
