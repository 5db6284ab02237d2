package firefox

import (
	"testing"

	"github.com/whycors/whycors/e2e/chromium"
	"github.com/whycors/whycors/engine/explain"
)

// TestReplayFirefox runs every exchange of TestFirefox's recording through
// explain again, without a browser (chromium.Replay): the scenario Firefox
// ran, with the firefox profile TestFirefox sets and its comparison
// (compare: no reason, no warning lines, which BiDi does not deliver), so
// that a change to the browser model that Firefox contradicts fails in the
// unit suite, not only in the e2e run.
func TestReplayFirefox(t *testing.T) {
	chromium.Replay(t, "firefox", "firefox", recording, reRecord, func(r Record) chromium.Case { return r.Case },
		func(r Record, v explain.Verdict, verr error) []chromium.Row {
			var rows []chromium.Row
			for _, m := range compare(r.Case, r.Scenario, r.Observed, v, verr) {
				rows = append(rows, chromium.Row{ID: m.ID, Diff: chromium.Diff{Field: m.Field, Browser: m.Firefox, Explain: m.Explain}})
			}
			return rows
		})
}
