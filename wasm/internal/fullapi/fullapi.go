//go:build js && wasm

// Package fullapi is the API of the simulator's full engines: wasm/full
// (every format the page reads) and wasm/terraform (Terraform's HCL and
// plan, which the page loads only for a Terraform paste, as HashiCorp's
// parser is large). Both register globalThis.whycorsFull with the same
// functions, so the page's engine worker (site/engine-worker.js) runs
// either; each program passes its own registry. It holds no logic of its
// own: every answer comes from the engine's packages.
//
// Every function returns a JSON string, written without encoding/json
// (explain.AppendVerdict, explain.AppendFixes, engine/jsonapi); on failure
// an object {"error": "...", "errors": [...]} (explain.AppendError).
//
//	whycorsFull.version()          "dev" or the release version (a plain string)
//	whycorsFull.formats()          ["raw", "s3-json", ...]: policy.Names()
//	whycorsFull.detect(text)       [{"format", "why"}, ...]: policy.Detect
//	whycorsFull.explain(scenario)  a Verdict (engine/explain/scenario.go)
//	whycorsFull.fixes(scenario)    [Fix, ...]: explain.Fixes
//	whycorsFull.lint(req)          {"text", "format"} -> [Finding, ...]: lint.Lint
//	whycorsFull.convert(req)       {"text", "from", "to"} -> {"text", "notes"}: convert.Convert
//	whycorsFull.targets()          the formats convert writes: convert.Targets()
//	whycorsFull.targetTitles()     their titles (policy.Title), in the same order
//	whycorsFull.left(req)          {"text", "format"} -> [{"format", "why"}] when this program leaves that format to another (Program.Left)
//	whycorsFull.explainHar(req)    {"text", "browser"} -> {"exchanges", "scenarios"}: explainhar.Explain
//	whycorsFull.readConsole(line)  the console line read and the scenarios that print it: engine/consoleline
package fullapi

import (
	"github.com/whycors/whycors/engine/consoleline"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/jsonapi"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/wasm/internal/jsapi"
)

// Program is what a full engine program passes: its version (set at
// link time by release builds), the engine's options (its registry and
// advisor), and Left, which names a format this program leaves to
// another, with why, for text or a format name ("" when none).
type Program struct {
	Version string
	Options explain.Options
	Left    func(text, format string) (name, why string)
}

// Register sets globalThis.whycorsFull to p's API and blocks: the program
// stays resident, one instantiation serving every call.
func Register(p Program) {
	opts := p.Options
	jsapi.Register("whycorsFull", map[string]jsapi.Func{
		"version": func(string) string { return p.Version },
		"formats": func(string) string { return string(explain.AppendStrings(nil, opts.Formats.Names())) },
		"detect": func(text string) string {
			d := opts.Formats.Detect(text)
			if d == nil {
				d = []policy.Detection{}
			}
			return string(jsonapi.AppendDetections(nil, d))
		},
		"explain": func(arg string) string {
			s, err := explain.Decode([]byte(arg))
			if err != nil {
				return errorJSON(err)
			}
			v, err := explain.Explain(s, opts)
			if err != nil {
				return errorJSON(err)
			}
			return string(explain.AppendVerdict(nil, &v))
		},
		"fixes": func(arg string) string {
			s, err := explain.Decode([]byte(arg))
			if err != nil {
				return errorJSON(err)
			}
			f, err := explain.Fixes(s, opts)
			if err != nil {
				return errorJSON(err)
			}
			return string(explain.AppendFixes(nil, f))
		},
		"explainHar": func(arg string) string { return explainHAR(arg, opts) },
		"left":       func(arg string) string { return left(arg, p.Left) },
		// readConsole is the console-line entry: the line read and the
		// scenarios that print it (engine/consoleline), or the error.
		"readConsole": func(text string) string {
			l, err := consoleline.Read(text)
			if err != nil {
				return errorJSON(err)
			}
			cs := consoleline.Candidates(l)
			if cs == nil {
				cs = []consoleline.Candidate{}
			}
			return string(jsonapi.AppendConsole(nil, l, cs))
		},
		"lint": func(arg string) string {
			var text, format string
			if e := decode(arg, map[string]*string{"text": &text, "format": &format}); e != "" {
				return e
			}
			fs, err := lint.Lint(opts.Formats, text, format)
			if err != nil {
				return errorJSON(err)
			}
			if fs == nil {
				fs = []lint.Finding{}
			}
			return string(jsonapi.AppendFindings(nil, fs))
		},
		"convert": func(arg string) string {
			var text, from, to string
			if e := decode(arg, map[string]*string{"text": &text, "from": &from, "to": &to}); e != "" {
				return e
			}
			out, notes, err := convert.Convert(opts.Formats, text, from, to)
			if err != nil {
				return errorJSON(err)
			}
			if notes == nil {
				notes = []convert.Note{}
			}
			return string(jsonapi.AppendConverted(nil, out, notes))
		},
		"targets": func(string) string { return string(explain.AppendStrings(nil, convert.Targets(opts.Formats))) },
		"targetTitles": func(string) string {
			return string(explain.AppendStrings(nil, opts.Formats.Titles(convert.Targets(opts.Formats))))
		},
	})
	select {}
}
