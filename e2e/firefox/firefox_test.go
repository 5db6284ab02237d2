// Package firefox runs the corpus of e2e/chromium against Firefox ESR,
// driven over WebDriver BiDi (Firefox's --remote-debugging-port), with the
// same loopback server acting as Firefox's HTTP proxy (Firefox has no
// host-resolver rules; a proxy sees every request in absolute form).
//
//	go test ./e2e/firefox                       # needs firefox-esr
//	FIREFOX_PATH=/path/to/firefox go test ./e2e/firefox
//	WHYCORS_RECORD_FIREFOX=/tmp/ff.json go test ./e2e/firefox   # and /tmp/ff.version
//
// Definitions are those of e2e/chromium, except: reason is not read
// (Firefox has no DevTools CorsError), and console is the text of every
// BiDi log.entryAdded whose text holds the exchange's URL. Firefox's BiDi
// reports errors only, so its "Cross-Origin Request Warning" lines are not
// seen (shared/reference/browser-cors.md, "Capturing the Firefox console").
package firefox

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/websocket"

	"github.com/whycors/whycors/e2e/chromium"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/internal/browsertest"
)

const (
	envFirefox     = "FIREFOX_PATH"
	envRecord      = "WHYCORS_RECORD_FIREFOX"
	envDiff        = "WHYCORS_DIFF"
	exchangeWait   = 15 * time.Second
	detailedReport = 40
	mismatchReport = "../artifacts/firefox-mismatches.json"
)

// The recording TestFirefox writes with WHYCORS_RECORD_FIREFOX, which
// TestReplayFirefox replays, and the command that rewrites it (and its
// version file, chromium.VersionPath) from the installed Firefox. Paths
// are relative to the package, where go test runs a test.
const (
	recording = "testdata/observed-firefox.json"
	reRecord  = envRecord + "=" + recording + " go test -run '^TestFirefox$' ./e2e/firefox"
)

func firefoxPath() string {
	if p := os.Getenv(envFirefox); p != "" {
		return p
	}
	for _, n := range []string{"firefox-esr", "firefox"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// bidi is a minimal WebDriver BiDi client: commands by id, events to a
// callback.
type bidi struct {
	ws      *websocket.Conn
	mu      sync.Mutex
	next    int
	pending map[int]chan json.RawMessage
	onEvent func(method string, params json.RawMessage)
}

type bidiMsg struct {
	ID     *int            `json:"id,omitempty"`
	Type   string          `json:"type,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  string          `json:"error,omitempty"`
	Msg    string          `json:"message,omitempty"`
}

func (b *bidi) read() {
	for {
		var raw []byte
		if err := websocket.Message.Receive(b.ws, &raw); err != nil {
			b.mu.Lock()
			for _, ch := range b.pending {
				close(ch)
			}
			b.pending = map[int]chan json.RawMessage{}
			b.mu.Unlock()
			return
		}
		var m bidiMsg
		if json.Unmarshal(raw, &m) != nil {
			continue
		}
		if m.ID != nil {
			b.mu.Lock()
			ch := b.pending[*m.ID]
			delete(b.pending, *m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- raw
			}
			continue
		}
		if m.Method != "" && b.onEvent != nil {
			b.onEvent(m.Method, m.Params)
		}
	}
}

func (b *bidi) call(ctx context.Context, method string, params any, out any) error {
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan json.RawMessage, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	msg, _ := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err := websocket.Message.Send(b.ws, string(msg)); err != nil {
		return err
	}
	select {
	case raw, ok := <-ch:
		if !ok {
			return errors.New("bidi: connection closed")
		}
		var m bidiMsg
		if err := json.Unmarshal(raw, &m); err != nil {
			return err
		}
		if m.Type == "error" {
			return fmt.Errorf("bidi %s: %s: %s", method, m.Error, m.Msg)
		}
		if out != nil {
			return json.Unmarshal(m.Result, out)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// prefs route every http:// request through the loopback server and keep
// Firefox off the network and on plain http.
func prefs(port int) string {
	p := map[string]any{
		"network.proxy.type":                         1,
		"network.proxy.http":                         "127.0.0.1",
		"network.proxy.http_port":                    port,
		"network.proxy.no_proxies_on":                "",
		"network.proxy.allow_hijacking_localhost":    true,
		"network.proxy.share_proxy_settings":         false,
		"dom.security.https_first":                   false,
		"dom.security.https_only_mode":               false,
		"network.captive-portal-service.enabled":     false,
		"network.connectivity-service.enabled":       false,
		"app.update.enabled":                         false,
		"datareporting.policy.dataSubmissionEnabled": false,
		"toolkit.telemetry.enabled":                  false,
		"browser.safebrowsing.malware.enabled":       false,
		"browser.safebrowsing.phishing.enabled":      false,
		"network.dns.disablePrefetch":                true,
		"network.prefetch-next":                      false,
		"browser.shell.checkDefaultBrowser":          false,
		"browser.startup.homepage_override.mstone":   "ignore",
	}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		v, _ := json.Marshal(p[k])
		fmt.Fprintf(&b, "user_pref(%q, %s);\n", k, v)
	}
	return b.String()
}

type logLine struct {
	Level string `json:"level"`
	Type  string `json:"type"`
	Text  string `json:"text"`
}

type collector struct {
	mu   sync.Mutex
	logs map[string][]logLine
}

// tokenIn finds "/t/<id>/" in a console line.
func tokenIn(s string) string {
	for i := 0; ; {
		j := strings.Index(s[i:], "/t/")
		if j < 0 {
			return ""
		}
		i += j
		rest := s[i+3:]
		if k := strings.IndexByte(rest, '/'); k > 0 && !strings.ContainsAny(rest[:k], " '‘’\"") {
			return "/t/" + rest[:k+1]
		}
		i += 3
	}
}

func (c *collector) event(method string, params json.RawMessage) {
	if method != "log.entryAdded" {
		return
	}
	var e logLine
	if json.Unmarshal(params, &e) != nil {
		return
	}
	tok := tokenIn(e.Text)
	if tok == "" {
		return
	}
	c.mu.Lock()
	c.logs[tok] = append(c.logs[tok], e)
	c.mu.Unlock()
}

func (c *collector) take(tok string) []logLine {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.logs[tok])
}

type browser struct {
	b       *bidi
	context string
	origin  string
	// version is session.new's capabilities.browserVersion ("<major>.<minor>.<patch>").
	version string
}

func start(t *testing.T, port int, col *collector) *browser {
	t.Helper()
	bin := firefoxPath()
	if bin == "" {
		browsertest.Missing(t, "firefox harness: no Firefox binary found; apt-get install firefox-esr or set FIREFOX_PATH")
	}
	prof := t.TempDir()
	if err := os.WriteFile(filepath.Join(prof, "user.js"), []byte(prefs(port)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-remote", "--profile", prof,
		"--remote-debugging-port=0", "--remote-allow-origins=http://localhost", "about:blank")
	cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })

	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "WebDriver BiDi listening on "); ok {
				addr <- a
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	var ws string
	select {
	case ws = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatal("firefox did not announce its WebDriver BiDi address")
	}
	conn, err := websocket.Dial(ws+"/session", "", "http://localhost")
	if err != nil {
		t.Fatalf("bidi dial: %v", err)
	}
	conn.MaxPayloadBytes = 64 << 20
	t.Cleanup(func() { conn.Close() })
	b := &bidi{ws: conn, pending: map[int]chan json.RawMessage{}, onEvent: col.event}
	go b.read()

	cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer ccancel()
	var session struct {
		Capabilities struct {
			BrowserVersion string `json:"browserVersion"`
		} `json:"capabilities"`
	}
	if err := b.call(cctx, "session.new", map[string]any{"capabilities": map[string]any{}}, &session); err != nil {
		t.Fatal(err)
	}
	if err := b.call(cctx, "session.subscribe", map[string]any{"events": []string{"log.entryAdded"}}, nil); err != nil {
		t.Fatal(err)
	}
	var tree struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	if err := b.call(cctx, "browsingContext.getTree", map[string]any{}, &tree); err != nil || len(tree.Contexts) == 0 {
		t.Fatalf("browsing context: %v", err)
	}
	return &browser{b: b, context: tree.Contexts[0].Context, version: session.Capabilities.BrowserVersion}
}

// Observed is what Firefox did with one exchange (fields as in e2e/chromium).
type Observed = chromium.Observation[logLine]

// Record is one line of the WHYCORS_RECORD_FIREFOX file.
type Record struct {
	chromium.Case
	Observed Observed `json:"observed"`
}

// Mismatch is one field where explain's firefox verdict disagrees.
type Mismatch struct {
	ID       string           `json:"id"`
	Desc     string           `json:"desc"`
	Field    string           `json:"field"`
	Firefox  any              `json:"firefox"`
	Explain  any              `json:"explain"`
	Scenario explain.Scenario `json:"scenario"`
}

func (br *browser) run(srv *chromium.Server, col *collector, c chromium.Case) (explain.Scenario, Observed, error) {
	s, path, err := chromium.Effective(c)
	if err != nil {
		return s, Observed{}, err
	}
	s.Browser = "firefox"
	if err := srv.HandleScenario(s); err != nil {
		return s, Observed{}, err
	}
	tok := chromium.Token(path + "/")
	ob, err := br.fetch(srv, col, tok, s.Request, 0, 0)
	if err != nil {
		return s, Observed{}, err
	}
	// A session's later fetches run in the same tab, one after the
	// other, each after its wait from the end of the previous one; the
	// token's console lines and requests so far belong to earlier fetches.
	nlogs, nreqs := len(ob.ConsoleRaw), len(ob.Requests)
	for i, l := range s.Then {
		time.Sleep(time.Duration(l.AfterSeconds * float64(time.Second)))
		o, err := br.fetch(srv, col, tok, l.Request, nlogs, nreqs)
		if err != nil {
			return s, Observed{}, fmt.Errorf("then[%d]: %w", i, err)
		}
		nlogs, nreqs = nlogs+len(o.ConsoleRaw), nreqs+len(o.Requests)
		ob.Then = append(ob.Then, o)
	}
	return s, ob, nil
}

// fetch runs one fetch of an exchange, on a page of the request's origin,
// and reads what it did: the console lines and requests of token tok
// after the first nlogs and nreqs (the session's earlier fetches').
func (br *browser) fetch(srv *chromium.Server, col *collector, tok string, r explain.Request, nlogs, nreqs int) (Observed, error) {
	ctx, cancel := context.WithTimeout(context.Background(), exchangeWait)
	defer cancel()
	if br.origin != r.Origin {
		err := br.b.call(ctx, "browsingContext.navigate", map[string]any{"context": br.context, "url": chromium.PageURL(r.Origin), "wait": "complete"}, nil)
		if err != nil {
			return Observed{}, fmt.Errorf("navigate: %w", err)
		}
		br.origin = r.Origin
	}
	spec := chromium.RequestSpec(r)
	var ev struct {
		Type   string `json:"type"`
		Result struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"result"`
		ExceptionDetails any `json:"exceptionDetails"`
	}
	err := br.b.call(ctx, "script.evaluate", map[string]any{
		"expression": chromium.FetchJS(150, true) + "(" + string(spec) + ")", "target": map[string]any{"context": br.context},
		"awaitPromise": true, "resultOwnership": "none",
	}, &ev)
	if err != nil {
		return Observed{}, err
	}
	if ev.Type != "success" {
		return Observed{}, fmt.Errorf("evaluate: %v", ev.ExceptionDetails)
	}
	var res chromium.PageResult
	if err := json.Unmarshal([]byte(ev.Result.Value), &res); err != nil {
		return Observed{}, err
	}
	logs := col.take(tok)
	logs = logs[min(nlogs, len(logs)):]
	seen := srv.Seen(tok)
	seen = seen[min(nreqs, len(seen)):]
	return chromium.Observe(res, logs, func(l logLine) string { return l.Text }, seen), nil
}

// compare lists the fields where explain's verdict differs from what
// Firefox did (chromium.CompareVerdict). BiDi carries Firefox's errors
// only, so the warnings explain predicts cannot be observed here, and it
// names no reason.
func compare(c chromium.Case, s explain.Scenario, ob Observed, v explain.Verdict, verr error) []Mismatch {
	seen := ob.Seen()
	notWarning := func(l string) bool { return !strings.HasPrefix(l, "Cross-Origin Request Warning:") }
	var out []Mismatch
	for _, d := range chromium.CompareVerdict(seen, v, verr, notWarning) {
		out = append(out, Mismatch{ID: c.ID, Desc: c.Desc, Field: d.Field, Firefox: d.Browser, Explain: d.Explain, Scenario: s})
	}
	return out
}

// TestFirefox runs the corpus of e2e/chromium and its random mix through
// Firefox, one exchange at a time in one tab.
func TestFirefox(t *testing.T) {
	corpus, err := chromium.LoadCorpus(filepath.Join("..", "chromium", "testdata", "corpus.json"))
	if err != nil {
		t.Fatal(err)
	}
	all := append(corpus, chromium.Generate(chromium.RandomSeed, chromium.RandomCases)...)
	// Local Network Access cases need pages placed in IP address spaces
	// and https, which only the Chromium harness gives
	// (chromium.ChromiumOnly).
	all, left := chromium.WithoutChromiumOnly(all)
	t.Logf("%d Chromium-only exchanges left out (Local Network Access)", left)
	srv, err := chromium.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	col := &collector{logs: map[string][]logLine{}}
	br := start(t, srv.Port(), col)
	record := os.Getenv(envRecord)
	t.Logf("firefox %s", br.version)
	// A browser of another major version than the recording's fails the
	// run (after it, so that the run still shows how explain fares against
	// the new browser), unless this run rewrites that recording.
	if !chromium.Rewrites(record, recording) {
		if err := chromium.CheckVersion("firefox", recording, br.version, reRecord); err != nil {
			t.Error(err)
		}
	}

	var (
		records    []Record
		mismatches []Mismatch
		agree, ran int
		begin      = time.Now()
	)
	for _, c := range all {
		t.Run(c.ID, func(t *testing.T) {
			s, ob, err := br.run(srv, col, c)
			if err != nil {
				t.Fatalf("%s: %v", c.Desc, err)
			}
			for i, o := range append([]Observed{ob}, ob.Then...) {
				if o.Allowed && o.Type != "opaqueredirect" && !o.ActualSent {
					t.Errorf("self-consistency (%s), fetch %d: the page got a response but the server saw no actual request", c.Desc, i)
				}
			}
			v, verr := explain.Explain(s, chromium.Options()) // every format, no advisor
			ms := compare(c, s, ob, v, verr)
			ran++
			if len(ms) == 0 {
				agree++
			}
			mismatches = append(mismatches, ms...)
			records = append(records, Record{Case: chromium.Case{ID: c.ID, Desc: c.Desc, Catalog: c.Catalog, Scenario: s}, Observed: ob})
		})
	}
	if ran == 0 {
		return
	}
	for _, r := range records {
		u, _ := url.Parse(r.Scenario.Request.URL)
		n := len(r.Observed.ConsoleRaw)
		for _, o := range r.Observed.Then {
			n += len(o.ConsoleRaw)
		}
		if u != nil && len(col.take(chromium.Token(u.Path))) != n {
			t.Errorf("%s: console lines arrived after the exchange was compared", r.ID)
		}
	}
	t.Logf("firefox: %d/%d agree (%d field mismatches) in %s", agree, ran, len(mismatches), time.Since(begin).Round(time.Millisecond))
	if p := record; p != "" {
		if err := chromium.WriteRecords(p, records); err != nil {
			t.Error(err)
		} else if err := chromium.WriteVersion(p, br.version); err != nil {
			t.Error(err)
		} else {
			t.Logf("recorded %d exchanges of firefox %s to %s and %s", len(records), br.version, p, chromium.VersionPath(p))
		}
	}
	if b, err := json.MarshalIndent(mismatches, "", "  "); err == nil {
		_ = os.MkdirAll(filepath.Dir(mismatchReport), 0o755)
		_ = os.WriteFile(mismatchReport, b, 0o644)
	}
	if len(mismatches) == 0 {
		return
	}
	rows := make([]chromium.Row, len(mismatches))
	for i, m := range mismatches {
		rows[i] = chromium.Row{ID: m.ID, Diff: chromium.Diff{Field: m.Field, Browser: m.Firefox, Explain: m.Explain}}
	}
	detail, _ := chromium.Report("firefox", rows, detailedReport)
	text := "firefox: " + strconv.Itoa(agree) + "/" + strconv.Itoa(ran) + " agree; disagreements (all in " + mismatchReport + "):" + detail
	if os.Getenv(envDiff) == "report" {
		t.Log(text)
	} else {
		t.Error(text)
	}
}
