package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/internal/attack"
	"github.com/whycors/whycors/internal/probe"
	"github.com/whycors/whycors/internal/report"
)

// maxAttackURLs bounds --urls.
const maxAttackURLs = 10000

const attackHelp = `Usage: whycors probe --attack URL [--origin ORIGIN] [--policy FILE] [flags]
       whycors probe --attack --urls FILE [--concurrency N] [flags]

Sends URL the origins that misconfigured servers wrongly trust, derived from
ORIGIN, the origin the server means to trust (default: URL's own):
  null                          "null" in the allowed list
  https://attacker.evil.test    any origin echoed, with and without credentials
  https://evil-example.com      "ends with example.com" (a domain anyone registers)
  https://evilapp.example.com   "ends with app.example.com"
  https://app.example.com.evil.test   "starts with", or a regex without $
  https://appxexample.com       a regex whose "." is not escaped
  https://app.example.com_.evil.test  "_" after the host (Chrome, Firefox, Safari)
  https://app.example.com` + "`" + `.evil.test  "` + "`" + `" after the host (Safari only)
  http://app.example.com        the scheme not checked
  https://evil.app.example.com  a subdomain ("*.app.example.com")
For each origin: a GET with credentials (and a Cookie header, session=
whycors-attack, as a logged-in victim's browser sends), then without, then
the preflight of a PUT with Content-Type: application/json, each exactly as
Chromium sends it (the PUT itself is never sent). Requests go only to the URLs given: redirects
are never followed, to another host or any other.

Each accepted origin is reported with its severity:
  high    a page on an origin anyone can get (a registered domain, a sandboxed
          iframe for null) reads the reply with the victim's cookies
  medium  the same, from an origin that needs a foothold in the trusted
          domain (subdomain takeover, XSS) or a network position (http)
  low     read without credentials (matters for intranet or IP-allowlisted
          servers), or only the preflight passes
and what that page reads: credentials, status, exposed headers, the body of
the GET. With --policy, the fix in the configuration's own format: an edit
verified by re-running the engine (the accepted entry replaced by ORIGIN),
or, when no edit of the text can be verified, the fix in words.

Examples:
  whycors probe --attack https://api.example.com/me --origin https://app.example.com
  whycors probe --attack https://api.example.com/me --origin https://app.example.com --policy cors.json
  whycors probe --attack --urls urls.txt --origin https://app.example.com --format sarif > cors.sarif

Exit status: 0 nothing accepted (at --fail-on's severity or above; default
low, any finding), 1 some origin accepted, 2 usage or input error, 3 some
URL gave no HTTP reply (and nothing was accepted elsewhere).

Flags:`

// runAttack is `whycors probe --attack`.
func runAttack(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("probe --attack", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Bool("attack", true, "run the attacker's battery")
	org := fs.String("origin", "", "the origin the server means to trust (default: each URL's own)")
	urls := fs.String("urls", "", "a file of URLs, one a line (# starts a comment)")
	conc := fs.Int("concurrency", 4, "with --urls: how many URLs are probed at once")
	policyFile := fs.String("policy", "", "the server's CORS configuration, for fixes in its format")
	policyFormat := fs.String("policy-format", "auto", "with --policy: the configuration's format, or auto")
	output := fs.String("format", "text", "text, json or sarif")
	asJSON := fs.Bool("json", false, "print the results as JSON (--format json)")
	failOn := fs.String("fail-on", attack.Low, "exit 1 when a finding is at least this severe: high, medium or low")
	srcRoot := fs.String("srcroot", ".", "with --format sarif: the folder the files' URIs are relative to")
	timeout := fs.Duration("timeout", probe.DefaultTimeout, "each probe's time limit (a preflight and its request)")
	connTimeout := fs.Duration("connect-timeout", probe.DefaultConnectTimeout, "each connection's time limit (TCP and TLS)")
	insecure := fs.Bool("insecure", false, "do not verify the server's TLS certificate (a browser would)")
	var resolve listFlag
	fs.Var(&resolve, "resolve", "HOST:PORT:ADDR connects to ADDR for HOST:PORT, as curl --resolve (repeatable)")
	ua := fs.String("user-agent", "", "the User-Agent to send (default: Chrome's)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, attackHelp)
		fs.PrintDefaults()
	}
	c := &cli{name: "probe", stdout: stdout, stderr: stderr}
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if code, ok := c.output(output, *asJSON, "text", "json", "sarif"); !ok {
		return code
	}
	rank := map[string]int{attack.High: 3, attack.Medium: 2, attack.Low: 1}
	if rank[*failOn] == 0 {
		return c.usageError(fmt.Sprintf("--fail-on %q: want high, medium or low", *failOn))
	}
	if *timeout <= 0 || *connTimeout <= 0 || *conc <= 0 {
		return c.usageError("--timeout, --connect-timeout and --concurrency must be positive")
	}
	type target struct {
		url  string
		file string
		line int
	}
	var targets []target
	switch {
	case *urls != "" && len(pos) > 0:
		return c.usageError("give URL or --urls FILE, not both")
	case *urls != "":
		b, err := readLimited(*urls, 1<<22)
		if err != nil {
			return c.inputError(2, *urls, err)
		}
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		for n := 1; sc.Scan(); n++ {
			l := sc.Text()
			// "#" starts a comment anywhere on a line after white space
			// (a URL's own fragment has none before it): found as a new
			// user would, "https://h/a  # note" was probed as
			// /a%20%20.
			if i := strings.Index(l, " #"); i >= 0 {
				l = l[:i]
			} else if i := strings.Index(l, "\t#"); i >= 0 {
				l = l[:i]
			}
			if l = strings.TrimSpace(l); l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
				return c.inputError(2, *urls, fmt.Errorf("line %d: %q is not an http or https URL", n, l))
			}
			targets = append(targets, target{l, *urls, n})
		}
		if len(targets) == 0 {
			return c.usageError(*urls + ": no URL in it")
		}
		if len(targets) > maxAttackURLs {
			return c.usageError(fmt.Sprintf("%s: more than %d URLs", *urls, maxAttackURLs))
		}
	default:
		u, code, ok := c.oneArg(pos, "URL: the address to attack, e.g. https://api.example.com/me (or --urls FILE)")
		if !ok {
			return code
		}
		targets = []target{{url: u}}
	}
	var cfg *attack.Config
	if *policyFile != "" {
		b, err := readLimited(*policyFile, limits.PolicyText+1)
		if err != nil {
			return c.inputError(2, *policyFile, err)
		}
		cfg = &attack.Config{Name: *policyFile, Text: string(withoutBOM(b)), Format: *policyFormat}
	}
	po := probe.Options{Engine: opts, Browser: "chrome", Timeout: *timeout, ConnectTimeout: *connTimeout, Insecure: *insecure, UserAgent: *ua}
	for _, r := range resolve {
		hostPort, addr, err := splitResolve(r)
		if err != nil {
			return c.usageError("--resolve " + r + ": " + err.Error())
		}
		if po.Resolve == nil {
			po.Resolve = map[string]string{}
		}
		po.Resolve[hostPort] = addr
	}

	results := make([]attack.Result, len(targets))
	bar := newProgress(stderr, len(targets))
	var wg sync.WaitGroup
	sem := make(chan struct{}, *conc)
	for i, t := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r := attack.Run(context.Background(), attack.Options{URL: t.url, Origin: *org, Probe: po})
			if cfg != nil {
				for j := range r.Findings {
					r.Findings[j].Fix = attack.FixFor(*cfg, r.URL, r.Origin, r.Findings[j], opts)
				}
			}
			results[i] = r
			bar.step()
		}()
	}
	wg.Wait()
	bar.done()

	code = 0
	failed := false
	for _, r := range results {
		for _, f := range r.Findings {
			if rank[f.Severity] >= rank[*failOn] {
				code = 1
			}
		}
		if r.Error != "" {
			failed = true
		}
	}
	if code == 0 && failed {
		code = exitNetwork
	}
	switch *output {
	case "json":
		writeJSON(stdout, struct {
			Results []attack.Result `json:"results"`
		}{results})
	case "sarif":
		var rs []report.Result
		for i, r := range results {
			for _, f := range r.Findings {
				x := report.Result{RuleID: "cors-attack-" + f.Kind, Level: sarifLevel(f.Severity), Message: findingText(r, f), File: targets[i].file, Line: targets[i].line}
				if x.File == "" {
					x.File = r.URL
				}
				if cfg != nil {
					x.File, x.Line = cfg.Name, 0
				}
				rs = append(rs, x)
			}
		}
		if err := report.SARIF(stdout, report.Tool{Name: "whycors", Version: moduleVersion(), InformationURI: "https://github.com/whycors/whycors"}, attackRules(*org), rs, *srcRoot); err != nil {
			return c.inputError(2, "", err)
		}
	default:
		for i, r := range results {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			writeAttack(stdout, r, colour(stdout))
		}
	}
	return code
}

func sarifLevel(sev string) string {
	switch sev {
	case attack.High:
		return "error"
	case attack.Medium:
		return "warning"
	}
	return "note"
}

// attackRules are the SARIF rules: one a kind of candidate.
func attackRules(trusted string) []report.Rule {
	if trusted == "" {
		trusted = "https://app.example.com"
	}
	cands, _ := attack.Derive(trusted)
	var out []report.Rule
	for _, c := range cands {
		out = append(out, report.Rule{ID: "cors-attack-" + c.Kind, Level: "error",
			Summary: "The server lets a page on an origin it should not trust read its replies: " + c.Check + ".",
			HelpURI: "https://github.com/whycors/whycors#attackers-battery"})
	}
	return out
}

// findingText is a finding in one line.
func findingText(r attack.Result, f attack.Finding) string {
	s := fmt.Sprintf("%s: %s accepts %s (%s): %s", f.Severity, r.URL, f.Origin, f.Kind, readText(f))
	if f.Fix != nil {
		s += "; fix: " + f.Fix.Summary
	}
	return s
}

// readText says what the attacker's page reads.
func readText(f attack.Finding) string {
	if f.Read == nil {
		return "its preflight passes (the page can send a PUT with a JSON body, not read the reply)"
	}
	who := "reads the reply without cookies"
	if f.Read.Credentials {
		who = "reads the reply with the victim's cookies"
	}
	s := fmt.Sprintf("%s (Access-Control-Allow-Origin: %s): status %d", who, f.Read.AllowOrigin, f.Read.Status)
	if len(f.Read.Headers) > 0 {
		s += ", headers " + strings.Join(f.Read.Headers, ", ")
	}
	s += fmt.Sprintf(", body %d bytes", f.Read.BodyBytes)
	if f.Preflight {
		s += "; its preflight passes too"
	}
	return s
}

// writeAttack prints one URL's result.
func writeAttack(w io.Writer, r attack.Result, col bool) {
	fmt.Fprintf(w, "%s (trusted origin %s", r.URL, r.Origin)
	switch {
	case r.CredentialsTrusted:
		fmt.Fprint(w, ": allowed with credentials)\n")
	case r.Trusted:
		fmt.Fprint(w, ": allowed without credentials)\n")
	case r.Error == "":
		fmt.Fprint(w, ": refused too; check --origin)\n")
	default:
		fmt.Fprint(w, ")\n")
	}
	if r.Error != "" {
		fmt.Fprintf(w, "  %s %s\n", paint(col, "1;35", "ERROR"), r.Error)
	}
	count := map[string]int{}
	for _, f := range r.Findings {
		count[f.Severity]++
		tag := map[string]string{attack.High: "1;31", attack.Medium: "1;33", attack.Low: "1;36"}[f.Severity]
		fmt.Fprintf(w, "  %s %-13s %s\n", paint(col, tag, fmt.Sprintf("%-6s", strings.ToUpper(f.Severity))), f.Kind, f.Origin)
		fmt.Fprintf(w, "         check: %s\n", f.Check)
		if f.Browsers != "" {
			fmt.Fprintf(w, "         browsers: only %s loads a page on this origin\n", f.Browsers)
		}
		fmt.Fprintf(w, "         read:  %s\n", readText(f))
		if f.Read != nil && f.Read.Body != "" {
			fmt.Fprintf(w, "         body:  %s\n", strconv.Quote(f.Read.Body))
		}
		if f.Fix != nil {
			v := "fix (in words, not verified)"
			if f.Fix.Verified {
				v = "fix (" + f.Fix.Format + ", verified)"
			}
			fmt.Fprintf(w, "         %s: %s\n", v, f.Fix.Summary)
			for _, s := range f.Fix.Steps {
				fmt.Fprintf(w, "           - %s\n", s)
			}
			if f.Fix.Note != "" {
				fmt.Fprintf(w, "           (%s)\n", f.Fix.Note)
			}
			for _, l := range strings.Split(strings.TrimRight(f.Fix.Diff, "\n"), "\n") {
				if l != "" {
					fmt.Fprintf(w, "           %s\n", l)
				}
			}
		}
	}
	fmt.Fprintf(w, "  %d accepted (%d high, %d medium, %d low); %d requests\n", len(r.Findings), count[attack.High], count[attack.Medium], count[attack.Low], r.Requests)
}

// progress is a bar on stderr, drawn only when stderr is a terminal and
// there is more than one URL.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	n, of int
}

func newProgress(w io.Writer, of int) *progress {
	f, ok := w.(*os.File)
	if !ok || of < 2 {
		return &progress{}
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return &progress{}
	}
	p := &progress{w: w, of: of}
	p.draw()
	return p
}

func (p *progress) step() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	p.draw()
}

func (p *progress) draw() {
	const width = 30
	full := width * p.n / p.of
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d URLs", strings.Repeat("=", full), strings.Repeat(" ", width-full), p.n, p.of)
}

func (p *progress) done() {
	if p.w != nil {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
