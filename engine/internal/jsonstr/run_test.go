package jsonstr_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/internal/jsonstr"
)

// TestEveryByteAtEveryOffset: AppendQuote tests and copies plain ASCII
// eight bytes a word (issue 23); each byte value, and each rune it escapes, at each
// offset of a longer plain string still comes out as encoding/json
// writes it, so no escape is skipped inside a run.
func TestEveryByteAtEveryOffset(t *testing.T) {
	var specials []string
	for c := 0; c < 256; c++ {
		specials = append(specials, string([]byte{byte(c)}))
	}
	specials = append(specials, "é", "\u2028", "\u2029", "😀", "\xff\xfe", "\xff\x1f", "é\x1f", "\x1f\xff")
	plain := strings.Repeat("abcdefgh", 3)
	for _, sp := range specials {
		// Every length of plain text around it, so that the byte falls in
		// a whole word, in the last word overlapping one already tested,
		// and in a string too short for a word; and twice, so that the
		// scan resumes after an escape.
		for n := 0; n <= len(plain); n++ {
			for off := 0; off <= n; off++ {
				for _, s := range []string{plain[:off] + sp + plain[off:n], plain[:off] + sp + sp + plain[off:n], sp + plain[:off] + sp + plain[off:n]} {
					want, _ := json.Marshal(s)
					if got := jsonstr.AppendQuote(nil, s); string(got) != string(want) {
						t.Fatalf("AppendQuote(%q) = %s, json.Marshal writes %s", s, got, want)
					}
				}
			}
		}
	}
}

// TestStringRunEveryByte: StringRun tests eight bytes a word (issue 23);
// each byte value at each offset of plain text, with text or nothing
// after it, stops it exactly where a byte-by-byte reading of RFC 8259 §7
// does.
func TestStringRunEveryByte(t *testing.T) {
	plain := strings.Repeat("abcdefgh", 3)
	for c := 0; c < 256; c++ {
		for n := 0; n <= len(plain); n++ {
			for off := 0; off <= n; off++ {
				for _, s := range []string{plain[:off] + string([]byte{byte(c)}) + plain[off:n], plain[:off] + "\xff" + string([]byte{byte(c)}) + plain[off:n]} {
					for from := 0; from <= off; from++ {
						want := from
						for want < len(s) && s[want] >= 0x20 && s[want] < 0x80 && s[want] != '"' && s[want] != '\\' {
							want++
						}
						if got := jsonstr.StringRun(s, from); got != want {
							t.Fatalf("StringRun(%q, %d) = %d, want %d", s, from, got, want)
						}
					}
				}
			}
		}
	}
}
