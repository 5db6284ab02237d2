package terraform

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/policy"
)

// mainFile names a single text, as a diff shows it.
const mainFile = "main.tf"

// variable is one declared input variable and the value it resolves to.
type variable struct {
	Name    string
	At      pos
	Complex bool // a list, set, map, object or tuple type: -var values are HCL
	// Prim is its primitive type constraint (string, number, bool),
	// cty.NilType for none or another: terraform converts every value
	// given to it ("5" from -var or a .tfvars to the number 5).
	Prim cty.Type
	Val  cty.Value
	// From says where the value comes from ("-var", a .tfvars file,
	// "default"); "" when it has none.
	From string
	// Expr is the literal the value is written as (a .tfvars assignment
	// or the default), nil for -var.
	Expr hcl.Expression
}

// resBlock is one resource block.
type resBlock struct {
	Type, Name string
	File       string
	Block      *hclsyntax.Block
}

func (r *resBlock) address() string { return r.Type + "." + r.Name }

// module is a Terraform module read from its files: what the resources
// with CORS configurations say once variables and locals are resolved.
type module struct {
	vars   map[string]*variable
	locals map[string]hcl.Expression
	// localWhy says why a local passed a bound of the evaluation.
	localWhy map[string]string
	// why are what stayed unknown that may explain a refusal: a bound
	// passed, a dynamic block's for_each not known. They come before
	// the module's faults (ReadModule).
	why       policy.Errors
	localVals map[string]cty.Value
	res       []*resBlock
	ctx       *hcl.EvalContext
	// iters are the names of dynamic blocks' iterators: an attribute
	// missing from one's value is a fault try() may catch, not a value
	// unknown here.
	iters map[string]bool
	errs  policy.Errors
	notes findings
	sites []*site
}

// readModule reads every file of src: .tf files (HCL), .tfvars and
// .tfvars.json files, and src.Params as -var values.
func readModule(src policy.Source) *module {
	m := &module{vars: map[string]*variable{}, locals: map[string]hcl.Expression{}, localWhy: map[string]string{}, localVals: map[string]cty.Value{}}
	files := src.Files
	if len(files) == 0 || src.Text != "" {
		files = append([]policy.File{{Name: mainFile, Text: src.Text}}, files...)
	}
	if len(files) > limits.PolicyFiles {
		m.errs = append(m.errs, &policy.Error{Msg: "a module of " + strconv.Itoa(len(files)) + " files; at most " + strconv.Itoa(limits.PolicyFiles) + " are read"})
		return m
	}
	var tfvars []policy.File
	for i, f := range files {
		name := f.Name
		if name == "" {
			name = "file" + strconv.Itoa(i+1) + ".tf"
		}
		if len(f.Text) > limits.PolicyText {
			m.errs = append(m.errs, &policy.Error{File: name, Line: 1, Column: 1, Msg: "the file is larger than " + strconv.Itoa(limits.PolicyText) + " bytes", Unreadable: true})
			continue
		}
		if strings.HasSuffix(name, ".tfvars") || strings.HasSuffix(name, ".tfvars.json") {
			tfvars = append(tfvars, policy.File{Name: name, Text: f.Text})
			continue
		}
		if strings.HasSuffix(name, ".json") {
			m.errs = append(m.errs, &policy.Error{File: name, Line: 1, Column: 1, Msg: "Terraform's JSON syntax (.tf.json) is not read; give the .tf files, or the plan with format terraform-plan", Unreadable: true})
			continue
		}
		file, diags := hclsyntax.ParseConfig([]byte(f.Text), name, hcl.InitialPos)
		m.diags(diags, true)
		if file == nil {
			continue
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		m.declare(name, body)
	}
	if len(m.errs) > 0 {
		return m
	}
	m.assign(tfvars, src.Params)
	if len(m.errs) > 0 {
		return m
	}
	m.buildContext()
	auths := m.routeAuths()
	for _, r := range m.res {
		if sh := shapes[r.Type]; sh != nil {
			if s := m.readSite(sh, r); s != nil {
				s.auth = auths[s.Address]
				if a := s.auth; a != nil && a.kind != "" && !a.optionsOpen {
					// The classic HTTP API trap, which explain finds at
					// the preflight (found as a new user would: lint
					// said nothing of it).
					m.note("error", apigw.CodeDefaultAuthorizer, apigw.DefaultAuthorizerMessage(s.Address,
						"add an aws_apigatewayv2_route with route_key = \"OPTIONS /{proxy+}\" and no authorization beside it"), a.at)
				}
				m.sites = append(m.sites, s)
			}
		}
	}
	m.dropUnusedNoValue()
	return m
}

// dropUnusedNoValue keeps terraform-variable-without-value only for the
// variables a resource with CORS (or its bucket) uses, directly or
// through locals: a module's other variables are no concern of its CORS
// (tried as a new user would: a network module's variable beside the
// CORS resource failed lint --fail-on warning).
func (m *module) dropUnusedNoValue() {
	used := map[string]bool{}
	seen := map[string]bool{}
	var visit func(e hcl.Expression, depth int)
	visit = func(e hcl.Expression, depth int) {
		for _, t := range e.Variables() {
			if len(t) < 2 {
				continue
			}
			a, ok := t[1].(hcl.TraverseAttr)
			if !ok {
				continue
			}
			switch t.RootName() {
			case "var":
				used[a.Name] = true
			case "local":
				if le, ok := m.locals[a.Name]; ok && !seen[a.Name] && depth < 16 {
					seen[a.Name] = true
					visit(le, depth+1)
				}
			}
		}
	}
	var body func(b *hclsyntax.Body)
	body = func(b *hclsyntax.Body) {
		for _, a := range b.Attributes {
			visit(a.Expr, 0)
		}
		for _, blk := range b.Blocks {
			body(blk.Body)
		}
	}
	for _, r := range m.res {
		if shapes[r.Type] != nil && r.Block != nil {
			body(r.Block.Body)
		}
	}
	unused := map[pos]bool{}
	for name, v := range m.vars {
		if !used[name] {
			unused[v.At] = true
		}
	}
	kept := m.notes.list[:0]
	for _, n := range m.notes.list {
		if n.Code == codeNoValue && unused[pos{File: n.Pos.File, Path: n.Pos.Path, Line: n.Pos.Line, Column: n.Pos.Column}] {
			continue
		}
		kept = append(kept, n)
	}
	m.notes.list = kept
}

// diags turns HCL's diagnostics into positioned faults; unreadable marks
// a text HCL cannot parse.
func (m *module) diags(ds hcl.Diagnostics, unreadable bool) {
	for _, d := range ds {
		if d.Severity != hcl.DiagError {
			continue
		}
		e := &policy.Error{Msg: d.Summary, Unreadable: unreadable}
		if d.Detail != "" {
			e.Msg += ": " + strings.TrimSuffix(d.Detail, ".")
		}
		if d.Subject != nil {
			e.File, e.Line, e.Column = d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column
		}
		m.errs = append(m.errs, e)
	}
}

// declare records the variables, locals and resources of one file.
func (m *module) declare(file string, body *hclsyntax.Body) {
	for _, b := range body.Blocks {
		switch b.Type {
		case "variable":
			if len(b.Labels) != 1 {
				continue
			}
			name := b.Labels[0]
			v := &variable{Name: name, At: posOf(b.TypeRange, "var."+name), Val: cty.DynamicVal}
			if t, ok := b.Body.Attributes["type"]; ok {
				v.Complex = complexType(t.Expr)
				switch hcl.ExprAsKeyword(t.Expr) {
				case "string":
					v.Prim = cty.String
				case "number":
					v.Prim = cty.Number
				case "bool":
					v.Prim = cty.Bool
				}
			}
			if d, ok := b.Body.Attributes["default"]; ok {
				val, ds := d.Expr.Value(nil)
				m.diags(ds, false)
				if !ds.HasErrors() {
					v.Val, v.From, v.Expr = val, "default", d.Expr
				}
			}
			if old, ok := m.vars[name]; ok {
				m.errs = append(m.errs, v.At.err("variable "+strconv.Quote(name)+" is declared twice (first at "+old.At.File+" line "+strconv.Itoa(old.At.Line)+")"))
			}
			m.vars[name] = v
		case "locals":
			for name, a := range b.Body.Attributes {
				m.locals[name] = a.Expr
			}
		case "module":
			if len(b.Labels) == 1 {
				m.notes.add("info", codeUnresolved, "module \""+b.Labels[0]+"\" is not read: resources it creates are not in the verdict (give its .tf files, or the plan, whose child modules are read)", posOf(b.TypeRange, "module."+b.Labels[0]))
			}
		case "resource":
			if len(b.Labels) == 2 {
				m.res = append(m.res, &resBlock{Type: b.Labels[0], Name: b.Labels[1], File: file, Block: b})
			}
		}
	}
}

// complexType reports a type constraint other than a primitive one
// (any included): Terraform reads a -var value for such a variable as
// HCL, and as a literal string for a primitive type or no type at all
// (Terraform docs, "Input Variables", -var; configs' decodeVariableType).
func complexType(e hcl.Expression) bool {
	switch k := hcl.ExprAsKeyword(e); k {
	case "any":
		// Not a primitive type: Terraform parses its -var as HCL.
		return true
	case "string", "number", "bool", "":
	default:
		return true
	}
	if c, ok := e.(*hclsyntax.FunctionCallExpr); ok {
		return c.Name != "optional"
	}
	return false
}

// assign gives variables their values in Terraform's order of
// precedence, later winning (Terraform docs, "Variable definition
// precedence"): the default, terraform.tfvars, terraform.tfvars.json,
// *.auto.tfvars(.json) in lexical order, then the other .tfvars given
// (as -var-file, in the order given), then -var (src.Params).
func (m *module) assign(tfvars []policy.File, params map[string]string) {
	rank := func(name string) int {
		base := name[strings.LastIndexByte(name, '/')+1:]
		switch {
		case base == "terraform.tfvars":
			return 0
		case base == "terraform.tfvars.json":
			return 1
		case strings.HasSuffix(base, ".auto.tfvars") || strings.HasSuffix(base, ".auto.tfvars.json"):
			return 2
		}
		return 3
	}
	sort.SliceStable(tfvars, func(i, j int) bool {
		ri, rj := rank(tfvars[i].Name), rank(tfvars[j].Name)
		if ri != rj {
			return ri < rj
		}
		return ri == 2 && tfvars[i].Name < tfvars[j].Name
	})
	for _, f := range tfvars {
		var file *hcl.File
		var ds hcl.Diagnostics
		if strings.HasSuffix(f.Name, ".json") {
			file, ds = hcljson.Parse([]byte(f.Text), f.Name)
		} else {
			file, ds = hclsyntax.ParseConfig([]byte(f.Text), f.Name, hcl.InitialPos)
		}
		m.diags(ds, true)
		if file == nil || ds.HasErrors() {
			continue
		}
		attrs, ds := file.Body.JustAttributes()
		m.diags(ds, true)
		names := make([]string, 0, len(attrs))
		for n := range attrs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			a := attrs[n]
			v, ok := m.vars[n]
			if !ok {
				// Terraform warns and goes on ("Value for undeclared variable").
				m.notes.add("warning", codeUnresolved, "a value for undeclared variable "+strconv.Quote(n)+" (Terraform ignores it with a warning)", posOf(a.NameRange, n))
				continue
			}
			val, ds := a.Expr.Value(nil)
			m.diags(ds, false)
			if !ds.HasErrors() {
				v.Val, v.From, v.Expr = val, f.Name, a.Expr
			}
		}
	}
	names := make([]string, 0, len(params))
	for n := range params {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v, ok := m.vars[n]
		if !ok {
			m.errs = append(m.errs, &policy.Error{Path: "params." + n, Msg: "no variable " + strconv.Quote(n) + " is declared (" + m.declared() + ")"})
			continue
		}
		raw := params[n]
		val := cty.StringVal(raw)
		if v.Complex {
			e, ds := hclsyntax.ParseExpression([]byte(raw), "-var "+n, hcl.InitialPos)
			if !ds.HasErrors() {
				val, ds = e.Value(nil)
			}
			for _, d := range ds {
				if d.Severity == hcl.DiagError {
					// A list or map variable's -var is an HCL
					// expression, as terraform parses it
					// (developer.hashicorp.com/terraform/language/values/variables,
					// "Variables on the Command Line").
					m.errs = append(m.errs, &policy.Error{Path: "params." + n, Msg: "the value of " + n + " is not an HCL value (" + d.Summary + "): variable " + strconv.Quote(n) + " is a list, set, map or object, so its value is written in HCL, as terraform's -var takes it: --param '" + n + "=[\"https://app.example.com\"]'"})
				}
			}
			if ds.HasErrors() {
				continue
			}
		}
		v.Val, v.From, v.Expr = val, "-var", nil
	}
	for _, v := range m.vars {
		// terraform converts each value to the variable's type
		// (developer.hashicorp.com/terraform/language/values/variables,
		// "Type Constraints": a -var value is a string, and "5" given
		// to a number variable is 5); a value it cannot convert is
		// terraform's "Invalid value for input variable".
		if v.Prim != cty.NilType && v.From != "" && v.Val.IsWhollyKnown() && !v.Val.IsNull() && !v.Val.Type().Equals(v.Prim) {
			if c, err := convert.Convert(v.Val, v.Prim); err == nil {
				v.Val = c
			} else {
				at := v.At
				if v.Expr != nil {
					at = posOf(v.Expr.Range(), "var."+v.Name)
				}
				e := at.err("the value of variable " + strconv.Quote(v.Name) + " (from " + v.From + ") is not a " + v.Prim.FriendlyName() + ": " + err.Error())
				if v.From == "-var" {
					e = &policy.Error{Path: "params." + v.Name, Msg: e.Msg}
				}
				m.errs = append(m.errs, e)
			}
		}
		if v.From == "" {
			m.notes.add("warning", codeNoValue, "variable "+strconv.Quote(v.Name)+" has no default and no value is given (no -var, .tfvars or default): terraform would ask for it; values that use it are unresolved", v.At)
		}
	}
}

func (m *module) declared() string {
	names := make([]string, 0, len(m.vars))
	for n := range m.vars {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "the module declares none"
	}
	return "declared: " + strings.Join(names, ", ")
}

// functions are the few of Terraform's functions evaluated here, from
// cty's standard library (Terraform's own are built on it); any other
// call leaves its value unresolved.
func functions() map[string]function.Function {
	fs := map[string]function.Function{
		"concat": stdlib.ConcatFunc, "distinct": stdlib.DistinctFunc, "flatten": stdlib.FlattenFunc,
		"lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc, "join": stdlib.JoinFunc, "split": stdlib.SplitFunc,
		"compact": stdlib.CompactFunc, "format": stdlib.FormatFunc, "trimspace": stdlib.TrimSpaceFunc,
		"tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)), "toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring": stdlib.MakeToFunc(cty.String), "tonumber": stdlib.MakeToFunc(cty.Number),
		// What modules write to pick a value or a default (found as a
		// new user would: lookup(local.origins, var.env, []) and the
		// terraform-aws-modules S3 module's try(jsondecode(...), ...)
		// were "not known here" though every value was in the text).
		"lookup": stdlib.LookupFunc, "merge": stdlib.MergeFunc, "coalesce": stdlib.CoalesceFunc, "coalescelist": stdlib.CoalesceListFunc,
		"try": tryfunc.TryFunc, "can": tryfunc.CanFunc, "jsondecode": stdlib.JSONDecodeFunc,
		"keys": stdlib.KeysFunc, "values": stdlib.ValuesFunc, "length": stdlib.LengthFunc, "contains": stdlib.ContainsFunc,
		"element": stdlib.ElementFunc, "trimprefix": stdlib.TrimPrefixFunc, "trimsuffix": stdlib.TrimSuffixFunc,
		"setunion": stdlib.SetUnionFunc, "sort": stdlib.SortFunc, "formatlist": stdlib.FormatListFunc,
		"tomap": stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
	}
	for name, f := range fs {
		if name != "try" && name != "can" { // they take expressions, each evaluated with these functions
			fs[name] = boundedFunc(name, f)
		}
	}
	return fs
}

// boundedFunc is f refusing what would make its result, or its work,
// larger than a CORS configuration needs: an argument of more than
// maxElements elements (flatten of a list of 10,000 references to a
// list of 10,000 took 555 s and 14 GB), a format width or precision of
// four digits or more (format("%1000000000s", "x") took 3.9 GB), a
// JSON text nested more than maxJSONDepth deep (cty's decoder recursed
// past Go's stack on 3,000,000 brackets), and a distinct over more than
// 1,000 elements (quadratic in cty). Each found by an adversarial
// review.
func boundedFunc(name string, f function.Function) function.Function {
	return function.New(&function.Spec{
		Params:   f.Params(),
		VarParam: f.VarParam(),
		Type:     f.ReturnTypeForValues,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			limit := maxElements
			if name == "distinct" || name == "setunion" || name == "toset" {
				limit = 1000
			}
			for _, a := range args {
				if !within(a, limit) {
					return cty.DynamicVal, fmt.Errorf("%s() of a value of more than %d elements is not evaluated here", name, limit)
				}
				if !a.IsKnown() || a.IsNull() || !a.Type().Equals(cty.String) {
					continue
				}
				switch text := a.AsString(); {
				case (name == "format" || name == "formatlist") && wideVerb.MatchString(text):
					return cty.DynamicVal, fmt.Errorf("%s() with a width or precision of four digits or more is not evaluated here", name)
				case name == "jsondecode" && jsonDepth(text) > maxJSONDepth:
					return cty.DynamicVal, fmt.Errorf("jsondecode() of a text nested more than %d deep is not evaluated here", maxJSONDepth)
				}
			}
			return f.Call(args)
		},
	})
}

// wideVerb is a format verb with a width or precision of four digits or
// more (Terraform's format: %[flags][width][.precision]verb).
var wideVerb = regexp.MustCompile(`%[-+ #0]*(\[[0-9]+\])?([0-9]{4,}|[0-9]*\.[0-9]{4,})`)

const maxJSONDepth = 64

// jsonDepth is how deep brackets nest in a JSON text, outside strings.
func jsonDepth(text string) int {
	depth, most, inString, escaped := 0, 0, false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			if depth++; depth > most {
				most = depth
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return most
}

// unknownFunc stands for a function not evaluated here.
var unknownFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true},
	Type:     function.StaticReturnType(cty.DynamicPseudoType),
	Impl:     func([]cty.Value, cty.Type) (cty.Value, error) { return cty.DynamicVal, nil },
})

// nameRefs are the attributes of a bucket or account resource another
// resource may refer to for its name.
var nameRefs = []string{"id", "bucket", "name"}

// buildContext makes the evaluation context: var, local, and the name
// of each bucket and storage account whose name is a literal.
func (m *module) buildContext() {
	vars := map[string]cty.Value{}
	for n, v := range m.vars {
		vars[n] = v.Val
	}
	m.ctx = &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(vars)}, Functions: functions()}
	// Locals may use one another: each is evaluated once, after the
	// locals it names; one in a cycle stays unknown. Evaluating all of
	// them until nothing changed took a chain of 300 locals past 120 s
	// (found by an adversarial review).
	state := map[string]int{} // 1: being evaluated, 2: done
	var visit func(n string)
	visit = func(n string) {
		if state[n] != 0 {
			return
		}
		state[n] = 1
		e := m.locals[n]
		for _, t := range e.Variables() {
			if t.RootName() != "local" || len(t) < 2 {
				continue
			}
			if a, ok := t[1].(hcl.TraverseAttr); ok {
				if _, ok := m.locals[a.Name]; ok {
					visit(a.Name)
				}
			}
		}
		m.ctx.Variables["local"] = cty.ObjectVal(m.localObject())
		v, us := m.evalQuiet(e)
		for _, u := range us {
			if u.Bound {
				m.localWhy[n] = u.What
			}
		}
		m.localVals[n] = v
		state[n] = 2
	}
	names := make([]string, 0, len(m.locals))
	for n := range m.locals {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		visit(n)
	}
	m.ctx.Variables["local"] = cty.ObjectVal(m.localObject())
	byType := map[string]map[string]cty.Value{}
	for _, r := range m.res {
		sh := shapes[r.Type]
		if sh == nil || sh.NameAttr == "" {
			continue
		}
		a, ok := r.Block.Body.Attributes[sh.NameAttr]
		if !ok {
			continue
		}
		v, _ := m.evalQuiet(a.Expr)
		if !v.IsWhollyKnown() || v.IsNull() || !v.Type().Equals(cty.String) {
			continue
		}
		attrs := map[string]cty.Value{}
		for _, k := range nameRefs {
			attrs[k] = v
		}
		if byType[r.Type] == nil {
			byType[r.Type] = map[string]cty.Value{}
		}
		byType[r.Type][r.Name] = cty.ObjectVal(attrs)
	}
	for t, objs := range byType {
		m.ctx.Variables[t] = cty.ObjectVal(objs)
	}
}

func (m *module) localObject() map[string]cty.Value {
	out := map[string]cty.Value{}
	for n := range m.locals {
		if v, ok := m.localVals[n]; ok {
			out[n] = v
		} else {
			out[n] = cty.DynamicVal
		}
	}
	return out
}

// unres is a reference whose value is not known here. Bound: the value
// passed a bound of the evaluation (maxForDepth, maxElements).
type unres struct {
	At    pos
	What  string
	Bound bool
}

// evalQuiet evaluates e with whatever is known: references and calls not
// known here make it (or part of it) unknown, each listed.
func (m *module) evalQuiet(e hcl.Expression) (cty.Value, []unres) {
	var us []unres
	ctx := m.ctx.NewChild()
	ctx.Variables = map[string]cty.Value{}
	ctx.Functions = map[string]function.Function{}
	for _, t := range e.Variables() {
		root := t.RootName()
		v, ds := t.TraverseAbs(m.ctx)
		if !ds.HasErrors() && v.IsWhollyKnown() {
			continue
		}
		if m.iters[root] && ds.HasErrors() {
			continue
		}
		what, bound := describe(t, m.vars), false
		if a, ok := t[min(1, len(t)-1)].(hcl.TraverseAttr); ok && root == "local" && m.localWhy[a.Name] != "" {
			what = traversalText(t) + ": " + m.localWhy[a.Name]
			bound = true
		}
		us = append(us, unres{At: posOf(t.SourceRange(), ""), What: what, Bound: bound})
		ctx.Variables[root] = cty.DynamicVal
	}
	if n, ok := e.(hclsyntax.Node); ok {
		funcs := m.ctx.Functions
		hclsyntax.VisitAll(n, func(n hclsyntax.Node) hcl.Diagnostics {
			if c, ok := n.(*hclsyntax.FunctionCallExpr); ok {
				if _, known := funcs[c.Name]; !known {
					us = append(us, unres{At: posOf(c.NameRange, ""), What: "the function " + c.Name + "() is not evaluated here"})
					ctx.Functions[c.Name] = unknownFunc
				}
			}
			return nil
		})
	}
	if n, ok := e.(hclsyntax.Node); ok && forRuns(n, ctx) > maxForRuns {
		us = append(us, unres{At: posOf(e.Range(), ""), What: "for expressions (or %{for} directives) that may run more than " + strconv.Itoa(maxForRuns) + " times are not evaluated here", Bound: true})
		return cty.DynamicVal, us
	}
	v, ds := e.Value(ctx)
	if ds.HasErrors() {
		return cty.DynamicVal, us
	}
	if !within(v, maxElements) {
		us = append(us, unres{At: posOf(e.Range(), ""), What: "a value of more than " + strconv.Itoa(maxElements) + " elements is not kept here", Bound: true})
		return cty.DynamicVal, us
	}
	return v, us
}

// The bounds of an evaluation: a 1 KB file's locals nesting three
// %{for} over a list of 100 built a million elements and took 52 s,
// two fors over a list of 3,000 took 19 s and 775 MB (found by an
// adversarial review). What a CORS configuration needs, a list of
// origins built by a for in a for, stays well inside them.
const (
	maxForRuns  = 1000000
	maxElements = 10000
)

// forRuns bounds how many times the bodies of n's for expressions run:
// each for runs as many times as its collection has elements, and as
// many times over as the fors around it. A collection that uses an
// iterator of a for around it, or holds a for itself, is not evaluated
// first and counts as maxElements, the largest value kept.
func forRuns(n hclsyntax.Node, ctx *hcl.EvalContext) float64 {
	w := &forWalker{ctx: ctx, mult: []float64{1}}
	hclsyntax.Walk(n, w)
	return w.runs
}

type forWalker struct {
	ctx   *hcl.EvalContext
	mult  []float64 // the runs of each for entered, the outermost first
	inner []float64 // the elements its collection holds at any depth
	iters []string  // their key and value variables
	runs  float64
}

func (w *forWalker) Enter(n hclsyntax.Node) hcl.Diagnostics {
	f, ok := n.(*hclsyntax.ForExpr)
	if !ok {
		return nil
	}
	k, inner := w.length(f.CollExpr)
	runs := w.mult[len(w.mult)-1] * k
	w.runs += runs
	w.mult = append(w.mult, runs)
	w.inner = append(w.inner, inner)
	w.iters = append(w.iters, f.KeyVar, f.ValVar)
	return nil
}

func (w *forWalker) Exit(n hclsyntax.Node) hcl.Diagnostics {
	if _, ok := n.(*hclsyntax.ForExpr); ok {
		w.mult = w.mult[:len(w.mult)-1]
		w.inner = w.inner[:len(w.inner)-1]
		w.iters = w.iters[:len(w.iters)-2]
	}
	return nil
}

// length is the number of elements of a for's collection and the
// number it holds at any depth, or maxElements when they cannot be
// told before the fors run. A collection built from the iterators of
// the fors around it alone (a site's origins, for each site) holds at
// most what the collection they come from holds at any depth: the
// functions evaluated here refuse arguments larger than maxElements
// (boundedFunc), so none multiplies it past that. Found by an
// adversarial review: counting every such collection at maxElements
// refused a three-level for over apps, environments and hosts.
func (w *forWalker) length(coll hclsyntax.Expression) (float64, float64) {
	fromIters, fromOthers := false, false
	for _, t := range coll.Variables() {
		if slices.Contains(w.iters, t.RootName()) {
			fromIters = true
		} else {
			fromOthers = true
		}
	}
	if fromIters && !fromOthers {
		b := w.inner[len(w.inner)-1]
		return b, b
	}
	holdsFor := false
	hclsyntax.VisitAll(coll, func(n hclsyntax.Node) hcl.Diagnostics {
		_, ok := n.(*hclsyntax.ForExpr)
		holdsFor = holdsFor || ok
		return nil
	})
	if fromIters || holdsFor {
		// An iterator beside other values (concat(local.x, [a])), or a
		// for inside: its length is not known before the fors run.
		return maxElements, maxElements
	}
	v, ds := coll.Value(w.ctx)
	if ds.HasErrors() || !v.IsKnown() || v.IsNull() || !v.CanIterateElements() {
		return 1, 1
	}
	return float64(v.LengthInt()), float64(elements(v, maxElements+1))
}

// within says whether v holds at most limit elements and characters in
// all (elements).
func within(v cty.Value, limit int) bool { return elements(v, limit+1) <= limit }

// elements counts v's elements and a string's characters by 64, each
// element where it appears, and stops counting past stop: a list of
// references to one large list is as large as it reads.
func elements(v cty.Value, stop int) int {
	n := 0
	var walk func(v cty.Value) bool
	walk = func(v cty.Value) bool {
		if !v.IsKnown() || v.IsNull() {
			return true
		}
		ty := v.Type()
		switch {
		case ty == cty.String:
			n += len(v.AsString()) / 64
		case ty.IsListType() || ty.IsSetType() || ty.IsTupleType() || ty.IsMapType() || ty.IsObjectType():
			for it := v.ElementIterator(); it.Next(); {
				n++
				if _, e := it.Element(); n >= stop || !walk(e) {
					return false
				}
			}
		}
		return n < stop
	}
	walk(v)
	return min(n, stop)
}

// eval is evalQuiet keeping its faults (a wrong type, a missing
// attribute of a known object).
func (m *module) eval(e hcl.Expression) (cty.Value, []unres) {
	v, us := m.evalQuiet(e)
	if v == cty.DynamicVal && len(us) == 0 {
		_, ds := e.Value(m.ctx)
		m.diags(ds, false)
	}
	return v, us
}

// describe says why traversal t has no value here.
func describe(t hcl.Traversal, vars map[string]*variable) string {
	s := traversalText(t)
	switch t.RootName() {
	case "var":
		if len(t) > 1 {
			if a, ok := t[1].(hcl.TraverseAttr); ok {
				if v, ok := vars[a.Name]; !ok {
					return s + " is not declared"
				} else if v.From == "" {
					return s + " has no value (no -var, .tfvars or default)"
				}
			}
		}
		return s + " is not known"
	case "local":
		return s + " is not known before apply"
	case "data":
		return s + " comes from a data source, read only when Terraform plans"
	case "module":
		return s + " is an output of another module"
	case "path", "terraform", "count", "each", "self":
		return s + " is not known here"
	}
	return s + " is known only after apply"
}

func traversalText(t hcl.Traversal) string {
	var b strings.Builder
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			if s.Key.Type() == cty.String {
				b.WriteString("[" + strconv.Quote(s.Key.AsString()) + "]")
			} else if s.Key.Type() == cty.Number {
				b.WriteString("[" + s.Key.AsBigFloat().Text('f', -1) + "]")
			} else {
				b.WriteString("[...]")
			}
		case hcl.TraverseSplat:
			b.WriteString("[*]")
		}
	}
	return b.String()
}

// asString converts a known value to a string as Terraform does.
func asString(v cty.Value) (string, bool) {
	if v.IsNull() || !v.IsKnown() {
		return "", false
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		return "", false
	}
	return s.AsString(), true
}
