package express

import (
	"github.com/whycors/whycors/engine/formats/internal/jslit"
	"strings"

	"github.com/whycors/whycors/engine/fix"
)

// This file edits cors() options in the user's own JavaScript for a fix
// (engine/fix's Editor): it finds the option's value where the reader
// positioned it (Options.At) and changes only that literal, or adds the
// option as the first property of the options object, in the library's
// own option names (expressjs/cors lib/index.js).

// FileName is "cors.js", the name a fix's diff gives the text.
func (*Format) FileName() string { return "cors.js" }

// optionKeys are the expressjs/cors option names (lib/index.js) of the
// fields an edit changes.
var optionKeys = map[string]string{fix.Origins: "origin", fix.Methods: "methods", fix.AllowHeaders: "allowedHeaders", fix.Credentials: "credentials"}

// EditText makes e in the options of the cors() middleware e.Rule (in
// mount order, as ReadRules numbers them). A string origin that gains an
// origin becomes an array, which cors() checks against the request's
// Origin before echoing it (isOriginAllowed); absent methods become the
// default list plus the method, so no default is lost.
func (*Format) EditText(text string, e fix.Edit) (string, error) {
	cfg, err := Parse(text)
	if err != nil {
		return "", fix.ErrNotFound
	}
	if e.Rule < 0 || e.Rule >= len(cfg.Middlewares) {
		return "", fix.ErrNotFound
	}
	mw := cfg.Middlewares[e.Rule]
	key := optionKeys[e.Field]
	if key == "" {
		return "", fix.ErrUnsupported
	}
	q := quoteChar(text, mw)
	lit := func(v string) string { return q + v + q }
	pos, has := mw.At[key]
	for i, other := range cfg.Middlewares {
		if p, ok := other.At[key]; has && ok && i != e.Rule && p == pos && e.Op != fix.Enable {
			// One list that two cors() calls read (a const both name):
			// a value added there reaches the other too, which the
			// fix was not asked for (an adversarial review: an API's
			// fix opened /admin, with credentials). The fix is then
			// the replies' lines.
			return "", fix.ErrUnsupported
		}
	}
	var start, end int
	if has {
		var ok bool
		if start, ok = jslit.OffsetOf(text, pos.Line, pos.Column); !ok {
			return "", fix.ErrNotFound
		}
		if end, ok = jslit.End(text, start); !ok {
			return "", fix.ErrNotFound
		}
	}
	switch e.Op {
	case fix.Enable:
		if has {
			return text[:start] + "true" + text[end:], nil
		}
		return addOption(text, mw, key+": true")
	case fix.Replace:
		if len(e.Values) != 1 {
			return "", fix.ErrUnsupported
		}
		if !has {
			if e.Field == fix.Origins && e.Old == "*" && mw.AnyOrigin {
				return addOption(text, mw, "origin: "+lit(e.Values[0]))
			}
			return "", fix.ErrNotFound
		}
		tok := text[start:end]
		if len(tok) >= 2 && tok[1:len(tok)-1] == e.Old && strings.IndexByte("'\"`", tok[0]) >= 0 {
			return text[:start] + tok[:1] + e.Values[0] + tok[:1] + text[end:], nil
		}
		if tok == "true" && e.Field == fix.Origins && e.Old == "*" {
			// origin: true echoes every origin: the page's alone.
			return text[:start] + lit(e.Values[0]) + text[end:], nil
		}
		return "", fix.ErrNotFound
	case fix.Add:
	default:
		return "", fix.ErrUnsupported
	}
	if !has {
		switch e.Field {
		case fix.Methods:
			// Absent methods means the default list; keep it and add.
			return addOption(text, mw, "methods: "+lit(DefaultMethods+","+strings.Join(e.Values, ",")))
		case fix.AllowHeaders:
			return addOption(text, mw, "allowedHeaders: "+lit(strings.Join(e.Values, ",")))
		}
		return "", fix.ErrUnsupported
	}
	tok := text[start:end]
	switch tok[0] {
	case '\'', '"', '`':
		if e.Field == fix.Origins {
			// One fixed origin becomes a list of two, which cors checks
			// against the request's Origin and echoes.
			if tok[1:len(tok)-1] == "*" {
				return "", fix.ErrUnsupported
			}
			items := []string{tok}
			for _, v := range e.Values {
				items = append(items, lit(v))
			}
			return text[:start] + "[" + strings.Join(items, ", ") + "]" + text[end:], nil
		}
		inner := fix.AppendList(tok[1:len(tok)-1], e.Values, ",")
		return text[:start] + tok[:1] + inner + tok[:1] + text[end:], nil
	case '[':
		items := make([]string, len(e.Values))
		for i, v := range e.Values {
			items[i] = lit(v)
		}
		if out, ok := jslit.AppendArray(text, start, end, items); ok {
			return out, nil
		}
		return "", fix.ErrUnsupported
	case '/':
		if e.Field != fix.Origins {
			return "", fix.ErrUnsupported
		}
		items := []string{tok}
		for _, v := range e.Values {
			items = append(items, lit(v))
		}
		return text[:start] + "[" + strings.Join(items, ", ") + "]" + text[end:], nil
	}
	return "", fix.ErrUnsupported
}

// quoteChar is the quote the text already uses for strings, ' by default.
func quoteChar(text string, mw Middleware) string {
	for _, p := range mw.At {
		if off, ok := jslit.OffsetOf(text, p.Line, p.Column); ok && off < len(text) && (text[off] == '"' || text[off] == '\'') {
			return text[off : off+1]
		}
	}
	if strings.Count(text, "\"") > strings.Count(text, "'") {
		return "\""
	}
	return "'"
}

// addOption inserts "key: value" as the first property of the options
// object of mw's cors() call.
func addOption(text string, mw Middleware, prop string) (string, error) {
	obj, ok := optionsObject(text, mw)
	if !ok {
		return "", fix.ErrNotFound
	}
	if obj.empty {
		return text[:obj.open] + "{ " + prop + " }" + text[obj.end:], nil
	}
	first := jslit.SkipSpace(text, obj.open+1)
	ind, own := fix.LineIndent(text, first)
	if text[first] == '}' {
		return fix.Insert(text, obj.open+1, " "+prop+" "), nil
	}
	if own {
		return fix.Insert(text, first, prop+",\n"+ind), nil
	}
	return fix.Insert(text, first, prop+", "), nil
}

type objSpan struct {
	open, end int
	empty     bool // cors() with no argument: open..end is "()" to replace by ({...})
}

// optionsObject finds the object literal passed to the cors() call at mw,
// directly or through a const/let/var declared in the text.
func optionsObject(text string, mw Middleware) (objSpan, bool) {
	off, ok := jslit.OffsetOf(text, mw.Line, mw.Column)
	if !ok {
		return objSpan{}, false
	}
	c := strings.Index(text[off:], "cors")
	if c < 0 {
		// The options object itself (plain JSON or object literal).
		i := jslit.SkipSpace(text, 0)
		if i < len(text) && text[i] == '{' {
			return objSpan{open: i}, true
		}
		return objSpan{}, false
	}
	i := jslit.SkipSpace(text, off+c+4)
	if i >= len(text) || text[i] != '(' {
		return objSpan{}, false
	}
	i = jslit.SkipSpace(text, i+1)
	if i >= len(text) {
		return objSpan{}, false
	}
	switch {
	case text[i] == '{':
		return objSpan{open: i}, true
	case text[i] == ')':
		// cors(): replace "()" by "({...})" (keep the parentheses).
		return objSpan{open: i, end: i, empty: true}, true
	}
	name, ok := jslit.End(text, i)
	if !ok {
		return objSpan{}, false
	}
	ident := text[i:name]
	for from := 0; from < len(text); {
		k := strings.Index(text[from:], ident)
		if k < 0 {
			break
		}
		at := from + k + len(ident)
		from = at
		j := jslit.SkipSpace(text, at)
		if j < len(text) && text[j] == '=' && (j+1 >= len(text) || text[j+1] != '=') {
			j = jslit.SkipSpace(text, j+1)
			if j < len(text) && text[j] == '{' {
				return objSpan{open: j}, true
			}
		}
	}
	return objSpan{}, false
}
