package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/internal/report"
)

func init() {
	register("lint", "find dangerous or useless parts of a CORS configuration, with their positions", runLint)
}

// runLint prints the findings for one configuration. Exit 0 when no
// finding reaches --fail-on, 1 when one does, 2 for bad input.
func runLint(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	output := fs.String("format", "text", "how to print the findings: text, json, sarif (SARIF 2.1.0, for code scanning), github (workflow annotations) or markdown")
	format := fs.String("policy-format", "auto", "the configuration's format: "+strings.Join(opts.Formats.Names(), ", ")+", or auto")
	failOn := fs.String("fail-on", "error", "exit 1 when a finding is at least this severe: error, warning or info")
	asJSON := fs.Bool("json", false, "print the findings as JSON (--format json)")
	srcRoot := fs.String("srcroot", ".", "with --format sarif: the folder the file's URI is relative to (the repository's root)")
	baseline := fs.String("baseline", "", "a baseline file (--write-baseline): report only findings it does not hold")
	writeBase := fs.String("write-baseline", "", "write the findings to this baseline file and exit 0 (accept them for now)")
	listCodes := fs.Bool("codes", false, "list every finding code (its most severe level, what it means, what it rests on) and exit")
	var params listFlag
	fs.Var(&params, "param", "Name=value: a value for a template parameter or Terraform variable (repeatable)")
	resource := fs.String("resource", "", "which resource of a template answers: a CloudFormation logical ID or a Terraform address")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: whycors lint [--policy-format F] [--fail-on error|warning|info] [--format text|json|sarif|github|markdown] FILE|DIR|- [FILE|DIR...]")
		fmt.Fprintln(stderr, "\nChecks a CORS configuration (S3, R2, GCS, Azure, API Gateway, nginx, Express,")
		fmt.Fprintln(stderr, "native, raw replies, HAR) and prints each finding as FILE:LINE:COLUMN: severity")
		fmt.Fprintln(stderr, "code: message (at its JSON path). --codes lists every code, what it means and")
		fmt.Fprintln(stderr, "what it rests on (also "+lintHelp+").")
		fmt.Fprintln(stderr, "--format sarif writes SARIF 2.1.0 for code scanning; github, workflow annotations;")
		fmt.Fprintln(stderr, "markdown, a table for a pull-request comment. (--format with a configuration")
		fmt.Fprintln(stderr, "format's name, as earlier releases took it, still names the configuration's format.)")
		fmt.Fprintln(stderr, "\nExamples:\n  whycors lint cors.json\n  aws s3api get-bucket-cors --bucket b | whycors lint --policy-format s3-cli -")
		fmt.Fprintln(stderr, "  whycors lint --fail-on warning --json nginx.conf\n  whycors lint --format sarif cors.json > whycors.sarif")
		fmt.Fprintln(stderr, "  whycors lint --write-baseline .whycors-baseline.json cors.json   # accept what is there")
		fmt.Fprintln(stderr, "  whycors lint --baseline .whycors-baseline.json cors.json         # report only new findings")
		fmt.Fprintln(stderr, "\nA Terraform module is read as terraform reads it: a folder (DIR), or a .tf or")
		fmt.Fprintln(stderr, ".tfvars file of it, is its .tf files, terraform.tfvars and *.auto.tfvars (another")
		fmt.Fprintln(stderr, ".tfvars named is a -var-file, and one kept in a folder of no module sets the")
		fmt.Fprintln(stderr, "module named with it). --param gives a variable's or a template parameter's")
		fmt.Fprintln(stderr, "value, and a CloudFormation parameter file named after its template is read")
		fmt.Fprintln(stderr, "with it.")
		fmt.Fprintln(stderr, "  whycors lint infra/                  # main.tf, variables.tf, terraform.tfvars")
		fmt.Fprintln(stderr, "  whycors lint infra/ envs/prod.tfvars # terraform -var-file=../envs/prod.tfvars")
		fmt.Fprintln(stderr, "  whycors lint --param Origins=https://app.example.com template.yaml")
		fmt.Fprintln(stderr, "\nA finding can also be accepted where it is, with a reason: a comment")
		fmt.Fprintln(stderr, "\"whycors:ignore CODE reason\" (nginx, JavaScript, YAML, HCL) or a JSON member")
		fmt.Fprintln(stderr, "\"whycors:ignore\": {\"CODE\": \"reason\"} in the object it concerns.")
		fmt.Fprintln(stderr, "\nExit status: 0 no finding at or above --fail-on, 1 some, 2 bad input: a file that")
		fmt.Fprintln(stderr, "cannot be read or is not valid syntax for its format (with --json or --format json,")
		fmt.Fprintln(stderr, "as {\"error\": {...}} on standard output). What the platform would refuse at upload")
		fmt.Fprintln(stderr, "is a finding (rejected), not an input error.\n\nFlags:")
		fs.PrintDefaults()
	}
	c := &cli{name: "lint", stdout: stdout, stderr: stderr}
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if _, ok := opts.Formats.Lookup(*output); ok || *output == "auto" {
		// Earlier releases' --format named the configuration's format;
		// the names of the two kinds of format do not overlap.
		*format, *output = *output, "text"
	}
	if *asJSON {
		*output = "json"
	}
	c.json = *output == "json"
	switch *output {
	case "text", "json", "sarif", "github", "markdown":
	default:
		return c.usageError(fmt.Sprintf("--format %q: want text, json, sarif, github or markdown (or a configuration format: %s)", *output, strings.Join(opts.Formats.Names(), ", ")))
	}
	threshold := lint.Severity(*failOn).Rank()
	if threshold == 0 {
		return c.usageError(fmt.Sprintf("--fail-on %q: want error, warning or info", *failOn))
	}
	if *listCodes {
		if c.json {
			writeJSON(stdout, lint.CodesOf(opts.Formats))
			return 0
		}
		writeCodes(stdout)
		return 0
	}
	if len(pos) == 0 {
		return c.usageError("missing FILE: the configuration to check (or - for standard input; several files may follow)")
	}
	var set map[string]bool
	if *baseline != "" {
		b, err := readBaseline(*baseline)
		if err != nil {
			return c.inputError(2, *baseline, err)
		}
		set = b
	}
	inputs := configInputs(pos)
	pmap, err := paramMap(params)
	if err != nil {
		return c.usageError(err.Error())
	}
	if (len(pmap) > 0 || *resource != "") && len(inputs) > 1 {
		// A value for one configuration's parameter is a fault in
		// every other's ("no parameter Env"), which would hide their
		// findings (tried as a new user would).
		return c.usageError("--param and --resource are for one configuration, and " + strconv.Itoa(len(inputs)) + " were given: lint it alone")
	}
	// Each input (a file, or a Terraform module's files) is read and
	// linted on its own; one that cannot be read is reported and the
	// others still are (exit 2 at the end).
	var runs []fileFindings
	var bad []ErrorBody
	unreadable := 0
	for _, in := range inputs {
		name := in.name
		if in.skip != "" {
			fmt.Fprintln(stderr, name+": "+in.skip)
			continue
		}
		fs, err := in.lint(stdin, *format, pmap, *resource)
		if err == nil {
			if set != nil {
				fs = withoutBaseline(set, name, fs)
			}
			runs = append(runs, fileFindings{name, fs})
			continue
		}
		unreadable++
		if len(inputs) == 1 {
			return c.inputError(2, name, err)
		}
		if c.json {
			bad = append(bad, errorReport(name, err).Error)
		} else {
			printInputError(stderr, name, err)
		}
	}
	if *writeBase != "" {
		if err := writeBaseline(*writeBase, runs); err != nil {
			return c.inputError(2, *writeBase, err)
		}
		n := 0
		for _, r := range runs {
			n += len(r.findings)
		}
		// A module is one configuration of several files.
		fmt.Fprintf(stderr, "%d finding(s) of %d configuration(s) written to %s\n", n, len(runs), *writeBase)
		if unreadable > 0 {
			return 2
		}
		return 0
	}
	code = 0
	for _, r := range runs {
		for _, f := range r.findings {
			if f.Severity.Rank() >= threshold {
				code = 1
			}
		}
	}
	if unreadable > 0 {
		code = 2
	}
	switch *output {
	case "sarif", "github", "markdown":
		if err := writeReport(stdout, *output, *srcRoot, runs); err != nil {
			fmt.Fprintln(stderr, "whycors lint:", err)
			return 2
		}
		return code
	}
	if *output == "json" {
		writeLintJSON(stdout, runs, bad, len(pos) == 1)
		return code
	}
	for _, r := range runs {
		for _, f := range r.findings {
			// FILE:LINE:COLUMN: severity code: message, as the help says
			// and editors' and CI's problem matchers read it (the
			// compilers' form); the value's path, for a reader, ends
			// the line.
			where := r.fileOf(f)
			if f.Line > 0 {
				where += ":" + strconv.Itoa(f.Line) + ":" + strconv.Itoa(f.Column)
			}
			at := ""
			if f.Path != "" {
				at = " (at " + f.Path + ")"
			}
			fmt.Fprintf(stdout, "%s: %s %s: %s%s\n", where, f.Severity, f.Code, f.Message, at)
		}
		if len(r.findings) == 0 {
			fmt.Fprintln(stderr, r.file+": no findings")
		}
	}
	return code
}

// fileFindings are the findings of one file, or of a module's files
// (each finding then names its own: lint.Finding.File).
type fileFindings struct {
	file     string
	findings []lint.Finding
}

// fileOf is the file f is in.
func (r fileFindings) fileOf(f lint.Finding) string {
	if f.File != "" {
		return f.File
	}
	return r.file
}

// writeLintJSON prints {"findings": [...]}: for one file each finding as
// lint.Finding; for several, each with its "file", and the files that
// could not be read in "errors" (the shape of an error's "error" member).
func writeLintJSON(w io.Writer, runs []fileFindings, bad []ErrorBody, one bool) {
	if one {
		fs := []lint.Finding{}
		if len(runs) == 1 && runs[0].findings != nil {
			fs = runs[0].findings
		}
		writeJSON(w, struct {
			Findings []lint.Finding `json:"findings"`
		}{fs})
		return
	}
	type withFile struct {
		File string `json:"file"`
		lint.Finding
	}
	out := struct {
		Findings []withFile  `json:"findings"`
		Errors   []ErrorBody `json:"errors,omitempty"`
	}{Findings: []withFile{}, Errors: bad}
	for _, r := range runs {
		for _, f := range r.findings {
			out.Findings = append(out.Findings, withFile{r.fileOf(f), f})
		}
	}
	writeJSON(w, out)
}

// readTextArg reads a file, or standard input for "-", up to
// convert.MaxText bytes.
func readTextArg(name string, stdin io.Reader) (string, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, convert.MaxText+1))
	if err != nil {
		return "", err
	}
	if len(b) > convert.MaxText {
		// The caller names the file (found as a new user would:
		// "huge.yaml: huge.yaml: larger than ...").
		return "", errors.New("larger than " + strconv.Itoa(convert.MaxText) + " bytes, the most a configuration may hold")
	}
	return string(withoutBOM(b)), nil
}

// lintHelp is where each code is explained: the lint package's table.
const lintHelp = "https://pkg.go.dev/github.com/whycors/whycors/engine/lint#hdr-Codes"

// writeReport prints the findings of every file, one SARIF run for all,, GitHub workflow
// annotations or Markdown (internal/report).
func writeReport(w io.Writer, form, root string, runs []fileFindings) error {
	var results []report.Result
	var names []string
	for _, r := range runs {
		names = append(names, r.file)
		for _, f := range r.findings {
			results = append(results, report.Result{RuleID: f.Code, Level: reportLevel(f.Severity), Message: f.Message,
				File: r.fileOf(f), Line: f.Line, Column: f.Column, Path: f.Path})
		}
	}
	switch form {
	case "github":
		return report.GitHub(w, results)
	case "markdown":
		return report.Markdown(w, "whycors lint: "+strings.Join(names, ", "), results)
	}
	var rules []report.Rule
	for _, c := range lint.CodesOf(opts.Formats) {
		rules = append(rules, report.Rule{ID: c.Code, Level: reportLevel(c.Severity), Summary: c.Summary + " (" + c.Source + ")", HelpURI: lintHelp})
	}
	return report.SARIF(w, report.Tool{Name: "whycors", Version: moduleVersion(), InformationURI: "https://github.com/whycors/whycors"}, rules, results, root)
}

// reportLevel is a severity in SARIF's words (info is "note").
func reportLevel(s lint.Severity) string {
	if s == lint.Info {
		return "note"
	}
	return string(s)
}

// writeCodes lists lint's codes as a reader looks one up: the code and
// its most severe level, then what it means and what it rests on,
// indented (tried as a new user would, the help sent a user without a Go
// toolchain to go doc).
func writeCodes(w io.Writer) {
	byFormat := lint.CodeFormats(opts.Formats)
	for _, c := range lint.Codes() {
		delete(byFormat, c.Code) // lint's own: any format may get it
	}
	for _, c := range lint.CodesOf(opts.Formats) {
		of := ""
		if fs := byFormat[c.Code]; len(fs) > 0 {
			of = "; " + strings.Join(fs, ", ") // the formats whose own checks report it
		}
		fmt.Fprintf(w, "%s (%s%s)\n    %s\n    Rests on: %s\n", c.Code, c.Severity, of, c.Summary, c.Source)
	}
}
