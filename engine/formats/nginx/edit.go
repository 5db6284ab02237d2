package nginx

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/policy"
)

// nginx edits work line by line on add_header directives, the way people
// write CORS in nginx (cloud-policies.md §6.1). Edit.Line is the line of an
// add_header in the block that answered the request (the rule trace of
// Respond, Path "line N").

// FileName is "nginx.conf", the name a fix's diff gives the text.
func (*Format) FileName() string { return "nginx.conf" }

// headerLine is one "add_header name value [always];" on one line.
type headerLine struct {
	line             int // 1-based
	start, end       int // offsets of "add_header" and just after ';'
	semi             int // offset of ';'
	name             string
	value            string // as written, quotes included
	valStart, valEnd int
	always           bool
}

// headerLines lists the add_header directives that sit alone at the start
// of their line.
func headerLines(text string) []headerLine {
	var out []headerLine
	line, off := 1, 0
	for off <= len(text) {
		nl := strings.IndexByte(text[off:], '\n')
		end := len(text)
		if nl >= 0 {
			end = off + nl
		}
		l := text[off:end]
		if i := strings.Index(l, "add_header"); i >= 0 && strings.TrimSpace(l[:i]) == "" {
			if d, ok := parseAddHeader(text, off+i, end); ok {
				d.line = line
				out = append(out, d)
			}
		}
		if nl < 0 {
			break
		}
		off, line = end+1, line+1
	}
	return out
}

// parseAddHeader reads the add_header at text[start:lineEnd] into its words,
// keeping the value's quotes.
func parseAddHeader(text string, start, lineEnd int) (headerLine, bool) {
	d := headerLine{start: start}
	i := start + len("add_header")
	var words []string
	var spans [][2]int
	for i < lineEnd {
		for i < lineEnd && (text[i] == ' ' || text[i] == '\t') {
			i++
		}
		if i >= lineEnd {
			break
		}
		if text[i] == ';' {
			d.semi, d.end = i, i+1
			break
		}
		s := i
		if text[i] == '"' || text[i] == '\'' {
			q := text[i]
			i++
			for i < lineEnd && text[i] != q {
				if text[i] == '\\' {
					i++
				}
				i++
			}
			i++
		} else {
			for i < lineEnd && strings.IndexByte(" \t;", text[i]) < 0 {
				i++
			}
		}
		if i > lineEnd {
			return d, false
		}
		words = append(words, text[s:i])
		spans = append(spans, [2]int{s, i})
	}
	if d.end == 0 || len(words) < 2 || len(words) > 3 {
		return d, false
	}
	d.name = unquote(words[0])
	d.value, d.valStart, d.valEnd = words[1], spans[1][0], spans[1][1]
	d.always = len(words) == 3 && words[2] == "always"
	return d, true
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// EditText makes e in the add_header lines of text: fix.Always adds
// always to every Access-Control-* add_header that lacks it; fix.AnswerOptions
// puts "if ($request_method = OPTIONS) { return 204; }" before the
// add_header at e.Line, so nginx answers the preflight itself; fix.Add
// appends to the Access-Control-Allow-Methods or -Headers list, or adds an
// origin to the map that sets Access-Control-Allow-Origin; fix.Enable sets
// Access-Control-Allow-Credentials "true". The block is the one holding
// the add_header nearest to e.Line.
func (*Format) EditText(text string, e fix.Edit) (string, error) {
	ds := headerLines(text)
	switch e.Op {
	case fix.Always:
		changed := false
		// From the end, so earlier offsets stay valid.
		for i := len(ds) - 1; i >= 0; i-- {
			d := ds[i]
			if d.always || !strings.HasPrefix(strings.ToLower(d.name), "access-control-") {
				continue
			}
			text = fix.Insert(text, d.semi, " always")
			changed = true
		}
		if !changed {
			return "", fix.ErrNotFound
		}
		return text, nil
	case fix.AnswerOptions:
		d, ok := directiveAt(ds, e.Line)
		if !ok {
			return "", fix.ErrNotFound
		}
		lineStart := strings.LastIndexByte(text[:d.start], '\n') + 1
		ind := text[lineStart:d.start]
		unit := "    "
		if strings.HasPrefix(ind, "\t") {
			unit = "\t"
		}
		block := ind + "if ($request_method = OPTIONS) {\n" + ind + unit + "return 204;\n" + ind + "}\n"
		return fix.Insert(text, lineStart, block), nil
	case fix.Add:
		return addToList(text, ds, e)
	case fix.Inherit:
		return inherit(text, ds, e.Line)
	case fix.HideUpstream:
		if len(e.Values) != 1 {
			return "", fix.ErrUnsupported
		}
		return hideUpstream(text, ds, e.Line, e.Values[0])
	case fix.Enable:
		if e.Field != fix.Credentials {
			return "", fix.ErrUnsupported
		}
		if e.Line != 0 {
			// The block of the origin line that answered: its own
			// credentials line, else a new one beside it. The first
			// anywhere may be another block's (a second look: the
			// OPTIONS if block's, for a PUT no if block takes, and the
			// fix was replies to write).
			if c, err := Parse(text); err == nil {
				if lvl := c.levelOf(e.Line); lvl != nil {
					for _, a := range lvl.adds {
						if d, ok := directiveAt(ds, a.line); ok && strings.EqualFold(a.name, "Access-Control-Allow-Credentials") && d.line == a.line {
							return text[:d.valStart] + "\"true\"" + text[d.valEnd:], nil
						}
					}
					if acao, ok := directiveAt(ds, e.Line); ok && strings.EqualFold(acao.name, "Access-Control-Allow-Origin") {
						return addLine(text, acao, "Access-Control-Allow-Credentials", "\"true\""), nil
					}
				}
			}
		}
		for _, d := range ds {
			if strings.EqualFold(d.name, "Access-Control-Allow-Credentials") {
				return text[:d.valStart] + "\"true\"" + text[d.valEnd:], nil
			}
		}
		acao, ok := named(ds, e.Line, "Access-Control-Allow-Origin")
		if !ok {
			return "", fix.ErrNotFound
		}
		return addLine(text, acao, "Access-Control-Allow-Credentials", "\"true\""), nil
	}
	return "", fix.ErrUnsupported
}

func directiveAt(ds []headerLine, line int) (headerLine, bool) {
	for _, d := range ds {
		if d.line == line {
			return d, true
		}
	}
	return headerLine{}, false
}

// named finds the add_header of name in the same block as the one at
// line: the nearest such directive, searching outwards from line.
func named(ds []headerLine, line int, name string) (headerLine, bool) {
	best, found := headerLine{}, false
	for _, d := range ds {
		if strings.EqualFold(d.name, name) {
			if !found || abs(d.line-line) < abs(best.line-line) {
				best, found = d, true
			}
		}
	}
	return best, found
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// inherit repeats, after the last add_header of the level whose
// add_header is at line, the Access-Control-* and Vary add_header lines
// of the levels around it that it lacks, as written.
func inherit(text string, ds []headerLine, line int) (string, error) {
	c, err := Parse(text)
	if err != nil {
		return "", fix.ErrNotFound
	}
	lvl := c.levelOf(line)
	if lvl == nil {
		return "", fix.ErrNotFound
	}
	// A header the block sends itself is its own; Vary is a list, so
	// an outer Vary of another value (Origin beside the block's
	// Accept-Encoding) is repeated too: a second Vary line adds to it
	// (RFC 9110 §5.3).
	has := map[string]bool{}
	last := 0
	for _, a := range lvl.adds {
		key := strings.ToLower(a.name)
		if key == "vary" {
			key += " " + strings.ToLower(a.value.raw)
		}
		has[key] = true
		last = max(last, a.line)
	}
	var add []string
	for up := lvl.parent; up != nil; up = up.parent {
		for _, a := range up.adds {
			low := strings.ToLower(a.name)
			key := low
			if low == "vary" {
				key += " " + strings.ToLower(a.value.raw)
			}
			if has[key] || !strings.HasPrefix(low, "access-control-") && low != "vary" {
				continue
			}
			has[key] = true
			if d, ok := directiveAt(ds, a.line); ok && d.line == a.line {
				add = append(add, text[d.start:d.end])
			}
		}
	}
	at, ok := directiveAt(ds, last)
	if len(add) == 0 || !ok || at.line != last {
		return "", fix.ErrNotFound
	}
	lineStart := strings.LastIndexByte(text[:at.start], '\n') + 1
	ind := text[lineStart:at.start]
	return fix.Insert(text, at.end, "\n"+ind+strings.Join(add, "\n"+ind)), nil
}

// hideUpstream puts "proxy_hide_header name;" before the first
// add_header of the level whose add_header is at line, indented like it.
func hideUpstream(text string, ds []headerLine, line int, name string) (string, error) {
	c, err := Parse(text)
	if err != nil {
		return "", fix.ErrNotFound
	}
	lvl := c.levelOf(line)
	if lvl == nil || len(lvl.adds) == 0 {
		return "", fix.ErrNotFound
	}
	if lvl.kind == "if" {
		// proxy_hide_header is not allowed in an if block (its
		// context is http, server and location): before the if, in
		// its location, with the if's indentation. Tried as a new
		// user would, an if block's add_header got replies to write.
		off := lineOffset(text, lvl.line)
		if off < 0 {
			return "", fix.ErrNotFound
		}
		ind := off
		for ind < len(text) && (text[ind] == ' ' || text[ind] == '\t') {
			ind++
		}
		return fix.Insert(text, off, text[off:ind]+"proxy_hide_header "+name+";\n"), nil
	}
	first := lvl.adds[0].line
	for _, a := range lvl.adds {
		first = min(first, a.line)
	}
	d, ok := directiveAt(ds, first)
	if !ok || d.line != first {
		return "", fix.ErrNotFound
	}
	lineStart := strings.LastIndexByte(text[:d.start], '\n') + 1
	return fix.Insert(text, lineStart, text[lineStart:d.start]+"proxy_hide_header "+name+";\n"), nil
}

// lineOffset is the offset of line n's start (1-based), or -1.
func lineOffset(text string, n int) int {
	off := 0
	for i := 1; i < n; i++ {
		j := strings.IndexByte(text[off:], '\n')
		if j < 0 {
			return -1
		}
		off += j + 1
	}
	return off
}

// addLine puts a new add_header after d, indented like it and with its
// always.
func addLine(text string, d headerLine, name, value string) string {
	lineStart := strings.LastIndexByte(text[:d.start], '\n') + 1
	ind := text[lineStart:d.start]
	always := ""
	if d.always {
		always = " always"
	}
	return fix.Insert(text, d.end, "\n"+ind+"add_header "+name+" "+value+always+";")
}

// addToList adds e.Values to the list an add_header near e.Line sends.
func addToList(text string, ds []headerLine, e fix.Edit) (string, error) {
	switch e.Field {
	case fix.Methods, fix.AllowHeaders:
		name := "Access-Control-Allow-Methods"
		if e.Field == fix.AllowHeaders {
			name = "Access-Control-Allow-Headers"
		}
		d, ok := named(ds, e.Line, name)
		if !ok {
			anchor, ok := named(ds, e.Line, "Access-Control-Allow-Origin")
			if !ok {
				return "", fix.ErrNotFound
			}
			return addLine(text, anchor, name, "\""+strings.Join(e.Values, ", ")+"\""), nil
		}
		v := unquote(d.value)
		if strings.Contains(v, "$") {
			return "", fix.ErrUnsupported // a variable: the list is not written here
		}
		v = fix.AppendList(v, e.Values, ", ")
		q := "\""
		if d.value[0] == '\'' {
			q = "'"
		}
		return text[:d.valStart] + q + v + q + text[d.valEnd:], nil
	case fix.Origins:
		if e.Line == 0 && len(e.Values) == 1 && (!hasCORSLine(ds) || e.URL != "" && noCORSLineAt(text, e.URL)) {
			return firstCORSLines(text, e.Values[0], e.URL)
		}
		d, ok := named(ds, e.Line, "Access-Control-Allow-Origin")
		if !ok {
			return "", fix.ErrNotFound
		}
		v := unquote(d.value)
		if olds, ok := literalOrigins(v); ok {
			return toMap(text, ds, d, olds, e.Values)
		}
		if !strings.HasPrefix(v, "$") || strings.ContainsAny(v[1:], " $\"'") {
			return "", fix.ErrUnsupported // "*", or several values
		}
		return addMapEntries(text, v[1:], e.Values)
	}
	return "", fix.ErrUnsupported
}

// answering is the location nginx chooses for url, or the server block
// it picks when no location matches: where first CORS lines go.
func (c *Config) answering(url string) *level {
	_, _, conf, _ := c.route(policy.Request{Method: "GET", URL: url})
	for conf != nil && conf.kind != "location" && conf.kind != "server" {
		conf = conf.parent
	}
	return conf
}

// noCORSLineAt reports whether the block that answers url has no
// add_header of an Access-Control-* field at its own level or around it:
// enable-cors.org's location sets them only inside its if blocks, which
// a PUT does not enter (a last look: its fix was replies to write). The
// first lines then go at that block's level, which the if blocks, having
// add_header lines of their own, do not inherit.
func noCORSLineAt(text, url string) bool {
	c, err := Parse(text)
	if err != nil {
		return false
	}
	conf := c.answering(url)
	for l := conf; l != nil; l = l.parent {
		for _, a := range l.adds {
			if strings.HasPrefix(strings.ToLower(a.name), "access-control-") {
				return false
			}
		}
	}
	return conf != nil
}

// hasCORSLine reports an add_header of an Access-Control-* field.
func hasCORSLine(ds []headerLine) bool {
	for _, d := range ds {
		if strings.HasPrefix(strings.ToLower(d.name), "access-control-") {
			return true
		}
	}
	return false
}

// firstCORSLines gives a configuration with no CORS line its first: an
// add_header of origin, with always (so that error statuses carry it
// too), and Vary: Origin, at the top of the block that answers url: the
// location nginx chooses for it, in the server block it picks, or that
// server's level when no location matches (ngx_http_headers_module: a
// level with add_header lines of its own keeps them; the locations
// inside it inherit them only when they have none). The search then
// answers OPTIONS and adds methods and headers beside it. Found as a new
// user would: "add CORS to my proxy" starts from a server with none, and
// the fix was replies to write; an adversarial review found the first
// version, at the first server's level, opening every location of it,
// or every server when a comment said "server {".
func firstCORSLines(text, origin, url string) (string, error) {
	c, err := Parse(text)
	if err != nil {
		return "", fix.ErrNotFound
	}
	conf := c.answering(url)
	at := 0
	if conf != nil && conf.line > 0 {
		open := blockOpen(text, conf.line)
		if open < 0 {
			return "", fix.ErrNotFound
		}
		nl := strings.IndexByte(text[open:], '\n')
		if nl < 0 {
			return "", fix.ErrNotFound
		}
		at = open + nl + 1
	}
	// The indentation of the block's first line, else four spaces more
	// than the block's.
	ind := "    "
	rest := text[at:]
	if n := len(rest) - len(strings.TrimLeft(rest, " \t")); n > 0 && !strings.HasPrefix(strings.TrimLeft(rest, " \t"), "}") {
		ind = rest[:n]
	} else if conf != nil && conf.line > 0 {
		if ls := lineOffset(text, conf.line); ls >= 0 {
			t := text[ls:]
			ind = t[:len(t)-len(strings.TrimLeft(t, " \t"))] + "    "
		}
	}
	lines := ind + "add_header Access-Control-Allow-Origin \"" + origin + "\" always;\n" + ind + "add_header Vary Origin always;\n"
	return fix.Insert(text, at, lines), nil
}

// blockOpen is the offset of the "{" that opens the block of the
// directive at line (1-based), past comments and quoted text; -1 when
// there is none.
func blockOpen(text string, line int) int {
	var q byte
	start := lineOffset(text, line)
	if start < 0 {
		return -1
	}
	for i := start; i < len(text); i++ {
		ch := text[i]
		switch {
		case q != 0:
			if ch == q && i > 0 && text[i-1] != '\\' {
				q = 0
			}
		case ch == '"' || ch == '\'':
			q = ch
		case ch == '#':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case ch == '{':
			return i
		case ch == ';':
			return -1
		}
	}
	return -1
}

// toMap lets more origins in where Access-Control-Allow-Origin is the
// fixed origins fixed (d): a map of $http_origin to $cors_origin, each
// allowed origin echoed and any other "" (for which add_header sends
// nothing, ngx_http_headers_module), before the server block at the
// top of the file, which is http context when the file is a server
// block included from nginx.conf, or inside the file's http block; the
// add_header then sends $cors_origin, with Vary: Origin beside it, as
// the answer now depends on the origin (RFC 9110 §12.5.5). Found as a
// new user would: a second origin was header lines to write, which
// dropped the first.
func toMap(text string, ds []headerLine, d headerLine, fixed []string, origins []string) (string, error) {
	top, errs := parseConf(text)
	if len(errs) > 0 {
		return "", fix.ErrNotFound
	}
	// Where a map may go: inside the file's http block, else before its
	// first server block (http context, for a file nginx.conf includes
	// there); a paste of locations alone has no such place. The
	// directives are the parser's, so a comment that says "http {" or a
	// name that ends in "http" is no place (found by an adversarial
	// review: the map went into main context, and nginx -t refused it).
	at, ind, server := -1, "", ""
	for _, x := range top {
		if x.name == "http" && x.hasBlock {
			if open := blockOpen(text, x.line); open >= 0 {
				if nl := strings.IndexByte(text[open:], '\n'); nl >= 0 {
					at, ind = open+nl+1, "    "
				}
			}
			for _, y := range x.block {
				if y.name == "server" && server == "" {
					server = serverName(y)
				}
			}
			break
		}
		if x.name == "server" && x.hasBlock && at < 0 {
			at = lineOffset(text, x.line)
			server = serverName(x)
		}
	}
	if at < 0 {
		return "", fix.ErrUnsupported
	}
	// Map variables are global to nginx's http block, across files: a
	// name of the site's own (nginx compares them without regard to
	// case), unless the text already has it.
	name := "cors_origin"
	if server != "" {
		name += "_" + strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return '_'
		}, strings.ToLower(server))
	}
	low := strings.ToLower(text)
	for n, base := 2, name; strings.Contains(low, "$"+name); n++ {
		name = base + strconv.Itoa(n)
	}
	var b strings.Builder
	b.WriteString(ind + "map $http_origin $" + name + " {\n" + ind + "    default \"\";\n")
	var listed []string
	for _, o := range append(append([]string(nil), fixed...), origins...) {
		if slices.Contains(listed, o) {
			continue // nginx refuses a map's repeated key
		}
		listed = append(listed, o)
		// An exact key: one that starts with "~" would be a regular
		// expression, which literalOrigins never lets through.
		b.WriteString(ind + "    " + strconv.Quote(o) + " $http_origin;\n")
	}
	b.WriteString(ind + "}\n\n")
	// From the end of the text to its start, so offsets stay valid.
	out := text
	if !variesInBlock(text, ds, d) {
		lineStart := strings.LastIndexByte(text[:d.start], '\n') + 1
		always := ""
		if d.always {
			always = " always"
		}
		out = fix.Insert(out, d.end, "\n"+text[lineStart:d.start]+"add_header Vary Origin"+always+";")
	}
	out = out[:d.valStart] + "$" + name + out[d.valEnd:]
	return fix.Insert(out, at, b.String()), nil
}

// serverName is a server block's first server_name, "" when none or
// "_".
func serverName(d *directive) string {
	for _, x := range d.block {
		if x.name == "server_name" && len(x.args) > 0 && x.args[0].text != "_" {
			return strings.TrimPrefix(x.args[0].text, "*.")
		}
	}
	return ""
}

// variesInBlock reports an add_header Vary naming Origin (or "*") in the
// block of d itself, where d's reply takes it from (found by an
// adversarial review: a Vary: X-Origin-Token in another location counted).
func variesInBlock(text string, ds []headerLine, d headerLine) bool {
	in := innermostOpen(text, d.start)
	for _, x := range ds {
		if !strings.EqualFold(x.name, "Vary") || innermostOpen(text, x.start) != in {
			continue
		}
		for f := range strings.SplitSeq(unquote(x.value), ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, "origin") {
				return true
			}
		}
	}
	return false
}

// innermostOpen is the offset of the "{" of the innermost block open at
// off, past comments and quoted text; -1 at the top.
func innermostOpen(text string, off int) int {
	var stack []int
	var q byte
	for i := 0; i < off && i < len(text); i++ {
		ch := text[i]
		switch {
		case q != 0:
			if ch == q && text[i-1] != '\\' {
				q = 0
			}
		case ch == '"' || ch == '\'':
			q = ch
		case ch == '#':
			for i < off && text[i] != '\n' {
				i++
			}
		case ch == '{':
			stack = append(stack, i)
		case ch == '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(stack) == 0 {
		return -1
	}
	return stack[len(stack)-1]
}

// literalOrigins are the origins a fixed Access-Control-Allow-Origin
// value names: one, or several separated by spaces or commas (which a
// browser refuses whole, "contains multiple values": found as a new user
// would, that file had no fix at all). Not "*", a variable, or a value
// that is not origins.
func literalOrigins(v string) ([]string, bool) {
	if v == "" || v == "*" || strings.Contains(v, "$") {
		return nil, false
	}
	out := strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
	for _, o := range out {
		if !strings.Contains(o, "://") {
			return nil, false
		}
	}
	return out, len(out) > 0
}

// addMapEntries adds an exact entry for each origin to the map block that sets
// $name from $http_origin, before its closing brace, echoing the origin.
func addMapEntries(text, name string, origins []string) (string, error) {
	for from := 0; from < len(text); {
		k := strings.Index(text[from:], "map ")
		if k < 0 {
			break
		}
		at := from + k
		from = at + 4
		open := strings.IndexByte(text[at:], '{')
		if open < 0 {
			break
		}
		head := strings.Fields(text[at+4 : at+open])
		if len(head) != 2 || head[0] != "$http_origin" || head[1] != "$"+name {
			continue
		}
		closeRel := strings.IndexByte(text[at+open:], '}')
		if closeRel < 0 {
			break
		}
		closeAt := at + open + closeRel
		lineStart := strings.LastIndexByte(text[:closeAt], '\n') + 1
		ind := text[lineStart:closeAt]
		body := text[at+open+1 : closeAt]
		inner := ind + "    "
		for _, l := range strings.Split(body, "\n") {
			if t := strings.TrimLeft(l, " \t"); t != "" {
				inner = l[:len(l)-len(t)]
				break
			}
		}
		var b strings.Builder
		for _, o := range origins {
			b.WriteString(inner + strconv.Quote(o) + " $http_origin;\n")
		}
		if strings.TrimSpace(ind) != "" {
			// "}" shares its line with an entry: start a new line.
			return fix.Insert(text, closeAt, "\n"+b.String()), nil
		}
		return fix.Insert(text, lineStart, b.String()), nil
	}
	return "", fix.ErrUnsupported
}
