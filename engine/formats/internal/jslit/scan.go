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

// AppendArray adds items (JavaScript source, quoted) at the end of the
// array literal text[start:end], in the array's own layout: after ", "
// when its entries share a line; otherwise each on a line of its own,
// indented as the last entry, after that entry's line with the comment
// it may end with, and with a trailing comma when the last entry has one
// (a comma is added after the last entry when it has none). Found as a
// new user would: the last entry's "// ng serve" comment ended up with
// the comma, and without a trailing comma the new entry was inside the
// comment's line, so the fix did not parse. An entry it cannot read
// (End) leaves the entries as they are and puts the items before the
// closing bracket, unless a comment may end the array (ok false).
func AppendArray(text string, start, end int, items []string) (string, bool) {
	last := -1 // the end of the last entry
	trailing := false
	for i := SkipSpace(text, start+1); i < end-1; {
		e, ok := End(text, i)
		if !ok || e > end-1 {
			last = -2
			break
		}
		last, trailing = e, false
		i = SkipSpace(text, e)
		if i < end-1 && text[i] != ',' {
			// An entry of more than one literal (new RegExp(...),
			// f(...), x as string): its end is not known here (an
			// adversarial review: the item went inside it).
			last = -2
			break
		}
		if i >= end-1 {
			break
		}
		trailing = true
		i = SkipSpace(text, i+1)
	}
	switch {
	case last == -1:
		return text[:start+1] + strings.Join(items, ", ") + text[start+1:], true
	case last == -2:
		if strings.Contains(text[start:end], "//") || strings.Contains(text[start:end], "/*") {
			// Where the last entry ends is not known, and a comment
			// may end the array's last line: no edit (a second look's
			// review: the item went into a // comment).
			return "", false
		}
		j := end - 1
		for j > start+1 && strings.IndexByte(" \t\r\n,", text[j-1]) >= 0 {
			j--
		}
		return text[:j] + ", " + strings.Join(items, ", ") + text[j:], true
	}
	nl := strings.IndexByte(text[last:end-1], '\n')
	if strings.IndexByte(text[start:last], '\n') < 0 || nl < 0 {
		// One line, or the closing bracket on the last entry's line.
		return text[:last] + ", " + strings.Join(items, ", ") + text[last:], true
	}
	lineStart := strings.LastIndexByte(text[:last], '\n') + 1
	ind := lineStart
	for ind < last && (text[ind] == ' ' || text[ind] == '\t') {
		ind++
	}
	eol, newline := last+nl, "\n"
	if text[eol-1] == '\r' {
		eol, newline = eol-1, "\r\n"
	}
	after := last
	if trailing {
		after = strings.IndexByte(text[last:], ',') + last + 1
	}
	if rest := strings.TrimSpace(text[after:eol]); rest != "" && !strings.HasPrefix(rest, "//") && !(strings.HasPrefix(rest, "/*") && strings.Index(rest, "*/") == len(rest)-2) {
		// The line goes on with more than a comment that ends on it (a
		// block comment over several lines, as an adversarial review
		// wrote): the items go right after the last entry instead.
		eol = after
	}
	var b strings.Builder
	for k, it := range items {
		b.WriteString(newline + text[lineStart:ind] + it)
		if trailing || k < len(items)-1 {
			b.WriteByte(',')
		}
	}
	out := text[:eol] + b.String() + text[eol:]
	if !trailing {
		out = out[:last] + "," + out[last:]
	}
	return out, true
}
