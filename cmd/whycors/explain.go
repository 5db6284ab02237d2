package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/consoleline"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/formats/har"
	"github.com/whycors/whycors/engine/formats/har/explainhar"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/sdkpreset"
	"github.com/whycors/whycors/engine/sharelink"
	"github.com/whycors/whycors/internal/probe"
)

func init() {
	register("explain", "say what a browser does with a fetch() scenario (JSON)", runExplain)
}

// runExplain reads one scenario and prints the verdict: text by default,
// the verdict JSON with --json. Exit 0 allowed, 1 blocked (any fetch of
// a session), 2 bad input.
func runExplain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "write the verdict as JSON")
	noFixes := fs.Bool("no-fixes", false, "skip the search for fixes")
	browser := fs.String("browser", "", "chrome, firefox, safari or spec (overrides the scenario's browser)")
	var files, params listFlag
	fs.Var(&files, "policy", "a file of the server's configuration, read instead of the scenario's policy (repeat it for a template and its parameter files, or a Terraform module's .tf and .tfvars files)")
	policyFormat := fs.String("policy-format", "auto", "with --policy: the configuration's format, or auto")
	fs.Var(&params, "param", "Name=value: a value for a template parameter or Terraform variable (repeatable)")
	resource := fs.String("resource", "", "which resource of a template answers: a CloudFormation logical ID or a Terraform address")
	console := fs.String("console", "", "start from a console line instead of a scenario: Chrome's, Firefox's or Safari's CORS error as pasted (- for standard input); prints the scenarios that produce it")
	pick := fs.Int("pick", 0, "with --console: explain candidate N (from 1)")
	preset := fs.String("preset", "", "the request an SDK makes, recorded from the real SDK in Chromium: its method and headers replace the scenario's, and the verdict says which response headers the SDK needs exposed ("+strings.Join(sdkpreset.Names(), ", ")+")")
	origin := fs.String("origin", "", "with --preset or --policy and no FILE: the page's origin")
	patch := fs.Int("patch", 0, "print fix N's unified diff alone, unindented, as git apply and patch -p1 read it: whycors explain --policy cors.json SCENARIO --patch 1 | git apply (git apply refuses a path through \"..\": name the files from a folder above them, or use patch -p1)")
	url := fs.String("url", "", "with --preset or --policy and no FILE: the URL fetched")
	// The fetch() call's method, headers and credentials mode, as probe
	// takes them: tried as a new user would, a PUT or an Authorization
	// header needed a scenario file.
	method := fs.String("method", "", "the fetch() method (replaces the scenario's; default GET)")
	var hdrs listFlag
	fs.Var(&hdrs, "H", "a request header the page sets, 'Name: value' (repeatable; replaces the scenario's headers)")
	creds := fs.String("credentials", "", "the fetch() credentials mode: omit, same-origin or include (replaces the scenario's)")
	// Tried as a new user would: the verdict said the application is
	// taken to answer OPTIONS 404 and to give its real reply as the
	// scenario's preflight, which the flags alone could not.
	optionsStatus := fs.Int("options-status", 0, "with a policy: the status the application behind it answers OPTIONS with, when the configuration passes the preflight on to it (default: taken as 404, an application that does not handle OPTIONS; the scenario's preflight)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: whycors explain [--json] [--browser B] [--no-fixes] [--policy FILE]... [--param N=V]... [--resource R] [--preset NAME] [--patch N] FILE|LINK|-")
		fmt.Fprintln(stderr, "       whycors explain --policy FILE... --origin ORIGIN --url URL [--method M] [-H 'Name: value']... [--credentials C] [--json]")
		fmt.Fprintln(stderr, "       whycors explain --preset NAME --policy FILE... --origin ORIGIN --url URL [--json]")
		fmt.Fprintln(stderr, "       whycors explain --console LINE|- [--pick N] [--json]")
		fmt.Fprint(stderr, `
Reads one scenario (JSON: the page's fetch() and what the server has, as raw
replies or as a policy in any format whycors reads) and says whether the
browser allows the fetch, at which check it fails, what it prints, and the
smallest verified change (in the policy's own format) that lets it pass.
A link the simulator page shares (https://…/#s=…, or its #s=… alone) is
read as the scenario it shows, with the SDK its "Request made by" names.
A record saved by 'whycors probe --json' is read too (its "scenario"), and
so is a HAR file exported from the browser's network panel: every
cross-origin fetch in it is explained with the replies it captured, the
blocked ones first ({"exchanges": [{"entry": N, "verdict": {...}}]} with
--json).

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

Exit status: 0 allowed, 1 blocked (any fetch of a session), 2 bad input (with the JSON path of the fault;
with --json, as {"error": {...}} on standard output). With --console: 0 when
it lists several candidates or with --json, else as the one it explains.

Flags:
`)
		fs.PrintDefaults()
	}
	c := &cli{name: "explain", stdout: stdout, stderr: stderr}
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	// Whether a flag was given, not its value: --console "" or --pick 0
	// beside a scenario FILE were dropped silently (found by an
	// adversarial review).
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	patchSet := set["patch"]
	switch {
	case patchSet && *patch < 1:
		return c.usageError(fmt.Sprintf("--patch %d: fixes are numbered from 1", *patch))
	case *patch > 0 && *asJSON:
		return c.usageError("--patch prints a diff, --json the verdict: give one of them")
	case *patch > 0 && *noFixes:
		return c.usageError("--patch prints a fix, and --no-fixes skips their search")
	case *patch > 0 && set["console"]:
		return c.usageError("--patch is for one scenario: with --console, choose one with --pick and run explain on it")
	}
	if set["console"] && strings.TrimSpace(*console) == "" {
		return c.usageError("--console is empty: give the console line, or - to read it from standard input")
	}
	if set["console"] {
		// The console line is the whole input: it names its browser and
		// the candidates are the scenarios. Tried as a new user would, a
		// scenario FILE or --policy beside it was silently dropped.
		if len(pos) > 0 {
			return c.usageError("--console reads the console line instead of a scenario: give " + pos[0] + " or --console, not both")
		}
		var beside []string
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "console", "pick", "json", "no-fixes": // the candidates search no fixes
			default:
				beside = append(beside, "--"+f.Name)
			}
		})
		if len(beside) > 0 {
			return c.usageError(strings.Join(beside, ", ") + " with --console: the console line names its browser, and the candidates it lists are whole scenarios; explain a candidate's scenario (--json prints them) to change one")
		}
		if set["pick"] && *pick < 1 {
			return c.usageError(fmt.Sprintf("--pick %d: candidates are numbered from 1 (without --pick, every one is listed)", *pick))
		}
		return explainConsole(c, *console, stdin, *pick, *asJSON)
	}
	if set["pick"] {
		return c.usageError("--pick chooses among the candidates of --console")
	}
	req, msg := requestFlags(*method, hdrs, *creds)
	if set["options-status"] && (*optionsStatus < 200 || *optionsStatus > 599) && msg == "" {
		// A 1xx is never a final reply.
		msg = "--options-status " + strconv.Itoa(*optionsStatus) + ": want the status of a final reply, 200 to 599"
	}
	req.optionsStatus = *optionsStatus
	if msg != "" {
		return c.usageError(msg)
	}
	if *preset != "" && (*method != "" || len(hdrs) > 0) {
		return c.usageError("--preset sets the method and headers the SDK sends: give --method and -H without it")
	}
	var p *sdkpreset.Preset
	if *preset != "" {
		pr, found := sdkpreset.Lookup(*preset)
		if !found {
			return c.usageError("--preset: no preset " + *preset + "; the presets are " + strings.Join(sdkpreset.Names(), ", "))
		}
		p = &pr
	}
	if len(pos) == 0 && (*origin != "" || *url != "") {
		// No scenario file: the request from the flags.
		return explainFlags(c, *origin, *url, p, req, files, params, *policyFormat, *resource, *browser, *noFixes, *asJSON, *patch)
	}
	name, code, ok := c.oneArg(pos, "FILE: the scenario to explain (a JSON file, or - for standard input)")
	if !ok {
		return code
	}
	// Read up to a HAR file's bound; a scenario's own is Decode's.
	var data []byte
	var err error
	if sharelink.Is(name) {
		// The page's share link: the scenario it shows, and the SDK
		// chosen in "Request made by" unless --preset names another.
		l, err := sharelink.Parse(name)
		if err != nil {
			return c.inputError(2, "the link", err)
		}
		data = l.Scenario
		if p == nil && l.SDK != "" {
			pr, found := sdkpreset.Lookup(l.SDK)
			if !found {
				return c.inputError(2, "the link", errors.New("sdk="+l.SDK+": no such SDK preset; the presets are "+strings.Join(sdkpreset.Names(), ", ")))
			}
			p = &pr
		}
	} else if name == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, limits.HAR+1))
	} else {
		data, err = readLimited(name, limits.HAR+1)
	}
	if err != nil {
		return c.inputError(2, name, err)
	}
	data = withoutBOM(data)
	if ok, _ := (&har.Format{}).Detect(string(data)); ok {
		if *patch > 0 {
			return c.usageError("--patch is for one scenario, and " + name + " is a HAR file of several fetches")
		}
		if req.optionsStatus != 0 {
			// A last look: it was passed over without a word.
			return c.usageError("--options-status is the application's answer behind a policy, and " + name + " is a HAR file of the replies captured")
		}
		return explainHAR(c, name, data, *asJSON, *browser)
	}
	// A record saved by `whycors probe --json` holds the scenario with
	// the replies received; explain reads that member.
	if inner, ok := probe.ScenarioOf(data); ok {
		if note, stopped := probe.Unfinished(data); stopped {
			// Found as a new user would: the replay answered the
			// request the probe never sent with a made-up 200 and
			// blocked it.
			return c.inputError(2, name, errors.New("the probe stopped before the fetch's end, so there is no reply to replay past it: "+note))
		}
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
	if err == nil {
		req.apply(&s)
	}
	if err == nil && (len(files) > 0 || len(params) > 0 || *resource != "") {
		err = policyFromFlags(&s, files, params, *policyFormat, *resource)
	}
	if err == nil && req.optionsStatus != 0 && s.Policy == nil {
		return c.usageError("--options-status is the application's answer behind a policy, and " + name + " has raw replies: its preflight is the server's whole reply")
	}
	if err == nil && p != nil {
		applyPreset(&s, *p)
	}
	var v explain.Verdict
	if err == nil {
		if v, err = explain.Explain(s, opts); err != nil && len(files) == 0 {
			err = inPolicyText(err, name)
		}
	}
	if err != nil {
		if sharelink.Is(name) {
			name = "the link's scenario"
		}
		return c.inputError(2, name, err)
	}
	exposeFix(s, &v, p, s.Request.Credentials == "include")
	if v, err = operationVerdict(s, v, p); err != nil {
		return c.inputError(2, name, err)
	}
	if *patch > 0 {
		return writePatch(c, v, *patch)
	}
	return printVerdict(stdout, v, p, s.Request.Credentials == "include", *asJSON, s.Fixes == nil || *s.Fixes)
}

// writePatch writes fix n's unified diff as git apply and patch read it:
// the text shows it indented under the fix's summary, which git apply
// refuses ("corrupt patch"). Exit 0 with the diff, 2 when there is none.
//
// In a session whose first fetch passes, the fixes are those of the
// first later fetch that is blocked, the one the headline names, as the
// text numbers them under it (found as a new user would: --patch 1 of
// such a session said the fetch is allowed).
func writePatch(c *cli, v explain.Verdict, n int) int {
	fixes, whose := v.Fixes, "the verdict"
	if v.Allowed {
		for i := range v.Then {
			if !v.Then[i].Allowed {
				fixes, whose = v.Then[i].Fixes, fmt.Sprintf("later fetch %d of the session ($.then[%d])", i+1, i)
				break
			}
		}
	}
	switch {
	case len(fixes) == 0 && v.Allowed && !laterBlocked(&v):
		return c.usageError(fmt.Sprintf("--patch %d: the fetch is allowed, and there is no fix to print", n))
	case n > len(fixes):
		word := "fixes"
		if len(fixes) == 1 {
			word = "fix"
		}
		return c.usageError(fmt.Sprintf("--patch %d: %s has %d %s", n, whose, len(fixes), word))
	}
	f := fixes[n-1]
	// A client fix's diff is of the fetch() call as the scenario states
	// it (fetch.js), a file the page's code does not have.
	// A fix of the replies (--- a/replies) says what the server must
	// send, no file's change: tried as a new user would, git apply
	// was handed a patch of a file named replies.
	if f.Diff == "" || f.Where == "client" || f.Format == "headers" {
		what := "no file's change"
		switch {
		case f.Where == "client":
			what = "a change of the page's request (its fetch() call), not of a file"
		case f.Format == "headers":
			what = "the header lines the server must send (a diff of its replies), not a change of a file"
		}
		return c.usageError(fmt.Sprintf("--patch %d: fix %d is %s; its text is in the verdict (explain without --patch, or --json's fixes[%d])", n, n, what, n-1))
	}
	diff := withBOMLines(f.Diff, hasBOM)
	io.WriteString(c.stdout, diff)
	if !strings.HasSuffix(diff, "\n") {
		io.WriteString(c.stdout, "\n")
	}
	return 0
}

// explainFlags explains the request the flags give (--origin, --url,
// --preset's method and headers) against the --policy files.
func explainFlags(c *cli, origin, url string, p *sdkpreset.Preset, req reqFlags, files, params []string, format, resource, browser string, noFixes, asJSON bool, patch int) int {
	var missing []string
	if origin == "" {
		missing = append(missing, "--origin")
	}
	if url == "" {
		missing = append(missing, "--url")
	}
	if len(files) == 0 {
		missing = append(missing, "--policy")
	}
	if len(missing) > 0 {
		// Name what is missing or empty: a shell variable left unset
		// gives --origin "" (tried as a new user would).
		return c.usageError("without a scenario FILE, give --origin, --url and --policy; " + strings.Join(missing, " and ") + " missing or empty")
	}
	s := explain.Scenario{Browser: browser, Request: explain.Request{Origin: origin, URL: url}}
	req.apply(&s)
	if noFixes {
		off := false
		s.Fixes = &off
	}
	err := policyFromFlags(&s, files, params, format, resource)
	if err == nil && p != nil {
		applyPreset(&s, *p)
	}
	var v explain.Verdict
	if err == nil {
		v, err = explain.Explain(s, opts)
	}
	if err != nil {
		return c.inputError(2, files[0], err)
	}
	exposeFix(s, &v, p, false)
	if v, err = operationVerdict(s, v, p); err != nil {
		return c.inputError(2, files[0], err)
	}
	if patch > 0 {
		return writePatch(c, v, patch)
	}
	return printVerdict(c.stdout, v, p, false, asJSON, !noFixes)
}

// reqFlags are --method, -H and --credentials: what they replace in a
// scenario's request (an empty field replaces nothing).
type reqFlags struct {
	method, creds string
	headers       headers.List
	hasHeaders    bool
	// optionsStatus is --options-status: the application's status for
	// OPTIONS behind the policy (the scenario's preflight), 0 for none.
	optionsStatus int
}

// requestFlags reads the request flags; a message for a usage error.
func requestFlags(method string, hdrs []string, creds string) (reqFlags, string) {
	r := reqFlags{method: method, creds: creds, hasHeaders: len(hdrs) > 0}
	switch creds {
	case "", "omit", "same-origin", "include":
	default:
		return r, "--credentials " + strconv.Quote(creds) + ": want omit, same-origin or include"
	}
	var msg string
	r.headers, msg = headerFlags(hdrs)
	return r, msg
}

// headerFlags reads -H flags, 'Name: value' each, as explain and probe
// take them; a message for a usage error.
func headerFlags(hdrs []string) (headers.List, string) {
	if len(hdrs) > fetch.MaxHeaders {
		return nil, fmt.Sprintf("more than %d -H flags", fetch.MaxHeaders)
	}
	var out headers.List
	for i, h := range hdrs {
		name, value, ok := strings.Cut(h, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Sprintf("-H #%d %q: want 'Name: value'", i+1, h)
		}
		out = append(out, headers.Field{Name: name, Value: strings.Trim(value, " \t")})
	}
	return out, ""
}

func (r reqFlags) apply(s *explain.Scenario) {
	if r.method != "" {
		s.Request.Method = r.method
	}
	if r.hasHeaders {
		s.Request.Headers = r.headers.Clone()
	}
	if r.creds != "" {
		s.Request.Credentials = r.creds
	}
	if r.optionsStatus != 0 {
		// The status alone: the headers the scenario's reply states stay.
		p := explain.Reply{}
		if s.Preflight != nil {
			p = *s.Preflight
		}
		p.Status = r.optionsStatus
		s.Preflight = &p
	}
}

// applyPreset makes the scenario's request the preset's: its method and
// the headers the SDK sets.
func applyPreset(s *explain.Scenario, p sdkpreset.Preset) {
	s.Request.Method = p.Method
	s.Request.Headers = p.Header.Clone()
	if p.Method == "GET" || p.Method == "HEAD" {
		// The SDK sends no body with them; the scenario's own would make
		// fetch() throw (found as a new user would: GetObject over the
		// page's first scenario, a POST with a body, was BodyWithGetHead).
		s.Request.Body, s.Request.BodyType = nil, ""
	}
}

// exposeFix adds to v, an allowed fetch whose SDK cannot do without a
// response header the reply does not expose (the preset's
// sdk-needs-header), the fix that exposes it in the policy's own syntax
// (advise.ExposeFix), checked by the preset's own check of the new reply.
// Nothing without a preset, a policy, or with fixes off.
func exposeFix(s explain.Scenario, v *explain.Verdict, p *sdkpreset.Preset, include bool) {
	if p == nil || !v.Allowed || v.Reply == nil || s.Policy == nil || s.Fixes != nil && !*s.Fixes {
		return
	}
	needs := func(v *explain.Verdict) []string {
		if v.Reply == nil {
			return []string{"(no reply)"}
		}
		for _, w := range p.Check(v.Reply.Header, include) {
			if w.Code == "sdk-needs-header" {
				return w.Headers
			}
		}
		return nil
	}
	need := needs(v)
	if len(need) == 0 {
		return
	}
	if f := s.Policy.Format; f == "" || f == "auto" {
		if v.Detected == nil {
			return
		}
		pol := *s.Policy
		pol.Format = v.Detected.Format
		s.Policy = &pol
	}
	if f, ok := advise.ExposeFix(s, v, need, opts, func(v *explain.Verdict) bool { return len(needs(v)) == 0 }); ok {
		v.Fixes = append(v.Fixes, f)
	}
}

// operationVerdict is the verdict of p's whole operation when it sends
// several requests (sdkpreset.Preset.Others; v is the verdict of p's own
// request): each is explained against the scenario's policy, and the
// first a browser blocks, in the order the SDK sends them, is the
// verdict, since the operation stops there (lib-storage's Upload at
// CreateMultipartUpload when the bucket allows PUT alone). Its fixes say
// which requests each still leaves blocked. A warning lists every
// request with its verdict. A scenario of raw replies answers the
// preset's own request only: the warning says the others are not
// checked.
func operationVerdict(s explain.Scenario, v explain.Verdict, p *sdkpreset.Preset) (explain.Verdict, error) {
	if p == nil || len(p.Others) == 0 {
		return v, nil
	}
	flow := p.Flow()
	if s.Policy == nil {
		var others []string
		for _, r := range flow {
			if r.Call != p.Call {
				others = append(others, r.Label())
			}
		}
		v.Warnings = append(v.Warnings, explain.Warning{Code: "sdk-operation", Severity: "info",
			Message: p.Operation + " also sends " + strings.Join(others, " and ") + ", which this scenario's replies do not answer: explain the policy (--policy) to check every request."})
		return v, nil
	}
	verdicts, err := flowVerdicts(s, flow, p.Call, &v)
	if err != nil {
		return v, err
	}
	words := make([]string, len(flow))
	blocked := -1
	for i, r := range flow {
		words[i] = r.Label() + " allowed"
		if !verdicts[i].Allowed {
			words[i] = r.Label() + " blocked"
			if blocked < 0 {
				blocked = i
			}
		}
	}
	msg := p.Operation + " sends " + strconv.Itoa(len(flow)) + " kinds of request, each with its own preflight: " + strings.Join(words, ", ") + "."
	if blocked < 0 {
		v.Warnings = append(v.Warnings, explain.Warning{Code: "sdk-operation", Severity: "info", Message: msg})
		return v, nil
	}
	out := verdicts[blocked]
	op, _, _ := strings.Cut(p.Operation, " (")
	out.Summary = flow[blocked].Label() + ", request " + strconv.Itoa(blocked+1) + " of " + op + ": " + out.Summary
	out.Warnings = append(out.Warnings, explain.Warning{Code: "sdk-operation", Severity: "error",
		Message: msg + " The operation fails at " + flow[blocked].Call + "."})
	for i := range out.Fixes {
		f := &out.Fixes[i]
		if f.Where != "server" || f.Format == "headers" {
			continue
		}
		fixed := s
		fixed.Policy = f.Applied(s.Policy)
		after, err := flowVerdicts(fixed, flow, "", nil)
		if err != nil {
			return v, err
		}
		var still []string
		for j, a := range after {
			if !a.Allowed {
				still = append(still, flow[j].Call)
			}
		}
		if len(still) > 0 {
			f.Summary += " (" + strings.Join(still, " and ") + " still blocked after it: explain again once it is applied)"
		} else {
			f.Summary += " (every request of the operation then passes)"
		}
	}
	return out, nil
}

// flowVerdicts explains each request of flow as s's request (its method
// and headers), but the one called own, whose verdict is given.
func flowVerdicts(s explain.Scenario, flow []sdkpreset.Request, own string, v *explain.Verdict) ([]explain.Verdict, error) {
	out := make([]explain.Verdict, len(flow))
	for i, r := range flow {
		if v != nil && r.Call == own {
			out[i] = *v
			continue
		}
		o := s
		o.Request.Method = r.Method
		o.Request.Headers = r.Header.Clone()
		var err error
		if out[i], err = explain.Explain(o, opts); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// presetWarnings are the preset's warnings (sdkpreset.Check) about the
// verdict's reply, as the verdict's warnings; the error names the
// recording it rests on.
func presetWarnings(v explain.Verdict, p sdkpreset.Preset, include bool) []explain.Warning {
	if !v.Allowed || v.Reply == nil {
		return nil
	}
	var out []explain.Warning
	for _, w := range p.Check(v.Reply.Header, include) {
		if w.Severity == "error" {
			w.Message += " Recorded: " + p.Source + "."
		}
		out = append(out, explain.Warning{Code: w.Code, Severity: w.Severity, Message: w.Message})
	}
	return out
}

// printVerdict writes v (with the preset's warnings) and returns the exit
// status: 0 allowed, 1 blocked or, with a preset, allowed but missing a
// response header the SDK needs.
func printVerdict(stdout io.Writer, v explain.Verdict, p *sdkpreset.Preset, include, asJSON, searched bool) int {
	needs := false
	if p != nil {
		w := presetWarnings(v, *p, include)
		v.Warnings = append(v.Warnings, w...)
		needs = len(w) > 0 && w[0].Code == "sdk-needs-header"
		if needs {
			// The fetch passes but the SDK's operation fails: the
			// headline says so.
			v.Summary += " The SDK still fails: " + w[0].Message
		}
	}
	if asJSON {
		b, _ := json.MarshalIndent(v, "", "  ")
		stdout.Write(append(b, '\n'))
	} else {
		io.WriteString(stdout, explain.Text(v, explain.TextOptions{Color: colorOK(stdout), Searched: searched}))
	}
	if v.Allowed && !needs && !laterBlocked(&v) {
		return 0
	}
	return 1
}

// laterBlocked reports a session whose first fetch passes and a later
// one is blocked: the session fails there, so the exit status says so
// (found as a new user would: examples/upload-preflight-cache.json,
// whose third fetch is blocked, exited 0).
func laterBlocked(v *explain.Verdict) bool {
	for i := range v.Then {
		if !v.Then[i].Allowed {
			return true
		}
	}
	return false
}

// policyFromFlags sets s's policy from --policy files (each named by its
// path, as a fault names it), --param values and --resource, keeping the
// scenario's own policy text, format, params and resource where a flag
// does not replace them.
func policyFromFlags(s *explain.Scenario, files, params []string, format, resource string) error {
	if s.Policy == nil {
		if len(files) == 0 {
			return errors.New("--param and --resource need a policy: --policy FILE, or the scenario's")
		}
		s.Policy = &explain.Policy{}
	}
	files, err := withModules(files)
	if err != nil {
		return err
	}
	if len(files) > limits.PolicyFiles {
		return fmt.Errorf("--policy: at most %d files", limits.PolicyFiles)
	}
	if len(files) > 0 {
		s.Policy.Text, s.Policy.Files, s.Policy.Format = "", nil, format
		total := 0
		for _, f := range files {
			b, err := readLimited(f, limits.PolicyText+1)
			if err != nil {
				return err
			}
			if total += len(b); total > limits.PolicyText {
				return fmt.Errorf("%s: the policy's files hold more than %d bytes together", f, limits.PolicyText)
			}
			s.Policy.Files = append(s.Policy.Files, policy.File{Name: diffName(f), Text: string(withoutBOM(b))})
		}
	}
	pm, err := paramMap(params)
	if err != nil {
		return err
	}
	for k, v := range pm {
		if s.Policy.Params == nil {
			s.Policy.Params = map[string]string{}
		}
		s.Policy.Params[k] = v
	}
	if resource != "" {
		s.Policy.Resource = resource
	}
	return nil
}

// diffName is the name a fix's diff gives the file at path: the path as
// typed when relative, else relative to the working directory, so that
// "patch -p1" and "git apply" find it there ("a//tmp/x.json" names no
// file to either: tried as a new user would).
//
// A relative path is cleaned: git apply refuses "./s3/cors.json" and
// any path through "..", which patch -p1 reads the same once clean.
func diffName(path string) string {
	if !filepath.IsAbs(path) {
		return filepath.ToSlash(filepath.Clean(path))
	}
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil {
		return filepath.ToSlash(rel)
	}
	return path
}

// explainConsole reads a console line (engine/consoleline) and prints the
// few scenarios that produce it, each with what it assumes; with --pick
// N, or when only one produces it, it explains that one. --json prints
// {"line", "candidates": [{"desc", "scenario", "verdict"}]}, every
// candidate explained. Exit 2 on a line it cannot read, else as explain.
func explainConsole(c *cli, text string, stdin io.Reader, pick int, asJSON bool) int {
	if text == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, explain.MaxScenarioBytes+1))
		if err != nil {
			return c.inputError(2, "-", err)
		}
		text = string(b)
	}
	l, err := consoleline.Read(text)
	if err != nil {
		return c.inputError(2, "--console", err)
	}
	cs := consoleline.Candidates(l)
	if len(cs) == 0 {
		return c.inputError(2, "--console", errors.New("no scenario of the model prints this line"))
	}
	if pick < 0 || pick > len(cs) {
		return c.inputError(2, "--pick", fmt.Errorf("want a candidate from 1 to %d", len(cs)))
	}
	verdicts := make([]explain.Verdict, len(cs))
	for i, cand := range cs {
		if pick != 0 && i != pick-1 {
			continue
		}
		v, err := explain.Explain(cand.Scenario, opts)
		if err != nil {
			return c.inputError(2, "--console", err)
		}
		verdicts[i] = v
	}
	if asJSON {
		type out struct {
			Desc     string           `json:"desc"`
			Scenario explain.Scenario `json:"scenario"`
			Verdict  *explain.Verdict `json:"verdict,omitempty"`
		}
		res := struct {
			Line       *consoleline.Line `json:"line"`
			Hint       string            `json:"hint,omitempty"`
			Candidates []out             `json:"candidates"`
		}{Line: l, Hint: consoleline.Hint(l)}
		for i, cand := range cs {
			o := out{Desc: cand.Desc, Scenario: cand.Scenario}
			if pick == 0 || i == pick-1 {
				o.Verdict = &verdicts[i]
			}
			res.Candidates = append(res.Candidates, o)
		}
		b, _ := json.MarshalIndent(res, "", "  ")
		c.stdout.Write(append(b, '\n'))
		return 0
	}
	name := map[string]string{"chrome": "Chrome", "firefox": "Firefox", "safari": "Safari"}[l.Browser]
	fmt.Fprintf(c.stdout, "%s's console line: %s\n", name, l.Text)
	if l.Reason != "" {
		fmt.Fprintf(c.stdout, "The failing check: %s\n", l.Reason)
	}
	if h := consoleline.Hint(l); h != "" {
		fmt.Fprintf(c.stdout, "%s\n", h)
	}
	if pick == 0 && len(cs) > 1 {
		fmt.Fprintf(c.stdout, "\n%d configurations print it; explain one with --pick N:\n", len(cs))
		for i, cand := range cs {
			fmt.Fprintf(c.stdout, "  %d. %s\n     %s\n", i+1, cand.Desc, verdicts[i].Summary)
		}
		return 0
	}
	i := 0
	if pick != 0 {
		i = pick - 1
	}
	fmt.Fprintf(c.stdout, "\n%s\n\n", cs[i].Desc)
	writeVerdict(c.stdout, verdicts[i])
	if verdicts[i].Allowed {
		return 0
	}
	return 1
}

// explainHAR explains every cross-origin fetch of a HAR file, the
// blocked ones first: the JSON of explainhar.AppendVerdicts with asJSON, else
// each blocked fetch's whole explanation and a line for each allowed
// one. Exit 0 when every fetch is allowed, 1 when one is blocked.
func explainHAR(c *cli, name string, data []byte, asJSON bool, browser string) int {
	if len(data) > limits.HAR {
		return c.inputError(2, name, fmt.Errorf("a HAR file of more than %d bytes", limits.HAR))
	}
	vs, unattributed, err := explainhar.ExplainFile(string(data), browser, opts)
	if err != nil {
		return c.inputError(2, name, err)
	}
	if asJSON {
		c.stdout.Write(append(explainhar.AppendVerdicts(nil, vs), '\n'))
	} else {
		blocked := 0
		for _, v := range vs {
			if !v.Verdict.Allowed {
				blocked++
			}
		}
		fetches := "fetches"
		if len(vs) == 1 {
			fetches = "fetch"
		}
		fmt.Fprintf(c.stdout, "%s: %d cross-origin %s, %d blocked\n", name, len(vs), fetches, blocked)
		for _, u := range unattributed {
			fmt.Fprintf(c.stdout, "log.entries[%d]: %s %s failed%s; the file shows no Origin, preflight or cross-origin Referer for it, so it is not explained (its origin cannot be told)\n", u.Index, u.Method, u.URL, explainhar.Failure(u))
		}
		for _, v := range vs {
			fmt.Fprintf(c.stdout, "\n== log.entries[%d]: %s %s\n", v.Entry, v.Method, v.URL)
			if v.Verdict.Allowed {
				fmt.Fprintln(c.stdout, v.Verdict.Summary)
				continue
			}
			writeVerdict(c.stdout, v.Verdict)
		}
	}
	for _, v := range vs {
		if !v.Verdict.Allowed {
			return 1
		}
	}
	return 0
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
			// A fault names its own file when it is in another than
			// name (a --policy file, one of a template's files).
			at, file := *e, name
			if at.File != "" {
				file, at.File = at.File, ""
			}
			fmt.Fprintf(w, "%s: %s\n", file, at.Error())
		}
		return
	}
	fmt.Fprintf(w, "%s: %s\n", name, err)
}

// inPolicyText marks the faults of err that a reader numbered in the
// policy text inside the scenario (explain's "policy": {"text": ...}),
// as the scenario file name's "$.policy.text": their lines are the
// text's, not the file's. Faults with a file of their own (--policy
// FILE), or without a line, are left as they are.
func inPolicyText(err error, name string) error {
	es, ok := err.(policy.Errors)
	if !ok {
		return err
	}
	for _, e := range es {
		if e.File == "" && e.Line > 0 {
			e.File = name + " $.policy.text"
		}
	}
	return err
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
