package advise

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// answering is src with the resource that answered the verdict's
// request chosen, when src names none and its format holds several
// (policy.Unchosen): an edit of a template is made in one resource, and
// without one chosen it was made in none (the search fell back to the
// replies, a diff of "a/replies" nobody can apply).
func answering(f policy.Format, src policy.Source, v *explain.Verdict) policy.Source {
	if v.DecidedBy == nil || v.DecidedBy.Resource == "" {
		return src
	}
	if slices.Contains(policy.Unchosen(f, src), v.DecidedBy.Resource) {
		src.Resource = v.DecidedBy.Resource
	}
	return src
}

// policyFix edits the policy text one condition at a time, following the
// rule trace of each run, for up to three candidate rules, and keeps the
// fix with the fewest edits. A policy of several files (a Terraform
// module and its .tfvars, a template and its parameter file) is edited
// in the file where the value each edit changes is written, or in its
// parameters when it is given there (fix.FileEditor); every run reads
// all the files, with the edits made.
func (se *searcher) policyFix(s explain.Scenario, v *explain.Verdict) (explain.Fix, bool) {
	format, src0 := s.Policy.Format, s.Policy.Source()
	pf, ok := se.reads.lookup(format)
	if !ok {
		return explain.Fix{}, false
	}
	if _, ok := pf.(fix.Editor); !ok {
		return explain.Fix{}, false
	}
	src0 = answering(pf, src0, v)
	src := se.rulesOf(pf, src0)
	best, partial := se.editSearch(s, v, pf, src0, src, "")
	// A policy that lets any site read with credentials (origin: true,
	// a "*" echoed), or that echoes any origin when the page sends
	// credentials, which the fix must allow: widening its methods or
	// headers widens them for every site, which the safety check
	// refuses, so the search tries again, first allowing the page's
	// origin alone. Tried as a new user would, such a policy got raw
	// replies to write instead of its methods array. Asked only when
	// no fix passed, so that the common search pays nothing for it. A
	// format that chooses its own edits (fix.EditChooser: an Ingress
	// whose refused list the controller makes "*" mends the list) is
	// left to them.
	if _, chooses := pf.(fix.EditChooser); best == nil && !chooses {
		if page := pageOrigin(v, s); page != "" && page != "null" {
			if echoed, cred := se.foreign(s); cred || echoed && s.Request.Credentials == "include" {
				b, p := se.editSearch(s, v, pf, src0, src, page)
				if best = b; partial == nil {
					partial = p
				}
			}
		}
	}
	if best == nil && partial != nil {
		return *partial, true
	}
	if best == nil {
		return explain.Fix{}, false
	}
	return *best, true
}

// editSearch is policyFix's search: for each candidate rule, edits one
// condition at a time following the rule trace of each run, and keeps
// the fix with the fewest edits (best), else the edits that leave the
// code behind the configuration to do the rest (partial). With restrict
// (the page's origin), each chain starts by allowing that origin alone.
func (se *searcher) editSearch(s explain.Scenario, v *explain.Verdict, pf policy.Format, src0 policy.Source, src *convert.Source, restrict string) (best, partial *explain.Fix) {
	format := s.Policy.Format
	bestCost := 0
	for _, t := range chooseTargets(v, src, s) {
		cur, edited := *v, src0
		// last is the trial of edited when its run let the fetch pass:
		// the fix's AllowedIn runs on it.
		var last *explain.Trial
		var steps []string
		// Room for a fix's usual few edits without an allocation.
		var room [4]applied
		done := room[:0]
		cost := 0
		for i := 0; i < maxEditsPerFix && !cur.Allowed; i++ {
			e, why, ok := se.nextEdit(&cur, edited, pf, t, s)
			// (Unless the search replaces the origin itself first:
			// a "*" with credentials.)
			first := i == 0 && restrict != "" && !(ok && e.Op == fix.Replace && e.Field == fix.Origins)
			if first {
				e, why, ok = fix.Edit{Op: fix.Replace, Rule: t, Field: fix.Origins, Old: "*", Values: []string{restrict}},
					"allow only the origin "+restrict+" in rule "+strconv.Itoa(t+1)+", which echoes every origin (with credentials, any site could read the replies as the signed-in user)", true
			}
			if !ok {
				break
			}
			if repeated(done, e) {
				// The same edit again: the one before changed
				// nothing the browser checks (the reply that still
				// fails is the code's behind the configuration,
				// such as a Lambda proxy's). Tried as a new user
				// would, a serverless.yml got its origin added ten
				// times. Undo the edits since the last that
				// helped, and stop.
				for len(done) > 0 && !done[len(done)-1].helped {
					d := done[len(done)-1]
					done = done[:len(done)-1]
					edited, steps, cost, last = d.before, steps[:len(steps)-1], d.cost, nil
				}
				break
			}
			c, next, err := fix.ApplyChange(pf, edited, e)
			if err != nil && e.Op == fix.Replace && e.Field == fix.Origins && e.Old != "*" && len(e.Values) == 1 {
				// An editor that cannot replace that entry where
				// it is: the page's origin beside it passes too.
				e = fix.Edit{Op: fix.Add, Rule: e.Rule, Field: fix.Origins, Values: e.Values}
				why = "allow the origin " + e.Values[0] + " in rule " + strconv.Itoa(e.Rule+1)
				c, next, err = fix.ApplyChange(pf, edited, e)
			}
			if err != nil || sameSource(next, edited) {
				break
			}
			done = append(done, applied{edit: e, before: edited, cost: cost})
			wasReason, wasConsole := cur.Reason, cur.Console
			edited, last = next, nil
			if c.Where != "" {
				why += " (" + c.Where + ")"
			}
			steps = append(steps, why)
			cost++
			// Widening a rule that allows every origin widens it for
			// every origin: prefer a rule that names the page (count it
			// as two more edits).
			if e.Field != fix.Origins && src != nil && e.Rule < len(src.Rules) && anyOrigin(src.Rules[e.Rule]) {
				cost += 2
			}
			cs := s
			cs.Policy = policyOf(s.Policy, edited)
			var ran bool
			if cur, last, ran = se.trial(cs); !ran {
				break
			}
			done[len(done)-1].helped = first || cur.Allowed || cur.Reason != wasReason || !slices.Equal(cur.Console, wasConsole)
		}
		if !cur.Allowed && partial == nil && cost > 0 {
			partial = se.withFunction(s, &cur, pf, src0, edited, steps)
		}
		if !cur.Allowed || best != nil && cost >= bestCost {
			continue
		}
		cs := s
		cs.Policy = policyOf(s.Policy, edited)
		if !se.safePolicy(cs) {
			continue
		}
		// cur is last's verdict in the chosen browser, when last ran.
		ran := &cur
		if last == nil {
			last, ran = se.newTrial(cs), nil
		}
		f := explain.Fix{Where: "server", Format: format, Summary: upperFirst(strings.Join(steps, "; ")) + ".", Steps: steps, AllowedIn: se.allowedInTrial(last, cs, ran, se.browser)}
		changes(&f, pf, src0, edited)
		best, bestCost = &f, cost
		if cost <= 1 {
			break
		}
	}
	return best, partial
}

// applied is an edit policyFix made: the source before it, the cost
// before it, and whether the verdict after it differs (helped).
type applied struct {
	edit   fix.Edit
	before policy.Source
	cost   int
	helped bool
}

// repeated reports whether e is an edit already made.
func repeated(done []applied, e fix.Edit) bool {
	for _, d := range done {
		if d.edit.Op == e.Op && d.edit.Rule == e.Rule && d.edit.Field == e.Field && d.edit.Old == e.Old && d.edit.Line == e.Line && slices.Equal(d.edit.Values, e.Values) {
			return true
		}
	}
	return false
}

// withFunction is the fix of edits that leave one thing to do outside
// the configuration: the reply of the code behind it (a REST API's
// Lambda proxy, whose function's own headers are the actual request's
// CORS answer), when the edits let the preflight pass and that reply is
// what still fails. Its diff is the edits; its steps end with the header
// lines the function must return (headersFix of the edited scenario,
// which checks that the two together pass). Tried as a new user would, a
// SAM API missing DELETE in AllowMethods got replies alone, the
// template's own edit left out. Nil when it does not apply.
func (se *searcher) withFunction(s explain.Scenario, cur *explain.Verdict, pf policy.Format, src0, edited policy.Source, steps []string) *explain.Fix {
	if cur.DecidedBy == nil || cur.DecidedBy.Layer != "integration" || cur.Failure() == nil || cur.Failure().Preflight {
		return nil
	}
	cs := s
	cs.Policy = policyOf(s.Policy, edited)
	if !se.safePolicy(cs) {
		return nil
	}
	hf, ok := se.headersFix(cs, cur)
	if !ok || len(hf.Steps) == 0 {
		return nil
	}
	steps = append(steps, "then make "+cur.DecidedBy.Resource+"'s code "+strings.Join(hf.Steps, "; "))
	f := explain.Fix{Where: "server", Format: s.Policy.Format, Summary: upperFirst(strings.Join(steps, "; ")) + ".", Steps: steps, AllowedIn: hf.AllowedIn}
	changes(&f, pf, src0, edited)
	return &f
}

// rulesOf is the policy's rules, which chooseTargets ranks: read from
// its text, or, for a policy of several files or with parameters, stated
// from its whole source as the verdict read it (convert.Stater), since
// its main file alone may not say them (a list from a .tfvars file);
// nil when they cannot be read.
func (se *searcher) rulesOf(pf policy.Format, src policy.Source) *convert.Source {
	if src.OneText() {
		rules, _ := se.reads.read(pf.Name(), src.Main())
		return rules
	}
	st, ok := pf.(convert.Stater)
	if !ok {
		return nil
	}
	ev, err := policy.Parse(pf, src)
	if err != nil {
		return nil
	}
	if cfg, ok := st.StateRules(ev, src.Main()); ok {
		return cfg
	}
	return nil
}

// changes sets f's Diff, Text, Files and Params from src0 to src: for a
// policy of one text, the diff of that text labelled with the format's
// file name (fix.Editor's FileName) and the changed text; for a policy
// of files, a diff per changed file labelled with its own name (Diff
// holds them one after another), the main file's text when it changed,
// and the parameters given new values.
func changes(f *explain.Fix, pf policy.Format, src0, src policy.Source) {
	if len(src0.Files) == 0 {
		name := fix.MainName(pf, src0)
		f.Diff = fix.Diff("a/"+name, "b/"+name, src0.Text, src.Text)
		f.Text = src.Text
		if parts, ok := partsOf(pf, src0.Text, src.Text); ok {
			f.Files, f.Diff = parts, joinDiffs(parts)
		}
	} else {
		if src.Text != src0.Text {
			name := fix.MainName(pf, policy.Source{Text: src0.Text})
			f.Files = append(f.Files, explain.FileFix{Name: name, Diff: fix.Diff("a/"+name, "b/"+name, src0.Text, src.Text), Text: src.Text})
		}
		for i, old := range src0.Files {
			if i < len(src.Files) && src.Files[i].Text != old.Text {
				nt := src.Files[i].Text
				if parts, ok := partsOf(pf, old.Text, nt); ok {
					f.Files = append(f.Files, parts...)
					continue
				}
				f.Files = append(f.Files, explain.FileFix{Name: old.Name, Diff: fix.Diff("a/"+old.Name, "b/"+old.Name, old.Text, nt), Text: nt})
			}
		}
		f.Diff = joinDiffs(f.Files)
		if m := src.Main(); m != src0.Main() {
			f.Text = m
		}
	}
	for k, v := range src.Params {
		if old, ok := src0.Params[k]; !ok || old != v {
			if f.Params == nil {
				f.Params = map[string]string{}
			}
			f.Params[k] = v
		}
	}
}

// sameSource reports two sources of the same texts and parameters (an
// edit that changed nothing).
func sameSource(a, b policy.Source) bool {
	if a.Text != b.Text || len(a.Files) != len(b.Files) || len(a.Params) != len(b.Params) {
		return false
	}
	for i := range a.Files {
		if a.Files[i] != b.Files[i] {
			return false
		}
	}
	for k, v := range a.Params {
		if w, ok := b.Params[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// withMain is src with text as its main text (Source.Main).
func withMain(src policy.Source, text string) policy.Source {
	if src.Text == "" && len(src.Files) > 0 {
		src.Files = append([]policy.File{{Name: src.Files[0].Name, Text: text}}, src.Files[1:]...)
	} else {
		src.Text = text
	}
	return src
}

// policyText is p with text as its main text, its other files, chosen
// resource and parameters kept.
func policyText(p *explain.Policy, text string) *explain.Policy {
	return policyOf(p, withMain(p.Source(), text))
}

// policyOf is p with src's texts, files and parameters, its format and
// chosen resource kept.
func policyOf(p *explain.Policy, src policy.Source) *explain.Policy {
	return &explain.Policy{Format: p.Format, Text: src.Text, Files: src.Files, Params: src.Params, Resource: p.Resource}
}

// anyOrigin reports a rule that allows every origin ("*" or echoing any).
func anyOrigin(r convert.Rule) bool {
	if r.ReflectAny {
		return true
	}
	for _, o := range r.Origins {
		if strings.TrimSpace(o.Text) == "*" {
			return true
		}
	}
	return false
}

// chooseTargets ranks the rules a fix may change: the rule that decided,
// then rules whose origin matched, then rules that already allow the
// method and most of the headers.
func chooseTargets(v *explain.Verdict, src *convert.Source, s explain.Scenario) []int {
	var out []int
	add := func(i int) {
		if !slices.Contains(out, i) && len(out) < 3 {
			out = append(out, i)
		}
	}
	for _, r := range v.Rules {
		if r.Matched {
			add(r.Index)
		}
	}
	for _, r := range v.Rules {
		switch r.Failed {
		case "", "origin", "path", "inheritance", "status", "value":
		default:
			add(r.Index)
		}
	}
	if src != nil {
		method := requestMethod(v, s)
		requested := requestedHeaders(v)
		type scored struct{ i, score int }
		var all []scored
		for i, r := range src.Rules {
			if r.Disabled || len(r.Paths) > 0 && !pathCovered(r.Paths, s.Request.URL) {
				continue
			}
			sc := 0
			for _, m := range r.Methods {
				if m.Text == method || m.Text == "*" {
					sc += 2 * (len(requested) + 1)
				}
			}
			for _, h := range requested {
				if covered(r.AllowHeaders, h) {
					sc++
				}
			}
			all = append(all, scored{i, sc})
		}
		// Highest score first, rules of one score in their order: an
		// insertion sort, stable, of the few rules a policy has, where
		// sort.SliceStable's swapper cost an allocation (and
		// slices.SortStableFunc 25 KB of the full engine's wasm, with
		// lint's sortFindings).
		for i := 1; i < len(all); i++ {
			for j := i; j > 0 && all[j].score > all[j-1].score; j-- {
				all[j], all[j-1] = all[j-1], all[j]
			}
		}
		for _, x := range all {
			add(x.i)
		}
	}
	if len(out) == 0 {
		out = append(out, 0)
	}
	return out
}

// pathCovered reports whether one of a rule's paths covers the request's
// URL, as the neutral model reads paths (portable.UnderPath); a URL that
// does not parse is taken as covered.
func pathCovered(paths []string, rawURL string) bool {
	u, err := origin.ParseURL(rawURL)
	if err != nil {
		return true
	}
	return portable.Rule{Paths: paths}.MatchPath(u.Path)
}

// requestMethod is the method the server is asked to allow: the
// preflight's Access-Control-Request-Method, else the actual method.
func requestMethod(v *explain.Verdict, s explain.Scenario) string {
	if m, ok := v.Preflight.Headers["access-control-request-method"]; ok {
		return m
	}
	if v.ActualRequest != nil {
		return v.ActualRequest.Method
	}
	if s.Request.Method == "" {
		return "GET"
	}
	return fetch.NormalizeMethod(s.Request.Method)
}

// requestedHeaders are the names of the preflight's
// Access-Control-Request-Headers, deduplicated.
func requestedHeaders(v *explain.Verdict) []string {
	// Cut in a loop: strings.Split's list of the pieces is not needed.
	rest, more := v.Preflight.Headers["access-control-request-headers"], true
	if rest == "" {
		return nil
	}
	// Room for every name, where growing from nothing cost an allocation
	// for the first, second and fourth.
	out := make([]string, 0, strings.Count(rest, ",")+1)
	for more {
		var h string
		h, rest, more = strings.Cut(rest, ",")
		if h = strings.TrimSpace(h); h != "" && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// covered reports whether a header list entry allows name: a
// case-insensitive match, with "*" matching any run of characters (S3
// and Azure prefix patterns such as x-amz-meta-*).
func covered(list []convert.Value, name string) bool {
	for _, v := range list {
		pat := strings.TrimSpace(v.Text)
		// ASCII text (every header name a browser sends) is matched
		// folding case byte by byte, as strings.ToLower would fold it,
		// without building the lowered copies: the search asks this of
		// each rule and requested header.
		if headers.IsASCII(pat) && headers.IsASCII(name) {
			if glob(pat, name, headers.EqualFold) {
				return true
			}
			continue
		}
		if glob(strings.ToLower(pat), strings.ToLower(name), equal) {
			return true
		}
	}
	return false
}

// glob matches pat, where * stands for any run of bytes, against s,
// comparing the fixed parts with eq: equal for text already lowered,
// headers.EqualFold for ASCII text as written (the same answer, without
// the lowered copies).
func glob(pat, s string, eq func(a, b string) bool) bool {
	i := strings.IndexByte(pat, '*')
	if i < 0 {
		return len(pat) == len(s) && eq(pat, s)
	}
	if len(s) < i || !eq(s[:i], pat[:i]) {
		return false
	}
	rest := pat[i+1:]
	for j := i; j <= len(s); j++ {
		if glob(rest, s[j:], eq) {
			return true
		}
	}
	return false
}

func equal(a, b string) bool { return a == b }

// pageOrigin is the Origin the browser sent, the value a fix allows.
func pageOrigin(v *explain.Verdict, s explain.Scenario) string {
	if v.Failure() != nil && v.Failure().Origin != "" {
		return v.Failure().Origin
	}
	if o, err := origin.Parse(s.Request.Origin); err == nil {
		return o.String()
	}
	return s.Request.Origin
}

// baseReason drops DevTools' "Preflight" prefix, which marks the same
// condition found on the preflight's response.
func baseReason(r string) string {
	switch r {
	case fetch.ReasonPreflightInvalidStatus, fetch.ReasonPreflightDisallowedRedirect:
		return r
	}
	return strings.TrimPrefix(r, "Preflight")
}

// nextEdit is the one change the current verdict asks for next, in rule
// t (or the rule that decided), with its description.
func (se *searcher) nextEdit(cur *explain.Verdict, edited policy.Source, f policy.Format, t int, s explain.Scenario) (fix.Edit, string, bool) {
	page := pageOrigin(cur, s)
	if page == "null" || page == "" {
		return fix.Edit{}, "", false
	}
	method := requestMethod(cur, s)
	if c, ok := f.(fix.LayerEditor); ok && cur.DecidedBy != nil && cur.DecidedBy.Layer != "cors-rule" {
		if e, why, ok := c.ChooseLayerEdit(blocked(cur, page, method)); ok {
			return e, why, true
		}
	}
	if c, ok := f.(fix.EditChooser); ok {
		return c.ChooseEdit(blocked(cur, page, method))
	}
	reason := baseReason(cur.Reason)
	var entry *policy.Rule
	for i := range cur.Rules {
		if cur.Rules[i].Index == t {
			entry = &cur.Rules[i].Rule
		}
	}
	if entry == nil || entry.Matched {
		for i := range cur.Rules {
			if cur.Rules[i].Matched {
				entry = &cur.Rules[i].Rule
				t = entry.Index
			}
		}
	}
	rule := "rule " + strconv.Itoa(t+1)
	// replaceMisspelt replaces an entry of rule t that means page but
	// never matches it, rather than add page beside the dead entry.
	replaceMisspelt := func() (fix.Edit, string, bool) {
		if old := misspelt(se.rulesOf(f, edited), t, page); old != "" {
			return fix.Edit{Op: fix.Replace, Rule: t, Field: fix.Origins, Old: old, Values: []string{page}},
				"replace the origin " + strconv.Quote(old) + " by " + page + " in " + rule + " (an Origin header is scheme://host[:port] in lowercase, without a path, a trailing slash or a default port)", true
		}
		return fix.Edit{}, "", false
	}
	if entry != nil && !entry.Matched {
		switch entry.Failed {
		case "origin":
			if e, why, ok := replaceMisspelt(); ok {
				return e, why, ok
			}
			return fix.Edit{Op: fix.Add, Rule: t, Field: fix.Origins, Values: []string{page}}, "allow the origin " + page + " in " + rule, true
		case "method":
			return fix.Edit{Op: fix.Add, Rule: t, Field: fix.Methods, Values: []string{method}}, "allow the method " + method + " in " + rule, true
		case "headers":
			miss := missingHeaders(cur, se.rulesOf(f, edited), t)
			if len(miss) == 0 {
				return fix.Edit{}, "", false
			}
			return fix.Edit{Op: fix.Add, Rule: t, Field: fix.AllowHeaders, Values: miss}, "allow the request header" + plural(miss) + " " + strings.Join(miss, ", ") + " in " + rule, true
		}
		if len(cur.Rules) > 0 && entry.Failed != "" {
			return fix.Edit{}, "", false
		}
	}
	switch reason {
	case fetch.ReasonWildcardOriginNotAllowed:
		return fix.Edit{Op: fix.Replace, Rule: t, Field: fix.Origins, Old: "*", Values: []string{page}},
			"replace the wildcard origin \"*\" by " + page + " in " + rule + " (with credentials a browser needs the exact origin; list any other origin that relied on \"*\" too)", true
	case fetch.ReasonInvalidAllowCredentials:
		return fix.Edit{Op: fix.Enable, Rule: t, Field: fix.Credentials}, "allow credentials in " + rule, true
	case fetch.ReasonMethodDisallowed:
		return fix.Edit{Op: fix.Add, Rule: t, Field: fix.Methods, Values: []string{method}}, "allow the method " + method + " in " + rule, true
	case fetch.ReasonHeaderDisallowed:
		miss := replyMissingHeaders(cur)
		if len(miss) == 0 {
			return fix.Edit{}, "", false
		}
		return fix.Edit{Op: fix.Add, Rule: t, Field: fix.AllowHeaders, Values: miss}, "allow the request header" + plural(miss) + " " + strings.Join(miss, ", ") + " in " + rule, true
	case fetch.ReasonMissingAllowOriginHeader, fetch.ReasonAllowOriginMismatch:
		// A rule that sends its one origin as written (Hono's and
		// Express's cors() with a string) matched, and the browser
		// found the value wrong: tried as a new user would, a trailing
		// slash got the page's origin added beside it.
		if e, why, ok := replaceMisspelt(); ok {
			return e, why, ok
		}
		return fix.Edit{Op: fix.Add, Rule: t, Field: fix.Origins, Values: []string{page}}, "allow the origin " + page + " in " + rule, true
	}
	return fix.Edit{}, "", false
}

func plural(l []string) string {
	if len(l) > 1 {
		return "s"
	}
	return ""
}

// missingHeaders are the requested names rule t of src does not
// cover.
func missingHeaders(cur *explain.Verdict, src *convert.Source, t int) []string {
	requested := requestedHeaders(cur)
	if src == nil || t >= len(src.Rules) {
		return requested
	}
	var out []string
	for _, h := range requested {
		if !covered(src.Rules[t].AllowHeaders, h) {
			out = append(out, h)
		}
	}
	return out
}

// misspelt is the entry of rule t's origins that means page but never
// matches it: page with a path or trailing slash, in other case, or with
// its default port ("https://app.example.com/"), else "". A fix replaces
// it rather than add page beside an entry that never matches (tried as a
// new user would, the fix kept the dead entry).
func misspelt(src *convert.Source, t int, page string) string {
	if src == nil || t >= len(src.Rules) {
		return ""
	}
	for _, o := range src.Rules[t].Origins {
		if origin.Misspells(o.Text, page) {
			return o.Text
		}
	}
	return ""
}

// replyMissingHeaders are the requested names the preflight reply's
// Access-Control-Allow-Headers does not list.
func replyMissingHeaders(cur *explain.Verdict) []string {
	var listed []string
	if cur.Preflight.Reply != nil {
		for _, f := range cur.Preflight.Reply.Header {
			if strings.EqualFold(f.Name, "Access-Control-Allow-Headers") {
				for _, x := range strings.Split(f.Value, ",") {
					listed = append(listed, strings.ToLower(strings.TrimSpace(x)))
				}
			}
		}
	}
	var out []string
	for _, h := range requestedHeaders(cur) {
		if !slices.Contains(listed, strings.ToLower(h)) {
			out = append(out, h)
		}
	}
	if len(out) == 0 && cur.Failure() != nil && cur.Failure().Value != "" {
		out = append(out, strings.ToLower(cur.Failure().Value))
	}
	return out
}

// blocked is what a format that chooses its own edits reads of the
// current verdict.
func blocked(cur *explain.Verdict, page, method string) fix.Blocked {
	b := fix.Blocked{Origin: page, Method: method}
	if n := len(cur.Requests); n > 0 {
		// The exchange that failed is the last one sent.
		b.URL = cur.Requests[n-1].URL
	}
	if cur.DecidedBy != nil {
		b.DecidedBy = cur.DecidedBy.Layer
	}
	if cur.Reply != nil {
		b.Status = cur.Reply.Status
	}
	if !cur.RulesOfPreflight {
		// The preflight's rules say nothing of the actual request that
		// failed (a last look: nginx's fix edited the OPTIONS block for
		// a PUT no block answered, and fell back to replies).
		for _, r := range cur.Rules {
			b.Rules = append(b.Rules, r.Rule)
		}
	}
	if cur.Failure() != nil && cur.Failure().Preflight && cur.Preflight.Reply != nil {
		if st := cur.Preflight.Reply.Status; st < 200 || st > 299 {
			b.PreflightFailed, b.PreflightStatus = true, st
		}
	}
	switch baseReason(cur.Reason) {
	case fetch.ReasonMissingAllowOriginHeader, fetch.ReasonAllowOriginMismatch:
		b.Needs = "origin"
	case fetch.ReasonMethodDisallowed:
		b.Needs = "method"
	case fetch.ReasonHeaderDisallowed:
		b.Needs = "headers"
		b.Headers = replyMissingHeaders(cur)
	case fetch.ReasonInvalidAllowCredentials:
		b.Needs = "credentials"
	case fetch.ReasonMultipleAllowOriginValues:
		b.Needs = "one-origin"
	}
	return b
}

// partsOf are the files a change changes when the format's one text
// holds several (fix.Parted: an nginx -T dump), each a diff of its own
// named by its path, as patch -p1 applies it from the root; ok is false
// otherwise.
func partsOf(pf policy.Format, old, new string) ([]explain.FileFix, bool) {
	pt, is := pf.(fix.Parted)
	if !is {
		return nil, false
	}
	parts, ok := pt.Parts(old, new)
	if !ok {
		return nil, false
	}
	out := make([]explain.FileFix, len(parts))
	for i, p := range parts {
		name := strings.TrimPrefix(p.Name, "/")
		out[i] = explain.FileFix{Name: p.Name, Diff: fix.Diff("a/"+name, "b/"+name, p.Before, p.After), Text: p.After}
	}
	return out, true
}

// joinDiffs is the diffs of files one after another, as one patch.
func joinDiffs(files []explain.FileFix) string {
	var b strings.Builder
	for _, f := range files {
		b.WriteString(f.Diff)
	}
	return b.String()
}
