package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/formats/raw"
	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/policy"
)

// maxPolicyBytes bounds the --policy file.
const maxPolicyBytes = limits.PolicyText

func init() {
	register("respond", "print the raw reply a configured platform sends to one HTTP request", runRespond)
}

// runRespond reads one raw HTTP/1.1 request (request line and headers) on
// stdin and prints the raw reply the platform configured by --policy would
// send. Exit 0 ok, 2 bad input.
func runRespond(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("respond", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("policy", "", "the platform's CORS configuration (required)")
	format := fs.String("format", "auto", "the configuration's format: "+strings.Join(opts.Formats.Names(), ", ")+", or auto")
	// lint, explain, test and convert name it --policy-format (found as
	// a new user would).
	fs.StringVar(format, "policy-format", "auto", "the same as --format, as lint, explain and test name it")
	status := fs.Int("status", 200, "status of the application's reply to an actual request (the object, the backend)")
	trace := fs.Bool("trace", false, "also print the rule trace and decision on standard error")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: whycors respond --policy FILE [--format F] [--status N] [--trace] < request.txt")
		fmt.Fprintln(stderr, "\nReads one raw HTTP/1.1 request (request line and headers, as `curl -v` shows")
		fmt.Fprintln(stderr, "them; a leading \"> \" is dropped) and prints the reply that platform would send.")
		fmt.Fprintln(stderr, "Example:\n  printf 'OPTIONS /k HTTP/1.1\\r\\nHost: b.s3.amazonaws.com\\r\\nOrigin: https://app.test\\r\\nAccess-Control-Request-Method: PUT\\r\\n\\r\\n' |")
		fmt.Fprintln(stderr, "    whycors respond --policy cors.json")
		fmt.Fprintln(stderr, "Exit status: 0 ok, 2 bad input.\n\nFlags:")
		fs.PrintDefaults()
	}
	c := &cli{name: "respond", stdout: stdout, stderr: stderr}
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if *file == "" {
		return c.usageError("missing --policy FILE: the platform's CORS configuration")
	}
	if len(pos) != 0 {
		return c.usageError(fmt.Sprintf("unexpected argument %q: the request is read from standard input", pos[0]))
	}
	// Found as a new user would: "-" was "open -", and a status of -1
	// was written as "HTTP/1.1 -1".
	if *file == "-" {
		return c.usageError("--policy -: standard input holds the request; name the policy's file")
	}
	if *status < 100 || *status > 999 {
		return c.usageError(fmt.Sprintf("--status %d: an HTTP status is three digits, from 100 to 999", *status))
	}
	text, err := readPolicyFile(*file)
	if err != nil {
		fmt.Fprintln(stderr, "whycors respond:", err)
		return 2
	}
	f, err := opts.Formats.Resolve(*format, policy.Source{Text: text})
	if err != nil {
		fmt.Fprintf(stderr, "whycors respond: %s: %v\n", *file, err)
		return 2
	}
	ev, err := f.Parse(text)
	if err != nil {
		var es policy.Errors
		if errors.As(err, &es) {
			for _, e := range es {
				fmt.Fprintf(stderr, "%s: %s\n", *file, e)
			}
		} else {
			fmt.Fprintf(stderr, "%s: %v\n", *file, err)
		}
		return 2
	}
	req, err := readRawRequest(stdin)
	if err != nil {
		fmt.Fprintln(stderr, "whycors respond: request:", err)
		return 2
	}
	out := ev.Respond(req, policy.Reply{Status: *status})
	writeRawReply(stdout, out.Reply)
	if *trace {
		for _, r := range out.Rules {
			state := "matched"
			if !r.Matched {
				state = "failed on " + r.Failed
			}
			fmt.Fprintf(stderr, "rule %d %s %s: %s\n", r.Index+1, r.Path, state, out.Detail(r))
		}
		fmt.Fprintln(stderr, out.Text())
	}
	return 0
}

func readPolicyFile(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPolicyBytes+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxPolicyBytes {
		return "", errors.New(name + ": larger than 1 MiB")
	}
	return string(withoutBOM(b)), nil
}

// readRawRequest reads the request on r (at most raw.MaxRequestBytes; the
// head ends at the first empty line) with the raw format's own reader.
func readRawRequest(r io.Reader) (policy.Request, error) {
	b, err := io.ReadAll(io.LimitReader(r, raw.MaxRequestBytes))
	if err != nil {
		return policy.Request{}, err
	}
	return raw.ParseHTTPRequest(string(b))
}

func writeRawReply(w io.Writer, r policy.Reply) {
	bw := bufio.NewWriter(w)
	text := fetch.ReasonPhrase(r.Status)
	bw.WriteString("HTTP/1.1 " + strconv.Itoa(r.Status) + " " + text + "\r\n")
	for _, f := range r.Header {
		bw.WriteString(f.Name + ": " + f.Value + "\r\n")
	}
	bw.WriteString("\r\n")
	bw.WriteString(r.Body)
	bw.Flush()
}
