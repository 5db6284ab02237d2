// Package jsonstr reads and writes JSON strings (RFC 8259 §7) without
// encoding/json, whose reflection costs the worker and the page a
// megabyte of WebAssembly and tens of milliseconds of start-up. The few
// engine packages that only ever read and write strings, lists of them and
// objects of them use this instead.
package jsonstr

import (
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

const hex = "0123456789abcdef"

// AppendQuote appends s as a JSON string, escaped as json.Marshal does:
// ", \ and control characters; <, > and & as \u003c, \u003e, \u0026 (safe
// inside HTML); U+2028 and U+2029 (line separators to JavaScript); and
// invalid UTF-8 as U+FFFD.
func AppendQuote(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i = plainRun(s, i); i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
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

// plainRun returns the index of the first byte at or after i that
// AppendQuote does not copy as it is, or len(s): a control character,
// '"', '\\', '<', '>', '&' or a byte from 0x80 on. Most of a verdict's
// text is plain, so it tests eight bytes per step in one 64-bit word
// (quoteMask) and finds the first byte to escape from its mask; the
// last bytes of a string are tested in the word that ends with them
// (issue 23: the verdict's encoding was mostly this scan, at five
// instructions a byte with a table, and byte by byte at each string's
// end).
func plainRun(s string, i int) int {
	from := i
	for ; len(s)-i >= 8; i += 8 {
		if m := quoteMask(load8(s[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	if j := len(s) - 8; i < len(s) && j >= from {
		// The word of the last eight bytes: those before i are plain, so
		// they mark nothing and carry nothing into the others.
		if m := quoteMask(load8(s[j:])); m != 0 {
			return j + bits.TrailingZeros64(m)/8
		}
		return len(s)
	}
	for i < len(s) && quoteMask(uint64(s[i]))&0x80 == 0 {
		i++
	}
	return i
}

// quoteMask is textMask for AppendQuote: it marks the bytes textMask
// marks and '<', '>' and '&' too. c|4 is 0x26 only for '"' (0x22) and
// '&' (0x26), c|2 is 0x3e only for '<' (0x3c) and '>' (0x3e).
func quoteMask(x uint64) uint64 {
	quoteAmp := ((x | 4*ones) ^ 0x26*ones) + 0x7f*ones // top bit: neither '"' nor '&'
	angle := ((x | 2*ones) ^ 0x3e*ones) + 0x7f*ones    // neither '<' nor '>'
	slash := (x ^ '\\'*ones) + 0x7f*ones               // not '\\'
	printable := x + 0x60*ones                         // not a control character
	return (^(quoteAmp & angle & slash & printable) | x) & high
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

// load8 reads the first eight bytes of s as a little-endian word; the
// compiler makes it one load.
func load8(s string) uint64 {
	w := s[:8]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

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
