package jsmw

import (
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/jslit"
)

// Target is one middleware's options in the user's text, as an edit
// needs them.
type Target struct {
	// Object is where the options object literal starts ("{"); when
	// Empty, where the ")" of a call without options is (an object is
	// inserted there).
	Object Pos
	Empty  bool
	// EmptyPrefix is written before an inserted object (", " after the
	// plugin in register(cors)).
	EmptyPrefix string
	// At is where each written option's value starts.
	At map[string]Pos
	// Keys maps fix fields (fix.Origins, ...) to the library's option
	// names; a field without one is not editable.
	Keys map[string]string
	// Defaults are the library's values of a list option left out
	// (methods), kept when an edit adds to it.
	Defaults map[string][]string
	// Arrays writes a new list option as an array literal rather than a
	// comma string.
	Arrays bool
	// OriginList is true when the library checks an array origin against
	// the request's Origin (so a string becomes a list of two); false
	// when it sends the option as is (Koa): adding an origin then has no
	// literal form.
	OriginList bool
	// AnyByDefault: origin left out is '*', so replacing '*' adds it.
	AnyByDefault bool
}

// Edit makes e in the options of t, touching only the option's literal,
// or adding the option as the first property of the object.
func Edit(text string, t Target, e fix.Edit) (string, error) {
	key := t.Keys[e.Field]
	if key == "" {
		return "", fix.ErrUnsupported
	}
	q := quote(text, t)
	lit := func(v string) string { return q + v + q }
	list := func(vs []string) string {
		if t.Arrays {
			items := make([]string, len(vs))
			for i, v := range vs {
				items[i] = lit(v)
			}
			return "[" + strings.Join(items, ", ") + "]"
		}
		return lit(strings.Join(vs, ","))
	}
	pos, has := t.At[key]
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
		return addOption(text, t, key+": true")
	case fix.Replace:
		if len(e.Values) == 1 && !has && e.Field == fix.Origins && e.Old == "*" && t.AnyByDefault {
			return addOption(text, t, key+": "+lit(e.Values[0]))
		}
		if len(e.Values) != 1 || !has {
			return "", fix.ErrNotFound
		}
		tok := text[start:end]
		if len(tok) >= 2 && strings.IndexByte("'\"`", tok[0]) >= 0 && tok[1:len(tok)-1] == e.Old {
			return text[:start] + tok[:1] + e.Values[0] + tok[:1] + text[end:], nil
		}
		if tok == "true" && e.Field == fix.Origins && e.Old == "*" {
			// origin: true echoes every origin: the page's alone.
			return text[:start] + lit(e.Values[0]) + text[end:], nil
		}
		if tok[0] == '[' {
			// An entry of the list (a trailing-slash origin among
			// others), in its own quotes.
			if out, ok := replaceItem(tok, e.Old, e.Values[0]); ok {
				return text[:start] + out + text[end:], nil
			}
		}
		return "", fix.ErrNotFound
	case fix.Add:
	default:
		return "", fix.ErrUnsupported
	}
	if !has {
		if e.Field == fix.Origins {
			return "", fix.ErrUnsupported
		}
		return addOption(text, t, key+": "+list(append(append([]string{}, t.Defaults[e.Field]...), e.Values...)))
	}
	tok := text[start:end]
	switch tok[0] {
	case '\'', '"', '`':
		if e.Field == fix.Origins {
			if !t.OriginList || tok[1:len(tok)-1] == "*" {
				return "", fix.ErrUnsupported
			}
			return text[:start] + "[" + tok + ", " + strings.Join(quoteAll(e.Values, lit), ", ") + "]" + text[end:], nil
		}
		return text[:start] + tok[:1] + fix.AppendList(tok[1:len(tok)-1], e.Values, ",") + tok[:1] + text[end:], nil
	case '/':
		if e.Field != fix.Origins || !t.OriginList {
			return "", fix.ErrUnsupported
		}
		return text[:start] + "[" + tok + ", " + strings.Join(quoteAll(e.Values, lit), ", ") + "]" + text[end:], nil
	case '[':
		if e.Field == fix.Origins && !t.OriginList {
			return "", fix.ErrUnsupported
		}
		if out, ok := jslit.AppendArray(text, start, end, quoteAll(e.Values, lit)); ok {
			return out, nil
		}
		return "", fix.ErrUnsupported
	}
	return "", fix.ErrUnsupported
}

// replaceItem replaces the string literal old of the array literal arr
// (its text between the quotes, which hold no escape) by repl, in the
// same quotes.
func replaceItem(arr, old, repl string) (string, bool) {
	for i := 1; i < len(arr); i++ {
		q := arr[i]
		if q != '\'' && q != '"' && q != '`' {
			continue
		}
		j := strings.IndexByte(arr[i+1:], q)
		if j < 0 {
			return "", false
		}
		if s := arr[i+1 : i+1+j]; s == old && !strings.ContainsRune(s, '\\') {
			return arr[:i+1] + repl + arr[i+1+j:], true
		}
		i += j + 1
	}
	return "", false
}

func quoteAll(vs []string, lit func(string) string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = lit(v)
	}
	return out
}

// quote is the quote the options already use, ' by default.
func quote(text string, t Target) string {
	for _, p := range t.At {
		if off, ok := jslit.OffsetOf(text, p.Line, p.Column); ok && off < len(text) && (text[off] == '"' || text[off] == '\'') {
			return text[off : off+1]
		}
	}
	if strings.Count(text, "\"") > strings.Count(text, "'") {
		return "\""
	}
	return "'"
}

// addOption inserts prop as the first property of t's options object.
func addOption(text string, t Target, prop string) (string, error) {
	off, ok := jslit.OffsetOf(text, t.Object.Line, t.Object.Column)
	if !ok || off >= len(text) {
		return "", fix.ErrNotFound
	}
	if t.Empty {
		if text[off] != ')' {
			return "", fix.ErrNotFound
		}
		return fix.Insert(text, off, t.EmptyPrefix+"{ "+prop+" }"), nil
	}
	if text[off] != '{' {
		return "", fix.ErrNotFound
	}
	first := jslit.SkipSpace(text, off+1)
	if first >= len(text) {
		return "", fix.ErrNotFound
	}
	if text[first] == '}' {
		return fix.Insert(text, off+1, " "+prop+" "), nil
	}
	if ind, own := fix.LineIndent(text, first); own {
		return fix.Insert(text, first, prop+",\n"+ind), nil
	}
	return fix.Insert(text, first, prop+", "), nil
}
