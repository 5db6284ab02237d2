package pylit

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
)

// The editing half of the package: changes to a literal the reader
// positioned, touching only the bytes they must, in the text's own
// quotes and layout.

// Quote is the quote character the text's strings use most, '"' by
// default.
func Quote(text string) string {
	if strings.Count(text, "'") > strings.Count(text, "\"") {
		return "'"
	}
	return "\""
}

// Lit is s as a Python str literal in quote q.
func Lit(s, q string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return q + strings.ReplaceAll(s, q, `\`+q) + q
}

// AppendItems adds items (already written as Python) at the end of the
// list, tuple or set display v; a str v becomes a list of it and the
// items. ok is false for a value that is neither, or not written where
// it is positioned.
func AppendItems(text string, v Value, items []string) (string, bool) {
	if v.Off < 0 || v.End > len(text) || v.Off >= v.End {
		return "", false
	}
	if v.Kind == Str {
		return text[:v.Off] + "[" + text[v.Off:v.End] + ", " + strings.Join(items, ", ") + "]" + text[v.End:], true
	}
	if !v.Seq() {
		return "", false
	}
	open, close := text[v.Off], text[v.End-1]
	if !(open == '[' && close == ']' || open == '(' && close == ')' || open == '{' && close == '}') {
		// A concatenation whose last operand is a display
		// (list(default_headers) + ["x-request-id"], django-cors-headers'
		// README): the items go into that display.
		at := lastDisplay(text[v.Off:v.End])
		if at <= 0 {
			return "", false
		}
		d := v
		d.Off = v.Off + at
		return AppendItems(text, d, items)
	}
	// After the last item written inside this display.
	last := -1
	for _, it := range v.Items {
		if it.Off > v.Off && it.End < v.End && it.End > last {
			last = it.End
		}
	}
	if last < 0 {
		add := strings.Join(items, ", ")
		if open == '(' && len(items) == 1 {
			add += ","
		}
		return text[:v.Off+1] + add + text[v.Off+1:], true
	}
	// Items on lines of their own continue that layout.
	inner := text[v.Off+1 : last]
	if strings.Contains(inner, "\n") {
		ls := strings.LastIndexByte(text[:last], '\n') + 1
		ind := ls
		for ind < len(text) && (text[ind] == ' ' || text[ind] == '\t') {
			ind++
		}
		if i := strings.IndexByte(text[last:v.End], '\n'); i >= 0 {
			// A comment or a trailing comma after the last item stays
			// on its line: the new items go on lines after it.
			eol := last + i
			rest := strings.TrimSpace(text[last:eol])
			if comma := strings.HasPrefix(rest, ","); comma || strings.HasPrefix(rest, "#") {
				pre := text[:eol]
				if !comma {
					pre = text[:last] + "," + text[last:eol]
				}
				var b strings.Builder
				for j, it := range items {
					b.WriteString("\n" + text[ls:ind] + it)
					if comma || j < len(items)-1 {
						b.WriteString(",")
					}
				}
				return pre + b.String() + text[eol:], true
			}
		}
		var b strings.Builder
		for _, it := range items {
			b.WriteString(",\n" + text[ls:ind] + it)
		}
		return text[:last] + b.String() + text[last:], true
	}
	return text[:last] + ", " + strings.Join(items, ", ") + text[last:], true
}

// Replace puts repl in place of v's text.
func Replace(text string, v Value, repl string) (string, bool) {
	if v.Off < 0 || v.End > len(text) || v.Off >= v.End {
		return "", false
	}
	return text[:v.Off] + repl + text[v.End:], true
}

// lastDisplay is the offset in expr of the opening bracket of the list
// or tuple display that ends it (expr's last byte is its closing one),
// read as Python's tokenizer reads it (strings and comments skipped), or
// -1.
func lastDisplay(expr string) int {
	closing := expr[len(expr)-1]
	opening := map[byte]byte{']': '[', ')': '('}[closing]
	if opening == 0 {
		return -1
	}
	var stack []int
	last := -1
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; c {
		case '\'', '"':
			for i++; i < len(expr) && expr[i] != c; i++ {
				if expr[i] == '\\' {
					i++
				}
			}
		case '#':
			for i < len(expr) && expr[i] != '\n' {
				i++
			}
		case '[', '(', '{':
			stack = append(stack, i)
		case ']', ')', '}':
			if len(stack) == 0 {
				return -1
			}
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if i == len(expr)-1 && len(stack) == 0 && expr[o] == opening {
				last = o
			}
		}
	}
	return last
}

// AddKeyword adds "name=value" as the last argument of call c.
func AddKeyword(text string, c *Call, kw string) (string, bool) {
	if c.Close <= c.Open || c.Close > len(text) || text[c.Close] != ')' {
		return "", false
	}
	j := c.Close
	for j > c.Open+1 && strings.IndexByte(" \t\r\n", text[j-1]) >= 0 {
		j--
	}
	if j == c.Open+1 {
		return text[:j] + kw + text[j:], true
	}
	trailing := text[j-1] == ','
	inner := text[c.Open+1 : j]
	if strings.Contains(inner, "\n") {
		ls := strings.LastIndexByte(text[:j], '\n') + 1
		ind := ls
		for ind < len(text) && (text[ind] == ' ' || text[ind] == '\t') {
			ind++
		}
		if trailing {
			return text[:j] + "\n" + text[ls:ind] + kw + "," + text[j:], true
		}
		return text[:j] + ",\n" + text[ls:ind] + kw + text[j:], true
	}
	if trailing {
		return text[:j] + " " + kw + text[j:], true
	}
	return text[:j] + ", " + kw + text[j:], true
}

// EditOptions makes e in a call's keyword options (the formats whose
// options are keyword arguments or settings): vals are the
// options written, call the call to add a keyword to (nil: a setting
// assigned at the end of the module), defaults the
// items an absent list option starts from.
func EditOptions(text string, e fix.Edit, kw map[string]string, vals map[string]Value, call *Call, defaults map[string][]string) (string, error) {
	key := kw[e.Field]
	if key == "" {
		return "", fix.ErrUnsupported
	}
	q := Quote(text)
	v, has := vals[key]
	if has && v.Env != "" {
		return "", envChange(text, v, e)
	}
	switch e.Op {
	case fix.Enable:
		if has {
			if out, ok := Replace(text, v, "True"); ok {
				return out, nil
			}
			return "", fix.ErrNotFound
		}
		if out, ok := addOption(text, call, key, "True"); ok {
			return out, nil
		}
		return "", fix.ErrNotFound
	case fix.Replace:
		// One entry as written (the "*" a credentialed fetch cannot
		// use), in the option's list or as the option's one string.
		if !has || len(e.Values) != 1 {
			return "", fix.ErrNotFound
		}
		at, found := v, v.Kind == Str && v.S == e.Old
		for _, it := range v.Items {
			if !found && it.Kind == Str && it.S == e.Old {
				at, found = it, true
			}
		}
		if !found {
			return "", fix.ErrNotFound
		}
		if out, ok := Replace(text, at, Lit(e.Values[0], q)); ok {
			return out, nil
		}
		return "", fix.ErrNotFound
	case fix.Add:
	default:
		return "", fix.ErrUnsupported
	}
	var items []string
	for _, x := range e.Values {
		items = append(items, Lit(x, q))
	}
	if !has {
		var all []string
		for _, d := range defaults[e.Field] {
			all = append(all, Lit(d, q))
		}
		all = append(all, items...)
		out, ok := addOption(text, call, key, "["+strings.Join(all, ", ")+"]")
		if !ok {
			return "", fix.ErrNotFound
		}
		return out, nil
	}
	out, ok := AppendItems(text, v, items)
	if !ok {
		return "", fix.ErrUnsupported
	}
	return out, nil
}

// addOption adds key=value to call, or a line "key = value" at the end
// of the text when call is nil.
func addOption(text string, call *Call, key, value string) (string, bool) {
	if call == nil {
		if text != "" && !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		return text + key + " = " + value + "\n", true
	}
	return AddKeyword(text, call, key+"="+value)
}

// envChange is the edit e of a value read from an environment variable
// (v.Env): for a list split from a value given (--param), the
// variable's new value, its items and the ones added (or the one
// replaced) joined as the code splits them (fix.ParamChange). Any other
// is fix.ErrUnsupported: the text does not hold the value; the default
// the code writes is often a development one, which a fix must not
// carry to where the app runs; and a variable the code reads in more
// than one place would change there too. (An adversarial review: the fix
// was "set it to http://localhost:3000,https://app.example".)
func envChange(text string, v Value, e fix.Edit) error {
	quoted := strings.Count(text, `"`+v.Env+`"`) + strings.Count(text, `'`+v.Env+`'`)
	bound := 0
	if v.EnvBound != "" {
		bound = names(text, v.EnvBound)
		if v.EnvBound == v.Env {
			bound -= quoted // the variable's own name in its quotes
		}
	}
	if v.Kind != List || v.EnvSep == "" || v.EnvDefault || quoted > 1 || bound > 2 {
		// A name bound once and read in more than one place (a second
		// look's review: ORIGINS = os.getenv(...) read by two
		// resources) is as shared as the variable read twice.
		return fix.ErrUnsupported
	}
	var items []string
	for _, it := range v.Items {
		if it.S != "" {
			items = append(items, it.S)
		}
	}
	switch e.Op {
	case fix.Add:
		items = append(items, e.Values...)
	case fix.Replace:
		if len(e.Values) != 1 {
			return fix.ErrUnsupported
		}
		found := false
		for i := range items {
			if items[i] == e.Old {
				items[i], found = e.Values[0], true
			}
		}
		if !found {
			return fix.ErrNotFound
		}
	default:
		return fix.ErrUnsupported
	}
	value := strings.Join(items, v.EnvSep)
	return &fix.ParamChange{Param: v.Env, Value: value,
		Where: "in the environment variable " + v.Env + ", which the code reads: set it to " + strconv.Quote(value) + " where the app runs (--param " + v.Env + "=... here)"}
}

// names counts the places the Python name n is written in text, as a
// whole word (a comment or a string naming it counts too, which errs
// toward no fix).
func names(text, n string) int {
	count := 0
	for i := 0; ; {
		j := strings.Index(text[i:], n)
		if j < 0 {
			return count
		}
		at := i + j
		end := at + len(n)
		if (at == 0 || !word(text[at-1])) && (end == len(text) || !word(text[end])) {
			count++
		}
		i = end
	}
}

// word reports whether c may be part of a Python name.
func word(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z' || c >= 0x80
}
