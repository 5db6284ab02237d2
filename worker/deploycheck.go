//go:build !(js && wasm)

package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/whycors/whycors/engine/policy"
)

// The deploy-time check: `worker check` reads the configuration wrangler
// deploys (wrangler.toml's [vars], and the policy file bundled with the
// worker when there is one) with the worker's own LoadConfig, the code
// every isolate runs when it starts, and fails with every fault at its
// position in the file the user wrote: wrangler.toml:LINE:COLUMN for a
// variable (inside the WHYCORS_POLICY string, line and column in the
// file), FILE:LINE:COLUMN for a policy file. wrangler's [build] command
// runs it (scripts/worker-wrangler-build.sh), so `wrangler deploy` stops
// before uploading an invalid policy. A secret (`wrangler secret put`) is
// not in any file and cannot be checked here; the worker still fails
// closed on it at run time.

// deployCheck runs the check with args (flags), printing faults to stderr;
// it returns the exit status.
func deployCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "wrangler.toml", "the wrangler configuration whose [vars] the worker gets")
	file := fs.String("policy", "", "the policy file bundled with the worker (policy.txt), if the policy is not in [vars]")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "check: unexpected argument", fs.Arg(0))
		return 2
	}
	src, err := os.ReadFile(*config)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	vars, err := readVars(src)
	if err != nil {
		fmt.Fprintf(stderr, "%s:%s\n", *config, err)
		return 1
	}
	var policyText string
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		policyText = string(b)
		if policyText == "" {
			fmt.Fprintf(stderr, "%s:1:1: the policy file is empty\n", *file)
			return 1
		}
	}
	getenv := func(name string) string {
		if name == envPolicyFile {
			return policyText
		}
		return vars[name].value
	}
	cfg, errs := LoadConfig(getenv)
	if len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(stderr, placeFault(e, *config, *file, vars))
		}
		fmt.Fprintf(stderr, "whycors worker: %d fault(s) in the configuration; not deploying\n", len(errs))
		return 1
	}
	from := "[vars] WHYCORS_POLICY"
	if *file != "" {
		from = *file
	}
	fmt.Fprintf(stdout, "whycors worker: %s policy from %s, upstream %s: valid\n", cfg.Format, from, cfg.Upstream)
	return 0
}

// tomlVar is a string in [vars]: its value and where the value's text
// starts in the file. exact: the value is the file's bytes from there on
// (a literal string, or a basic string without escapes), so a position
// inside it maps to the file's line and column.
type tomlVar struct {
	value        string
	line, column int // of the value's first character (after the quotes and a trimmed newline)
	exact        bool
}

// readVars reads wrangler.toml's top-level [vars] table: string values
// with positions. Values of other types (wrangler takes JSON objects) are
// given to LoadConfig as their TOML text.
func readVars(src []byte) (map[string]tomlVar, error) {
	p := unstable.Parser{}
	p.Reset(src)
	vars := map[string]tomlVar{}
	in := false
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			in = e.Kind == unstable.Table && keyOf(e) == "vars"
		case unstable.KeyValue:
			if !in {
				continue
			}
			v := e.Value()
			start := int(v.Raw.Offset)
			tv := tomlVar{value: string(v.Data)}
			if v.Kind == unstable.String {
				raw := p.Raw(v.Raw)
				skip := 1
				if bytes.HasPrefix(raw, []byte(`'''`)) || bytes.HasPrefix(raw, []byte(`"""`)) {
					skip = 3
					// A newline right after the opening delimiter is not
					// part of the value.
					if bytes.HasPrefix(raw[3:], []byte("\r\n")) {
						skip += 2
					} else if bytes.HasPrefix(raw[3:], []byte("\n")) {
						skip++
					}
				}
				start += skip
				tv.exact = bytes.HasPrefix(src[start:], v.Data)
			} else {
				tv.value = string(p.Raw(v.Raw))
			}
			tv.line, tv.column = lineColumn(src, start)
			vars[keyOf(e)] = tv
		}
	}
	if err := p.Error(); err != nil {
		if pe, ok := err.(*unstable.ParserError); ok && len(pe.Highlight) > 0 {
			sh := p.Shape(p.Range(pe.Highlight))
			return nil, fmt.Errorf("%d:%d: %s", sh.Start.Line, sh.Start.Column, pe.Message)
		}
		return nil, fmt.Errorf(" %v", err)
	}
	return vars, nil
}

// keyOf joins a table header's or key-value's dotted key.
func keyOf(n *unstable.Node) string {
	var parts []string
	for it := n.Key(); it.Next(); {
		parts = append(parts, string(it.Node().Data))
	}
	return strings.Join(parts, ".")
}

func lineColumn(src []byte, off int) (int, int) {
	before := src[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	return line, off - (bytes.LastIndexByte(before, '\n') + 1) + 1
}

// placeFault writes a fault as FILE:LINE:COLUMN: message, at its place in
// the file the user wrote: the policy file, or wrangler.toml (a position
// inside WHYCORS_POLICY is moved by where the string starts there).
func placeFault(e *policy.Error, config, file string, vars map[string]tomlVar) string {
	msg := e.Error()
	if e.Line > 0 {
		// The message without the reader's own "line L, column C: ",
		// which the position in front now says.
		x := *e
		x.Line, x.Column = 0, 0
		msg = x.Error()
	}
	name := e.Path
	if i := strings.IndexByte(name, ' '); i >= 0 {
		name = name[:i]
	}
	if name == envPolicyFile && file != "" {
		line, col := max(e.Line, 1), max(e.Column, 1)
		return fmt.Sprintf("%s:%d:%d: %s", file, line, col, strings.Replace(msg, envPolicyFile, file, 1))
	}
	v, ok := vars[name]
	if !ok {
		return fmt.Sprintf("%s: [vars] %s", config, msg)
	}
	line, col := v.line, v.column
	switch {
	case e.Line == 0:
	case v.exact:
		line += e.Line - 1
		if e.Line == 1 {
			col += max(e.Column, 1) - 1
		} else {
			col = max(e.Column, 1)
		}
	default:
		// Escapes in the string move the text: the value's start, and
		// the position inside the value.
		return fmt.Sprintf("%s:%d:%d: %s (line %d, column %d of the value)", config, line, col, msg, e.Line, e.Column)
	}
	return fmt.Sprintf("%s:%d:%d: %s", config, line, col, msg)
}
