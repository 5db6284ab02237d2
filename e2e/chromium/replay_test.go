package chromium

import (
	"testing"

	"github.com/whycors/whycors/engine/explain"
)

// TestReplayChromium runs every exchange of TestChromium's recording
// through explain again, without a browser (Replay): the scenario Chromium
// ran, the /t/<id> prefix of Effective included, with the default (chrome)
// profile and TestChromium's comparison (compare), so that a change to the
// browser model that Chromium contradicts fails in the unit suite, not only
// in the e2e run.
func TestReplayChromium(t *testing.T) {
	Replay(t, "chromium", "", recording, reRecord, func(r Record) Case { return r.Case },
		func(r Record, v explain.Verdict, verr error) []Row {
			var rows []Row
			for _, m := range compare(r.Case, r.Scenario, r.Observed, v, verr) {
				rows = append(rows, Row{m.ID, Diff{m.Field, m.Chromium, m.Explain}})
			}
			return rows
		})
}
