package caddy

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/formats/internal/lineedit"
	"github.com/whycors/whycors/engine/policy"
)

// Caddy edits work on the header directives' tokens: Edit.Line is the
// line of a header field in the site that answered (Respond's rule
// trace, Path "line N"); 0 takes the first.

// FileName is "Caddyfile", the name a fix's diff gives the text.
func (*Format) FileName() string { return "Caddyfile" }

// field is one header field as written: in a directive's first line
// (inline) or in its block.
type field struct {
	dir    *node
	match  *token // the directive's matcher token
	name   token
	value  *token
	inline bool
	indent string
	site   int // the index of the top-level block (site) that holds it
}

// scan lists the header fields and the named matchers of the text.
func scan(text string) ([]field, map[string]*node, bool) {
	toks, errs := lex(text)
	if len(errs) > 0 {
		return nil, nil, false
	}
	nodes, errs := tree(toks)
	if len(errs) > 0 {
		return nil, nil, false
	}
	var fs []field
	named := map[string]*node{}
	site := 0
	var walk func([]*node)
	walk = func(ns []*node) {
		for _, n := range ns {
			if strings.HasPrefix(n.name(), "@") {
				if _, ok := named[n.name()]; !ok {
					named[n.name()] = n
				}
				continue
			}
			if n.name() != "header" {
				walk(n.block)
				continue
			}
			args := n.args[1:]
			var m *token
			if len(args) > 0 && (args[0].text == "*" || strings.HasPrefix(args[0].text, "/") || strings.HasPrefix(args[0].text, "@")) {
				m = &args[0]
				args = args[1:]
			}
			if len(args) > 0 {
				f := field{dir: n, match: m, name: args[0], inline: true, indent: indentOf(text, n.args[0].start), site: site}
				if len(args) > 1 {
					f.value = &args[1]
				}
				fs = append(fs, f)
			}
			for _, l := range n.block {
				f := field{dir: n, match: m, name: l.args[0], indent: indentOf(text, l.args[0].start), site: site}
				if len(l.args) > 1 {
					f.value = &l.args[1]
				}
				fs = append(fs, f)
			}
		}
	}
	bare := true
	for _, n := range nodes {
		bare = bare && !(n.open && !isDirective(n.name()))
	}
	if bare {
		// Directives alone: one site's body.
		walk(nodes)
		return fs, named, true
	}
	for i, n := range nodes {
		site = i
		walk([]*node{n})
	}
	return fs, named, true
}

func indentOf(text string, off int) string {
	ind, _ := fix.LineIndent(text, off)
	return ind
}

func (f field) is(name string) bool {
	return gohdr.Canonical(strings.TrimSuffix(strings.TrimLeft(f.name.text, "+?"), ":")) == name
}

// find returns the field named name, the one at line when line is set
// and a field of that name is there, else the first.
func find(fs []field, name string, line int) (field, bool) {
	var first *field
	for i := range fs {
		if !fs[i].is(name) {
			continue
		}
		if line == 0 || fs[i].name.line == line {
			return fs[i], true
		}
		if first == nil {
			first = &fs[i]
		}
	}
	if first != nil {
		return *first, true
	}
	return field{}, false
}

// EditText makes e in a Caddyfile: an origin goes into the header Origin
// matcher of the directive setting Access-Control-Allow-Origin (a fixed
// value becomes {header.Origin}; with no matcher, one is added); a
// method or header name joins Access-Control-Allow-Methods or -Headers;
// credentials set Access-Control-Allow-Credentials true; answering
// OPTIONS adds @preflight method OPTIONS and respond @preflight 204.
// Caddy has no "always" (its header directives apply to every status).
func (*Format) EditText(text string, e fix.Edit) (string, error) {
	fs, named, ok := scan(text)
	if !ok {
		return "", fix.ErrNotFound
	}
	acao, hasACAO := find(fs, "Access-Control-Allow-Origin", e.Line)
	switch e.Op {
	case fix.Add:
		switch e.Field {
		case fix.Origins:
			if !hasACAO {
				return "", fix.ErrNotFound
			}
			out, err := addOrigins(text, acao, named, e.Values)
			if err != nil || acao.value == nil || strings.Contains(acao.value.text, "{") || varies(fs, acao.site) {
				return out, err
			}
			// A fixed value became an echo, which answers origins
			// differently: every reply says so (found as a new user
			// would: the fixed file was lint's vary-origin).
			return withVary(out), nil
		case fix.Methods:
			return addToField(text, fs, acao, hasACAO, "Access-Control-Allow-Methods", e.Values, e.Line)
		case fix.AllowHeaders:
			return addToField(text, fs, acao, hasACAO, "Access-Control-Allow-Headers", e.Values, e.Line)
		}
	case fix.Enable:
		if e.Field != fix.Credentials {
			return "", fix.ErrUnsupported
		}
		if f, ok := find(fs, "Access-Control-Allow-Credentials", e.Line); ok && f.value != nil {
			return text[:f.value.start] + "true" + text[f.value.end:], nil
		}
		if !hasACAO {
			return "", fix.ErrNotFound
		}
		return addField(text, acao, "Access-Control-Allow-Credentials true"), nil
	case fix.AnswerOptions:
		at, ok := find(fs, "Access-Control-Allow-Origin", e.Line)
		if !ok {
			return "", fix.ErrNotFound
		}
		name := "@preflight"
		for i := 2; named[name] != nil; i++ {
			name = "@preflight" + strconv.Itoa(i)
		}
		start := lineedit.LineStart(text, at.dir.args[0].start)
		ind := indentOf(text, at.dir.args[0].start)
		return fix.Insert(text, start, ind+name+" method OPTIONS\n"+ind+"respond "+name+" 204\n"), nil
	}
	return "", fix.ErrUnsupported
}

// addOrigins lets values in through the directive's header Origin
// matcher, and makes a fixed Access-Control-Allow-Origin echo the
// request's origin.
func addOrigins(text string, acao field, named map[string]*node, values []string) (string, error) {
	var m *node
	if acao.match != nil {
		m = named[acao.match.text]
		if m == nil {
			return "", fix.ErrUnsupported // a path matcher: no origin list to extend
		}
	}
	var cs []lineedit.Change
	if acao.value != nil && !strings.Contains(acao.value.text, "{") {
		cs = append(cs, lineedit.Replace(acao.value.start, acao.value.end, "{header.Origin}"))
	}
	lines := func(ind string, vals []string) string {
		var b strings.Builder
		for _, v := range vals {
			b.WriteString(ind + "header Origin " + v + "\n")
		}
		return b.String()
	}
	switch {
	case m == nil:
		// No matcher: a new one with the fixed origin and the new ones.
		vals := values
		if acao.value != nil && !strings.Contains(acao.value.text, "{") && acao.value.text != "*" {
			vals = append([]string{acao.value.text}, values...)
		}
		ind := indentOf(text, acao.dir.args[0].start)
		unit := "\t"
		if !strings.Contains(ind, "\t") {
			unit = "    "
		}
		start := lineedit.LineStart(text, acao.dir.args[0].start)
		cs = append(cs, lineedit.Replace(start, start, ind+"@cors_origins {\n"+lines(ind+unit, vals)+ind+"}\n"))
		cs = append(cs, lineedit.Replace(acao.dir.args[0].end, acao.dir.args[0].end, " @cors_origins"))
	case m.open:
		var last *node
		for _, l := range m.block {
			if len(l.args) >= 3 && l.args[0].text == "header" && gohdr.Canonical(l.args[1].text) == "Origin" {
				last = l
			}
		}
		if last == nil {
			if len(m.block) == 0 {
				return "", fix.ErrNotFound
			}
			last = m.block[len(m.block)-1]
		}
		end := last.args[len(last.args)-1].end
		nl := strings.IndexByte(text[end:], '\n')
		if nl < 0 {
			return "", fix.ErrNotFound
		}
		cs = append(cs, lineedit.Replace(end+nl+1, end+nl+1, lines(indentOf(text, last.args[0].start), values)))
	default:
		// "@m header Origin a" becomes a block: one header Origin line each.
		if len(m.args) != 4 || m.args[1].text != "header" || gohdr.Canonical(m.args[2].text) != "Origin" {
			return "", fix.ErrUnsupported
		}
		ind := indentOf(text, m.args[0].start)
		unit := "\t"
		if !strings.Contains(ind, "\t") {
			unit = "    "
		}
		first := text[m.args[3].start:m.args[3].end]
		cs = append(cs, lineedit.Replace(m.args[1].start, m.args[3].end, "{\n"+ind+unit+"header Origin "+first+"\n"+lines(ind+unit, values)+ind+"}"))
	}
	return lineedit.Apply(text, cs), nil
}

// varies reports a header field of site that sends Vary: Origin (or
// "*"), the field named whole (found by an adversarial review: another
// site's counted).
func varies(fs []field, site int) bool {
	for _, f := range fs {
		if !f.is("Vary") || f.value == nil || f.site != site {
			continue
		}
		for v := range strings.SplitSeq(f.value.text, ",") {
			if v = strings.TrimSpace(v); v == "*" || strings.EqualFold(v, "origin") {
				return true
			}
		}
	}
	return false
}

// withVary adds "header Vary Origin", with no matcher so that every
// reply has it (RFC 9110 §12.5.5: a cache keys the stored reply on it),
// after the directive that sets Access-Control-Allow-Origin. Not
// deferred, as the origin's: reverse_proxy adds the upstream's Vary
// lines beside it.
func withVary(text string) string {
	fs, _, ok := scan(text)
	acao, found := find(fs, "Access-Control-Allow-Origin", 0)
	if !ok || !found {
		return text
	}
	end := acao.dir.args[len(acao.dir.args)-1].end
	if acao.dir.open {
		end = acao.dir.close.end
	}
	return fix.Insert(text, end, "\n"+indentOf(text, acao.dir.args[0].start)+"header Vary Origin")
}

// addToField appends values to the list of the field name, or adds the
// field next to Access-Control-Allow-Origin.
func addToField(text string, fs []field, acao field, hasACAO bool, name string, values []string, line int) (string, error) {
	f, ok := find(fs, name, 0)
	if ok && f.value != nil {
		list := f.value.text
		for _, v := range values {
			for _, have := range strings.Split(list, ",") {
				if strings.EqualFold(strings.TrimSpace(have), v) {
					values = nil
				}
			}
		}
		if len(values) == 0 {
			return "", fix.ErrNotFound
		}
		return text[:f.value.start] + strconv.Quote(fix.AppendList(list, values, ", ")) + text[f.value.end:], nil
	}
	if !hasACAO {
		return "", fix.ErrNotFound
	}
	return addField(text, acao, name+" "+strconv.Quote(strings.Join(values, ", "))), nil
}

// addField adds "Name value" next to the field at: a line of its block,
// or a header directive with its matcher after its own.
func addField(text string, at field, line string) string {
	if at.inline {
		end := at.dir.args[len(at.dir.args)-1].end
		if at.dir.open {
			end = at.dir.close.end
		}
		m := ""
		if at.match != nil {
			m = at.match.text + " "
		}
		return fix.Insert(text, end, "\n"+indentOf(text, at.dir.args[0].start)+"header "+m+line)
	}
	start := lineedit.LineStart(text, at.name.start)
	return fix.Insert(text, start, at.indent+line+"\n")
}

// ChooseEdit picks the next edit of a blocked fetch from the rule trace
// (Path "line N" of each header field): a preflight answered with an
// error status needs Caddy to answer OPTIONS itself; otherwise the header
// the browser missed gets the page's origin, method or headers, or
// credentials.
func (*Format) ChooseEdit(b fix.Blocked) (fix.Edit, string, bool) {
	line := 0
	for _, r := range b.Rules {
		if r.ID == "Access-Control-Allow-Origin" {
			if n, err := strconv.Atoi(strings.TrimPrefix(r.Path, "line ")); err == nil {
				line = n
				break
			}
		}
	}
	if b.PreflightFailed {
		if line == 0 {
			return fix.Edit{}, "", false
		}
		return fix.Edit{Op: fix.AnswerOptions, Line: line},
			"answer OPTIONS in Caddy itself with 204 (the upstream answers " + strconv.Itoa(b.PreflightStatus) + ")", true
	}
	switch b.Needs {
	case "origin":
		if line != 0 {
			return fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{b.Origin}, Line: line},
				"let " + b.Origin + " in through the header Origin matcher of the directive that sets Access-Control-Allow-Origin", true
		}
	}
	return lineedit.Need(b, line)
}

var _ policy.Format = (*Format)(nil)
