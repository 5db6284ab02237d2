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
// The strings stay as written: an Arena only ever appends (a
// strings.Builder), and a string it handed out keeps the buffer it points
// into. Growing copies the bytes to a new buffer and leaves the old one
// to the strings already out, so no later write changes an earlier
// sentence.
package words

import (
	"strconv"
	"strings"
)

// Arena is one explanation's buffer of sentences. The zero value is an
// empty arena; Grow gives it room at once.
//
// Its writers are not inlined: a strings.Builder's inlined writes, at
// each of the model's many sentences, cost the page's wasm far more code
// than the calls (scripts/bench/WASM-SIZE.md).
type Arena struct{ b strings.Builder }

// Grow makes room for n more bytes.
func (a *Arena) Grow(n int) { a.b.Grow(n) }

// Mark is where the next sentence starts: Write and the other writers
// add to it, and Since returns what was written from Mark on, for a
// sentence written piece by piece.
func (a *Arena) Mark() int { return a.b.Len() }

// Since is what was written from mark on.
func (a *Arena) Since(mark int) string { return a.b.String()[mark:] }

// Write writes parts.
//
//go:noinline
func (a *Arena) Write(parts ...string) {
	for _, p := range parts {
		a.b.WriteString(p)
	}
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
	var buf [20]byte
	a.b.Write(strconv.AppendInt(buf[:0], int64(n), 10))
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
func (a *Arena) WriteJoin(parts []string, sep string) {
	for i, p := range parts {
		if i > 0 {
			a.Write(sep, p)
		} else {
			a.Write(p)
		}
	}
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

// Lower is strings.ToLower(s): s itself when it has no uppercase
// letter, else written in the arena.
func (a *Arena) Lower(s string) string {
	var buf [64]byte
	lower, upper := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		lower = lower && c < 0x80
		upper = upper || 'A' <= c && c <= 'Z'
		if i < len(buf) {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
	}
	switch {
	case lower && !upper:
		return s
	case !lower || len(s) > len(buf):
		// Unicode's lowercase (rare in a header name), or a long name.
		return strings.ToLower(s)
	}
	m := a.Mark()
	a.b.Write(buf[:len(s)])
	return a.Since(m)
}
