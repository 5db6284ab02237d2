//go:build js && wasm

// Command full is the whole engine compiled for the simulator page: every
// policy format, the explainer's advisor (lint warnings and the fix
// search), lint and convert. The page fetches it only when it needs one of
// those (a policy, the fixes panel, convert); wasm/core answers the first
// verdict. It registers globalThis.whycorsFull, a small API taking and
// returning JSON strings, and stays resident: one instantiation serves
// every call of a page. It holds no logic of its own.
//
// Every function returns a JSON string, written without encoding/json
// (explain.AppendVerdict, engine/jsonapi); on failure an object
// {"error": "...", "errors": [...]} (explain.AppendError).
//
//	whycorsFull.version()          "dev" or the release version (a plain string)
//	whycorsFull.formats()          ["raw", "s3-json", ...]: policy.Names()
//	whycorsFull.detect(text)       [{"format", "why"}, ...]: policy.Detect
//	whycorsFull.explain(scenario)  a Verdict (engine/explain/scenario.go)
//	whycorsFull.fixes(scenario)    [Fix, ...]: explain.Fixes
//	whycorsFull.lint(req)          {"text", "format"} -> [Finding, ...]: lint.Lint
//	whycorsFull.convert(req)       {"text", "from", "to"} -> {"text", "notes"}: convert.Convert
//	whycorsFull.targets()          the formats convert writes: convert.Targets()
//	whycorsFull.left(req)          {"text", "format"} -> {"format", "why"} when the page leaves that format to the CLI: pageformats.LeftFor
//	whycorsFull.explainHar(req)    {"text", "browser"} -> {"exchanges", "scenarios"}: explainhar.Explain
package main

import (
	"github.com/whycors/whycors/engine/consoleline"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/jsonapi"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/wasm/internal/jsapi"
)

// version is set at link time by release builds.
var version = "dev"

func main() {
	jsapi.Register("whycorsFull", map[string]jsapi.Func{
		"version": func(string) string { return version },
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
		"explainHar": explainHAR,
		"left":       left,
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
	})
	select {}
}
