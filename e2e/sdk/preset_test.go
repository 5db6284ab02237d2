package sdk_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/sdkpreset"
)

// TestPresetsMatchRecordings: every recorded preset of engine/sdkpreset
// is its recording's request: the method, the request headers the SDK
// sets (every name, and each value the preset states), the query's
// parameter names, and the response headers the SDK reads and needs.
// It reads testdata/recordings.json only (no browser): a preset that
// drifts from what the SDK was recorded doing fails here.
func TestPresetsMatchRecordings(t *testing.T) {
	rec := readRecordings(t)
	byName := map[string]Recording{}
	for _, o := range rec.Operations {
		byName[o.Name] = o
	}
	n := 0
	for _, p := range sdkpreset.Presets() {
		if !p.Recorded {
			if p.Source == "" || p.Recording != "" {
				t.Errorf("%s: a preset without a recording cites its documentation and names no recording", p.Name)
			}
			continue
		}
		o, ok := byName[p.Recording]
		if !ok || p.Request >= len(o.Requests) {
			t.Errorf("%s: no request %d in recording %q", p.Name, p.Request, p.Recording)
			continue
		}
		n++
		for _, q := range p.Flow() {
			if q.Request >= len(o.Requests) {
				t.Errorf("%s: no request %d in recording %q", p.Name, q.Request, p.Recording)
				continue
			}
			matchRequest(t, p.Name+" "+q.Label(), q, o.Requests[q.Request])
		}
		if len(p.Others) > 0 {
			// An operation of several requests names each the SDK sent
			// (a preflight aside), so that a new one in a re-recording
			// fails here rather than go unchecked.
			flow := p.Flow()
			for i, r := range o.Requests {
				if r.Method != "OPTIONS" && !slices.ContainsFunc(flow, func(q sdkpreset.Request) bool {
					return q.Method == r.Method && slices.Equal(slices.Sorted(slices.Values(q.Query)), r.Query)
				}) {
					t.Errorf("%s: recorded request %d (%s ?%s) is no request of the preset's flow", p.Name, i, r.Method, strings.Join(r.Query, "&"))
				}
			}
		}
		if !slices.Equal(nonNil(p.Reads), o.Reads) || !slices.Equal(nonNil(p.Needs), o.Needs) {
			t.Errorf("%s: reads %v needs %v, recorded reads %v needs %v", p.Name, p.Reads, p.Needs, o.Reads, o.Needs)
		}
	}
	if n < 8 {
		t.Errorf("only %d presets checked against recordings", n)
	}
}

// matchRequest holds one request of a preset to its recording: the
// method, every header name the SDK set and each value the preset
// states, and the query's parameter names.
func matchRequest(t *testing.T, name string, q sdkpreset.Request, r Request) {
	t.Helper()
	if q.Method != r.Method {
		t.Errorf("%s: method %s, recorded %s", name, q.Method, r.Method)
	}
	var names []string
	for _, h := range q.Header {
		names = append(names, strings.ToLower(h.Name))
		if v, ok := r.Headers[strings.ToLower(h.Name)]; ok && h.Value != sdkpreset.StandIn && v != "…" && v != h.Value {
			t.Errorf("%s: %s: %q, recorded %q", name, h.Name, h.Value, v)
		}
	}
	var recorded []string
	for k := range r.Headers {
		recorded = append(recorded, k)
	}
	sort.Strings(names)
	sort.Strings(recorded)
	if !slices.Equal(names, recorded) {
		t.Errorf("%s: headers %v, recorded %v", name, names, recorded)
	}
	if s := slices.Sorted(slices.Values(q.Query)); !slices.Equal(s, r.Query) {
		t.Errorf("%s: query %v, recorded %v", name, s, r.Query)
	}
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
