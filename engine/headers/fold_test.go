package headers

import (
	"math/rand"
	"strings"
	"testing"
)

// TestEqualFold: EqualFold answers as strings.EqualFold, which the
// list compared names with, on names that differ in case, in length, in
// their last byte, and through the non-ASCII runes that fold to ASCII
// letters (the Kelvin sign and the long s).
func TestEqualFold(t *testing.T) {
	parts := []string{"https://", "HTTPS://", "access-control-", "Access-Control-", "a", "A", "k", "K", "\u212a", "s", "S", "\u017f", "-", "_", "@", "`", "[", "{", "é", "É", "ÿ", "Ÿ", "\xc3", "\xa9", "\xff", ""}
	rng := rand.New(rand.NewSource(1))
	word := func() string {
		var b strings.Builder
		for n := rng.Intn(14); n > 0; n-- {
			b.WriteString(parts[rng.Intn(len(parts))])
		}
		return b.String()
	}
	// like is s with some letters' case changed and some bytes replaced:
	// a name of about its length that EqualFold may or may not match.
	like := func(s string) string {
		b := []byte(s)
		for i := range b {
			switch rng.Intn(8) {
			case 0:
				b[i] ^= 0x20
			case 1:
				b[i] = "aK\xc3-"[rng.Intn(4)]
			}
		}
		return string(b)
	}
	for i := 0; i < 200000; i++ {
		s, u := word(), word()
		if i%2 == 0 {
			u = like(s)
		}
		if got, want := EqualFold(s, u), strings.EqualFold(s, u); got != want {
			t.Fatalf("EqualFold(%q, %q) = %v, strings.EqualFold %v", s, u, got, want)
		}
	}
	for _, c := range [][2]string{{"Access-Control-Request-Method", "access-control-request-headers"}, {"Origin", "ORIGIN"}, {"k", "\u212a"}, {"ſ", "S"}} {
		if EqualFold(c[0], c[1]) != strings.EqualFold(c[0], c[1]) {
			t.Errorf("EqualFold(%q, %q) differs from strings.EqualFold", c[0], c[1])
		}
	}
}
