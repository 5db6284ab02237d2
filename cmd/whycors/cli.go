package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/policy"
)

// parseFlags parses args with fs, flags before, between or after the
// arguments: Go's flag package stops at the first argument, so `explain
// FILE --json` would read --json as a second file. Each flag (and, for a
// flag that is not boolean and has no "=value", the word after it) moves
// in front of the arguments; "--" ends the flags, so that what follows it
// is an argument even when it starts with "-"; "-" alone is an argument
// (standard input). It returns the arguments in their order.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && !isBoolFlag(f) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	if err := fs.Parse(append(flags, append([]string{"--"}, pos...)...)); err != nil {
		return nil, err
	}
	return fs.Args(), nil
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// wantsJSON reports --json (or, for lint, --format json) among args, read
// before the flags are parsed, so that a flag error is reported as JSON
// too.
func wantsJSON(args []string) bool {
	for i, a := range args {
		if a == "--" {
			return false
		}
		switch strings.TrimLeft(a, "-") {
		case "json", "json=true", "format=json":
			return strings.HasPrefix(a, "-")
		case "format":
			if strings.HasPrefix(a, "-") && i+1 < len(args) && args[i+1] == "json" {
				return true
			}
		}
	}
	return false
}

// Fault is one fault of an input error as --json reports it: what is
// wrong and, when known, where (the file as named on the command line, a
// 1-based line and column, the JSON path).
type Fault struct {
	Message string `json:"message"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Path    string `json:"path,omitempty"`
}

// ErrorReport is the one shape of every error a command prints with
// --json: {"error": {...}}. The error's own fields are its first fault
// (or, for a usage error, the message alone); Faults lists every
// positioned fault of the input, the first one included.
type ErrorReport struct {
	Error ErrorBody `json:"error"`
}

// ErrorBody is the "error" member of an ErrorReport.
type ErrorBody struct {
	Fault
	Faults []Fault `json:"faults,omitempty"`
}

// errorReport builds the report of err for file (empty for a usage
// error).
func errorReport(file string, err error) ErrorReport {
	var r ErrorReport
	r.Error.Faults = faults(file, err)
	if len(r.Error.Faults) == 0 {
		r.Error.Fault = Fault{Message: err.Error(), File: file}
		return r
	}
	r.Error.Fault = r.Error.Faults[0]
	return r
}

// faults lists the positioned faults in err: a reader's policy.Errors,
// the browser model's *fetch.InputError (a field of the scenario's
// request), or several of them joined.
func faults(file string, err error) []Fault {
	var out []Fault
	switch e := err.(type) {
	case policy.Errors:
		for _, x := range e {
			msg := x.Msg
			if x.Code != "" {
				msg = x.Code + ": " + msg
			}
			at := file
			if x.File != "" {
				at = x.File // a --policy file, or one of a template's files
			}
			out = append(out, Fault{Message: msg, File: at, Line: x.Line, Column: x.Column, Path: x.Path})
		}
	case *fetch.InputError:
		out = append(out, Fault{Message: e.Msg, File: file, Path: "$.request." + e.Field})
	case interface{ Unwrap() []error }:
		for _, x := range e.Unwrap() {
			out = append(out, faults(file, x)...)
		}
	case interface{ Unwrap() error }:
		return faults(file, e.Unwrap())
	}
	return out
}

// cli is one run of a subcommand: where it writes and whether errors go
// out as JSON.
type cli struct {
	name           string // the subcommand
	stdout, stderr io.Writer
	json           bool
}

// usageError reports a mistake on the command line and returns 2: in
// text, the message and where to find help; with --json, an ErrorReport
// on standard output.
func (c *cli) usageError(msg string) int {
	if c.json {
		writeJSON(c.stdout, errorReport("", errors.New(msg)))
		return 2
	}
	fmt.Fprintf(c.stderr, "whycors %s: %s\n", c.name, msg)
	fmt.Fprintf(c.stderr, "Run 'whycors %s --help' for the flags and examples.\n", c.name)
	return 2
}

// inputError reports err about file (every positioned fault) and returns
// code.
func (c *cli) inputError(code int, file string, err error) int {
	if c.json {
		writeJSON(c.stdout, errorReport(file, err))
		return code
	}
	printInputError(c.stderr, file, err)
	return code
}

// parse reads the flags of args wherever they stand; ok is false when the
// run is over (help was asked for, code 0, or a flag is wrong, code 2).
func (c *cli) parse(fs *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	c.json = wantsJSON(args)
	usage := fs.Usage
	if c.json {
		// The error goes out as JSON, without the flag package's text.
		fs.SetOutput(io.Discard)
		fs.Usage = func() {}
	}
	pos, err := parseFlags(fs, args)
	fs.SetOutput(c.stderr)
	fs.Usage = usage
	switch {
	case errors.Is(err, flag.ErrHelp):
		if c.json {
			usage()
		}
		return nil, 0, false
	case err != nil:
		if c.json {
			return nil, c.usageError(err.Error()), false
		}
		return nil, 2, false // the flag package has said what is wrong, with the usage
	}
	return pos, 0, true
}

// oneArg checks that exactly one argument was given; what names the
// missing one ("FILE, the scenario to explain (or - for standard input)").
func (c *cli) oneArg(pos []string, what string) (string, int, bool) {
	switch {
	case len(pos) == 0:
		return "", c.usageError("missing " + what), false
	case len(pos) > 1:
		return "", c.usageError(fmt.Sprintf("one %s only; unexpected %q", strings.TrimSuffix(strings.Fields(what)[0], ":"), pos[1])), false
	}
	return pos[0], 0, true
}

func writeJSON(w io.Writer, v any) {
	b, _ := json.MarshalIndent(v, "", "  ")
	w.Write(append(b, '\n'))
}

// moduleVersion is the version `whycors version` prints: the module's
// version when the binary was built by `go install module@version`, else
// what the release build set at link time (-X main.version), else "dev".
func moduleVersion() string {
	info, _ := debug.ReadBuildInfo()
	return versionOf(info, version)
}

// versionOf picks the version from the build information and the
// link-time value. In a checkout, Go 1.24 and later record a
// pseudo-version from git (v0.0.0-TIME-COMMIT, "+dirty" with changes),
// which is printed as it is; built without VCS stamping (-buildvcs=false)
// the main module's version is "(devel)", which is not a version, so the
// link-time value stands, and without one "dev", with the commit when Go
// stamped one (vcs.revision, vcs.modified).
func versionOf(info *debug.BuildInfo, linked string) string {
	if info != nil && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	if linked != "" && linked != "dev" {
		return linked
	}
	if info == nil {
		return "dev"
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified == "true" {
		return "dev (" + rev + ", modified)"
	}
	return "dev (" + rev + ")"
}

// suggest returns the name of names closest to typed, when it is close
// enough to be a slip of the fingers (at most 2 edits, and fewer than
// half of typed's letters), or "".
func suggest(typed string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := editDistance(typed, n); d < bestD && 2*d < len(typed) {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and
// b: insertions, deletions, substitutions and transpositions of adjacent
// bytes each cost one edit, so "lnit" is one edit from "lint".
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// output settles the output format: --json is --format json, and a
// format not among allowed is a usage error naming them.
func (c *cli) output(format *string, asJSON bool, allowed ...string) (int, bool) {
	if asJSON {
		*format = "json"
	}
	c.json = *format == "json"
	for _, a := range allowed {
		if *format == a {
			return 0, true
		}
	}
	want := strings.Join(allowed[:len(allowed)-1], ", ") + " or " + allowed[len(allowed)-1]
	return c.usageError(fmt.Sprintf("--format %q: want %s", *format, want)), false
}
