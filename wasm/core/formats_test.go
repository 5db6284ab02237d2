package main

import (
	"slices"
	"testing"

	_ "github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/policy"
)

// TestFullFormats: the page offers exactly the formats the full engine
// registers (engine/all is what wasm/full links).
func TestFullFormats(t *testing.T) {
	if got := policy.Names(); !slices.Equal(fullFormats, got) {
		t.Errorf("fullFormats = %q, want policy.Names() with engine/all = %q", fullFormats, got)
	}
}
