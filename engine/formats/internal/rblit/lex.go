package rblit

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokKind is a token's kind.
type tokKind uint8

const (
	tEOF     tokKind = iota
	tNewline         // the end of a statement: a line break or ';'
	tIdent           // a name: origins, allow, do, end, ENV, Rack
	tConst           // a name that starts with a capital: Rack, ENV
	tLabel           // name: (a keyword argument's key); text is the name
	tSym             // :name or :"name"; text is the name
	tStr             // a string literal, text decoded
	tRegex           // a regex literal; text its source, flags in flags
	tInt             // an integer literal, text its digits
	tFloat           // a float literal
	tWords           // %w[...] or %i[...]: words in list, sym when %i
	tOp              // punctuation and operators: , ( ) [ ] { } . :: => | & -> = and the rest
	tInvalid         // text the reader cannot take: why in text
)

// token is one lexical token with its place in the text.
type token struct {
	kind  tokKind
	text  string
	flags string   // tRegex: its options (i, m, x)
	words []string // tWords
	sym   bool     // tWords: %i
	off   int      // byte offset of its first byte
	end   int      // byte offset after it
	// space: white space (or a line break) comes before it; Ruby reads
	// "f [1]" and "f[1]", "a /b/" and "a / b" apart by it.
	space bool
}

// lexer turns Ruby source into tokens. It reads the subset a CORS
// configuration is written in (literals, names, calls, blocks, hashes,
// arrays) and passes over what it does not need (comments, =begin ...
// =end, heredocs refused), so that a Rack::Cors block anywhere in a
// Rails file is found.
type lexer struct {
	src  string
	i    int
	toks []token
	// heredocs are the terminators of the heredocs opened on this line,
	// whose bodies start after it.
	heredocs []string
}

// skipHeredocs passes over the bodies of the heredocs opened on the line
// just ended, each to the line that holds its terminator alone.
func (l *lexer) skipHeredocs() {
	for _, id := range l.heredocs {
		for l.i < len(l.src) {
			end := strings.IndexByte(l.src[l.i:], '\n')
			line := l.src[l.i:]
			if end >= 0 {
				line = l.src[l.i : l.i+end]
			}
			if end < 0 {
				l.i = len(l.src)
			} else {
				l.i += end + 1
			}
			if strings.TrimSpace(line) == id {
				break
			}
		}
	}
	l.heredocs = l.heredocs[:0]
}

// lex returns the tokens of src, ending with tEOF.
func lex(src string) []token {
	l := &lexer{src: src}
	var stack []byte // the open brackets
	for {
		space := l.skipSpace(len(stack) > 0 && stack[len(stack)-1] != '{')
		if l.i >= len(l.src) {
			l.toks = append(l.toks, token{kind: tEOF, off: l.i, end: l.i, space: space})
			return l.toks
		}
		c := l.src[l.i]
		start := l.i
		switch {
		case c == '\n' || c == ';':
			l.i++
			l.emit(tNewline, "", start, true)
			if c == '\n' {
				l.skipHeredocs()
			}
			continue
		case c == '#':
			for l.i < len(l.src) && l.src[l.i] != '\n' {
				l.i++
			}
			continue
		case c == '=' && l.lineStart(start) && strings.HasPrefix(l.src[l.i:], "=begin"):
			// An embedded document, a comment to its "=end" line.
			if k := strings.Index(l.src[l.i:], "\n=end"); k >= 0 {
				l.i += k + len("\n=end")
				for l.i < len(l.src) && l.src[l.i] != '\n' {
					l.i++
				}
			} else {
				l.i = len(l.src)
			}
			continue
		case strings.HasPrefix(l.src[l.i:], "__END__") && l.lineStart(start):
			l.i = len(l.src)
			continue
		case isIdentStart(c):
			l.ident(start, space)
			continue
		case c >= '0' && c <= '9':
			l.number(start, space)
			continue
		case c == '\'' || c == '"' || c == '`':
			l.str(start, c, space)
			continue
		case c == ':':
			if l.sym(start, space) {
				continue
			}
		case c == '%' && l.percent(start, space):
			continue
		case c == '/' && l.regexAllowed(space):
			l.i++
			l.regex(start, '/', '/', space)
			continue
		case strings.HasPrefix(l.src[l.i:], "<<~") || strings.HasPrefix(l.src[l.i:], "<<-"):
			// A heredoc: its body is the lines after this one, to its
			// terminator; the value is not read, the rest of the file is.
			j := l.i + 3
			q := byte(0)
			if j < len(l.src) && (l.src[j] == '\'' || l.src[j] == '"') {
				q, j = l.src[j], j+1
			}
			k := j
			for k < len(l.src) && isIdent(l.src[k]) {
				k++
			}
			if k == j {
				break // an operator: <<- as a shift of a negative
			}
			l.heredocs = append(l.heredocs, l.src[j:k])
			if q != 0 && k < len(l.src) && l.src[k] == q {
				k++
			}
			l.i = k
			l.emit(tInvalid, "a heredoc ("+l.src[start:k]+") is not read: write the value as a string", start, space)
			continue
		}
		// Punctuation: the two- and three-byte ones first.
		for _, op := range []string{"::", "=>", "->", "&.", "**", "==", "!=", "=~", "||", "&&", "<=", ">=", "..", "<<"} {
			if strings.HasPrefix(l.src[l.i:], op) {
				l.i += len(op)
				l.emit(tOp, op, start, space)
				goto next
			}
		}
		switch c {
		case '(', '[', '{':
			stack = append(stack, c)
		case ')', ']', '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
		if c >= utf8.RuneSelf {
			_, n := utf8.DecodeRuneInString(l.src[l.i:])
			l.i += n
			l.emit(tInvalid, "a character the reader does not know here", start, space)
			continue
		}
		l.i++
		l.emit(tOp, string(c), start, space)
	next:
	}
}

func (l *lexer) emit(k tokKind, text string, start int, space bool) {
	// A backslash at the very end steps past it.
	l.i = min(l.i, len(l.src))
	l.toks = append(l.toks, token{kind: k, text: text, off: start, end: l.i, space: space})
}

// lineStart reports whether offset i starts a line.
func (l *lexer) lineStart(i int) bool { return i == 0 || l.src[i-1] == '\n' }

// skipSpace passes over blanks and, inside ( or [ (inBrackets), line
// breaks, which do not end a statement there; a backslash before a line
// break continues the line, and so does a line that starts with a
// method call (".split" or "&.strip" under a value). It reports whether
// it passed any.
func (l *lexer) skipSpace(inBrackets bool) bool {
	start := l.i
	for l.i < len(l.src) {
		switch c := l.src[l.i]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.i++
		case c == '\\' && l.i+1 < len(l.src) && l.src[l.i+1] == '\n':
			l.i += 2
		case c == '\n' && (inBrackets || l.leadingDot(l.i+1)):
			l.i++
		default:
			return l.i > start
		}
	}
	return l.i > start
}

// leadingDot reports whether the line from i (after blanks and comment
// lines) starts with "." or "&." and a name: a method call continuing
// the line before.
func (l *lexer) leadingDot(i int) bool {
	for i < len(l.src) {
		switch c := l.src[i]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '.':
			return i+1 < len(l.src) && isIdentStart(l.src[i+1])
		case c == '&':
			return i+2 < len(l.src) && l.src[i+1] == '.' && isIdentStart(l.src[i+2])
		default:
			return false
		}
	}
	return false
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isIdent(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// ident reads a name, a label ("headers:") or a constant.
func (l *lexer) ident(start int, space bool) {
	for l.i < len(l.src) && isIdent(l.src[l.i]) {
		l.i++
	}
	if l.i < len(l.src) && (l.src[l.i] == '?' || l.src[l.i] == '!') && !(l.i+1 < len(l.src) && l.src[l.i+1] == '=') {
		l.i++ // a predicate or bang method: production?, freeze!
	}
	name := l.src[start:l.i]
	// name: is a label unless it is name::Const or a ternary's "a ? b : c"
	// (which needs space before the colon).
	if l.i < len(l.src) && l.src[l.i] == ':' && !(l.i+1 < len(l.src) && l.src[l.i+1] == ':') && name[len(name)-1] != '?' {
		l.i++
		l.emit(tLabel, name, start, space)
		return
	}
	k := tIdent
	if name[0] >= 'A' && name[0] <= 'Z' {
		k = tConst
	}
	l.emit(k, name, start, space)
}

// number reads an integer (1_000, 0x1F) or a float (1.5, not 1.hour).
func (l *lexer) number(start int, space bool) {
	for l.i < len(l.src) && (isIdent(l.src[l.i])) {
		l.i++
	}
	k := tInt
	if l.i+1 < len(l.src) && l.src[l.i] == '.' && l.src[l.i+1] >= '0' && l.src[l.i+1] <= '9' {
		l.i++
		for l.i < len(l.src) && (isIdent(l.src[l.i])) {
			l.i++
		}
		k = tFloat
	}
	text := strings.ReplaceAll(l.src[start:l.i], "_", "")
	if k == tInt {
		if n, err := strconv.ParseInt(text, 0, 64); err == nil {
			text = strconv.FormatInt(n, 10)
		} else {
			l.emit(tInvalid, "not a number Ruby reads: "+l.src[start:l.i], start, space)
			return
		}
	}
	l.emit(k, text, start, space)
}

// str reads a quoted string: '...' takes \\ and \' only, "..." Ruby's
// escapes; an interpolation #{...} is code and refused, and so is a
// backquoted command.
func (l *lexer) str(start int, q byte, space bool) {
	l.i++
	if q == '`' {
		l.skipQuoted('`')
		l.emit(tInvalid, "a command in backquotes is not a value the reader can know", start, space)
		return
	}
	var b strings.Builder
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch {
		case c == q:
			l.i++
			l.emit(tStr, b.String(), start, space)
			return
		case c == '\\' && l.i+1 < len(l.src):
			if q == '\'' {
				if n := l.src[l.i+1]; n == '\\' || n == '\'' {
					b.WriteByte(n)
				} else {
					b.WriteString(l.src[l.i : l.i+2])
				}
				l.i += 2
				continue
			}
			if !l.escape(&b) {
				l.skipQuoted(q)
				l.emit(tInvalid, "an escape in a double-quoted string the reader does not know", start, space)
				return
			}
		case c == '#' && q == '"' && l.i+1 < len(l.src) && (l.src[l.i+1] == '{' || l.src[l.i+1] == '@' || l.src[l.i+1] == '$'):
			l.skipQuoted(q)
			l.emit(tInvalid, "a string with #{...} is built by code at run time: write its value", start, space)
			return
		default:
			b.WriteByte(c)
			l.i++
		}
	}
	l.emit(tInvalid, "the string is not closed", start, space)
}

// skipQuoted passes to after the closing q.
func (l *lexer) skipQuoted(q byte) {
	for l.i < len(l.src) {
		c := l.src[l.i]
		l.i++
		if c == '\\' {
			l.i++
		} else if c == q {
			return
		}
	}
	l.i = len(l.src)
}

// escape decodes the escape at l.i (a backslash) in a double-quoted
// string into b.
func (l *lexer) escape(b *strings.Builder) bool {
	e := l.src[l.i+1]
	l.i += 2
	switch e {
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case 's':
		b.WriteByte(' ')
	case '0':
		b.WriteByte(0)
	case 'e':
		b.WriteByte(0x1b)
	case 'a':
		b.WriteByte(7)
	case 'b':
		b.WriteByte(8)
	case 'f':
		b.WriteByte('\f')
	case 'v':
		b.WriteByte('\v')
	case '\n':
	case 'x':
		j := l.i
		for j < len(l.src) && j < l.i+2 && isHex(l.src[j]) {
			j++
		}
		if j == l.i {
			return false
		}
		n, _ := strconv.ParseUint(l.src[l.i:j], 16, 8)
		b.WriteByte(byte(n))
		l.i = j
	case 'u':
		var hex string
		if l.i < len(l.src) && l.src[l.i] == '{' {
			k := strings.IndexByte(l.src[l.i:], '}')
			if k < 0 || strings.Contains(strings.TrimSpace(l.src[l.i+1:l.i+k]), " ") {
				return false
			}
			hex, l.i = strings.TrimSpace(l.src[l.i+1:l.i+k]), l.i+k+1
		} else if l.i+4 <= len(l.src) {
			hex, l.i = l.src[l.i:l.i+4], l.i+4
		}
		n, err := strconv.ParseUint(hex, 16, 32)
		if err != nil || !utf8.ValidRune(rune(n)) {
			return false
		}
		b.WriteRune(rune(n))
	default:
		if isIdent(e) {
			return false
		}
		b.WriteByte(e) // \" \\ \# and other punctuation stand for themselves
	}
	return true
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// sym reads :name, :"name" or :'name' (not ::); it reports false for a
// lone colon (a ternary's).
func (l *lexer) sym(start int, space bool) bool {
	if l.i+1 >= len(l.src) {
		return false
	}
	switch n := l.src[l.i+1]; {
	case n == '"' || n == '\'':
		l.i++
		l.str(l.i, n, space)
		t := &l.toks[len(l.toks)-1]
		t.off = start
		if t.kind == tStr {
			t.kind = tSym
		}
		return true
	case isIdentStart(n):
		l.i++
		s := l.i
		for l.i < len(l.src) && isIdent(l.src[l.i]) {
			l.i++
		}
		if l.i < len(l.src) && (l.src[l.i] == '?' || l.src[l.i] == '!' || l.src[l.i] == '=') {
			l.i++
		}
		l.emit(tSym, l.src[s:l.i], start, space)
		return true
	}
	return false
}

// percent reads %w[...], %i[...], %r{...}, %q(...), %Q(...) and %(...).
func (l *lexer) percent(start int, space bool) bool {
	rest := l.src[l.i+1:]
	if rest == "" {
		return false
	}
	kind := byte('Q')
	if isIdentStart(rest[0]) {
		kind, rest = rest[0], rest[1:]
	}
	if rest == "" || strings.IndexByte("([{<|!/^", rest[0]) < 0 {
		return false
	}
	if kind == 'Q' && !l.regexAllowed(space) && !isIdentStart(l.src[l.i+1]) {
		return false // a modulo
	}
	open := rest[0]
	close := map[byte]byte{'(': ')', '[': ']', '{': '}', '<': '>'}[open]
	if close == 0 {
		close = open
	}
	if isIdentStart(l.src[l.i+1]) {
		l.i += 3
	} else {
		l.i += 2
	}
	switch kind {
	case 'r':
		l.regex(start, open, close, space)
	case 'w', 'W', 'i', 'I':
		body, ok := l.balanced(open, close)
		if !ok {
			l.emit(tInvalid, "the list is not closed", start, space)
			return true
		}
		if kind == 'W' || kind == 'I' {
			if strings.Contains(body, "#{") {
				l.emit(tInvalid, "a list with #{...} is built by code at run time: write its values", start, space)
				return true
			}
		}
		l.emit(tWords, "", start, space)
		t := &l.toks[len(l.toks)-1]
		t.words, t.sym = strings.Fields(body), kind == 'i' || kind == 'I'
	case 'q', 'Q':
		body, ok := l.balanced(open, close)
		switch {
		case !ok:
			l.emit(tInvalid, "the string is not closed", start, space)
		case kind == 'Q' && strings.Contains(body, "#{"):
			l.emit(tInvalid, "a string with #{...} is built by code at run time: write its value", start, space)
		default:
			l.emit(tStr, body, start, space)
		}
	default:
		body, _ := l.balanced(open, close)
		_ = body
		l.emit(tInvalid, "%"+string(kind)+" literals are not read", start, space)
	}
	return true
}

// balanced returns the text up to the close matching open (nested pairs
// counted), after it.
func (l *lexer) balanced(open, close byte) (string, bool) {
	depth, s := 1, l.i
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch {
		case c == '\\':
			l.i += 2
			continue
		case c == close:
			depth--
			if depth == 0 {
				l.i++
				return l.src[s : l.i-1], true
			}
		case c == open:
			depth++
		}
		l.i++
	}
	return "", false
}

// regex reads a regex literal's body (l.i after its opening delimiter)
// and options; its source is kept as written, escapes and all.
func (l *lexer) regex(start int, open, close byte, space bool) {
	var body string
	var ok bool
	if open == '/' {
		s := l.i
		for l.i < len(l.src) && l.src[l.i] != '/' && l.src[l.i] != '\n' {
			if l.src[l.i] == '\\' {
				l.i++
			}
			l.i++
		}
		if ok = l.i < len(l.src) && l.src[l.i] == '/'; ok {
			body = l.src[s:l.i]
			l.i++
		}
	} else {
		body, ok = l.balanced(open, close)
	}
	if !ok {
		l.emit(tInvalid, "the regex is not closed", start, space)
		return
	}
	fs := l.i
	for l.i < len(l.src) && strings.IndexByte("imxounse", l.src[l.i]) >= 0 {
		l.i++
	}
	if strings.Contains(body, "#{") {
		l.emit(tInvalid, "a regex with #{...} is built by code at run time: write it whole", start, space)
		return
	}
	l.emit(tRegex, body, start, space)
	l.toks[len(l.toks)-1].flags = l.src[fs:l.i]
}

// regexAllowed reports whether a '/' (or '%') here starts a literal
// rather than dividing: at the start of an expression, after an
// operator or comma, or after a command's name with space before and
// none after ("origins /x/").
func (l *lexer) regexAllowed(space bool) bool {
	if len(l.toks) == 0 {
		return true
	}
	p := l.toks[len(l.toks)-1]
	switch p.kind {
	case tNewline, tLabel:
		return true
	case tOp:
		return p.text != ")" && p.text != "]" && p.text != "}"
	case tIdent:
		next := byte(' ')
		if l.i+1 < len(l.src) {
			next = l.src[l.i+1]
		}
		return space && next != ' ' && next != '='
	}
	return false
}
