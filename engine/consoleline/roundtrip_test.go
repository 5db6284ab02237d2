package consoleline_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/consoleline"
	"github.com/whycors/whycors/engine/explain"
)

// record is the part of an e2e recording this test reads (e2e/chromium
// harness_test.go: Record, Observed).
type record struct {
	ID       string `json:"id"`
	Observed struct {
		Console []string `json:"console"`
	} `json:"observed"`
}

// recordings are the real browsers' console lines, with the browser
// each came from.
var recordings = []struct {
	browser, path string
}{
	{"chrome", "../../e2e/chromium/testdata/observed-chromium.json"},
	{"firefox", "../../e2e/firefox/testdata/observed-firefox.json"},
	{"safari", "../../e2e/webkit/testdata/observed-webkit.json"},
}

// unsupported are the kinds of recorded console line this package does
// not turn into scenarios, each with why. A line of a listed kind must
// not round-trip (then the entry is stale and must go); a line of no
// listed kind must.
var unsupported = map[string]struct {
	browser string
	match   *regexp.Regexp
	why     string
}{
	"chrome-err-failed": {browser: "chrome", match: regexp.MustCompile(`^Failed to load resource: net::ERR_FAILED$`),
		why: "Chrome prints it after every blocked fetch: it names no check, and Read asks for the line above it"},
	"chrome-mixed-content-warning": {browser: "chrome", match: regexp.MustCompile(`^Mixed Content: .*This content should also be served over HTTPS\.$`),
		why: "Chrome's warning before Local Network Access decides an http URL of the local network: it blocks nothing, and Read says so"},
	"error-status": {match: regexp.MustCompile(`^Failed to load resource: the server responded with a status of `),
		why: "an error status the page may read: no block to explain"},
	"firefox-xml-parsing": {browser: "firefox", match: regexp.MustCompile(`^XML Parsing Error: `),
		why: "Firefox's parse of an empty XMLHttpRequest body, not a CORS block"},
	"safari-connection": {browser: "safari", match: regexp.MustCompile(`Connection terminated unexpectedly$`),
		why: "a network failure, names no CORS check"},
	"safari-unsafe-header": {browser: "safari", match: regexp.MustCompile(`^Refused to set unsafe header `),
		why: "XMLHttpRequest drops the header and goes on: no block"},
}

func unsupportedKind(browser, line string) string {
	for k, u := range unsupported {
		if (u.browser == "" || u.browser == browser) && u.match.MatchString(line) {
			return k
		}
	}
	return ""
}

// TestRoundTrip reads every console line of the Chromium, Firefox ESR
// and WebKitGTK recordings (issue 20's test) and explains each candidate
// of each line Read accepts in the line's browser: every candidate's
// console must hold the line exactly.
func TestRoundTrip(t *testing.T) {
	type tally struct{ lines, ok int }
	byReason := map[string]*tally{}
	hit := map[string]bool{}
	for _, rec := range recordings {
		data, err := os.ReadFile(rec.path)
		if err != nil {
			t.Fatalf("%s: %v", rec.path, err)
		}
		var records []record
		if err := json.Unmarshal(data, &records); err != nil {
			t.Fatalf("%s: %v", rec.path, err)
		}
		var lines, read, ok int
		for _, r := range records {
			for _, line := range r.Observed.Console {
				lines++
				kind := unsupportedKind(rec.browser, line)
				l, err := consoleline.Read(line)
				trip, why := roundTrips(rec.browser, line, l, err)
				if err == nil {
					read++
				}
				if trip {
					ok++
				}
				if kind != "" {
					hit[kind] = true
					if trip {
						t.Errorf("%s %s: %q is listed as unsupported (%s) but round-trips: drop the entry", rec.browser, r.ID, line, kind)
					}
					continue
				}
				key := rec.browser + " " + reasonOf(l)
				if byReason[key] == nil {
					byReason[key] = &tally{}
				}
				byReason[key].lines++
				if trip {
					byReason[key].ok++
				} else {
					t.Errorf("%s %s: %q does not round-trip: %s", rec.browser, r.ID, line, why)
				}
			}
		}
		t.Logf("%s: %d console lines, %d read, %d round-trip", rec.browser, lines, read, ok)
	}
	keys := make([]string, 0, len(byReason))
	for k := range byReason {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%-55s %3d/%3d", k, byReason[k].ok, byReason[k].lines)
	}
	for k := range unsupported {
		if !hit[k] {
			t.Errorf("unsupported kind %s matches no recorded line: drop it", k)
		}
	}
}

func reasonOf(l *consoleline.Line) string {
	switch {
	case l == nil:
		return "(unread)"
	case l.Reason == "":
		return "(no check named)"
	}
	return l.Reason
}

// roundTrips explains every candidate of l in browser and reports
// whether each prints line.
func roundTrips(browser, line string, l *consoleline.Line, err error) (bool, string) {
	if err != nil {
		return false, "Read: " + err.Error()
	}
	if l.Browser != browser {
		return false, "Read says " + l.Browser
	}
	cs := consoleline.Candidates(l)
	if len(cs) == 0 {
		return false, "no candidates"
	}
	if len(cs) > consoleline.MaxCandidates {
		return false, "too many candidates"
	}
	for _, c := range cs {
		if c.Scenario.Browser != browser {
			return false, "candidate for " + c.Scenario.Browser
		}
		v, err := explain.Explain(c.Scenario, explain.Options{})
		if err != nil {
			return false, c.Desc + ": " + err.Error()
		}
		if !slices.Contains(v.Console, line) {
			return false, c.Desc + ": console " + strings.Join(v.Console, " | ")
		}
	}
	return true, ""
}
