package sdkpreset

import (
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/headers"
)

// TestWithSorts checks with's insertion sort against slices.SortFunc,
// which it replaced (to keep the sort out of the page's wasm), for every
// subset of the fields the presets add, in every order they come in.
func TestWithSorts(t *testing.T) {
	extra := []headers.Field{crc32, crc32Algo, octets, {Name: "content-type", Value: "text/plain"}, {Name: "x-amz-checksum-mode", Value: "ENABLED"}, {Name: "a-first", Value: "1"}, {Name: "zz-last", Value: "2"}}
	for mask := range 1 << len(extra) {
		var more []headers.Field
		for i, f := range extra {
			if mask&(1<<i) != 0 && (f.Name != "content-type" || !slices.ContainsFunc(more, func(g headers.Field) bool { return g.Name == f.Name })) {
				more = append(more, f)
			}
		}
		for _, m := range [][]headers.Field{more, reversed(more)} {
			want := append(slices.Clone(s3Signed), m...)
			slices.SortFunc(want, func(a, b headers.Field) int { return strings.Compare(a.Name, b.Name) })
			if got := with(m...); !slices.Equal(got, want) {
				t.Fatalf("with(%v) = %v, want %v", m, got, want)
			}
		}
	}
}

func reversed(l []headers.Field) []headers.Field {
	out := slices.Clone(l)
	slices.Reverse(out)
	return out
}
