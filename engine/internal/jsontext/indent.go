package jsontext

import "strconv"

// Indented writes JSON laid out as json.MarshalIndent(v, "", "  ") lays
// it out, member by member, for the conversion writers: each member of
// an array or object on a line of its own, indented two spaces a level,
// "key": value with one space, and an empty array or object as [] or {}
// on one line. Strings are escaped as json.Marshal escapes them
// (AppendString). A writer writes its members in its format's order and
// leaves out what json's omitempty would; TestIndentedMatchesMarshalIndent
// holds the layout to encoding/json's.
//
// The methods a writer calls for every member are marked noinline (a
// size optimisation): a writer is a long run of such calls, and inlining
// them cost the simulator's full wasm 19 KB (5,962,638 bytes against
// 5,943,721, GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w'
// ./wasm/full); a conversion is not a hot path.
type Indented struct {
	b     []byte
	depth int
	empty bool // the innermost open array or object has no member yet
	key   bool // a key was written; its value comes next, on its line
}

// Open starts an array ('[') or an object ('{').
//
//go:noinline
func (w *Indented) Open(c byte) {
	w.member()
	w.b = append(w.b, c)
	w.depth++
	w.empty = true
}

// Close ends the innermost array (']') or object ('}').
//
//go:noinline
func (w *Indented) Close(c byte) {
	w.depth--
	if !w.empty {
		w.newline()
	}
	w.b = append(w.b, c)
	w.empty = false
}

// Key starts an object member; its value is written next.
//
//go:noinline
func (w *Indented) Key(k string) {
	w.member()
	w.b = AppendString(w.b, k)
	w.b = append(w.b, ':', ' ')
	w.key = true
}

// String writes a string value.
func (w *Indented) String(s string) {
	w.member()
	w.b = AppendString(w.b, s)
}

// Strings writes a list of strings: null for a nil list, as json.Marshal
// writes a nil slice, [] for an empty one.
//
//go:noinline
func (w *Indented) Strings(l []string) {
	if l == nil {
		w.member()
		w.b = append(w.b, "null"...)
		return
	}
	w.Open('[')
	for _, s := range l {
		w.String(s)
	}
	w.Close(']')
}

// StringsOmitEmpty writes the member key: l unless l is empty, as
// json.Marshal writes a list field tagged omitempty.
//
//go:noinline
func (w *Indented) StringsOmitEmpty(key string, l []string) {
	if len(l) > 0 {
		w.Key(key)
		w.Strings(l)
	}
}

// StringOmitEmpty writes the member key: s unless s is "", as
// json.Marshal writes a string field tagged omitempty.
//
//go:noinline
func (w *Indented) StringOmitEmpty(key, s string) {
	if s != "" {
		w.Key(key)
		w.String(s)
	}
}

// IntOmitNil writes the member key: *n unless n is nil, as json.Marshal
// writes a pointer field tagged omitempty.
//
//go:noinline
func (w *Indented) IntOmitNil(key string, n *int) {
	if n != nil {
		w.Key(key)
		w.Int(*n)
	}
}

// Int writes a whole number.
func (w *Indented) Int(n int) {
	w.member()
	w.b = strconv.AppendInt(w.b, int64(n), 10)
}

// Bool writes true or false.
func (w *Indented) Bool(v bool) {
	w.member()
	w.b = strconv.AppendBool(w.b, v)
}

// Text returns what has been written.
func (w *Indented) Text() string { return string(w.b) }

// member places the next value: after its key, or on a line of its own
// inside an array or object (after a comma unless it is the first).
func (w *Indented) member() {
	if w.key {
		w.key = false
		return
	}
	if w.depth == 0 {
		return
	}
	if !w.empty {
		w.b = append(w.b, ',')
	}
	w.empty = false
	w.newline()
}

func (w *Indented) newline() {
	w.b = append(w.b, '\n')
	for i := 0; i < w.depth; i++ {
		w.b = append(w.b, ' ', ' ')
	}
}
