package jsonstr_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/internal/jsonstr"
)

// TestEveryByteAtEveryOffset: AppendQuote copies runs of plain ASCII by
// a table (issue 23); each byte value, and each rune it escapes, at each
// offset of a longer plain string still comes out as encoding/json
// writes it, so no escape is skipped inside a run.
func TestEveryByteAtEveryOffset(t *testing.T) {
	var specials []string
	for c := 0; c < 256; c++ {
		specials = append(specials, string([]byte{byte(c)}))
	}
	specials = append(specials, "é", "\u2028", "\u2029", "😀", "\xff\xfe")
	plain := strings.Repeat("abcdefgh", 3)
	for _, sp := range specials {
		for off := 0; off <= 17; off++ {
			s := plain[:off] + sp + plain[off:]
			want, _ := json.Marshal(s)
			if got := jsonstr.AppendQuote(nil, s); string(got) != string(want) {
				t.Fatalf("AppendQuote(%q) = %s, json.Marshal writes %s", s, got, want)
			}
		}
	}
}
