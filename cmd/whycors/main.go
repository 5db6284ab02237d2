// Command whycors tells why a browser would block a cross-origin fetch(),
// from the CORS configuration a server already runs, and serves the
// simulator page. Run `whycors help` for the commands.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"

	// Every policy format, for explain, lint, convert, respond and probe.
	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain/advise"
)

// command is one subcommand: it reads its own flags from args and returns
// the process exit code (0 allowed or clean, 1 blocked or findings, 2 usage
// or input error).
type command struct {
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// commands is filled by each subcommand's file from init, so that every
// subcommand lives in a file of its own.
var commands = map[string]command{}

func register(name, summary string, run func(args []string, stdin io.Reader, stdout, stderr io.Writer) int) {
	commands[name] = command{summary, run}
}

// version is set at link time by release builds (-ldflags "-X main.version=...");
// moduleVersion prefers the version `go install module@version` records.
var version = "dev"

func init() {
	register("version", "print the version", func(_ []string, _ io.Reader, stdout, _ io.Writer) int {
		fmt.Fprintln(stdout, "whycors", moduleVersion())
		return 0
	})
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// opts is the whole engine: every format and the explainer's advisor
// (warnings and fixes). It never changes once built.
var opts = advise.Options(all.Registry())

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.run([]string{"--help"}, stdin, stdout, stdout)
			}
		}
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "--version" || args[0] == "-version" {
		args[0] = "version"
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "whycors: unknown command %q\n", args[0])
		if s := suggest(args[0], commandNames()); s != "" {
			fmt.Fprintf(stderr, "Did you mean 'whycors %s'?\n", s)
		}
		fmt.Fprintln(stderr)
		usage(stderr)
		return 2
	}
	if asksHelp(args[1:]) {
		// Help asked for is the output, as the top-level --help's is,
		// so that `whycors lint --help | less` shows it (tried as a new
		// user would: it went to standard error).
		stderr = stdout
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

// asksHelp reports -h, -help or --help among a command's flags (before
// "--", after which they are arguments).
func asksHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "whycors tells you why a browser blocks a cross-origin fetch(), and how to fix it.")
	fmt.Fprintln(w, "\nUsage: whycors <command> [flags]\n\nCommands:")
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'whycors <command> --help' for a command's flags and examples.")
}

// commandNames lists the subcommands in order.
func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
