// Package jsonstr reads and writes JSON strings (RFC 8259 §7) without
// encoding/json, whose reflection costs the worker and the page a
// megabyte of WebAssembly and tens of milliseconds of start-up. The few
// engine packages that only ever read and write strings, lists of them and
// objects of them use this instead.
package jsonstr

import (
	"math/bits"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

const hex = "0123456789abcdef"

// AppendQuote appends s as a JSON string, escaped as json.Marshal does:
// ", \ and control characters; <, > and & as \u003c, \u003e, \u0026 (safe
// inside HTML); U+2028 and U+2029 (line separators to JavaScript); and
// invalid UTF-8 as U+FFFD.
//
// Most of a verdict's strings need no escape: AppendQuote tests and
// copies them a word of eight bytes at a time in one pass, and hands a
// string to appendEscaped at the first word that may need one (issue 23:
// scanning first and copying after cost a verdict's encoding a second
// pass and a memmove call for each of its 150 strings, 30 bytes on
// average). A string's last word overlaps the one before it, a string
// of four to seven bytes is two overlapping halves, and a shorter one is
// tested byte by byte.
//
// The words are read and written through addresses (unsafe.Add) rather
// than slices of s and b: bounds checks and the slices' pointers, length
// and capacity left the loop too few registers, so that it reloaded four
// of them from the stack every word. Each address is inside b[n+1:] and
// s, whose lengths are checked once (b was made len(s)+2 longer above),
// and each word is a [8]byte the compiler reads and writes with one move
// where the processor allows unaligned ones (issue 23: 45,347 to 40,321
// instructions for the verdict's encoding, scripts/bench/instr.sh
// engine/explain 'Speed/part=encode$' 2000).
func AppendQuote(b []byte, s string) []byte {
	n := len(b)
	if cap(b)-n < len(s)+2 {
		b = grow(b, len(s)+2)
	}
	b = b[:n+len(s)+2]
	b[n] = '"'
	b[len(b)-1] = '"'
	if len(s) >= 8 {
		src := unsafe.Pointer(unsafe.StringData(s))
		dst := unsafe.Pointer(&b[n+1])
		last := len(s) - 8 // the start of the last word
		i := 0
		for ; i < last; i += 8 {
			x := le64((*[8]byte)(unsafe.Add(src, i)))
			if quoteMask(x) != 0 {
				return appendEscaped(b[:n+1+i], s, i)
			}
			putLE64((*[8]byte)(unsafe.Add(dst, i)), x)
		}
		// The last word, less the i-last bytes before i: those are
		// plain, and a borrow (quoteMask) only marks bytes after a
		// marked one.
		x := le64((*[8]byte)(unsafe.Add(src, last)))
		if quoteMask(x)>>(8*(i-last)) != 0 {
			return appendEscaped(b[:n+1+i], s, i)
		}
		putLE64((*[8]byte)(unsafe.Add(dst, last)), x)
		return b
	}
	d := b[n+1 : n+1+len(s)]
	if len(s) >= 4 {
		lo, hi := load4(s), load4(s[len(s)-4:])
		if quoteMask(lo|hi<<32) != 0 {
			return appendEscaped(b[:n+1], s, 0)
		}
		store4(d, lo)
		store4(d[len(s)-4:], hi)
		return b
	}
	for k := range len(s) {
		if mayEscape(s[k]) {
			return appendEscaped(b[:n+1], s, 0)
		}
		d[k] = s[k]
	}
	return b
}

// grow is slices.Grow, not inlined: AppendQuote's callers rarely need it.
//
//go:noinline
func grow(b []byte, n int) []byte { return slices.Grow(b, n) }

// appendEscaped is AppendQuote from s[i:] on, after b (the opening quote
// and s[:i] already written), for a string that may need an escape.
func appendEscaped(b []byte, s string, i int) []byte {
	start := i
	for i < len(s) {
		if i = plainRun(s, i); i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if !mayEscape(c) {
				// One of plainRun's near misses, copied as it is.
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plainRun returns an index p from i on such that appendEscaped copies
// s[i:p] as it is: len(s), or the first byte that may need escaping (a
// control character, '"', '\\', '<', '>', '&' or a byte from 0x80 on)
// or a near miss of quoteMask's, which appendEscaped tells apart. It
// tests eight bytes a step (quoteMask) and the last few one by one: a
// string only comes here when it has an escape, which AppendQuote's words
// found.
func plainRun(s string, i int) int {
	for ; i <= len(s)-8; i += 8 {
		if m := quoteMask(load8(s[i : i+8])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(s) && !mayEscape(s[i]) {
		i++
	}
	return i
}

// mayEscape reports whether AppendQuote escapes the byte c, or c starts
// a multi-byte sequence it may escape.
func mayEscape(c byte) bool {
	return c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&'
}

// quoteMask sets the top bit of the first byte of x that AppendQuote may
// have to escape, and clears those of the bytes before it; the bytes
// after it may be set or not (a caller takes the lowest). A byte c is
// marked when it is from 0x80 on, when c-0x20 borrows (a control
// character), when c|4 is 0x26 ('"' or '&') or c|0x62 is 0x7e ('<', '>',
// '\\', and the near misses '^', '|', '~'): each a zero byte after the xor,
// which borrows on subtracting 1. Only a marked byte borrows, so a borrow
// marks only bytes after one already marked. It takes eleven operations
// a word where testing '"', '&', '<', '>' and '\\' apart took sixteen
// (issue 23).
func quoteMask(x uint64) uint64 {
	quoteAmp := ((x | 4*ones) ^ 0x26*ones) - ones
	other := ((x | 0x62*ones) ^ 0x7e*ones) - ones
	control := x - 0x20*ones
	return (quoteAmp | other | control | x) & high
}

// StringRun returns the index of the first byte at or after i that
// ends or interrupts the plain text of a JSON string (RFC 8259 §7): '"',
// '\\', a control character or a byte of a multi-byte UTF-8 sequence, or
// len(s). A reader takes the text up to it as it is. It tests eight bytes
// per step in one 64-bit word (textMask), which a reader's strings,
// followed by the rest of the document, nearly always have: a scenario's
// keys and short values end within the first word, where a byte-by-byte
// loop took seven instructions a byte (issue 23).
func StringRun(s string, i int) int {
	for ; len(s)-i >= 8; i += 8 {
		if m := textMask(load8(s[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(s) && textMask(uint64(s[i]))&0x80 == 0 {
		i++
	}
	return i
}

// The bytes of a word, each tested by one operation on all eight:
// ones has 1 in each byte, high the top bit of each.
const (
	ones = 0x0101010101010101
	high = 0x80 * ones
)

// load4 reads the first four bytes of s as a little-endian word.
func load4(s string) uint64 {
	w := s[:4]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24
}

// store4 writes the low four bytes of x to d, little-endian; the
// compiler makes it one store.
func store4(d []byte, x uint64) {
	_ = d[3]
	d[0], d[1], d[2], d[3] = byte(x), byte(x>>8), byte(x>>16), byte(x>>24)
}

// le64 reads w as a little-endian word; the compiler makes it one load
// where the processor allows an unaligned one (amd64, arm64), byte loads
// elsewhere.
func le64(w *[8]byte) uint64 {
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

// putLE64 writes x to d, little-endian, as le64 reads it.
func putLE64(d *[8]byte, x uint64) {
	d[0], d[1], d[2], d[3] = byte(x), byte(x>>8), byte(x>>16), byte(x>>24)
	d[4], d[5], d[6], d[7] = byte(x>>32), byte(x>>40), byte(x>>48), byte(x>>56)
}

// load8 reads the first eight bytes of s as le64 does.
func load8(s string) uint64 { return le64((*[8]byte)(unsafe.Pointer(unsafe.StringData(s[:8])))) }

// textMask sets the top bit of the first byte of x that StringRun stops
// at, and clears those of the bytes before it (the bytes after it may be
// set or not: a caller takes the lowest). For a byte c below 0x80, c+0x7f
// carries into the top bit exactly when c is not zero, and c+0x60
// exactly when c is at least 0x20, neither carrying out of the byte; a
// byte from 0x80 on is marked by its own top bit, and what it carries
// reaches only the bytes after it.
func textMask(x uint64) uint64 {
	quote := (x ^ '"'*ones) + 0x7f*ones  // top bit: not '"'
	slash := (x ^ '\\'*ones) + 0x7f*ones // not '\\'
	printable := x + 0x60*ones           // not a control character
	return (^(quote & slash & printable) | x) & high
}

// Scan returns the length of the JSON string at the start of t (quotes
// included), or an error naming the offset of the fault in t.
func Scan(t string) (int, error) {
	if t == "" || t[0] != '"' {
		return 0, &Error{0, "want a string"}
	}
	for i := 1; i < len(t); i++ {
		switch c := t[i]; {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			i++
		case c < 0x20:
			return 0, &Error{i, "control character in string (escape it)"}
		}
	}
	return 0, &Error{len(t), "unterminated string"}
}

// Unquote decodes a JSON string, quotes included. Invalid UTF-8 and lone
// surrogates become U+FFFD, as encoding/json does.
func Unquote(q string) (string, error) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return "", &Error{0, "want a string"}
	}
	s := q[1 : len(q)-1]
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\\' || c == '"' || c < 0x20 || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			var fault EscapeFault
			b, i, fault = AppendEscape(b, s, i)
			switch fault {
			case EscapeEnd:
				return "", &Error{1 + i, "unfinished escape"}
			case EscapeHex:
				return "", &Error{1 + i, `\u needs four hex digits`}
			case EscapeChar:
				return "", &Error{1 + i, "invalid escape \\" + string(rune(s[i]))}
			}
		case c == '"' || c < 0x20:
			return "", &Error{1 + i, "character " + strconv.QuoteRune(rune(c)) + " must be escaped in a string"}
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			b = utf8.AppendRune(b, r) // RuneError for invalid bytes
			i += size
		}
	}
	return string(b), nil
}

// EscapeFault says what is wrong with an escape sequence.
type EscapeFault uint8

const (
	EscapeOK   EscapeFault = iota // a well-formed escape
	EscapeEnd                     // the text ends after the backslash
	EscapeHex                     // \u without four hex digits
	EscapeChar                    // a character that does not follow a backslash in JSON
)

// AppendEscape decodes the escape sequence at s[i] (a backslash) and
// appends its character to b, as encoding/json does: a surrogate pair of
// \u escapes is one character, a lone half is U+FFFD. It returns the
// index after the sequence or, on a fault, the index of the fault: the
// backslash's position plus one for EscapeEnd and EscapeChar, the first
// hex digit for EscapeHex. Both JSON readers of the engine (this package's
// Unquote and the explainer's positioned reader) decode escapes here.
func AppendEscape[T ~string | ~[]byte](b []byte, s T, i int) ([]byte, int, EscapeFault) {
	if i+1 >= len(s) {
		return b, i + 1, EscapeEnd
	}
	e := s[i+1]
	i += 2
	switch e {
	case '"', '\\', '/':
		return append(b, e), i, EscapeOK
	case 'b':
		return append(b, '\b'), i, EscapeOK
	case 'f':
		return append(b, '\f'), i, EscapeOK
	case 'n':
		return append(b, '\n'), i, EscapeOK
	case 'r':
		return append(b, '\r'), i, EscapeOK
	case 't':
		return append(b, '\t'), i, EscapeOK
	case 'u':
		r, ok := hex4(s, i)
		if !ok {
			return b, i, EscapeHex
		}
		i += 4
		if utf16.IsSurrogate(r) {
			r2, ok := hex4(s, i+2)
			if ok && s[i] == '\\' && s[i+1] == 'u' {
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					return utf8.AppendRune(b, d), i + 6, EscapeOK
				}
			}
			r = utf8.RuneError
		}
		return utf8.AppendRune(b, r), i, EscapeOK
	}
	return b, i - 1, EscapeChar
}

func hex4[T ~string | ~[]byte](s T, i int) (rune, bool) {
	if i < 0 || i+4 > len(s) {
		return 0, false
	}
	var r rune
	for j := i; j < i+4; j++ {
		c := s[j]
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

// Error is a fault at a byte offset of the text given.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return "offset " + strconv.Itoa(e.Offset) + ": " + e.Msg }
