package jslit

import "strings"

// The editor's view of the text: where a Value the reader positioned
// starts in bytes, and where its literal ends. The reader's lexer (js.go)
// keeps no byte offsets, and an edit needs them; these scan only as far as
// one literal.

// offsetOf converts a 1-based line and column counted in characters (as
// the express reader counts them) to a byte offset.
func OffsetOf(text string, line, col int) (int, bool) {
	i := 0
	for l := 1; l < line; l++ {
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			return 0, false
		}
		i += j + 1
	}
	for c := 1; c < col; c++ {
		if i >= len(text) || text[i] == '\n' {
			return 0, false
		}
		i++
		for i < len(text) && text[i]&0xC0 == 0x80 {
			i++
		}
	}
	return i, i <= len(text)
}

// jsEnd returns the end of the JavaScript literal that starts at i: a
// string, a RegExp, an array or a bare word.
func End(text string, i int) (int, bool) {
	if i >= len(text) {
		return 0, false
	}
	switch c := text[i]; c {
	case '\'', '"', '`':
		for j := i + 1; j < len(text); j++ {
			switch text[j] {
			case '\\':
				j++
			case c:
				return j + 1, true
			case '\n':
				if c != '`' {
					return 0, false
				}
			}
		}
		return 0, false
	case '/':
		inClass := false
		for j := i + 1; j < len(text); j++ {
			switch text[j] {
			case '\\':
				j++
			case '[':
				inClass = true
			case ']':
				inClass = false
			case '/':
				if !inClass {
					j++
					for j < len(text) && (text[j] >= 'a' && text[j] <= 'z') {
						j++
					}
					return j, true
				}
			case '\n':
				return 0, false
			}
		}
		return 0, false
	case '[':
		j := i + 1
		for {
			j = SkipSpace(text, j)
			if j >= len(text) {
				return 0, false
			}
			if text[j] == ']' {
				return j + 1, true
			}
			if text[j] == ',' {
				j++
				continue
			}
			e, ok := End(text, j)
			if !ok {
				return 0, false
			}
			j = e
		}
	}
	j := i
	for j < len(text) && (text[j] == '_' || text[j] == '.' || text[j] == '$' || text[j] >= '0' && text[j] <= '9' || text[j]|0x20 >= 'a' && text[j]|0x20 <= 'z') {
		j++
	}
	return j, j > i
}

// skipJS skips whitespace and comments.
func SkipSpace(text string, i int) int {
	for i < len(text) {
		switch {
		case strings.IndexByte(" \t\r\n", text[i]) >= 0:
			i++
		case strings.HasPrefix(text[i:], "//"):
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				return len(text)
			}
			i += j
		case strings.HasPrefix(text[i:], "/*"):
			j := strings.Index(text[i+2:], "*/")
			if j < 0 {
				return len(text)
			}
			i += j + 4
		default:
			return i
		}
	}
	return i
}
