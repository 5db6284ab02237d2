package limits_test

import (
	"encoding/json"
	"testing"

	"github.com/whycors/whycors/engine/limits"
)

// TestJSON: limits.JSON says what the constants say.
func TestJSON(t *testing.T) {
	var got map[string]int
	if err := json.Unmarshal([]byte(limits.JSON), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"scenario": limits.Scenario, "policy_text": limits.PolicyText, "har": limits.HAR, "page_har": limits.PageHAR, "link": limits.Link}
	if len(got) != len(want) {
		t.Errorf("JSON has %d fields, want %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("JSON %s = %d, want %d", k, got[k], v)
		}
	}
}
