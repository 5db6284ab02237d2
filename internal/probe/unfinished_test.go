package probe_test

import (
	"testing"

	"github.com/whycors/whycors/internal/probe"
)

// TestUnfinished: a record whose probe stopped after a passing preflight
// or before following a redirect has no reply for the rest, which a
// replay must not make up (found as a new user would: explain of such a
// record answered the PUT 200 and blocked it).
func TestUnfinished(t *testing.T) {
	for _, tc := range []struct {
		desc, data string
		want       bool
	}{
		{"the actual request withheld", `{"scenario":{},"probe":{"outcome":"preflight-passed","note":"the preflight passed"}}`, true},
		{"a redirect not followed", `{"scenario":{},"probe":{"outcome":"redirect-not-followed","note":"the reply redirects"}}`, true},
		{"a finished probe", `{"scenario":{},"probe":{"outcome":"blocked"}}`, false},
		{"a scenario, not a record", `{"request":{"origin":"https://a.test","url":"https://b.test/"}}`, false},
	} {
		if note, got := probe.Unfinished([]byte(tc.data)); got != tc.want || got && note == "" {
			t.Errorf("%s: Unfinished = %q, %v; want %v with the probe's note", tc.desc, note, got, tc.want)
		}
	}
}
