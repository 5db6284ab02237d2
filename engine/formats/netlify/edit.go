package netlify

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/lineedit"
)

// Netlify edits work on one rule: Edit.Line is a line of it (its path,
// or one of its headers: the rule trace's Path "line N"); 0 takes the
// first rule that sets Access-Control-Allow-Origin, else the first.

// FileName is "_headers", the name a fix's diff gives the text (the
// text of netlify.toml keeps its syntax; only the diff's name is this).
func (*Format) FileName() string { return "_headers" }

// target is the rule an edit changes.
func target(c *Config, line int) (Rule, bool) {
	for _, r := range c.Rules {
		if r.Line == line {
			return r, true
		}
		for _, h := range r.Values {
			if h.Line == line {
				return r, true
			}
		}
	}
	for _, r := range c.Rules {
		if _, ok := r.Get("Access-Control-Allow-Origin"); ok {
			return r, true
		}
	}
	if len(c.Rules) > 0 {
		return c.Rules[0], true
	}
	return Rule{}, false
}

// EditText makes e in a _headers file or netlify.toml, in its own syntax:
// a header of the rule gets a new value (Replace of the origin, Enable
// of credentials) or one more list item (Add of methods and header
// names), or a new header line next to the rule's others. Adding an
// origin to a rule that already names another is unsupported: a fixed
// header holds one origin.
func (*Format) EditText(text string, e fix.Edit) (string, error) {
	c, err := Parse(text)
	if err != nil {
		return "", fix.ErrNotFound
	}
	r, ok := target(c, e.Line)
	if !ok {
		return "", fix.ErrNotFound
	}
	var name, value string
	list := false
	switch {
	case e.Op == fix.Add && e.Field == fix.Origins:
		if o, ok := r.Get("Access-Control-Allow-Origin"); ok {
			if strings.TrimSpace(o.Value) == "*" {
				return "", fix.ErrNotFound
			}
			return "", fix.ErrUnsupported
		}
		name, value = "Access-Control-Allow-Origin", strings.Join(e.Values, "")
	case e.Op == fix.Replace && e.Field == fix.Origins && len(e.Values) == 1:
		name, value = "Access-Control-Allow-Origin", e.Values[0]
	case e.Op == fix.Add && e.Field == fix.Methods:
		name, value, list = "Access-Control-Allow-Methods", strings.Join(e.Values, ", "), true
	case e.Op == fix.Add && e.Field == fix.AllowHeaders:
		name, value, list = "Access-Control-Allow-Headers", strings.Join(e.Values, ", "), true
	case e.Op == fix.Enable && e.Field == fix.Credentials:
		name, value = "Access-Control-Allow-Credentials", "true"
	default:
		return "", fix.ErrUnsupported
	}
	if len(e.Values) > 1 && e.Field == fix.Origins {
		return "", fix.ErrUnsupported
	}
	if h, ok := r.Get(name); ok && list {
		for _, v := range e.Values {
			for _, have := range strings.Split(h.Value, ",") {
				if strings.EqualFold(strings.TrimSpace(have), v) {
					return "", fix.ErrNotFound
				}
			}
		}
		value = fix.AppendList(h.Value, e.Values, ", ")
	}
	if c.Syntax == TOML {
		return editTOML(text, r, name, value)
	}
	return editHeaders(text, r, name, value)
}

// editHeaders sets name to value in a _headers block: the value of its
// last line of that name, the other lines of that name removed (the
// parser joins them), or a new line after the block's last header.
func editHeaders(text string, r Rule, name, value string) (string, error) {
	bs, _ := scanHeaders(text)
	if r.index >= len(bs) || len(bs[r.index].lines) == 0 {
		return "", fix.ErrNotFound
	}
	b := bs[r.index]
	var cs []lineedit.Change
	var last *hline
	for i := range b.lines {
		if strings.EqualFold(b.lines[i].name, name) {
			if last != nil && last.name == b.lines[i].name {
				cs = append(cs, lineedit.Replace(last.start, last.end+1, ""))
			}
			last = &b.lines[i]
		}
	}
	if last != nil {
		cs = append(cs, lineedit.Replace(last.vstart, last.vend, value))
		return lineedit.Apply(text, cs), nil
	}
	end := b.lines[len(b.lines)-1]
	nl := "\n"
	if strings.HasSuffix(text[end.start:end.end], "\r") {
		nl = "\r\n"
	}
	if end.end >= len(text) {
		return text + nl + end.indent + name + ": " + value, nil
	}
	return fix.Insert(text, end.end+1, end.indent+name+": "+value+nl), nil
}

// tomlQuote writes s as a TOML basic string.
func tomlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`).Replace(s) + `"`
}

// editTOML sets name to value in a [[headers]] table's values: the
// string in place, or a new key after the table's last one (a line in
// [headers.values], an entry in an inline table).
func editTOML(text string, r Rule, name, value string) (string, error) {
	at, _ := locate(text)
	base := "headers." + strconv.Itoa(r.index) + ".values"
	if h, ok := r.Get(name); ok {
		s, ok := at[base+"."+h.Name]
		if !ok {
			return "", fix.ErrNotFound
		}
		end := s.valEnd
		if s.kind != stringKind {
			end = s.exprEnd // an array: the whole value
		}
		return text[:s.valAt] + tomlQuote(value) + text[end:], nil
	}
	tbl, ok := at[base]
	if !ok {
		return "", fix.ErrNotFound
	}
	// The last key of the values, by where it is written.
	lastEnd, lastKey := -1, -1
	for k, s := range at {
		if strings.HasPrefix(k, base+".") && !strings.Contains(k[len(base)+1:], ".") && s.exprEnd > lastEnd {
			lastEnd, lastKey = s.exprEnd, s.keyAt
		}
	}
	if lastEnd < 0 {
		return "", fix.ErrNotFound
	}
	entry := name + " = " + tomlQuote(value)
	if tbl.kind == inlineKind {
		return fix.Insert(text, lastEnd, ", "+entry), nil
	}
	nl := strings.IndexByte(text[lastEnd:], '\n')
	ind, _ := fix.LineIndent(text, lastKey)
	if nl < 0 {
		return text + "\n" + ind + entry + "\n", nil
	}
	return fix.Insert(text, lastEnd+nl+1, ind+entry+"\n"), nil
}

// ChooseEdit picks the next edit of a blocked fetch from the rule trace
// (Path "line N" of each header the reply got).
func (*Format) ChooseEdit(b fix.Blocked) (fix.Edit, string, bool) {
	line := 0
	acao := ""
	for _, r := range b.Rules {
		if r.ID == "Access-Control-Allow-Origin" && r.Matched {
			line, _ = strconv.Atoi(strings.TrimPrefix(r.Path, "line "))
			acao = r.Note.Args[2]
		}
	}
	star := acao == "*"
	if line == 0 {
		for _, r := range b.Rules {
			if r.Matched {
				line, _ = strconv.Atoi(strings.TrimPrefix(r.Path, "line "))
				break
			}
		}
	}
	if b.PreflightFailed {
		return fix.Edit{}, "", false // Netlify's static hosting has no setting for its OPTIONS status
	}
	switch {
	case b.Needs == "origin" && line == 0:
		return fix.Edit{}, "", false
	case b.Needs == "origin" && strings.ContainsAny(acao, ", "):
		// Several origins in one value: no browser accepts it.
		return fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: acao, Values: []string{b.Origin}, Line: line},
			"send the one origin " + b.Origin + " instead of " + strconv.Quote(acao) + " (browsers accept one origin; Netlify's headers are fixed per path)", true
	case b.Needs == "origin" && acao != "":
		return fix.Edit{}, "", false // another fixed origin: a static header cannot name two
	case b.Needs == "origin":
		return fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{b.Origin}, Line: line},
			"send Access-Control-Allow-Origin: " + b.Origin + " for this path", true
	case (b.Needs == "credentials" || b.Needs == "") && star:
		// With credentials a browser refuses *.
		return fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: "*", Values: []string{b.Origin}, Line: line},
			"name " + b.Origin + " instead of * (credentials need the exact origin)", true
	}
	return lineedit.Need(b, line)
}
