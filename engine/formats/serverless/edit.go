package serverless

import (
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"go.yaml.in/yaml/v3"
)

// FileName implements fix.Editor: the name a diff of the user's text shows.
func (*format) FileName() string { return "serverless.yml" }

// EditText implements fix.Editor: e made in the user's own YAML by
// splicing bytes at the parser's positions, never by writing the file
// again, so comments, quoting and layout stay. Rule i is the i-th cors
// setting of ReadRules. "cors: true" becomes the object it stands for
// (DocREST, DocHTTP) before the edit; a value merged in from an anchor is
// not edited (the change would reach every user of the anchor), nor are
// an http event's methods (each is an event of its own).
func (*format) EditText(text string, e fix.Edit) (string, error) {
	for range 2 {
		// A fault elsewhere (a variable whose value came with --param)
		// does not stop an edit: the tree is read all the same.
		s, d, _ := read(text, nil)
		if s == nil {
			return "", fix.ErrNotFound
		}
		c, http := s.rule(e.Rule)
		if c == nil || c.node == nil {
			return "", fix.ErrNotFound
		}
		n := c.node
		if n.Kind == yaml.ScalarNode {
			// cors: true, written out first, then edited.
			start := d.offset(n)
			text = text[:start] + expanded(http) + text[scalarEnd(text, start, false):]
			continue
		}
		k := fieldKey(c, http, e.Field)
		return editMapping(d, n, k, implied(s, c, k), e)
	}
	return "", fix.ErrNotFound
}

// rule is the cors setting of rule i, and whether it is the HTTP API's.
func (s *Service) rule(i int) (*Cors, bool) {
	for j := range s.Endpoints {
		if s.Endpoints[j].CORS == nil {
			continue
		}
		if i == 0 {
			return s.Endpoints[j].CORS, false
		}
		i--
	}
	if i == 0 && s.HTTPCORS != nil {
		return s.HTTPCORS, true
	}
	return nil, false
}

// expanded is "cors: true" as the object the framework reads it as, in
// YAML's flow style so that it takes the place of "true" on its line.
func expanded(http bool) string {
	if http {
		return "{allowedOrigins: ['*'], allowedHeaders: [" + strings.Join(DefaultHeaders, ", ") + "]}"
	}
	return "{origins: ['*'], headers: [" + strings.Join(DefaultHeaders, ", ") + "]}"
}

// fieldKey is the cors key a fix of field edits.
func fieldKey(c *Cors, http bool, field string) string {
	switch field {
	case fix.Credentials:
		return "allowCredentials"
	case fix.Origins:
		if http {
			return "allowedOrigins"
		}
		if _, ok := c.Values["origins"]; !ok {
			if _, ok := c.Values["origin"]; ok {
				return "origin"
			}
		}
		return "origins"
	case fix.AllowHeaders:
		if http {
			return "allowedHeaders"
		}
		return "headers"
	case fix.Methods:
		if http {
			return "allowedMethods"
		}
	}
	return ""
}

// implied are the values key k has when the cors object leaves it out:
// the framework's defaults (DocREST, DocHTTP), which a new key must keep.
func implied(s *Service, c *Cors, k string) []string {
	switch k {
	case "origins", "allowedOrigins":
		return c.Origins
	case "headers", "allowedHeaders":
		return c.Headers
	case "allowedMethods":
		return s.httpConfig().AllowMethods
	}
	return nil
}

func editMapping(d *doc, m *yaml.Node, k string, implied []string, e fix.Edit) (string, error) {
	if k == "" {
		return "", fix.ErrUnsupported
	}
	text := d.text
	var kn, v *yaml.Node
	for _, p := range pairs(m) {
		if p.key == k {
			if !p.owned {
				return "", fix.ErrUnsupported
			}
			kn, v = p.k, resolve(p.v)
		}
	}
	switch e.Op {
	case fix.Enable:
		if e.Field != fix.Credentials {
			return "", fix.ErrUnsupported
		}
		if v == nil {
			return insertKey(d, m, k+": true"), nil
		}
		if v.Value == "true" {
			return text, nil
		}
		start := d.offset(v)
		return text[:start] + "true" + text[scalarEnd(text, start, inFlow(m)):], nil
	case fix.Add:
		if e.Field == fix.Credentials {
			return "", fix.ErrUnsupported
		}
		if v == nil {
			return insertKey(d, m, k+": ["+quoteAll(append(append([]string(nil), implied...), e.Values...), ", ")+"]"), nil
		}
		if strings.Contains(v.Value, "${") {
			// A Serverless variable: the value lives elsewhere.
			return "", fix.ErrUnsupported
		}
		if e.Values = missing(v, k, e.Values); len(e.Values) == 0 {
			// Listed already: an edit that adds nothing changes
			// nothing (the fix search stops on it).
			return text, nil
		}
		if kn != nil && v.Kind == yaml.ScalarNode {
			start := d.offset(v)
			end := scalarEnd(text, start, inFlow(m))
			if k == "origin" {
				// One comma-separated string (DocREST).
				return text[:start] + quote(v.Value+","+strings.Join(e.Values, ",")) + text[end:], nil
			}
			return text[:start] + "[" + quote(v.Value) + ", " + quoteAll(e.Values, ", ") + "]" + text[end:], nil
		}
		if v.Kind != yaml.SequenceNode {
			return "", fix.ErrNotFound
		}
		return appendItems(d, v, e.Values), nil
	case fix.Replace:
		// A misspelt origin replaced where it is written (found as a
		// new user would: the page's origin went beside a dead
		// https://notes.example.com/, which lint then reported).
		if e.Field != fix.Origins || v == nil || len(e.Values) != 1 {
			return "", fix.ErrUnsupported
		}
		items := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			items = v.Content
		}
		for _, it := range items {
			it = resolve(it)
			if it.Kind != yaml.ScalarNode || it.Value != e.Old || strings.Contains(it.Value, "${") {
				continue
			}
			start := d.offset(it)
			return text[:start] + quote(e.Values[0]) + text[scalarEnd(text, start, inFlow(v) || it == v && inFlow(m)):], nil
		}
		return "", fix.ErrNotFound
	}
	return "", fix.ErrUnsupported
}

// missing is values less those v (a scalar, for origin a comma-separated
// list, or a sequence) already holds: origins compared exactly, header
// names and methods without regard to case.
func missing(v *yaml.Node, k string, values []string) []string {
	var have []string
	switch v.Kind {
	case yaml.ScalarNode:
		have = []string{v.Value}
		if k == "origin" {
			have = strings.Split(v.Value, ",")
		}
	case yaml.SequenceNode:
		for _, it := range v.Content {
			have = append(have, resolve(it).Value)
		}
	}
	var out []string
	for _, x := range values {
		found := false
		for _, h := range have {
			h = strings.TrimSpace(h)
			found = found || h == x || k != "origin" && k != "origins" && k != "allowedOrigins" && strings.EqualFold(h, x)
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}

// appendItems adds values after the last item of sequence v: a new "- "
// line with the last item's indentation in block style, ", value" before
// "]" in flow style.
func appendItems(d *doc, v *yaml.Node, values []string) string {
	text := d.text
	if v.Style&yaml.FlowStyle != 0 || len(v.Content) == 0 {
		start := d.offset(v)
		end := matchingBrace(text, start)
		if end < 0 {
			return text
		}
		return text[:end] + flowSep(text, end, len(v.Content) == 0) + quoteAll(values, ", ") + text[end:]
	}
	last := resolve(v.Content[len(v.Content)-1])
	ls := d.offset(last)
	lineStart := strings.LastIndexByte(text[:ls], '\n') + 1
	lead := text[lineStart:ls] // "    - "
	if strings.Trim(lead, " -") != "" {
		lead = strings.Repeat(" ", v.Column-1) + "- "
	}
	end := lineEnd(text, scalarEnd(text, ls, false))
	var b strings.Builder
	for _, x := range values {
		b.WriteString("\n" + lead + quote(x))
	}
	return text[:end] + b.String() + text[end:]
}

// insertKey adds the line "line" to mapping m: after its last line, with
// its keys' indentation, in block style; before "}" in flow style.
func insertKey(d *doc, m *yaml.Node, line string) string {
	text := d.text
	if m.Style&yaml.FlowStyle != 0 {
		start := d.offset(m)
		end := matchingBrace(text, start)
		if end < 0 {
			return text
		}
		return text[:end] + flowSep(text, end, len(m.Content) == 0) + line + text[end:]
	}
	end := lineEnd(text, d.lines[min(maxLine(m), len(d.lines))-1])
	indent := strings.Repeat(" ", m.Content[0].Column-1)
	return text[:end] + "\n" + indent + line + text[end:]
}

// flowSep is what goes before an entry written at end, just before the
// "]" or "}" that closes a flow collection: ", " after an entry; nothing
// in an empty collection; after a trailing comma, which YAML allows
// ({a: [],}, YAML 1.2 §7.4), only a space when none follows it.
func flowSep(text string, end int, empty bool) string {
	before := strings.TrimRight(text[:end], " \t\r\n")
	switch {
	case empty:
		return ""
	case strings.HasSuffix(before, ","):
		if len(before) < end {
			return ""
		}
		return " "
	}
	return ", "
}

// maxLine is the last line any node under n starts on.
func maxLine(n *yaml.Node) int {
	l := n.Line
	for _, c := range n.Content {
		if ml := maxLine(c); ml > l {
			l = ml
		}
	}
	return l
}

// inFlow reports whether mapping m is written in flow style, where a plain
// scalar ends at "," or "}".
func inFlow(m *yaml.Node) bool { return m.Style&yaml.FlowStyle != 0 }

// scalarEnd is the offset just past the scalar that starts at off.
func scalarEnd(text string, off int, flow bool) int {
	if off >= len(text) {
		return len(text)
	}
	switch text[off] {
	case '\'':
		for i := off + 1; i < len(text); i++ {
			if text[i] == '\'' {
				if i+1 < len(text) && text[i+1] == '\'' {
					i++
					continue
				}
				return i + 1
			}
		}
		return len(text)
	case '"':
		for i := off + 1; i < len(text); i++ {
			switch text[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return len(text)
	}
	i := off
	for i < len(text) && text[i] != '\n' {
		if text[i] == '#' && i > off && (text[i-1] == ' ' || text[i-1] == '\t') {
			break
		}
		if flow && (text[i] == ',' || text[i] == ']' || text[i] == '}') {
			break
		}
		i++
	}
	for i > off && (text[i-1] == ' ' || text[i-1] == '\t' || text[i-1] == '\r') {
		i--
	}
	return i
}

// lineEnd is the end of the line holding off, before any comment stays
// on it: the offset of its "\n" (or the text's end).
func lineEnd(text string, off int) int {
	if i := strings.IndexByte(text[off:], '\n'); i >= 0 {
		e := off + i
		if e > 0 && text[e-1] == '\r' {
			e--
		}
		return e
	}
	return len(text)
}

// matchingBrace is the offset of the "}" or "]" closing the flow
// collection at start, quotes skipped.
func matchingBrace(text string, start int) int {
	depth := 0
	for i := start; i < len(text); i++ {
		switch text[i] {
		case '\'', '"':
			i = scalarEnd(text, i, true) - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// quote is s as a single-quoted YAML scalar.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func quoteAll(ss []string, sep string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = quote(s)
	}
	return strings.Join(out, sep)
}
