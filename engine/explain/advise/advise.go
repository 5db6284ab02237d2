// Package advise adds to explain's verdicts what needs more of the engine
// than the browser model and the policy readers: engine/lint's findings on
// the policy and the platforms' traps as warnings, and the search for
// verified fixes (edits of the user's own policy text with engine/fix, read
// back with engine/convert; or the header lines to send; or a change to the
// fetch() call). New returns it, for explain.Options; Options(all.Registry())
// is the whole engine, as the CLI and the tests use it. A shell that must
// stay small (the simulator's first wasm) leaves it out and its verdicts
// have no fixes and only the warnings the browser model and the raw
// replies give.
package advise

import (
	"cmp"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/lint"
)

// New returns the advisor, for explain.Options.
func New() explain.Advisor { return advisor{} }

// Options are explain.Options with formats and this advisor: with
// engine/all's registry, the whole engine.
func Options(formats *policy.Registry) explain.Options {
	return explain.Options{Formats: formats, Advisor: New()}
}

type advisor struct{}

// Trapper is a format with traps that bite whatever this fetch does and
// that depend on the exchange, not only on the text (an API Gateway HTTP
// API ignoring the Access-Control-* headers its integration sends). app
// is what the application behind the policy answers, when the scenario
// says.
type Trapper interface {
	Traps(text string, app headers.List) []portable.Finding
}

// Advise implements explain.Advisor: it lints the policy once and uses
// the findings for the warnings and for the fix check (a fix may add no
// lint error).
func (advisor) Advise(s explain.Scenario, v *explain.Verdict, fixes bool, o explain.Options) {
	var findings []lint.Finding
	r := newReads(o)
	o = r.options(o)
	if s.Policy != nil && s.Policy.Format != "" {
		f, _ := r.lookup(s.Policy.Format)
		// A fixed policy's traps are not the user's to change (EC2's
		// max-age 1800 above Safari's cap): no warning.
		if _, fixed := f.(explain.Fixed); !fixed {
			if src := s.Policy.Source(); !src.OneText() {
				// Several files, parameters or a chosen resource:
				// the text alone would be linted as the template
				// without them (or as empty).
				findings, _ = lint.LintSource(r.formats, src, s.Policy.Format)
			} else {
				findings, _ = r.lint(s.Policy.Format, s.Policy.Text, lint.Read)
			}
			v.Warnings = append(v.Warnings, trapWarnings(s, f, findings)...)
		}
	}
	if fixes {
		errs := map[string]int{}
		for _, f := range findings {
			if f.Severity == lint.Error {
				errs[f.Code]++
			}
		}
		if !v.Allowed {
			v.Fixes = findFixes(s, v, errs, o, r)
		}
		// A later fetch's search has its own budget of runs.
		(&searcher{o: o, reads: r, browser: v.Browser, lintErrs: errs}).laterFixes(s, v)
	}
}

// samePlace is the index of the first warning of w's code at w's place
// (-1 for none), and whether one of them says w's message too.
func samePlace(ws []explain.Warning, w explain.Warning) (int, bool) {
	first := -1
	for i, x := range ws {
		if x.Code == w.Code && x.Line == w.Line && x.Column == w.Column {
			if x.Message == w.Message {
				return i, true
			}
			if first < 0 {
				first = i
			}
		}
	}
	return first, false
}

// quietLint are lint codes that say nothing about this fetch's risk (a
// needless list entry), left out of a verdict's warnings.
var quietLint = map[string]bool{"safelisted-method": true, "safelisted-header": true}

// trapWarnings lists the traps of a policy that did not (necessarily)
// block this fetch but bite elsewhere: engine/lint's findings (S3's Vary
// only on a match, nginx add_header without always, Authorization under
// "*", max-age caps, origins allowed too widely) and the format's own
// traps (Trapper: API Gateway's, cloud-policies.md §5).
func trapWarnings(s explain.Scenario, f policy.Format, findings []lint.Finding) []explain.Warning {
	var out []explain.Warning
	for _, f := range findings {
		if quietLint[f.Code] || f.Code == "options-method" && f.Severity == lint.Info {
			continue
		}
		out = append(out, explain.Warning{Code: f.Code, Message: f.Message, Severity: string(f.Severity), File: f.File, Line: f.Line, Column: f.Column, Path: f.Path})
	}
	if t, ok := f.(Trapper); ok {
		var app headers.List
		if s.Response != nil {
			app = s.Response.Header
		}
		// The main text: a policy given as a file (explain --policy
		// serverless.yml) has it in Files, and its Text is empty;
		// tried as a new user would, such a verdict lost every trap.
		src := s.Policy.Source()
		file := ""
		if src.Text == "" && len(src.Files) > 0 {
			file = src.Files[0].Name
		}
		for _, x := range t.Traps(src.Main(), app) {
			w := explain.Warning{Code: x.Code, Severity: x.Severity, Message: x.Message, File: cmp.Or(x.Pos.File, file), Line: x.Pos.Line, Column: x.Pos.Column, Path: x.Pos.Path}
			switch i, said := samePlace(out, w); {
			case said: // lint's own check said it (a template's traps)
			case i >= 0:
				// lint said it without this exchange's reply (a
				// reminder); the trap, which saw the reply, says it.
				out[i] = w
			default:
				out = append(out, w)
			}
		}
	}
	return out
}
