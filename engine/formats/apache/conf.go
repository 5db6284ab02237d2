package apache

import (
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// word is one argument of a directive: quoted ("..." or '...') or bare,
// with its position and offsets in the text.
type word struct {
	text       string
	quoted     bool
	line, col  int
	start, end int
}

// dir is one directive line, or a section (<Name args> ... </Name>).
type dir struct {
	name    string // as written; compare with strings.EqualFold
	args    []word
	line    int
	col     int
	start   int // offset of the name
	section bool
	body    []*dir
	endLine int
}

// parseConf splits an Apache configuration into directives and sections.
// A line ending in \ continues on the next; # starts a comment at the
// start of a line.
func parseConf(text string) ([]*dir, policy.Errors) {
	var errs policy.Errors
	type frame struct {
		d    *dir
		list *[]*dir
	}
	var top []*dir
	stack := []frame{{list: &top}}
	off := 0
	line := 1
	for off < len(text) {
		end := strings.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += off
		}
		first := line
		// join continuation lines
		raw := text[off:end]
		lineOff := off
		for strings.HasSuffix(strings.TrimRight(raw, "\r"), "\\") && end < len(text) {
			next := strings.IndexByte(text[end+1:], '\n')
			if next < 0 {
				next = len(text)
			} else {
				next += end + 1
			}
			raw = strings.TrimSuffix(strings.TrimRight(raw, "\r"), "\\") + " " + text[end+1:next]
			end = next
			line++
		}
		off = end + 1
		line++
		ws, ok := splitWords(raw, first, lineOff)
		if !ok {
			errs = append(errs, &policy.Error{Line: first, Column: 1, Msg: "unterminated quoted string"})
			continue
		}
		if len(ws) == 0 || strings.HasPrefix(ws[0].text, "#") && !ws[0].quoted {
			continue
		}
		name := ws[0]
		switch {
		case strings.HasPrefix(name.text, "</"):
			n := strings.TrimSuffix(strings.TrimPrefix(name.text, "</"), ">")
			cur := stack[len(stack)-1]
			if cur.d == nil || !strings.EqualFold(cur.d.name, n) {
				errs = append(errs, &policy.Error{Line: first, Column: name.col, Msg: name.text + " closes no open <" + n + ">"})
				continue
			}
			cur.d.endLine = first
			stack = stack[:len(stack)-1]
		case strings.HasPrefix(name.text, "<"):
			d := &dir{name: strings.TrimPrefix(name.text, "<"), line: first, col: name.col, start: name.start, section: true}
			args := ws[1:]
			if len(args) > 0 {
				last := &args[len(args)-1]
				if strings.HasSuffix(last.text, ">") && !last.quoted {
					last.text = strings.TrimSuffix(last.text, ">")
					if last.text == "" {
						args = args[:len(args)-1]
					}
				} else if strings.HasSuffix(raw, ">") {
					// a quoted last argument followed by >
				} else {
					errs = append(errs, &policy.Error{Line: first, Column: name.col, Msg: "section <" + d.name + " lacks its closing >"})
				}
			} else if strings.HasSuffix(d.name, ">") {
				d.name = strings.TrimSuffix(d.name, ">")
			}
			d.args = args
			cur := stack[len(stack)-1]
			*cur.list = append(*cur.list, d)
			stack = append(stack, frame{d: d, list: &d.body})
		default:
			d := &dir{name: name.text, args: ws[1:], line: first, col: name.col, start: name.start}
			cur := stack[len(stack)-1]
			*cur.list = append(*cur.list, d)
		}
	}
	for i := len(stack) - 1; i > 0; i-- {
		d := stack[i].d
		errs = append(errs, &policy.Error{Line: d.line, Column: d.col, Msg: "<" + d.name + "> is never closed"})
	}
	return top, errs
}

// splitWords splits one logical line into words: "double" or 'single'
// quoted (a backslash escapes the quote or a backslash), or bare.
func splitWords(s string, line, base int) ([]word, bool) {
	var out []word
	i := 0
	for i < len(s) {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\r' {
			i++
			continue
		}
		w := word{line: line, col: i + 1, start: base + i}
		if c == '"' || c == '\'' {
			q := c
			i++
			var b strings.Builder
			closed := false
			for i < len(s) {
				// substring_conf: a backslash escapes a backslash or the
				// quote, and is kept before anything else.
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == q || s[i+1] == '\\') {
					b.WriteByte(s[i+1])
					i += 2
					continue
				}
				if s[i] == q {
					i++
					closed = true
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, false
			}
			w.text, w.quoted = b.String(), true
			// a quoted section argument may be followed by ">"
			if i < len(s) && s[i] == '>' {
				i++
			}
		} else {
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '\r' {
				j++
			}
			w.text = s[i:j]
			i = j
		}
		w.end = base + i
		out = append(out, w)
	}
	return out, true
}
