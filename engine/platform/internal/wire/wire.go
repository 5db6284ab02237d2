// Package wire holds the few request-reading steps every platform shares:
// splitting a header list value, finding the path of a request URL and the
// one-star wildcard match that S3 and its clones use.
package wire

import (
	"math/bits"
	"strconv"
	"strings"
	"unsafe"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/limits"
	cors "github.com/whycors/whycors/engine/wire"
)

// MaxText bounds every configuration text a reader accepts. No platform's
// config comes near it (S3's is limited to 64 KB, API_PutBucketCors).
const MaxText = limits.PolicyText

// TooLarge is the message for a text over MaxText.
const TooLarge = "configuration text is larger than 1 MiB"

// HeaderNames splits an Access-Control-Request-Headers value into names:
// split at commas, trim spaces and tabs, lowercase, drop empty items
// (cloud-policies.md §1.3: "content-type,,expires" -> "content-type, expires").
func HeaderNames(v string) []string {
	return AppendHeaderNames(nil, v)
}

// AppendHeaderNames appends the names of v, as HeaderNames splits them,
// to dst. With a dst on the caller's stack and lowercase names, as
// browsers send them, it allocates nothing.
func AppendHeaderNames(dst []string, v string) []string {
	for v != "" {
		p := v
		if i := strings.IndexByte(v, ','); i >= 0 {
			p, v = v[:i], v[i+1:]
		} else {
			v = ""
		}
		if p = lower(headers.TrimOWS(p)); p != "" {
			dst = append(dst, p)
		}
	}
	return dst
}

// lower is strings.ToLower for the ASCII header names of a request line,
// without its allocation when s is lowercase already.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}

// SplitURL returns the host, the path (with a leading "/") and the query
// of a request target: an absolute URL or an origin-form "/path?query".
// It does not decode anything; platforms compare the raw path.
func SplitURL(u string) (host, path, query string) {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		j := strings.IndexAny(rest, "/?#")
		if j < 0 {
			j = len(rest)
		}
		host, u = rest[:j], rest[j:]
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			host = host[at+1:]
		}
	}
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u, query = u[:i], u[i+1:]
	}
	if !strings.HasPrefix(u, "/") {
		u = "/" + u
	}
	return host, u, query
}

// StarMatch reports whether s matches pattern, where pattern holds at most
// one '*' that stands for any run of characters, the empty run included,
// and is anchored at both ends (cloud-policies.md §1.3: "prefix*" matches
// "prefix", "start*end" matches "startend"; len(s) must cover prefix and
// suffix so that "ab*ba" does not match "aba"). A pattern without '*' must
// equal s.
func StarMatch(pattern, s string) bool {
	i := strings.IndexByte(pattern, '*')
	if i < 0 {
		return pattern == s
	}
	prefix, suffix := pattern[:i], pattern[i+1:]
	return len(s) >= len(prefix)+len(suffix) && strings.HasPrefix(s, prefix) && strings.HasSuffix(s, suffix)
}

// Joined is strings.Join(list, sep), or cached when cached already
// holds exactly that join, as a value a reader joined once at parse time
// does, which then costs no allocation. A list built or changed after the
// join is joined again, so the cache is never stale.
func Joined(cached string, list []string, sep string) string {
	if IsJoined(cached, list, sep) {
		return cached
	}
	return strings.Join(list, sep)
}

// JoinedIn is strings.Join(list, sep) cut from a or b when either
// holds that text (a rule's own joined list, the request's header
// value), which then costs no allocation; else the join. The text is
// the same either way.
func JoinedIn(list []string, sep, a, b string) string {
	if len(list) < 2 {
		return strings.Join(list, sep)
	}
	n := len(sep) * (len(list) - 1)
	for _, e := range list {
		n += len(e)
	}
	for _, s := range [2]string{a, b} {
		for len(s) >= n {
			i := strings.Index(s[:len(s)-n+len(list[0])], list[0])
			if i < 0 {
				break
			}
			if IsJoined(s[i:i+n], list, sep) {
				return s[i : i+n]
			}
			s = s[i+1:]
		}
	}
	return strings.Join(list, sep)
}

// IsJoined reports whether s == strings.Join(list, sep), without
// building the join.
func IsJoined(s string, list []string, sep string) bool {
	for i, e := range list {
		if i > 0 {
			if !strings.HasPrefix(s, sep) {
				return false
			}
			s = s[len(sep):]
		}
		if !strings.HasPrefix(s, e) {
			return false
		}
		s = s[len(e):]
	}
	return s == ""
}

// Decimal is a number's decimal text, kept with the number it was made
// from, so that a reply can say a configured number (a max age) without
// strconv.Itoa's allocation.
type Decimal struct {
	text string
	of   int
}

// NewDecimal keeps n's decimal text.
func NewDecimal(n int) Decimal { return Decimal{strconv.Itoa(n), n} }

// Of returns n's decimal text: the kept one when d was made from n.
func (d Decimal) Of(n int) string {
	if d.text != "" && d.of == n {
		return d.text
	}
	return strconv.Itoa(n)
}

// Joins are the header values a configuration's lists make, joined with
// one separator when the configuration is read, so that a reply costs no
// join: give each to Joined (or Decimal.Of) with the list it was made
// from.
type Joins struct {
	Methods, Headers, Expose string
	MaxAge                   Decimal
}

// JoinAll joins methods, headers and expose with sep, and writes maxAge
// (nil: none).
func JoinAll(methods, headers, expose []string, maxAge *int, sep string) Joins {
	j := Joins{Methods: strings.Join(methods, sep), Headers: strings.Join(headers, sep), Expose: strings.Join(expose, sep)}
	if maxAge != nil {
		j.MaxAge = NewDecimal(*maxAge)
	}
	return j
}

// NewList returns an empty header list with room for n fields:
// scratch's backing array when it has that room (a caller's lent list,
// policy.Request.Scratch), else a new one.
func NewList(scratch headers.List, n int) headers.List {
	if cap(scratch) >= n {
		return scratch[:0]
	}
	return make(headers.List, 0, n)
}

// Same reports whether a and b are one string: the same bytes at the
// same place, which a text kept beside what was derived from it (a
// pattern's '*', a lowercased copy) compares with the list's item now,
// so that an item replaced since is seen in two comparisons.
// Micro-optimisation: comparing the text itself would cost a call.
func Same(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// Key is a digest of s that two equal strings share: three of its
// eight-byte words (first, middle and last) folded into one, or its
// bytes when it is shorter. Strings of one length whose keys differ
// differ, so a scan compares a few keys, kept with the strings, before
// any bytes; origins of one site differ mostly in their middle.
func Key(s string) uint64 {
	if len(s) < 8 {
		var k uint64
		for i := 0; i < len(s); i++ {
			k = k<<8 | uint64(s[i])
		}
		return k
	}
	m := (len(s) - 8) / 2
	return word(s) ^ bits.RotateLeft64(word(s[m:]), 21) ^ bits.RotateLeft64(word(s[len(s)-8:]), 42)
}

// word is s's first eight bytes, little-endian: one load.
func word(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// String is b as a string, without a copy: for a reader that fills b
// once and keeps it only as this string (as strings.Builder does), so
// that the text costs one allocation.
func String(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// QuoteList writes a configured list as a trace says it: each entry
// quoted, in brackets (["https://a.test", "*"]).
func QuoteList(list []string) string { return string(AppendQuoteList(nil, list)) }

// AppendQuoteList appends list as QuoteList writes it to b: a trace's
// words are written into one buffer, where quoting each entry and
// joining them cost an allocation each.
func AppendQuoteList(b []byte, list []string) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = AppendQuote(b, s)
	}
	return append(b, ']')
}

// AppendQuote is strconv.AppendQuote. Printable ASCII without a quote
// or a backslash, as configured origins and names are, is written as it
// is, between quotes, which is what strconv writes for it: it then
// costs no look-up of each character (strconv.IsPrint).
func AppendQuote(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// One is the trace of a platform with one rule: t alone, or nil when
// the caller reads no trace (policy.Request.NoTrace), which then costs
// no allocation.
func One(req cors.Request, t cors.Rule) []cors.Rule {
	if req.NoTrace {
		return nil
	}
	return []cors.Rule{t}
}
