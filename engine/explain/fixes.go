package explain

import (
	"strconv"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
)

// An Advisor adds to a verdict what needs more of the engine than the
// browser model and the policy readers: warnings from the policy's linter
// and platform reader, and the search for fixes (which edits policy text
// with engine/fix and reads it with engine/convert). This package does not
// import those, so that a shell links only what it passes in: the
// simulator's first wasm leaves them out; engine/explain/advise makes one,
// and engine/all.Options passes it for the CLI and the tests.
type Advisor interface {
	// Advise appends warnings to v, the verdict of s for s.Browser with
	// every browser's summary, and, when fixes is set (the caller wants
	// fixes), sets v.Fixes when v is blocked and each blocked later
	// fetch's v.Then[i].Fixes (a fix of a later fetch is checked on the
	// whole session: RunSession). s.Policy.Format is the format read,
	// never "auto". o is the Options Explain was called with.
	Advise(s Scenario, v *Verdict, fixes bool, o Options)
}

// Options are what Explain works with besides the scenario.
type Options struct {
	// Formats reads the scenario's policy; nil reads none (a scenario
	// with a policy is then refused as naming an unknown format).
	Formats *policy.Registry
	// Advisor, when set, adds warnings and the fixes of a blocked verdict.
	Advisor Advisor
	// Parse, when set, reads the policy text in place of the format's own
	// Parse: a caller that explains many variants of one scenario (the
	// fix search) passes one that remembers what it read.
	Parse func(f policy.Format, text string) (policy.Evaluator, error)
}

// Fixes computes the fixes of a blocked scenario for its browser, as
// Explain does unless the scenario says "fixes": false. A page that
// explains on every keystroke sets "fixes": false and calls Fixes when the
// user opens the fixes. The first fetch's fixes come first, then those
// of each later fetch of the session that is blocked (then[i].fixes in
// Explain's verdict), each summary saying which fetch it is for. The
// result is empty when every fetch passes. It is an error when o has no
// Advisor.
func Fixes(s Scenario, o Options) ([]Fix, error) {
	p, srv, err := setup(s, o)
	if err != nil {
		return nil, err
	}
	vs, err := session(p, s, srv)
	if err != nil {
		return nil, err
	}
	v := vs[0]
	if len(vs) > 1 {
		v.Then = vs[1:]
	}
	if !blockedAny(&v) {
		return []Fix{}, nil
	}
	if o.Advisor == nil {
		return nil, policy.Errors{{Path: "$", Msg: "this build has no fix search (engine/explain/advise is not linked)"}}
	}
	o.Advisor.Advise(withFormat(s, srv), &v, true, srv.reading(s, o))
	fs := v.Fixes
	if fs == nil {
		fs = []Fix{}
	}
	for i := range v.Then {
		for _, f := range v.Then[i].Fixes {
			f.Summary = "For fetch " + strconv.Itoa(i+2) + " of the session (then[" + strconv.Itoa(i) + "]): " + f.Summary
			fs = append(fs, f)
		}
	}
	return fs, nil
}

// Run explains s for its browser alone: no other browser's summary, no
// Advisor warnings and no fixes. A fix search calls it on each changed
// scenario and reads Verdict.Failure.
func Run(s Scenario, o Options) (Verdict, error) {
	p, srv, err := setup(s, o)
	if err != nil {
		return Verdict{}, err
	}
	return run(p, s, srv)
}

// Try is Run for a search that reads a verdict's outcome and not its
// words: the verdict has no Steps and its Rules no Detail, and the rest
// is Run's. A fix search tries each changed scenario with it, where the
// steps and the rules' words were most of a run's cost.
func Try(s Scenario, o Options) (Verdict, error) { return newTrial(s, o).Try(s.Browser) }

// Allows reports whether s's browser allows the fetch (Run's
// Verdict.Allowed), building only what a summary browser of Explain
// builds: a fix search asks it of each other browser for a fix's
// AllowedIn.
func Allows(s Scenario, o Options) (bool, error) { return newTrial(s, o).Allows(s.Browser) }

// A Trial is one changed scenario made ready once for a fix search that
// runs it in several browsers: the chosen one (Try) and each other one
// for the fix's AllowedIn (Allows). Its server, with the policy read, is
// built once, where Try and Allows build it on each call; a server keeps
// nothing between runs (Explain runs one in every browser), so each run
// is Try's or Allows' own. The scenario's Browser is not read.
type Trial struct {
	s   Scenario
	srv *server
	err error
}

// newTrial makes s ready to run: its server built and its policy read
// (an input error is kept, and every run reports it).
func newTrial(s Scenario, o Options) *Trial {
	srv, _, err := newServer(s, o)
	return &Trial{s: s, srv: srv, err: err}
}

// Trials makes the Trials of one fix search. Its candidates change the
// policy, the replies or the fetch() call, and most keep the page's
// origin and the URL: those are parsed once for all the runs of all its
// trials (each parse is a few thousand instructions of a run), and a
// request with another origin or URL is parsed as NewRequest parses it.
type Trials struct {
	o      Options
	parsed *parsedRequest
}

// NewTrials starts a search's trials with o.
func NewTrials(o Options) *Trials { return &Trials{o: o} }

// New makes s ready to run (its server built, its policy read; an input
// error is kept and every run reports it), sharing the trials' parse of the origin and URL.
func (ts *Trials) New(s Scenario) *Trial {
	t := newTrial(s, ts.o)
	if t.err == nil {
		if ts.parsed == nil {
			ts.parsed = &parsedRequest{}
		}
		t.srv.parsed = ts.parsed
	}
	return t
}

// parsedRequest is the page's origin and URL of one request, parsed
// when first run (ok: both parsed).
type parsedRequest struct {
	done           bool
	origin, rawURL string
	o              origin.Origin
	u              origin.URL
	ok             bool
	_              [0]func() // not comparable: no equality code in the wasm
}

// newRequest is p.NewRequest for r, the request of fetch i of the
// session (0 the first, i the scenario's then[i-1]). A request the same
// in every profile (fetch.Init.SameInEveryProfile) is built once for the
// runs of every browser that share srv.built (Explain runs each fetch in
// three, a Trial in the chosen one and each other for AllowedIn; no run
// changes a fetch.Request); else r's origin and URL are parsed once for
// every run that shares srv.parsed (a Trials' runs). A fault is
// NewRequest's to report, for each run.
func (srv *server) newRequest(p *fetch.Profile, r *Request, i int) (*fetch.Request, *fetch.Failure, error) {
	shared := r.Init.SameInEveryProfile() && i < len(srv.built)
	if shared && srv.built[i] != nil {
		return srv.built[i], nil, nil
	}
	c := srv.parsed
	if c != nil && !c.done {
		c.done, c.origin, c.rawURL = true, r.Origin, r.URL
		o, err := origin.Parse(r.Origin)
		u, uerr := origin.ParseURL(r.URL)
		c.o, c.u, c.ok = o, u, err == nil && uerr == nil
	}
	var req *fetch.Request
	var pre *fetch.Failure
	var err error
	if c != nil && c.ok && r.Origin == c.origin && r.URL == c.rawURL {
		req, pre, err = p.NewRequestParsed(r.Origin, c.o, c.u, r.URL, r.Init)
	} else {
		req, pre, err = p.NewRequest(r.Origin, r.URL, r.Init)
	}
	if shared && pre == nil && err == nil {
		srv.built[i] = req
	}
	return req, pre, err
}

// profile is browser's profile, then the trial's own input error: an
// unknown browser is reported first, as setup reports it.
func (t *Trial) profile(browser string) (*fetch.Profile, error) {
	p, err := profileOf(browser)
	if err != nil {
		return nil, err
	}
	return p, t.err
}

// Try is Try of the scenario in browser.
func (t *Trial) Try(browser string) (Verdict, error) {
	p, err := t.profile(browser)
	if err != nil {
		return Verdict{}, err
	}
	l := *t.srv
	l.lean = true
	return run(p, t.s, &l)
}

// Allows is Allows of the scenario in browser.
func (t *Trial) Allows(browser string) (bool, error) {
	p, err := t.profile(browser)
	if err != nil {
		return false, err
	}
	sum := t.srv.summaryOnly()
	v, err := run(p, t.s, &sum)
	return v.Allowed, err
}

// setup is s's browser profile and server, for Fixes, Run, Try, Allows
// and RunSession.
func setup(s Scenario, o Options) (*fetch.Profile, *server, error) {
	p, err := profileOf(s.Browser)
	if err != nil {
		return nil, nil, err
	}
	srv, _, err := newServer(s, o)
	if err != nil {
		return nil, nil, err
	}
	return p, srv, nil
}

// profileOf is browser's profile, or the input error for an unknown name.
func profileOf(browser string) (*fetch.Profile, error) {
	p, ok := fetch.Shared(browser)
	if !ok {
		return nil, policy.Errors{{Path: "$.browser", Msg: "unknown browser " + quoteStr(browser)}}
	}
	return p, nil
}

// RunSession explains every fetch of s's session for its browser alone,
// in order (the first, then each of s.Then), sharing the session's
// preflight cache and CDN, as Explain does: no other browser's summary,
// no Advisor warnings and no fixes. A fix search for a later fetch calls
// it on each changed scenario, so that a fix is checked on the whole
// session.
func RunSession(s Scenario, o Options) ([]Verdict, error) {
	p, srv, err := setup(s, o)
	if err != nil {
		return nil, err
	}
	return session(p, s, srv)
}

// Failure is the browser model's account of why the fetch failed (the
// reason, the value read, whether on the preflight), or nil when it
// passed. It is not part of the JSON; a fix search reads it.
func (v *Verdict) Failure() *fetch.Failure { return v.failure }

// reading returns o reading s's policy text as srv already read it: the
// advisor's lint and fix search start from the same reading
// (convert.Stater).
func (srv *server) reading(s Scenario, o Options) Options {
	if srv.eval == nil || s.Policy == nil {
		return o
	}
	return o.Read(srv.f, s.Policy.Text, srv.eval)
}

// Read returns o with a Parse that hands back ev, what f's Parse made of
// text, instead of reading text again, and reads any other text as o
// did: a caller that explains many scenarios with one policy (a fix
// search, a contract test) reads it once.
func (o Options) Read(f policy.Format, text string, ev policy.Evaluator) Options {
	base := o.Parse
	if base == nil {
		base = policy.Format.Parse
	}
	o.Parse = func(g policy.Format, t string) (policy.Evaluator, error) {
		if g == f && t == text {
			return ev, nil
		}
		return base(g, t)
	}
	return o
}

// withFormat returns s with its policy's format as read ("auto" resolved
// to the detected format).
func withFormat(s Scenario, srv *server) Scenario {
	if s.Policy != nil && srv.f != nil && s.Policy.Format != srv.f.Name() {
		cp := *s.Policy
		cp.Format = srv.f.Name()
		s.Policy = &cp
	}
	return s
}
