package headers

import (
	"math/rand"
	"strings"
	"testing"
)

// TestEqualFold: equalFold answers as strings.EqualFold, which the
// list compared names with, on names that differ in case, in length, in
// their last byte, and through the non-ASCII runes that fold to ASCII
// letters (the Kelvin sign and the long s).
func TestEqualFold(t *testing.T) {
	parts := []string{"a", "A", "k", "K", "\u212a", "s", "S", "\u017f", "-", "_", "@", "`", "[", "{", "é", "É", "ÿ", "Ÿ", "\xc3", "\xa9", "\xff", ""}
	rng := rand.New(rand.NewSource(1))
	word := func() string {
		var b strings.Builder
		for n := rng.Intn(5); n > 0; n-- {
			b.WriteString(parts[rng.Intn(len(parts))])
		}
		return b.String()
	}
	for i := 0; i < 200000; i++ {
		s, u := word(), word()
		if got, want := equalFold(s, u), strings.EqualFold(s, u); got != want {
			t.Fatalf("equalFold(%q, %q) = %v, strings.EqualFold %v", s, u, got, want)
		}
	}
	for _, c := range [][2]string{{"Access-Control-Request-Method", "access-control-request-headers"}, {"Origin", "ORIGIN"}, {"k", "\u212a"}, {"ſ", "S"}} {
		if equalFold(c[0], c[1]) != strings.EqualFold(c[0], c[1]) {
			t.Errorf("equalFold(%q, %q) differs from strings.EqualFold", c[0], c[1])
		}
	}
}
