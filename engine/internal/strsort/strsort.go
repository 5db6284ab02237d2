// Package strsort sorts a []string in place by heapsort: the few lines
// the engine needs where sort.Strings would bring the standard
// library's generic pattern-defeating quicksort into the page's wasm
// for three calls (3.2 KB brotli, scripts/bench/WASM-SIZE.md). The lists
// it sorts are header names, short; heapsort keeps a long, hostile one
// at n log n all the same.
package strsort

// Strings sorts s in increasing byte order, as sort.Strings does. It is
// not stable, which equal strings cannot tell.
func Strings(s []string) {
	n := len(s)
	for i := n/2 - 1; i >= 0; i-- {
		down(s, i, n)
	}
	for end := n - 1; end > 0; end-- {
		s[0], s[end] = s[end], s[0]
		down(s, 0, end)
	}
}

// down sifts s[i] down the max-heap held in s[:n].
func down(s []string, i, n int) {
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && s[c+1] > s[c] {
			c++
		}
		if s[i] >= s[c] {
			return
		}
		s[i], s[c] = s[c], s[i]
		i = c
	}
}
