// Package jsontext reads JSON into a small tree that remembers where each
// value starts, and writes JSON strings, without encoding/json. The
// explainer's scenario reader and verdict writer, the platform readers
// (engine/platform/internal/jsonpos) and the converter's locator use it so
// that neither the simulator's first wasm nor the worker links
// encoding/json and the reflect and fmt code it brings (about 240 KB of
// the wasm, brotli; see scripts/bench-site.sh).
//
// It reads RFC 8259 JSON as encoding/json does: the same documents are
// valid (FuzzParse checks against json.Valid), strings decode the same
// (escapes, surrogate pairs, invalid UTF-8 as U+FFFD), and duplicate keys
// are all kept in document order (a caller takes the last, as
// json.Unmarshal does). AppendString escapes as json.Marshal does.
package jsontext

import (
	"github.com/whycors/whycors/engine/internal/jsonstr"
	"github.com/whycors/whycors/engine/internal/stack"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the JSON type of a value.
type Kind uint8

// The JSON types.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

func (k Kind) String() string {
	if k > Object {
		return "a value"
	}
	return [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}[k]
}

// MaxDepth bounds the arrays and objects Parse lets nest in one another: a
// scenario nests five; the bound keeps a hostile input from using the
// stack.
const MaxDepth = 64

// Value is one JSON value and the byte offset where it starts.
type Value struct {
	Kind Kind
	Bool bool
	// Off is an int32 beside Kind and Bool, where an int took 8 bytes
	// of its own: a scenario's values fit a smaller size class (issue
	// 23). ParseString reads no text longer than MaxText, and every
	// reader's is far shorter (engine/limits: a HAR file 50 MB at most).
	Off    int32
	Str    string   // a String's text, or a Number's literal
	Items  []*Value // Array
	Keys   []string // Object, in document order
	Fields []*Value // Object, parallel to Keys
}

// Get returns the last field named key (json.Unmarshal keeps the last of
// duplicate keys). It is not inlined: every platform reader calls it at
// many places, and inlined there it cost the default edge worker 12 KB
// and the full simulator wasm 11 KB (2026-12-03, GOOS=js GOARCH=wasm go
// build -trimpath -ldflags='-s -w': worker 6,684,762 -> 6,673,029
// bytes); configurations are read once.
//
//go:noinline
func (v *Value) Get(key string) (*Value, bool) {
	if v == nil || v.Kind != Object {
		return nil, false
	}
	for i := len(v.Keys) - 1; i >= 0; i-- {
		if v.Keys[i] == key {
			return v.Fields[i], true
		}
	}
	return nil, false
}

// Int returns a Number as an int when it is a whole number that fits in
// 32 bits (every count, age and status code the engine reads does).
func (v *Value) Int() (int, bool) {
	if v == nil || v.Kind != Number {
		return 0, false
	}
	n, err := strconv.ParseInt(v.Str, 10, 32)
	if err != nil {
		return 0, false
	}
	return int(n), true
}

// Key appends an object key to a JSON path ("$.rules"): a key that is not
// a plain identifier is quoted in brackets ($["odd key"], $[""]), so that
// no key can spell another value's path.
func Key(path, key string) string {
	if key == "" {
		return path + `[""]`
	}
	for _, r := range key {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return path + "[" + strconv.Quote(key) + "]"
		}
	}
	return path + "." + key
}

// Index appends an array index to a JSON path ("$.rules[0]").
func Index(path string, i int) string {
	var b [24]byte
	return path + string(AppendIndex(b[:0], i))
}

// AppendIndex appends the array index Index writes after a path, "[i]",
// to b: for a reader that writes the paths of a list's items into one
// buffer.
func AppendIndex(b []byte, i int) []byte {
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(i), 10)
	return append(b, ']')
}

// SyntaxError is a fault in the JSON text at byte offset Off.
type SyntaxError struct {
	Off   int
	Msg   string // worded as encoding/json words it, where it has the fault
	Fault Fault
}

// Fault tells apart the faults a caller may word its own way.
type Fault uint8

// The faults.
const (
	// Invalid: the text is not JSON (RFC 8259) at Off.
	Invalid Fault = iota
	// TooDeep: an array or object at Off nests deeper than the bound; the
	// text may still be valid JSON.
	TooDeep
	// AfterValue: one whole value ends before Off, and more than white
	// space follows it.
	AfterValue
)

func (e *SyntaxError) Error() string { return e.Msg + " at offset " + strconv.Itoa(e.Off) }

// Reason words e for a reader's positioned error, as the JSON readers
// word it: "invalid JSON: " and the fault, "JSON " and how deep it nests,
// or "unexpected text after the JSON value".
func (e *SyntaxError) Reason() string {
	switch e.Fault {
	case TooDeep:
		return "JSON " + e.Msg
	case AfterValue:
		return "unexpected text after the JSON value"
	}
	return "invalid JSON: " + e.Msg
}

// Parse reads one JSON value filling data (whitespace around it allowed),
// nested at most MaxDepth arrays and objects deep.
func Parse(data []byte) (*Value, *SyntaxError) { return ParseString(string(data), MaxDepth) }

// MaxText bounds the text ParseString reads, so that each Value's
// offset fits its int32.
const MaxText = 1<<31 - 1

// ParseString reads one JSON value filling text, nested at most maxDepth
// arrays and objects deep. Strings without escapes share text's memory.
func ParseString(text string, maxDepth int) (*Value, *SyntaxError) {
	return parseString(text, maxDepth, nil)
}

// parseString is ParseString, its reserve taken from s when s is not nil
// (Scratch.ParseString).
func parseString(text string, maxDepth int, s *Scratch) (*Value, *SyntaxError) {
	if len(text) > MaxText {
		return nil, &SyntaxError{Off: MaxText, Msg: "text longer than 2 GiB"}
	}
	// The stacks of open containers' children and keys start on the
	// goroutine's stack (reserve): pushing onto them then stores no
	// pointer into the heap.
	var kids [stackRoom]*Value
	var keys [stackRoom]string
	o := &open{kids[:0], keys[:0]}
	p := &parser{b: text, max: maxDepth}
	p.reserve(s)
	i, _ := next(text, 0)
	v, i := p.value(i, 0, o)
	if v == nil {
		return nil, p.err
	}
	if i, _ = next(text, i); i < len(text) {
		p.badChar(i, " after the top-level value")
		p.err.Fault = AfterValue
		return nil, p.err
	}
	return v, nil
}

// parser reads one text. Its methods take the index of the byte they
// start at and return the index after what they read, where they kept it
// in the parser: held in a register, the index and the text's bounds cost
// a load and a store less at each of the few bytes a value's syntax tests
// (issue 23: a scenario's decoding 21,339 to 20,585 instructions).
type parser struct {
	b   string
	max int
	// slab[used:] holds the Values not handed out yet: a document's values come
	// a chunk at a time, not one allocation each.
	slab []Value
	used int
	// A container's children and keys move from their stacks (open) to
	// ptrSlab and keySlab once it closes, at their final length: a chunk
	// at a time, where appending to each container's own slices
	// allocated at every doubling (85% of a scenario's decoding
	// allocations, BenchmarkSpeed/part=decode).
	ptrSlab []*Value
	keySlab []string
	// chunk is how many values, children or keys a slab takes at a
	// time past the reserve: about one per 16 bytes of JSON text (a
	// scenario's header pairs are dense), within bounds.
	chunk int
	// err is the fault that stopped the parser. A method that meets one
	// sets it and returns -1 for the index, and value a nil Value: one
	// result less to pass back at each return, half a kilobyte of the
	// simulator's first wasm, whose results go through memory.
	err *SyntaxError
}

// open stacks the children and keys of the arrays and objects still
// open. It is apart from the parser, whose slabs' values the parser hands
// out: held there, the stacks' memory would escape with them (go build
// -gcflags=-m), and could not stay on the goroutine's stack.
type open struct {
	kids []*Value
	keys []string
}

// pushKid and pushKey push onto the stacks. They do not append: an
// append's result stored through o lets the stack's memory escape, as
// reslicing it in place does not.
func (o *open) pushKid(v *Value) {
	n := len(o.kids)
	if n == cap(o.kids) {
		grown := make([]*Value, n, 2*n+8)
		copy(grown, o.kids)
		o.kids = grown
	}
	o.kids = o.kids[:n+1]
	o.kids[n] = v
}

func (o *open) pushKey(k string) {
	n := len(o.keys)
	if n == cap(o.keys) {
		grown := make([]string, n, 2*n+8)
		copy(grown, o.keys)
		o.keys = grown
	}
	o.keys = o.keys[:n+1]
	o.keys[n] = k
}

// reserve sizes the parser's slabs for text in three allocations, from
// a count of its values and keys: a scenario's decoding took fourteen
// allocations growing them a chunk at a time, most of its collector's
// work (issue 23). A value follows each comma, '{' or '[' and a key
// precedes each colon, so the counts are at least the text's values and
// keys when it is valid JSON, and more by the commas, colons and
// brackets inside its strings and its empty containers (a few for a
// scenario: its URLs and lists of names); only a hint otherwise. Past
// maxReserve values the slabs grow by chunks as before, so that a
// hostile text of commas cannot make the parser allocate fifty times its
// length up front.
//
// The stacks of open containers' children and keys are not sized here:
// they hold the children of the containers open at once, far fewer
// than the text's values, and start on ParseString's stack, moving to
// the heap (pushKid, pushKey) only past stackRoom. Sized as the slabs,
// with them, they took half of the 1,344 bytes a scenario's decoding
// allocated for the two, and each push was a pointer store into the
// heap (issue 23, BenchmarkSpeed/part=decode).
func (p *parser) reserve(s *Scratch) {
	values := 1 + strings.Count(p.b, ",") + strings.Count(p.b, "{") + strings.Count(p.b, "[")
	values = min(values, maxReserve)
	p.chunk = min(max(len(p.b)/16, 8), 128)
	keys := min(strings.Count(p.b, ":"), values)
	if s != nil {
		p.slab, p.ptrSlab, p.keySlab = s.lend(values, keys)
		return
	}
	p.slab = make([]Value, values)
	p.ptrSlab = make([]*Value, values-1)
	p.keySlab = make([]string, keys)
}

// stackRoom is how many children and keys the open containers' stacks
// hold on the goroutine's stack: a scenario's open containers hold a
// dozen at most.
const stackRoom = 32

// maxReserve bounds the values reserve counts on: 100 KB of them.
const maxReserve = 1024

// popKids moves the children stacked since from to a slice of their own
// (capacity its length, so that a caller's append copies). It copies
// them one by one, not with stack.Pop: most containers have two or three
// children (a header's name and value), and Pop's copy and clear of
// pointers cost ten times the moves (issue 23). It leaves the moved
// pointers on the stack past its length: each is a child in the tree the
// parser returns, reachable from it anyway. An object's keys move with
// stack.Pop: a generic move for both brought its dictionaries, and
// with them Kind's methods, into the simulator's first wasm (1.2 KB).
func (p *parser) popKids(o *open, from int) []*Value {
	n := len(o.kids) - from
	if n > len(p.ptrSlab) {
		p.ptrSlab = make([]*Value, max(n, p.chunk))
	}
	out := p.ptrSlab[:n:n]
	p.ptrSlab = p.ptrSlab[n:]
	for i, k := range o.kids[from:] {
		out[i] = k
	}
	o.kids = o.kids[:from]
	return out
}

// newValue returns a Value at off from the slab. It counts the Values
// handed out (used) rather than reslicing the slab past each, which took
// three times the instructions (issue 23).
func (p *parser) newValue(off int) *Value {
	if p.used >= len(p.slab) {
		p.slab, p.used = make([]Value, p.chunk), 0
	}
	v := &p.slab[p.used]
	p.used++
	v.Off = int32(off)
	return v
}

// fail sets the fault msg at off and returns -1; not inlined, as
// badChar.
//
//go:noinline
func (p *parser) fail(off int, msg string) int {
	p.err = &SyntaxError{Off: off, Msg: msg}
	return -1
}

// end is the fault of a text that ends at off inside a value.
func (p *parser) end(off int) int { return p.fail(off, "unexpected end of JSON input") }

// badChar is the fault of the unexpected byte at off, worded as
// encoding/json words it: "invalid character 'x'" and where. It is not
// inlined: the parser's nine faults are rare, and one copy is smaller.
//
//go:noinline
func (p *parser) badChar(off int, where string) int {
	return p.fail(off, "invalid character "+quoteChar(p.b[off])+where)
}

// next returns the index of the first byte of b from i on that is not
// white space, and that byte (0 at the end of b: a caller tells the end
// from a NUL by the index). Every byte above ' ' ends it with one test,
// the common case: the parser calls it about four times a value, and a
// switch on the four spaces took a tenth of a scenario's decoding; the
// byte it returns spares each caller a test of the end and a load
// (issue 23).
func next(b string, i int) (int, byte) {
	for ; i < len(b); i++ {
		if c := b[i]; c > ' ' || c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return i, c
		}
	}
	return i, 0
}

// value reads the value at b[i], not white space, and returns it and
// the index after it, or nil and -1 at a fault (p.err); depth counts
// the arrays and objects around it. Its faults leave by two exits, end
// and bad (where says what the unexpected byte at i follows, when i is
// not the end), so that each fault is not a call of its own: one a call
// site, a dozen of them cost the simulator's first wasm a kilobyte.
func (p *parser) value(i, depth int, o *open) (*Value, int) {
	b := p.b
	var v, f *Value
	var k, where string
	var c byte
	if i >= len(b) {
		goto end
	}
	v = p.newValue(i)
	switch c = b[i]; {
	case c == '"':
		v.Kind = String
		if v.Str, i = p.str(i); i < 0 {
			return nil, i
		}
		return v, i
	case c == '{' || c == '[':
		if depth >= p.max {
			return nil, p.tooDeep(i)
		}
		// An object and an array are read by one loop, an object's
		// member its key and ':' before the element: a loop each, each
		// with its copy of the string and pop code, cost the simulator's
		// first wasm 4.5 KB for 3% fewer instructions (issue 23).
		obj, closer := c == '{', byte(']')
		if v.Kind = Array; obj {
			v.Kind, closer = Object, '}'
		}
		if i, c = next(b, i+1); c == closer {
			return v, i + 1
		}
		kids, keys := len(o.kids), len(o.keys)
		for {
			if obj {
				if c != '"' {
					where = " looking for beginning of object key string"
					goto bad
				}
				if j := jsonstr.StringRun(b, i+1); j < len(b) && b[j] == '"' {
					k, i = b[i+1:j], j+1
				} else if k, i = p.str(i); i < 0 {
					return nil, i
				}
				if i, c = next(b, i); c != ':' {
					where = " after object key"
					goto bad
				}
				o.pushKey(k)
				i, c = next(b, i+1)
			}
			// A string, as the key above and most of a scenario's
			// values, is read here rather than by a call of str or value
			// (issue 23).
			if c == '"' {
				f = p.newValue(i)
				f.Kind = String
				if j := jsonstr.StringRun(b, i+1); j < len(b) && b[j] == '"' {
					f.Str, i = b[i+1:j], j+1
				} else if f.Str, i = p.str(i); i < 0 {
					return nil, i
				}
			} else if f, i = p.value(i, depth+1, o); f == nil {
				return nil, i
			}
			o.pushKid(f)
			if i, c = next(b, i); c == closer {
				if kids := p.popKids(o, kids); obj {
					v.Keys, v.Fields = stack.Pop(&o.keys, &p.keySlab, keys, p.chunk/2), kids
				} else {
					v.Items = kids
				}
				return v, i + 1
			}
			if c != ',' {
				if where = " after array element"; obj {
					where = " after object key:value pair"
				}
				goto bad
			}
			if i, c = next(b, i+1); c == closer {
				// The fault a hand-edited policy has most (a member or
				// an element deleted, its comma left): encoding/json
				// words it as a missing key or value.
				where = " after a comma: JSON allows no comma before a closing bracket; remove the comma"
				goto bad
			}
		}
	case c == '-' || c >= '0' && c <= '9':
		j := p.number(i)
		if j < 0 {
			return nil, j
		}
		v.Kind, v.Str = Number, b[i:j]
		return v, j
	case c == 't':
		v.Kind, v.Bool = Bool, true
		return p.literal(v, i, "true")
	case c == 'f':
		v.Kind = Bool
		return p.literal(v, i, "false")
	case c == 'n':
		return p.literal(v, i, "null")
	}
	where = " looking for beginning of value"
bad:
	// The byte where the fault is, or the end of the text.
	if i < len(b) {
		return nil, p.badChar(i, where)
	}
end:
	return nil, p.end(i)
}

// tooDeep is the fault of an array or object at off nested deeper than
// p.max; not inlined, as badChar.
//
//go:noinline
func (p *parser) tooDeep(off int) int {
	p.err = &SyntaxError{Off: off, Msg: "nested deeper than " + strconv.Itoa(p.max) + " levels", Fault: TooDeep}
	return -1
}

// literal reads word at b[i], v's value.
func (p *parser) literal(v *Value, i int, word string) (*Value, int) {
	for k := 0; k < len(word); k++ {
		if i >= len(p.b) {
			return nil, p.end(i)
		}
		if p.b[i] != word[k] {
			return nil, p.badChar(i, " in literal "+word)
		}
		i++
	}
	return v, i
}

// number checks the RFC 8259 §6 grammar of the number at b[i] and
// returns the index after it.
func (p *parser) number(i int) int {
	b := p.b
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if digits() == 0 {
		return p.fail(i, "invalid character in numeric literal")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return p.fail(i, "invalid character after decimal point in numeric literal")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return p.fail(i, "invalid character in exponent of numeric literal")
		}
	}
	return i
}

// str reads the string at b[i], its opening quote (RFC 8259 §7). The
// common case, no escape and valid UTF-8, is a slice of the text, which
// value reads without a call of str; str reads the others.
func (p *parser) str(i int) (string, int) {
	b, start := p.b, i+1
	if i = jsonstr.StringRun(b, start); i < len(b) && b[i] == '"' {
		return b[start:i], i + 1
	}
	out := append([]byte(nil), b[start:i]...)
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			return string(out), i + 1
		case c < 0x20:
			return "", p.badChar(i, " in string literal")
		case c == '\\':
			var fault jsonstr.EscapeFault
			out, i, fault = jsonstr.AppendEscape(out, b, i)
			switch fault {
			case jsonstr.EscapeEnd:
				return "", p.end(i)
			case jsonstr.EscapeHex:
				return "", p.fail(i, "invalid character in \\u hexadecimal character escape")
			case jsonstr.EscapeChar:
				return "", p.badChar(i, " in string escape code")
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(b[i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, b[i:i+size]...)
			}
			i += size
		}
	}
	return "", p.end(i)
}

func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	return strconv.QuoteRuneToASCII(rune(c))
}

// AppendString appends s as a JSON string, escaped exactly as json.Marshal
// does (jsonstr.AppendQuote).
func AppendString(b []byte, s string) []byte { return jsonstr.AppendQuote(b, s) }
