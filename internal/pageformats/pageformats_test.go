package pageformats_test

import (
	"slices"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/internal/pageformats"
)

// TestSameAsAll: the page reads every format of engine/all but those it
// leaves out with a reason, so a format added to engine/all reaches the
// page too (or is listed in Left).
func TestSameAsAll(t *testing.T) {
	var want []string
	for _, n := range all.Registry().Names() {
		if _, left := pageformats.Left[n]; !left {
			want = append(want, n)
		}
	}
	got := pageformats.Registry().Names()
	if !slices.Equal(got, want) {
		t.Errorf("the page reads\n%v\nengine/all without Left is\n%v", got, want)
	}
	for n := range pageformats.Left {
		if _, ok := all.Registry().Lookup(n); !ok {
			t.Errorf("Left names %q, which engine/all does not list", n)
		}
	}
}
