package cloudformation

import (
	"errors"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/platform/cloudfront"
	"github.com/whycors/whycors/engine/policy"
)

// EditFile implements fix.FileEditor: e made in the template as
// EditSource makes it; a list the template takes from a list parameter
// (AllowOrigins: !Ref Origins, Origins a CommaDelimitedList or
// List<String>) gets its values where the parameter's value is written,
// in CloudFormation's order (--param, then the parameter files, the
// last that sets it winning, then the parameter's Default): the
// parameter's new value, one more "," and value inside the parameter
// file's string, or one more item of the Default.
func (f *format) EditFile(src policy.Source, e fix.Edit) (fix.Change, error) {
	text, err := f.EditSource(src, e)
	if err == nil {
		return fix.Change{File: templateName(src), Text: text}, nil
	}
	if !errors.Is(err, errIntrinsic) || e.Op != fix.Add {
		return fix.Change{}, err
	}
	t, rerr := Read(src)
	if rerr != nil || t.chosen == nil {
		return fix.Change{}, err
	}
	name, ok := listParam(t, corsList(t.chosen, e))
	if !ok {
		return fix.Change{}, err
	}
	return paramChange(src, t, name, e.Values)
}

// templateName is the template's name in a diff: its file's, or the
// usual one for a text alone.
func templateName(src policy.Source) string {
	if src.Text == "" && len(src.Files) > 0 {
		return src.Files[0].Name
	}
	return (*format)(nil).FileName()
}

// corsList is the list node e changes in r's CORS block, nil when r has
// none there.
func corsList(r *Resource, e fix.Edit) *node {
	var m *node
	var keys map[string]string
	switch {
	case r.S3 != nil && e.Rule >= 0 && e.Rule < len(r.rules):
		m, keys = r.rules[e.Rule], map[string]string{fix.Origins: "AllowedOrigins", fix.Methods: "AllowedMethods", fix.AllowHeaders: "AllowedHeaders"}
	case (r.HTTP != nil || r.Lambda != nil) && e.Rule == 0:
		m, keys = r.block, map[string]string{fix.Origins: "AllowOrigins", fix.Methods: "AllowMethods", fix.AllowHeaders: "AllowHeaders"}
	case r.CloudFront != nil && e.Rule == 0:
		k := map[string]string{fix.Origins: cloudfront.FieldAllowOrigins, fix.Methods: cloudfront.FieldAllowMethods, fix.AllowHeaders: cloudfront.FieldAllowHeaders}[e.Field]
		if k == "" || r.block == nil {
			return nil
		}
		m, keys = r.block.get(k), map[string]string{e.Field: "Items"}
	}
	if m == nil || keys[e.Field] == "" {
		return nil
	}
	return m.get(keys[e.Field])
}

// listParam is the parameter a list node takes its members from: a !Ref
// of a list parameter (CommaDelimitedList, List<...>), or !Split [",",
// !Ref P] of any parameter P, whose value is then a comma-separated list
// too.
func listParam(t *Template, l *node) (string, bool) {
	name, arg, ok := intrinsic(l)
	split := false
	if ok && name == "Split" && arg.kind == seqK && len(arg.items) == 2 && arg.items[0].kind == scalarK && arg.items[0].tag == "" && arg.items[0].str == "," {
		name, arg, ok = intrinsic(arg.items[1])
		split = true
	}
	if !ok || name != "Ref" || arg.kind != scalarK {
		return "", false
	}
	p := t.doc.root.get("Parameters").get(arg.str)
	if p == nil {
		return "", false
	}
	if typ := p.get("Type"); !split && (typ == nil || !strings.Contains(typ.str, "List")) {
		return "", false
	}
	return arg.str, true
}

// paramChange appends values to the list parameter name where its value
// is written.
func paramChange(src policy.Source, t *Template, name string, values []string) (fix.Change, error) {
	if old, ok := src.Params[name]; ok {
		v := fix.AppendList(old, newItems(strings.Split(old, ","), values), ",")
		return fix.Change{Param: name, Value: v,
			Where: "the parameter " + name + " is given with --param, which no file holds: give --param " + name + "=" + v + " (aws cloudformation deploy --parameter-overrides " + name + "=" + v + ") instead"}, nil
	}
	files := src.Files
	if src.Text == "" && len(files) > 0 {
		files = files[1:]
	}
	for i := len(files) - 1; i >= 0; i-- {
		at, old, ok := paramValueAt(files[i].Text, name)
		if !ok {
			continue
		}
		add := newItems(strings.Split(old, ","), values)
		if len(add) == 0 {
			return fix.Change{File: files[i].Name, Text: files[i].Text}, nil
		}
		sep := ","
		if strings.Contains(old, ", ") {
			sep = ", "
		}
		ins := strings.Join(add, sep)
		if strings.TrimSpace(old) != "" {
			ins = sep + ins
		}
		return fix.Change{File: files[i].Name, Text: fix.Insert(files[i].Text, at, ins),
			Where: "in " + files[i].Name + ", the value of the parameter " + name}, nil
	}
	def := t.doc.root.get("Parameters").get(name).get("Default")
	if def == nil {
		return fix.Change{}, fix.ErrUnsupported
	}
	ed := &editor{d: t.doc}
	var text string
	var err error
	switch {
	case def.kind == seqK && def.tag == "":
		text = t.doc.text
		have := make([]string, len(def.items))
		for i, it := range def.items {
			have[i] = it.str
		}
		for _, v := range newItems(have, values) {
			if text, err = (&editor{d: ed.reread(text)}).appendItem(ed.relocate(text, def), v); err != nil {
				return fix.Change{}, err
			}
		}
	case def.kind == scalarK && def.tag == "":
		text, err = ed.replaceScalar(def, fix.AppendList(def.str, newItems(strings.Split(def.str, ","), values), ","))
	default:
		return fix.Change{}, fix.ErrUnsupported
	}
	if err != nil {
		return fix.Change{}, err
	}
	return fix.Change{File: templateName(src), Text: text, Where: "in the Default of the parameter " + name}, nil
}

// newItems are the values a list of have does not hold yet (compared
// after trimming spaces, as CloudFormation trims a CommaDelimitedList's
// members).
func newItems(have, values []string) []string {
	var out []string
	for _, v := range values {
		dup := false
		for _, h := range have {
			dup = dup || strings.TrimSpace(h) == v
		}
		if !dup {
			out = append(out, v)
			have = append(have, v)
		}
	}
	return out
}

// paramValueAt finds the parameter name's value in a parameter file
// (paramFile's two shapes, the last entry winning as it reads them): the
// byte offset of the closing quote of its string, where more items go,
// and the value.
func paramValueAt(text, name string) (int, string, bool) {
	v, err := jsontext.ParseString(text, maxDepth)
	if err != nil {
		return 0, "", false
	}
	var val *jsontext.Value
	if p, ok := v.Get("Parameters"); ok && p.Kind == jsontext.Object {
		val, _ = p.Get(name)
	} else if v.Kind == jsontext.Array {
		for _, it := range v.Items {
			if k, ok := it.Get("ParameterKey"); ok && k.Str == name {
				val, _ = it.Get("ParameterValue")
			}
		}
	}
	if val == nil || val.Kind != jsontext.String {
		return 0, "", false
	}
	end := stringEnd(text, int(val.Off))
	if end < 0 {
		return 0, "", false
	}
	return end, val.Str, true
}

// stringEnd is the offset of the closing quote of the JSON string that
// opens at off, -1 when there is none.
func stringEnd(text string, off int) int {
	if off >= len(text) || text[off] != '"' {
		return -1
	}
	for i := off + 1; i < len(text); i++ {
		switch text[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

var _ fix.FileEditor = (*format)(nil)
