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
		r := o.Requests[p.Request]
		if p.Method != r.Method {
			t.Errorf("%s: method %s, recorded %s", p.Name, p.Method, r.Method)
		}
		var names []string
		for _, h := range p.Header {
			names = append(names, strings.ToLower(h.Name))
			if v, ok := r.Headers[strings.ToLower(h.Name)]; ok && h.Value != sdkpreset.StandIn && v != "…" && v != h.Value {
				t.Errorf("%s: %s: %q, recorded %q", p.Name, h.Name, h.Value, v)
			}
		}
		var recorded []string
		for k := range r.Headers {
			recorded = append(recorded, k)
		}
		sort.Strings(names)
		sort.Strings(recorded)
		if !slices.Equal(names, recorded) {
			t.Errorf("%s: headers %v, recorded %v", p.Name, names, recorded)
		}
		if q := slices.Sorted(slices.Values(p.Query)); !slices.Equal(q, r.Query) {
			t.Errorf("%s: query %v, recorded %v", p.Name, q, r.Query)
		}
		if !slices.Equal(nonNil(p.Reads), o.Reads) || !slices.Equal(nonNil(p.Needs), o.Needs) {
			t.Errorf("%s: reads %v needs %v, recorded reads %v needs %v", p.Name, p.Reads, p.Needs, o.Reads, o.Needs)
		}
	}
	if n < 8 {
		t.Errorf("only %d presets checked against recordings", n)
	}
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
