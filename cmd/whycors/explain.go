package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/internal/probe"
)

func init() {
	register("explain", "say what a browser does with a fetch() scenario (JSON)", runExplain)
}

// runExplain reads one scenario and prints the verdict: text by default,
// the verdict JSON with --json. Exit 0 allowed, 1 blocked, 2 bad input.
func runExplain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "write the verdict as JSON")
	noFixes := fs.Bool("no-fixes", false, "skip the search for fixes")
	browser := fs.String("browser", "", "chrome, firefox, safari or spec (overrides the scenario's browser)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: whycors explain [--json] [--browser B] [--no-fixes] FILE|-")
		fmt.Fprint(stderr, `
Reads one scenario (JSON: the page's fetch() and what the server has, as raw
replies or as a policy in any format whycors reads) and says whether the
browser allows the fetch, at which check it fails, what it prints, and the
smallest verified change (in the policy's own format) that lets it pass.
A record saved by 'whycors probe --json' is read too (its "scenario").

A scenario:
  {"request": {"origin": "https://app.example", "url": "https://api.example/items",
               "method": "PUT", "headers": [["Content-Type", "application/json"]],
               "credentials": "include"},
   "policy": {"format": "auto", "text": "[{\"AllowedOrigins\": [\"https://app.example\"], \"AllowedMethods\": [\"PUT\"]}]"}}
or, instead of "policy", the raw replies: "preflight": {"status": 204, "headers": [...]},
"response": {"status": 200, "headers": [...]}. More in examples/ and README.md.

Examples:
  whycors explain examples/s3-upload-missing-header.json
  whycors explain --browser firefox --json scenario.json
  whycors probe --json https://api.example/items --origin https://app.example > rec.json && whycors explain rec.json

Exit status: 0 allowed, 1 blocked, 2 bad input (with the JSON path of the fault;
with --json, as {"error": {...}} on standard output).

Flags:
`)
		fs.PrintDefaults()
	}
	c := &cli{name: "explain", stdout: stdout, stderr: stderr}
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	name, code, ok := c.oneArg(pos, "FILE: the scenario to explain (a JSON file, or - for standard input)")
	if !ok {
		return code
	}
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, explain.MaxScenarioBytes+1))
	} else {
		data, err = readLimited(name, explain.MaxScenarioBytes+1)
	}
	if err != nil {
		return c.inputError(2, name, err)
	}
	// A record saved by `whycors probe --json` holds the scenario with
	// the replies received; explain reads that member.
	if inner, ok := probe.ScenarioOf(data); ok {
		data = inner
	}
	s, err := explain.Decode(data)
	if err == nil && *browser != "" {
		s.Browser = *browser
	}
	if err == nil && *noFixes {
		off := false
		s.Fixes = &off
	}
	var v explain.Verdict
	if err == nil {
		v, err = explain.Explain(s, opts)
	}
	if err != nil {
		return c.inputError(2, name, err)
	}
	if *asJSON {
		b, _ := json.MarshalIndent(v, "", "  ")
		stdout.Write(append(b, '\n'))
	} else {
		writeVerdict(stdout, v)
	}
	if v.Allowed {
		return 0
	}
	return 1
}

func readLimited(name string, n int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}

func printInputError(w io.Writer, name string, err error) {
	var es policy.Errors
	if errors.As(err, &es) {
		for _, e := range es {
			fmt.Fprintf(w, "%s: %s\n", name, e.Error())
		}
		return
	}
	fmt.Fprintf(w, "%s: %s\n", name, err)
}

// writeVerdict prints the readable explanation, in colour only when
// stdout is a terminal and NO_COLOR is unset (https://no-color.org).
func writeVerdict(w io.Writer, v explain.Verdict) {
	io.WriteString(w, explain.Text(v, explain.TextOptions{Color: colorOK(w)}))
}

// colorOK reports a terminal on w and no NO_COLOR in the environment.
func colorOK(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}
