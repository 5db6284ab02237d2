package native

import (
	"errors"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// FromPortable writes p as a native policy (Write's canonical form) for a
// conversion, recording in n what native cannot say as p does. names are
// the source rules' names, parallel to p.Rules; a name native cannot take
// is left out. What native refuses (any origin with credentials, a policy
// it still refuses after the adjustments below) is a *portable.Refusal.
//
// Native picks the first rule whose path matches, whatever the origin
// (the package doc), where the portable form picks the first whose path
// and origin match: rules that share paths are merged when only their
// origins differ, and otherwise reported.
//
// engine/convert calls it directly, not through convert.Writer, so that a
// program converting to native only (the edge worker) links no other
// format's writer.
func FromPortable(p portable.Policy, names []string, n *portable.Notes) (string, error) {
	type nrule struct {
		r    Rule
		from int
	}
	var rules []nrule
	for i, r := range p.Rules {
		if r.AnyOrigin() && r.Credentials {
			n.Refuse(i, "origins", "every origin with credentials (an echo of any Origin): native refuses it, since every site could then read your users' data; list the origins")
			continue
		}
		base := Rule{Origins: r.Origins, Methods: r.Methods, RequestHeaders: r.AllowHeaders, ExposedHeaders: r.ExposeHeaders, Credentials: r.Credentials, MaxAge: r.MaxAge}
		if i < len(names) && validName(names[i]) {
			base.Name = names[i]
		}
		if r.MaxAge != nil && *r.MaxAge > MaxAgeLimit {
			v := MaxAgeLimit
			base.MaxAge = &v
			n.Note(i, "max_age", portable.Same, "max-age "+strconv.Itoa(*r.MaxAge)+" lowered to "+strconv.Itoa(v)+", the largest native accepts; browsers cap it lower anyway (Chrome 7200, Firefox 86400, Safari 600)")
		}
		paths := []string{""}
		if len(r.Paths) > 0 {
			paths = nil
			for _, pa := range r.Paths {
				pa = strings.TrimSuffix(pa, "/")
				if pa == "" {
					paths = []string{""}
					break
				}
				// The portable "/api" covers "/api" and below: native
				// needs the exact path and the prefix pattern.
				paths = append(paths, pa, pa+"/*")
			}
		}
		for _, pa := range paths {
			nr := base
			nr.Path = pa
			merged := false
			for k := range rules {
				if rules[k].r.Path != pa {
					continue
				}
				if sameButOrigins(rules[k].r, nr) {
					union := append([]string(nil), rules[k].r.Origins...)
					for _, o := range nr.Origins {
						union = portable.AppendUnique(union, o)
					}
					rules[k].r.Origins = union
					merged = true
				} else {
					n.Note(i, "paths", portable.Narrower, "native answers path "+pathName(pa)+" with the first rule for it (rule "+strconv.Itoa(rules[k].from+1)+") whatever the origin, so this rule's origins get no CORS headers there; give those origins the same permissions to merge the rules")
					merged = true
				}
				break
			}
			if !merged {
				for k := range rules {
					if rules[k].r.Path == "" && pa != "" {
						n.Note(i, "paths", portable.Narrower, "rule "+strconv.Itoa(rules[k].from+1)+" covers every path and native picks a rule by path alone, so this rule is never used")
						break
					}
				}
				rules = append(rules, nrule{nr, n.Src(i)})
			}
		}
	}
	if err := n.Err(); err != nil {
		return "", err
	}
	// Put exact paths and longer prefixes first: native takes the first
	// rule whose path matches, the portable form the rule whose paths
	// contain the request's, in order. A stable order by specificity keeps
	// each portable rule reachable for its own paths.
	list := make([]Rule, len(rules))
	from := make([]int, len(rules))
	order := make([]int, len(rules))
	for i := range order {
		order[i] = i
	}
	for a := 1; a < len(order); a++ {
		for b := a; b > 0 && pathRank(rules[order[b]].r.Path) > pathRank(rules[order[b-1]].r.Path); b-- {
			order[b], order[b-1] = order[b-1], order[b]
		}
	}
	for i, k := range order {
		list[i], from[i] = rules[k].r, rules[k].from
	}
	// Native refuses some values the source allowed (names browsers never
	// send, http:// origins with credentials): adjust and say so, then
	// build again; anything else is a refusal.
	for attempt := 0; attempt < 3; attempt++ {
		pol, err := New(list)
		if err == nil {
			return Write(pol), nil
		}
		var errs policy.Errors
		if !errors.As(err, &errs) {
			return "", err
		}
		var fatal []string
		drop := map[[3]int]bool{} // rule, field, index
		for _, e := range errs {
			ri, field, idx := splitRulePath(e.Path)
			if ri < 0 || ri >= len(list) {
				fatal = append(fatal, e.Error())
				continue
			}
			switch {
			case field == "origins" && e.Code == "insecure":
				list[ri].AllowInsecureOrigins = true
				n.NoteSource(from[ri], "origins", portable.Same, "the source allows "+strconv.Quote(list[ri].Origins[idx])+" with credentials; native asks for dangerously_allow_insecure_origins, which the converted rule sets: anyone on the network path can impersonate an http:// origin, so move to https")
			case (field == "request_headers" || field == "exposed_headers" || field == "methods") && idx >= 0 && (e.Code == "forbidden" || e.Code == "prohibited" || e.Code == "invalid"):
				drop[[3]int{ri, fieldNo(field), idx}] = true
				n.NoteSource(from[ri], field, portable.Same, "native refuses it ("+e.Msg+"); left out: a browser never sends or exposes it")
			case field == "name":
				list[ri].Name = ""
			default:
				fatal = append(fatal, "rule "+strconv.Itoa(from[ri]+1)+": "+e.Error())
			}
		}
		if len(fatal) > 0 {
			return "", &portable.Refusal{Msg: "native refuses the converted policy: " + strings.Join(fatal, "; ")}
		}
		for k := range list {
			list[k].Methods = dropIdx(list[k].Methods, drop, k, fieldNo("methods"))
			list[k].RequestHeaders = dropIdx(list[k].RequestHeaders, drop, k, fieldNo("request_headers"))
			list[k].ExposedHeaders = dropIdx(list[k].ExposedHeaders, drop, k, fieldNo("exposed_headers"))
		}
	}
	return "", &portable.Refusal{Msg: "native refuses the converted policy"}
}

func pathName(p string) string {
	if p == "" {
		return "(every path)"
	}
	return strconv.Quote(p)
}

// pathRank orders native paths from most to least specific.
func pathRank(p string) int {
	switch {
	case p == "":
		return 0
	case strings.HasSuffix(p, "*"):
		return 1 + len(p)
	}
	return 1 << 20
}

// sameButOrigins reports whether a and b differ in their origins (and
// names) only, so that one rule with both origin lists says what both say.
func sameButOrigins(a, b Rule) bool {
	a.Origins, b.Origins = nil, nil
	a.Name, b.Name = "", ""
	eq := func(x, y []string) bool { return strings.Join(x, "\x00") == strings.Join(y, "\x00") }
	return a.Path == b.Path && eq(a.Methods, b.Methods) && eq(a.RequestHeaders, b.RequestHeaders) && eq(a.ExposedHeaders, b.ExposedHeaders) &&
		a.Credentials == b.Credentials && ((a.MaxAge == nil) == (b.MaxAge == nil)) && (a.MaxAge == nil || *a.MaxAge == *b.MaxAge)
}

// validName reports whether s is a name a rule may have (the package
// doc's "name" field).
func validName(s string) bool {
	return s != "" && len(s) <= maxNameLen && isName(s)
}

// splitRulePath splits a fault's path, "$.rules[2].origins[1]", into 2,
// "origins", 1; -1 for what it lacks.
func splitRulePath(p string) (int, string, int) {
	rest, ok := strings.CutPrefix(p, "$.rules[")
	if !ok {
		return -1, "", -1
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return -1, "", -1
	}
	ri, err := strconv.Atoi(rest[:end])
	if err != nil {
		return -1, "", -1
	}
	rest = strings.TrimPrefix(rest[end+1:], ".")
	field, idxs, _ := strings.Cut(rest, "[")
	idx := -1
	if n, err := strconv.Atoi(strings.TrimSuffix(idxs, "]")); err == nil {
		idx = n
	}
	return ri, field, idx
}

// fieldNo numbers the list fields a value may be dropped from.
func fieldNo(f string) int {
	switch f {
	case "methods":
		return 1
	case "request_headers":
		return 2
	}
	return 3
}

// dropIdx is list without the entries drop marks for rule and field.
func dropIdx(list []string, drop map[[3]int]bool, rule, field int) []string {
	var out []string
	for i, s := range list {
		if !drop[[3]int{rule, field, i}] {
			out = append(out, s)
		}
	}
	return out
}
