package caddy

import (
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// token is one Caddyfile token, as Caddy's lexer splits them: words
// separated by spaces, "double-quoted" (\" inside) or `backquoted`
// strings as one token, # comments to the end of the line.
type token struct {
	text      string
	line, col int
	quoted    bool
	start     int // byte offset of the token in the text
	end       int // byte offset just after it
}

// lex splits text into tokens; an unterminated quote is a fault.
func lex(text string) ([]token, policy.Errors) {
	var out []token
	var errs policy.Errors
	line, col := 1, 1
	i := 0
	adv := func() {
		if text[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i++
	}
	for i < len(text) {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			adv()
		case c == '#':
			for i < len(text) && text[i] != '\n' {
				adv()
			}
		case c == '"' || c == '`':
			t := token{line: line, col: col, quoted: true, start: i}
			q := c
			adv()
			var b strings.Builder
			closed := false
			for i < len(text) {
				if q == '"' && text[i] == '\\' && i+1 < len(text) && text[i+1] == '"' {
					b.WriteByte('"')
					adv()
					adv()
					continue
				}
				if text[i] == q {
					adv()
					closed = true
					break
				}
				b.WriteByte(text[i])
				adv()
			}
			if !closed {
				errs = append(errs, &policy.Error{Line: t.line, Column: t.col, Msg: "unterminated quoted string"})
				return out, errs
			}
			t.text, t.end = b.String(), i
			out = append(out, t)
		default:
			t := token{line: line, col: col, start: i}
			for i < len(text) && !strings.ContainsRune(" \t\r\n", rune(text[i])) {
				adv()
			}
			t.text, t.end = text[t.start:i], i
			out = append(out, t)
		}
	}
	return out, errs
}

// node is one directive: the tokens of its line, and its block when the
// line ends with an unquoted "{".
type node struct {
	args  []token // args[0] is the directive's name
	block []*node
	open  bool // has a block
	close token
}

func (n *node) name() string { return n.args[0].text }

// tree groups tokens into directives by line and blocks by braces.
func tree(toks []token) ([]*node, policy.Errors) {
	var errs policy.Errors
	i := 0
	var parse func(depth int) []*node
	parse = func(depth int) []*node {
		var out []*node
		for i < len(toks) {
			t := toks[i]
			if !t.quoted && t.text == "}" {
				if depth == 0 {
					errs = append(errs, &policy.Error{Line: t.line, Column: t.col, Msg: "unexpected }"})
					i++
					continue
				}
				return out
			}
			n := &node{}
			line := t.line
			for i < len(toks) && toks[i].line == line {
				if !toks[i].quoted && toks[i].text == "}" {
					break
				}
				n.args = append(n.args, toks[i])
				i++
			}
			if last := n.args[len(n.args)-1]; !last.quoted && last.text == "{" {
				n.args = n.args[:len(n.args)-1]
				n.open = true
				n.block = parse(depth + 1)
				if i >= len(toks) {
					errs = append(errs, &policy.Error{Line: last.line, Column: last.col, Msg: "this { is never closed"})
				} else {
					n.close = toks[i]
					i++
				}
			}
			if len(n.args) == 0 {
				// a lone "{": the global options block, or a fault
				n.args = []token{{text: "{", line: line, col: t.col, start: t.start, end: t.end}}
			}
			out = append(out, n)
		}
		return out
	}
	nodes := parse(0)
	return nodes, errs
}
