package nginx

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// This file splits nginx configuration text into directives, as
// ngx_conf_file.c reads it: words separated by spaces, ";" ending a
// directive, "{ }" a block, "#" a comment, '...' and "..." quoted with
// backslash escapes.

const (
	maxText       = 256 << 10
	maxDirectives = 5000
	maxDepth      = 16
)

type word struct {
	text      string
	quoted    bool
	line, col int
}

type directive struct {
	name      string
	args      []word
	block     []*directive
	hasBlock  bool
	line, col int
}

type lexer struct {
	s         string
	i         int
	line, col int
	errs      policy.Errors
	count     int
}

func (lx *lexer) err(line, col int, msg string) {
	if len(lx.errs) < 50 {
		lx.errs = append(lx.errs, &policy.Error{Line: line, Column: col, Msg: msg, Unreadable: true})
	}
}

func (lx *lexer) adv() byte {
	c := lx.s[lx.i]
	lx.i++
	if c == '\n' {
		lx.line++
		lx.col = 1
	} else if c&0xC0 != 0x80 {
		lx.col++
	}
	return c
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// next returns the next word, or a punctuation word ";", "{" or "}"
// (quoted false), or ok false at the end.
func (lx *lexer) next() (w word, punct bool, ok bool) {
	for lx.i < len(lx.s) {
		c := lx.s[lx.i]
		if isSpace(c) {
			lx.adv()
			continue
		}
		if c == '#' {
			for lx.i < len(lx.s) && lx.s[lx.i] != '\n' {
				lx.adv()
			}
			continue
		}
		break
	}
	if lx.i >= len(lx.s) {
		return word{}, false, false
	}
	line, col := lx.line, lx.col
	c := lx.s[lx.i]
	switch c {
	case ';', '{', '}':
		lx.adv()
		return word{text: string(c), line: line, col: col}, true, true
	case '"', '\'':
		lx.adv()
		var b strings.Builder
		for {
			if lx.i >= len(lx.s) {
				lx.err(line, col, "unclosed quoted string")
				return word{text: b.String(), quoted: true, line: line, col: col}, false, true
			}
			d := lx.adv()
			if d == c {
				break
			}
			if d == '\\' && lx.i < len(lx.s) {
				unescape(&b, lx.adv())
				continue
			}
			b.WriteByte(d)
		}
		// nginx wants a space, ";", "{" or ")" after a quoted string.
		if lx.i < len(lx.s) {
			if d := lx.s[lx.i]; !isSpace(d) && d != ';' && d != '{' && d != '}' && d != ')' {
				lx.err(lx.line, lx.col, "unexpected "+strconv.Quote(string(d))+" after a quoted string")
			}
		}
		return word{text: b.String(), quoted: true, line: line, col: col}, false, true
	}
	var b strings.Builder
	for lx.i < len(lx.s) {
		d := lx.s[lx.i]
		if isSpace(d) || d == ';' || d == '{' || d == '}' {
			break
		}
		if (d == '"' || d == '\'') && b.Len() > 0 && b.String() != "(" {
			break
		}
		if (d == '"' || d == '\'') && b.String() == "(" {
			// "('OPTIONS'": the parenthesis is its own word
			return word{text: "(", line: line, col: col}, false, true
		}
		lx.adv()
		if d == '\\' && lx.i < len(lx.s) {
			// As in a quoted word (ngx_conf_read_token copies every
			// word so): only \", \', \\, \t, \r and \n are escapes; any
			// other backslash stays, so a regex's \. is a literal dot.
			// Tried as a new user would, ^https://(app|www)\.example\.com$
			// lost its backslashes and matched appxexample.com.
			unescape(&b, lx.adv())
			continue
		}
		b.WriteByte(d)
	}
	return word{text: b.String(), line: line, col: col}, false, true
}

// parse reads every directive; depth counts open blocks.
func (lx *lexer) parse(depth int, open *word) []*directive {
	var out []*directive
	var cur *directive
	for {
		w, punct, ok := lx.next()
		if !ok {
			if cur != nil {
				lx.err(cur.line, cur.col, "directive "+strconv.Quote(cur.name)+" is not terminated by \";\"")
			}
			if open != nil {
				lx.err(open.line, open.col, "unclosed {")
			}
			return out
		}
		if len(lx.errs) >= 50 {
			return out
		}
		if punct {
			switch w.text {
			case ";":
				if cur == nil {
					lx.err(w.line, w.col, "unexpected \";\"")
					continue
				}
				out = append(out, cur)
				cur = nil
			case "{":
				if cur == nil {
					lx.err(w.line, w.col, "unexpected \"{\"")
					cur = &directive{line: w.line, col: w.col}
				}
				if depth >= maxDepth {
					lx.err(w.line, w.col, "blocks nested too deeply")
					return out
				}
				cur.hasBlock = true
				cur.block = lx.parse(depth+1, &w)
				out = append(out, cur)
				cur = nil
			case "}":
				if cur != nil {
					lx.err(cur.line, cur.col, "directive "+strconv.Quote(cur.name)+" is not terminated by \";\"")
				}
				if open == nil {
					lx.err(w.line, w.col, "unexpected \"}\"")
					continue
				}
				return out
			}
			continue
		}
		lx.count++
		if lx.count > maxDirectives*8 {
			lx.err(w.line, w.col, "too many words")
			return out
		}
		if cur == nil {
			cur = &directive{name: w.text, line: w.line, col: w.col}
			continue
		}
		cur.args = append(cur.args, w)
	}
}

func parseConf(text string) ([]*directive, policy.Errors) {
	return parseConfAt(text, 1)
}

// parseConfAt is parseConf of text that starts at line of a longer one
// (a file of an nginx -T dump), its positions those of the longer text.
func parseConfAt(text string, line int) ([]*directive, policy.Errors) {
	if len(text) > maxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "text longer than " + strconv.Itoa(maxText) + " bytes"}}
	}
	lx := &lexer{s: text, line: line, col: 1}
	ds := lx.parse(0, nil)
	return ds, lx.errs
}

// unescape writes the character a backslash escapes, as
// ngx_conf_read_token copies a word: \", \', \\, \t, \r and \n are
// escapes; any other backslash stays with its character.
func unescape(b *strings.Builder, e byte) {
	switch e {
	case '"', '\'', '\\':
		b.WriteByte(e)
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	default:
		b.WriteByte('\\')
		b.WriteByte(e)
	}
}
