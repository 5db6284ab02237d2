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
)

func init() {
	register("lint", "find dangerous or useless parts of a CORS configuration, with their positions", runLint)
}

// runLint prints the findings for one configuration. Exit 0 when no
// finding reaches --fail-on, 1 when one does, 2 for bad input.
func runLint(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "auto", "the configuration's format: "+strings.Join(opts.Formats.Names(), ", ")+", or auto")
	failOn := fs.String("fail-on", "error", "exit 1 when a finding is at least this severe: error, warning or info")
	asJSON := fs.Bool("json", false, "print the findings as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: whycors lint [--format F] [--fail-on error|warning|info] [--json] FILE|-")
		fmt.Fprintln(stderr, "\nChecks a CORS configuration (S3, R2, GCS, Azure, API Gateway, nginx, Express,")
		fmt.Fprintln(stderr, "native, raw replies, HAR) and prints each finding as FILE:LINE:COLUMN: severity")
		fmt.Fprintln(stderr, "code: message. Codes are listed in `go doc github.com/whycors/whycors/engine/lint`.")
		fmt.Fprintln(stderr, "\nExamples:\n  whycors lint cors.json\n  aws s3api get-bucket-cors --bucket b | whycors lint --format s3-cli -")
		fmt.Fprintln(stderr, "  whycors lint --fail-on warning --json nginx.conf")
		fmt.Fprintln(stderr, "\nExit status: 0 no finding at or above --fail-on, 1 some, 2 bad input.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	threshold := lint.Severity(*failOn).Rank()
	if threshold == 0 || fs.NArg() != 1 {
		if threshold == 0 {
			fmt.Fprintf(stderr, "whycors lint: --fail-on %q: want error, warning or info\n", *failOn)
		}
		fs.Usage()
		return 2
	}
	name := fs.Arg(0)
	text, err := readTextArg(name, stdin)
	if err != nil {
		fmt.Fprintln(stderr, "whycors lint:", err)
		return 2
	}
	findings, err := lint.Lint(opts.Formats, text, *format)
	if err != nil {
		printInputError(stderr, name, err)
		return 2
	}
	code := 0
	for _, f := range findings {
		if f.Severity.Rank() >= threshold {
			code = 1
		}
	}
	if *asJSON {
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
