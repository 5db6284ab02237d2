package netlify

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/whycors/whycors/engine/policy"
)

// hline is one header line of a _headers file, kept for edits.
type hline struct {
	name, value  string
	line, col    int
	start, end   int // the line's bytes, without its newline
	vstart, vend int // the value's bytes
	indent       string
}

// block is one path of a _headers file and its header lines.
type block struct {
	path       string
	line, col  int
	start, end int // the path line's bytes
	lines      []hline
}

// scanHeaders splits a _headers file as the parser does (parseHeaders,
// reduceLine), and lists its faults.
func scanHeaders(text string) ([]block, policy.Errors) {
	var bs []block
	var errs policy.Errors
	off := 0
	for i, raw := range strings.Split(text, "\n") {
		start := off
		off += len(raw) + 1
		line := jsTrim(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		lead := strings.Index(raw, line)
		col := utf8.RuneCountInString(raw[:lead]) + 1
		if strings.HasPrefix(line, "/") {
			bs = append(bs, block{path: line, line: i + 1, col: col, start: start, end: start + len(raw)})
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue // neither a path nor a header: the parser ignores it
		}
		name, value = jsTrim(name), jsTrim(value)
		at := &policy.Error{Line: i + 1, Column: col}
		switch {
		case name == "":
			at.Msg = "missing header name before the colon"
		case value == "":
			at.Column = col + utf8.RuneCountInString(line)
			at.Msg = "missing header value after " + strconv.Quote(name+":")
		case len(bs) == 0:
			at.Msg = "the header " + strconv.Quote(name) + " comes before any path: a _headers file starts with a path line such as /*"
		}
		if at.Msg != "" {
			errs = append(errs, at)
			continue
		}
		colon := start + lead + strings.IndexByte(line, ':')
		vs := colon + 1 + (len(raw[colon+1-start:]) - len(strings.TrimLeftFunc(raw[colon+1-start:], jsSpace)))
		b := &bs[len(bs)-1]
		b.lines = append(b.lines, hline{name: name, value: value, line: i + 1, col: col,
			start: start, end: start + len(raw), vstart: vs, vend: vs + len(value), indent: raw[:lead]})
	}
	return bs, errs
}

// ParseHeaders reads a _headers file.
func ParseHeaders(text string) (*Config, error) {
	bs, errs := scanHeaders(text)
	var rules []Rule
	for i, b := range bs {
		r := Rule{For: jsTrim(b.path), Line: b.line, Column: b.col, index: i}
		for _, l := range b.lines {
			h := Header{Name: l.name, Value: l.value, Line: l.line, Column: l.col}
			if prev, ok := r.Get(l.name); ok && prev.Name == l.name {
				h.Value = prev.Value + ", " + l.value
			}
			r.Values = setValue(r.Values, h)
		}
		if len(r.Values) == 0 {
			continue
		}
		if err := finish(&r); err != nil {
			errs = append(errs, err)
			continue
		}
		rules = append(rules, r)
	}
	c := &Config{Rules: dedupe(rules), Syntax: HeadersFile}
	if len(errs) > 0 {
		return c, errs
	}
	return c, nil
}

// finish normalizes a rule's values and compiles its path; the fault of
// the rule, when it has one.
func finish(r *Rule) *policy.Error {
	for i := range r.Values {
		h := &r.Values[i]
		if h.Name == "undefined" {
			return &policy.Error{Line: h.Line, Column: h.Column, Msg: "Netlify refuses a header named \"undefined\" (an empty name to its parser)"}
		}
		h.Value = joinCommas(jsTrim(h.Value))
	}
	p, ok := compile(r.For)
	if !ok {
		return &policy.Error{Line: r.Line, Column: r.Column, Msg: "the path " + strconv.Quote(r.For) + " is not a pattern Netlify can read: a segment with * keeps the rest as a regular expression, and this one is invalid"}
	}
	r.re = p
	return nil
}
