package fullformats_test

import (
	"slices"
	"testing"

	_ "github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/wasm/internal/fullformats"
)

// TestNames: the page offers exactly the formats the full engine
// registers (engine/all is what wasm/full links).
func TestNames(t *testing.T) {
	if got := policy.Names(); !slices.Equal(fullformats.Names, got) {
		t.Errorf("fullformats.Names = %q, want policy.Names() with engine/all = %q", fullformats.Names, got)
	}
}
