package advise_test

import (
	"os"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// counting is a format that counts how often each text is read, by Parse
// and by ReadRules, and otherwise is the format it wraps (with the
// capabilities a verdict and a fix search use).
type counting struct {
	f      policy.Format
	parses map[string]int
	reads  map[string]int
}

func (c *counting) Name() string                      { return c.f.Name() }
func (c *counting) Detect(text string) (bool, string) { return c.f.Detect(text) }
func (c *counting) Parse(text string) (policy.Evaluator, error) {
	c.parses[text]++
	return c.f.Parse(text)
}
func (c *counting) ReadRules(text string) (*portable.Config, error) {
	c.reads[text]++
	return c.f.(convert.Reader).ReadRules(text)
}
func (c *counting) StateRules(ev policy.Evaluator, text string) (*portable.Config, bool) {
	return c.f.(convert.Stater).StateRules(ev, text)
}
func (c *counting) EditText(text string, e fix.Edit) (string, error) {
	return c.f.(fix.Editor).EditText(text, e)
}
func (c *counting) FileName() string { return c.f.(fix.Editor).FileName() }

// A verdict reads its policy text once: explain's reading is handed to
// lint (convert.Stater) and to the fix search, which reads only the texts
// it edits, each once. Issue "One home per format": a verdict without
// fixes read the S3 example twice, with fixes nine times.
func TestVerdictReadsPolicyOnce(t *testing.T) {
	data, err := os.ReadFile("../../../examples/s3-upload-missing-header.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		desc  string
		fixes bool
	}{
		{"a blocked upload, without fixes (examples/s3-upload-missing-header.json)", false},
		{"the same with its fix search", true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			s, err := explain.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			s.Fixes = &tc.fixes
			real, ok := all.Registry().Lookup(s.Policy.Format)
			if !ok {
				t.Fatalf("no format %s", s.Policy.Format)
			}
			c := &counting{f: real, parses: map[string]int{}, reads: map[string]int{}}
			v, err := explain.Explain(s, advise.Options(policy.NewRegistry(c)))
			if err != nil {
				t.Fatal(err)
			}
			if v.Allowed || len(v.Warnings) == 0 {
				t.Fatalf("want a blocked verdict with lint's warnings, got allowed=%v warnings=%v", v.Allowed, v.Warnings)
			}
			if tc.fixes && len(v.Fixes) == 0 {
				t.Fatal("want fixes")
			}
			if n := c.parses[s.Policy.Text]; n != 1 {
				t.Errorf("the policy text was parsed %d times, want 1", n)
			}
			for text, n := range c.parses {
				if n > 1 {
					t.Errorf("a text was parsed %d times, want once:\n%s", n, text)
				}
			}
			for text, n := range c.reads {
				t.Errorf("ReadRules read a text %d times, want none (StateRules states the parsed rules):\n%s", n, text)
			}
		})
	}
}

// echoing is a format whose editor, asked to add an origin, also writes
// it in a comment: a change of the text that changes nothing the browser
// checks, as an editor that adds an origin already listed makes (the
// serverless editor did, before it dropped listed values). Otherwise it
// is the format it wraps, with what the fix search uses.
type echoing struct{ counting }

func (e *echoing) EditText(text string, ed fix.Edit) (string, error) {
	out, err := e.counting.EditText(text, ed)
	if err == nil && ed.Op == fix.Add && ed.Field == fix.Origins {
		out += "# " + strings.Join(ed.Values, ",") + "\n"
	}
	return out, err
}

// TestAnEditThatChangesNothingIsUndone: the fix search stops at an edit it
// made before, and undoes the edits since the last that changed what the
// browser says. A credentialed POST to a serverless http event with
// lambda-proxy: allowing credentials lets the preflight pass; the
// function's reply then lacks Access-Control-Allow-Origin, which no edit
// of the origins mends. Tried as a new user would, the origin was added
// until the search's bound (ten times).
func TestAnEditThatChangesNothingIsUndone(t *testing.T) {
	const yml = "service: todos\nprovider:\n  name: aws\nfunctions:\n  create:\n    handler: h.create\n    events:\n      - http:\n          path: todos\n          method: post\n          cors:\n            origin: 'https://app.example.com'\n"
	real, _ := all.Registry().Lookup("serverless")
	f := &echoing{counting{f: real, parses: map[string]int{}, reads: map[string]int{}}}
	s := explain.Scenario{Request: explain.Request{Origin: "https://app.example.com", URL: "https://abc.execute-api.us-east-1.amazonaws.com/dev/todos",
		Init: fetch.Init{Method: "POST", Credentials: "include", Headers: headers.List{{Name: "Content-Type", Value: "application/json"}}}},
		Policy: &explain.Policy{Format: "serverless", Text: yml}}
	v, err := explain.Explain(s, advise.Options(policy.NewRegistry(f)))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Fixes) == 0 {
		t.Fatal("no fix")
	}
	if fx := v.Fixes[0]; strings.Contains(fx.Diff, "# https://") || strings.Contains(fx.Summary, "allow the origin") || !strings.Contains(fx.Summary, "then make") {
		t.Errorf("fix 1: %s\n%s", fx.Summary, fx.Diff)
	}
}
