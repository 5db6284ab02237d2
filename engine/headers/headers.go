// Package headers implements the Fetch standard's header list: an ordered
// list of (name, value) pairs whose names compare byte-case-insensitively
// (https://fetch.spec.whatwg.org/#concept-header-list).
//
// Every part of the engine passes headers as a List, so that the order the
// page gave them in, repeated lines and the exact bytes of each value survive
// until a browser check or a platform evaluator looks at them.
package headers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/internal/jsonstr"
)

// Field is one header line.
type Field struct {
	Name  string
	Value string
}

// List is a header list in order. The zero value is an empty list.
type List []Field

// Get returns the combined value of name: every value of that name, in
// order, joined with ", " (https://fetch.spec.whatwg.org/#concept-header-list-get).
// ok is false when the list has no such header, which the CORS check treats
// differently from an empty value.
func (l List) Get(name string) (value string, ok bool) {
	// One line, as most are: its value as it is, with no copy.
	first := -1
	for i, f := range l {
		if otherName(f.Name, name) || !EqualFold(f.Name, name) {
			continue
		}
		if first >= 0 {
			return l.join(name, first), true
		}
		first = i
	}
	if first < 0 {
		return "", false
	}
	return l[first].Value, true
}

// join is Get for a name on several lines, from the first one's index.
func (l List) join(name string, first int) string {
	var b strings.Builder
	b.WriteString(l[first].Value)
	for _, f := range l[first+1:] {
		if EqualFold(f.Name, name) {
			b.WriteString(", ")
			b.WriteString(f.Value)
		}
	}
	return b.String()
}

// Values returns the value of every line named name, in order.
func (l List) Values(name string) []string {
	var out []string
	for _, f := range l {
		if EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// Count returns how many lines are named name. Firefox blocks an
// Access-Control-Allow-Origin sent on two lines even when their combined
// value would look like a list, so callers need the line count.
func (l List) Count(name string) int {
	n := 0
	for _, f := range l {
		if EqualFold(f.Name, name) {
			n++
		}
	}
	return n
}

// Has reports whether name is in the list.
func (l List) Has(name string) bool {
	for _, f := range l {
		if !otherName(f.Name, name) && EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}

// Clone returns a copy that shares no backing array with l, so that a
// caller may append to it without touching l (rs/cors issue #198).
func (l List) Clone() List {
	if l == nil {
		return nil
	}
	return append(List(make([]Field, 0, len(l))), l...)
}

// Add appends a line.
func (l *List) Add(name, value string) { *l = append(*l, Field{name, value}) }

// Del removes every line named name.
func (l *List) Del(name string) {
	out := (*l)[:0]
	for _, f := range *l {
		if !EqualFold(f.Name, name) {
			out = append(out, f)
		}
	}
	*l = out
}

// Set replaces every line named name by one line with value, at the
// position of the first one (or at the end).
func (l *List) Set(name, value string) {
	for i, f := range *l {
		if EqualFold(f.Name, name) {
			(*l)[i].Value = value
			rest := (*l)[i+1:]
			rest.Del(name)
			*l = (*l)[:i+1+len(rest)]
			return
		}
	}
	l.Add(name, value)
}

// MarshalJSON writes the list as [["Name", "value"], ...], the shape of the
// scenario contract (shared/design.md).
func (l List) MarshalJSON() ([]byte, error) {
	return l.AppendJSON(make([]byte, 0, 2+len(l)*32)), nil
}

// AppendJSON appends the list as MarshalJSON writes it ([] for an empty or
// nil list), for writers that build one buffer.
func (l List) AppendJSON(b []byte) []byte {
	b = append(b, '[')
	for i, f := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = jsonstr.AppendQuote(b, f.Name)
		b = append(b, ',')
		b = jsonstr.AppendQuote(b, f.Value)
		b = append(b, ']')
	}
	return append(b, ']')
}

// UnmarshalJSON accepts [["Name", "value"], ...] and, for hand-written
// scenarios, an object {"Name": "value"} (read in the order written, which
// JSON itself does not promise to keep). null leaves the list empty.
//
// It reads the value itself rather than through encoding/json's
// reflection, which would cost every shell that links the engine.
func (l *List) UnmarshalJSON(data []byte) error {
	r := reader{t: string(data)}
	r.space()
	if strings.HasPrefix(r.t[r.i:], "null") {
		*l = nil
		return nil
	}
	out := List{}
	switch r.peek() {
	case '[':
		r.i++
		for n := 0; ; n++ {
			if r.space(); r.peek() == ']' && n == 0 {
				r.i++
				break
			}
			if !r.expect('[', "want [name, value]") {
				return r.err
			}
			name, ok := r.str()
			if ok {
				ok = r.expect(',', "want [name, value]: a comma after the name")
			}
			var value string
			if ok {
				value, ok = r.str()
			}
			if !ok || !r.expect(']', "want [name, value]: two strings") {
				return errors.New("header " + strconv.Itoa(n) + ": " + r.err.Error())
			}
			out = append(out, Field{name, value})
			if r.space(); r.peek() == ',' {
				r.i++
				continue
			}
			if !r.expect(']', "want , or ] after a header") {
				return r.err
			}
			break
		}
	case '{':
		r.i++
		for n := 0; ; n++ {
			if r.space(); r.peek() == '}' && n == 0 {
				r.i++
				break
			}
			name, ok := r.str()
			if !ok || !r.expect(':', "want : after a header name") {
				return r.err
			}
			value, ok := r.str()
			if !ok {
				return errors.New("header " + strconv.Quote(name) + ": value must be a string")
			}
			out = append(out, Field{name, value})
			if r.space(); r.peek() == ',' {
				r.i++
				continue
			}
			if !r.expect('}', "want , or } after a header") {
				return r.err
			}
			break
		}
	default:
		return errors.New("headers: want a list of [name, value] pairs or an object")
	}
	if r.space(); r.i != len(r.t) {
		return errors.New("headers: unexpected text after the list")
	}
	*l = out
	return nil
}

// reader walks one JSON value of the shapes UnmarshalJSON accepts.
type reader struct {
	t   string
	i   int
	err error
}

func (r *reader) space() {
	for r.i < len(r.t) && (r.t[r.i] == ' ' || r.t[r.i] == '\t' || r.t[r.i] == '\n' || r.t[r.i] == '\r') {
		r.i++
	}
}

func (r *reader) peek() byte {
	if r.i < len(r.t) {
		return r.t[r.i]
	}
	return 0
}

func (r *reader) expect(c byte, msg string) bool {
	r.space()
	if r.peek() != c {
		r.err = errors.New(msg)
		return false
	}
	r.i++
	return true
}

// str reads a string; null reads as "", as encoding/json reads null into a
// string.
func (r *reader) str() (string, bool) {
	r.space()
	if strings.HasPrefix(r.t[r.i:], "null") {
		r.i += 4
		return "", true
	}
	n, err := jsonstr.Scan(r.t[r.i:])
	if err != nil {
		r.err = errors.New("want a string")
		return "", false
	}
	s, err := jsonstr.Unquote(r.t[r.i : r.i+n])
	if err != nil {
		r.err = err
		return "", false
	}
	r.i += n
	return s, true
}

// otherName is EqualFold(name, want)'s first test, small enough to be
// inlined where a list's lookup looks at each line: last bytes that are
// ASCII and differ in more than the case bit (0x20), so are not one
// letter in two cases (nor any two equal ASCII characters). It rejects
// most lines of a list without a call.
func otherName(name, want string) bool {
	return len(name) > 0 && len(want) > 0 && (name[len(name)-1]|want[len(want)-1]) < 0x80 && name[len(name)-1]|0x20 != want[len(want)-1]|0x20
}

// EqualFold is strings.EqualFold, which the list's names are compared
// with, faster. First a look at the last bytes: two names whose last
// bytes are ASCII and differ but for case are not equal (an ASCII byte is
// a whole rune, and EqualFold compares rune by rune to the last), which
// rejects "Access-Control-Request-Method" against "-Headers" at once
// instead of after 23 equal bytes. Names of one length are then compared
// as bytes, and past their first eight-byte words that are equal, byte
// by byte with ASCII's fold up to a differing byte that is not ASCII,
// from which EqualFold compares them from the start.
func EqualFold(s, t string) bool {
	if otherName(s, t) {
		return false
	}
	if len(s) != len(t) {
		// Two ASCII characters fold to each other only if they are one
		// byte each, and a character outside ASCII is two bytes or more:
		// names of different lengths fold together only through such a
		// character in the longer one (U+212A KELVIN SIGN folds to "k").
		long := t
		if len(s) > len(t) {
			long = s
		}
		if IsASCII(long) {
			return false
		}
		return strings.EqualFold(s, t)
	}
	if s == t {
		// The name as written, as browsers and the engine send them:
		// one comparison of the bytes, many at a time.
		return true
	}
	i := 0
	for i+8 <= len(s) && word(s, i) == word(t, i) {
		i += 8 // eight equal bytes at a time ("https://", "Access-C")
	}
	for ; i < len(s); i++ {
		a, b := s[i], t[i]
		if a == b {
			continue
		}
		if a|b >= 0x80 {
			return strings.EqualFold(s, t)
		}
		if lowerASCII(a) != lowerASCII(b) {
			return false
		}
	}
	return true
}

// IsASCII reports whether s is all ASCII: where a name or value is,
// byte comparison with ASCII's case fold is strings.EqualFold's answer.
func IsASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		// Eight bytes at a time: a header name is mostly longer.
		if word(s, i)&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// word is s[i:i+8] as one number: one load.
func word(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// VaryHas reports whether a Vary value lists the header name, compared
// case-insensitively, or is "*" (RFC 9110 §12.5.5).
func VaryHas(vary, name string) bool {
	for more := true; more; {
		var p string
		p, vary, more = strings.Cut(vary, ",")
		if p = strings.TrimSpace(p); p == "*" || strings.EqualFold(p, name) {
			return true
		}
	}
	return false
}
