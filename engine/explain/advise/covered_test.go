package advise

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
)

// TestCoveredIsLoweredGlob checks covered's byte-by-byte folding of
// ASCII against glob of the strings.ToLower copies it stands for.
func TestCoveredIsLoweredGlob(t *testing.T) {
	pats := []string{"", "*", "x-amz-*", "X-AMZ-*", " Content-Type ", "content-type", "x-*-by", "*-by", "x-amz-meta-*x", "**", "a*b*c", "Ä-*", "x-ü"}
	names := []string{"", "x-amz-meta-by", "X-Amz-Meta-By", "content-type", "CONTENT-TYPE", "x-by", "abc", "aXbYc", "ä-x", "Ä-x", "x-Ü", "x-ü"}
	for _, p := range pats {
		for _, n := range names {
			want := glob(strings.ToLower(strings.TrimSpace(p)), strings.ToLower(n), equal)
			if got := covered([]convert.Value{{Text: p}}, n); got != want {
				t.Errorf("covered(%q, %q) = %v, want %v", p, n, got, want)
			}
		}
	}
}
