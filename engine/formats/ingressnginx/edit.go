package ingressnginx

import (
	"strings"
	"unicode/utf8"

	"github.com/whycors/whycors/engine/fix"
	"go.yaml.in/yaml/v3"
)

// EnableCORS is the Field of a fix.Enable edit that sets
// nginx.ingress.kubernetes.io/enable-cors to "true": with it absent or
// false the controller writes no CORS block at all.
const EnableCORS = "enable-cors"

// offset is the byte offset of line and column (1-based, counted in
// characters) in the text.
func (m *Manifest) offset(line, col int) int {
	if line < 1 || line > len(m.lines) {
		return len(m.text)
	}
	off := m.lines[line-1]
	for c := 1; c < col && off < len(m.text) && m.text[off] != '\n'; c++ {
		_, size := utf8.DecodeRuneInString(m.text[off:])
		off += size
	}
	return off
}

// span is the byte range of a one-line scalar as written, quotes
// included; ok false for block scalars and values over several lines.
func (m *Manifest) span(n *yaml.Node) (start, end int, ok bool) {
	start = m.offset(n.Line, n.Column)
	t := m.text
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for i := start + 1; i < len(t) && t[i] != '\n'; i++ {
			if t[i] == '\\' {
				i++
				continue
			}
			if t[i] == '"' {
				return start, i + 1, true
			}
		}
	case n.Style&yaml.SingleQuotedStyle != 0:
		for i := start + 1; i < len(t) && t[i] != '\n'; i++ {
			if t[i] == '\'' {
				if i+1 < len(t) && t[i+1] == '\'' {
					i++
					continue
				}
				return start, i + 1, true
			}
		}
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0:
		end = start
		for end < len(t) && t[end] != '\n' && t[end] != '\r' && !(t[end] == '#' && end > start && (t[end-1] == ' ' || t[end-1] == '\t')) {
			end++
		}
		v := strings.TrimRight(t[start:end], " \t")
		if v == n.Value {
			return start, start + len(v), true
		}
	}
	return 0, 0, false
}

// quoted writes v as a YAML double-quoted string (the values a fix
// writes are printable ASCII without quotes or backslashes).
func quoted(v string) string { return `"` + v + `"` }

// target is the Ingress an edit is for: e.Line's, else the one at
// index e.Rule.
func (m *Manifest) target(e fix.Edit) (*Ingress, bool) {
	if e.Line > 0 {
		var best *Ingress
		for _, in := range m.Ingresses {
			if in.Pos.Line <= e.Line || best == nil {
				best = in
			}
		}
		return best, best != nil
	}
	if e.Rule < 0 || e.Rule >= len(m.Ingresses) {
		return nil, false
	}
	return m.Ingresses[e.Rule], true
}

// setValue writes value as annotation name of in: its value replaced
// when written (only those bytes), else a new line after the last
// annotation (or an annotations mapping opened under metadata).
func (m *Manifest) setValue(in *Ingress, name, value string) (string, error) {
	if a, ok := in.Get(name); ok {
		start, end, ok := m.span(a.node)
		if !ok {
			return "", fix.ErrUnsupported
		}
		with := quoted(value)
		if start > 0 && m.text[start-1] == ':' {
			// An empty value written as nothing after its key's colon
			// (key: at the end of the text): YAML wants a space before
			// the value (FuzzParse found key:"v").
			with = " " + with
		}
		return m.text[:start] + with + m.text[end:], nil
	}
	line := Prefix + name + ": " + quoted(value) + "\n"
	if in.annots != nil && len(in.annots.Content) >= 2 {
		if in.annots.Style&yaml.FlowStyle != 0 {
			return "", fix.ErrUnsupported
		}
		first := in.annots.Content[0]
		last := in.annots.Content[len(in.annots.Content)-1]
		_, end, ok := m.span(last)
		if !ok || last.Kind != yaml.ScalarNode {
			return "", fix.ErrUnsupported
		}
		for end < len(m.text) && m.text[end] != '\n' {
			end++
		}
		if end == len(m.text) {
			return m.text + "\n" + strings.Repeat(" ", first.Column-1) + line, nil
		}
		return fix.Insert(m.text, end+1, strings.Repeat(" ", first.Column-1)+line), nil
	}
	if in.annots != nil || in.meta == nil || in.meta.Style&yaml.FlowStyle != 0 || len(in.meta.Content) < 2 {
		return "", fix.ErrUnsupported
	}
	k := in.meta.Content[0]
	ind := strings.Repeat(" ", k.Column-1)
	at := m.offset(k.Line, 1)
	return fix.Insert(m.text, at, ind+"annotations:\n"+ind+"  "+line), nil
}

// EditText makes e in the manifest, in the Ingress e.Line is in (else
// the one at index e.Rule): an origin joins cors-allow-origin (a "*"
// replaced by it), a method or header name joins cors-allow-methods or
// -headers (the controller's default list written out when the
// annotation is absent or refused), credentials and enable-cors set
// "true". Only the annotation's value changes, or one line is added.
func (f *Format) EditText(text string, e fix.Edit) (string, error) {
	m, err := Parse(text)
	if err != nil {
		return "", fix.ErrNotFound
	}
	in, ok := m.target(e)
	if !ok {
		return "", fix.ErrNotFound
	}
	c := in.Cors
	switch e.Op {
	case fix.Add:
		switch e.Field {
		case fix.Origins:
			a, ok := in.Get("cors-allow-origin")
			if !ok || c.AllowOrigin == nil || len(c.AllowOrigin) == 1 && c.AllowOrigin[0] == "*" {
				return m.setValue(in, "cors-allow-origin", strings.Join(e.Values, ", "))
			}
			return m.setValue(in, "cors-allow-origin", fix.AppendList(strings.TrimSpace(a.Value), e.Values, ", "))
		case fix.Methods:
			return m.setValue(in, "cors-allow-methods", fix.AppendList(c.AllowMethods, upper(e.Values), ", "))
		case fix.AllowHeaders:
			return m.setValue(in, "cors-allow-headers", fix.AppendList(c.AllowHeaders, e.Values, ","))
		}
	case fix.Replace:
		if a, ok := in.Get("cors-allow-origin"); ok && e.Field == fix.Origins && len(e.Values) == 1 && e.Old != "*" && e.Old == a.Value {
			// The list as written, refused: mended, with the origin.
			list, _, ok := mend(a.Value, e.Values[0])
			if !ok {
				return "", fix.ErrUnsupported
			}
			return m.setValue(in, "cors-allow-origin", list)
		}
		if e.Field == fix.Origins && len(e.Values) == 1 {
			return m.setValue(in, "cors-allow-origin", e.Values[0])
		}
	case fix.Enable:
		switch e.Field {
		case fix.Credentials:
			return m.setValue(in, "cors-allow-credentials", "true")
		case EnableCORS:
			return m.setValue(in, "enable-cors", "true")
		}
	}
	return "", fix.ErrUnsupported
}

// mend rewrites an origin list the controller's validation refuses
// (originListValid) so that it passes, with origin added when it is not
// there: each entry it refuses is written as scheme://host[:port] (a
// path or trailing slash dropped, the scheme in lower case), and one
// that cannot be is left out. why says what changed; ok is false when
// the result still fails the validation.
func mend(written, origin string) (list, why string, ok bool) {
	var out, said []string
	for _, o := range strings.Split(written, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if originValid.MatchString(o) {
			out = append(out, o)
			continue
		}
		fixed := o
		if scheme, rest, found := strings.Cut(o, "://"); found {
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				rest = rest[:i]
			}
			fixed = strings.ToLower(scheme) + "://" + rest
		}
		if originValid.MatchString(fixed) && fixed != "" {
			out = append(out, fixed)
			said = append(said, "write "+o+" as "+fixed)
		} else {
			said = append(said, "remove "+o+", which is no origin")
		}
	}
	has := false
	for _, o := range out {
		has = has || o == origin || o == "*"
	}
	if !has {
		out = append(out, origin)
		said = append(said, "add "+origin)
	}
	list = strings.Join(out, ", ")
	if !noSpaces(originListValid)(list) || crlf.MatchString(list) {
		return "", "", false
	}
	return list, strings.Join(said, "; "), true
}

func upper(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strings.ToUpper(v)
	}
	return out
}

// ChooseEdit picks the next edit of a blocked fetch from the trace of
// the Ingress that answered (Respond's rules, Index the Ingress): CORS
// not enabled needs enable-cors "true"; an origin of * (written, absent
// or refused) that the browser refused, with credentials, gives way to
// the page's origin; otherwise the header the browser missed gets the
// page's origin, method or headers, or credentials.
func (*Format) ChooseEdit(b fix.Blocked) (fix.Edit, string, bool) {
	idx, star, refused := -1, false, ""
	for _, r := range b.Rules {
		if r.Source != source {
			continue
		}
		idx = r.Index
		if r.Failed == "enabled" {
			return fix.Edit{Op: fix.Enable, Field: EnableCORS, Rule: idx}, "set nginx.ingress.kubernetes.io/enable-cors to \"true\": without it the other cors-* annotations do nothing", true
		}
		if r.Note.Case == caseStar {
			star, refused = true, r.Note.Args[0]
		}
	}
	if idx < 0 {
		return fix.Edit{}, "", false
	}
	switch b.Needs {
	case "origin", "":
		// "" with *: the browser refused a wildcard with credentials,
		// the one refusal * leaves.
		if b.Origin == "" || b.Origin == "null" || b.Needs == "" && !star {
			return fix.Edit{}, "", false
		}
		if star && refused != "" {
			// The list as written, which validation refused: mend it
			// (tried as a new user would, the fix replaced two origins
			// with the page's, one of them written with a slash).
			// Values holds the page's origin alone (fix.Edit's values
			// are checked one by one); EditText mends the rest.
			if _, why, ok := mend(refused, b.Origin); ok {
				return fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: refused, Values: []string{b.Origin}, Rule: idx}, "mend cors-allow-origin, which the controller refuses whole and replaces by *, which browsers refuse with credentials: " + why, true
			}
		}
		if star {
			return fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: "*", Values: []string{b.Origin}, Rule: idx}, "allow only " + b.Origin + " in cors-allow-origin instead of *, which browsers refuse with credentials", true
		}
		return fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{b.Origin}, Rule: idx}, "add " + b.Origin + " to cors-allow-origin", true
	case "method":
		return fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{b.Method}, Rule: idx}, "add " + strings.ToUpper(b.Method) + " to cors-allow-methods", true
	case "headers":
		return fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: b.Headers, Rule: idx}, "add " + strings.Join(b.Headers, ", ") + " to cors-allow-headers", len(b.Headers) > 0
	case "credentials":
		return fix.Edit{Op: fix.Enable, Field: fix.Credentials, Rule: idx}, "set cors-allow-credentials to \"true\"", true
	}
	return fix.Edit{}, "", false
}
