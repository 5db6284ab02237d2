package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/internal/contract"
	"github.com/whycors/whycors/internal/report"
)

func init() {
	register("test", "check a CORS configuration against the requests it must allow and refuse (contract tests)", runTest)
}

// runTest checks one configuration against an expectations file. Exit 0
// every case holds, 1 some case does not, 2 bad input.
// testHelpExample is the expectations file the help shows; a user copies
// it first, so TestTestHelpExample runs it. A header with its value is
// quoted: unquoted, YAML reads "content-type: image/png" in a flow list
// as a mapping (tried as a new user would, the help's own example
// failed so).
const testHelpExample = `  url: https://uploads.example.com        # where the paths are requested (optional)
  cases:
    - {origin: https://app.example.com, method: PUT, path: /u/x, headers: ["content-type: image/png", x-amz-meta-owner],
       credentials: include, browser: all, expect: allow}
    - {origin: https://evil.example, method: GET, path: /, expect: deny}
`

func runTest(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("policy-format", "auto", "the configuration's format: "+strings.Join(opts.Formats.Names(), ", ")+", or auto")
	output := fs.String("format", "text", "how to print the results: text, json, sarif (for code scanning) or markdown")
	asJSON := fs.Bool("json", false, "print the results as JSON (--format json)")
	srcRoot := fs.String("srcroot", ".", "with --format sarif: the folder the expectations file's URI is relative to")
	var params listFlag
	fs.Var(&params, "param", "Name=value: a value for a template parameter or Terraform variable (repeatable)")
	resource := fs.String("resource", "", "which resource of a template answers: a CloudFormation logical ID or a Terraform address")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: whycors test [--policy-format F] [--param N=V]... [--resource R] [--format text|json|sarif|markdown] POLICY EXPECTATIONS")
		fmt.Fprintln(stderr, "\nChecks a CORS configuration, in any format whycors reads, against the requests")
		fmt.Fprintln(stderr, "it must allow and refuse, each in the browsers named (the browser model of")
		fmt.Fprintln(stderr, "whycors explain). EXPECTATIONS is YAML or JSON (schemas/expectations.schema.json):")
		fmt.Fprint(stderr, "\n"+testHelpExample)
		fmt.Fprintln(stderr, "\nA header given as a name alone is sent with the value x. Each case that does not")
		fmt.Fprintln(stderr, "hold is printed with the browser's reason and the rule of the configuration")
		fmt.Fprintln(stderr, "that decided.\n\nExit status: 0 every case holds, 1 some does not, 2 bad input.\n\nFlags:")
		fs.PrintDefaults()
	}
	c := &cli{name: "test", stdout: stdout, stderr: stderr}
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if code, ok := c.output(output, *asJSON, "text", "json", "sarif", "markdown"); !ok {
		return code
	}
	switch {
	case len(pos) < 2:
		return c.usageError("missing " + []string{"POLICY: the configuration to check", "EXPECTATIONS: the file of expected requests (YAML or JSON)"}[len(pos)])
	case len(pos) > 2:
		return c.usageError(fmt.Sprintf("one POLICY and one EXPECTATIONS file; unexpected %q", pos[2]))
	}
	policyName, expName := pos[0], pos[1]
	if policyName == "-" && expName == "-" {
		return c.usageError("only one of POLICY and EXPECTATIONS can be standard input")
	}
	// The policy as explain's --policy reads it: a Terraform module's
	// folder (or one of its .tf files, which brings the folder), with
	// --param and --resource (found as a new user would: test read a
	// module as one text, and its fault told to use --param, which test
	// did not take).
	pol := &explain.Policy{Format: *format}
	if policyName == "-" {
		text, err := readTextArg(policyName, stdin)
		if err != nil {
			return c.inputError(2, policyName, err)
		}
		pol.Text = text
		if len(params) > 0 || *resource != "" {
			s := explain.Scenario{Policy: pol}
			if err := policyFromFlags(&s, nil, params, *format, *resource); err != nil {
				return c.inputError(2, policyName, err)
			}
		}
	} else {
		s := explain.Scenario{}
		if err := policyFromFlags(&s, []string{policyName}, params, *format, *resource); err != nil {
			return c.inputError(2, policyName, err)
		}
		pol = s.Policy
	}
	expText, err := readTextArg(expName, stdin)
	if err != nil {
		return c.inputError(2, expName, err)
	}
	f, err := contract.Read(expText)
	if err != nil {
		return c.inputError(2, expName, err)
	}
	results, err := contract.RunPolicy(f, pol, opts)
	if err != nil {
		return c.inputError(2, policyName, pol.Source().NameFile(err))
	}
	failed := 0
	for _, r := range results {
		if !r.OK() {
			failed++
		}
	}
	code = 0
	if failed > 0 {
		code = 1
	}
	switch *output {
	case "json":
		writeJSON(stdout, testJSON(results, failed))
		return code
	case "sarif", "markdown":
		var rs []report.Result
		for _, r := range results {
			if !r.OK() {
				rs = append(rs, report.Result{RuleID: "contract-mismatch", Level: "error", Message: mismatch(r), File: expName, Line: r.Case.Line, Column: r.Case.Column,
					Path: "$.cases[" + strconv.Itoa(r.Case.Index) + "]"})
			}
		}
		if *output == "markdown" {
			report.Markdown(stdout, "whycors test: "+policyName+" against "+expName, rs)
			return code
		}
		rule := report.Rule{ID: "contract-mismatch", Level: "error", Summary: "A request the expectations file says must be allowed (or refused) is not, in the browser named.", HelpURI: "https://github.com/whycors/whycors#contract-tests"}
		if err := report.SARIF(stdout, report.Tool{Name: "whycors", Version: moduleVersion(), InformationURI: "https://github.com/whycors/whycors"}, []report.Rule{rule}, rs, *srcRoot); err != nil {
			return c.inputError(2, expName, err)
		}
		return code
	}
	for _, r := range results {
		if !r.OK() {
			fmt.Fprintf(stdout, "%s:%d:%d: %s\n", expName, r.Case.Line, r.Case.Column, mismatch(r))
		}
	}
	cases := "cases"
	if len(f.Cases) == 1 {
		cases = "case"
	}
	fmt.Fprintf(stderr, "%d of %d checks hold (%d %s", len(results)-failed, len(results), len(f.Cases), cases)
	fmt.Fprintf(stderr, ", each in the browsers it names)\n")
	return code
}

// mismatch says what a case expected and what the browser did.
func mismatch(r contract.Result) string {
	c := r.Case
	req := c.Method + " " + c.Path + " from " + c.Origin
	if c.Credentials == "include" {
		req += " with credentials"
	}
	if len(c.Headers) > 0 {
		var names []string
		for _, h := range c.Headers {
			names = append(names, h.Name)
		}
		req += " with " + strings.Join(names, ", ")
	}
	want := "deny"
	if c.Allow {
		want = "allow"
	}
	if r.Error != "" {
		return fmt.Sprintf("case %d (%s): expected %s; %s could not be run: %s", c.Index+1, req, want, r.Browser, r.Error)
	}
	got := r.Browser + " allows it"
	if !r.Allowed {
		got = r.Browser + " blocks it: " + r.Reason
	}
	if r.Rule != "" {
		got += " (decided by " + r.Rule + ")"
	}
	return fmt.Sprintf("case %d (%s): expected %s, %s", c.Index+1, req, want, got)
}

// testJSON is the JSON of the results: each check with its case, and
// the counts.
func testJSON(results []contract.Result, failed int) any {
	type check struct {
		Case    int    `json:"case"`
		Line    int    `json:"line"`
		Column  int    `json:"column"`
		Browser string `json:"browser"`
		Expect  string `json:"expect"`
		Allowed bool   `json:"allowed"`
		Reason  string `json:"reason,omitempty"`
		Rule    string `json:"rule,omitempty"`
		Error   string `json:"error,omitempty"`
		OK      bool   `json:"ok"`
		Message string `json:"message,omitempty"`
	}
	out := struct {
		Checks []check `json:"checks"`
		Failed int     `json:"failed"`
	}{Checks: []check{}, Failed: failed}
	for _, r := range results {
		x := check{Case: r.Case.Index + 1, Line: r.Case.Line, Column: r.Case.Column, Browser: r.Browser, Expect: "deny",
			Allowed: r.Allowed, Reason: r.Reason, Rule: r.Rule, Error: r.Error, OK: r.OK()}
		if r.Case.Allow {
			x.Expect = "allow"
		}
		if !x.OK {
			x.Message = mismatch(r)
		}
		out.Checks = append(out.Checks, x)
	}
	return out
}
