package advise

import (
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
)

// maxFixRuns bounds the browser-model runs one fix search may spend (each
// is one browser, ~50 µs natively), so a blocked verdict costs at most a
// few milliseconds more than an allowed one.
const maxFixRuns = 32

// maxEditsPerFix bounds the edits one fix may chain (origin, method,
// headers, credentials and status of the preflight, then origin and credentials of the reply).
const maxEditsPerFix = 10

// searcher is one fix search: the chosen browser, the lint errors of the
// user's policy (a fix may keep those, never add one), and the runs spent.
type searcher struct {
	o        explain.Options
	browser  string
	lintErrs map[string]int
	runs     int
}

// once runs the chosen browser alone on s.
func (se *searcher) once(s explain.Scenario) (explain.Verdict, bool) {
	if se.runs >= maxFixRuns {
		return explain.Verdict{}, false
	}
	se.runs++
	s.Browser = se.browser
	v, err := explain.Run(s, se.o)
	if err != nil {
		return explain.Verdict{}, false
	}
	return v, true
}

// findFixes searches for the smallest change that lets the fetch pass:
// on the client when fetch() itself refuses the request, else in the
// user's own policy text, else as the header lines the server must send.
// Every fix is verified by running the browser model on the changed
// scenario, and a policy fix also by engine/lint (no new error) and by a
// probe from a foreign origin (no wildcard or echoed origin with
// credentials). s.Policy.Format is the format read, never "auto".
func findFixes(s explain.Scenario, v *explain.Verdict, lintErrs map[string]int, o explain.Options) []explain.Fix {
	out := []explain.Fix{}
	if v.Failure() == nil {
		return out
	}
	p := v.Browser
	se := &searcher{o: o, browser: p, lintErrs: lintErrs}
	reason := v.Failure().Reason
	if req, why, ok := clientChange(s, v); ok {
		cs := s
		cs.Request = req
		if cv, ok := se.once(cs); ok {
			if cv.Allowed {
				out = append(out, se.clientFix(s, cs, why, p))
			} else if sf, ok := se.server(cs, &cv); ok {
				f := se.clientFix(s, cs, why, p)
				f.Steps = append(f.Steps, "then change the server as the next fix says")
				f.AllowedIn = []string{} // passes only with the server fix that follows
				sf.Summary = "Together with the client change: " + sf.Summary
				out = append(out, f, sf)
			}
		}
		if clientOnly[reason] {
			return out
		}
	}
	if sf, ok := se.server(s, v); ok {
		out = append(out, sf)
	}
	// A credentialed request the server answers with "*" can also stop
	// sending credentials, when it does not need them.
	if reason == fetch.ReasonWildcardOriginNotAllowed || strings.TrimPrefix(reason, "Preflight") == fetch.ReasonWildcardOriginNotAllowed {
		cs := s
		cs.Request.Credentials = "same-origin"
		if cv, ok := se.once(cs); ok && cv.Allowed {
			out = append(out, se.clientFix(s, cs, "if the request needs no cookies or HTTP authentication, do not send credentials (credentials: \"same-origin\", the default)", p))
		}
	}
	return out
}

// clientOnly are the reasons only the page can fix: fetch() throws before
// any request, or the request's own mode refuses it.
var clientOnly = map[string]bool{
	fetch.ReasonInvalidMethod: true, fetch.ReasonForbiddenMethod: true, fetch.ReasonNoCorsMethod: true,
	fetch.ReasonURLCredentials: true, fetch.ReasonModeNavigate: true, fetch.ReasonBodyWithGetHead: true,
	fetch.ReasonStreamNoCors: true, fetch.ReasonInvalidHeader: true, fetch.ReasonInvalidHeaderValue: true,
	fetch.ReasonDisallowedByMode: true, fetch.ReasonNoCorsRedirectModeNotFollow: true,
	fetch.ReasonStreamNeedsHTTP2: true, fetch.ReasonCorsDisabledScheme: true,
}

// clientChange is the change to the fetch() call for reasons the page
// causes (engine/fetch's reasons; Fetch §5.3 Request constructor).
func clientChange(s explain.Scenario, v *explain.Verdict) (explain.Request, string, bool) {
	r := s.Request
	r.Headers = r.Headers.Clone()
	f := v.Failure()
	switch f.Reason {
	case fetch.ReasonInvalidMethod, fetch.ReasonForbiddenMethod:
		m := "GET"
		if r.Body != nil || r.BodyType != "" {
			m = "POST"
		}
		r.Method = m
		return r, "fetch() refuses the method " + strconv.Quote(f.Value) + "; send " + m + " (or another method the server allows)", true
	case fetch.ReasonNoCorsMethod, fetch.ReasonModeNavigate, fetch.ReasonStreamNoCors, fetch.ReasonDisallowedByMode:
		r.Mode = "cors"
		return r, "use mode \"cors\" (the default), the only mode that lets the page read another origin's response", true
	case fetch.ReasonNoCorsRedirectModeNotFollow:
		r.Redirect = "follow"
		return r, "mode \"no-cors\" needs redirect \"follow\" (the default)", true
	case fetch.ReasonURLCredentials:
		u := r.URL
		if i := strings.Index(u, "://"); i >= 0 {
			if at := strings.IndexByte(u[i+3:], '@'); at >= 0 {
				if sl := strings.IndexAny(u[i+3:], "/?#"); sl < 0 || at < sl {
					r.URL = u[:i+3] + u[i+3+at+1:]
				}
			}
		}
		return r, "remove the username and password from the URL (send them in an Authorization header instead)", r.URL != s.Request.URL
	case fetch.ReasonBodyWithGetHead:
		r.Body, r.BodyType = nil, ""
		return r, "a " + r.Method + " request cannot carry a body: drop the body (or use POST)", true
	case fetch.ReasonInvalidHeader, fetch.ReasonInvalidHeaderValue:
		kept := headers.List{}
		var dropped []string
		for _, h := range r.Headers {
			if !fetch.IsToken(h.Name) || strings.ContainsAny(h.Value, "\x00\r\n") {
				dropped = append(dropped, h.Name)
				continue
			}
			kept = append(kept, h)
		}
		r.Headers = kept
		return r, "remove the header " + strings.Join(dropped, ", ") + ", which is not valid HTTP", len(dropped) > 0
	case fetch.ReasonCorsDisabledScheme:
		if i := strings.Index(r.URL, "://"); i > 0 {
			r.URL = "https" + r.URL[i:]
			return r, "CORS works only for http and https URLs: fetch the resource over https", true
		}
	case fetch.ReasonStreamNeedsHTTP2:
		if strings.HasPrefix(r.URL, "http://") {
			r.URL = "https://" + strings.TrimPrefix(r.URL, "http://")
			return r, "stream the upload over https (HTTP/2), which Chromium needs for a ReadableStream body", true
		}
	}
	return r, "", false
}

func (se *searcher) clientFix(before, after explain.Scenario, why string, browser string) explain.Fix {
	a, b := fetchCall(before.Request), fetchCall(after.Request)
	req := after.Request
	return explain.Fix{Where: "client", Summary: upperFirst(why) + ".", Format: "fetch",
		Diff: fix.Diff("a/fetch.js", "b/fetch.js", a, b), Text: b, Steps: []string{why}, Request: &req,
		AllowedIn: se.allowedIn(after, browser)}
}

// fetchCall renders a request as the fetch() call a page makes.
func fetchCall(r explain.Request) string {
	var opts []string
	if r.Method != "" && r.Method != "GET" {
		opts = append(opts, "  method: "+strconv.Quote(r.Method)+",")
	}
	if len(r.Headers) > 0 {
		opts = append(opts, "  headers: [")
		for _, h := range r.Headers {
			opts = append(opts, "    ["+strconv.Quote(h.Name)+", "+strconv.Quote(h.Value)+"],")
		}
		opts = append(opts, "  ],")
	}
	if r.Body != nil {
		opts = append(opts, "  body: "+strconv.Quote(*r.Body)+",")
	} else if r.BodyType != "" {
		opts = append(opts, "  body: /* "+r.BodyType+" */,")
	}
	for _, kv := range [][2]string{{"credentials", r.Credentials}, {"mode", r.Mode}, {"redirect", r.Redirect}} {
		if kv[1] != "" {
			opts = append(opts, "  "+kv[0]+": "+strconv.Quote(kv[1])+",")
		}
	}
	if len(opts) == 0 {
		return "fetch(" + strconv.Quote(r.URL) + ")\n"
	}
	return "fetch(" + strconv.Quote(r.URL) + ", {\n" + strings.Join(opts, "\n") + "\n})\n"
}

// allowedIn lists the browsers that let s pass: the chosen one (the
// search verified it) and each other engine, run here.
func (se *searcher) allowedIn(s explain.Scenario, browser string) []string {
	out := []string{}
	for _, name := range summaryBrowsers {
		if name == browser {
			out = append(out, name)
			continue
		}
		s.Browser = name
		if v, err := explain.Run(s, se.o); err == nil && v.Allowed {
			out = append(out, name)
		}
	}
	if browser == "spec" {
		out = append(out, "spec")
	}
	return out
}

// summaryBrowsers are the engines a fix's AllowedIn is checked in, as
// explain's Verdict.Browsers compares them.
var summaryBrowsers = [...]string{"chrome", "firefox", "safari"}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// server finds a server-side fix: an edit of the policy text when the
// format can be edited in place, else the header lines to send.
func (se *searcher) server(s explain.Scenario, v *explain.Verdict) (explain.Fix, bool) {
	if s.Policy != nil && se.editable(s.Policy.Format) {
		if f, ok := se.policyFix(s, v); ok {
			return f, true
		}
	}
	return se.headersFix(s, v)
}

// editable reports a format the fix search can edit in the user's text.
func (se *searcher) editable(format string) bool {
	f, _ := se.o.Formats.Lookup(format)
	_, ed := f.(fix.Editor)
	return ed
}

// policyFix edits the policy text one condition at a time, following the
// rule trace of each run, for up to three candidate rules, and keeps the
// fix with the fewest edits.
func (se *searcher) policyFix(s explain.Scenario, v *explain.Verdict) (explain.Fix, bool) {
	format, text0 := s.Policy.Format, s.Policy.Text
	pf, ok := se.o.Formats.Lookup(format)
	if !ok {
		return explain.Fix{}, false
	}
	ed, ok := pf.(fix.Editor)
	if !ok {
		return explain.Fix{}, false
	}
	src, _ := convert.Read(se.o.Formats, text0, format)
	var best *explain.Fix
	bestCost := 0
	for _, t := range chooseTargets(v, src, s) {
		text, cur := text0, *v
		var steps []string
		cost := 0
		for i := 0; i < maxEditsPerFix && !cur.Allowed; i++ {
			e, why, ok := se.nextEdit(&cur, text, pf, t, s)
			if !ok {
				break
			}
			nt, err := fix.Apply(pf, text, e)
			if err != nil || nt == text {
				break
			}
			text = nt
			steps = append(steps, why)
			cost++
			// Widening a rule that allows every origin widens it for
			// every origin: prefer a rule that names the page (count it
			// as two more edits).
			if e.Field != fix.Origins && src != nil && e.Rule < len(src.Rules) && anyOrigin(src.Rules[e.Rule]) {
				cost += 2
			}
			cs := s
			cs.Policy = &explain.Policy{Format: format, Text: text}
			var ran bool
			if cur, ran = se.once(cs); !ran {
				break
			}
		}
		if !cur.Allowed || best != nil && cost >= bestCost {
			continue
		}
		cs := s
		cs.Policy = &explain.Policy{Format: format, Text: text}
		if !se.safePolicy(cs) {
			continue
		}
		f := explain.Fix{Where: "server", Format: format, Summary: upperFirst(strings.Join(steps, "; ")) + ".", Steps: steps,
			Diff: fix.Diff("a/"+ed.FileName(), "b/"+ed.FileName(), text0, text), Text: text, AllowedIn: se.allowedIn(cs, se.browser)}
		best, bestCost = &f, cost
		if cost <= 1 {
			break
		}
	}
	if best == nil {
		return explain.Fix{}, false
	}
	return *best, true
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

// safePolicy refuses a changed policy that lint finds a new error in, or
// that answers a foreign origin with a wildcard or its own origin together
// with Access-Control-Allow-Credentials: true.
func (se *searcher) safePolicy(s explain.Scenario) bool {
	format := s.Policy.Format
	if fa, err := lint.Lint(se.o.Formats, s.Policy.Text, format); err == nil {
		had := map[string]int{}
		for code, n := range se.lintErrs {
			had[code] = n
		}
		for _, f := range fa {
			if f.Severity == lint.Error {
				if had[f.Code] == 0 {
					return false
				}
				had[f.Code]--
			}
		}
	}
	return !se.credentialedWildcard(s)
}

// credentialedWildcard asks the policy what it answers a foreign origin
// sending the scenario's request, preflight and actual, and reports a
// reply that would let that origin read with credentials.
func (se *searcher) credentialedWildcard(s explain.Scenario) bool {
	f, ok := se.o.Formats.Lookup(s.Policy.Format)
	if !ok {
		return false
	}
	ev, err := f.Parse(s.Policy.Text)
	if err != nil {
		return false
	}
	method := fetch.NormalizeMethod(s.Request.Method)
	if method == "" {
		method = "GET"
	}
	var names []string
	for _, h := range s.Request.Headers {
		names = append(names, strings.ToLower(h.Name))
	}
	pre := headers.List{{Name: "Access-Control-Request-Method", Value: method}}
	if len(names) > 0 {
		pre = append(pre, headers.Field{Name: "Access-Control-Request-Headers", Value: strings.Join(names, ",")})
	}
	reqs := []policy.Request{
		{Method: "OPTIONS", URL: s.Request.URL, Header: pre},
		{Method: method, URL: s.Request.URL},
		{Method: "GET", URL: s.Request.URL},
	}
	for _, r := range reqs {
		app := policy.Reply{Status: 200}
		if s.Response != nil {
			app = policy.Reply{Status: s.Response.Status, Header: s.Response.Headers.Clone(), Body: s.Response.Body}
		}
		if lint.AskForeign(ev, r, app).Credentialed() {
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
		if !containsInt(out, i) && len(out) < 3 {
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
		sort.SliceStable(all, func(a, b int) bool { return all[a].score > all[b].score })
		for _, x := range all {
			add(x.i)
		}
	}
	if len(out) == 0 {
		out = append(out, 0)
	}
	return out
}

func pathCovered(paths []string, rawURL string) bool {
	u, err := origin.ParseURL(rawURL)
	if err != nil {
		return true
	}
	p := u.Path
	for _, x := range paths {
		if p == x || strings.HasPrefix(p, strings.TrimSuffix(x, "/")+"/") || x == "/" {
			return true
		}
	}
	return false
}

func containsInt(l []int, i int) bool {
	for _, x := range l {
		if x == i {
			return true
		}
	}
	return false
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
	var out []string
	for _, h := range strings.Split(v.Preflight.Headers["access-control-request-headers"], ",") {
		if h = strings.TrimSpace(h); h != "" && !contains(out, h) {
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
		if glob(strings.ToLower(strings.TrimSpace(v.Text)), strings.ToLower(name)) {
			return true
		}
	}
	return false
}

func glob(pat, s string) bool {
	i := strings.IndexByte(pat, '*')
	if i < 0 {
		return pat == s
	}
	if !strings.HasPrefix(s, pat[:i]) {
		return false
	}
	rest := pat[i+1:]
	for j := i; j <= len(s); j++ {
		if glob(rest, s[j:]) {
			return true
		}
	}
	return false
}

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
func (se *searcher) nextEdit(cur *explain.Verdict, text string, f policy.Format, t int, s explain.Scenario) (fix.Edit, string, bool) {
	page := pageOrigin(cur, s)
	if page == "null" || page == "" {
		return fix.Edit{}, "", false
	}
	method := requestMethod(cur, s)
	if c, ok := f.(fix.EditChooser); ok {
		return c.ChooseEdit(blocked(cur, page, method))
	}
	format := f.Name()
	reason := baseReason(cur.Reason)
	var entry *policy.Rule
	for i := range cur.Rules {
		if cur.Rules[i].Index == t {
			entry = &cur.Rules[i]
		}
	}
	if entry == nil || entry.Matched {
		for i := range cur.Rules {
			if cur.Rules[i].Matched {
				entry = &cur.Rules[i]
				t = entry.Index
			}
		}
	}
	rule := "rule " + strconv.Itoa(t+1)
	if entry != nil && !entry.Matched {
		switch entry.Failed {
		case "origin":
			return fix.Edit{Op: fix.Add, Rule: t, Field: fix.Origins, Values: []string{page}}, "allow the origin " + page + " in " + rule, true
		case "method":
			return fix.Edit{Op: fix.Add, Rule: t, Field: fix.Methods, Values: []string{method}}, "allow the method " + method + " in " + rule, true
		case "headers":
			miss := se.missingHeaders(cur, text, format, t)
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

// missingHeaders are the requested names rule t of the text does not
// cover.
func (se *searcher) missingHeaders(cur *explain.Verdict, text, format string, t int) []string {
	requested := requestedHeaders(cur)
	src, err := convert.Read(se.o.Formats, text, format)
	if err != nil || t >= len(src.Rules) {
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

// replyMissingHeaders are the requested names the preflight reply's
// Access-Control-Allow-Headers does not list.
func replyMissingHeaders(cur *explain.Verdict) []string {
	var listed []string
	if cur.Preflight.Reply != nil {
		for _, f := range cur.Preflight.Reply.Headers {
			if strings.EqualFold(f.Name, "Access-Control-Allow-Headers") {
				for _, x := range strings.Split(f.Value, ",") {
					listed = append(listed, strings.ToLower(strings.TrimSpace(x)))
				}
			}
		}
	}
	var out []string
	for _, h := range requestedHeaders(cur) {
		if !contains(listed, strings.ToLower(h)) {
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
	b := fix.Blocked{Rules: cur.Rules, Origin: page, Method: method}
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
	}
	return b
}
