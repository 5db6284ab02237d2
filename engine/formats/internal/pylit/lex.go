package pylit

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/whycors/whycors/engine/policy"
)

type tkind uint8

const (
	tEOF tkind = iota
	tName
	tNumber
	tString
	tOp
	tNewline // end of a logical line (outside brackets)
)

// token is one Python token with where it starts (line and column in
// characters, 1-based, and byte offset) and where it ends (byte offset).
type token struct {
	kind      tkind
	text      string // source text (for a string: as written, prefix and quotes included)
	line, col int
	off, end  int
}

// lex splits Python source into the tokens the reader needs. Comments and
// line continuations are dropped; NEWLINE is emitted only outside
// brackets, as Python's tokenizer does. An unterminated string is the one
// fault it reports.
func lex(text string) ([]token, policy.Errors) {
	var toks []token
	var errs policy.Errors
	line, lineStart := 1, 0
	depth := 0
	col := func(off int) int { return utf8.RuneCountInString(text[lineStart:off]) + 1 }
	i := 0
	for i < len(text) {
		c := text[i]
		switch {
		case c == '\n':
			if depth == 0 && len(toks) > 0 && toks[len(toks)-1].kind != tNewline {
				toks = append(toks, token{kind: tNewline, line: line, col: col(i), off: i, end: i + 1})
			}
			i++
			line, lineStart = line+1, i
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
		case c == '\\' && i+1 < len(text) && (text[i+1] == '\n' || text[i+1] == '\r'):
			i++
			if text[i] == '\r' && (i+1 >= len(text) || text[i+1] != '\n') {
				// A lone carriage return: a line break to Python, but
				// positions count lines by "\n" (policy.LineCol), so
				// the line stays (found by the CI rehearsal's fuzz run:
				// a value at line 2 of a one-line text).
				i++
				continue
			}
			if text[i] == '\r' {
				i++
			}
			i++
			line, lineStart = line+1, i
		case c == '#':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case isStringStart(text, i):
			start, sl, sc := i, line, col(i)
			end, nl, last, ok := scanString(text, i)
			if !ok {
				errs = append(errs, &policy.Error{Line: sl, Column: sc, Msg: "unterminated string"})
				return toks, errs
			}
			toks = append(toks, token{kind: tString, text: text[start:end], line: sl, col: sc, off: start, end: end})
			if nl > 0 {
				line, lineStart = line+nl, last
			}
			i = end
		case isNameByte(c) || c >= 0x80:
			j := i
			for j < len(text) && (isNameByte(text[j]) || text[j] >= '0' && text[j] <= '9' || text[j] >= 0x80) {
				j++
			}
			toks = append(toks, token{kind: tName, text: text[i:j], line: line, col: col(i), off: i, end: j})
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9':
			j := i
			for j < len(text) && (isNameByte(text[j]) || text[j] >= '0' && text[j] <= '9' || text[j] == '.' ||
				(text[j] == '+' || text[j] == '-') && (text[j-1]|0x20) == 'e' && !strings.HasPrefix(strings.ToLower(text[i:j]), "0x")) {
				j++
			}
			toks = append(toks, token{kind: tNumber, text: text[i:j], line: line, col: col(i), off: i, end: j})
			i = j
		default:
			n := 1
			for _, op := range ops3 {
				if strings.HasPrefix(text[i:], op) {
					n = len(op)
					break
				}
			}
			switch c {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
			}
			toks = append(toks, token{kind: tOp, text: text[i : i+n], line: line, col: col(i), off: i, end: i + n})
			i += n
		}
	}
	toks = append(toks, token{kind: tNewline, line: line, col: col(len(text)), off: len(text), end: len(text)})
	toks = append(toks, token{kind: tEOF, line: line, col: col(len(text)), off: len(text), end: len(text)})
	return toks, errs
}

// ops3 are Python's operators of more than one byte, longest first.
var ops3 = []string{"**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "<<", ">>"}

func isNameByte(c byte) bool { return c == '_' || c|0x20 >= 'a' && c|0x20 <= 'z' }

// isStringStart reports whether a string literal (with an optional
// prefix of r, u, b, f in any case and order Python allows) starts at i.
func isStringStart(text string, i int) bool {
	j := i
	for j < len(text) && j-i < 2 && strings.IndexByte("rRuUbBfF", text[j]) >= 0 {
		j++
	}
	if j < len(text) && (text[j] == '\'' || text[j] == '"') {
		return j == i || i == 0 || !isNameByte(text[i-1]) && !(text[i-1] >= '0' && text[i-1] <= '9')
	}
	return false
}

// scanString returns the end of the string literal at i, how many
// newlines it spans and the offset after its last newline.
func scanString(text string, i int) (end, newlines, lastLine int, ok bool) {
	for text[i] != '\'' && text[i] != '"' {
		i++
	}
	q := text[i]
	triple := strings.HasPrefix(text[i:], strings.Repeat(string(q), 3))
	j := i + 1
	if triple {
		j = i + 3
	}
	for j < len(text) {
		switch c := text[j]; {
		case c == '\\':
			if j+1 < len(text) && text[j+1] == '\n' {
				newlines++
				lastLine = j + 2
			}
			j += 2
			continue
		case c == '\n':
			if !triple {
				return 0, 0, 0, false
			}
			newlines++
			lastLine = j + 1
		case c == q:
			if !triple {
				return j + 1, newlines, lastLine, true
			}
			if strings.HasPrefix(text[j:], strings.Repeat(string(q), 3)) {
				return j + 3, newlines, lastLine, true
			}
		}
		j++
	}
	return 0, 0, 0, false
}

// decodeString decodes one string token: its prefix, and the value of a
// str literal. It fails for bytes and f-strings (why says so) and for an
// escape it does not know.
func decodeString(tok string) (s string, raw bool, why string) {
	p := 0
	for tok[p] != '\'' && tok[p] != '"' {
		p++
	}
	prefix := strings.ToLower(tok[:p])
	body := tok[p:]
	if strings.HasPrefix(body, `"""`) || strings.HasPrefix(body, `'''`) {
		body = body[3 : len(body)-3]
	} else {
		body = body[1 : len(body)-1]
	}
	raw = strings.ContainsRune(prefix, 'r')
	if strings.ContainsRune(prefix, 'f') {
		return "", raw, "an f-string is computed when the program runs"
	}
	if strings.ContainsRune(prefix, 'b') {
		return "", raw, "a bytes literal is not a str"
	}
	if raw {
		return body, true, ""
	}
	if !strings.ContainsRune(body, '\\') {
		return body, false, ""
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 >= len(body) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := body[i]; e {
		case '\n':
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 'f':
			b.WriteByte(12)
		case 'v':
			b.WriteByte(11)
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+n >= len(body) {
				return "", false, "truncated \\" + string(e) + " escape"
			}
			v, err := strconv.ParseUint(body[i+1:i+1+n], 16, 32)
			if err != nil || v > utf8.MaxRune {
				return "", false, "bad \\" + string(e) + " escape"
			}
			b.WriteRune(rune(v))
			i += n
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(body) && j < i+3 && body[j] >= '0' && body[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(body[i:j], 8, 32)
			b.WriteRune(rune(v))
			i = j - 1
		case 'N':
			return "", false, "a \\N{...} escape is not supported"
		default:
			// Python keeps an unknown escape as written (\d stays \d).
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), false, ""
}
