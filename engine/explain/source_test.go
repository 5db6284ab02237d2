package explain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/wire"
)

// templateFormat stands for a template format (a SourceParser): its
// evaluator allows the origin its chosen resource's file names, with
// the value of the parameter Origin substituted, and says which
// resource decided.
type templateFormat struct{}

func (templateFormat) Name() string                 { return "test-template" }
func (templateFormat) Detect(string) (bool, string) { return false, "" }
func (templateFormat) Parse(text string) (policy.Evaluator, error) {
	return templateFormat{}.ParseSource(policy.Source{Text: text})
}

func (templateFormat) ParseSource(src policy.Source) (policy.Evaluator, error) {
	for _, f := range src.Files {
		if f.Name == src.Resource {
			return templateEval{resource: f.Name, origin: strings.ReplaceAll(f.Text, "${Origin}", src.Params["Origin"])}, nil
		}
	}
	return nil, policy.Errors{{File: src.Resource, Msg: "no such resource"}}
}

type templateEval struct{ resource, origin string }

func (e templateEval) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	out := policy.Outcome{Reply: app, DecidedBy: &wire.Place{Layer: "cors-rule", Resource: e.resource, File: e.resource, Line: 1, Column: 1}}
	if o, _ := req.Header.Get("Origin"); o == e.origin {
		out.Reply.Header = append(headers.List{{Name: "Access-Control-Allow-Origin", Value: o}}, app.Header...)
	}
	return out
}

// TestPolicySource: "policy.files", "resource" and "params" reach a
// SourceParser whole, and the resource its evaluator names is the
// verdict's decided_by (design.md, "The contract grows").
func TestPolicySource(t *testing.T) {
	scenario := `{"request":{"origin":"https://app.test","url":"https://api.test/x"},
	"policy":{"format":"test-template","files":[{"name":"Other","text":"https://other.test"},{"name":"Api","text":"${Origin}"}],
	"resource":"Api","params":{"Origin":"https://app.test"}}}`
	s, err := explain.Decode([]byte(scenario))
	if err != nil {
		t.Fatal(err)
	}
	reg := policy.NewRegistry(templateFormat{})
	v, err := explain.Explain(s, explain.Options{Formats: reg})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Allowed {
		t.Errorf("blocked (%s): the parameter did not reach the chosen resource", v.Reason)
	}
	if v.DecidedBy == nil || v.DecidedBy.Resource != "Api" || v.DecidedBy.Layer != "cors-rule" {
		t.Errorf("decided_by = %+v, want the resource Api", v.DecidedBy)
	}
	if b := explain.AppendVerdict(nil, &v); !strings.Contains(string(b), `"decided_by":{"layer":"cors-rule","resource":"Api","file":"Api","line":1,"column":1}`) {
		t.Errorf("the verdict's JSON lacks decided_by: %s", b)
	}
	// Another resource answers with another origin: blocked.
	s.Policy.Resource = "Other"
	if v, err := explain.Explain(s, explain.Options{Formats: reg}); err != nil || v.Allowed {
		t.Errorf("resource Other: allowed %v, %v; want blocked", v.Allowed, err)
	}
	// A fault names its file.
	s.Policy.Resource = "Missing"
	_, err = explain.Explain(s, explain.Options{Formats: reg})
	var one *policy.Error
	if !errors.As(err, &one) || one.File != "Missing" || !strings.HasPrefix(err.Error(), "Missing: ") {
		t.Errorf("missing resource: %v, want a fault in file Missing", err)
	}
}

// TestPolicySourceDecodeFaults: every fault of the policy's files and
// params is reported at its JSON path.
func TestPolicySourceDecodeFaults(t *testing.T) {
	req := `"request":{"origin":"http://a.test","url":"http://b.test/a"}`
	tests := []struct {
		desc, policy, path string
	}{
		{desc: "files not a list", policy: `{"format":"auto","files":{}}`, path: "$.policy.files"},
		{desc: "a file not an object", policy: `{"format":"auto","files":["main.tf"]}`, path: "$.policy.files[0]"},
		{desc: "a file without its name", policy: `{"format":"auto","files":[{"text":"x"}]}`, path: "$.policy.files[0].name"},
		{desc: "a file listed twice", policy: `{"format":"auto","files":[{"name":"a","text":""},{"name":"a","text":""}]}`, path: "$.policy.files[1].name"},
		{desc: "an unknown field of a file", policy: `{"format":"auto","files":[{"name":"a","body":""}]}`, path: "$.policy.files[0].body"},
		{desc: "params not an object", policy: `{"format":"auto","params":["a"]}`, path: "$.policy.params"},
		{desc: "a param not a string", policy: `{"format":"auto","params":{"Stage":1}}`, path: "$.policy.params.Stage"},
		{desc: "resource not a string", policy: `{"format":"auto","resource":1}`, path: "$.policy.resource"},
	}
	for _, tc := range tests {
		_, err := explain.Decode([]byte(`{` + req + `,"policy":` + tc.policy + `}`))
		var errs policy.Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Errorf("%s: Decode = %v, want a fault at %s", tc.desc, err, tc.path)
			continue
		}
		if errs[0].Path != tc.path {
			t.Errorf("%s: fault at %s (%s), want %s", tc.desc, errs[0].Path, errs[0].Msg, tc.path)
		}
	}
}

// TestNetworkDecodeFaults: every fault of "network" is reported at its
// JSON path, and a scenario's network reaches the browser model.
func TestNetworkDecodeFaults(t *testing.T) {
	req := `"request":{"origin":"https://a.test","url":"https://b.test/a"}`
	tests := []struct {
		desc, network, path string
	}{
		{desc: "not an object", network: `"public"`, path: "$.network"},
		{desc: "unknown field", network: `{"client":"public"}`, path: "$.network.client"},
		{desc: "an unknown space", network: `{"page":"private"}`, path: "$.network.page"},
		{desc: "target not a string", network: `{"target":1}`, path: "$.network.target"},
		{desc: "an unknown permission", network: `{"permission":"allow"}`, path: "$.network.permission"},
	}
	for _, tc := range tests {
		_, err := explain.Decode([]byte(`{` + req + `,"network":` + tc.network + `}`))
		var errs policy.Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Errorf("%s: Decode = %v, want a fault at %s", tc.desc, err, tc.path)
			continue
		}
		if errs[0].Path != tc.path {
			t.Errorf("%s: fault at %s (%s), want %s", tc.desc, errs[0].Path, errs[0].Msg, tc.path)
		}
	}
	// A public page, a local target, the permission left unanswered (the
	// default): Chromium refuses (e2e/chromium recording
	// lna-prompt-default-loopback), Firefox fetches.
	s, err := explain.Decode([]byte(`{` + req + `,"network":{"target":"local"},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","https://a.test"]]}}`))
	if err != nil {
		t.Fatal(err)
	}
	for browser, want := range map[string]string{"chrome": "LocalNetworkAccessPermissionDenied", "firefox": ""} {
		s.Browser = browser
		v, err := explain.Explain(s, explain.Options{})
		if err != nil || v.Reason != want {
			t.Errorf("%s: reason %q (%v), want %q", browser, v.Reason, err, want)
		}
	}
}
