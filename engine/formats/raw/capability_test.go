package raw_test

import (
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/formats/raw"
	"github.com/whycors/whycors/engine/internal/postest"
)

// Pasted replies are what a server answered, not its rules
// (cloud-policies.md §6.5): conversion refuses them in these words.
func TestNoRules(t *testing.T) {
	n, ok := postest.Lookup(t, raw.Formats(), "raw").(convert.NoRules)
	if want := "captured replies are not a policy: there are no rules to convert"; !ok || n.NoRulesWhy() != want {
		t.Errorf("convert.NoRules %v, want %q", ok, want)
	}
}
