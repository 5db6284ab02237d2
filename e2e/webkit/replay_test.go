package webkit

import (
	"testing"

	"github.com/whycors/whycors/e2e/chromium"
	"github.com/whycors/whycors/engine/explain"
)

// TestReplayWebKit runs every exchange of TestWebKit's recording through
// explain again, without a browser (chromium.Replay): the scenario WebKit
// ran, with the safari profile TestWebKit sets and its comparison
// (compare: no reason, which the inspector does not name; the documented
// differences of known set aside), so that a change to the browser model
// that WebKit contradicts fails in the unit suite, not only in the e2e
// run. An exchange the corpus gained after the recording is not in it
// and is not replayed, as with e2e/firefox; TestWebKit runs it.
func TestReplayWebKit(t *testing.T) {
	used, replayed := map[string]bool{}, 0
	chromium.Replay(t, "webkit", "safari", recording, reRecord, func(r Record) chromium.Case { return r.Case },
		func(r Record, v explain.Verdict, verr error) []chromium.Row {
			replayed++
			var rows []chromium.Row
			ms, documented := compare(r.Case, r.Scenario, r.Observed, v, verr)
			for _, m := range ms {
				rows = append(rows, chromium.Row{ID: m.ID, Diff: chromium.Diff{Field: m.Field, Browser: m.WebKit, Explain: m.Explain}})
			}
			for _, d := range documented {
				used[d.ID] = true
			}
			return rows
		})
	if recs, err := chromium.LoadRecords[Record](recording); err != nil || replayed < len(recs) {
		return // a -run selection: the list is checked when every exchange ran
	}
	for _, k := range known {
		if !used[k.id] {
			t.Errorf("known difference %s no longer differs in %s: remove it from known (known_test.go)", k.id, recording)
		}
	}
}
