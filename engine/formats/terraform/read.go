package terraform

import (
	"maps"
	"math/big"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// obj is a block of a resource as either reader sees it: an HCL block
// (hclObj) or an object of a plan's resource values (jsonObj).
type obj interface {
	at() pos
	blocks(name string) []obj
	// list is the list attribute name, nil when absent.
	list(name string) *field
	// scalar is a single-valued attribute; ok is false when absent,
	// known false when it is written but not known.
	scalar(name string) (v cty.Value, at pos, known, ok bool)
}

// findingsOf is where a reader's notes go.
type noter interface {
	note(sev, code, msg string, at pos)
	fail(at pos, msg string)
	// unknown is fail for a value not given here, which lint reports as
	// terraform-unresolved rather than as a refusal (policy.Error.LintCode).
	unknown(at pos, msg string)
}

// readRules reads the rule blocks of one resource body as sh lays them out.
func readRules(sh *shape, top obj, n noter) []rule {
	objs := []obj{top}
	for _, bt := range sh.Blocks {
		var next []obj
		for _, o := range objs {
			next = append(next, o.blocks(bt)...)
		}
		objs = next
	}
	var out []rule
	for _, o := range objs {
		r := rule{At: o.at(), Lists: map[string]*field{}}
		for _, role := range []string{roleOrigins, roleMethods, roleHeaders, roleExpose} {
			name, ok := sh.Fields[role]
			if !ok {
				continue
			}
			f := fieldOf(o, name)
			if f == nil {
				if contains(sh.Required, role) {
					n.fail(r.At, "the "+name+" argument is required in "+strings.Join(sh.Blocks, ".")+" ("+sh.Doc+")")
				}
				continue
			}
			if f.Unknown {
				if contains(sh.Required, role) || role == roleOrigins || role == roleMethods {
					n.unknown(f.At, name+" is not known here, so no verdict can be given: give its value (with --param for a variable, or a .tfvars file)")
				} else {
					n.note("warning", codeUnresolved, name+" is not known here: the verdict assumes it is empty", f.At)
				}
			}
			r.Lists[role] = f
		}
		if name, ok := sh.Fields[roleMaxAge]; ok {
			if v, at, known, ok := scalarOf(o, name); ok && known && !v.IsNull() {
				if v.Type() != cty.Number {
					n.fail(at, name+" must be a whole number of seconds")
				} else if bf := v.AsBigFloat(); !bf.IsInt() || bf.Cmp(big.NewFloat(1<<31-1)) > 0 || bf.Cmp(big.NewFloat(-1<<31)) < 0 {
					n.fail(at, name+" must be a whole number of seconds")
				} else {
					i, _ := bf.Int64()
					age := int(i)
					r.MaxAge, r.MaxAgeAt = &age, at
				}
			} else if ok && !known {
				n.note("warning", codeUnresolved, name+" is not known here: the verdict assumes it is not set", at)
			} else if contains(sh.Required, roleMaxAge) && !ok {
				n.fail(r.At, "the "+name+" argument is required ("+sh.Doc+")")
			}
		}
		if name, ok := sh.Fields[roleID]; ok {
			if v, _, known, ok := scalarOf(o, name); ok && known {
				r.ID, _ = asString(v)
			}
		}
		for _, role := range []string{roleCreds, roleOverride} {
			name, ok := sh.Fields[role]
			if !ok {
				continue
			}
			v, at, known, ok := scalarOf(o, name)
			b := false
			switch {
			case ok && known && !v.IsNull():
				if v.Type() != cty.Bool {
					n.fail(at, name+" must be true or false")
					continue
				}
				b = v.True()
			case ok && !known:
				n.note("warning", codeUnresolved, name+" is not known here: the verdict assumes false", at)
			case !ok && sh.Platform == platCloudFront:
				n.fail(r.At, "the "+name+" argument is required ("+sh.Doc+")")
			}
			if role == roleCreds {
				r.Creds, r.CredsSet, r.CredsAt = b, ok, at
				if !ok {
					r.CredsAt = r.At
				}
				if h, isHCL := o.(*hclObj); isHCL {
					r.creds = h.editOf(name)
				}
			} else {
				r.Override = b
			}
		}
		out = append(out, r)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fieldOf is the list attribute name of o, through a nested block for
// a dotted name.
func fieldOf(o obj, name string) *field {
	if i := strings.IndexByte(name, '.'); i > 0 {
		sub := o.blocks(name[:i])
		if len(sub) == 0 {
			return nil
		}
		return sub[0].list(name[i+1:])
	}
	return o.list(name)
}

func scalarOf(o obj, name string) (cty.Value, pos, bool, bool) {
	if i := strings.IndexByte(name, '.'); i > 0 {
		sub := o.blocks(name[:i])
		if len(sub) == 0 {
			return cty.NilVal, o.at(), false, false
		}
		return sub[0].scalar(name[i+1:])
	}
	return o.scalar(name)
}

// hclObj is a block of a .tf file.
type hclObj struct {
	m     *module
	block *hclsyntax.Block
	file  string
	path  string
	// ctx is the context of a block a dynamic block made (its iterator
	// beside the module's values); nil for a block as written.
	ctx *hcl.EvalContext
}

// in has the module evaluate in h's context until the returned func
// runs.
func (h *hclObj) in() func() {
	if h.ctx == nil {
		return func() {}
	}
	old := h.m.ctx
	h.m.ctx = h.ctx
	return func() { h.m.ctx = old }
}

func (h *hclObj) at() pos { return posOf(h.block.TypeRange, h.path) }

func (h *hclObj) blocks(name string) []obj {
	var out []obj
	for _, b := range h.block.Body.Blocks {
		switch {
		case b.Type == name:
			out = append(out, &hclObj{m: h.m, block: b, file: h.file, path: h.path + "." + name + "[" + strconv.Itoa(len(out)) + "]", ctx: h.ctx})
		case b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == name:
			for _, d := range h.dynamic(b, name) {
				d.path = h.path + "." + name + "[" + strconv.Itoa(len(out)) + "]"
				out = append(out, d)
			}
		}
	}
	return out
}

// dynamic expands a dynamic block as Terraform does (the dynblock
// extension of hcl/v2; developer.hashicorp.com/terraform/language/
// expressions/dynamic-blocks): one block of its content for each
// element of for_each, in order, with the iterator (the block's label,
// or its iterator argument) holding the element's key and value. A
// for_each not known here adds none, and says so. Found as a new user
// would: a bucket whose cors_rule blocks were all dynamic, as the
// terraform-aws-modules S3 module writes them, was "no CORSRule".
func (h *hclObj) dynamic(b *hclsyntax.Block, name string) []*hclObj {
	const maxDynamic = 1000
	at := posOf(b.TypeRange, h.path+".dynamic."+name)
	var content *hclsyntax.Block
	for _, c := range b.Body.Blocks {
		if c.Type == "content" {
			content = c
		}
	}
	fe, ok := b.Body.Attributes["for_each"]
	if !ok || content == nil {
		h.m.note("warning", codeUnresolved, "dynamic \""+name+"\" has no for_each or no content block: the verdict assumes it adds no "+name+" block", at)
		return nil
	}
	iter := name
	if a, ok := b.Body.Attributes["iterator"]; ok {
		if t, ds := hcl.AbsTraversalForExpr(a.Expr); !ds.HasErrors() && len(t) == 1 {
			iter = t.RootName()
		}
	}
	restore := h.in()
	v, us := h.m.eval(fe.Expr)
	base := h.m.ctx
	restore()
	if !v.IsWhollyKnown() || v.IsNull() || !v.CanIterateElements() {
		h.m.noteUnres(us, "")
		msg := "dynamic \"" + name + "\"'s for_each is not known here: the verdict assumes it adds no " + name + " block"
		h.m.note("warning", codeUnresolved, msg, at)
		h.m.why = append(h.m.why, at.unknown(msg))
		return nil
	}
	if n := v.LengthInt(); n > maxDynamic {
		// Each element is a block with a context of its own: a
		// for_each of a million, built by a 1 KB file's template,
		// took more than 4 GB (found by an adversarial review).
		h.m.fail(at, "dynamic \""+name+"\"'s for_each has "+strconv.Itoa(n)+" elements; whycors expands at most "+strconv.Itoa(maxDynamic)+" (S3 takes at most 100 CORS rules)")
		return nil
	}
	var out []*hclObj
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		// A whole context, not a child: the module's reading looks its
		// functions up in the context itself.
		ctx := &hcl.EvalContext{Variables: maps.Clone(base.Variables), Functions: base.Functions}
		if ctx.Variables == nil {
			ctx.Variables = map[string]cty.Value{}
		}
		ctx.Variables[iter] = cty.ObjectVal(map[string]cty.Value{"key": k, "value": e})
		if h.m.iters == nil {
			h.m.iters = map[string]bool{}
		}
		h.m.iters[iter] = true
		out = append(out, &hclObj{m: h.m, block: content, file: h.file, ctx: ctx})
	}
	return out
}

func (h *hclObj) editOf(name string) *editSite {
	if h.ctx != nil {
		// A dynamic block's content stands for every block it makes:
		// an edit there changes them all, where a fix is of one rule
		// (found by an adversarial review: a GET rule's fix let a new
		// origin DELETE too). No edit is offered; the fix is the
		// reply's lines.
		return nil
	}
	e := &editSite{File: h.file, Block: h.block, Name: name}
	if a, ok := h.block.Body.Attributes[name]; ok {
		e.Attr = a
	}
	return e
}

func (h *hclObj) scalar(name string) (cty.Value, pos, bool, bool) {
	a, ok := h.block.Body.Attributes[name]
	if !ok {
		return cty.NilVal, h.at(), false, false
	}
	at := posOf(a.Expr.Range(), h.path+"."+name)
	defer h.in()()
	v, us := h.m.eval(a.Expr)
	h.m.noteUnres(us, "")
	return v, at, v.IsWhollyKnown(), true
}

func (h *hclObj) list(name string) *field {
	a, ok := h.block.Body.Attributes[name]
	if !ok {
		return nil
	}
	p := h.path + "." + name
	f := &field{Set: true, At: posOf(a.Expr.Range(), p), edit: h.editOf(name)}
	defer h.in()()
	h.m.listValues(a.Expr, p, f, 0)
	return f
}

// listValues resolves a list expression into f, each item at the place
// it is written: an item of a literal list at its own position, the
// items of a variable or local whose value is a literal list where that
// list is written (a .tfvars file, the default), anything else at the
// expression. depth bounds the following of locals.
func (m *module) listValues(e hcl.Expression, path string, f *field, depth int) {
	if t, ok := e.(*hclsyntax.TupleConsExpr); ok {
		if f.edit != nil {
			f.edit.List = t
			f.edit.File = t.SrcRange.Filename
		}
		for i, el := range t.Exprs {
			ip := path + "[" + strconv.Itoa(i) + "]"
			v, us := m.eval(el)
			at := posOf(el.Range(), ip)
			if !v.IsWhollyKnown() {
				m.noteUnres(us, "the verdict assumes the list does not hold it")
				if len(us) == 0 {
					m.note("warning", codeUnresolved, ip+" is not known here: the verdict assumes the list does not hold it", at)
				}
				continue
			}
			n := len(f.Values)
			m.addItems(v, at, f)
			if len(f.Values) == n+1 && v.Type() == cty.String {
				f.Values[n].item = el
			}
		}
		return
	}
	if fc, ok := e.(*hclsyntax.FunctionCallExpr); ok && fc.Name == "concat" && !fc.ExpandFinal && depth < 8 && f.edit != nil {
		// concat(a, b, ...) is its lists' items in order (Terraform's
		// concat function): each list's items are placed as that list
		// places them, so a misspelt origin is replaced where it is
		// written, and a value to add goes into the last list written
		// as a literal (none: the list is not edited).
		orig := *f.edit
		var last *editSite
		for _, arg := range fc.Args {
			*f.edit = orig
			if v, us := m.eval(arg); !v.IsWhollyKnown() {
				// As an item of a literal list that is not known: the
				// other lists' items still answer.
				m.noteUnres(us, "the verdict assumes the list does not hold its items")
				if len(us) == 0 {
					m.note("warning", codeUnresolved, path+" is built from a list not known here: the verdict assumes the list does not hold its items", posOf(arg.Range(), path))
				}
				continue
			}
			m.listValues(arg, path, f, depth+1)
			if _, lit := arg.(*hclsyntax.TupleConsExpr); lit {
				at := *f.edit
				last = &at
			}
		}
		*f.edit = orig
		if last != nil {
			*f.edit = *last
		}
		return
	}
	if st, ok := e.(*hclsyntax.ScopeTraversalExpr); ok && depth < 8 && len(st.Traversal) == 2 {
		if a, ok := st.Traversal[1].(hcl.TraverseAttr); ok {
			switch st.Traversal.RootName() {
			case "var":
				if v := m.vars[a.Name]; v != nil && f.edit != nil {
					f.edit.Via, f.edit.From = "var."+a.Name, v.From
					if v.From == "-var" {
						f.edit.Param = a.Name
					}
				}
				if v := m.vars[a.Name]; v != nil && v.Expr != nil {
					if _, lit := v.Expr.(*hclsyntax.TupleConsExpr); lit {
						m.listValues(v.Expr, "var."+a.Name, f, depth+1)
						return
					}
					if m.jsonList(v, f) {
						return
					}
				}
			case "local":
				if le, ok := m.locals[a.Name]; ok {
					if f.edit != nil {
						f.edit.Via, f.edit.From = "local."+a.Name, ""
					}
					m.listValues(le, "local."+a.Name, f, depth+1)
					return
				}
			}
		}
	}
	v, us := m.eval(e)
	if !v.IsWhollyKnown() {
		m.noteUnres(us, "")
		f.Unknown = true
		return
	}
	m.addItems(v, posOf(e.Range(), path), f)
}

// jsonList places the items of a variable whose value is a JSON array
// of strings (a .tfvars.json assignment) at each item; false when the
// value is not one.
func (m *module) jsonList(v *variable, f *field) bool {
	if !strings.HasSuffix(v.From, ".json") {
		return false
	}
	items, ds := hcl.ExprList(v.Expr)
	if ds.HasErrors() {
		return false
	}
	for _, it := range items {
		if x, ds := it.Value(nil); ds.HasErrors() || x.IsNull() || x.Type() != cty.String {
			return false
		}
	}
	if f.edit != nil {
		f.edit.JSON, f.edit.File = v.Expr, v.Expr.Range().Filename
	}
	for i, it := range items {
		x, _ := it.Value(nil)
		f.Values = append(f.Values, value{Text: x.AsString(), At: posOf(it.Range(), "var."+v.Name+"["+strconv.Itoa(i)+"]")})
	}
	return true
}

// addItems adds v (a string, or a list, set or tuple of them) to f at at.
func (m *module) addItems(v cty.Value, at pos, f *field) {
	if v.IsNull() {
		return
	}
	t := v.Type()
	if t.IsListType() || t.IsSetType() || t.IsTupleType() {
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, ev := it.Element()
			m.addItems(ev, at, f)
		}
		return
	}
	s, ok := asString(v)
	if !ok {
		m.fail(at, "want a string, got "+t.FriendlyName())
		return
	}
	f.Values = append(f.Values, value{Text: s, At: at})
}

func (m *module) note(sev, code, msg string, at pos) { m.notes.add(sev, code, msg, at) }
func (m *module) fail(at pos, msg string)            { m.errs = append(m.errs, at.err(msg)) }
func (m *module) unknown(at pos, msg string)         { m.errs = append(m.errs, at.unknown(msg)) }

// noteUnres notes each unresolved reference with what the verdict
// assumes of it.
func (m *module) noteUnres(us []unres, assumes string) {
	for _, u := range us {
		msg := u.What
		if assumes != "" {
			msg += ": " + assumes
		}
		m.note("warning", codeUnresolved, msg, u.At)
		if u.Bound {
			m.why = append(m.why, u.At.unknown(msg))
		}
	}
}

// readSite reads one resource of a CORS-bearing type; nil when it has no
// CORS configuration (a bucket without cors_rule).
func (m *module) readSite(sh *shape, r *resBlock) *site {
	addr := r.address()
	top := &hclObj{m: m, block: r.Block, file: r.File, path: addr}
	for _, k := range []string{"count", "for_each"} {
		if a, ok := r.Block.Body.Attributes[k]; ok {
			m.note("info", codeRepeated, addr+" has "+k+": the verdict reads its configuration once, as every instance has it", posOf(a.NameRange, addr+"."+k))
		}
	}
	rules := readRules(sh, top, m)
	if len(rules) == 0 && sh.Type != "aws_s3_bucket_cors_configuration" {
		return nil
	}
	s := &site{Address: addr, Shape: sh, At: top.at(), Rules: rules}
	attr := sh.NameAttr
	if attr == "" {
		attr = sh.BucketRef
	}
	if a, ok := r.Block.Body.Attributes[attr]; attr != "" && ok {
		if v, _ := m.evalQuiet(a.Expr); v.IsWhollyKnown() {
			s.Name, _ = asString(v)
		}
	}
	return s
}
