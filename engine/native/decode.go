package native

import (
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Parse reads a policy in the native JSON format (see the package doc).
// Decoding is strict: an unknown field, a value of the wrong type and a
// value that fails validation are all errors. The error, when not nil, is
// a policy.Errors listing every fault with its JSON path, line and column.
func Parse(text string) (*Policy, error) {
	root, serr := parseJSON(text)
	if serr != nil {
		line, col := policy.LineCol(text, serr.offset)
		return nil, policy.Errors{{Line: line, Column: col, Code: "syntax", Msg: serr.msg, Unreadable: true}}
	}
	d := &decoder{text: text, at: map[string]int{}}
	rules, base := d.document(root)
	var p *Policy
	if len(rules) > 0 {
		// Validate every rule, even those with decoding faults, so one pass
		// reports every fault; drop what a decoding fault already explains
		// (a field of the wrong type also reads as missing).
		var verrs policy.Errors
		p = build(rules, base, &verrs)
		for _, e := range verrs {
			if !d.explained(e.Path) {
				d.errs = append(d.errs, e)
			}
		}
	}
	for _, e := range d.errs {
		if e.Line == 0 {
			if off, ok := d.offset(e.Path); ok {
				e.Line, e.Column = policy.LineCol(text, off)
			}
		}
	}
	if len(d.errs) > 0 {
		// In reading order, so the list reads top to bottom with the text.
		sort.SliceStable(d.errs, func(i, j int) bool {
			a, b := d.errs[i], d.errs[j]
			return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
		})
		return nil, d.errs
	}
	p.at = d.at
	return p, nil
}

type decoder struct {
	text   string
	errs   policy.Errors
	at     map[string]int // JSON path -> byte offset of its value
	faults []string       // paths with a decoding fault
}

// explained reports whether a decoding fault at path or around it already
// accounts for a validation fault at path.
func (d *decoder) explained(path string) bool {
	for _, f := range d.faults {
		if path == f || strings.HasPrefix(path, f+"[") || strings.HasPrefix(path, f+".") || strings.HasPrefix(f, path+"[") {
			return true
		}
	}
	return false
}

// offset finds the position of path, or of its nearest enclosing value.
func (d *decoder) offset(path string) (int, bool) {
	for {
		if off, ok := d.at[path]; ok {
			return off, true
		}
		i := strings.LastIndexAny(path, ".[")
		if i <= 0 {
			return 0, false
		}
		path = path[:i]
	}
}

func (d *decoder) fail(path string, off int, code, msg string) {
	line, col := policy.LineCol(d.text, off)
	d.errs = append(d.errs, &policy.Error{Path: path, Line: line, Column: col, Code: code, Msg: msg})
	d.faults = append(d.faults, path)
}

func (d *decoder) document(root *node) ([]Rule, []string) {
	d.at["$"] = root.offset
	if root.kind != kObject {
		d.fail("$", root.offset, "type", "want an object ({\"rules\": [...]} or a single rule), got "+root.kind.String())
		return nil, nil
	}
	var rulesNode *node
	for _, m := range root.keys {
		switch m.name {
		case "rules":
			rulesNode = m.value
		case schemaKey:
			// schemas/native-policy.schema.json, named for an editor.
			d.at["$."+schemaKey] = m.value.offset
			d.str("$."+schemaKey, m.value)
		}
	}
	if rulesNode == nil {
		// A single rule for every path: the short form for hand-written
		// policies.
		r := d.ruleObject(root, "$")
		return []Rule{r}, []string{"$"}
	}
	for _, m := range root.keys {
		if m.name != "rules" && m.name != schemaKey {
			d.fail("$."+m.name, m.offset, "unknown-field", "unknown field "+strconv.Quote(m.name)+" next to \"rules\"; rule fields go inside each rule")
		}
	}
	d.at["$.rules"] = rulesNode.offset
	if rulesNode.kind != kArray {
		d.fail("$.rules", rulesNode.offset, "type", "want an array of rules, got "+rulesNode.kind.String())
		return nil, nil
	}
	if len(rulesNode.items) > MaxRules {
		d.fail("$.rules", rulesNode.offset, "limit", "more than "+strconv.Itoa(MaxRules)+" rules")
		return nil, nil
	}
	var rules []Rule
	var base []string
	for i, n := range rulesNode.items {
		path := "$.rules[" + strconv.Itoa(i) + "]"
		d.at[path] = n.offset
		if n.kind != kObject {
			d.fail(path, n.offset, "type", "want a rule object, got "+n.kind.String())
			rules = append(rules, Rule{})
		} else {
			rules = append(rules, d.ruleObject(n, path))
		}
		base = append(base, path)
	}
	if len(rules) == 0 {
		d.fail("$.rules", rulesNode.offset, "missing", "a policy needs at least one rule")
	}
	return rules, base
}

// schemaKey names the document's JSON Schema for editors
// (schemas/native-policy.schema.json); it is allowed at the top and
// ignored.
const schemaKey = "$schema"

// fieldNames are the fields of a rule, in the order Write writes them.
var fieldNames = []string{"name", "path", "origins", "methods", "request_headers", "match", "final", "exposed_headers",
	"credentials", "max_age", "preflight_status", "unmatched_preflight", "dangerously_allow_insecure_origins"}

// aliases maps names people bring from other libraries and platforms
// (lowercased, without '_' and '-') to ours, for the unknown-field hint.
var aliases = map[string]string{
	"allowedorigins": "origins", "alloworigins": "origins", "origin": "origins", "allowedorigin": "origins",
	"allowedmethods": "methods", "allowmethods": "methods", "method": "methods", "allowedmethod": "methods",
	"allowedheaders": "request_headers", "allowheaders": "request_headers", "headers": "request_headers", "requestheaders": "request_headers", "allowedheader": "request_headers",
	"exposeheaders": "exposed_headers", "exposedheaders": "exposed_headers", "exposeheader": "exposed_headers", "responseheader": "exposed_headers", "responseheaders": "exposed_headers",
	"allowcredentials": "credentials", "credentialed": "credentials",
	"maxage": "max_age", "maxageseconds": "max_age", "maxageinseconds": "max_age",
	"optionssuccessstatus": "preflight_status", "preflightstatus": "preflight_status",
	"optionspassthrough": "unmatched_preflight", "preflightcontinue": "unmatched_preflight", "unmatchedpreflight": "unmatched_preflight",
}

func (d *decoder) ruleObject(n *node, at string) Rule {
	var r Rule
	for _, m := range n.keys {
		path := at + "." + m.name
		v := m.value
		d.at[path] = v.offset
		switch m.name {
		case "name":
			r.Name = d.str(path, v)
		case "path":
			r.Path = d.str(path, v)
		case "origins":
			r.Origins = d.strs(path, v)
		case "methods":
			r.Methods = d.strs(path, v)
		case "request_headers":
			r.RequestHeaders = d.strs(path, v)
		case "match":
			r.Match = d.strs(path, v)
		case "final":
			r.Final = d.boolean(path, v)
		case "exposed_headers":
			r.ExposedHeaders = d.strs(path, v)
		case "credentials":
			r.Credentials = d.boolean(path, v)
		case "max_age":
			if x, ok := d.integer(path, v); ok {
				r.MaxAge = &x
			}
		case "preflight_status":
			if x, ok := d.integer(path, v); ok {
				r.PreflightStatus = x
				if x == 0 {
					d.fail(path, v.offset, "range", "a successful preflight needs an ok status, 200 to 299 (browsers fail any other)")
				}
			}
		case "unmatched_preflight":
			r.UnmatchedPreflight = d.str(path, v)
		case "dangerously_allow_insecure_origins":
			r.AllowInsecureOrigins = d.boolean(path, v)
		case "rules":
			d.fail(path, m.offset, "unknown-field", "rules do not nest")
		case schemaKey:
			if at != "$" {
				d.fail(path, m.offset, "unknown-field", "\"$schema\" belongs at the top of the document")
			} // at the top: read by document
		default:
			msg := "unknown field " + strconv.Quote(m.name)
			key := strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(m.name))
			if want, ok := aliases[key]; ok {
				msg += "; did you mean " + strconv.Quote(want) + "?"
			} else {
				msg += "; a rule's fields are " + strings.Join(fieldNames, ", ")
			}
			d.fail(path, m.offset, "unknown-field", msg)
		}
	}
	return r
}

func (d *decoder) str(path string, v *node) string {
	if v.kind != kString {
		d.fail(path, v.offset, "type", "want a string, got "+v.kind.String())
		return ""
	}
	return v.s
}

func (d *decoder) strs(path string, v *node) []string {
	if v.kind == kString {
		d.fail(path, v.offset, "type", "want an array of strings, got a string; write ["+strconv.Quote(v.s)+"]")
		return nil
	}
	if v.kind != kArray {
		d.fail(path, v.offset, "type", "want an array of strings, got "+v.kind.String())
		return nil
	}
	out := make([]string, 0, len(v.items))
	for i, it := range v.items {
		p := path + "[" + strconv.Itoa(i) + "]"
		d.at[p] = it.offset
		if it.kind != kString {
			d.fail(p, it.offset, "type", "want a string, got "+it.kind.String())
			out = append(out, "") // keep the indexes of later items
			continue
		}
		out = append(out, it.s)
	}
	return out
}

func (d *decoder) boolean(path string, v *node) bool {
	if v.kind != kBool {
		d.fail(path, v.offset, "type", "want true or false, got "+v.kind.String())
		return false
	}
	return v.b
}

func (d *decoder) integer(path string, v *node) (int, bool) {
	if v.kind != kNumber {
		d.fail(path, v.offset, "type", "want an integer, got "+v.kind.String())
		return 0, false
	}
	x, err := strconv.Atoi(v.s)
	if err != nil {
		if strings.ContainsAny(v.s, ".eE") {
			d.fail(path, v.offset, "type", "want an integer, got "+v.s)
		} else {
			d.fail(path, v.offset, "range", "number "+v.s+" is out of range")
		}
		return 0, false
	}
	return x, true
}
