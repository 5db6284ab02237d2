package postest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// Recorded is one exchange of the browsers' recordings: its file and id,
// and its scenario as recorded.
type Recorded struct {
	Name     string // "FILE ID"
	Scenario json.RawMessage
}

// RecordedScenarios are the scenarios of e2e/chromium's corpus and of the
// Chromium, Firefox and WebKit recordings, read from e2e, the
// repository's e2e folder as the calling test reaches it, for the tests
// that hold the engine's summaries to every browser's own verdict.
func RecordedScenarios(t testing.TB, e2e string) []Recorded {
	t.Helper()
	var out []Recorded
	for _, file := range []string{"chromium/testdata/corpus.json", "chromium/testdata/observed-chromium.json",
		"firefox/testdata/observed-firefox.json", "webkit/testdata/observed-webkit.json"} {
		b, err := os.ReadFile(filepath.Join(e2e, file))
		if err != nil {
			t.Fatal(err)
		}
		var cases []struct {
			ID       string          `json:"id"`
			Scenario json.RawMessage `json:"scenario"`
		}
		if err := json.Unmarshal(b, &cases); err != nil {
			t.Fatal(file, err)
		}
		for _, c := range cases {
			out = append(out, Recorded{Name: file + " " + c.ID, Scenario: c.Scenario})
		}
	}
	return out
}
