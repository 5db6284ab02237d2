package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/policy"
)

// roles of fix's fields.
var fixRoles = map[string]string{fix.Origins: roleOrigins, fix.Methods: roleMethods, fix.AllowHeaders: roleHeaders, fix.ExposeHeaders: roleExpose}

// EditText implements fix.Editor: e made in a module of one text
// (main.tf), touching only the bytes it must.
func (*HCL) EditText(text string, e fix.Edit) (string, error) {
	_, out, err := EditSource(policy.Source{Text: text}, e)
	return out, err
}

// FileName implements fix.Editor.
func (*HCL) FileName() string { return mainFile }

// EditSource implements fix.SourceEditor, an edit of a source's main
// text (its first file): e made in the module src when the value it
// changes is written in that file. A value written in another file (a
// .tfvars list, a variable's default) is not a change of the main text:
// fix.ErrUnsupported here; the fix search makes it with EditFile
// (fix.FileEditor), in that file.
func (*HCL) EditSource(src policy.Source, e fix.Edit) (string, error) {
	file, text, err := EditSource(src, e)
	if err != nil {
		return "", err
	}
	if main := mainName(src); file != main {
		return "", fix.ErrUnsupported
	}
	return text, nil
}

// mainName is the name of src's main text (policy.Source.Main): its
// first file's, or the one text's (mainFile).
func mainName(src policy.Source) string {
	if src.Text == "" && len(src.Files) > 0 {
		return src.Files[0].Name
	}
	return mainFile
}

// EditSource makes e in the module src, in the file where the value it
// changes is written: the literal list of the rule's attribute, of the
// .tfvars assignment or of the default of the variable the attribute
// names; or, for an attribute the rule lacks, one more line in the rule
// block, indented and aligned like its neighbours. It returns that
// file's name and new text. e.Rule counts rules across the module
// (ReadRules' order). A value computed another way (a function, a data
// source) or given with -var is not edited: fix.ErrUnsupported.
func EditSource(src policy.Source, e fix.Edit) (file, text string, err error) {
	c, _, err := editModule(src, e)
	if err != nil {
		return "", "", err
	}
	if c.Param != "" {
		return "", "", fix.ErrUnsupported
	}
	return c.File, c.Text, nil
}

// EditFile implements fix.FileEditor: e made as EditSource makes it, in
// whichever file of src holds the value, with a sentence saying where
// when that is not the main file; a list given with -var (src.Params)
// gets the value appended in that parameter, with the flag to give.
func (*HCL) EditFile(src policy.Source, e fix.Edit) (fix.Change, error) {
	c, at, err := editModule(src, e)
	if err != nil {
		return fix.Change{}, err
	}
	if at != nil && (c.Param != "" || c.File != mainName(src)) {
		c.Where = where(at, c)
	}
	return c, nil
}

// where says where a list an edit changed is written, when not in the
// module's main file: in a .tfvars file, a variable's default, a local,
// or a -var value (with the flag to give instead).
func where(at *editSite, c fix.Change) string {
	switch {
	case c.Param != "":
		return at.Via + " is given with -var (whycors' --param " + c.Param + "), which no file holds: give -var '" + c.Param + "=" + c.Value + "' instead"
	case at.Via == "":
		return "in " + c.File
	case at.From == "default":
		return "in " + c.File + ", the default of " + at.Via
	case strings.HasPrefix(at.Via, "var."):
		return "in " + c.File + ", where " + at.Via + " is set"
	case strings.HasSuffix(c.File, ".tfvars") || strings.HasSuffix(c.File, ".tfvars.json"):
		// A local built from a variable set there (found as a new user
		// would: "where local.app_origins is written", in a file that
		// sets var.frontend_origins).
		return "in " + c.File + ", which sets a variable " + at.Via + " is built from"
	}
	return "in " + c.File + ", where " + at.Via + " is written"
}

// editModule makes e in the module src: the change, and the edit site
// of the list it changed (nil for an attribute inserted or a scalar).
func editModule(src policy.Source, e fix.Edit) (fix.Change, *editSite, error) {
	m := readModule(src)
	if len(m.errs) > 0 {
		return fix.Change{}, nil, m.errs
	}
	// e.Rule numbers the chosen resource's rules, or the module's when
	// none is chosen (config's numbering).
	sites := m.sites
	if src.Resource != "" {
		s := siteNamed(sites, src.Resource)
		if s == nil {
			return fix.Change{}, nil, fix.ErrNotFound
		}
		sites = []*site{s}
	}
	var r *rule
	var sh *shape
	n := e.Rule
	for _, s := range sites {
		if n < len(s.Rules) {
			r, sh = &s.Rules[n], s.Shape
			break
		}
		n -= len(s.Rules)
	}
	if r == nil || n < 0 {
		return fix.Change{}, nil, fix.ErrNotFound
	}
	texts := map[string]string{}
	if src.Text != "" || len(src.Files) == 0 {
		texts[mainFile] = src.Text
	}
	for _, f := range src.Files {
		texts[f.Name] = f.Text
	}
	splice := func(file string, from, to int, with string, at *editSite) (fix.Change, *editSite, error) {
		t, ok := texts[file]
		if !ok || from < 0 || to > len(t) || from > to {
			return fix.Change{}, nil, fix.ErrNotFound
		}
		return fix.Change{File: file, Text: t[:from] + with + t[to:]}, at, nil
	}
	switch e.Op {
	case fix.Add:
		role, ok := fixRoles[e.Field]
		if !ok {
			return fix.Change{}, nil, fix.ErrUnsupported
		}
		name := sh.Fields[role]
		f := r.Lists[role]
		if f == nil {
			if strings.Contains(name, ".") {
				return fix.Change{}, nil, fix.ErrUnsupported
			}
			blk := ruleBlock(r, m)
			if blk == nil {
				return fix.Change{}, nil, fix.ErrNotFound
			}
			items := make([]string, len(e.Values))
			for i, v := range e.Values {
				items[i] = quote(v)
			}
			at, line := insertAttr(texts[blk.file], blk.block, name, "["+strings.Join(items, ", ")+"]", sh.Fields[roleOrigins])
			return splice(blk.file, at, at, line, nil)
		}
		if f.edit == nil {
			return fix.Change{}, nil, fix.ErrUnsupported
		}
		// A value the list already holds is not written again (header
		// names and methods compare without case, as S3, GCS and Azure
		// match them; origins exactly).
		have := f.texts()
		var items []string
		for _, v := range e.Values {
			dup := false
			for _, h := range have {
				dup = dup || h == v || role != roleOrigins && strings.EqualFold(h, v)
			}
			if !dup {
				items = append(items, quote(v))
				have = append(have, v)
			}
		}
		if len(items) > 0 && f.edit.Via != "" && f.edit.Attr != nil && sharedList(m, f) {
			// The list is a variable's or local's that another rule
			// reads too: adding there would allow the value in that
			// rule as well. The rule's own attribute takes it instead:
			// concat(local.x, [...]) (found as a new user would: an
			// API's fix to a local its bucket reads let the origin
			// upload to the bucket, and said nothing of it).
			rg := f.edit.Attr.Expr.Range()
			t, ok := texts[rg.Filename]
			if !ok || rg.End.Byte > len(t) {
				return fix.Change{}, nil, fix.ErrNotFound
			}
			return splice(rg.Filename, rg.Start.Byte, rg.End.Byte, "concat("+t[rg.Start.Byte:rg.End.Byte]+", ["+strings.Join(items, ", ")+"])", nil)
		}
		if f.edit.List == nil && f.edit.JSON != nil {
			t, ok := texts[f.edit.File]
			if !ok {
				return fix.Change{}, nil, fix.ErrNotFound
			}
			return fix.Change{File: f.edit.File, Text: appendJSONItems(t, f.edit.JSON, items)}, f.edit, nil
		}
		if f.edit.List == nil {
			return editParam(src, f.edit, items)
		}
		t, ok := texts[f.edit.File]
		if !ok {
			return fix.Change{}, nil, fix.ErrNotFound
		}
		if len(items) == 0 {
			return fix.Change{File: f.edit.File, Text: t}, f.edit, nil
		}
		return fix.Change{File: f.edit.File, Text: appendItems(t, f.edit.List, items)}, f.edit, nil
	case fix.Replace:
		role, ok := fixRoles[e.Field]
		if !ok || len(e.Values) != 1 {
			return fix.Change{}, nil, fix.ErrUnsupported
		}
		l := r.list(role)
		for _, v := range l.Values {
			if v.Text == e.Old && v.item != nil {
				rg := v.item.Range()
				return splice(rg.Filename, rg.Start.Byte, rg.End.Byte, quote(e.Values[0]), l.edit)
			}
		}
		return fix.Change{}, nil, fix.ErrNotFound
	case fix.Enable:
		if e.Field != fix.Credentials || r.creds == nil {
			return fix.Change{}, nil, fix.ErrUnsupported
		}
		c := r.creds
		if c.Attr != nil {
			rg := c.Attr.Expr.Range()
			return splice(c.File, rg.Start.Byte, rg.End.Byte, "true", nil)
		}
		at, line := insertAttr(texts[c.File], c.Block, c.Name, "true", sh.Fields[roleOrigins])
		return splice(c.File, at, at, line, nil)
	}
	return fix.Change{}, nil, fix.ErrUnsupported
}

// sharedList reports whether a rule's field other than f, of any
// resource of the module, takes its values from the list f would be
// edited in: the same literal, the same .tfvars array or the same -var.
func sharedList(m *module, f *field) bool {
	for _, s := range m.sites {
		for i := range s.Rules {
			for _, g := range s.Rules[i].Lists {
				if g == f || g == nil || g.edit == nil {
					continue
				}
				switch {
				case f.edit.List != nil && g.edit.List == f.edit.List,
					f.edit.JSON != nil && g.edit.JSON == f.edit.JSON,
					f.edit.List == nil && f.edit.JSON == nil && f.edit.Param != "" && g.edit.Param == f.edit.Param:
					return true
				}
			}
		}
	}
	return false
}

// editParam appends items to the list a -var value holds (an HCL list
// literal in src.Params), as appendItems does in a file; a list computed
// another way is fix.ErrUnsupported.
func editParam(src policy.Source, at *editSite, items []string) (fix.Change, *editSite, error) {
	raw, ok := src.Params[at.Param]
	if at.Param == "" || !ok {
		return fix.Change{}, nil, fix.ErrUnsupported
	}
	x, ds := hclsyntax.ParseExpression([]byte(raw), "-var "+at.Param, hcl.InitialPos)
	t, lit := x.(*hclsyntax.TupleConsExpr)
	if ds.HasErrors() || !lit {
		return fix.Change{}, nil, fix.ErrUnsupported
	}
	if len(items) == 0 {
		return fix.Change{Param: at.Param, Value: raw}, at, nil
	}
	return fix.Change{Param: at.Param, Value: appendItems(raw, t, items)}, at, nil
}

type blockIn struct {
	file  string
	block *hclsyntax.Block
}

// ruleBlock finds the HCL block of rule r.
func ruleBlock(r *rule, m *module) *blockIn {
	for _, f := range r.Lists {
		if f.edit != nil && f.edit.Block != nil {
			return &blockIn{f.edit.Block.TypeRange.Filename, f.edit.Block}
		}
	}
	if r.creds != nil {
		return &blockIn{r.creds.File, r.creds.Block}
	}
	return nil
}

// quote writes s as an HCL string literal; "${" and "%{" would start a
// template, so they are doubled.
func quote(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "${", "$${", "%{", "%%{").Replace(s)
	return `"` + s + `"`
}

// appendItems adds items after the last item of list t in text: on the
// same line in a one-line list; each on a line of its own, indented like
// the last item, in a list written over several lines, keeping a
// trailing comma where there is one.
func appendItems(text string, t *hclsyntax.TupleConsExpr, items []string) string {
	if len(t.Exprs) == 0 {
		at := t.OpenRange.End.Byte
		return text[:at] + strings.Join(items, ", ") + text[at:]
	}
	last := t.Exprs[len(t.Exprs)-1].Range().End.Byte
	if t.OpenRange.Start.Line == t.SrcRange.End.Line {
		return text[:last] + ", " + strings.Join(items, ", ") + text[last:]
	}
	ls := strings.LastIndexByte(text[:last], '\n') + 1
	indent := text[ls:]
	indent = indent[:len(indent)-len(strings.TrimLeft(indent, " \t"))]
	lines := strings.Join(items, ",\n"+indent)
	rest := text[last : t.SrcRange.End.Byte-1]
	if c := strings.IndexByte(rest, ','); c >= 0 && strings.TrimSpace(rest[:c]) == "" {
		at := last + c + 1
		return text[:at] + "\n" + indent + lines + "," + text[at:]
	}
	return text[:last] + ",\n" + indent + lines + text[last:]
}

// appendJSONItems adds items (quoted as JSON strings: quote writes a
// value a fix may add, which has no character JSON escapes, as one)
// after the last item of the JSON array arr in text: on the same line,
// or each on a line of its own indented like the last item when that
// is on another line than the "[".
func appendJSONItems(text string, arr hcl.Expression, items []string) string {
	if len(items) == 0 {
		return text
	}
	rg := arr.Range()
	els, _ := hcl.ExprList(arr)
	if len(els) == 0 {
		at := rg.Start.Byte + 1
		return text[:at] + strings.Join(items, ", ") + text[at:]
	}
	last := els[len(els)-1].Range()
	if last.Start.Line == rg.Start.Line {
		return text[:last.End.Byte] + ", " + strings.Join(items, ", ") + text[last.End.Byte:]
	}
	indent, _ := fix.LineIndent(text, last.Start.Byte)
	return text[:last.End.Byte] + ",\n" + indent + strings.Join(items, ",\n"+indent) + text[last.End.Byte:]
}

// insertAttr is where and what to insert in text for a new attribute
// name = val in block b: a line after the attribute named after (or
// after the block's first line), indented like the block's attributes
// and with its "=" aligned with after's when that is further right.
func insertAttr(text string, b *hclsyntax.Block, name, val, after string) (int, string) {
	indent := ""
	at := b.OpenBraceRange.End.Byte
	eqCol := 0
	var ref *hclsyntax.Attribute
	for _, a := range b.Body.Attributes {
		if ref == nil || a.Name == after || ref.Name != after && a.SrcRange.Start.Byte < ref.SrcRange.Start.Byte {
			ref = a
		}
	}
	if ref != nil {
		ls := strings.LastIndexByte(text[:ref.SrcRange.Start.Byte], '\n') + 1
		indent = text[ls:ref.SrcRange.Start.Byte]
		at = ref.SrcRange.End.Byte
		if nl := strings.IndexByte(text[at:], '\n'); nl >= 0 {
			at += nl
		} else {
			at = len(text)
		}
		eqCol = ref.EqualsRange.Start.Byte - ref.SrcRange.Start.Byte
	} else {
		if nl := strings.IndexByte(text[at:], '\n'); nl >= 0 {
			at += nl
		}
		ls := strings.LastIndexByte(text[:b.TypeRange.Start.Byte], '\n') + 1
		indent = text[ls:b.TypeRange.Start.Byte] + "  "
	}
	pad := " "
	if eqCol > len(name)+1 {
		pad = strings.Repeat(" ", eqCol-len(name))
	}
	return at, "\n" + indent + name + pad + "= " + val
}
