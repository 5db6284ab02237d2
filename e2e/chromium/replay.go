package chromium

import (
	"testing"

	"github.com/whycors/whycors/engine/explain"
)

// Replay checks explain against a harness's recording without a browser.
// It reads the records at path (LoadRecords) and runs one subtest per
// record, named by its exchange's id as the harness names it: explain
// judges the scenario the browser ran with the options both harnesses use
// (Options: every format, no advisor), and diff
// compares the verdict with what the browser did, as the harness does.
// profile is the scenario's browser the harness ran ("" for the default,
// chrome). A subtest fails with the exchange's id, each differing field
// with browser's and explain's value (Report), and reRecord, the command
// that rewrites the recording from the installed browser. The test log
// names the browser version the recording was made with (RecordedVersion);
// a recording without one fails.
func Replay[R any](t *testing.T, browser, profile, path, reRecord string, exchange func(R) Case, diff func(R, explain.Verdict, error) []Row) {
	t.Helper()
	recs, err := LoadRecords[R](path)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 {
		t.Fatalf("%s holds no exchange", path)
	}
	version, err := RecordedVersion(path)
	if err != nil {
		t.Fatalf("%v; re-record with: %s", err, reRecord)
	}
	t.Logf("replaying the %d exchanges of %s, recorded with %s %s (%s)", len(recs), path, browser, version, VersionPath(path))
	for _, r := range recs {
		c := exchange(r)
		t.Run(c.ID, func(t *testing.T) {
			if c.Scenario.Browser != profile {
				t.Fatalf("%s recorded browser %q, want %q: the harness runs that profile", path, c.Scenario.Browser, profile)
			}
			v, verr := explain.Explain(c.Scenario, Options())
			rows := diff(r, v, verr)
			if len(rows) == 0 {
				return
			}
			detail, _ := Report(browser, rows, 1)
			t.Errorf("explain no longer reproduces what %s did (%s):%s\nfix the browser model; or, if %s changed, re-record with: %s", browser, path, detail, browser, reRecord)
		})
	}
}
