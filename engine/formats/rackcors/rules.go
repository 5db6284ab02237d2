package rackcors

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/rblit"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Platform names the library in lint's sentences.
func (*Format) Platform() string { return "rack-cors" }

// Doc is the reference the evaluation rests on (explain.Documented).
func (*Format) Doc() string { return source }

// ReadRules reads text into the neutral model: one rule per resource, in
// the order rack-cors tries them (allow blocks in order, each block's
// resources in order).
func (f *Format) ReadRules(text string) (*portable.Config, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	cfg, _ := f.StateRules(c, text)
	return cfg, nil
}

// ReadSourceRules implements convert.SourceReader: ReadRules with the
// values --param gives the environment variables the code reads, so
// that lint and convert read what explain does.
func (f *Format) ReadSourceRules(src policy.Source) (*portable.Config, error) {
	ev, err := f.ParseSource(src)
	if err != nil {
		return nil, err
	}
	cfg, _ := f.StateRules(ev, src.Main())
	return cfg, nil
}

// StateRules implements convert.Stater.
//
// Semantics: a string origin with a scheme is exact; one without is a
// host under any scheme, stated as the regex rack-cors builds for it; a
// Ruby regex is stated in Go's syntax (searched, as Regexp#=== does);
// "*" is sent as "*". Methods are upper-cased from the symbols and
// lowercase strings rack-cors can match; a string with a capital never
// matches (CheckText says so) and is left out. headers: :any echoes the
// requested names.
func (*Format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	c, ok := ev.(*Config)
	if !ok {
		return nil, false
	}
	src := &portable.Config{Format: "rack-cors", Semantics: portable.Semantics{Origins: portable.OriginsProgram, OriginSelects: true, EchoHeaders: true, PreflightMethods: true}}
	n := 0
	for i := range c.Allows {
		a := &c.Allows[i]
		for j := range a.Resources {
			res := &a.Resources[j]
			src.Rules = append(src.Rules, configRule(n, a, res))
			n++
		}
	}
	return src, true
}

func posOf(v rblit.Value) portable.Pos { return portable.Pos{Line: v.Line, Column: v.Col} }

func configRule(i int, a *Allow, res *Resource) portable.ConfigRule {
	at := portable.Pos{Line: res.call.Line, Column: res.call.Col}
	pos := func(key string) portable.Pos {
		if p, ok := res.opt(key); ok {
			return posOf(p.Val)
		}
		return at
	}
	r := portable.ConfigRule{Index: i, Pos: at, Credentials: res.Credentials, CredentialsPos: pos("credentials"), MaxAgePos: pos("max_age")}
	for _, o := range a.Origins {
		switch o.Kind {
		case "*":
			if !res.Public {
				// Declared before origins "*": the block admits every
				// origin, and the resource echoes it (Resource's
				// public_resource is what it was at its declaration).
				r.ReflectAny = true
				continue
			}
			r.Origins = append(r.Origins, portable.Value{Text: "*", Pos: posOf(o.V)})
		case "exact":
			r.Origins = append(r.Origins, portable.Value{Text: o.Text, Pos: posOf(o.V)})
		default:
			if r.Regex == nil {
				r.Regex = map[int]bool{}
			}
			r.Regex[len(r.Origins)] = true
			r.Origins = append(r.Origins, portable.Value{Text: o.stated, Pos: posOf(o.V)})
		}
	}
	if p, ok := res.opt("methods"); !ok || p.Val.Kind == rblit.Nil {
		r.Methods = []portable.Value{{Text: "GET", Pos: at, Default: true}}
	} else {
		// methods: :any is rack-cors' seven, OPTIONS among them: the
		// library's list, not one the user wrote (Value.Default).
		any := p.Val.Kind == rblit.Sym && p.Val.S == "any"
		for _, m := range res.Methods {
			if m == strings.ToLower(m) {
				r.Methods = append(r.Methods, portable.Value{Text: strings.ToUpper(m), Pos: pos("methods"), Default: any})
			}
		}
	}
	if res.AnyHeaders {
		r.EchoAllHeaders = true
	} else {
		for _, h := range res.Headers {
			if !strings.HasPrefix(h, ":") {
				r.AllowHeaders = append(r.AllowHeaders, portable.Value{Text: h, Pos: pos("headers")})
			}
		}
	}
	for _, h := range res.Expose {
		r.ExposeHeaders = append(r.ExposeHeaders, portable.Value{Text: h, Pos: pos("expose")})
	}
	if n, err := strconv.Atoi(res.MaxAge); err == nil {
		r.MaxAge = &n
		_, written := res.opt("max_age")
		r.MaxAgeDefault = !written
	}
	switch {
	case res.PathRegex:
		r.PathNote = "the resource " + res.Path + " is a regex searched in the path, which the portable form cannot hold: the converted rule would answer every path"
	case res.Path == "*" || res.Path == "/*":
	case strings.HasSuffix(res.Path, "/*") && !strings.ContainsAny(res.Path[:len(res.Path)-2], "*:?[({|^$\\+"):
		// The converted rule covers less (not /apix): narrower, which
		// --allow-narrower accepts, where a PathNote is wider.
		r.Paths = []string{res.Path[:len(res.Path)-2]}
		r.Notes = append(r.Notes, portable.Note{Rule: i, Field: "paths", Effect: portable.Narrower, Pos: at,
			Message: "the resource " + strconv.Quote(res.Path) + " covers " + res.Path[:len(res.Path)-2] + " and every path that starts with it (" + res.Path[:len(res.Path)-2] + "x too); the converted rule covers " + res.Path[:len(res.Path)-2] + " and the paths below it alone"})
	case !strings.ContainsAny(res.Path, "*:?[({|^$\\+"):
		r.Paths = []string{res.Path}
		r.PathNote = "the resource covers exactly " + strconv.Quote(res.Path) + "; the portable form covers it and every path below it"
	default:
		r.PathNote = "the resource " + strconv.Quote(res.Path) + " is a pattern the portable form cannot hold: the converted rule would answer every path"
	}
	return r
}

// FileName is "cors.rb", the name a fix's diff gives the text.
func (*Format) FileName() string { return "cors.rb" }

// EditText makes e in resource e.Rule (ReadRules' order): an origin
// appended to its allow block's origins, a method or a header to the
// resource's list (a list written as one value becomes a list holding
// it; left out, methods are rack-cors' [:get] plus the method, headers
// the one name), credentials: true. "*" origins and headers: :any
// already allow every value, and the text is left as it is.
func (*Format) EditText(text string, e fix.Edit) (string, error) { return editIn(text, nil, "", e) }

// EditSource implements fix.SourceEditor: EditText with the values of
// the environment variables the code reads from src.Params (--param),
// as the version of the Gemfile.lock after it reads.
func (*Format) EditSource(src policy.Source, e fix.Edit) (string, error) {
	version, err := lockedVersion(src)
	if err != nil {
		return "", fix.ErrNotFound
	}
	return editIn(src.Main(), src.Params, version, e)
}

func editIn(text string, environ map[string]string, version string, e fix.Edit) (string, error) {
	c, err := ParseVersion(text, environ, version)
	if err != nil {
		return "", fix.ErrNotFound
	}
	a, res := c.resource(e.Rule)
	if res == nil {
		return "", fix.ErrNotFound
	}
	q := quote(text, res.call)
	switch {
	case e.Op == fix.Add && e.Field == fix.Origins:
		if a.Public || a.origins == nil {
			if a.Public {
				return text, nil
			}
			return "", fix.ErrUnsupported
		}
		var add []string
		for _, v := range e.Values {
			add = append(add, q+v+q)
		}
		if out, ok := c.editConstant(text, a.origins, add); ok {
			return out, nil
		}
		for _, v := range a.origins.Args {
			if v.Env != "" || v.Off < a.origins.Off {
				// A value from the environment, or a constant this
				// edit cannot take (used twice, built by code): the fix
				// is the value's, not this call's.
				return "", fix.ErrUnsupported
			}
		}
		// After the last origin, so a trailing comma and the line break
		// before ")" stay where they are.
		at, sep := a.origins.ArgsEnd, ", "
		if n := len(a.origins.Args); n > 0 {
			at = a.origins.Args[n-1].End
		} else if a.origins.Paren {
			sep = "" // origins() gains its first
		} else {
			sep = " " // origins gains its first
		}
		return text[:at] + sep + strings.Join(add, ", ") + text[at:], nil
	case e.Op == fix.Replace && e.Field == fix.Origins && len(e.Values) == 1 && a.origins != nil:
		// "*" by the page's origin (with credentials, which "*" refuses:
		// rack-cors raises at start, the browser refuses the answer).
		// Every "*" of the block goes: one left keeps every origin.
		out, n := text, 0
		args := a.origins.Args
		for i := len(args) - 1; i >= 0; i-- {
			v := args[i]
			if v.Kind != rblit.Str || v.S != e.Old || v.Env != "" || v.Off < a.origins.Off {
				continue
			}
			out = out[:v.Off] + q + e.Values[0] + q + out[v.End:]
			n++
		}
		if n == 0 {
			return "", fix.ErrUnsupported
		}
		return out, nil
	case e.Op == fix.Add && e.Field == fix.Methods:
		if p, ok := res.opt("methods"); ok && p.Val.Kind == rblit.Sym && p.Val.S == "any" {
			return text, nil
		}
		var add []string
		for _, m := range e.Values {
			add = append(add, symbol(strings.ToLower(m)))
		}
		return addToOpt(text, res, "methods", add, []string{":get"})
	case e.Op == fix.Add && e.Field == fix.AllowHeaders:
		if res.AnyHeaders {
			return text, nil
		}
		var add []string
		for _, h := range e.Values {
			add = append(add, q+strings.ToLower(h)+q)
		}
		return addToOpt(text, res, "headers", add, nil)
	case e.Op == fix.Add && e.Field == fix.ExposeHeaders:
		var add []string
		for _, h := range e.Values {
			add = append(add, q+h+q)
		}
		return addToOpt(text, res, "expose", add, nil)
	case e.Op == fix.Enable && e.Field == fix.Credentials:
		if res.Public {
			return "", fix.ErrUnsupported
		}
		if p, ok := res.opt("credentials"); ok {
			if p.Val.Env != "" || p.Val.Off < res.call.Off {
				// ENV's value, or a constant other code reads too.
				return "", fix.ErrUnsupported
			}
			return text[:p.Val.Off] + "true" + text[p.Val.End:], nil
		}
		at := res.optsEnd()
		return text[:at] + ", credentials: true" + text[at:], nil
	}
	return "", fix.ErrUnsupported
}

// editConstant appends items to the list constant origins reads (origins
// ALLOWED, or *ALLOWED), when every origin comes from that one list
// literal and the file names the constant nowhere else: a constant read
// by other code too would widen it as well.
func (c *Config) editConstant(text string, origins *rblit.Call, items []string) (string, bool) {
	if len(origins.Args) == 0 {
		return "", false
	}
	for name, v := range c.consts {
		if v.Kind != rblit.Array || v.Env != "" || v.Off >= origins.Off {
			continue
		}
		inside := true
		for _, a := range origins.Args {
			inside = inside && a.Env == "" && a.Off >= v.Off && a.End <= v.End
		}
		if !inside || uses(text, name) != 2 {
			continue
		}
		out, err := appendToList(text, v, items)
		return out, err == nil
	}
	return "", false
}

// uses counts the places text names the constant name as a whole word.
func uses(text, name string) int {
	n := 0
	for i := 0; ; {
		k := strings.Index(text[i:], name)
		if k < 0 {
			return n
		}
		at := i + k
		end := at + len(name)
		if (at == 0 || !isWord(text[at-1])) && (end == len(text) || !isWord(text[end])) {
			n++
		}
		i = end
	}
}

// resource returns the k-th resource in ReadRules' order and its block.
func (c *Config) resource(k int) (*Allow, *Resource) {
	for i := range c.Allows {
		a := &c.Allows[i]
		if k < len(a.Resources) {
			if k < 0 {
				return nil, nil
			}
			return a, &a.Resources[k]
		}
		k -= len(a.Resources)
	}
	return nil, nil
}

// symbol writes a method as a Ruby symbol: :put, or :"m-search" for a
// name that is no identifier (a bare :m-search is :m minus search).
func symbol(m string) string {
	for i := 0; i < len(m); i++ {
		if c := m[i]; !(c == '_' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return ":" + strconv.Quote(m)
		}
	}
	if m == "" {
		return `:""`
	}
	return ":" + m
}

// optsEnd is where a new option goes: after the last one (inside a
// braced hash's "}"), or after the path.
func (r *Resource) optsEnd() int {
	if n := len(r.opts); n > 0 {
		return r.opts[n-1].Val.End
	}
	return r.call.ArgsEnd
}

// addToOpt appends items to the list of option key: inside its [...] or
// %i[...] literal, around a single value ([value, items]), or as a new
// option key: [defaults..., items] after the call's last argument.
func addToOpt(text string, res *Resource, key string, items, defaults []string) (string, error) {
	p, ok := res.opt(key)
	if !ok {
		at := res.optsEnd()
		return text[:at] + ", " + key + ": [" + strings.Join(append(append([]string{}, defaults...), items...), ", ") + "]" + text[at:], nil
	}
	v := p.Val
	if v.Env != "" || v.Off < res.call.Off {
		return "", fix.ErrUnsupported
	}
	lit := v.Text(text)
	switch {
	case v.Kind == rblit.Array:
		return appendToList(text, v, items)
	case v.Kind == rblit.Str || v.Kind == rblit.Sym:
		return text[:v.Off] + "[" + lit + ", " + strings.Join(items, ", ") + "]" + text[v.End:], nil
	case v.Kind == rblit.Nil:
		return text[:v.Off] + "[" + strings.Join(append(append([]string{}, defaults...), items...), ", ") + "]" + text[v.End:], nil
	}
	return "", fix.ErrUnsupported
}

// appendToList appends items to the list literal v: inside its [...]
// (Ruby literals, after the last item and any trailing comma) or its
// %w[...] or %i[...] (words, their quotes and colons dropped). A
// .freeze after it stays; any other call after it is refused.
func appendToList(text string, v rblit.Value, items []string) (string, error) {
	lit := v.Text(text)
	closeAt, words := listClose(lit)
	if closeAt < 0 || (lit[closeAt+1:] != "" && lit[closeAt+1:] != ".freeze") {
		return "", fix.ErrUnsupported
	}
	end := v.Off + closeAt // the closing bracket
	if words {
		var ws []string
		for _, it := range items {
			w := strings.Trim(it, `:"'`)
			if strings.ContainsAny(w, " \t") {
				return "", fix.ErrUnsupported
			}
			ws = append(ws, w)
		}
		sep := " "
		if strings.TrimSpace(text[v.Off+3:end]) == "" {
			sep = ""
		}
		return text[:end] + sep + strings.Join(ws, " ") + text[end:], nil
	}
	// After the last item, before any line break and the "]".
	for end > v.Off+1 && strings.IndexByte(" \t\r\n", text[end-1]) >= 0 {
		end--
	}
	sep := ", "
	switch {
	case end == v.Off+1:
		sep = ""
	case text[end-1] == ',':
		sep = " "
	}
	return text[:end] + sep + strings.Join(items, ", ") + text[end:], nil
}

// listClose is the index in lit of the bracket that closes the list it
// starts with ("[...]" or "%w[...]"), and whether it is a words list; -1
// when lit starts with neither or does not close.
func listClose(lit string) (int, bool) {
	if len(lit) > 3 && lit[0] == '%' && strings.IndexByte("wWiI", lit[1]) >= 0 {
		open := lit[2]
		close := map[byte]byte{'(': ')', '[': ']', '{': '}', '<': '>'}[open]
		if close == 0 {
			close = open
		}
		depth := 1
		for i := 3; i < len(lit); i++ {
			switch lit[i] {
			case '\\':
				i++
			case close:
				if depth--; depth == 0 {
					return i, true
				}
			case open:
				depth++
			}
		}
		return -1, true
	}
	if lit == "" || lit[0] != '[' {
		return -1, false
	}
	depth, quote := 0, byte(0)
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			if depth--; depth == 0 {
				return i, false
			}
		}
	}
	return -1, false
}

// quote is the quote the call's strings are written with: double unless
// the resource's path is single-quoted.
func quote(text string, call *rblit.Call) string {
	if len(call.Args) > 0 && call.Args[0].Off < len(text) && text[call.Args[0].Off] == '\'' {
		return "'"
	}
	return `"`
}
