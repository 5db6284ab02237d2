package advise_test

import (
	"os"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fix"
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
