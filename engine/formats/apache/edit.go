package apache

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/lineedit"
)

// Apache edits work on the directives' words: Edit.Line is the line of a
// Header in the configuration that answered (Respond's rule trace, Path
// "line N"); 0 takes the first Access-Control-Allow-Origin Header.

// FileName is "apache2.conf", the name a fix's diff gives the text.
func (*Format) FileName() string { return "apache2.conf" }

// directives lists every directive, sections' included, in text order.
func directives(text string) ([]*dir, bool) {
	ds, errs := parseConf(text)
	if len(errs) > 0 {
		return nil, false
	}
	var out []*dir
	var walk func([]*dir)
	walk = func(l []*dir) {
		for _, d := range l {
			out = append(out, d)
			walk(d.body)
		}
	}
	walk(ds)
	return out, true
}

// headerWords returns a Header directive's action, name and value words
// (after always/onsuccess), ok false for another directive.
func headerWords(d *dir) (always bool, action, name, value *word, ok bool) {
	if d.section || !strings.EqualFold(d.name, "Header") {
		return false, nil, nil, nil, false
	}
	a := d.args
	if len(a) > 0 && (strings.EqualFold(a[0].text, "always") || strings.EqualFold(a[0].text, "onsuccess")) {
		always = strings.EqualFold(a[0].text, "always")
		a = a[1:]
	}
	if len(a) < 2 {
		return false, nil, nil, nil, false
	}
	if len(a) > 2 {
		value = &a[2]
	}
	return always, &a[0], &a[1], value, true
}

// findHeader is the Header setting name at line (or the first).
func findHeader(ds []*dir, name string, line int) (*dir, bool) {
	var first *dir
	for _, d := range ds {
		if _, act, n, _, ok := headerWords(d); ok && strings.EqualFold(n.text, name) && !strings.EqualFold(act.text, "unset") {
			if d.line == line || line == 0 {
				return d, true
			}
			if first == nil {
				first = d
			}
		}
	}
	return first, first != nil
}

func indent(text string, off int) string {
	ind, _ := fix.LineIndent(text, off)
	return ind
}

// EditText makes e in an Apache configuration: an origin joins the
// SetEnvIf Origin regular expression whose variable the
// Access-Control-Allow-Origin Header sends (a fixed origin becomes such a
// SetEnvIf); always goes into every Access-Control-* Header without it;
// a method or header name joins Access-Control-Allow-Methods or -Headers;
// credentials set Access-Control-Allow-Credentials true; answering
// OPTIONS adds a RewriteRule [R=204,L] for OPTIONS, with always.
func (*Format) EditText(text string, e fix.Edit) (string, error) {
	ds, ok := directives(text)
	if !ok {
		return "", fix.ErrNotFound
	}
	acao, hasACAO := findHeader(ds, "Access-Control-Allow-Origin", e.Line)
	switch e.Op {
	case fix.Always:
		cs := alwaysChanges(text, ds)
		if len(cs) == 0 {
			return "", fix.ErrNotFound
		}
		return lineedit.Apply(text, cs), nil
	case fix.AnswerOptions:
		if !hasACAO {
			return "", fix.ErrNotFound
		}
		at := acao.start
		if r := firstRewrite(ds); r != nil && r.start < at && !hasVirtualHost(ds) {
			// Before the rules already there: after WordPress's block,
			// its [L] rules run first and the answer never would (a
			// last look: the fix was replies).
			at = r.start
			if m := markerStart(text, at); m >= 0 {
				// Not between WordPress's "# BEGIN"/"# END" markers,
				// whose lines it writes again when its permalinks are
				// saved (insert_with_markers; a second look).
				at = m
			}
		}
		ind := indent(text, at)
		cs := append(alwaysChanges(text, ds), lineedit.Replace(lineedit.LineStart(text, at), lineedit.LineStart(text, at),
			ind+"RewriteEngine On\n"+ind+"RewriteCond %{REQUEST_METHOD} OPTIONS\n"+ind+"RewriteRule ^ - [R=204,L]\n"))
		return lineedit.Apply(text, cs), nil
	case fix.Add:
		switch e.Field {
		case fix.Origins:
			if !hasACAO {
				return firstOrigin(text, ds, e.Values)
			}
			return addOrigins(text, ds, acao, e.Values)
		case fix.Methods:
			return addToList(text, ds, acao, hasACAO, "Access-Control-Allow-Methods", e.Values)
		case fix.AllowHeaders:
			return addToList(text, ds, acao, hasACAO, "Access-Control-Allow-Headers", e.Values)
		}
	case fix.Enable:
		if e.Field != fix.Credentials {
			return "", fix.ErrUnsupported
		}
		if d, ok := findHeader(ds, "Access-Control-Allow-Credentials", 0); ok {
			if _, _, _, v, _ := headerWords(d); v != nil {
				return text[:v.start] + "\"true\"" + text[v.end:], nil
			}
		}
		if !hasACAO {
			return "", fix.ErrNotFound
		}
		var extra []string
		if always, _, _, _, _ := headerWords(acao); always && !hasUnset(ds, "Access-Control-Allow-Credentials") {
			// The application's own line (WordPress's REST API sends
			// one) is on the other table: without the unset, two lines,
			// "true, true", which the browser refuses (a last look ran
			// it in apache2). Under the origin line's condition, so that
			// an origin it does not cover keeps the application's (a
			// second look).
			u := "Header unset Access-Control-Allow-Credentials"
			if c := envCond(acao); c != "" {
				u += " " + c
			}
			extra = append(extra, u)
		}
		return addLine(text, acao, "Access-Control-Allow-Credentials", "\"true\"", extra...), nil
	}
	return "", fix.ErrUnsupported
}

// alwaysChanges puts always into each Access-Control-* Header without it
// (an unset stays: it drops the application's own line from the other
// table). A set also gets "Header unset" of its name after it, unless the
// text has one: the always line no longer replaces the application's own
// (another table), which would make two lines.
func alwaysChanges(text string, ds []*dir) []lineedit.Change {
	unsets := map[string]bool{}
	for _, d := range ds {
		if always, act, name, _, ok := headerWords(d); ok && !always && strings.EqualFold(act.text, "unset") {
			unsets[strings.ToLower(name.text)] = true
		}
	}
	var cs []lineedit.Change
	for _, d := range ds {
		always, act, name, _, ok := headerWords(d)
		if !ok || always || strings.EqualFold(act.text, "unset") || !strings.HasPrefix(strings.ToLower(name.text), "access-control-") {
			continue
		}
		if len(d.args) > 0 && strings.EqualFold(d.args[0].text, "onsuccess") {
			cs = append(cs, lineedit.Replace(d.args[0].start, d.args[0].end, "always"))
		} else {
			cs = append(cs, lineedit.Replace(act.start, act.start, "always "))
		}
		if strings.EqualFold(act.text, "set") && !unsets[strings.ToLower(name.text)] {
			unsets[strings.ToLower(name.text)] = true
			if end := strings.IndexByte(text[d.start:], '\n'); end >= 0 {
				at := d.start + end + 1
				cs = append(cs, lineedit.Replace(at, at, indent(text, d.start)+"Header unset "+name.text+"\n"))
			}
		}
	}
	return cs
}

// addLine adds "Header [always] set name value [cond]" after the line of
// at, with its table and condition, and the lines extra after it.
func addLine(text string, at *dir, name, value string, extra ...string) string {
	always, _, _, _, _ := headerWords(at)
	line := "Header "
	if always {
		line += "always "
	}
	line += "set " + name + " " + value
	if c := envCond(at); c != "" {
		line += " " + c
	}
	ind := indent(text, at.start)
	for _, x := range extra {
		line += "\n" + ind + x
	}
	end := strings.IndexByte(text[at.start:], '\n')
	if end < 0 {
		return text + "\n" + ind + line
	}
	return fix.Insert(text, at.start+end+1, ind+line+"\n")
}

func addToList(text string, ds []*dir, acao *dir, hasACAO bool, name string, values []string) (string, error) {
	if d, ok := findHeader(ds, name, 0); ok {
		_, _, _, v, _ := headerWords(d)
		if v == nil {
			return "", fix.ErrNotFound
		}
		var add []string
		for _, x := range values {
			have := false
			for _, h := range strings.Split(v.text, ",") {
				have = have || strings.EqualFold(strings.TrimSpace(h), x)
			}
			if !have {
				add = append(add, x)
			}
		}
		if len(add) == 0 {
			return "", fix.ErrNotFound
		}
		return text[:v.start] + quote(fix.AppendList(v.text, add, ", ")) + text[v.end:], nil
	}
	if !hasACAO {
		return "", fix.ErrNotFound
	}
	return addLine(text, acao, name, quote(strings.Join(values, ", "))), nil
}

// group is "prefix(alt|alt)suffix" with one group of alternatives.
var group = regexp.MustCompile(`^(\^?[^()|]*)\(((?:[^()|]+\|)*[^()|]+)\)([^()|]*\$?)$`)

// variesByOrigin reports a Header directive of at's own section that
// sends Vary: Origin (or "*"), the field named whole (found by an
// adversarial review: another vhost's Vary: X-Origin-Region counted).
func variesByOrigin(ds []*dir, at *dir) bool {
	in := sectionOf(ds, at)
	for _, d := range ds {
		if d.section || !strings.EqualFold(d.name, "Header") || sectionOf(ds, d) != in {
			continue
		}
		_, _, name, v, _ := headerWords(d)
		if name == nil || v == nil || !strings.EqualFold(name.text, "Vary") {
			continue
		}
		for f := range strings.SplitSeq(v.text, ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, "origin") {
				return true
			}
		}
	}
	return false
}

// sectionOf is the innermost section of ds that holds d, nil at the top.
func sectionOf(ds []*dir, d *dir) *dir {
	var in *dir
	for _, s := range ds {
		if s.section && s != d && s.line < d.line && d.line < s.endLine && (in == nil || s.line > in.line) {
			in = s
		}
	}
	return in
}

// addOrigins lets values in: into the SetEnvIf Origin regular expression
// whose variable the Header sends, or a new SetEnvIf for a fixed value.
func addOrigins(text string, ds []*dir, acao *dir, values []string) (string, error) {
	_, _, _, v, _ := headerWords(acao)
	if v == nil {
		return "", fix.ErrNotFound
	}
	envVar := ""
	if m := regexp.MustCompile(`%\{([^}]+)\}e`).FindStringSubmatch(v.text); m != nil {
		envVar = m[1]
	}
	if envVar == "" {
		if v.text == "*" {
			return "", fix.ErrUnsupported
		}
		// A fixed origin: a SetEnvIf of it and the new ones, and the
		// Header sending the matched one.
		alts := []string{regexp.QuoteMeta(v.text)}
		for _, x := range values {
			alts = append(alts, regexp.QuoteMeta(x))
		}
		ind := indent(text, acao.start)
		cs := []lineedit.Change{
			lineedit.Replace(lineedit.LineStart(text, acao.start), lineedit.LineStart(text, acao.start), ind+"SetEnvIf Origin \"^("+strings.Join(alts, "|")+")$\" CORS_ORIGIN=$0\n"),
			lineedit.Replace(v.start, v.end, "%{CORS_ORIGIN}e"),
		}
		if last := acao.args[len(acao.args)-1]; last.start == v.start {
			cs = append(cs, lineedit.Replace(v.end, v.end, " env=CORS_ORIGIN"))
		}
		if !variesByOrigin(ds, acao) {
			// The reply now depends on the origin: every reply says
			// so, whatever its status (found as a new user would: the
			// fixed file was lint's vary-origin).
			end := lineedit.LineStart(text, acao.start)
			if nl := strings.IndexByte(text[acao.start:], '\n'); nl >= 0 {
				end = acao.start + nl + 1
			} else {
				cs = append(cs, lineedit.Replace(len(text), len(text), "\n"))
				end = len(text)
			}
			cs = append(cs, lineedit.Replace(end, end, ind+"Header always merge Vary Origin\n"))
		}
		return lineedit.Apply(text, cs), nil
	}
	for _, d := range ds {
		if d.section || !(strings.EqualFold(d.name, "SetEnvIf") || strings.EqualFold(d.name, "SetEnvIfNoCase")) || len(d.args) < 3 || !strings.EqualFold(d.args[0].text, "Origin") {
			continue
		}
		sets := false
		for _, a := range d.args[2:] {
			sets = sets || strings.HasPrefix(a.text, envVar+"=") || a.text == envVar
		}
		if !sets {
			continue
		}
		re := d.args[1]
		var alts []string
		for _, x := range values {
			alts = append(alts, regexp.QuoteMeta(x))
		}
		src := re.text
		var next string
		if m := group.FindStringSubmatch(src); m != nil && m[1] != "" && m[1] != "^" {
			// ^https://(app|admin)\.test$: the new origin in the group
			// only when it shares the prefix and suffix.
			for _, x := range values {
				q := regexp.QuoteMeta(x)
				pre := strings.TrimPrefix(m[1], "^")
				suf := strings.TrimSuffix(m[3], "$")
				if !strings.HasPrefix(q, pre) || !strings.HasSuffix(q, suf) || len(q) < len(pre)+len(suf) {
					next = ""
					break
				}
				m[2] += "|" + q[len(pre):len(q)-len(suf)]
				next = m[1] + "(" + m[2] + ")" + m[3]
			}
		}
		if next == "" {
			inner := strings.TrimSuffix(strings.TrimPrefix(src, "^"), "$")
			next = "^(?:" + inner + "|" + strings.Join(alts, "|") + ")$"
		}
		return text[:re.start] + quote(next) + text[re.end:], nil
	}
	return "", fix.ErrNotFound
}

// ChooseEdit picks the next edit of a blocked fetch from the rule trace
// (Path "line N"): a preflight Apache or the backend answered with an
// error status needs a RewriteRule answering OPTIONS; a Header skipped on
// a reply Apache generated needs always; otherwise the header the browser
// missed gets the page's origin, method or headers, or credentials.
func (*Format) ChooseEdit(b fix.Blocked) (fix.Edit, string, bool) {
	line, statusFailed := 0, false
	for _, r := range b.Rules {
		if strings.EqualFold(r.ID, "Access-Control-Allow-Origin") && line == 0 {
			line, _ = strconv.Atoi(strings.TrimPrefix(r.Path, "line "))
		}
		// A line always would send on a reply Apache generates: not an
		// unset (firstOrigin's drops the application's own line), nor a
		// header other than Access-Control-*, which Always leaves.
		statusFailed = statusFailed || r.Failed == "status" && r.Note.Args[1] != "unset" && strings.HasPrefix(strings.ToLower(r.ID), "access-control-")
	}
	switch {
	case statusFailed:
		return fix.Edit{Op: fix.Always}, "add always to the Access-Control-* Header lines, so Apache sends them with the replies it generates itself", true
	case b.PreflightFailed && line != 0:
		return fix.Edit{Op: fix.AnswerOptions, Line: line}, "answer OPTIONS in Apache with 204 (RewriteRule [R=204,L]), with the headers always (the backend answers " + strconv.Itoa(b.PreflightStatus) + ")", true
	}
	switch b.Needs {
	case "origin":
		if line != 0 {
			return fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{b.Origin}, Line: line}, "let " + b.Origin + " in through the SetEnvIf Origin expression", true
		}
		// No Access-Control-Allow-Origin line yet: the first
		// (firstOrigin).
		return fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{b.Origin}}, "send Access-Control-Allow-Origin: " + b.Origin + " with Header always set, and Vary: Origin", true
	}
	return lineedit.Need(b, line)
}

// quote is s in double quotes as Apache reads them (substring_conf): a
// backslash before a backslash, the quote or the end is doubled, and the
// quote escaped; any other backslash (a regular expression's \.) stays
// as the user writes it.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			b.WriteString(`\"`)
		case s[i] == '\\' && (i+1 == len(s) || s[i+1] == '\\' || s[i+1] == '"'):
			b.WriteString(`\\`)
		default:
			b.WriteByte(s[i])
		}
	}
	b.WriteByte('"')
	return b.String()
}

// envCond is a Header line's env= condition, after its value, or "".
func envCond(d *dir) string {
	_, _, _, v, _ := headerWords(d)
	if n := len(d.args); v != nil && n > 0 && d.args[n-1].start > v.start && strings.HasPrefix(strings.ToLower(d.args[n-1].text), "env=") {
		return d.args[n-1].text
	}
	return ""
}

// markerStart is the offset of the "# BEGIN name" line whose block holds
// off (a "# END" line does not come between them), or -1.
func markerStart(text string, off int) int {
	best := -1
	for i := 0; i < off; {
		end := strings.IndexByte(text[i:], '\n')
		if end < 0 {
			end = len(text) - i
		}
		line := strings.TrimSpace(text[i : i+end])
		switch {
		case strings.HasPrefix(line, "# BEGIN "):
			best = i
		case strings.HasPrefix(line, "# END "):
			best = -1
		}
		i += end + 1
	}
	return best
}

// firstRewrite is the first RewriteCond or RewriteRule of the text.
func firstRewrite(ds []*dir) *dir {
	for _, d := range ds {
		if !d.section && (strings.EqualFold(d.name, "RewriteCond") || strings.EqualFold(d.name, "RewriteRule")) {
			return d
		}
	}
	return nil
}

func hasVirtualHost(ds []*dir) bool {
	for _, d := range ds {
		if d.section && strings.EqualFold(d.name, "VirtualHost") {
			return true
		}
	}
	return false
}

// hasUnset reports whether the text unsets name on the onsuccess table.
func hasUnset(ds []*dir, name string) bool {
	for _, d := range ds {
		if always, act, n, _, ok := headerWords(d); ok && !always && strings.EqualFold(act.text, "unset") && strings.EqualFold(n.text, name) {
			return true
		}
	}
	return false
}

// firstOrigin starts the CORS lines of a text that has none, whose top
// level answers every request (a .htaccess, WordPress's before its CORS
// lines; tried as a new user would, the fix was replies to write): the
// origin on the always table, the application's own line unset, and
// Vary. A text of <VirtualHost> sections gets no such edit: which one
// answers is not the text's first line.
func firstOrigin(text string, ds []*dir, origins []string) (string, error) {
	if len(origins) != 1 || origins[0] == "" || strings.ContainsAny(origins[0], "\"\\ \t\r\n") {
		return "", fix.ErrUnsupported
	}
	if hasVirtualHost(ds) {
		return "", fix.ErrNotFound
	}
	return "Header always set Access-Control-Allow-Origin \"" + origins[0] + "\"\nHeader unset Access-Control-Allow-Origin\nHeader always merge Vary Origin\n" + text, nil
}
