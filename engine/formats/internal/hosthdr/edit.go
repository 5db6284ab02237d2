package hosthdr

import (
	"regexp"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/policy"
)

// The fields a fix edits, by their header.
var fieldHeader = map[string]string{
	fix.Methods:      "Access-Control-Allow-Methods",
	fix.AllowHeaders: "Access-Control-Allow-Headers",
	fix.Credentials:  "Access-Control-Allow-Credentials",
	fix.Origins:      "Access-Control-Allow-Origin",
}

// Target returns the entry a fix edits: the one whose header object or
// entry object starts on line (the rule trace's entry), else the rule's
// own (entries[rule], the entry the trace numbered rule) when it sets
// Access-Control-Allow-Origin, else the first that sets it. Found as a
// new user would: a credentialed fetch of /data/ was fixed in the
// /fonts/ entry before it, which did not pass, so the fix was the
// replies' lines.
func (d *Doc) Target(entries []Entry, line, rule int) (*Entry, bool) {
	if line > 0 {
		for i := range entries {
			if l, _ := policy.LineCol(d.Text, int(entries[i].Obj.Off)); l == line {
				return &entries[i], true
			}
			for _, h := range entries[i].Headers {
				if h.Line == line {
					return &entries[i], true
				}
			}
		}
	}
	if rule >= 0 && rule < len(entries) {
		if _, ok := entries[rule].Find("Access-Control-Allow-Origin"); ok {
			return &entries[rule], true
		}
	}
	for i := range entries {
		if _, ok := entries[i].Find("Access-Control-Allow-Origin"); ok {
			return &entries[i], true
		}
	}
	return nil, false
}

// Edit makes e in the target entry's headers, touching only the bytes it
// must: a method or header name joins the value of
// Access-Control-Allow-Methods or -Headers (a new header object after the
// entry's last, written in its style, when there is none); credentials
// set Access-Control-Allow-Credentials to "true"; Replace changes an
// Access-Control-Allow-Origin value. Adding an origin is the platform's
// (AddOriginEntry for Vercel); answering OPTIONS is no edit of this file.
func (d *Doc) Edit(t *Entry, e fix.Edit) (string, error) {
	text := d.Text
	name := fieldHeader[e.Field]
	switch {
	case e.Op == fix.Add && (e.Field == fix.Methods || e.Field == fix.AllowHeaders):
		if h, ok := t.Find(name); ok {
			v := h.Value
			for _, x := range e.Values {
				if hasItem(v, x) {
					continue
				}
				v = fix.AppendList(v, []string{x}, ", ")
			}
			return splice(text, h.ValV, v), nil
		}
		return d.addHeader(t, name, strings.Join(e.Values, ", "))
	case e.Op == fix.Enable && e.Field == fix.Credentials:
		if h, ok := t.Find(name); ok {
			return splice(text, h.ValV, "true"), nil
		}
		return d.addHeader(t, name, "true")
	case e.Op == fix.Replace && e.Field == fix.Origins && len(e.Values) == 1:
		h, ok := t.Find(name)
		if !ok || strings.TrimSpace(h.Value) != e.Old {
			return "", fix.ErrNotFound
		}
		return splice(text, h.ValV, e.Values[0]), nil
	}
	return "", fix.ErrUnsupported
}

func hasItem(list, x string) bool {
	for _, f := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(f), x) {
			return true
		}
	}
	return false
}

// splice replaces the JSON string at v by s.
func splice(text string, v *jsontext.Value, s string) string {
	return text[:v.Off] + quote(s) + text[End(text, int(v.Off)):]
}

func quote(s string) string { return string(jsontext.AppendString(nil, s)) }

// addHeader inserts {"key": name, "value": value} after the entry's last
// header object, copied from that object's text so that it keeps its
// spacing, on its own line when the items are on their own lines.
func (d *Doc) addHeader(t *Entry, name, value string) (string, error) {
	text := d.Text
	if t.Arr == nil || len(t.Arr.Items) == 0 || len(t.Headers) == 0 {
		return "", fix.ErrNotFound
	}
	last := t.Arr.Items[len(t.Arr.Items)-1]
	var h *Header
	for i := range t.Headers {
		if t.Headers[i].Obj == last {
			h = &t.Headers[i]
		}
	}
	if h == nil {
		return "", fix.ErrNotFound
	}
	end := End(text, int(last.Off))
	item := text[last.Off:end]
	// The copy, with its key and value replaced (value first: it may
	// come after the key).
	kv := []struct {
		v *jsontext.Value
		s string
	}{{h.KeyV, name}, {h.ValV, value}}
	if kv[1].v.Off < kv[0].v.Off {
		kv[0], kv[1] = kv[1], kv[0]
	}
	for i := len(kv) - 1; i >= 0; i-- {
		a := int(kv[i].v.Off - last.Off)
		b := End(text, int(kv[i].v.Off)) - int(last.Off)
		item = item[:a] + quote(kv[i].s) + item[b:]
	}
	sep := ", "
	if len(t.Arr.Items) > 1 {
		prev := t.Arr.Items[len(t.Arr.Items)-2]
		if strings.Contains(text[prev.Off:last.Off], "\n") {
			ind, _ := fix.LineIndent(text, int(last.Off))
			sep = ",\n" + ind
		}
	} else if strings.Contains(text[t.Arr.Off:last.Off], "\n") {
		ind, _ := fix.LineIndent(text, int(last.Off))
		sep = ",\n" + ind
	}
	return fix.Insert(text, end, sep+item), nil
}

// AddOriginEntry lets origin in by a new entry after t: its source, a
// "has" condition on the request's origin header, Access-Control-Allow-
// Origin naming it and Vary: Origin, indented like t (Vercel's way to
// vary a static header by the request). An entry with its own conditions
// is not copied: ErrUnsupported.
func (d *Doc) AddOriginEntry(t *Entry, origin string) (string, error) {
	if t.Conditional || t.PatternV == nil {
		return "", fix.ErrUnsupported
	}
	text := d.Text
	end := End(text, int(t.Obj.Off))
	ind, _ := fix.LineIndent(text, int(t.Obj.Off))
	unit := "  "
	if len(t.Obj.Fields) > 0 {
		if in, own := fix.LineIndent(text, keyOff(text, t.Obj)); own && len(in) > len(ind) {
			unit = in[len(ind):]
		}
	}
	multi := strings.Contains(text[t.Obj.Off:end], "\n")
	nl, i1, i2 := "\n", ind+unit, ind+unit+unit
	if !multi {
		nl, i1, i2, ind = " ", "", "", ""
	}
	var b strings.Builder
	b.WriteString(",")
	if multi {
		b.WriteString("\n" + ind)
	} else {
		b.WriteString(" ")
	}
	b.WriteString("{" + nl)
	b.WriteString(i1 + `"source": ` + quote(t.Pattern) + "," + nl)
	b.WriteString(i1 + `"has": [{ "type": "header", "key": "origin", "value": ` + quote(regexp.QuoteMeta(origin)) + ` }],` + nl)
	b.WriteString(i1 + `"headers": [` + nl)
	b.WriteString(i2 + `{ "key": "Access-Control-Allow-Origin", "value": ` + quote(origin) + ` },` + nl)
	b.WriteString(i2 + `{ "key": "Vary", "value": "Origin" }` + nl)
	b.WriteString(i1 + "]" + nl + ind + "}")
	return fix.Insert(text, end, b.String()), nil
}

// keyOff returns the offset of the first key of object o (its opening
// quote).
func keyOff(text string, o *jsontext.Value) int {
	i := int(o.Off) + 1
	for i < len(text) && text[i] != '"' && text[i] != '}' {
		i++
	}
	return i
}

// EditEntries makes e in the entry Target chooses: Edit, or with
// byOrigin (a platform whose entries can be conditioned on the request's
// Origin) AddOriginEntry for one more origin.
func (d *Doc) EditEntries(entries []Entry, e fix.Edit, byOrigin bool) (string, error) {
	t, ok := d.Target(entries, e.Line, e.Rule)
	if !ok {
		return "", fix.ErrNotFound
	}
	if e.Op == fix.Add && e.Field == fix.Origins {
		if !byOrigin || len(e.Values) != 1 {
			return "", fix.ErrUnsupported
		}
		return d.AddOriginEntry(t, e.Values[0])
	}
	return d.Edit(t, e)
}
