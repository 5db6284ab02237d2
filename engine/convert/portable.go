package convert

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/portable"
)

// Effects of a Note: how the converted policy answers some requests
// compared with the source (engine/portable, where writers record them).
const (
	Wider    = portable.Wider
	Narrower = portable.Narrower
	Differs  = portable.Differs
	Same     = portable.Same
)

// Note is one way the converted policy differs from the source, or a
// fact about the target the user should know.
type Note = portable.Note

// toPortable maps a source's rules onto the portable rule set, whose
// semantics are native's: the first rule whose paths and origins match
// decides, methods and headers are checked on preflights only, and the
// CORS-safelisted methods need no listing (Fetch §2.2.1). Whatever the
// source means that this form cannot say is dropped (never widened) and
// reported; where the source's own selection differs, a Note says which
// way. names are the rules' names and from their source rule indexes,
// parallel to the result's Rules.
func toPortable(src *Source) (portable.Policy, []string, []int, []Note) {
	var out portable.Policy
	var names []string
	var from []int
	var notes []Note
	// Rules are kept pending until duplicates are known: an Express
	// app.options('*', cors(opts)) next to app.use(cors(opts)) is one rule.
	type pending struct {
		pr         portable.Rule
		name       string
		index      int
		methodOnly bool
		notes      []Note
	}
	var kept []pending
	var cur *[]Note
	note := func(r *Rule, field, effect, msg string, pos Pos) {
		n := Note{Rule: r.Index, Field: field, Effect: effect, Message: msg, Pos: pos}
		if cur != nil {
			*cur = append(*cur, n)
			return
		}
		notes = append(notes, n)
	}
	plat := src.Format
	for i := range src.Rules {
		r := &src.Rules[i]
		var ruleNotes []Note
		cur = &ruleNotes
		if r.Disabled {
			cur = nil
			note(r, "origin", Same, "the middleware is disabled (a falsy origin): it sends no CORS headers, so it is left out", r.Pos)
			continue
		}
		pr := portable.Rule{Credentials: r.Credentials, MaxAge: r.MaxAge, Paths: append([]string(nil), r.Paths...)}
		if r.MaxAge != nil && *r.MaxAge < 0 {
			pr.MaxAge = nil
		}
		// Origins.
		if r.ReflectAny {
			// origin: true echoes every origin; with credentials the
			// portable form writes that as "*" plus credentials, which
			// writers spell as an echo (portable.Rule.Credentials).
			pr.Origins = []string{"*"}
		}
		for j, o := range r.Origins {
			os, effect, why := originToPortable(src.Semantics.Origins, o.Text, r.Regex[j])
			pr.Origins = append(pr.Origins, os...)
			if why != "" {
				note(r, "origins", effect, why, o.Pos)
			}
		}
		if len(pr.Origins) == 0 {
			cur = nil
			notes = append(notes, ruleNotes...)
			note(r, "origins", Narrower, "no origin of this rule can be written in the portable form, so the rule is left out", r.Pos)
			continue
		}
		if pr.AnyOrigin() && !r.ReflectAny && r.CredentialsImplied {
			// S3 and Azure answer a "*" rule with ACAO * and no
			// credentials (cloud-policies.md §0 item 4, §4).
			pr.Credentials = false
		}
		// Methods.
		for _, m := range r.Methods {
			switch {
			case m.Text == "OPTIONS":
				// The preflight itself is never checked against the
				// list; listing OPTIONS changes nothing in a browser.
				continue
			case src.Semantics.MethodSelects && strings.Contains(m.Text, "*") && m.Text != "*":
				note(r, "methods", Narrower, strconv.Quote(m.Text)+" is not a method the portable form can list; left out", m.Pos)
				continue
			}
			pr.Methods = appendUnique(pr.Methods, m.Text)
		}
		if src.Semantics.MethodSelects && !contains(pr.Methods, "*") {
			var missing []string
			for _, m := range []string{"GET", "HEAD", "POST"} {
				if !contains(pr.Methods, m) {
					missing = append(missing, m)
				}
			}
			if len(missing) > 0 {
				note(r, "methods", Wider, plat+" picks a rule by method too, so this rule gives no CORS headers to "+strings.Join(missing, ", ")+" requests; the converted rule answers them, as those methods never need listing (Fetch §2.2.1)", r.Pos)
			}
		}
		// Request headers.
		if r.EchoAllHeaders {
			pr.AllowHeaders = []string{"*"}
		}
		for _, h := range r.AllowHeaders {
			switch {
			case h.Text == "*":
				if !src.Semantics.EchoHeaders {
					note(r, "allow_headers", Wider, plat+" sends Access-Control-Allow-Headers: * as written, which browsers do not apply to Authorization or to credentialed requests; the converted \"*\" allows every header (native echoes the names)", h.Pos)
				}
				pr.AllowHeaders = appendUnique(pr.AllowHeaders, "*")
			case strings.Contains(h.Text, "*"):
				note(r, "allow_headers", Narrower, strconv.Quote(h.Text)+" is a prefix pattern the portable form cannot express; left out (list the names)", h.Pos)
			default:
				pr.AllowHeaders = appendUnique(pr.AllowHeaders, strings.ToLower(h.Text))
			}
		}
		for _, h := range r.ExposeHeaders {
			if strings.Contains(h.Text, "*") && h.Text != "*" {
				note(r, "expose_headers", Narrower, strconv.Quote(h.Text)+" is a prefix pattern the portable form cannot express; left out", h.Pos)
				continue
			}
			pr.ExposeHeaders = appendUnique(pr.ExposeHeaders, h.Text)
		}
		if r.PathNote != "" {
			note(r, "paths", Wider, r.PathNote, r.Pos)
		}
		if r.PreflightPass {
			note(r, "preflight", Differs, "preflights this rule does not allow are handed to the application, which may answer them; the converted rule refuses them", r.Pos)
		}
		if r.MethodOnly != "" {
			note(r, "method", Wider, "the middleware is mounted for "+r.MethodOnly+" requests only; the converted rule covers every method", r.Pos)
		}
		kept = append(kept, pending{pr, r.Name, r.Index, r.MethodOnly != "", ruleNotes})
		cur = nil
	}
	cur = nil
	for i, k := range kept {
		dup := -1
		for j, o := range kept {
			if j != i && equalRules(k.pr, o.pr) && ((k.methodOnly && !o.methodOnly) || (k.methodOnly == o.methodOnly && j < i)) {
				dup = j
				break
			}
		}
		if dup >= 0 {
			notes = append(notes, Note{Rule: k.index, Effect: Same, Message: "the same permissions as rule " + strconv.Itoa(kept[dup].index) + ", which covers its requests; left out"})
			continue
		}
		notes = append(notes, k.notes...)
		out.Rules = append(out.Rules, k.pr)
		names = append(names, k.name)
		from = append(from, k.index)
	}
	// Selection: platforms that choose a rule by method (and headers) go
	// on to later rules where the portable form stops at the first rule
	// matching the origin.
	if src.Semantics.MethodSelects {
		what := "method"
		if src.Semantics.HeaderFallThrough {
			what = "method and requested headers"
		}
		for j := range src.Rules {
			for i := 0; i < j; i++ {
				if overlap(texts(src.Rules[i].Origins), texts(src.Rules[j].Origins)) {
					r := &src.Rules[j]
					note(r, "origins", Narrower, plat+" goes on to this rule when rule "+strconv.Itoa(i)+" matches the origin but not the "+what+"; the converted policy stops at rule "+strconv.Itoa(i)+" for origins both rules allow", r.Pos)
					break
				}
			}
		}
	}
	return out, names, from, notes
}

// originToPortable maps one origin entry of platform plat. It returns the
// portable origins (none when inexpressible) and, when the mapping is not
// exact, the effect and why.
func originToPortable(match portable.OriginMatch, o string, regex bool) ([]string, string, string) {
	if regex {
		return nil, Narrower, "regular expression /" + o + "/ cannot be written in the portable form; left out (list the origins, or use one \"https://*.example.com\" pattern)"
	}
	if o == "*" {
		return []string{"*"}, "", ""
	}
	if !strings.Contains(o, "*") {
		if o == "" || strings.ContainsAny(o, " \t\r\n,") || strings.HasSuffix(o, "/") {
			return nil, Same, strconv.Quote(o) + " never equals an Origin header a browser sends; left out"
		}
		return []string{o}, "", ""
	}
	glob := match == portable.OriginsGlob
	if _, _, ok := portable.SplitWildcard(o); ok && (glob || match == portable.OriginsSubdomain) {
		// S3's "*" matches any run of characters; between "://" and a
		// ".suffix" that is one or more host labels, as the portable
		// pattern (cloud-policies.md §1.3).
		return []string{o}, "", ""
	}
	if glob && strings.HasPrefix(o, "*.") && strings.Count(o, "*") == 1 {
		return []string{"https://" + o, "http://" + o}, Narrower, strconv.Quote(o) + " matches any scheme on S3; written for https:// and http:// only"
	}
	if match == portable.OriginsLiteral {
		return nil, Same, "GCS compares " + strconv.Quote(o) + " literally, so it matches no browser's Origin; left out"
	}
	return nil, Narrower, strconv.Quote(o) + " is a pattern the portable form cannot express (it allows only \"*\" and \"scheme://*.domain\"); left out"
}

// overlap reports whether two origin lists may both match some origin.
func overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == "*" || y == "*" || x == y || strings.Contains(x, "*") || strings.Contains(y, "*") {
				return true
			}
		}
	}
	return false
}

func appendUnique(list []string, s string) []string {
	if contains(list, s) {
		return list
	}
	return append(list, s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func equalRules(a, b portable.Rule) bool {
	eq := func(x, y []string) bool {
		return strings.Join(x, "\x00") == strings.Join(y, "\x00") && len(x) == len(y)
	}
	return eq(a.Origins, b.Origins) && eq(a.Methods, b.Methods) && eq(a.AllowHeaders, b.AllowHeaders) && eq(a.ExposeHeaders, b.ExposeHeaders) &&
		eq(a.Paths, b.Paths) && a.Credentials == b.Credentials && (a.MaxAge == nil) == (b.MaxAge == nil) && (a.MaxAge == nil || *a.MaxAge == *b.MaxAge)
}
