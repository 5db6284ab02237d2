package native

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/internal/jsonstr"
	"github.com/whycors/whycors/engine/limits"
)

// A small JSON reader that keeps the byte offset of every value, so that a
// fault found while validating a policy can be reported with its line and
// column as well as its JSON path. encoding/json's decoder reports the
// position of syntax errors only, not of unknown fields or of values that
// decode but fail validation.

// Bounds on the input: a hand-written policy is a few kilobytes, and the
// worker reads it once at start. These keep hostile input cheap.
const (
	maxInputBytes = limits.PolicyText // whole document
	maxDepth      = 16                // nesting of arrays and objects
	maxStringLen  = 4096              // one string value, in bytes after decoding
	maxItems      = 10000             // items in one array
	maxMembers    = 64                // fields in one object (a rule has a dozen)
)

type kind uint8

const (
	kNull kind = iota
	kBool
	kNumber
	kString
	kArray
	kObject
)

func (k kind) String() string {
	return [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}[k]
}

// node is one JSON value and where it starts in the text.
type node struct {
	kind   kind
	offset int
	b      bool
	s      string // string value, or the literal text of a number
	items  []*node
	keys   []member // object members in document order
}

type member struct {
	name   string
	offset int // offset of the key
	value  *node
}

// syntaxError is a fault that stops reading: the position is all we know.
type syntaxError struct {
	offset int
	msg    string
}

type jsonReader struct {
	text string
	pos  int
	err  *syntaxError
}

func parseJSON(text string) (*node, *syntaxError) {
	if len(text) > maxInputBytes {
		return nil, &syntaxError{0, "policy is " + strconv.Itoa(len(text)) + " bytes; at most " + strconv.Itoa(maxInputBytes) + " are read"}
	}
	r := &jsonReader{text: text}
	r.skipSpace()
	n := r.value(0)
	if r.err != nil {
		return nil, r.err
	}
	r.skipSpace()
	if r.pos < len(r.text) {
		return nil, &syntaxError{r.pos, "unexpected " + r.describe() + " after the top-level value"}
	}
	return n, nil
}

func (r *jsonReader) fail(msg string) *node {
	if r.err == nil {
		r.err = &syntaxError{r.pos, msg}
	}
	return nil
}

func (r *jsonReader) describe() string {
	if r.pos >= len(r.text) {
		return "end of input"
	}
	c := r.text[r.pos]
	if c < 0x20 || c >= 0x7f {
		return "byte 0x" + strconv.FormatUint(uint64(c), 16)
	}
	return strconv.Quote(string(c))
}

func (r *jsonReader) skipSpace() {
	for r.pos < len(r.text) {
		switch r.text[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

func (r *jsonReader) value(depth int) *node {
	if depth > maxDepth {
		return r.fail("nested deeper than " + strconv.Itoa(maxDepth) + " levels")
	}
	if r.pos >= len(r.text) {
		return r.fail("unexpected end of input, want a value")
	}
	start := r.pos
	switch c := r.text[r.pos]; {
	case c == '{':
		return r.object(depth)
	case c == '[':
		return r.array(depth)
	case c == '"':
		s, ok := r.str()
		if !ok {
			return nil
		}
		return &node{kind: kString, offset: start, s: s}
	case c == 't':
		return r.literal("true", &node{kind: kBool, offset: start, b: true})
	case c == 'f':
		return r.literal("false", &node{kind: kBool, offset: start})
	case c == 'n':
		return r.literal("null", &node{kind: kNull, offset: start})
	case c == '-' || (c >= '0' && c <= '9'):
		return r.number()
	default:
		return r.fail("unexpected " + r.describe() + ", want a value")
	}
}

func (r *jsonReader) literal(word string, n *node) *node {
	if !strings.HasPrefix(r.text[r.pos:], word) {
		return r.fail("invalid literal, want " + word)
	}
	r.pos += len(word)
	return n
}

// number scans the JSON number grammar (RFC 8259 §6) and keeps its text.
func (r *jsonReader) number() *node {
	start := r.pos
	t := r.text
	digits := func() int {
		n := 0
		for r.pos < len(t) && t[r.pos] >= '0' && t[r.pos] <= '9' {
			r.pos++
			n++
		}
		return n
	}
	if t[r.pos] == '-' {
		r.pos++
	}
	if r.pos < len(t) && t[r.pos] == '0' {
		r.pos++
	} else if digits() == 0 {
		return r.fail("invalid number")
	}
	if r.pos < len(t) && t[r.pos] == '.' {
		r.pos++
		if digits() == 0 {
			return r.fail("invalid number: want digits after the decimal point")
		}
	}
	if r.pos < len(t) && (t[r.pos] == 'e' || t[r.pos] == 'E') {
		r.pos++
		if r.pos < len(t) && (t[r.pos] == '+' || t[r.pos] == '-') {
			r.pos++
		}
		if digits() == 0 {
			return r.fail("invalid number: want digits in the exponent")
		}
	}
	if r.pos-start > 64 {
		r.pos = start
		return r.fail("number longer than 64 characters")
	}
	return &node{kind: kNumber, offset: start, s: t[start:r.pos]}
}

// str scans a string token and decodes it with encoding/json, so escapes
// follow JSON exactly (not Go's strconv rules).
func (r *jsonReader) str() (string, bool) {
	start := r.pos
	t := r.text
	r.pos++ // opening quote
	plain := true
	for {
		if r.pos >= len(t) {
			r.pos = start
			r.fail("unterminated string")
			return "", false
		}
		c := t[r.pos]
		if c == '"' {
			r.pos++
			break
		}
		if c < 0x20 {
			r.fail("control character in string (escape it)")
			return "", false
		}
		if c == '\\' {
			plain = false
			r.pos++
			if r.pos >= len(t) {
				continue
			}
		} else if c >= 0x80 {
			plain = false
		}
		r.pos++
	}
	raw := t[start:r.pos]
	if r.pos-start-2 > maxStringLen*6 {
		r.pos = start
		r.fail("string longer than " + strconv.Itoa(maxStringLen) + " bytes")
		return "", false
	}
	var s string
	if plain {
		s = raw[1 : len(raw)-1]
	} else if u, err := jsonstr.Unquote(raw); err != nil {
		r.pos = start
		r.fail("invalid string: " + err.(*jsonstr.Error).Msg)
		return "", false
	} else {
		s = u
	}
	if len(s) > maxStringLen {
		r.pos = start
		r.fail("string longer than " + strconv.Itoa(maxStringLen) + " bytes")
		return "", false
	}
	return s, true
}

func (r *jsonReader) array(depth int) *node {
	n := &node{kind: kArray, offset: r.pos}
	r.pos++
	r.skipSpace()
	if r.pos < len(r.text) && r.text[r.pos] == ']' {
		r.pos++
		return n
	}
	for {
		r.skipSpace()
		v := r.value(depth + 1)
		if r.err != nil {
			return nil
		}
		if len(n.items) == maxItems {
			r.pos = v.offset
			return r.fail("array longer than " + strconv.Itoa(maxItems) + " items")
		}
		n.items = append(n.items, v)
		r.skipSpace()
		if r.pos >= len(r.text) {
			return r.fail("unexpected end of input in array, want ',' or ']'")
		}
		switch r.text[r.pos] {
		case ',':
			r.pos++
		case ']':
			r.pos++
			return n
		default:
			return r.fail("unexpected " + r.describe() + " in array, want ',' or ']'")
		}
	}
}

func (r *jsonReader) object(depth int) *node {
	n := &node{kind: kObject, offset: r.pos}
	r.pos++
	r.skipSpace()
	if r.pos < len(r.text) && r.text[r.pos] == '}' {
		r.pos++
		return n
	}
	for {
		r.skipSpace()
		if r.pos >= len(r.text) || r.text[r.pos] != '"' {
			return r.fail("unexpected " + r.describe() + " in object, want a quoted field name")
		}
		koff := r.pos
		k, ok := r.str()
		if !ok {
			return nil
		}
		if len(n.keys) == maxMembers {
			r.pos = koff
			return r.fail("object with more than " + strconv.Itoa(maxMembers) + " fields")
		}
		for _, m := range n.keys {
			if m.name == k {
				r.pos = koff
				return r.fail("field " + strconv.Quote(k) + " appears twice")
			}
		}
		r.skipSpace()
		if r.pos >= len(r.text) || r.text[r.pos] != ':' {
			return r.fail("unexpected " + r.describe() + " after field name, want ':'")
		}
		r.pos++
		r.skipSpace()
		v := r.value(depth + 1)
		if r.err != nil {
			return nil
		}
		n.keys = append(n.keys, member{k, koff, v})
		r.skipSpace()
		if r.pos >= len(r.text) {
			return r.fail("unexpected end of input in object, want ',' or '}'")
		}
		switch r.text[r.pos] {
		case ',':
			r.pos++
		case '}':
			r.pos++
			return n
		default:
			return r.fail("unexpected " + r.describe() + " in object, want ',' or '}'")
		}
	}
}
