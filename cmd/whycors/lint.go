package main

import (
	"encoding/json"
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
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: whycors lint [--policy-format F] [--fail-on error|warning|info] [--format text|json|sarif|github|markdown] FILE|-")
		fmt.Fprintln(stderr, "\nChecks a CORS configuration (S3, R2, GCS, Azure, API Gateway, nginx, Express,")
		fmt.Fprintln(stderr, "native, raw replies, HAR) and prints each finding as FILE:LINE:COLUMN: severity")
		fmt.Fprintln(stderr, "code: message. Codes are listed in `go doc github.com/whycors/whycors/engine/lint`.")
		fmt.Fprintln(stderr, "--format sarif writes SARIF 2.1.0 for code scanning; github, workflow annotations;")
		fmt.Fprintln(stderr, "markdown, a table for a pull-request comment. (--format with a configuration")
		fmt.Fprintln(stderr, "format's name, as earlier releases took it, still names the configuration's format.)")
		fmt.Fprintln(stderr, "\nExamples:\n  whycors lint cors.json\n  aws s3api get-bucket-cors --bucket b | whycors lint --policy-format s3-cli -")
		fmt.Fprintln(stderr, "  whycors lint --fail-on warning --json nginx.conf\n  whycors lint --format sarif cors.json > whycors.sarif")
		fmt.Fprintln(stderr, "  whycors lint --write-baseline .whycors-baseline.json cors.json   # accept what is there")
		fmt.Fprintln(stderr, "  whycors lint --baseline .whycors-baseline.json cors.json         # report only new findings")
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
	name, code, ok := c.oneArg(pos, "FILE: the configuration to check (or - for standard input)")
	if !ok {
		return code
	}
	text, err := readTextArg(name, stdin)
	if err != nil {
		return c.inputError(2, name, err)
	}
	findings, err := lint.Lint(opts.Formats, text, *format)
	if err != nil {
		return c.inputError(2, name, err)
	}
	if *writeBase != "" {
		if err := writeBaseline(*writeBase, name, findings); err != nil {
			return c.inputError(2, *writeBase, err)
		}
		fmt.Fprintf(stderr, "%s: %d finding(s) written to %s\n", name, len(findings), *writeBase)
		return 0
	}
	if *baseline != "" {
		set, err := readBaseline(*baseline)
		if err != nil {
			return c.inputError(2, *baseline, err)
		}
		findings = withoutBaseline(set, name, findings)
	}
	code = 0
	for _, f := range findings {
		if f.Severity.Rank() >= threshold {
			code = 1
		}
	}
	switch *output {
	case "sarif", "github", "markdown":
		if err := writeReport(stdout, *output, name, *srcRoot, findings); err != nil {
			fmt.Fprintln(stderr, "whycors lint:", err)
			return 2
		}
		return code
	}
	if *output == "json" {
		if findings == nil {
			findings = []lint.Finding{}
		}
		b, _ := json.MarshalIndent(struct {
			Findings []lint.Finding `json:"findings"`
		}{findings}, "", "  ")
		fmt.Fprintln(stdout, string(b))
		return code
	}
	for _, f := range findings {
		where := name
		if f.Line > 0 {
			where += ":" + strconv.Itoa(f.Line) + ":" + strconv.Itoa(f.Column)
		}
		if f.Path != "" {
			where += ": " + f.Path
		}
		fmt.Fprintf(stdout, "%s: %s %s: %s\n", where, f.Severity, f.Code, f.Message)
	}
	if len(findings) == 0 {
		fmt.Fprintln(stderr, name+": no findings")
	}
	return code
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
		return "", errors.New(name + ": larger than " + strconv.Itoa(convert.MaxText) + " bytes")
	}
	return string(b), nil
}

// lintHelp is where each code is explained: the lint package's table.
const lintHelp = "https://pkg.go.dev/github.com/whycors/whycors/engine/lint#hdr-Codes"

// writeReport prints findings of file name as SARIF, GitHub workflow
// annotations or Markdown (internal/report).
func writeReport(w io.Writer, form, name, root string, findings []lint.Finding) error {
	var results []report.Result
	for _, f := range findings {
		results = append(results, report.Result{RuleID: f.Code, Level: reportLevel(f.Severity), Message: f.Message,
			File: name, Line: f.Line, Column: f.Column, Path: f.Path})
	}
	switch form {
	case "github":
		return report.GitHub(w, results)
	case "markdown":
		return report.Markdown(w, "whycors lint: "+name, results)
	}
	var rules []report.Rule
	for _, c := range lint.Codes() {
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
