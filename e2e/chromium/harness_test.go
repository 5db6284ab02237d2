package chromium

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/internal/browsertest"
)

// Environment knobs.
//
//	CHROME_PATH=/path/to/chromium   the browser binary (default: the real
//	                                Debian binary, then /usr/bin/chromium;
//	                                browsertest.Path)
//	WHYCORS_RECORD=out.json          write what Chromium did for every exchange,
//	                                 and its version to out.version (VersionPath)
//	WHYCORS_DIFF=report              report disagreements with explain without
//	                                 failing the test (self-consistency still fails)
//	WHYCORS_TABS=n                   tabs driven at once (default 3)
const (
	envRecord = "WHYCORS_RECORD"
	envDiff   = "WHYCORS_DIFF"
	envTabs   = "WHYCORS_TABS"
)

// Bounds of one run.
const (
	exchangeTimeout = 15 * time.Second
	runTimeout      = 8 * time.Minute
	detailedReport  = 40
	mismatchReport  = "../artifacts/chromium-mismatches.json"
)

// LogLine is one entry of the DevTools Log domain, as Chromium sent it.
type LogLine struct {
	Source string `json:"source"`
	Level  string `json:"level"`
	Text   string `json:"text"`
	URL    string `json:"url,omitempty"`
}

// NetEvent is one Network.loadingFailed of the exchange.
type NetEvent struct {
	Type            string `json:"type"`
	URL             string `json:"url"`
	ErrorText       string `json:"error_text"`
	CorsError       string `json:"cors_error,omitempty"`
	FailedParameter string `json:"failed_parameter,omitempty"`
}

// Observed is what Chromium did with one exchange, in the fields of
// explain.Verdict plus the raw material they were read from.
type Observed struct {
	// Allowed: the fetch() promise resolved (an opaque no-cors response
	// counts as allowed, since the page gets a Response).
	Allowed         bool     `json:"allowed"`
	Exception       string   `json:"exception,omitempty"`
	Status          int      `json:"status"`
	Type            string   `json:"type"`
	ReadableHeaders []string `json:"readable_headers"`
	// Reason is Network.loadingFailed's corsErrorStatus.corsError of the
	// request (not of its preflight entry), empty when CDP gave none.
	Reason          string `json:"reason"`
	FailedParameter string `json:"failed_parameter,omitempty"`
	// Console is the text of every Log-domain entry about this exchange
	// (its unique URL is in the entry's url or text), in arrival order.
	Console     []string               `json:"console"`
	ConsoleRaw  []LogLine              `json:"console_raw,omitempty"`
	Preflight   explain.PreflightTrace `json:"preflight"`
	ActualSent  bool                   `json:"actual_sent"`
	Requests    []Received             `json:"requests"`
	Network     []NetEvent             `json:"network,omitempty"`
	BodyError   string                 `json:"body_error,omitempty"`
	HarnessNote string                 `json:"harness_note,omitempty"`
	// Then is what each later fetch of a session did (scenario "then"),
	// in order.
	Then []Observed `json:"then,omitempty"`
}

// Record is one line of the WHYCORS_RECORD file.
type Record struct {
	Case
	Source   string   `json:"source"` // "corpus" or "random"
	Observed Observed `json:"observed"`
}

// Mismatch is one field where explain disagrees with Chromium.
type Mismatch struct {
	ID       string           `json:"id"`
	Desc     string           `json:"desc"`
	Field    string           `json:"field"`
	Chromium any              `json:"chromium"`
	Explain  any              `json:"explain"`
	Scenario explain.Scenario `json:"scenario"`
}

// The recording TestChromium writes with WHYCORS_RECORD, which
// TestReplayChromium replays, and the command that rewrites it (and its
// version file) from the installed Chromium. Paths are relative to the
// package, where go test runs a test.
const (
	recording = "testdata/observed-chromium.json"
	reRecord  = envRecord + "=" + recording + " go test -run '^TestChromium$' ./e2e/chromium"
)

// collector files the CDP events of every tab under the exchange token
// (the "/t/<id>/" path prefix) they mention.
type collector struct {
	mu    sync.Mutex
	reqs  map[network.RequestID]netReq
	logs  map[string][]LogLine
	fails map[string][]NetEvent
}

type netReq struct {
	token, url, typ string
}

func newCollector() *collector {
	return &collector{reqs: map[network.RequestID]netReq{}, logs: map[string][]LogLine{}, fails: map[string][]NetEvent{}}
}

// tokenIn returns the first exchange token found in s (a URL or a console
// line quoting one).
func tokenIn(s string) string {
	for i := 0; ; {
		j := strings.Index(s[i:], "/t/")
		if j < 0 {
			return ""
		}
		i += j
		rest := s[i+3:]
		k := strings.IndexByte(rest, '/')
		if k > 0 && validID(rest[:k]) {
			return "/t/" + rest[:k+1]
		}
		i += 3
	}
}

func (c *collector) event(ev any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		if e.Request == nil {
			return
		}
		if tok := tokenIn(e.Request.URL); tok != "" {
			c.reqs[e.RequestID] = netReq{token: tok, url: e.Request.URL, typ: string(e.Type)}
		}
	case *network.EventLoadingFailed:
		r, ok := c.reqs[e.RequestID]
		if !ok {
			return
		}
		ne := NetEvent{Type: string(e.Type), URL: r.url, ErrorText: e.ErrorText}
		if r.typ != "" && ne.Type == "" {
			ne.Type = r.typ
		}
		if e.CorsErrorStatus != nil {
			ne.CorsError = string(e.CorsErrorStatus.CorsError)
			ne.FailedParameter = e.CorsErrorStatus.FailedParameter
		}
		c.fails[r.token] = append(c.fails[r.token], ne)
	case *log.EventEntryAdded:
		if e.Entry == nil {
			return
		}
		tok := tokenIn(e.Entry.URL)
		if tok == "" {
			tok = tokenIn(e.Entry.Text)
		}
		if tok == "" {
			return
		}
		c.logs[tok] = append(c.logs[tok], LogLine{Source: string(e.Entry.Source), Level: string(e.Entry.Level), Text: e.Entry.Text, URL: e.Entry.URL})
	}
}

func (c *collector) take(tok string) ([]LogLine, []NetEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.logs[tok]), slices.Clone(c.fails[tok])
}

// tab is one browser tab and the origin its page is on.
type tab struct {
	ctx    context.Context
	origin string
}

// harness is one browser, one server and the tabs that share them.
type harness struct {
	srv  *Server
	col  *collector
	tabs chan *tab
	// version is the browser's, as Browser.getVersion names it: its
	// product ("HeadlessChrome/<version>") without the name.
	version string
}

func startHarness(t *testing.T, ntabs int) *harness {
	t.Helper()
	bin := browsertest.Path()
	if bin == "" {
		browsertest.Missing(t, "chromium harness: no Chromium binary found; install chromium or set CHROME_PATH")
	}
	srv, err := NewServer()
	if err != nil {
		t.Fatalf("loopback server: %v", err)
	}
	t.Cleanup(func() { srv.Close() })

	// Hosts under pub.test and lan.test (and .local names) reach the
	// server on ports of their own, which Chromium is told are in the
	// public and the local IP address space (Local Network Access,
	// scenario "network"); every other *.test host is on loopback, as
	// 127.0.0.1 is.
	pub, err := srv.Listen()
	if err != nil {
		t.Fatalf("loopback server: %v", err)
	}
	lan, err := srv.Listen()
	if err != nil {
		t.Fatalf("loopback server: %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		// Every *.test host is this server; the port in the rule replaces
		// the URL's, so origins stay http://app.test and http://api.test.
		// The first rule that matches a host applies.
		chromedp.Flag("host-resolver-rules", fmt.Sprintf("MAP *.%s 127.0.0.1:%d, MAP *.%s 127.0.0.1:%d, MAP *.local 127.0.0.1:%d, MAP *.test 127.0.0.1:%d",
			PublicDomain, pub, LocalDomain, lan, lan, srv.Port())),
		chromedp.Flag("ip-address-space-overrides", fmt.Sprintf("127.0.0.1:%d=public,127.0.0.1:%d=local", pub, lan)),
		// The server's certificate, and only it, is trusted: https pages
		// are secure contexts.
		chromedp.Flag("ignore-certificate-errors-spki-list", srv.SPKI()),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-background-networking", true),
		// Keep Translate off as chromedp does, and keep navigations on
		// plain http: HTTPS-Upgrades would first try https://app.test.
		// browsertest.IdleFeatures: the window's own WebUI popups.
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,"+browsertest.IdleFeatures),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(func() { bcancel(); acancel() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	bv, err := chromedp.CallBrowser(bctx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		t.Fatalf("%s: Browser.getVersion: %v", bin, err)
	}
	_, version, _ := strings.Cut(bv.Product, "/") // "HeadlessChrome/<version>"
	h := &harness{srv: srv, col: newCollector(), tabs: make(chan *tab, ntabs), version: version}
	for i := 0; i < ntabs; i++ {
		tctx := bctx
		if i > 0 {
			tctx, _ = chromedp.NewContext(bctx) // closed with the browser
		}
		if err := chromedp.Listen(tctx, h.col.event); err != nil {
			t.Fatalf("listen: %v", err)
		}
		h.tabs <- &tab{ctx: tctx}
	}
	return h
}

// run performs one exchange in a free tab.
func (h *harness) run(ctx context.Context, c Case) (explain.Scenario, Observed, error) {
	s, path, err := Effective(c)
	if err != nil {
		return s, Observed{}, err
	}
	if err := h.srv.HandleScenario(s); err != nil {
		return s, Observed{}, err
	}
	tok := Token(path + "/")

	tb := <-h.tabs
	defer func() { h.tabs <- tb }()
	if err := h.permit(tb.ctx, s); err != nil {
		return s, Observed{}, err
	}
	ob, err := h.fetchIn(tb, tok, s.Request, sofar{})
	if err != nil {
		return s, Observed{}, err
	}
	// A session's later fetches run in the same tab, one after the
	// other, each after its wait from the end of the previous one; the
	// token's console lines and requests so far belong to earlier fetches.
	n := sofar{}.add(ob)
	for i, l := range s.Then {
		time.Sleep(time.Duration(l.AfterSeconds * float64(time.Second)))
		o, err := h.fetchIn(tb, tok, l.Request, n)
		if err != nil {
			return s, Observed{}, fmt.Errorf("then[%d]: %w", i, err)
		}
		n = n.add(o)
		ob.Then = append(ob.Then, o)
	}
	return s, ob, nil
}

// permit sets the Local Network Access permissions of the pages of a
// scenario with a network ("local-network" and "loopback-network", to
// its permission; prompt when it names none: a prompt nobody answers),
// each page origin's own: the corpus gives each such scenario page
// origins no other uses, so tabs running at once do not meet.
func (h *harness) permit(ctx context.Context, s explain.Scenario) error {
	if s.Network == nil {
		return nil
	}
	setting := browser.PermissionSetting(s.Network.Permission)
	if setting == "" {
		setting = browser.PermissionSettingPrompt
	}
	origins := []string{s.Request.Origin}
	for _, l := range s.Then {
		origins = append(origins, l.Request.Origin)
	}
	for _, o := range origins {
		if po, err := origin.Parse(o); err != nil || !po.PotentiallyTrustworthy() {
			// Chromium grants these to secure contexts only ("Permission
			// can't be granted in current context"); a page that is not one
			// is refused before the permission is asked.
			continue
		}
		for _, name := range []string{"local-network", "loopback-network"} {
			p := browser.SetPermissionParams{Permission: &browser.PermissionDescriptor{Name: name}, Setting: setting, Origin: o}
			if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, p); err != nil {
				return fmt.Errorf("Browser.setPermission %s %s for %s: %w", name, setting, o, err)
			}
		}
	}
	return nil
}

// sofar counts what the earlier fetches of a session left under its
// token: console lines, loadingFailed events and requests.
type sofar struct{ logs, nets, reqs int }

func (n sofar) add(o Observed) sofar {
	return sofar{n.logs + len(o.ConsoleRaw), n.nets + len(o.Network), n.reqs + len(o.Requests)}
}

// fetchIn runs one fetch of an exchange in tab tb, on a page of the
// request's origin, and reads what it did: the console lines, failures and
// requests of token tok after those of the session's earlier fetches (n).
func (h *harness) fetchIn(tb *tab, tok string, r explain.Request, n sofar) (Observed, error) {
	origin := r.Origin
	if tb.origin != origin {
		nctx, cancel := context.WithTimeout(tb.ctx, exchangeTimeout)
		err := chromedp.Do(nctx, chromedp.Navigate(PageURL(origin)))
		cancel()
		if err != nil {
			return Observed{}, fmt.Errorf("navigate to %s: %w", origin, err)
		}
		tb.origin = origin
	}
	js := RequestSpec(r)
	ectx, cancel := context.WithTimeout(tb.ctx, exchangeTimeout)
	res, err := chromedp.Run(ectx, chromedp.Evaluate[PageResult](FetchJS(40, false)+"("+string(js)+")", chromedp.EvalAwaitPromise))
	cancel()
	if err != nil {
		return Observed{}, fmt.Errorf("evaluate fetch: %w", err)
	}

	logs, nets := h.col.take(tok)
	logs, nets = logs[min(n.logs, len(logs)):], nets[min(n.nets, len(nets)):]
	seen := h.srv.Seen(tok)
	seen = seen[min(n.reqs, len(seen)):]
	ob := Observed{
		Allowed:         res.Resolved,
		Exception:       res.Exception,
		Status:          res.Status,
		Type:            res.Type,
		ReadableHeaders: res.Headers,
		Console:         []string{},
		ConsoleRaw:      logs,
		Requests:        seen,
		Network:         nets,
		BodyError:       res.BodyError,
	}
	if ob.ReadableHeaders == nil {
		ob.ReadableHeaders = []string{}
	}
	if !res.Resolved {
		ob.Type = "error"
	}
	for _, l := range logs {
		ob.Console = append(ob.Console, l.Text)
	}
	// The request's own loadingFailed names the failure; the entry of its
	// preflight (type Preflight) is the fallback.
	var pf *NetEvent
	for i, n := range nets {
		switch {
		case n.CorsError == "":
		case n.Type == "Preflight":
			if pf == nil {
				pf = &nets[i]
			}
		case ob.Reason == "":
			ob.Reason, ob.FailedParameter = n.CorsError, n.FailedParameter
		}
	}
	if ob.Reason == "" && pf != nil {
		ob.Reason, ob.FailedParameter = pf.CorsError, pf.FailedParameter
		ob.HarnessNote = "reason read from the preflight's loadingFailed"
	}
	ob.Preflight, ob.ActualSent = PreflightOf(ob.Requests)
	return ob, nil
}

// selfCheck returns what is inconsistent between what the server saw and
// what the page saw: these are harness faults (or Chromium surprises worth
// a look), independent of the engine.
func selfCheck(c Case, s explain.Scenario, ob Observed) []string {
	var bad []string
	crossOrigin := !strings.HasPrefix(s.Request.URL, s.Request.Origin+"/")
	if ob.Allowed && ob.Type != "opaqueredirect" && !ob.ActualSent {
		bad = append(bad, "the page got a response but the server saw no actual request")
	}
	if ob.Allowed && (ob.Type == "cors" || ob.Type == "basic") {
		want := 0 // the status of the last request answered, after any redirect
		for _, r := range ob.Requests {
			if !r.IsPreflight() {
				want = r.Status
			}
		}
		if ob.Status != want {
			bad = append(bad, fmt.Sprintf("page read status %d, server answered %d", ob.Status, want))
		}
		sent := map[string]bool{}
		for _, res := range append([]*explain.Reply{s.Response}, routeResponses(s)...) {
			if res == nil {
				continue
			}
			for _, f := range res.Header {
				sent[strings.ToLower(f.Name)] = true
			}
		}
		for _, n := range ob.ReadableHeaders {
			if !sent[n] {
				bad = append(bad, "page reads header "+strconv.Quote(n)+" the server did not send")
			}
		}
	}
	if ob.Type == "opaque" && (ob.Status != 0 || len(ob.ReadableHeaders) != 0) {
		bad = append(bad, "opaque response with a status or readable headers")
	}
	if !ob.Allowed && ob.Exception == "" {
		bad = append(bad, "fetch rejected without an exception")
	}
	if ob.Preflight.Sent {
		if !crossOrigin {
			bad = append(bad, "preflight sent for a same-origin URL")
		}
		m := s.Request.Method
		if m == "" {
			m = "GET"
		}
		got := ob.Preflight.Headers["access-control-request-method"]
		if !strings.EqualFold(got, m) {
			bad = append(bad, fmt.Sprintf("preflight asked for method %q, page used %q", got, m))
		}
	}
	if strings.HasPrefix(ob.Reason, "Preflight") || strings.HasSuffix(ob.Reason, "PreflightResponse") {
		if !ob.Preflight.Sent {
			bad = append(bad, "reason "+ob.Reason+" without a preflight reaching the server")
		}
		// The preflight that failed is the last request: nothing after it
		// (an earlier hop of a redirect chain may have sent its actual
		// request).
		if n := len(ob.Requests); n > 0 && !ob.Requests[n-1].IsPreflight() {
			bad = append(bad, "reason "+ob.Reason+" yet a request followed the last preflight")
		}
	}
	if c.Catalog == "HDR_FORBIDDEN_DROPPED" {
		// The script's value must not reach the server (Fetch §2.2.2
		// "forbidden request-header": the Headers guard drops it).
		for _, f := range s.Request.Headers {
			for _, r := range ob.Requests {
				for _, g := range r.Header {
					if strings.EqualFold(f.Name, g.Name) && g.Value == f.Value {
						bad = append(bad, "forbidden header "+f.Name+": "+f.Value+" reached the server")
					}
				}
			}
		}
	}
	if ob.Reason != "" && ob.Allowed {
		bad = append(bad, "CDP reports "+ob.Reason+" for a fetch that resolved")
	}
	return bad
}

func routeResponses(s explain.Scenario) []*explain.Reply {
	var out []*explain.Reply
	for _, r := range s.Routes {
		out = append(out, r.Response)
	}
	return out
}

// compare lists the fields where explain's verdict differs from what
// Chromium did (CompareVerdict).
func compare(c Case, s explain.Scenario, ob Observed, v explain.Verdict, verr error) []Mismatch {
	var out []Mismatch
	for _, d := range CompareVerdict(ob.seen(), v, verr, nil) {
		out = append(out, Mismatch{ID: c.ID, Desc: c.Desc, Field: d.Field, Chromium: d.Browser, Explain: d.Explain, Scenario: s})
	}
	return out
}

// seen is what the harness compares of ob, later fetches included.
func (ob Observed) seen() Seen {
	out := Seen{Allowed: ob.Allowed, Exception: ob.Exception, Status: ob.Status, Type: ob.Type,
		ReadableHeaders: ob.ReadableHeaders, Reason: ob.Reason, ReasonKnown: true, Console: ob.Console,
		Preflight: ob.Preflight, ActualSent: ob.ActualSent, Requests: SentRequests(ob.Requests)}
	for _, t := range ob.Then {
		out.Then = append(out.Then, t.seen())
	}
	return out
}

func mustLoadCorpus(t *testing.T) []Case {
	t.Helper()
	cs, err := LoadCorpus(filepath.Join("testdata", "corpus.json"))
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func checkIDs(t *testing.T, cs []Case) {
	t.Helper()
	seen := map[string]bool{}
	for i, c := range cs {
		if !validID(c.ID) {
			t.Errorf("case %d: id %q must be [a-z0-9._-]{1,80}", i, c.ID)
		}
		if seen[c.ID] {
			t.Errorf("case %d: duplicate id %q", i, c.ID)
		}
		seen[c.ID] = true
		if c.Desc == "" {
			t.Errorf("case %s: no desc", c.ID)
		}
	}
}

// TestCorpusWellFormed runs without a browser: the corpus parses, ids are
// unique, and there are at least 250 exchanges with the random mix.
func TestCorpusWellFormed(t *testing.T) {
	cs := mustLoadCorpus(t)
	all := append(cs, Generate(RandomSeed, RandomCases)...)
	checkIDs(t, all)
	if len(all) < 250 {
		t.Errorf("%d exchanges, want at least 250", len(all))
	}
	again := Generate(RandomSeed, RandomCases)
	a, _ := json.Marshal(all[len(cs):])
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Error("the random mix is not deterministic for a fixed seed")
	}
	for _, c := range cs {
		if _, _, err := Effective(c); err != nil {
			t.Errorf("%s: %v", c.ID, err)
		}
		if err := CheckNetwork(c); err != nil {
			t.Errorf("%s: %v", c.ID, err)
		}
	}
}

func TestTokenIn(t *testing.T) {
	tests := []struct {
		desc, in, want string
	}{
		{desc: "request URL", in: "http://api.test/t/acao-missing/items", want: "/t/acao-missing/"},
		{desc: "console line quoting the URL", in: "Access to fetch at 'http://api.test/t/x1/a' from origin 'http://app.test' has been blocked", want: "/t/x1/"},
		{desc: "no token", in: "http://app.test/", want: ""},
		{desc: "bad id chars skipped", in: "/t/A B/ then /t/ok/", want: "/t/ok/"},
		{desc: "no closing slash", in: "http://api.test/t/abc", want: ""},
	}
	for _, tc := range tests {
		if got := tokenIn(tc.in); got != tc.want {
			t.Errorf("%s: tokenIn(%q) = %q, want %q", tc.desc, tc.in, got, tc.want)
		}
	}
}

// TestChromium runs every exchange through real Chromium and explain.
func TestChromium(t *testing.T) {
	corpus := mustLoadCorpus(t)
	random := Generate(RandomSeed, RandomCases)
	all := append(append([]Case{}, corpus...), random...)
	checkIDs(t, all)
	if t.Failed() {
		return
	}
	source := map[string]string{}
	for _, c := range corpus {
		source[c.ID] = "corpus"
	}
	for _, c := range random {
		source[c.ID] = "random"
	}

	ntabs := 3
	if n, err := strconv.Atoi(os.Getenv(envTabs)); err == nil && n > 0 && n <= 16 {
		ntabs = n
	}
	h := startHarness(t, ntabs)
	record := os.Getenv(envRecord)
	t.Logf("chromium %s", h.version)
	// A browser of another major version than the recording's fails the
	// run (after it, so that the run still shows how explain fares against
	// the new browser), unless this run rewrites that recording.
	if !Rewrites(record, recording) {
		if err := CheckVersion("chromium", recording, h.version, reRecord); err != nil {
			t.Error(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	t.Cleanup(cancel)

	var (
		mu         sync.Mutex
		records    []Record
		mismatches []Mismatch
		agree, ran int
		start      = time.Now()
	)
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if ran == 0 {
			return
		}
		slices.SortFunc(records, func(a, b Record) int { return strings.Compare(a.ID, b.ID) })
		slices.SortStableFunc(mismatches, func(a, b Mismatch) int { return strings.Compare(a.ID, b.ID) })
		t.Logf("chromium: %d/%d agree (%d field mismatches) in %s", agree, ran, len(mismatches), time.Since(start).Round(time.Millisecond))
		if p := record; p != "" {
			if err := WriteRecords(p, records); err != nil {
				t.Errorf("record: %v", err)
			} else if err := WriteVersion(p, h.version); err != nil {
				t.Errorf("record: %v", err)
			} else {
				t.Logf("recorded %d exchanges of chromium %s to %s and %s", len(records), h.version, p, VersionPath(p))
			}
		}
		if err := writeJSON(mismatchReport, mismatches); err != nil {
			t.Logf("mismatch report: %v", err)
		}
		// A console line filed after its exchange was compared means the
		// wait in fetchJS was too short and the comparison saw a partial
		// console.
		for _, r := range records {
			tok := Token(mustPath(r.Scenario.Request.URL))
			n := len(r.Observed.ConsoleRaw)
			for _, o := range r.Observed.Then {
				n += len(o.ConsoleRaw)
			}
			if logs, _ := h.col.take(tok); len(logs) != n {
				t.Errorf("%s: %d console lines arrived after the exchange was compared", r.ID, len(logs)-n)
			}
		}
		if len(mismatches) == 0 {
			return
		}
		rows := make([]Row, len(mismatches))
		for i, m := range mismatches {
			rows[i] = Row{m.ID, Diff{m.Field, m.Chromium, m.Explain}}
		}
		detail, shown := Report("chromium", rows, detailedReport)
		msg := fmt.Sprintf("chromium: %d/%d agree; disagreements (first %d exchanges, all in %s):%s", agree, ran, shown, mismatchReport, detail)
		if os.Getenv(envDiff) == "report" {
			t.Log(msg)
		} else {
			t.Error(msg)
		}
	})

	for _, c := range all {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			s, ob, err := h.run(ctx, c)
			if err != nil {
				t.Fatalf("%s: %v", c.Desc, err)
			}
			for _, p := range selfCheck(c, s, ob) {
				t.Errorf("self-consistency (%s): %s", c.Desc, p)
			}
			for i, l := range s.Then {
				later := s
				later.Request = l.Request
				for _, p := range selfCheck(c, later, ob.Then[i]) {
					t.Errorf("self-consistency (%s), then[%d]: %s", c.Desc, i, p)
				}
			}
			v, verr := explain.Explain(s, Options()) // every format, no advisor
			ms := compare(c, s, ob, v, verr)
			mu.Lock()
			ran++
			if len(ms) == 0 {
				agree++
			}
			mismatches = append(mismatches, ms...)
			records = append(records, Record{Case: Case{ID: c.ID, Desc: c.Desc, Catalog: c.Catalog, Scenario: s}, Source: source[c.ID], Observed: ob})
			mu.Unlock()
		})
	}
}

func mustPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Path
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
