package strsort

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// Strings agrees with slices.Sort on every length up to 40 and on
// lists with repeats, the sorted and the reversed case included.
func TestStringsAgreesWithSlicesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"", "a", "A", "accept", "content-type", "x-amz-meta-owner", "x-b", "x-a", "\xff"}
	for n := 0; n <= 40; n++ {
		for round := 0; round < 20; round++ {
			in := make([]string, n)
			for i := range in {
				in[i] = words[r.IntN(len(words))]
			}
			switch round {
			case 0:
				slices.Sort(in)
			case 1:
				slices.Sort(in)
				slices.Reverse(in)
			}
			want := slices.Clone(in)
			slices.Sort(want)
			got := slices.Clone(in)
			Strings(got)
			if !slices.Equal(got, want) {
				t.Fatalf("Strings(%q) = %q, want %q", in, got, want)
			}
		}
	}
}

func FuzzStrings(f *testing.F) {
	f.Add("b,a,c,a")
	f.Fuzz(func(t *testing.T, joined string) {
		in := strings.Split(joined, ",")
		want := slices.Clone(in)
		slices.Sort(want)
		Strings(in)
		if !slices.Equal(in, want) {
			t.Fatalf("got %q, want %q", in, want)
		}
	})
}
