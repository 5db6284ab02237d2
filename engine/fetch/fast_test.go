package fetch_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
)

// fastNames are header names and pieces that fold in ASCII and outside
// it: U+212A KELVIN SIGN folds to "k", U+017F LATIN SMALL LETTER LONG S
// to "s", U+0130 lowercases to two runes.
var fastNames = []string{"", "a", "A", "k", "K", "\u212a", "s", "S", "\u017f", "\u0130", "i", "é", "É", "-", "_", "@", "`", "[", "{", "\xff",
	"Origin", "origin", "Access-Control-Allow-Origin", "access-control-allow-origin", "Access-Control-Allow-Credentials",
	"Set-Cookie", "Content-Type", "X-Api-Key", "Location", "acce\u017f\u017f-control-allow-origin", "Loc\u212aation"}

// randomName strings pieces of fastNames together.
func randomName(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(4); n >= 0; n-- {
		b.WriteString(fastNames[r.IntN(len(fastNames))])
	}
	return b.String()
}

// TestNameIs: the browser model's header-name comparison answers as
// strings.EqualFold for every ASCII name it looks for, over names that
// fold inside and outside ASCII.
func TestNameIs(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 1))
	var asciiNames []string
	for _, n := range fastNames {
		if fetch.IsToken(n) || n == "" {
			asciiNames = append(asciiNames, n, strings.ToLower(n), strings.ToUpper(n))
		}
	}
	for range 200000 {
		name := randomName(r)
		for _, a := range []string{asciiNames[r.IntN(len(asciiNames))], strings.ToUpper(name), strings.ToLower(name)} {
			if !headers.IsASCII(a) {
				continue
			}
			if got, want := fetch.NameIs(name, a), strings.EqualFold(name, a); got != want {
				t.Fatalf("nameIs(%q, %q) = %v, strings.EqualFold says %v", name, a, got, want)
			}
		}
	}
}

// TestLowerInto: the lowercase the model compares header names by is
// strings.ToLower's, for every kind of name.
func TestLowerInto(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 2))
	for range 200000 {
		name := randomName(r)
		var buf [32]byte
		if got, want := string(fetch.LowerInto(buf[:0], name)), strings.ToLower(name); got != want {
			t.Fatalf("lowerInto(%q) = %q, strings.ToLower says %q", name, got, want)
		}
	}
}

// TestJoinIn: a sentence joined in one allocation is the one the
// concatenation wrote.
func TestJoinIn(t *testing.T) {
	for _, parts := range [][]string{nil, {}, {""}, {"a"}, {"a", "b"}, {"x-api-key", "", "content-type"}} {
		for _, sep := range []string{"", ", ", "; "} {
			want := "because " + strings.Join(parts, sep) + "."
			if got := fetch.JoinIn("because ", parts, sep, "."); got != want {
				t.Errorf("joinIn(%q, %q) = %q, want %q", parts, sep, got, want)
			}
		}
	}
}

// TestTrim: the model's trims are strings.Trim's.
func TestTrim(t *testing.T) {
	pieces := []string{"", " ", "\t", "\r", "\n", "a", "a b", "\x00", "é", "\v", "\f"}
	r := rand.New(rand.NewPCG(23, 3))
	for range 100000 {
		var b strings.Builder
		for n := r.IntN(6); n >= 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := fetch.TrimOWS(s), strings.Trim(s, " \t"); got != want {
			t.Fatalf("TrimOWS(%q) = %q, want %q", s, got, want)
		}
		if got, want := fetch.TrimHTTPWS(s), strings.Trim(s, " \t\r\n"); got != want {
			t.Fatalf("trimHTTPWS(%q) = %q, want %q", s, got, want)
		}
	}
}
