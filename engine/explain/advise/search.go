package advise

import (
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/fix"
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
	reads    *reads
	browser  string
	lintErrs map[string]int
	runs     int
	// trials makes each run's explain.Trial (made on first use): they
	// share the parse of the page's origin and URL.
	trials *explain.Trials
}

// newTrial is the trial of s, from the search's trials.
func (se *searcher) newTrial(s explain.Scenario) *explain.Trial {
	if se.trials == nil {
		se.trials = explain.NewTrials(se.o)
	}
	return se.trials.New(s)
}

// once runs the chosen browser alone on s.
func (se *searcher) once(s explain.Scenario) (explain.Verdict, bool) {
	v, _, ok := se.trial(s)
	return v, ok
}

// trial is once, with the explain.Trial it ran: a caller that keeps s as
// its fix runs the other browsers on it (allowedInTrial) without setting
// up s again.
func (se *searcher) trial(s explain.Scenario) (explain.Verdict, *explain.Trial, bool) {
	if se.runs >= maxFixRuns {
		return explain.Verdict{}, nil, false
	}
	se.runs++
	t := se.newTrial(s)
	v, err := t.Try(se.browser)
	if err != nil {
		return explain.Verdict{}, nil, false
	}
	return v, t, true
}

// findFixes searches for the smallest change that lets the fetch pass:
// on the client when fetch() itself refuses the request, else in the
// user's own policy text, else as the header lines the server must send.
// Every fix is verified by running the browser model on the changed
// scenario, and a policy fix also by engine/lint (no new error) and by a
// probe from a foreign origin (no wildcard or echoed origin with
// credentials). s.Policy.Format is the format read, never "auto".
func findFixes(s explain.Scenario, v *explain.Verdict, lintErrs map[string]int, o explain.Options, r *reads) []explain.Fix {
	out := []explain.Fix{}
	if v.Failure() == nil {
		return out
	}
	p := v.Browser
	se := &searcher{o: o, reads: r, browser: p, lintErrs: lintErrs}
	reason := v.Failure().Reason
	if req, why, ok := clientChange(s, v); ok {
		cs := s
		cs.Request = req
		if cv, ok := se.once(cs); ok {
			if cv.Allowed {
				f := se.clientFix(s, cs, why)
				f.AllowedIn = se.allowedIn(cs, &cv, p)
				out = append(out, f)
			} else if sf, ok := se.server(cs, &cv); ok {
				f := se.clientFix(s, cs, why)
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
	if noResourceAnswered(s, v, r) {
		// Which resource the user means is theirs to say (the summary
		// asks for --resource); replies made up for none would be
		// nobody's to give.
		return out
	}
	if sf, ok := se.server(s, v); ok {
		out = append(out, sf)
	}
	if f, ok := se.redirectTarget(s, v); ok {
		out = append(out, f)
	}
	// A credentialed request the server answers with "*" can also stop
	// sending credentials, when it does not need them.
	if reason == fetch.ReasonWildcardOriginNotAllowed || strings.TrimPrefix(reason, "Preflight") == fetch.ReasonWildcardOriginNotAllowed {
		cs := s
		cs.Request.Credentials = "same-origin"
		why := "if the request needs no cookies or HTTP authentication, do not send credentials (credentials: \"same-origin\", the default)"
		if s.Request.API == "xhr" {
			why = "if the request needs no cookies or HTTP authentication, do not send credentials (withCredentials false, the default)"
		}
		if cv, ok := se.once(cs); ok && cv.Allowed {
			f := se.clientFix(s, cs, why)
			f.AllowedIn = se.allowedIn(cs, &cv, p)
			out = append(out, f)
		}
	}
	return out
}

// allowedIn lists the browsers that let s pass: the chosen one (the
// search verified it: v is its verdict of s, or nil) and each other
// engine, run here unless v shows that they all pass (passesEverywhere).
func (se *searcher) allowedIn(s explain.Scenario, v *explain.Verdict, browser string) []string {
	if se.passesEverywhere(s, v, browser) {
		return append([]string{}, summaryBrowsers[:]...)
	}
	return se.allowedInTrial(se.newTrial(s), s, nil, browser)
}

// allowedInTrial is allowedIn of s, the scenario t was made from: one
// setup serves every browser.
func (se *searcher) allowedInTrial(t *explain.Trial, s explain.Scenario, v *explain.Verdict, browser string) []string {
	if se.passesEverywhere(s, v, browser) {
		return append([]string{}, summaryBrowsers[:]...)
	}
	out := []string{}
	for _, name := range summaryBrowsers {
		if name == browser {
			out = append(out, name)
			continue
		}
		if ok, err := t.Allows(name); err == nil && ok {
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

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// noResourceAnswered reports a template or module of several resources,
// none chosen, none of which the request's URL names.
func noResourceAnswered(s explain.Scenario, v *explain.Verdict, r *reads) bool {
	if s.Policy == nil || v.DecidedBy != nil {
		return false
	}
	f, ok := r.lookup(s.Policy.Format)
	return ok && policy.Unchosen(f, s.Policy.Source()) != nil
}

// server finds a server-side fix: an edit of the policy text when the
// format can be edited in place (fix.Editor), else the header lines to
// send; none for a policy the user cannot change (explain.Fixed), nor
// for one whose service answers from its rules alone when no edit
// passes (explain.RulesOnly).
func (se *searcher) server(s explain.Scenario, v *explain.Verdict) (explain.Fix, bool) {
	if s.Policy == nil {
		return se.headersFix(s, v)
	}
	f, _ := se.reads.lookup(s.Policy.Format)
	if _, fixed := f.(explain.Fixed); fixed {
		return explain.Fix{}, false
	}
	if _, ed := f.(fix.Editor); ed {
		if fx, ok := se.policyFix(s, v); ok {
			return fx, true
		}
		if se.rulesOnly(f, s, v) {
			return explain.Fix{}, false
		}
	}
	return se.headersFix(s, v)
}

// rulesOnly reports that the resource whose reply decided v answers from
// its rules alone: every resource of a RulesOnly format, or the one a
// template or module names in v.DecidedBy (explain.RulesOnlyAt).
func (se *searcher) rulesOnly(f policy.Format, s explain.Scenario, v *explain.Verdict) bool {
	if _, only := f.(explain.RulesOnly); only {
		return true
	}
	if v.DecidedBy == nil {
		return false
	}
	ev, ok := se.evaluator(s)
	at, isAt := ev.(explain.RulesOnlyAt)
	return ok && isAt && at.RepliesFromRulesOnlyAt(*v.DecidedBy)
}

// redirectTarget is the client fix of a fetch a redirect to another
// origin left with Origin: null, which the redirect's target refuses:
// fetch that target directly, so that the page's own origin goes with
// it (Fetch, "HTTP-redirect fetch": a redirect across origins taints the
// request's origin). Found as a new user would: a bucket's 307 to its
// regional endpoint was blocked with "No fix found".
func (se *searcher) redirectTarget(s explain.Scenario, v *explain.Verdict) (explain.Fix, bool) {
	last, ok := v.RedirectedTo()
	if !ok || last.Origin != "null" || v.Requests[0].Origin == "null" || last.URL == s.Request.URL {
		return explain.Fix{}, false
	}
	cs := s
	cs.Request.URL = last.URL
	// The target's replies are the scenario's own for that URL: its
	// route's, or the policy's (which answers by URL).
	routed := false
	for _, r := range s.Routes {
		if r.URL == last.URL {
			cs.Preflight, cs.Response, cs.Routes, routed = r.Preflight, r.Response, nil, true
		}
	}
	if !routed && s.Policy == nil {
		return explain.Fix{}, false
	}
	cv, ok := se.once(cs)
	if !ok || !cv.Allowed {
		return explain.Fix{}, false
	}
	why := "fetch " + last.URL + " directly: the redirect to it from another origin made the browser send Origin: null there, which it does not allow, where it allows the page's own origin"
	f := se.clientFix(s, cs, why)
	f.AllowedIn = se.allowedIn(cs, &cv, se.browser)
	return f, true
}
