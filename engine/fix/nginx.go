package fix

import (
	"strconv"
	"strings"
)

// nginx edits work line by line on add_header directives, the way people
// write CORS in nginx (cloud-policies.md §6.1). Edit.Line is the line of an
// add_header in the block that answered the request (engine/formats/nginx's
// rule trace, Path "line N").

// directive is one "add_header name value [always];" on one line.
type directive struct {
	line             int // 1-based
	start, end       int // offsets of "add_header" and just after ';'
	semi             int // offset of ';'
	name             string
	value            string // as written, quotes included
	valStart, valEnd int
	always           bool
}

func addHeaders(text string) []directive {
	var out []directive
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

// parseAddHeader reads the directive at text[start:lineEnd] into its words,
// keeping the value's quotes.
func parseAddHeader(text string, start, lineEnd int) (directive, bool) {
	d := directive{start: start}
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

func applyNginx(text string, e Edit) (string, error) {
	ds := addHeaders(text)
	switch e.Op {
	case Always:
		changed := false
		// From the end, so earlier offsets stay valid.
		for i := len(ds) - 1; i >= 0; i-- {
			d := ds[i]
			if d.always || !strings.HasPrefix(strings.ToLower(d.name), "access-control-") {
				continue
			}
			text = insert(text, d.semi, " always")
			changed = true
		}
		if !changed {
			return "", errNotFound
		}
		return text, nil
	case AnswerOptions:
		d, ok := directiveAt(ds, e.Line)
		if !ok {
			return "", errNotFound
		}
		lineStart := strings.LastIndexByte(text[:d.start], '\n') + 1
		ind := text[lineStart:d.start]
		unit := "    "
		if strings.HasPrefix(ind, "\t") {
			unit = "\t"
		}
		block := ind + "if ($request_method = OPTIONS) {\n" + ind + unit + "return 204;\n" + ind + "}\n"
		return insert(text, lineStart, block), nil
	case Add:
		return nginxAdd(text, ds, e)
	case Enable:
		if e.Field != Credentials {
			return "", ErrUnsupported
		}
		for _, d := range ds {
			if strings.EqualFold(d.name, "Access-Control-Allow-Credentials") {
				return text[:d.valStart] + "\"true\"" + text[d.valEnd:], nil
			}
		}
		acao, ok := named(ds, e.Line, "Access-Control-Allow-Origin")
		if !ok {
			return "", errNotFound
		}
		return addLine(text, acao, "Access-Control-Allow-Credentials", "\"true\""), nil
	}
	return "", ErrUnsupported
}

func directiveAt(ds []directive, line int) (directive, bool) {
	for _, d := range ds {
		if d.line == line {
			return d, true
		}
	}
	return directive{}, false
}

// named finds the add_header of name in the same block as the one at
// line: the nearest such directive, searching outwards from line.
func named(ds []directive, line int, name string) (directive, bool) {
	best, found := directive{}, false
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

// addLine puts a new add_header after d, indented like it and with its
// always.
func addLine(text string, d directive, name, value string) string {
	lineStart := strings.LastIndexByte(text[:d.start], '\n') + 1
	ind := text[lineStart:d.start]
	always := ""
	if d.always {
		always = " always"
	}
	return insert(text, d.end, "\n"+ind+"add_header "+name+" "+value+always+";")
}

func nginxAdd(text string, ds []directive, e Edit) (string, error) {
	switch e.Field {
	case Methods, AllowHeaders:
		name := "Access-Control-Allow-Methods"
		if e.Field == AllowHeaders {
			name = "Access-Control-Allow-Headers"
		}
		d, ok := named(ds, e.Line, name)
		if !ok {
			anchor, ok := named(ds, e.Line, "Access-Control-Allow-Origin")
			if !ok {
				return "", errNotFound
			}
			return addLine(text, anchor, name, "\""+strings.Join(e.Values, ", ")+"\""), nil
		}
		v := unquote(d.value)
		if strings.Contains(v, "$") {
			return "", ErrUnsupported // a variable: the list is not written here
		}
		sep := ", "
		if !strings.Contains(v, ", ") && strings.Contains(v, ",") {
			sep = ","
		}
		for _, x := range e.Values {
			if strings.TrimSpace(v) == "" {
				v = x
			} else {
				v += sep + x
			}
		}
		q := "\""
		if d.value[0] == '\'' {
			q = "'"
		}
		return text[:d.valStart] + q + v + q + text[d.valEnd:], nil
	case Origins:
		d, ok := named(ds, e.Line, "Access-Control-Allow-Origin")
		if !ok {
			return "", errNotFound
		}
		v := unquote(d.value)
		if !strings.HasPrefix(v, "$") || strings.ContainsAny(v[1:], " $\"'") {
			return "", ErrUnsupported // a literal origin: one value only
		}
		return mapEntry(text, v[1:], e.Values)
	}
	return "", ErrUnsupported
}

// mapEntry adds an exact entry for each origin to the map block that sets
// $name from $http_origin, before its closing brace, echoing the origin.
func mapEntry(text, name string, origins []string) (string, error) {
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
			return insert(text, closeAt, "\n"+b.String()), nil
		}
		return insert(text, lineStart, b.String()), nil
	}
	return "", ErrUnsupported
}
