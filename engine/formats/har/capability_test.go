package har_test

import (
	"errors"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/formats/har"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/policy"
)

// A HAR holds what the browser received, not the server's rules
// (cloud-policies.md §6.6): converting one is refused, naming the format,
// in the words of its NoRulesWhy.
func TestNoRules(t *testing.T) {
	f := postest.Lookup(t, har.Formats(), "har")
	if _, ok := f.(convert.NoRules); !ok {
		t.Fatal("har is not a convert.NoRules")
	}
	_, err := convert.Read(policy.NewRegistry(f), chromeHAR, "har")
	var ce *convert.Error
	if !errors.As(err, &ce) || ce.Msg != "har: captured replies are not a policy: there are no rules to convert" {
		t.Errorf("convert.Read: %v", err)
	}
}
