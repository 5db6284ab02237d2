package rscors

import (
	"net/textproto"
	"sort"
	"strings"
)

func canonical(s string) string { return textproto.CanonicalMIMEHeaderKey(s) }

// sortedSet is the allowed request headers as rs/cors v1.11.1 keeps them
// (internal/sortedset.go): unique lower-case names in sorted order, each
// with its rank, and the longest name's length.
type sortedSet struct {
	rank   map[string]int
	maxLen int
}

func newSortedSet(names []string) sortedSet {
	s := append([]string(nil), names...)
	sort.Strings(s)
	set := sortedSet{rank: map[string]int{}}
	for _, n := range s {
		if _, dup := set.rank[n]; dup {
			continue
		}
		set.rank[n] = len(set.rank)
		set.maxLen = max(set.maxLen, len(n))
	}
	return set
}

// accepts is SortedSet.Accepts: the Access-Control-Request-Headers lines
// hold, in order, names of the set in strictly increasing rank, each with
// at most one space or tab on either side, and at most 16 empty elements
// across all lines. A comma is looked for only within the longest name
// plus three bytes, so a longer element is one name that does not match.
func (set sortedSet) accepts(lines []string) bool {
	window := set.maxLen + 3
	last, empties := -1, 0
	for _, s := range lines {
		for {
			name, rest, comma := cut(s, window)
			s = rest
			name, ok := trimOWS(name)
			if !ok {
				return false
			}
			if name == "" {
				empties++
				if empties > 16 {
					return false
				}
			} else {
				r, in := set.rank[name]
				if !in || r <= last {
					return false
				}
				last = r
			}
			if !comma {
				break
			}
		}
	}
	return true
}

func cut(s string, window int) (string, string, bool) {
	if i := strings.IndexByte(s[:min(len(s), window)], ','); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// trimOWS trims OWS (spaces and tabs) from the right, then the left:
// after one byte from an end, a second is trimmed too, but anything
// left after two is a refusal (trimRightOWS and trimLeftOWS with n = 1).
func trimOWS(s string) (string, bool) {
	isOWS := func(c byte) bool { return c == ' ' || c == '\t' }
	for i := 0; len(s) > 0; i++ {
		if i > 1 {
			return "", false
		}
		if !isOWS(s[len(s)-1]) {
			break
		}
		s = s[:len(s)-1]
	}
	for i := 0; len(s) > 0; i++ {
		if i > 1 {
			return "", false
		}
		if !isOWS(s[0]) {
			break
		}
		s = s[1:]
	}
	return s, true
}
