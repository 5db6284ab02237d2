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
// Native picks a rule as the portable form does, the first whose paths
// and origins match, so each portable rule becomes native rules in the
// same order: one for every path, or for each of its paths the path
// itself and the paths below it.
//
// engine/convert calls it directly, not through convert.Writer, so that a
// program converting to native only (the edge worker) links no other
// format's writer.
func FromPortable(p portable.Policy, names []string, n *portable.Notes) (string, error) {
	return FromPortableSelect(p, nil, names, n)
}

// Selection is what a converted rule says beyond the portable form: what
// selects it besides path and origins (Rule.Match), so that a source
// platform that chooses its rule by method and headers (S3, GCS, Azure)
// is said without loss, and what a preflight it refuses gets
// (Rule.UnmatchedPreflight).
type Selection struct {
	Match              []string
	UnmatchedPreflight string
}

// FromPortableSelect is FromPortable with sel, parallel to p.Rules (nil,
// or a missing entry, for the portable form's own selection). A rule
// that matches on method lists its methods exactly, GET, HEAD and POST
// included.
func FromPortableSelect(p portable.Policy, sel []Selection, names []string, n *portable.Notes) (string, error) {
	var list []Rule
	var from []int
	for i, r := range p.Rules {
		if r.AnyOrigin() && r.Credentials {
			n.Refuse(i, "origins", "every origin with credentials (an echo of any Origin): native refuses it, since every site could then read your users' data; list the origins")
			continue
		}
		base := Rule{Origins: r.Origins, Methods: r.Methods, RequestHeaders: r.AllowHeaders, ExposedHeaders: r.ExposeHeaders, Credentials: r.Credentials, MaxAge: r.MaxAge}
		if i < len(sel) {
			base.Match = sel[i].Match
			base.UnmatchedPreflight = sel[i].UnmatchedPreflight
		}
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
			list = append(list, nr)
			from = append(from, n.Src(i))
		}
	}
	if err := n.Err(); err != nil {
		return "", err
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
