package fix

import (
	"strings"

	"github.com/whycors/whycors/engine/formats/express"
)

// offsetOf converts a 1-based line and column counted in characters (as
// the express reader counts them) to a byte offset.
func offsetOf(text string, line, col int) (int, bool) {
	i := 0
	for l := 1; l < line; l++ {
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			return 0, false
		}
		i += j + 1
	}
	for c := 1; c < col; c++ {
		if i >= len(text) || text[i] == '\n' {
			return 0, false
		}
		i++
		for i < len(text) && text[i]&0xC0 == 0x80 {
			i++
		}
	}
	return i, i <= len(text)
}

// jsEnd returns the end of the JavaScript literal that starts at i: a
// string, a RegExp, an array or a bare word.
func jsEnd(text string, i int) (int, bool) {
	if i >= len(text) {
		return 0, false
	}
	switch c := text[i]; c {
	case '\'', '"', '`':
		for j := i + 1; j < len(text); j++ {
			switch text[j] {
			case '\\':
				j++
			case c:
				return j + 1, true
			case '\n':
				if c != '`' {
					return 0, false
				}
			}
		}
		return 0, false
	case '/':
		inClass := false
		for j := i + 1; j < len(text); j++ {
			switch text[j] {
			case '\\':
				j++
			case '[':
				inClass = true
			case ']':
				inClass = false
			case '/':
				if !inClass {
					j++
					for j < len(text) && (text[j] >= 'a' && text[j] <= 'z') {
						j++
					}
					return j, true
				}
			case '\n':
				return 0, false
			}
		}
		return 0, false
	case '[':
		j := i + 1
		for {
			j = skipJS(text, j)
			if j >= len(text) {
				return 0, false
			}
			if text[j] == ']' {
				return j + 1, true
			}
			if text[j] == ',' {
				j++
				continue
			}
			e, ok := jsEnd(text, j)
			if !ok {
				return 0, false
			}
			j = e
		}
	}
	j := i
	for j < len(text) && (text[j] == '_' || text[j] == '.' || text[j] == '$' || text[j] >= '0' && text[j] <= '9' || text[j]|0x20 >= 'a' && text[j]|0x20 <= 'z') {
		j++
	}
	return j, j > i
}

// skipJS skips whitespace and comments.
func skipJS(text string, i int) int {
	for i < len(text) {
		switch {
		case strings.IndexByte(" \t\r\n", text[i]) >= 0:
			i++
		case strings.HasPrefix(text[i:], "//"):
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				return len(text)
			}
			i += j
		case strings.HasPrefix(text[i:], "/*"):
			j := strings.Index(text[i+2:], "*/")
			if j < 0 {
				return len(text)
			}
			i += j + 4
		default:
			return i
		}
	}
	return i
}

// optionKeys are the expressjs/cors option names (lib/index.js).
var optionKeys = map[string]string{Origins: "origin", Methods: "methods", AllowHeaders: "allowedHeaders", Credentials: "credentials"}

func applyExpress(text string, e Edit) (string, error) {
	cfg, err := express.Parse(text)
	if err != nil {
		return "", errNotFound
	}
	if e.Rule < 0 || e.Rule >= len(cfg.Middlewares) {
		return "", errNotFound
	}
	mw := cfg.Middlewares[e.Rule]
	key := optionKeys[e.Field]
	if key == "" {
		return "", ErrUnsupported
	}
	q := quoteChar(text, mw)
	lit := func(v string) string { return q + v + q }
	pos, has := mw.At[key]
	var start, end int
	if has {
		var ok bool
		if start, ok = offsetOf(text, pos.Line, pos.Column); !ok {
			return "", errNotFound
		}
		if end, ok = jsEnd(text, start); !ok {
			return "", errNotFound
		}
	}
	switch e.Op {
	case Enable:
		if has {
			return text[:start] + "true" + text[end:], nil
		}
		return addOption(text, mw, key+": true")
	case Replace:
		if len(e.Values) != 1 {
			return "", ErrUnsupported
		}
		if !has {
			if e.Field == Origins && e.Old == "*" && mw.AnyOrigin {
				return addOption(text, mw, "origin: "+lit(e.Values[0]))
			}
			return "", errNotFound
		}
		tok := text[start:end]
		if len(tok) >= 2 && tok[1:len(tok)-1] == e.Old && strings.IndexByte("'\"`", tok[0]) >= 0 {
			return text[:start] + tok[:1] + e.Values[0] + tok[:1] + text[end:], nil
		}
		return "", errNotFound
	case Add:
	default:
		return "", ErrUnsupported
	}
	if !has {
		switch e.Field {
		case Methods:
			// Absent methods means the default list; keep it and add.
			return addOption(text, mw, "methods: "+lit(express.DefaultMethods+","+strings.Join(e.Values, ",")))
		case AllowHeaders:
			return addOption(text, mw, "allowedHeaders: "+lit(strings.Join(e.Values, ",")))
		}
		return "", ErrUnsupported
	}
	tok := text[start:end]
	switch tok[0] {
	case '\'', '"', '`':
		if e.Field == Origins {
			// One fixed origin becomes a list of two, which cors checks
			// against the request's Origin and echoes.
			if tok[1:len(tok)-1] == "*" {
				return "", ErrUnsupported
			}
			items := []string{tok}
			for _, v := range e.Values {
				items = append(items, lit(v))
			}
			return text[:start] + "[" + strings.Join(items, ", ") + "]" + text[end:], nil
		}
		inner := tok[1 : len(tok)-1]
		sep := ","
		if strings.Contains(inner, ", ") {
			sep = ", "
		}
		for _, v := range e.Values {
			if strings.TrimSpace(inner) == "" {
				inner = v
			} else {
				inner += sep + v
			}
		}
		return text[:start] + tok[:1] + inner + tok[:1] + text[end:], nil
	case '[':
		close := end - 1
		j := close
		for j > start+1 && strings.IndexByte(" \t\r\n,", text[j-1]) >= 0 {
			j--
		}
		if j == start+1 {
			return insert(text, j, lit(strings.Join(e.Values, q+", "+q))), nil
		}
		lineStart := strings.LastIndexByte(text[:j], '\n') + 1
		ind, _ := lineIndent(text, lineStart)
		own := strings.LastIndexByte(text[start:j], '\n') >= 0
		var b strings.Builder
		for _, v := range e.Values {
			if own {
				b.WriteString(",\n" + ind)
			} else {
				b.WriteString(", ")
			}
			b.WriteString(lit(v))
		}
		return insert(text, j, b.String()), nil
	case '/':
		if e.Field != Origins {
			return "", ErrUnsupported
		}
		items := []string{tok}
		for _, v := range e.Values {
			items = append(items, lit(v))
		}
		return text[:start] + "[" + strings.Join(items, ", ") + "]" + text[end:], nil
	}
	return "", ErrUnsupported
}

// quoteChar is the quote the text already uses for strings, ' by default.
func quoteChar(text string, mw express.Middleware) string {
	for _, p := range mw.At {
		if off, ok := offsetOf(text, p.Line, p.Column); ok && off < len(text) && (text[off] == '"' || text[off] == '\'') {
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
func addOption(text string, mw express.Middleware, prop string) (string, error) {
	obj, ok := optionsObject(text, mw)
	if !ok {
		return "", errNotFound
	}
	if obj.empty {
		return text[:obj.open] + "{ " + prop + " }" + text[obj.end:], nil
	}
	first := skipJS(text, obj.open+1)
	ind, own := lineIndent(text, first)
	if text[first] == '}' {
		return insert(text, obj.open+1, " "+prop+" "), nil
	}
	if own {
		return insert(text, first, prop+",\n"+ind), nil
	}
	return insert(text, first, prop+", "), nil
}

type objSpan struct {
	open, end int
	empty     bool // cors() with no argument: open..end is "()" to replace by ({...})
}

// optionsObject finds the object literal passed to the cors() call at mw,
// directly or through a const/let/var declared in the text.
func optionsObject(text string, mw express.Middleware) (objSpan, bool) {
	off, ok := offsetOf(text, mw.Line, mw.Column)
	if !ok {
		return objSpan{}, false
	}
	c := strings.Index(text[off:], "cors")
	if c < 0 {
		// The options object itself (plain JSON or object literal).
		i := skipJS(text, 0)
		if i < len(text) && text[i] == '{' {
			return objSpan{open: i}, true
		}
		return objSpan{}, false
	}
	i := skipJS(text, off+c+4)
	if i >= len(text) || text[i] != '(' {
		return objSpan{}, false
	}
	i = skipJS(text, i+1)
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
	name, ok := jsEnd(text, i)
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
		j := skipJS(text, at)
		if j < len(text) && text[j] == '=' && (j+1 >= len(text) || text[j+1] != '=') {
			j = skipJS(text, j+1)
			if j < len(text) && text[j] == '{' {
				return objSpan{open: j}, true
			}
		}
	}
	return objSpan{}, false
}
