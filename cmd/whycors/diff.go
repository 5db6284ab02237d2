package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/diff"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/internal/report"
)

func init() {
	register("diff", "compare two CORS configurations by the requests they allow, not their text", runDiff)
}

const diffUsage = `Usage: whycors diff [--old-format F] [--new-format F] [--browser B] [--fail-on widen|narrow|any] [--format text|json|sarif|markdown]
                    [--param N=V]... [--old-param N=V]... [--new-param N=V]... [--old-var-file F]... [--new-var-file F]... [--resource R] OLD NEW

Compares two CORS configurations, in any two formats, by what a browser does with
them: every origin, method, request header, path and credentials either names, and
the origins attackers use (null, a prefix or suffix added, http, a subdomain), run
through the browser model against both. Each line is a group of requests that
changed the same way: widen (blocked to allowed, a header newly exposed) or narrow.

OLD and NEW may each be a Terraform module's folder (or a .tf file of it), read whole;
--param and --resource apply to both sides, --old-param and --new-param to one, and
--old-var-file and --new-var-file read a .tfvars with one side's module (one module's
environments: diff --old-var-file envs/staging.tfvars --new-var-file envs/prod.tfvars
infra infra). What either side leaves unresolved (a parameter without a Default) is
printed as a note: the requests ran on that assumption.

Examples:
  whycors diff old-cors.json cors.json
  git show main:infra/cors.json | whycors diff - infra/cors.json
  whycors diff --fail-on any --format markdown s3-cors.json nginx.conf > comment.md

Exit status: 0 nothing changes the way --fail-on names, 1 something does, 2 bad
input (with --json, as {"error": {...}} on standard output).

Flags:
`

// diffHelp is where the diff's request space and words are explained.
const diffHelp = "https://pkg.go.dev/github.com/whycors/whycors/engine/diff"

// runDiff prints what changes between two configurations. Exit 0 when
// nothing changes in the direction --fail-on names, 1 when something
// does, 2 for bad input.
func runDiff(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	oldFormat := fs.String("old-format", "auto", "OLD's format: "+strings.Join(opts.Formats.Names(), ", ")+", or auto")
	newFormat := fs.String("new-format", "auto", "NEW's format (as --old-format)")
	browser := fs.String("browser", "chrome", "the browser whose model decides: chrome, firefox, safari or spec")
	failOn := fs.String("fail-on", "widen", "exit 1 when a change goes this way: widen (blocked to allowed, or more exposed), narrow, or any")
	output := fs.String("format", "text", "how to print the changes: text, json, sarif (SARIF 2.1.0, each change a result at NEW) or markdown")
	asJSON := fs.Bool("json", false, "print the report as JSON (--format json)")
	srcRoot := fs.String("srcroot", ".", "with --format sarif: the folder NEW's URI is relative to (the repository's root)")
	var params listFlag
	fs.Var(&params, "param", "Name=value: a value for a template parameter or Terraform variable, on both sides (repeatable)")
	resource := fs.String("resource", "", "which resource of a template answers, on both sides: a CloudFormation logical ID or a Terraform address")
	// One side's own values, for comparing one module's environments
	// (staging.tfvars against prod.tfvars) or a change that inlines a
	// parameter.
	var varFiles [2]listFlag
	fs.Var(&varFiles[0], "old-var-file", "a .tfvars file read with OLD's Terraform module after its own, as terraform -var-file reads it (repeatable)")
	fs.Var(&varFiles[1], "new-var-file", "the same for NEW (repeatable)")
	var sideParams [2]listFlag
	fs.Var(&sideParams[0], "old-param", "Name=value for OLD alone, over --param (repeatable)")
	fs.Var(&sideParams[1], "new-param", "Name=value for NEW alone, over --param (repeatable)")
	fs.Usage = func() {
		fmt.Fprint(stderr, diffUsage)
		fs.PrintDefaults()
	}
	c := &cli{name: "diff", stdout: stdout, stderr: stderr}
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if code, ok := c.output(output, *asJSON, "text", "json", "sarif", "markdown"); !ok {
		return code
	}
	switch *failOn {
	case "widen", "narrow", "any":
	default:
		return c.usageError(fmt.Sprintf("--fail-on %q: want widen, narrow or any", *failOn))
	}
	switch {
	case len(pos) < 2:
		return c.usageError("missing " + []string{"OLD and NEW: the two configurations to compare", "NEW: the configuration to compare OLD with"}[len(pos)] + " (- for standard input)")
	case len(pos) > 2:
		return c.usageError(fmt.Sprintf("two configurations only; unexpected %q", pos[2]))
	case pos[0] == "-" && pos[1] == "-":
		return c.usageError("OLD and NEW cannot both be standard input")
	}
	pmap, err := paramMap(params)
	if err != nil {
		return c.usageError(err.Error())
	}
	names := [2]string{pos[0], pos[1]}
	// labels are the sides as the report names them: with their own
	// .tfvars, which tell one module's two readings apart.
	var labels [2]string
	var sides [2]diff.Config
	for i, n := range names {
		side := [2]string{"old", "new"}[i]
		for _, v := range varFiles[i] {
			if !tfVarsFile(v) {
				return c.usageError(fmt.Sprintf("--%s-var-file %q: want a variable definitions file (.tfvars or .tfvars.json)", side, v))
			}
		}
		own, err := paramMap(sideParams[i])
		if err != nil {
			return c.usageError("--" + side + "-" + strings.TrimPrefix(err.Error(), "--"))
		}
		pm := pmap
		if own != nil {
			pm = map[string]string{}
			for k, v := range pmap {
				pm[k] = v
			}
			for k, v := range own {
				pm[k] = v
			}
		}
		// A Terraform module's folder, or a .tf file of it, is read
		// whole, as lint, convert and explain read it, with the side's
		// own .tfvars after its files.
		ins := configInputs(append([]string{n}, varFiles[i]...))
		if len(ins) != 1 || !ins[0].module && len(varFiles[i]) > 0 {
			return c.usageError(fmt.Sprintf("--%s-var-file: %s is not the one Terraform module those files set (name a module's folder or a .tf file of it, and .tfvars files of it or of no module's folder)", side, n))
		}
		in := ins[0]
		if in.err == nil {
			names[i] = in.name // a module's one file by its own name
		}
		labels[i] = names[i]
		if len(varFiles[i]) > 0 {
			labels[i] += " (" + strings.Join(varFiles[i], ", ") + ")"
		}
		src, format, err := in.source(stdin, []string{*oldFormat, *newFormat}[i], pm, *resource)
		if err != nil {
			return c.inputError(2, n, err)
		}
		sides[i] = diff.Config{Format: format, Text: src.Text, Files: src.Files, Params: src.Params, Resource: src.Resource}
	}
	rep, err := diff.Diff(sides[0], sides[1], diff.Options{Formats: opts.Formats, Browser: *browser})
	var ie *diff.InputError
	var se *diff.SpaceError
	switch {
	case errors.As(err, &ie) && ie.Side == "old":
		return c.inputError(2, names[0], ie.Err)
	case errors.As(err, &ie):
		return c.inputError(2, names[1], ie.Err)
	case errors.As(err, &se) && c.json:
		writeJSON(stdout, errorReport("", err))
		return 2
	case errors.As(err, &se):
		fmt.Fprintln(stderr, "whycors diff:", err)
		return 2
	case err != nil:
		return c.usageError(err.Error())
	}
	for i := range rep.Groups {
		if len(sides[1].Files) == 0 {
			// One text: its reader's name for it (main.tf) is not the
			// user's; names[1] is.
			rep.Groups[i].Pos.File = ""
		}
	}
	assumed := assumptions(names, sides)
	for _, a := range assumed {
		fmt.Fprintln(stderr, "note: "+a)
	}
	failing := func(g diff.Group) bool { return *failOn == "any" || *failOn == g.Direction }
	code = 0
	for _, g := range rep.Groups {
		if failing(g) {
			code = 1
		}
	}
	switch *output {
	case "json":
		b, _ := json.MarshalIndent(struct {
			Old         string   `json:"old"`
			New         string   `json:"new"`
			OldVarFiles []string `json:"old_var_files,omitempty"`
			NewVarFiles []string `json:"new_var_files,omitempty"`
			*diff.Report
			Assumed []string `json:"assumed,omitempty"`
		}{names[0], names[1], varFiles[0], varFiles[1], rep, assumed}, "", "  ")
		fmt.Fprintln(stdout, string(b))
	case "sarif", "markdown":
		if err := writeDiffReport(stdout, *output, names, labels, *srcRoot, rep, failing); err != nil {
			fmt.Fprintln(stderr, "whycors diff:", err)
			return 2
		}
	default:
		writeDiffText(stdout, stderr, names, labels, rep)
	}
	return code
}

// assumptions are what either side leaves unresolved (a template
// parameter without a Default, a Terraform variable without a value),
// as lint states it with what the verdicts assume: every request of the
// diff ran on that assumption, so a change hidden behind it is not seen.
// Each reads "FILE:LINE:COLUMN: message".
func assumptions(names [2]string, sides [2]diff.Config) []string {
	var out []string
	for i, c := range sides {
		src := policy.Source{Text: c.Text, Files: c.Files, Params: c.Params, Resource: c.Resource}
		fs, err := lint.LintSource(opts.Formats, src, c.Format)
		if err != nil {
			continue
		}
		for _, f := range fs {
			if !strings.HasSuffix(f.Code, "-unresolved") {
				continue
			}
			where := cmp.Or(f.File, names[i])
			if f.Line > 0 {
				where += ":" + strconv.Itoa(f.Line) + ":" + strconv.Itoa(f.Column)
			}
			out = append(out, where+": "+f.Message)
		}
	}
	return out
}

// writeDiffText prints one line a group, widening ones first, each with
// where NEW says it and how many requests of the space it covers.
func writeDiffText(stdout, stderr io.Writer, names, labels [2]string, rep *diff.Report) {
	if len(rep.Groups) == 0 {
		fmt.Fprintf(stderr, "%s and %s make the same decisions (%s: %d requests asked of each, %s)\n", labels[0], labels[1], rep.Browser, rep.Asked, formats(rep))
		return
	}
	counts := map[string]int{}
	for _, g := range rep.Groups {
		counts[g.Direction]++
	}
	fmt.Fprintf(stdout, "%s -> %s (%s, %s): %d widening, %d narrowing\n", labels[0], labels[1], formats(rep), rep.Browser, counts[diff.Widen], counts[diff.Narrow])
	for _, g := range rep.Groups {
		where := cmp.Or(g.Pos.File, names[1]) // a module's file, else NEW
		if g.Pos.Line > 0 {
			where += ":" + strconv.Itoa(g.Pos.Line) + ":" + strconv.Itoa(g.Pos.Column)
		}
		fmt.Fprintf(stdout, "  %-6s %s  (%d request%s; %s)\n", g.Direction, g.Summary, g.Count, plural(g.Count), where)
	}
}

func formats(rep *diff.Report) string {
	if rep.OldFormat == rep.NewFormat {
		return rep.OldFormat
	}
	return rep.OldFormat + " -> " + rep.NewFormat
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// writeDiffReport prints the groups as SARIF or Markdown
// (internal/report): each group a result at NEW, rule cors-widen or
// cors-narrow, an error when it fails the run (--fail-on), else a note.
func writeDiffReport(w io.Writer, form string, names, labels [2]string, root string, rep *diff.Report, failing func(diff.Group) bool) error {
	var results []report.Result
	for _, g := range rep.Groups {
		level := "note"
		if failing(g) {
			level = "error"
		}
		results = append(results, report.Result{RuleID: "cors-" + g.Direction, Level: level,
			Message: g.Summary + " (" + strconv.Itoa(g.Count) + " request" + plural(g.Count) + " of " + labels[0] + " -> " + labels[1] + ")",
			File:    cmp.Or(g.Pos.File, names[1]), Line: g.Pos.Line, Column: g.Pos.Column, Path: g.Pos.Path})
	}
	if form == "markdown" {
		return report.Markdown(w, "whycors diff: "+labels[0]+" -> "+labels[1], results)
	}
	rules := []report.Rule{
		{ID: "cors-widen", Level: "error", Summary: "A request the old configuration blocked is allowed, or a response header it hid is exposed", HelpURI: diffHelp},
		{ID: "cors-narrow", Level: "error", Summary: "A request the old configuration allowed is blocked, or a response header it exposed is hidden", HelpURI: diffHelp},
	}
	return report.SARIF(w, report.Tool{Name: "whycors", Version: moduleVersion(), InformationURI: "https://github.com/whycors/whycors"}, rules, results, root)
}
