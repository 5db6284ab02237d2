// Package words holds the sentences of one explanation in one buffer.
//
// A verdict's steps say in words what the browser model compared: a few
// dozen sentences, titles and header lines per fetch. Concatenated one by
// one, each was an allocation of its own, and allocation and the
// collector were a quarter to a third of a verdict's time (issue 23). An
// Arena writes each sentence at the end of one buffer and hands it out as
// a substring of that buffer: a fetch's sentences cost an allocation or
// two.
//
// The strings stay as written: an Arena only ever appends to its buffer,
// and a string it handed out keeps the buffer it points into. Growing
// copies the bytes to a new buffer and leaves the old one to the strings
// already out, so no later write changes an earlier sentence. The buffer
// may start as room in a caller's own allocation (Use): a run's result
// holds the room for its sentences, so that they cost no allocation of
// their own.
package words

import (
	"strconv"
	"strings"
	"unsafe"
)

// Arena is one explanation's buffer of sentences. The zero value is an
// empty arena; Grow gives it room at once, Use room of the caller's.
//
// Its writers are not inlined: an append inlined at each of the model's
// many sentences cost the page's wasm about 100 KB (raw) more than the
// calls.
type Arena struct{ buf []byte }

// Use makes room the arena's buffer, to write in until it is full. The
// arena's strings point into room: the caller writes nothing there, ever.
func (a *Arena) Use(room []byte) { a.buf = room[:0] }

// Grow makes room for n more bytes.
func (a *Arena) Grow(n int) {
	if cap(a.buf)-len(a.buf) < n {
		a.buf = append(make([]byte, 0, len(a.buf)+n), a.buf...)
	}
}

// Mark is where the next sentence starts: Write and the other writers
// add to it, and Since returns what was written from Mark on, for a
// sentence written piece by piece. Between the two, nothing else may
// write in the arena: not Cat or Num in a writer's arguments (write
// WriteNum's number in its place), which would write before the writer.
func (a *Arena) Mark() int { return len(a.buf) }

// Since is what was written from mark on: a string of the buffer's bytes,
// not a copy, which no write changes.
func (a *Arena) Since(mark int) string {
	if mark == len(a.buf) {
		return ""
	}
	return unsafe.String(&a.buf[mark], len(a.buf)-mark)
}

// Write writes parts.
//
//go:noinline
func (a *Arena) Write(parts ...string) {
	// Appended to a local slice, stored back once: a.buf is in the heap,
	// and each store of it was most of the cost of a short part.
	b := a.buf
	for _, p := range parts {
		b = append(b, p...)
	}
	a.buf = b
}

// WriteField writes a header line after a line break: "\n", name, ": ",
// value, as Write does, with less work per part (a verdict shows a few
// dozen lines).
//
//go:noinline
func (a *Arena) WriteField(name, value string) {
	b := append(a.buf, '\n')
	b = append(b, name...)
	b = append(b, ':', ' ')
	a.buf = append(b, value...)
}

// Cat is the concatenation of parts.
func (a *Arena) Cat(parts ...string) string {
	m := a.Mark()
	a.Write(parts...)
	return a.Since(m)
}

// WriteNum writes n in decimal.
//
//go:noinline
func (a *Arena) WriteNum(n int) {
	a.buf = strconv.AppendInt(a.buf, int64(n), 10)
}

// Num is n in decimal, as strconv.Itoa writes it.
func (a *Arena) Num(n int) string {
	if 0 <= n && n < 100 {
		// strconv.Itoa allocates nothing below 100.
		return strconv.Itoa(n)
	}
	m := a.Mark()
	a.WriteNum(n)
	return a.Since(m)
}

// WriteJoin writes parts with sep between them.
//
//go:noinline
func (a *Arena) WriteJoin(parts []string, sep string) {
	b := a.buf
	for i, p := range parts {
		if i > 0 {
			b = append(b, sep...)
		}
		b = append(b, p...)
	}
	a.buf = b
}

// Join is strings.Join(parts, sep) (a single part is itself, not a copy).
func (a *Arena) Join(parts []string, sep string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	m := a.Mark()
	a.WriteJoin(parts, sep)
	return a.Since(m)
}

// Lowered is Lower(s) for lower, s lowercased by the caller: s itself
// when they are equal, else lower written in the arena.
//
//go:noinline
func (a *Arena) Lowered(s string, lower []byte) string {
	if string(lower) == s {
		return s
	}
	m := a.Mark()
	a.buf = append(a.buf, lower...)
	return a.Since(m)
}

// Lower is strings.ToLower(s): s itself when it has no uppercase
// letter, else written in the arena when it is ASCII.
//
//go:noinline
func (a *Arena) Lower(s string) string {
	// Copied, then lowercased in place: bytes not yet handed out.
	m := a.Mark()
	a.buf = append(a.buf, s...)
	upper := false
	for i := m; i < len(a.buf); i++ {
		switch c := a.buf[i]; {
		case c >= 0x80:
			// Unicode's lowercase, rare in a header name.
			a.buf = a.buf[:m]
			return strings.ToLower(s)
		case 'A' <= c && c <= 'Z':
			a.buf[i] = c + 'a' - 'A'
			upper = true
		}
	}
	if !upper {
		a.buf = a.buf[:m]
		return s
	}
	return a.Since(m)
}
