package policy_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/policy"
)

// naiveLineCol is LineCol as the definition says it: one plus the
// newlines before offset, and the bytes since the last of them.
func naiveLineCol(text string, offset int) (int, int) {
	offset = max(0, min(offset, len(text)))
	return 1 + strings.Count(text[:offset], "\n"), offset - strings.LastIndexByte(text[:offset], '\n')
}

// TestLineColIndexed: LineCol agrees with the definition on short texts and on
// long ones (where it keeps an index of the last text), at every kind of
// offset (0, on a newline, just after one, the end and past it),
// including when texts of one length and a text and its prefix take
// turns.
func TestLineColIndexed(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	text := func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			if r.IntN(30) == 0 {
				b.WriteString("\n\n")
			}
			b.WriteString(strings.Repeat("x", r.IntN(80)) + "\n")
		}
		return b.String()[:n]
	}
	long1, long2, short := text(50000), text(50000), text(300)
	for _, c := range []struct {
		desc string
		text string
	}{
		{desc: "a short text (no index)", text: short},
		{desc: "a long text", text: long1},
		{desc: "another long text of the same length", text: long2},
		{desc: "a prefix of the first, sharing its bytes", text: long1[:40000]},
		{desc: "the first again", text: long1},
		{desc: "no newline at all", text: strings.Repeat("y", 9000)},
		{desc: "only newlines", text: strings.Repeat("\n", 9000)},
		{desc: "empty", text: ""},
	} {
		offs := []int{0, 1, len(c.text) - 1, len(c.text), len(c.text) + 5, -1}
		for i := range 200 {
			if len(c.text) > 0 {
				offs = append(offs, r.IntN(len(c.text)))
			}
			if k := strings.Index(c.text[min(i*97, len(c.text)):], "\n"); k >= 0 {
				offs = append(offs, i*97+k, i*97+k+1)
			}
		}
		for _, off := range offs {
			l, col := policy.LineCol(c.text, off)
			wl, wc := naiveLineCol(c.text, off)
			if l != wl || col != wc {
				t.Fatalf("%s: LineCol(offset %d) = %d:%d, want %d:%d", c.desc, off, l, col, wl, wc)
			}
		}
	}
}

// BenchmarkLineCol asks for the position of every 30th byte of a 1 MiB
// text, as a reader does for each value of a long document.
func BenchmarkLineCol(b *testing.B) {
	text := strings.Repeat(`    "Key": "a value of some length",`+"\n", 1<<20/36)
	for b.Loop() {
		for off := 0; off < len(text); off += 30 {
			policy.LineCol(text, off)
		}
	}
}

// TestLineCursorAgrees: a cursor answers as LineCol for every offset of
// texts with and without a last newline, asked in order, backwards and
// out of range (LineCol clamps).
func TestLineCursorAgrees(t *testing.T) {
	for _, text := range []string{"", "\n", "a", "{\n  \"a\": 1,\n\n  \"b\": [\"x\"]\n}", "one\r\ntwo\nthree\n"} {
		c := policy.NewLineCursor(text)
		offsets := []int{-1}
		for i := 0; i <= len(text)+1; i++ {
			offsets = append(offsets, i)
		}
		for i := len(text) + 1; i >= -1; i-- {
			offsets = append(offsets, i)
		}
		for _, off := range offsets {
			wl, wc := policy.LineCol(text, off)
			if l, col := c.LineCol(off); l != wl || col != wc {
				t.Errorf("%q at %d: cursor %d:%d, LineCol %d:%d", text, off, l, col, wl, wc)
			}
		}
	}
}
