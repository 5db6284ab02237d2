package traefik

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/lineedit"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
)

// Traefik edits are byte splices of the user's YAML or TOML: a value
// joins a list after its last item (a line of its own in a YAML block
// list, ", value" in a flow list or TOML array), a missing field is a
// line of its own before the middleware's first field, written as that
// line's key is (its indent, a TOML dotted "headers." prefix).
// Edit.Line chooses among several middlewares: the one whose headers
// block starts last at or before it.

// FileName is the file a fix's diff names.
func (*Format) FileName() string { return "dynamic.yml" }

// EditText makes e in text's middleware (the only one, the one with CORS
// fields, or the one Edit.Line is in).
func (f *Format) EditText(text string, e fix.Edit) (string, error) {
	return f.EditSource(policy.Source{Text: text}, e)
}

// EditSource makes e in the middleware src.Resource names.
func (*Format) EditSource(src policy.Source, e fix.Edit) (string, error) {
	c, err := readAll(src)
	if err != nil {
		return "", fix.ErrNotFound
	}
	if err := c.choose(src.Resource); err != nil {
		if src.Resource != "" || e.Line == 0 {
			return "", fix.ErrNotFound
		}
		for _, m := range c.Middlewares {
			if m.Line <= e.Line && (c.chosen == nil || m.Line > c.chosen.Line) {
				c.chosen = m
			}
		}
		if c.chosen == nil {
			return "", fix.ErrNotFound
		}
	}
	ed := editor{text: src.Main(), toml: c.toml, labels: c.labels, m: c.chosen}
	switch e.Op {
	case fix.Add:
		switch e.Field {
		case fix.Origins:
			return ed.add(fOriginList, e.Values, false)
		case fix.Methods:
			return ed.add(fMethods, e.Values, true)
		case fix.AllowHeaders:
			return ed.add(fHeaders, e.Values, true)
		}
	case fix.Replace:
		if e.Field == fix.Origins && len(e.Values) == 1 {
			return ed.replace(fOriginList, e.Old, e.Values[0])
		}
	case fix.Enable:
		if e.Field == fix.Credentials {
			return ed.enable(fCredentials)
		}
	}
	return "", fix.ErrUnsupported
}

type editor struct {
	text   string
	toml   bool
	labels bool // values are a label's raw text
	m      *Middleware
}

var plainYAML = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9:/._+-]*$`)

// quote writes v as the sibling like does (its quote), else plain in
// YAML where YAML reads it as the same string, else double-quoted.
func (ed editor) quote(v string, like *node) string {
	if ed.labels {
		return v
	}
	q := byte(0)
	if like != nil && like.off >= 0 && like.off < len(ed.text) {
		q = ed.text[like.off]
	}
	switch {
	case q == '\'' && !strings.Contains(v, "'"):
		return "'" + v + "'"
	case q == '"':
		return strconv.Quote(v)
	case !ed.toml && plainYAML.MatchString(v) && !strings.Contains(v, ": ") && !reserved(v):
		return v
	}
	return strconv.Quote(v)
}

func reserved(v string) bool {
	switch strings.ToLower(v) {
	case "true", "false", "yes", "no", "on", "off", "null", "y", "n":
		return true
	}
	return false
}

// add appends values to the list field, or adds the field. fold
// compares values without regard to case (methods, header names).
func (ed editor) add(field string, values []string, fold bool) (string, error) {
	have := map[string]bool{}
	cur := ed.m.listOf(field)
	for _, v := range cur {
		if fold {
			v = strings.ToLower(v)
		}
		have[v] = true
	}
	var add []string
	for _, v := range values {
		k := v
		if fold {
			k = strings.ToLower(v)
		}
		if !have[k] {
			have[k] = true
			add = append(add, v)
		}
	}
	if len(add) == 0 {
		return "", fix.ErrNotFound
	}
	f := ed.m.fields[field]
	if f == nil {
		return ed.insert(field, add)
	}
	switch {
	case f.kind == 'l' && len(f.kids) == 0 && f.flow && f.off >= 0 && f.off < len(ed.text) && ed.text[f.off] == '[':
		return fix.Insert(ed.text, f.off+1, ed.items(add, nil)), nil
	case f.kind == 'l' && len(f.kids) > 0:
		last := f.kids[len(f.kids)-1]
		if last.end < 0 || last.off < 0 {
			return "", fix.ErrUnsupported
		}
		if f.flow {
			return fix.Insert(ed.text, last.end, ", "+ed.items(add, last)), nil
		}
		prefix := ed.text[lineedit.LineStart(ed.text, last.off):last.off]
		if strings.TrimLeft(prefix, " ") != "- " {
			return "", fix.ErrUnsupported
		}
		nl := strings.IndexByte(ed.text[last.end:], '\n')
		at := len(ed.text)
		if nl >= 0 {
			at = last.end + nl
			if at > 0 && ed.text[at-1] == '\r' {
				at--
			}
		}
		var b strings.Builder
		for _, v := range add {
			b.WriteString(ed.eol(at) + prefix + ed.quote(v, last))
		}
		return fix.Insert(ed.text, at, b.String()), nil
	case f.kind == 's' && f.tag == "str" && f.off >= 0 && f.end > f.off:
		// paerser's comma-separated string
		return ed.text[:f.off] + ed.quote(fix.AppendList(f.str, add, ","), f) + ed.text[f.end:], nil
	}
	return "", fix.ErrUnsupported
}

func (ed editor) items(vs []string, like *node) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = ed.quote(v, like)
	}
	return strings.Join(q, ", ")
}

// listOf is the middleware's values of a list field.
func (m *Middleware) listOf(field string) []string {
	switch field {
	case fOriginList:
		return m.OriginList
	case fMethods:
		return m.Methods
	case fHeaders:
		return m.AllowHeaders
	}
	return nil
}

// insert writes field with values as a line of its own before the
// middleware's first field, keyed as that one is.
func (ed editor) insert(field string, values []string) (string, error) {
	if ed.labels {
		return ed.insertLabel(field, strings.Join(values, ","))
	}
	v := "[" + ed.items(values, nil) + "]"
	return ed.insertLine(field, v)
}

func (ed editor) insertLine(field, value string) (string, error) {
	h := ed.m.headers
	if ed.labels {
		return ed.insertLabel(field, value)
	}
	if h.kind != 'm' || h.flow || len(h.kids) == 0 {
		return "", fix.ErrUnsupported
	}
	first := h.kids[0]
	if first.keyOff < 0 {
		return "", fix.ErrUnsupported
	}
	start := lineedit.LineStart(ed.text, first.keyOff)
	prefix := ed.text[start:first.keyOff]
	if strings.TrimLeft(prefix, " \t") != "" && !(ed.toml && strings.HasSuffix(strings.TrimLeft(prefix, " \t"), ".")) {
		return "", fix.ErrUnsupported
	}
	sep := ": "
	if ed.toml {
		sep = " = "
	}
	return fix.Insert(ed.text, start, prefix+field+sep+value+ed.eol(first.keyOff)), nil
}

// eol is the line break of the line holding off: "\r\n" or "\n".
func (ed editor) eol(off int) string {
	if nl := strings.IndexByte(ed.text[off:], '\n'); nl > 0 && ed.text[off+nl-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// insertLabel writes field=value as a label of its own before the
// middleware's first, its line as that one's (its list dash, quotes,
// separator).
func (ed editor) insertLabel(field, value string) (string, error) {
	var first *node
	for _, k := range ed.m.headers.kids {
		if k.label != nil && k.kind == 's' {
			first = k
			break
		}
	}
	if first == nil {
		return "", fix.ErrUnsupported
	}
	start := first.label.line
	line := ed.text[start:]
	if nl := strings.IndexByte(line, '\n'); nl >= 0 {
		line = line[:nl+1]
	} else {
		line += "\n"
	}
	sep := ed.text[first.keyOff+len(first.key) : first.off]
	name := ed.m.headers.path + "." + field
	return fix.Insert(ed.text, start, line[:first.label.key-start]+name+sep+value+line[first.end-start:]), nil
}

// replace puts new in the place of the list item old.
func (ed editor) replace(field, old, new string) (string, error) {
	f := ed.m.fields[field]
	if f != nil && f.kind == 's' && f.tag == "str" && f.off >= 0 && f.end > f.off {
		// one comma-separated value (a label, paerser's string)
		parts := strings.Split(f.str, ",")
		for i, p := range parts {
			if strings.TrimSpace(p) == old {
				parts[i] = strings.Replace(p, old, new, 1)
				return ed.text[:f.off] + ed.quote(strings.Join(parts, ","), f) + ed.text[f.end:], nil
			}
		}
		return "", fix.ErrNotFound
	}
	if f == nil || f.kind != 'l' {
		return "", fix.ErrNotFound
	}
	for _, k := range f.kids {
		if k.kind == 's' && k.str == old && k.off >= 0 && k.end > k.off {
			return ed.text[:k.off] + ed.quote(new, k) + ed.text[k.end:], nil
		}
	}
	return "", fix.ErrNotFound
}

// enable sets the boolean field true, or adds it.
func (ed editor) enable(field string) (string, error) {
	f := ed.m.fields[field]
	if f == nil {
		return ed.insertLine(field, "true")
	}
	if f.kind != 's' || f.off < 0 || f.end <= f.off {
		return "", fix.ErrUnsupported
	}
	if b, _ := boolean(f, true); b {
		return "", fix.ErrNotFound
	}
	return ed.text[:f.off] + "true" + ed.text[f.end:], nil
}

// ChooseEdit picks the next edit of a blocked fetch: a preflight that
// failed means the middleware has no CORS field (it answers preflights
// itself as soon as it has one), so the method joins
// accessControlAllowMethods; a missing origin joins
// accessControlAllowOriginList (replacing "*" when credentials are on);
// a method, header names or credentials join their field.
func (*Format) ChooseEdit(b fix.Blocked) (fix.Edit, string, bool) {
	line := 0
	star := false
	misspelt := ""
	for _, r := range b.Rules {
		if r.ID == "Access-Control-Allow-Origin" && r.Line > 0 {
			line = r.Line
			star = star || r.Note.Case == caseListed && r.Note.Args[1] == "*"
		}
		if r.Note.Case == caseRefused && misspelt == "" {
			// An entry that means the page's origin but never equals
			// an Origin (a trailing slash): replaced, where the fix
			// added the origin beside it (tried as a new user would).
			for _, o := range r.Note.List {
				if origin.Misspells(o, b.Origin) {
					misspelt = o
					break
				}
			}
		}
	}
	if b.PreflightFailed {
		m := b.Method
		if m == "" {
			m = "GET"
		}
		return fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{m}, Line: line},
			"give the headers middleware accessControlAllowMethods, so that Traefik answers the preflight itself (the service answers " + strconv.Itoa(b.PreflightStatus) + ")", true
	}
	if b.Needs == "origin" || star && (b.Needs == "" || b.Needs == "credentials") {
		if star {
			return fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: "*", Values: []string{b.Origin}, Line: line},
				"replace \"*\" in accessControlAllowOriginList with " + b.Origin + " (a wildcard cannot carry credentials)", true
		}
		if misspelt != "" {
			return fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: misspelt, Values: []string{b.Origin}, Line: line},
				"replace " + strconv.Quote(misspelt) + " in accessControlAllowOriginList with " + b.Origin + " (an Origin header is scheme://host[:port] in lowercase, without a path, a trailing slash or a default port)", true
		}
		return fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{b.Origin}, Line: line},
			"add " + b.Origin + " to accessControlAllowOriginList", true
	}
	return lineedit.Need(b, line)
}

var (
	_ fix.Editor       = (*Format)(nil)
	_ fix.SourceEditor = (*Format)(nil)
	_ fix.EditChooser  = (*Format)(nil)
	_ policy.Format    = (*Format)(nil)
	_ policy.Evaluator = (*Config)(nil)
)
