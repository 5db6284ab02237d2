package terraform

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"

	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/policy"
)

// planFile names a plan's single text.
const planFile = "plan.json"

// planReader reads the JSON of `terraform show -json PLANFILE`
// (Terraform docs, "JSON Output Format": planned_values is a values
// representation, root_module with resources and child_modules, each
// resource with address, mode, type, name and values; an attribute not
// known until apply is left out of values).
type planReader struct {
	file  string
	errs  policy.Errors
	notes findings
	sites []*site
	// names are the literal names of buckets, by module and address,
	// for a CORS configuration whose bucket is known only by reference.
	names map[string]string
	// refs are, by address, the references of the bucket argument in
	// the plan's configuration section.
	refs map[string][]string
}

func (p *planReader) note(sev, code, msg string, at pos) { p.notes.add(sev, code, msg, at) }
func (p *planReader) fail(at pos, msg string)            { p.errs = append(p.errs, at.err(msg)) }
func (p *planReader) unknown(at pos, msg string)         { p.errs = append(p.errs, at.unknown(msg)) }

// ReadPlan reads a plan's JSON (src's main text) and chooses the
// answering resource as ReadModule does.
func ReadPlan(src policy.Source) (*Module, error) {
	p := &planReader{file: planFile, names: map[string]string{}, refs: map[string][]string{}}
	if src.Text == "" && len(src.Files) > 0 && src.Files[0].Name != "" {
		p.file = src.Files[0].Name
	}
	text := src.Main()
	if len(text) > limits.PolicyText {
		return nil, policy.Errors{{File: p.file, Line: 1, Column: 1, Msg: "the plan is larger than " + strconv.Itoa(limits.PolicyText) + " bytes", Unreadable: true}}
	}
	root, ds := hcljson.ParseExpression([]byte(text), p.file)
	if ds.HasErrors() {
		for _, d := range ds {
			e := &policy.Error{File: p.file, Msg: d.Summary, Unreadable: true}
			if d.Detail != "" {
				e.Msg += ": " + strings.TrimSuffix(d.Detail, ".")
			}
			if d.Subject != nil {
				e.Line, e.Column = d.Subject.Start.Line, d.Subject.Start.Column
			}
			p.errs = append(p.errs, e)
		}
		return nil, p.errs
	}
	top := p.object(root, "$")
	if top == nil {
		return nil, p.errs
	}
	if v, ok := top["format_version"]; ok {
		s, _ := v.Value(nil)
		if s.Type() != cty.String || !strings.HasPrefix(s.AsString(), "1.") {
			p.fail(p.at(v, "$.format_version"), "format_version must be 1.x (the JSON output format's major version 1)")
		}
	} else {
		p.fail(p.at(root, "$"), "no format_version: not the JSON of terraform show -json")
	}
	pv, ok := top["planned_values"]
	if !ok {
		p.fail(p.at(root, "$"), "no planned_values: give the JSON of terraform show -json of a plan file")
		return nil, p.errs
	}
	p.configRefs(top["configuration"])
	if pvo := p.object(pv, "$.planned_values"); pvo != nil {
		if rm, ok := pvo["root_module"]; ok {
			p.module(rm, "$.planned_values.root_module")
		}
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	for _, s := range p.sites {
		if s.Name == "" && s.Shape.BucketRef != "" {
			for _, ref := range p.refs[s.Address] {
				if n := p.names[strings.TrimSuffix(strings.TrimSuffix(ref, ".id"), ".bucket")]; n != "" {
					s.Name = n
					break
				}
			}
		}
	}
	return assemble(p.sites, p.notes.list, nil, src.Resource, pos{File: p.file, Line: 1, Column: 1})
}

func (p *planReader) at(e hcl.Expression, path string) pos {
	return posOf(e.Range(), path)
}

// object is the members of a JSON object, nil (with a fault) otherwise.
func (p *planReader) object(e hcl.Expression, path string) map[string]hcl.Expression {
	v, _ := e.Value(nil)
	if !v.Type().IsObjectType() {
		p.fail(p.at(e, path), "want an object, got "+v.Type().FriendlyName())
		return nil
	}
	kvs, _ := hcl.ExprMap(e)
	out := make(map[string]hcl.Expression, len(kvs))
	for _, kv := range kvs {
		k, _ := kv.Key.Value(nil)
		out[k.AsString()] = kv.Value
	}
	return out
}

// items is a JSON array's items, nil for null or absent, a fault otherwise.
func (p *planReader) items(e hcl.Expression, path string) []hcl.Expression {
	if e == nil {
		return nil
	}
	v, _ := e.Value(nil)
	if v.IsNull() {
		return nil
	}
	if !v.Type().IsTupleType() {
		p.fail(p.at(e, path), "want a list, got "+v.Type().FriendlyName())
		return nil
	}
	l, _ := hcl.ExprList(e)
	return l
}

// module reads one module of planned_values and its child modules.
func (p *planReader) module(e hcl.Expression, path string) {
	mo := p.object(e, path)
	if mo == nil {
		return
	}
	for i, re := range p.items(mo["resources"], path+".resources") {
		rp := path + ".resources[" + strconv.Itoa(i) + "]"
		ro := p.object(re, rp)
		if ro == nil {
			continue
		}
		str := func(k string) string {
			if x, ok := ro[k]; ok {
				if v, _ := x.Value(nil); v.Type() == cty.String {
					return v.AsString()
				}
			}
			return ""
		}
		if str("mode") == "data" {
			continue
		}
		typ, addr := str("type"), str("address")
		sh := shapes[typ]
		if sh == nil {
			continue
		}
		if addr == "" {
			p.fail(p.at(re, rp), "a resource without an address")
			continue
		}
		ve, ok := ro["values"]
		if !ok {
			continue
		}
		vals := p.object(ve, rp+".values")
		if vals == nil {
			continue
		}
		top := &jsonObj{p: p, r: re.Range(), attrs: vals, path: addr}
		if sh.NameAttr != "" {
			if v, _, known, ok := top.scalar(sh.NameAttr); ok && known {
				if n, ok := asString(v); ok {
					p.names[strings.Split(addr, "[")[0]] = n
				}
			}
		}
		rules := readRules(sh, top, p)
		if len(rules) == 0 && sh.Type != "aws_s3_bucket_cors_configuration" {
			continue
		}
		s := &site{Address: addr, Shape: sh, At: posOf(re.Range(), addr), Rules: rules}
		attr := sh.NameAttr
		if attr == "" {
			attr = sh.BucketRef
		}
		if attr != "" {
			if v, _, known, ok := top.scalar(attr); ok && known {
				s.Name, _ = asString(v)
			}
		}
		p.sites = append(p.sites, s)
	}
	for i, ce := range p.items(mo["child_modules"], path+".child_modules") {
		p.module(ce, path+".child_modules["+strconv.Itoa(i)+"]")
	}
}

// configRefs records the references of each root resource's bucket
// argument in the plan's configuration section (expressions.bucket.
// references), which ties a CORS configuration to its bucket when the
// bucket's id is known only after apply.
func (p *planReader) configRefs(e hcl.Expression) {
	if e == nil {
		return
	}
	// The configuration's shape is not checked: faults there are ignored.
	q := &planReader{file: p.file}
	get := func(m map[string]hcl.Expression, k string) map[string]hcl.Expression {
		if m == nil || m[k] == nil {
			return nil
		}
		return q.object(m[k], k)
	}
	rm := get(get(map[string]hcl.Expression{"c": e}, "c"), "root_module")
	for _, re := range q.items(rm["resources"], "resources") {
		ro := q.object(re, "r")
		addr := ""
		if a, ok := ro["address"]; ok {
			if v, _ := a.Value(nil); v.Type() == cty.String {
				addr = v.AsString()
			}
		}
		b := get(get(ro, "expressions"), "bucket")
		for _, r := range q.items(b["references"], "references") {
			if v, _ := r.Value(nil); v.Type() == cty.String && addr != "" {
				p.refs[addr] = append(p.refs[addr], v.AsString())
			}
		}
	}
}

// jsonObj is an object of a plan's resource values: a nested block is a
// list of such objects.
type jsonObj struct {
	p     *planReader
	r     hcl.Range
	attrs map[string]hcl.Expression
	path  string
}

func (j *jsonObj) at() pos { return posOf(j.r, j.path) }

func (j *jsonObj) blocks(name string) []obj {
	var out []obj
	for i, e := range j.p.items(j.attrs[name], j.path+"."+name) {
		ip := j.path + "." + name + "[" + strconv.Itoa(i) + "]"
		if o := j.p.object(e, ip); o != nil {
			out = append(out, &jsonObj{p: j.p, r: e.Range(), attrs: o, path: ip})
		}
	}
	return out
}

func (j *jsonObj) list(name string) *field {
	e, ok := j.attrs[name]
	if !ok {
		return nil
	}
	if v, _ := e.Value(nil); v.IsNull() {
		return nil
	}
	p := j.path + "." + name
	f := &field{Set: true, At: posOf(e.Range(), p)}
	for i, it := range j.p.items(e, p) {
		ip := p + "[" + strconv.Itoa(i) + "]"
		v, _ := it.Value(nil)
		s, ok := asString(v)
		if !ok || v.Type() != cty.String {
			j.p.fail(posOf(it.Range(), ip), "want a string, got "+v.Type().FriendlyName())
			continue
		}
		f.Values = append(f.Values, value{Text: s, At: posOf(it.Range(), ip)})
	}
	return f
}

func (j *jsonObj) scalar(name string) (cty.Value, pos, bool, bool) {
	e, ok := j.attrs[name]
	if !ok {
		return cty.NilVal, j.at(), false, false
	}
	v, _ := e.Value(nil)
	if v.IsNull() {
		return cty.NilVal, j.at(), false, false
	}
	return v, posOf(e.Range(), j.path+"."+name), true, true
}
