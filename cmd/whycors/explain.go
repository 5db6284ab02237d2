package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

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
	browser := fs.String("browser", "", "chrome, firefox, safari or spec (overrides the scenario's browser)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: whycors explain [--json] [--browser B] FILE|-")
		fmt.Fprintln(stderr, "\nReads one scenario (shared/design.md, \"The scenario contract\") and says whether")
		fmt.Fprintln(stderr, "the browser allows the fetch, at which check it fails, and what it prints.")
		fmt.Fprintln(stderr, "A record saved by 'whycors probe --json' is read too (its \"scenario\").")
		fmt.Fprintln(stderr, "Exit status: 0 allowed, 1 blocked, 2 bad input.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	var data []byte
	var err error
	name := fs.Arg(0)
	if name == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, explain.MaxScenarioBytes+1))
	} else {
		data, err = readLimited(name, explain.MaxScenarioBytes+1)
	}
	if err != nil {
		fmt.Fprintln(stderr, "whycors explain:", err)
		return 2
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
	var v explain.Verdict
	if err == nil {
		v, err = explain.Explain(s)
	}
	if err != nil {
		printInputError(stderr, name, err)
		return 2
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

func writeVerdict(w io.Writer, v explain.Verdict) {
	if v.Allowed {
		fmt.Fprintf(w, "%s: ALLOWED: response.status %d, type %q\n", v.Browser, v.Status, v.Type)
	} else {
		fmt.Fprintf(w, "%s: BLOCKED (%s)\n", v.Browser, v.Reason)
	}
	if v.Exception != "" {
		fmt.Fprintf(w, "fetch() rejects with: %s\n", v.Exception)
	}
	if v.Preflight.Sent {
		fmt.Fprintf(w, "\nPreflight: OPTIONS %s\n", v.Preflight.Request.URL)
		for _, f := range v.Preflight.Request.Header {
			fmt.Fprintf(w, "  %s: %s\n", f.Name, f.Value)
		}
		if r := v.Preflight.Reply; r != nil {
			fmt.Fprintf(w, "  <- %d\n", r.Status)
			for _, f := range r.Headers {
				fmt.Fprintf(w, "     %s: %s\n", f.Name, f.Value)
			}
		}
	}
	if v.ActualRequest != nil {
		fmt.Fprintf(w, "\nRequest: %s %s\n", v.ActualRequest.Method, v.ActualRequest.URL)
		for _, f := range v.ActualRequest.Header {
			fmt.Fprintf(w, "  %s: %s\n", f.Name, f.Value)
		}
		if r := v.Reply; r != nil {
			fmt.Fprintf(w, "  <- %d\n", r.Status)
			for _, f := range r.Headers {
				fmt.Fprintf(w, "     %s: %s\n", f.Name, f.Value)
			}
		}
	}
	fmt.Fprintln(w, "\nSteps:")
	for _, s := range v.Steps {
		fmt.Fprintf(w, "  [%s] %s: %s\n", s.Status, s.Title, s.Detail)
		if s.Header != "" {
			for _, l := range strings.Split(s.Header, "\n") {
				fmt.Fprintf(w, "         read: %s\n", l)
			}
		}
	}
	for _, r := range v.Rules {
		state := "did not match"
		if r.Matched {
			state = "matched"
		}
		fmt.Fprintf(w, "  rule %d %s %s", r.Index, r.ID, state)
		if r.Failed != "" {
			fmt.Fprintf(w, " (%s)", r.Failed)
		}
		if r.Detail != "" {
			fmt.Fprintf(w, ": %s", r.Detail)
		}
		fmt.Fprintln(w)
	}
	if v.Allowed {
		fmt.Fprintf(w, "\nReadable response headers: %s\n", strings.Join(v.ReadableHeaders, ", "))
		if v.Preflight.Sent {
			fmt.Fprintf(w, "Preflight cached for %d s\n", v.PreflightCacheSeconds)
		}
	}
	if len(v.Console) > 0 {
		fmt.Fprintf(w, "\nConsole (%s):\n", v.Browser)
		for _, l := range v.Console {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	for _, x := range v.Warnings {
		fmt.Fprintf(w, "\nwarning (%s): %s\n", x.Code, x.Message)
	}
	var diff []string
	for _, b := range v.Browsers {
		if b.Allowed != v.Allowed || b.Reason != v.Reason {
			state := "blocked (" + b.Reason + ")"
			if b.Allowed {
				state = "allowed"
			}
			diff = append(diff, b.Browser+": "+state)
		}
	}
	if len(diff) > 0 {
		fmt.Fprintf(w, "\nOther browsers differ: %s\n", strings.Join(diff, "; "))
	}
}
