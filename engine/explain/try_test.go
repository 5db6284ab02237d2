package explain_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/whycors/whycors/engine/explain"
)

// corpusScenarios are the scenarios of the Chromium harness's corpus
// (e2e/chromium/testdata/corpus.json, 393 fetches across the catalog of
// CORS failures) and of examples/, by name.
func corpusScenarios(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	b, err := os.ReadFile("../../e2e/chromium/testdata/corpus.json")
	if err != nil {
		t.Fatal(err)
	}
	var corpus []struct {
		ID       string          `json:"id"`
		Scenario json.RawMessage `json:"scenario"`
	}
	if err := json.Unmarshal(b, &corpus); err != nil {
		t.Fatal(err)
	}
	for _, c := range corpus {
		out["corpus "+c.ID] = c.Scenario
	}
	files, _ := filepath.Glob("../../examples/*.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// TestTryAndAllows: the fix search's cheaper runs answer as Run does.
// Try's verdict is Run's without the steps and the rules' words, and
// Allows is Run's Allowed, for every scenario of the corpus in every
// browser.
func TestTryAndAllows(t *testing.T) {
	for name, data := range corpusScenarios(t) {
		for _, browser := range []string{"chrome", "firefox", "safari", "spec"} {
			s, err := explain.Decode(data)
			if err != nil {
				continue
			}
			s.Browser = browser
			want, err := explain.Run(s, opts)
			got, terr := explain.Try(s, opts)
			if (err == nil) != (terr == nil) {
				t.Errorf("%s, %s: Run error %v, Try error %v", name, browser, err, terr)
				continue
			}
			if err != nil {
				continue
			}
			want.Steps = nil
			for i := range want.Rules {
				want.Rules[i].Detail = ""
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %s: Try differs from Run:\n got %+v\nwant %+v", name, browser, got, want)
			}
			allowed, err := explain.Allows(s, opts)
			if err != nil || allowed != want.Allowed {
				t.Errorf("%s, %s: Allows = %v, %v; Run says %v", name, browser, allowed, err, want.Allowed)
			}
		}
	}
}
