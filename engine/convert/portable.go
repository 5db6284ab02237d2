package convert

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/native"
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
// parallel to the result's Rules. byMethod is a target that picks its
// rule by method too (MethodSelector): a source that does keeps its
// method lists exact (portable.Rule.MethodsOnly).
func toPortable(src *Source, byMethod bool) (portable.Policy, []string, []int, []Note) {
	n := toNeutral(src, false, byMethod)
	return n.p, n.names, n.from, n.notes
}

// neutral is a source mapped for a target: the portable rules, their
// names and source indexes, and for native what selects each rule.
type neutral struct {
	p     portable.Policy
	names []string
	from  []int
	sel   []native.Selection // for native, parallel to p.Rules
	notes []Note
}

// toNeutral is toPortable for a target that can choose its rule as the
// source does (selects: native, whose rules match on method and request
// headers when told, cloud-policies.md §0 item 1): then the source's
// method lists stay exact and its choice of rule is kept in sel instead
// of noted. byMethod is toPortable's.
func toNeutral(src *Source, selects, byMethod bool) neutral {
	var notes []Note
	// Rules are kept pending until duplicates are known: an Express
	// app.options('*', cors(opts)) next to app.use(cors(opts)) is one rule.
	var kept []pending
	for k := range src.Rules {
		r := &src.Rules[src.Tried(k)]
		if r.Disabled {
			notes = append(notes, noteOn(r, "origin", Same, "the rule sends no CORS headers here (a middleware disabled by a falsy origin, or a resource of a template other than the one chosen), so it is left out", r.Pos))
			continue
		}
		m := ruleMapper{src: src, r: r, selects: selects, byMethod: byMethod && src.Semantics.MethodSelects}
		pr, ok := m.rule()
		if !ok {
			notes = append(notes, m.notes...)
			notes = append(notes, noteOn(r, "origins", Narrower, "no origin of this rule can be written in the portable form, so the rule is left out", r.Pos))
			continue
		}
		kept = append(kept, pending{pr, r.Name, r.Index, r.MethodOnly != "", m.sel, m.notes})
	}
	out, keptNotes := dedupe(kept)
	out.notes = append(notes, keptNotes...)
	if !selects {
		out.notes = append(out.notes, selectionNotes(src, byMethod)...)
	}
	return out
}

// pending is a rule mapped onto the portable form, with its notes, until
// duplicates are known.
type pending struct {
	pr         portable.Rule
	name       string
	index      int
	methodOnly bool
	sel        native.Selection
	notes      []Note
}

// noteOn is a note about source rule r.
func noteOn(r *Rule, field, effect, msg string, pos Pos) Note {
	return Note{Rule: r.Index, Field: field, Effect: effect, Message: msg, Pos: pos}
}

// ruleMapper maps one source rule onto a portable rule, collecting the
// notes of what it cannot say exactly.
type ruleMapper struct {
	src     *Source
	r       *Rule
	selects bool // the target chooses its rule as the source does (native)
	// byMethod: source and target both pick a rule by method, so the
	// rule's method list is exact (portable.Rule.MethodsOnly).
	byMethod bool
	sel      native.Selection // what the target's rule says for that
	notes    []Note
}

func (m *ruleMapper) note(field, effect, msg string, pos Pos) {
	m.notes = append(m.notes, noteOn(m.r, field, effect, msg, pos))
}

// rule is the portable form of m.r; ok is false when none of its origins
// can be written.
func (m *ruleMapper) rule() (pr portable.Rule, ok bool) {
	r := m.r
	pr = portable.Rule{Credentials: r.Credentials, MaxAge: r.MaxAge, Paths: append([]string(nil), r.Paths...)}
	if r.MaxAge != nil && *r.MaxAge < 0 {
		pr.MaxAge = nil
	}
	pr.Origins = m.origins()
	if len(pr.Origins) == 0 {
		return pr, false
	}
	if pr.AnyOrigin() && !r.ReflectAny && r.CredentialsImplied {
		// S3 and Azure answer a "*" rule with ACAO * and no
		// credentials (cloud-policies.md §0 item 4, §4).
		pr.Credentials = false
		if len(pr.Origins) > 1 {
			// Azure (after Azurite) echoes an origin listed literally,
			// with credentials, even beside "*" (§4); S3 sends "*"
			// (§1.3, [UNVERIFIED] on AWS for mixed lists).
			m.note("origins", Narrower, "this rule lists \"*\" beside other origins: "+platformWords(m.src)+" may echo those with credentials, where the converted rule answers every origin with \"*\" and no credentials", r.Pos)
		}
	}
	pr.Methods = m.methods()
	pr.MethodsOnly = m.byMethod
	pr.AllowHeaders = m.allowHeaders()
	pr.ExposeHeaders = m.exposeHeaders()
	if r.PathNote != "" {
		m.note("paths", Wider, r.PathNote, r.Pos)
	}
	m.notes = append(m.notes, r.Notes...)
	if r.PreflightPass {
		// The application's status decides every preflight at the
		// source; a target that answers preflights itself (native's
		// unmatched_preflight: pass hands on only those it refuses)
		// lets through those the application would fail.
		m.note("preflight", Wider, "the source hands every preflight to the application, whose answer decides it; the converted policy answers the preflights this rule allows itself, even where the application would fail them", r.Pos)
	}
	if m.selects && m.src.Semantics.MethodSelects {
		m.sel.Match = []string{native.MatchMethod}
		if m.src.Semantics.HeaderFallThrough {
			m.sel.Match = append(m.sel.Match, native.MatchHeaders)
		}
	}
	if r.MethodOnly != "" {
		m.note("method", Wider, "the middleware is mounted for "+r.MethodOnly+" requests only; the converted rule covers every method", r.Pos)
	}
	return pr, true
}

func (m *ruleMapper) origins() []string {
	var out []string
	if m.r.ReflectAny {
		// origin: true echoes every origin; with credentials the
		// portable form writes that as "*" plus credentials, which
		// writers spell as an echo (portable.Rule.Credentials).
		out = []string{"*"}
	}
	for j, o := range m.r.Origins {
		os, effect, why := originToPortable(m.src.Semantics.Origins, o.Text, m.r.Regex[j], platformWords(m.src))
		out = append(out, os...)
		if why != "" {
			m.note("origins", effect, why, o.Pos)
		}
	}
	return out
}

func (m *ruleMapper) methods() []string {
	sem, r := m.src.Semantics, m.r
	var out []string
	exact := (m.selects || m.byMethod) && sem.MethodSelects // the target's list is exact too
	for _, x := range r.Methods {
		switch {
		case x.Text == "OPTIONS" && !exact:
			// The preflight itself is never checked against the
			// list; listing OPTIONS changes nothing in a browser.
			continue
		case sem.MethodSelects && strings.Contains(x.Text, "*") && x.Text != "*":
			m.note("methods", Narrower, strconv.Quote(x.Text)+" is not a method the portable form can list; left out", x.Pos)
			continue
		case x.Text == "*" && !sem.EchoMethods && r.Credentials:
			// Sent as written, "*" is a wildcard only without
			// credentials (Fetch §4.8 CORS-preflight fetch); tried as
			// a new user would, an HTTP API's "*" with credentials
			// became native's "*", which echoes every method.
			n := noteOn(m.r, "methods", Wider, platformWords(m.src)+" sends Access-Control-Allow-Methods: * as written, which with credentials browsers read as a method named \"*\"; the converted \"*\" allows every method with credentials: list the methods", x.Pos)
			n.Literal = true // a target that sends it as written too pairs it away
			m.notes = append(m.notes, n)
		}
		out = portable.AppendUnique(out, x.Text)
	}
	if sem.MethodSelects && !exact && !portable.Contains(out, "*") {
		var missing []string
		for _, x := range []string{"GET", "HEAD", "POST"} {
			if !portable.Contains(out, x) {
				missing = append(missing, x)
			}
		}
		if len(missing) > 0 {
			m.note("methods", Wider, platformWords(m.src)+" picks a rule by method too, so this rule gives no CORS headers to "+strings.Join(missing, ", ")+" requests; the converted rule answers them, as those methods never need listing (Fetch §2.2.1)", r.Pos)
		}
	}
	return out
}

func (m *ruleMapper) allowHeaders() []string {
	var out []string
	if m.r.EchoAllHeaders {
		out = []string{"*"}
	}
	for _, h := range m.r.AllowHeaders {
		switch {
		case h.Text == "*":
			if !m.src.Semantics.EchoHeaders {
				n := noteOn(m.r, "allow_headers", Wider, platformWords(m.src)+" sends Access-Control-Allow-Headers: * as written, which browsers do not apply to Authorization or to credentialed requests; the converted \"*\" allows every header (native echoes the names)", h.Pos)
				n.Literal = true
				m.notes = append(m.notes, n)
			}
			out = portable.AppendUnique(out, "*")
		case strings.Contains(h.Text, "*"):
			m.note("allow_headers", Narrower, strconv.Quote(h.Text)+" is a prefix pattern the portable form cannot express; left out (list the names)", h.Pos)
		default:
			out = portable.AppendUnique(out, strings.ToLower(h.Text))
		}
	}
	return out
}

func (m *ruleMapper) exposeHeaders() []string {
	var out []string
	for _, h := range m.r.ExposeHeaders {
		if strings.Contains(h.Text, "*") && h.Text != "*" {
			m.note("expose_headers", Narrower, strconv.Quote(h.Text)+" is a prefix pattern the portable form cannot express; left out", h.Pos)
			continue
		}
		if h.Text == "*" && m.src.Semantics.ExposeExpands && m.r.Credentials {
			// The source lists every header of its reply by name; a
			// "*" sent as written exposes none with credentials.
			m.note("expose_headers", Narrower, platformWords(m.src)+" answers \"*\" with the names of every header of its reply, which the portable form cannot do with credentials (browsers read a sent \"*\" as a header named \"*\"); left out, list the headers", h.Pos)
			continue
		}
		out = portable.AppendUnique(out, h.Text)
	}
	return out
}

// dedupe drops a kept rule that another covers with the same permissions
// (preferring the one mounted for every method, then the first), and
// returns the policy, the rules' names and source indexes, and the notes
// in rule order.
func dedupe(kept []pending) (out neutral, notes []Note) {
	for i, k := range kept {
		dup := -1
		for j, o := range kept {
			if j != i && equalRules(k.pr, o.pr) && equalSelection(k.sel, o.sel) && ((k.methodOnly && !o.methodOnly) || (k.methodOnly == o.methodOnly && j < i)) {
				dup = j
				break
			}
		}
		if dup >= 0 {
			notes = append(notes, Note{Rule: k.index, Effect: Same, Message: "the same permissions as rule " + strconv.Itoa(kept[dup].index+1) + ", which covers its requests; left out"})
			continue
		}
		notes = append(notes, k.notes...)
		out.p.Rules = append(out.p.Rules, k.pr)
		out.names = append(out.names, k.name)
		out.from = append(out.from, k.index)
		out.sel = append(out.sel, k.sel)
	}
	return out, notes
}

// selectionNotes: platforms that choose a rule by method (and headers) go
// on to later rules where the portable form stops at the first rule
// matching the origin; for a target that picks by method too (byMethod),
// only the requested headers differ.
func selectionNotes(src *Source, byMethod bool) []Note {
	if !src.Semantics.MethodSelects || byMethod && !src.Semantics.HeaderFallThrough {
		return nil
	}
	what := "method"
	switch {
	case byMethod:
		what = "requested headers"
	case src.Semantics.HeaderFallThrough:
		what = "method and requested headers"
	}
	var notes []Note
	for k := range src.Rules {
		j := src.Tried(k)
		for m := 0; m < k; m++ {
			i := src.Tried(m)
			if portable.Overlap(texts(src.Rules[i].Origins), texts(src.Rules[j].Origins)) {
				r, e := &src.Rules[j], &src.Rules[i]
				notes = append(notes, noteOn(r, "origins", Narrower, platformWords(src)+" goes on to this rule when rule "+strconv.Itoa(e.Index+1)+" matches the origin but not the "+what+"; the converted policy stops at rule "+strconv.Itoa(e.Index+1)+" for origins both rules allow", r.Pos))
				break
			}
		}
	}
	return notes
}

// originToPortable maps one origin entry of platform plat. It returns the
// portable origins (none when inexpressible) and, when the mapping is not
// exact, the effect and why.
func originToPortable(match portable.OriginMatch, o string, regex bool, plat string) ([]string, string, string) {
	if regex {
		return nil, Narrower, "regular expression /" + o + "/ cannot be written in the portable form; left out (list the origins, or use one \"https://*.example.com\" pattern)"
	}
	if o == "*" {
		return []string{"*"}, "", ""
	}
	if match == portable.OriginsLabel && o != strings.ToLower(o) && !strings.Contains(o, "*") {
		// Compared without regard to case: a browser's Origin is
		// lower case (RFC 6454 §6.2), which the lowered entry equals.
		o = strings.ToLower(o)
	}
	if strings.HasPrefix(o, portable.UnresolvedPrefix) {
		// A template's value nobody gave: its reader's placeholder.
		what := strings.TrimSuffix(strings.TrimPrefix(o, portable.UnresolvedPrefix), ">")
		return nil, Same, what + " has no value here (a parameter without a Default, or a value of the deployment), so the rule's origins are unknown; left out: give it with --param to convert this rule"
	}
	if !strings.Contains(o, "*") {
		// Compared exactly, as these entries are (a case-insensitive
		// platform's were lowered above): a browser serializes an
		// origin in lowercase, without a path or its default port
		// (RFC 6454 §6.2). Tried as a new user would, an uppercase
		// entry failed the whole conversion where a trailing slash was
		// left out.
		if o == "" || strings.ContainsAny(o, " \t\r\n,") || strings.HasSuffix(o, "/") || o != strings.ToLower(o) ||
			strings.HasPrefix(o, "https://") && strings.HasSuffix(o, ":443") || strings.HasPrefix(o, "http://") && strings.HasSuffix(o, ":80") {
			return nil, Same, strconv.Quote(o) + " never equals an Origin header a browser sends; left out"
		}
		return []string{o}, "", ""
	}
	glob := match == portable.OriginsGlob
	if _, _, ok := portable.SplitWildcard(o); ok && match == portable.OriginsLabel {
		return nil, Narrower, strconv.Quote(o) + " stands for one label only (a.example.com, not a.b.example.com), where the portable form's \"*.\" covers any depth; left out (list the subdomains)"
	}
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
		return nil, Same, plat + " compares " + strconv.Quote(o) + " literally, so it matches no browser's Origin; left out"
	}
	return nil, Narrower, strconv.Quote(o) + " is a pattern the portable form cannot express (it allows only \"*\" and \"scheme://*.domain\"); left out"
}

func equalRules(a, b portable.Rule) bool {
	eq := func(x, y []string) bool {
		return strings.Join(x, "\x00") == strings.Join(y, "\x00") && len(x) == len(y)
	}
	return eq(a.Origins, b.Origins) && eq(a.Methods, b.Methods) && eq(a.AllowHeaders, b.AllowHeaders) && eq(a.ExposeHeaders, b.ExposeHeaders) &&
		eq(a.Paths, b.Paths) && a.Credentials == b.Credentials && (a.MaxAge == nil) == (b.MaxAge == nil) && (a.MaxAge == nil || *a.MaxAge == *b.MaxAge)
}

func equalSelection(a, b native.Selection) bool {
	return strings.Join(a.Match, "\x00") == strings.Join(b.Match, "\x00") && a.UnmatchedPreflight == b.UnmatchedPreflight
}

// platformWords names what answers src in a note: the platform a
// template configures (Config.Platform: "S3" for a Terraform module's
// bucket), else the source's format.
func platformWords(src *Source) string {
	if src.Platform != "" {
		return src.Platform
	}
	return src.Format
}
