package advise

import (
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// safePolicy refuses a changed policy that lint finds a new error in, or
// that answers a foreign origin with a wildcard or its own origin together
// with Access-Control-Allow-Credentials: true.
func (se *searcher) safePolicy(s explain.Scenario) bool {
	format := s.Policy.Format
	// Only errors count: a fix may keep the user's, never add one.
	fa, ok := se.reads.lint(format, s.Policy.Text, lint.Errors)
	if src := s.Policy.Source(); !src.OneText() {
		// Files, parameters or a resource: linted whole, as Advise
		// linted the policy before the change.
		var err error
		fa, err = lint.LintSource(se.reads.formats, src, format)
		ok = err == nil
	}
	if ok {
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

// evaluator is s's policy as the verdict read it: a template with its
// parameters or a module of several files is read whole.
func (se *searcher) evaluator(s explain.Scenario) (policy.Evaluator, bool) {
	f, ok := se.reads.lookup(s.Policy.Format)
	if !ok {
		return nil, false
	}
	var ev policy.Evaluator
	var err error
	if src := s.Policy.Source(); src.OneText() {
		ev, err = se.reads.parse(f, s.Policy.Text)
	} else {
		ev, err = policy.Parse(f, src)
	}
	return ev, err == nil
}

// appReply is the application's reply behind s's policy, as the
// verdict's server gives it to the policy (explain's server.answer): the
// scenario's response, else 200 with no headers. Each call is a copy of
// its own, which the evaluator may append to.
func appReply(s explain.Scenario) policy.Reply {
	if s.Response == nil {
		return policy.Reply{Status: 200}
	}
	return policy.Reply{Status: s.Response.Status, Header: s.Response.Header.Clone(), Body: s.Response.Body}
}

// credentialedWildcard asks the policy what it answers a foreign origin
// sending the scenario's request, preflight and actual, and reports a
// reply that would let that origin read with credentials.
func (se *searcher) credentialedWildcard(s explain.Scenario) bool {
	_, cred := se.foreign(s)
	return cred
}

// foreign asks the policy what it answers a foreign origin sending the
// scenario's request, preflight and actual: whether a reply names that
// origin (echoed), and whether one lets it read with credentials.
func (se *searcher) foreign(s explain.Scenario) (echoed, credentialed bool) {
	ev, ok := se.evaluator(s)
	if !ok {
		return false, false
	}
	method := fetch.NormalizeMethod(s.Request.Method)
	if method == "" {
		method = "GET"
	}
	names := make([]string, 0, len(s.Request.Headers))
	for _, h := range s.Request.Headers {
		names = append(names, strings.ToLower(h.Name))
	}
	pre := append(make(headers.List, 0, 2), headers.Field{Name: "Access-Control-Request-Method", Value: method})
	if len(names) > 0 {
		pre = append(pre, headers.Field{Name: "Access-Control-Request-Headers", Value: strings.Join(names, ",")})
	}
	// Only the replies' headers are read: the evaluator may skip its
	// rule trace (policy.Request.NoTrace: the same reply without it).
	reqs := []policy.Request{
		{Method: "OPTIONS", URL: s.Request.URL, Header: pre, NoTrace: true},
		{Method: method, URL: s.Request.URL, NoTrace: true},
		{Method: "GET", URL: s.Request.URL, NoTrace: true},
	}
	if method == "GET" {
		reqs = reqs[:2] // the last is the same request again
	}
	for _, r := range reqs {
		f := lint.AskForeign(ev, r, appReply(s))
		echoed = echoed || f.Echoes()
		if f.Credentialed() {
			return true, true
		}
	}
	return echoed, false
}
