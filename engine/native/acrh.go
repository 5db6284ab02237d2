package native

import (
	"slices"
	"strings"

	"github.com/whycors/whycors/engine/headers"
)

// Bounds on Access-Control-Request-Headers. A browser sends the CORS-unsafe
// header names of the request, lowercased, sorted, de-duplicated and joined
// with "," (https://fetch.spec.whatwg.org/#cors-preflight-fetch, step 5),
// so a real preflight is short. rs/cors 1.9 to 1.10 spent 127 ms and
// 121 MB on one hostile value (rs/cors#170); these limits make the check
// linear in the input and refuse anything larger outright.
const (
	MaxACRHBytes   = 8192 // all lines together
	MaxACRHNames   = 128  // names, counting repeats
	maxACRHEmpties = 16   // empty elements tolerated (",," and trailing commas)
	// Intermediaries split the list into lines: API Gateway (rs/cors#184),
	// and syumai/workers, which splits every request header value at each
	// comma (internal/jshttp/header.go ToHeader), so in the edge worker
	// there is one line per name and lines are bounded like names.
	maxACRHLines = MaxACRHNames
)

// ACRHResult is what checking a preflight's Access-Control-Request-Headers
// found.
type ACRHResult struct {
	OK bool
	// Allow is the value for Access-Control-Allow-Headers: the requested
	// names, lowercased and joined with ",". It is the request's own string
	// when that is already in that form, as browsers send it.
	Allow string
	// Bad is the first requested name the rule does not allow, or a
	// description of the limit the value broke, when !OK.
	Bad string
}

// CheckACRH checks the lines of a preflight's Access-Control-Request-Headers
// against an allow-list of lowercase, sorted names (or any name when any is
// true). Names compare case-insensitively (RFC 9110 §5.1); optional
// whitespace, empty elements, repeats and several lines are tolerated, within
// the limits above. The work is linear in the input's length (times the
// logarithm of the allow-list's length) and allocates only when the value
// is not already lowercase, comma-joined and on one line.
func CheckACRH(lines []string, allowed []string, any bool) ACRHResult {
	return checkACRH(lines, allowed, any, 0)
}

func checkACRH(lines []string, allowed []string, any bool, maxLen int) ACRHResult {
	if len(lines) > maxACRHLines {
		return ACRHResult{Bad: "more than 128 Access-Control-Request-Headers lines"}
	}
	total := 0
	for _, l := range lines {
		total += len(l)
	}
	if total > MaxACRHBytes {
		return ACRHResult{Bad: "Access-Control-Request-Headers longer than 8192 bytes"}
	}
	clean := len(lines) == 1
	names, empties, next := 0, 0, 0
	for _, l := range lines {
		for {
			// One pass over the element finds its end (the next ',') and
			// the classes of its bytes; an element with a space or a tab
			// in it, which no browser sends, is trimmed and classed again.
			j, class := scanElem(l)
			elem, rest, more := l[:j], "", j < len(l)
			if more {
				rest = l[j+1:]
			}
			trimmed := elem
			if class&classOWS != 0 {
				trimmed = headers.TrimOWS(elem)
				if len(trimmed) != len(elem) {
					clean = false
				}
				class = 0
				for k := 0; k < len(trimmed); k++ {
					class |= nameClass[trimmed[k]]
				}
			}
			if trimmed == "" {
				clean = false
				empties++
				if empties > maxACRHEmpties {
					return ACRHResult{Bad: "more than 16 empty elements in Access-Control-Request-Headers"}
				}
			} else {
				names++
				if names > MaxACRHNames {
					return ACRHResult{Bad: "more than 128 names in Access-Control-Request-Headers"}
				}
				if class&classBad != 0 {
					return ACRHResult{Bad: trimmed}
				}
				upper := class&classUpper != 0
				if upper {
					clean = false
				}
				if !any {
					ok := false
					switch {
					case maxLen > 0 && len(trimmed) > maxLen:
					case upper:
						ok = inFoldSet(allowed, trimmed)
					default:
						ok, next = inSorted(allowed, trimmed, next)
					}
					if !ok {
						return ACRHResult{Bad: trimmed}
					}
				}
			}
			if !more {
				break
			}
			l = rest
		}
	}
	if names == 0 {
		return ACRHResult{OK: true}
	}
	if clean {
		return ACRHResult{OK: true, Allow: lines[0]}
	}
	// Rebuild the list: only for values no browser sends (upper case,
	// spaces, empty elements, several lines).
	var b strings.Builder
	for _, l := range lines {
		for _, e := range strings.Split(l, ",") {
			e = headers.TrimOWS(e)
			if e == "" {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(lowerASCII(e))
		}
	}
	return ACRHResult{OK: true, Allow: b.String()}
}

// scanElem returns the length of s's first element (up to the first ','
// or the end) and the bits of its bytes' nameClass.
//
// Micro-optimisation: kept out of line so that its loop keeps the index
// and the class in registers; inlined into checkACRH, both were spilled
// to the stack on every byte (a preflight asking for 10 headers: 6,038
// instructions inlined, 5,422 out of line, scripts/bench/instr.sh).
//
//go:noinline
func scanElem(s string) (int, byte) {
	var class byte
	for j := 0; j < len(s); j++ {
		c := s[j]
		if c == ',' {
			return j, class
		}
		class |= nameClass[c]
	}
	return len(s), class
}

// nameClass classes the bytes of a header name: classBad for a byte
// that is no tchar (RFC 9110 §5.6.2), classUpper for A to Z, and
// classOWS too for the space and the tab of optional whitespace
// (RFC 9110 §5.6.3), which checkACRH trims from each element.
var nameClass = func() (t [256]byte) {
	for c := range t {
		switch {
		case c == ' ' || c == '\t':
			t[c] = classBad | classOWS
		case !isTchar(byte(c)):
			t[c] = classBad
		case c >= 'A' && c <= 'Z':
			t[c] = classUpper
		}
	}
	return t
}()

const (
	classBad   = 1
	classUpper = 2
	classOWS   = 4
)

// inSorted reports whether name, lowercase, is in set, a sorted list of
// lowercase names, looking from set[from] on first: browsers send the
// names sorted (https://fetch.spec.whatwg.org/#cors-preflight-fetch,
// step 5), so the names of one request walk set once, in order. A name
// out of that order is searched in the whole set. It returns where the
// next name's walk starts; the walk moves only forward, so a request's
// names cost at most len(set) steps besides one binary search each.
func inSorted(set []string, name string, from int) (bool, int) {
	// The name the walk stands on first: when a request asks for every
	// header the rule lists, each name is found here, with one equality
	// test (lengths first) instead of an ordering comparison and then one.
	if from < len(set) && set[from] == name {
		return true, from + 1
	}
	for from < len(set) && set[from] < name {
		from++
	}
	if from < len(set) && set[from] == name {
		return true, from + 1
	}
	_, ok := slices.BinarySearch(set, name)
	return ok, from
}

// inFoldSet reports whether name, in any case, is in set, a sorted list of
// lowercase names. Binary search, comparing name lowercased byte by byte,
// so nothing is allocated.
func inFoldSet(set []string, name string) bool {
	lo, hi := 0, len(set)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := compareLower(set[m], name); {
		case c == 0:
			return true
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return false
}

// compareLower compares a (lowercase) with b lowercased.
func compareLower(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		cb := b[i]
		if cb >= 'A' && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if a[i] != cb {
			if a[i] < cb {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}
