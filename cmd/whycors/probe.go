package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/internal/probe"
)

// Exit statuses of probe. 0, 1 and 2 are every command's; 3 is probe's own:
// the server gave no HTTP reply, which is not a CORS verdict.
const (
	exitAllowed = 0
	exitBlocked = 1
	exitUsage   = 2
	exitNetwork = 3
)

// maxBodyFlagBytes bounds --data.
const maxBodyFlagBytes = 1 << 20

func init() {
	register("probe", "send the preflight and request a browser would send to a live URL, and explain the answers", runProbe)
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

const probeHelp = `Usage: whycors probe URL --origin ORIGIN [flags]

Sends a live server the requests a browser sends for
  fetch(URL, {method, headers, credentials, body})
from a page on ORIGIN: the CORS preflight (OPTIONS, exactly as the browser
builds it, redirects not followed), then the actual request when the
preflight passes and the method is GET or HEAD (or with --send). Then it
explains the replies as 'whycors explain' would: allowed or blocked, at
which check, and the console lines of the browser.

Examples:
  whycors probe https://api.example.com/items --origin https://app.example.com
  whycors probe https://api.example.com/items/1 --origin https://app.example.com \
      --method PUT -H 'Content-Type: application/json' --credentials include
  whycors probe https://api.example.com/items --origin https://app.example.com --json > probe.json
  whycors explain probe.json          # replay the saved replies, offline
  whycors probe http://api.test/x --origin http://app.test --resolve api.test:80:127.0.0.1
  whycors probe --attack https://api.example.com/me --origin https://app.example.com
      # the attacker's battery: see 'whycors probe --attack --help'
  echo '{"a":1}' | whycors probe https://api.example.com/items --origin https://app.example.com \
      --method POST -H 'Content-Type: application/json' --data @- --send

Exit status:
  0  allowed (or: the preflight passed and the actual request was withheld,
     or redirected and not followed; the output says so)
  1  blocked by the browser's CORS checks
  2  usage or input error
  3  network failure (DNS, TLS, connection refused or reset, timeout): no
     HTTP reply, so no CORS check ran

Sent besides the CORS fields: User-Agent, Sec-Fetch-Mode (and Sec-Fetch-Site,
Sec-Fetch-Dest to https or loopback URLs), Referer (the origin), Accept-Encoding,
Accept-Language, Connection, as Chromium 156 sends them; no cookies.
Proxies come from HTTPS_PROXY, HTTP_PROXY and NO_PROXY. Colour only on a
terminal, never with NO_COLOR set.

Flags:`

// runProbe is the probe subcommand.
func runProbe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--attack" || a == "-attack" || a == "--attack=true" || a == "-attack=true" {
			return runAttack(args, stdout, stderr)
		}
	}
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := fs.String("origin", "", "the page's origin, e.g. https://app.example.com (required)")
	method := fs.String("method", "GET", "the fetch() method")
	var hdrs, resolve listFlag
	fs.Var(&hdrs, "H", "a request header the page sets, 'Name: value' (repeatable)")
	creds := fs.String("credentials", "same-origin", "the fetch() credentials mode: omit, same-origin or include")
	browser := fs.String("browser", "chrome", "chrome, firefox, safari or spec")
	asJSON := fs.Bool("json", false, "write the record (scenario with the replies, verdict, exchanges) as JSON")
	send := fs.Bool("send", false, "send the actual request even when its method is not GET or HEAD")
	data := fs.String("data", "", "the request body as a string, @FILE to read a file, @- for standard input")
	timeout := fs.Duration("timeout", probe.DefaultTimeout, "the whole probe's time limit")
	connTimeout := fs.Duration("connect-timeout", probe.DefaultConnectTimeout, "each connection's time limit (TCP and TLS)")
	insecure := fs.Bool("insecure", false, "do not verify the server's TLS certificate (a browser would)")
	maxBody := fs.Int64("max-body", probe.DefaultMaxBodyBytes, "read at most this many bytes of each reply's body")
	fs.Var(&resolve, "resolve", "HOST:PORT:ADDR connects to ADDR for HOST:PORT, as curl --resolve (repeatable)")
	ua := fs.String("user-agent", "", "the User-Agent to send (default: the browser's)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, probeHelp)
		fs.PrintDefaults()
	}
	c := &cli{name: "probe", stdout: stdout, stderr: stderr}
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	usageErr := c.usageError
	target, code, ok := c.oneArg(pos, "URL: the address to probe, e.g. https://api.example.com/items")
	if !ok {
		return code
	}
	if *org == "" {
		return usageErr("missing --origin ORIGIN: the origin of the page that calls fetch(), e.g. https://app.example.com")
	}
	if *timeout <= 0 || *connTimeout <= 0 || *maxBody <= 0 {
		return usageErr("--timeout, --connect-timeout and --max-body must be positive")
	}
	o := probe.Options{
		Engine:  opts,
		Browser: *browser, Origin: *org, URL: target, Method: *method, Credentials: *creds, Send: *send,
		Timeout: *timeout, ConnectTimeout: *connTimeout, Insecure: *insecure, MaxBodyBytes: *maxBody, UserAgent: *ua,
	}
	var msg string
	if o.Headers, msg = headerFlags(hdrs); msg != "" {
		return usageErr(msg)
	}
	if len(resolve) > 0 {
		o.Resolve = map[string]string{}
	}
	for _, r := range resolve {
		hostPort, addr, err := splitResolve(r)
		if err != nil {
			return usageErr("--resolve " + r + ": " + err.Error())
		}
		o.Resolve[hostPort] = addr
	}
	if isFlagSet(fs, "data") {
		b, err := readData(*data, stdin)
		if err != nil {
			return usageErr("--data: " + err.Error())
		}
		o.Body = &b
	}

	rec, err := probe.Run(context.Background(), o)
	if err != nil && c.json {
		return c.inputError(exitUsage, "", err)
	}
	if err != nil {
		var es policy.Errors
		if errors.As(err, &es) {
			for _, e := range es {
				fmt.Fprintln(stderr, "whycors probe:", strings.TrimPrefix(e.Path, "$.request."), e.Msg)
			}
		} else {
			for _, line := range strings.Split(err.Error(), "\n") {
				fmt.Fprintln(stderr, "whycors probe:", line)
			}
		}
		return exitUsage
	}
	if *asJSON {
		b, _ := json.MarshalIndent(rec, "", "  ")
		stdout.Write(append(b, '\n'))
	} else {
		writeProbe(stdout, rec, colour(stdout))
	}
	switch rec.Probe.Outcome {
	case probe.NetworkFailure:
		return exitNetwork
	case probe.Blocked:
		return exitBlocked
	}
	return exitAllowed
}

// splitResolve reads curl's HOST:PORT:ADDR (ADDR may be [v6]).
func splitResolve(s string) (string, string, error) {
	i := strings.Index(s, ":")
	if i <= 0 {
		return "", "", errors.New("want HOST:PORT:ADDR")
	}
	j := strings.Index(s[i+1:], ":")
	if j <= 0 {
		return "", "", errors.New("want HOST:PORT:ADDR")
	}
	host, port, addr := s[:i], s[i+1:i+1+j], s[i+2+j:]
	if addr == "" {
		return "", "", errors.New("want HOST:PORT:ADDR")
	}
	// Host names compare without regard to case, as curl's --resolve
	// and DNS do (the dialer asks with the URL's host, lowercased).
	return net.JoinHostPort(strings.ToLower(host), port), addr, nil
}

func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

func readData(v string, stdin io.Reader) (string, error) {
	if !strings.HasPrefix(v, "@") {
		return v, nil
	}
	var b []byte
	var err error
	if v == "@-" {
		b, err = io.ReadAll(io.LimitReader(stdin, maxBodyFlagBytes+1))
	} else {
		b, err = readLimited(v[1:], maxBodyFlagBytes+1)
	}
	if err != nil {
		return "", err
	}
	if len(b) > maxBodyFlagBytes {
		return "", errors.New("larger than 1 MiB")
	}
	return string(b), nil
}

// colour reports whether w is a terminal and NO_COLOR is unset
// (https://no-color.org).
func colour(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func paint(on bool, code, s string) string {
	if !on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// writeProbe prints what went over the wire, then the verdict as explain
// prints it.
func writeProbe(w io.Writer, rec *probe.Record, col bool) {
	r := rec.Probe
	browser := rec.Scenario.Browser
	switch r.Outcome {
	case probe.Allowed:
		fmt.Fprintf(w, "%s  %s would allow this fetch\n", paint(col, "1;32", "ALLOWED"), browser)
	case probe.Blocked:
		fmt.Fprintf(w, "%s  %s would block this fetch (%s)\n", paint(col, "1;31", "BLOCKED"), browser, rec.Verdict.Reason)
	case probe.PreflightPassed:
		fmt.Fprintf(w, "%s  %s\n", paint(col, "1;33", "PREFLIGHT PASSED"), r.Note)
	case probe.RedirectNotFollowed:
		fmt.Fprintf(w, "%s  %s\n", paint(col, "1;33", "REDIRECTED"), r.Note)
	case probe.NetworkFailure:
		fmt.Fprintf(w, "%s  %s\n", paint(col, "1;35", "NETWORK ERROR"), r.NetworkError.Message)
	}
	fmt.Fprintln(w, "\nSent (every field, in the browser's order):")
	for _, x := range r.Exchanges {
		kind := "request"
		if x.Preflight {
			kind = "preflight"
		}
		fmt.Fprintf(w, "  %s: %s %s\n", kind, x.Method, x.URL)
		for _, f := range x.Header {
			fmt.Fprintf(w, "    > %s: %s\n", f.Name, f.Value)
		}
		switch {
		case !x.Sent:
			fmt.Fprintf(w, "    (not sent: %s)\n", x.Withheld)
		case x.Error != nil:
			fmt.Fprintf(w, "    ! %s after %d ms\n", x.Error.Message, x.Millis)
			if x.Error.Chrome != "" {
				fmt.Fprintf(w, "      (Chrome: %s; Go: %s)\n", x.Error.Chrome, x.Error.Detail)
			} else {
				fmt.Fprintf(w, "      (Go: %s)\n", x.Error.Detail)
			}
		default:
			order := ""
			if x.ReplyOrder == "by-name" {
				order = ", header lines grouped by name"
			}
			fmt.Fprintf(w, "    < %s %d (%d ms, %d body bytes%s)\n", x.Proto, x.Status, x.Millis, x.BodyBytes, order)
			if rec.Verdict == nil {
				// Without a verdict nothing below shows the reply.
				for _, f := range x.Reply {
					fmt.Fprintf(w, "    < %s: %s\n", f.Name, f.Value)
				}
			}
		}
	}
	switch r.Outcome {
	case probe.Allowed, probe.Blocked, probe.NetworkFailure:
		if r.Outcome == probe.NetworkFailure {
			fmt.Fprintf(w, "\n%s\n", r.Note)
		}
		fmt.Fprintln(w)
		writeVerdict(w, *rec.Verdict)
		if r.Note != "" && r.Outcome != probe.NetworkFailure {
			fmt.Fprintf(w, "\nnote: %s\n", r.Note)
		}
	case probe.PreflightPassed, probe.RedirectNotFollowed:
		fmt.Fprintln(w, "\nSteps:")
		writeSteps(w, r.PreflightSteps)
		fmt.Fprintf(w, "\nPreflight cached for %d s\n", r.PreflightCacheSeconds)
	}
}

func writeSteps(w io.Writer, steps []explain.Step) {
	for _, s := range steps {
		fmt.Fprintf(w, "  [%s] %s: %s\n", s.Status, s.Title, s.Detail)
	}
}
