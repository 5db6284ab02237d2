package words_test

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/internal/words"
)

// pieces are bits of header names and sentences, in ASCII and outside
// it: U+0130 lowercases to two runes, "\xff" is not UTF-8.
var pieces = []string{"", "a", "A", "Z", "k", "\u212a", "\u0130", "é", "É", "-", "@", "[", "\xff", " ", ", ",
	"Origin", "Access-Control-Allow-Origin", "content-type", "X-Api-Key", "The browser sends "}

func random(r *rand.Rand) string {
	parts := make([]string, 1+r.IntN(4))
	for i := range parts {
		parts[i] = pieces[r.IntN(len(pieces))]
	}
	return strings.Join(parts, "")
}

// TestArena: each sentence written in an arena is the one the standard
// library writes, and stays so while later sentences are written after
// it and the arena's buffer grows (an Arena hands out substrings of its
// buffer).
func TestArena(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 4))
	for _, room := range []int{-1, 0, 64, 4096} {
		var a words.Arena
		if room >= 0 {
			a.Use(make([]byte, 7, room+7)[7:])
		}
		arena(t, r, &a)
	}
}

func arena(t *testing.T, r *rand.Rand, a *words.Arena) {
	var got, want []string
	for range 20000 {
		var parts []string
		for n := r.IntN(5); n > 0; n-- {
			parts = append(parts, random(r))
		}
		switch r.IntN(5) {
		case 0:
			got, want = append(got, a.Cat(parts...)), append(want, strings.Join(parts, ""))
		case 1:
			n := r.IntN(2000) - 100
			got, want = append(got, a.Num(n)), append(want, strconv.Itoa(n))
		case 2:
			got, want = append(got, a.Join(parts, ", ")), append(want, strings.Join(parts, ", "))
		case 3:
			m := a.Mark()
			a.Write(parts...)
			a.WriteNum(len(parts))
			a.WriteJoin(parts, "; ")
			got, want = append(got, a.Since(m)), append(want, strings.Join(parts, "")+strconv.Itoa(len(parts))+strings.Join(parts, "; "))
		default:
			s := random(r)
			got, want = append(got, a.Lower(s)), append(want, strings.ToLower(s))
		}
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("sentence %d is %q, want %q", i, got[i], want[i])
		}
	}
}
