package cloudformation

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/portable"
)

// The intrinsic functions are read as CloudFormation evaluates them
// (AWS CloudFormation User Guide, "Intrinsic function reference":
// intrinsic-function-reference-ref.html, -sub.html, -join.html,
// -select.html, -split.html, -findinmap.html, -conditions.html), from
// the values the user gives (--param Name=value, policy.params), else a
// parameter's Default. What the template alone cannot tell (a resource's
// physical ID, !GetAtt, a pseudo parameter nobody gave) is unresolved:
// the value is kept as a placeholder that matches no request, and a
// finding at its position says what the verdict assumed.

// codeUnresolved is the finding of a value the template leaves unresolved.
const codeUnresolved = "cfn-unresolved"

// unresolvedPrefix starts a placeholder: "<" is in no origin, method or
// header name, so it matches nothing a browser sends
// (portable.UnresolvedPrefix, which lint knows).
const unresolvedPrefix = portable.UnresolvedPrefix

// resolver evaluates intrinsic functions against a template's
// parameters, mappings and conditions.
type resolver struct {
	d        *doc
	params   *node             // the Parameters section
	mappings *node             // the Mappings section
	conds    *node             // the Conditions section
	given    map[string]string // --param values
	notes    []portable.Finding
	seen     map[*node]bool // nodes already noted
	condBusy map[string]bool
	steps    int // evaluation steps taken (maxSteps)
}

// maxSteps bounds the work of evaluating one template's functions:
// conditions and aliases can make a small text a large tree to evaluate.
const maxSteps = 200000

// intrinsic reports whether n is an intrinsic function call: a YAML
// short tag (!Ref x) or a one-key mapping Ref / Fn::Name / Condition.
func intrinsic(n *node) (name string, arg *node, ok bool) {
	if n == nil {
		return "", nil, false
	}
	if n.tag != "" {
		a := *n
		a.tag = ""
		name = strings.TrimPrefix(n.tag, "!")
		return name, &a, true
	}
	if n.kind == mapK && len(n.keys) == 1 {
		k := n.keys[0].str
		if k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return strings.TrimPrefix(k, "Fn::"), n.vals[0], true
		}
	}
	return "", nil, false
}

// noValue reports AWS::NoValue: the property is absent.
func noValue(n *node) bool {
	name, arg, ok := intrinsic(n)
	return ok && name == "Ref" && arg.kind == scalarK && arg.str == "AWS::NoValue"
}

// unresolved notes n as unresolved and returns its placeholder.
func (r *resolver) unresolved(n *node, what, why string) string {
	if r.seen == nil {
		r.seen = map[*node]bool{}
	}
	if !r.seen[n] {
		r.seen[n] = true
		r.notes = append(r.notes, portable.Finding{Severity: "warning", Code: codeUnresolved,
			Message: what + " " + why + ": the verdict assumes it matches nothing; give its value with --param (policy.params)",
			Pos:     portable.Pos{Path: n.path, Line: n.line, Column: n.col}})
	}
	return unresolvedPrefix + what + ">"
}

// str is n's value as a string, resolved. ok is false for AWS::NoValue
// and for a value that is not a string (a list, a mapping).
func (r *resolver) str(n *node) (string, bool) {
	return r.strDepth(n, 0)
}

func (r *resolver) strDepth(n *node, depth int) (string, bool) {
	r.steps++
	if n == nil || depth > 32 || r.steps > maxSteps {
		return "", false
	}
	name, arg, ok := intrinsic(n)
	if !ok {
		if n.kind != scalarK {
			return "", false
		}
		return n.str, true
	}
	switch name {
	case "Ref":
		return r.ref(n, arg)
	case "Sub":
		return r.sub(n, arg, depth)
	case "Join":
		if arg.kind == seqK && len(arg.items) == 2 {
			sep, ok1 := r.strDepth(arg.items[0], depth+1)
			parts, ok2 := r.listDepth(arg.items[1], depth+1)
			if ok1 && ok2 {
				ss := make([]string, len(parts))
				for i, p := range parts {
					ss[i] = p.s
				}
				return strings.Join(ss, sep), true
			}
		}
	case "Select":
		if arg.kind == seqK && len(arg.items) == 2 {
			is, ok1 := r.strDepth(arg.items[0], depth+1)
			list, ok2 := r.listDepth(arg.items[1], depth+1)
			i, err := strconv.Atoi(is)
			if ok1 && ok2 && err == nil && i >= 0 && i < len(list) {
				return list[i].s, true
			}
		}
	case "If":
		if arg.kind == seqK && len(arg.items) == 3 {
			c, known := r.cond(arg.items[0].str, arg.items[0], depth+1)
			if !known {
				return r.unresolved(n, "!If "+arg.items[0].str, "depends on a condition the template cannot tell"), true
			}
			pick := arg.items[2]
			if c {
				pick = arg.items[1]
			}
			if noValue(pick) {
				return "", false
			}
			return r.strDepth(pick, depth+1)
		}
	case "FindInMap":
		if arg.kind == seqK && len(arg.items) >= 3 {
			m, ok1 := r.strDepth(arg.items[0], depth+1)
			k1, ok2 := r.strDepth(arg.items[1], depth+1)
			k2, ok3 := r.strDepth(arg.items[2], depth+1)
			if ok1 && ok2 && ok3 && !strings.HasPrefix(k1, unresolvedPrefix) && !strings.HasPrefix(k2, unresolvedPrefix) {
				if v := r.mappings.get(m).get(k1).get(k2); v != nil {
					return r.strDepth(v, depth+1)
				}
			}
			return r.unresolved(n, "!FindInMap", "names no entry of Mappings the template has"), true
		}
	case "GetAtt":
		return r.unresolved(n, "!GetAtt "+arg.str, "is an attribute of a deployed resource"), true
	case "ImportValue":
		return r.unresolved(n, "!ImportValue", "is another stack's output"), true
	}
	return r.unresolved(n, "!"+name, "is not evaluated here"), true
}

// pseudo are the pseudo parameters whose value does not depend on the
// account or stack (pseudo-parameter-reference.html): the rest are
// unresolved unless given.
var pseudo = map[string]string{"AWS::URLSuffix": "amazonaws.com"}

func (r *resolver) ref(n, arg *node) (string, bool) {
	name := arg.str
	if name == "AWS::NoValue" {
		return "", false
	}
	if v, ok := r.given[name]; ok {
		return v, true
	}
	if p := r.params.get(name); p != nil {
		if def := p.get("Default"); def != nil {
			s, ok := r.str(def)
			if def.kind == seqK { // a list default, for a CommaDelimitedList
				var parts []string
				for _, it := range def.items {
					v, _ := r.str(it)
					parts = append(parts, v)
				}
				return strings.Join(parts, ","), true
			}
			return s, ok
		}
		return r.unresolved(n, "!Ref "+name, "is a parameter without a Default"), true
	}
	if strings.HasPrefix(name, "AWS::") {
		if v, ok := pseudo[name]; ok {
			return v, true
		}
		return r.unresolved(n, "!Ref "+name, "is a pseudo parameter of the deployment"), true
	}
	return r.unresolved(n, "!Ref "+name, "is the physical ID of a resource"), true
}

func (r *resolver) sub(n, arg *node, depth int) (string, bool) {
	tmpl, vars := arg, (*node)(nil)
	if arg.kind == seqK && len(arg.items) == 2 {
		tmpl, vars = arg.items[0], arg.items[1]
	}
	if tmpl.kind != scalarK {
		return r.unresolved(n, "!Sub", "is not a string"), true
	}
	s := tmpl.str
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		name := s[i+2 : i+j]
		s = s[i+j+1:]
		if strings.HasPrefix(name, "!") { // ${!Literal} writes ${Literal}
			b.WriteString("${" + name[1:] + "}")
			continue
		}
		if v := vars.get(name); v != nil {
			x, _ := r.strDepth(v, depth+1)
			b.WriteString(x)
			continue
		}
		if strings.Contains(name, ".") {
			b.WriteString(r.unresolved(n, "!Sub ${"+name+"}", "is an attribute of a deployed resource"))
			continue
		}
		x, _ := r.ref(n, &node{str: name})
		b.WriteString(x)
	}
	return b.String(), true
}

// item is one value of a list with the node it came from.
type item struct {
	s string
	n *node
}

// list is n's value as a list of strings: a sequence whose items are
// resolved one by one (an AWS::NoValue item drops out), or a function
// that yields a list (!Split, !If, !Ref of a CommaDelimitedList).
func (r *resolver) list(n *node) ([]item, bool) { return r.listDepth(n, 0) }

func (r *resolver) listDepth(n *node, depth int) ([]item, bool) {
	r.steps++
	if n == nil || depth > 32 || r.steps > maxSteps {
		return nil, false
	}
	if n.kind == seqK && n.tag == "" {
		out := make([]item, 0, len(n.items))
		for _, it := range n.items {
			s, ok := r.strDepth(it, depth+1)
			if !ok {
				continue
			}
			out = append(out, item{s, it})
		}
		return out, true
	}
	name, arg, ok := intrinsic(n)
	if !ok {
		return nil, false
	}
	switch name {
	case "Split":
		if arg.kind == seqK && len(arg.items) == 2 {
			sep, ok1 := r.strDepth(arg.items[0], depth+1)
			s, ok2 := r.strDepth(arg.items[1], depth+1)
			if ok1 && ok2 && sep != "" {
				return splitItems(s, sep, n), true
			}
		}
	case "If":
		if arg.kind == seqK && len(arg.items) == 3 {
			c, known := r.cond(arg.items[0].str, arg.items[0], depth+1)
			if known {
				pick := arg.items[2]
				if c {
					pick = arg.items[1]
				}
				return r.listDepth(pick, depth+1)
			}
		}
	case "Ref":
		if p := r.params.get(arg.str); p != nil {
			if t, _ := r.str(p.get("Type")); strings.Contains(t, "List") {
				s, _ := r.ref(n, arg)
				return splitItems(s, ",", n), true
			}
		}
	}
	s, ok := r.strDepth(n, depth+1)
	if !ok {
		return nil, false
	}
	return []item{{s, n}}, true
}

func splitItems(s, sep string, n *node) []item {
	if strings.HasPrefix(s, unresolvedPrefix) {
		return []item{{s, n}}
	}
	var out []item
	for _, p := range strings.Split(s, sep) {
		out = append(out, item{strings.TrimSpace(p), n})
	}
	return out
}

// cond evaluates the condition named name (known false when the
// template's parameters cannot tell it).
func (r *resolver) cond(name string, at *node, depth int) (v, known bool) {
	c := r.conds.get(name)
	if c == nil || depth > 32 || r.condBusy[name] {
		return false, false
	}
	if r.condBusy == nil {
		r.condBusy = map[string]bool{}
	}
	r.condBusy[name] = true
	defer delete(r.condBusy, name)
	return r.condExpr(c, depth+1)
}

func (r *resolver) condExpr(n *node, depth int) (v, known bool) {
	r.steps++
	if depth > 32 || r.steps > maxSteps {
		return false, false
	}
	if n.kind == mapK && len(n.keys) == 1 && n.keys[0].str == "Condition" {
		return r.cond(n.vals[0].str, n, depth+1)
	}
	name, arg, ok := intrinsic(n)
	if !ok {
		if n.kind == scalarK && n.tag == "" {
			return n.str == "true", n.str == "true" || n.str == "false"
		}
		return false, false
	}
	if name == "Condition" {
		return r.cond(arg.str, n, depth+1)
	}
	if arg.kind != seqK {
		return false, false
	}
	switch name {
	case "Equals":
		if len(arg.items) != 2 {
			return false, false
		}
		a, ok1 := r.strDepth(arg.items[0], depth+1)
		b, ok2 := r.strDepth(arg.items[1], depth+1)
		if !ok1 || !ok2 || strings.HasPrefix(a, unresolvedPrefix) || strings.HasPrefix(b, unresolvedPrefix) {
			return false, false
		}
		return a == b, true
	case "Not":
		if len(arg.items) != 1 {
			return false, false
		}
		x, k := r.condExpr(arg.items[0], depth+1)
		return !x, k
	case "And", "Or":
		all := name == "And"
		for _, it := range arg.items {
			x, k := r.condExpr(it, depth+1)
			if !k {
				return false, false
			}
			if x != all {
				return x, true
			}
		}
		return all, true
	}
	return false, false
}

// boolean is n's value as a boolean: true, false or their strings.
func (r *resolver) boolean(n *node) (v, ok bool) {
	s, sok := r.str(n)
	switch {
	case !sok:
		return false, false
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// integer is n's value as a whole number (CloudFormation accepts it as
// a number or a string).
func (r *resolver) integer(n *node) (int, bool) {
	s, ok := r.str(n)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
	return int(v), err == nil
}
