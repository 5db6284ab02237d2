package explain

import (
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/policy"
)

// An Advisor adds to a verdict what needs more of the engine than the
// browser model and the policy readers: warnings from the policy's linter
// and platform reader, and the search for fixes (which edits policy text
// with engine/fix and reads it with engine/convert). This package does not
// import those, so that a shell links only what it registers: the
// simulator's first wasm leaves them out; engine/explain/advise registers
// one from init, and engine/all imports it for the CLI and the tests.
type Advisor interface {
	// Advise appends warnings to v, the verdict of s for s.Browser with
	// every browser's summary, and, when fixes is set (v is blocked and
	// the caller wants fixes), sets v.Fixes. s.Policy.Format is the format
	// read, never "auto".
	Advise(s Scenario, v *Verdict, fixes bool)
}

// advisor is set once from an init function (RegisterAdvisor), like the
// policy formats of policy.Register, and only read afterwards.
var advisor Advisor

// RegisterAdvisor makes Explain and Fixes use a. Call it from an init
// function; the last registration wins.
func RegisterAdvisor(a Advisor) { advisor = a }

// Fixes computes the fixes of a blocked scenario for its browser, as
// Explain does unless the scenario says "fixes": false. A page that
// explains on every keystroke sets "fixes": false and calls Fixes when the
// user opens the fixes. The result is empty when the fetch passes. It is
// an error when no Advisor is registered (import
// engine/explain/advise, or engine/all).
func Fixes(s Scenario) ([]Fix, error) {
	p, ok := fetch.Lookup(s.Browser)
	if !ok {
		return nil, policy.Errors{{Path: "$.browser", Msg: "unknown browser " + quoteStr(s.Browser)}}
	}
	srv, _, err := newServer(s)
	if err != nil {
		return nil, err
	}
	v, err := run(p, s, srv)
	if err != nil {
		return nil, err
	}
	if v.Allowed {
		return []Fix{}, nil
	}
	if advisor == nil {
		return nil, policy.Errors{{Path: "$", Msg: "this build has no fix search (engine/explain/advise is not linked)"}}
	}
	advisor.Advise(withFormat(s, srv), &v, true)
	return v.Fixes, nil
}

// Run explains s for its browser alone: no other browser's summary, no
// Advisor warnings and no fixes. A fix search calls it on each changed
// scenario and reads Verdict.Failure.
func Run(s Scenario) (Verdict, error) {
	p, ok := fetch.Lookup(s.Browser)
	if !ok {
		return Verdict{}, policy.Errors{{Path: "$.browser", Msg: "unknown browser " + quoteStr(s.Browser)}}
	}
	srv, _, err := newServer(s)
	if err != nil {
		return Verdict{}, err
	}
	return run(p, s, srv)
}

// Failure is the browser model's account of why the fetch failed (the
// reason, the value read, whether on the preflight), or nil when it
// passed. It is not part of the JSON; a fix search reads it.
func (v *Verdict) Failure() *fetch.Failure { return v.failure }

// withFormat returns s with its policy's format as read ("auto" resolved
// to the detected format).
func withFormat(s Scenario, srv *server) Scenario {
	if s.Policy != nil && srv.format != "" && s.Policy.Format != srv.format {
		cp := *s.Policy
		cp.Format = srv.format
		s.Policy = &cp
	}
	return s
}
