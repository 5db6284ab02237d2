// Package webkit runs the corpus of e2e/chromium against WebKit: Debian's
// WebKitGTK, its MiniBrowser under Xvfb, driven over the Web Inspector
// protocol (the one Safari's Web Inspector speaks) that WebKitGTK serves
// when WEBKIT_INSPECTOR_HTTP_SERVER is set. The loopback server of
// e2e/chromium is MiniBrowser's HTTP proxy (--proxy; WebKit has no
// host-resolver rules, and a proxy sees every request in absolute form),
// so origins stay http://app.test, http://api.test.
//
//	go test ./e2e/webkit            # needs webkit2gtk-driver (MiniBrowser), xvfb, xauth
//	go test -run 'TestWebKit/exchanges/pf-acao-missing' ./e2e/webkit   # one exchange
//	WHYCORS_RECORD_WEBKIT=testdata/observed-webkit.json go test -run '^TestWebKit$' ./e2e/webkit
//	WHYCORS_WEBKIT_BROWSERS=n       MiniBrowser processes driven at once (default 2)
//	WHYCORS_WEBKIT_ONLY=regexp      only the exchanges whose id matches (not with a recording)
//	WHYCORS_DIFF=report             report disagreements without failing
//	MINIBROWSER_PATH=/path/to/MiniBrowser
//
// Definitions are those of e2e/chromium, except: reason is not read
// (WebKit's inspector names no CORS error), and console is the text of
// every Console.messageAdded that arrives while the fetch runs, in
// arrival order, except the page's own console.* calls and messages about
// another URL (console.since). The differences between the safari profile
// and WebKitGTK that are documented instead of modelled are in known
// (known_test.go).
//
// What WebKitGTK can stand for: it shares WebCore, and so Safari's CORS
// checks, preflight cache and console messages (Source/WebCore/loader),
// but not Apple's network layer (CFNetwork: the HTTP stack, connection
// retries, proxies) nor Safari's own privacy features (Intelligent
// Tracking Prevention, Private Relay, Link Tracking Protection).
package webkit

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	envMiniBrowser = "MINIBROWSER_PATH"
	envRecord      = "WHYCORS_RECORD_WEBKIT"
	envDiff        = "WHYCORS_DIFF"
	envBrowsers    = "WHYCORS_WEBKIT_BROWSERS"
	envOnly        = "WHYCORS_WEBKIT_ONLY"
	exchangeWait   = 15 * time.Second
	detailedReport = 40
	mismatchReport = "../artifacts/webkit-mismatches.json"
)

// The recording TestWebKit writes with WHYCORS_RECORD_WEBKIT, which
// TestReplayWebKit replays, and the command that rewrites it (and its
// version file, chromium.VersionPath) from the installed WebKitGTK.
const (
	recording = "testdata/observed-webkit.json"
	reRecord  = envRecord + "=" + recording + " go test -run '^TestWebKit$' ./e2e/webkit"
)

// miniBrowserPath finds MiniBrowser: $MINIBROWSER_PATH, else Debian's
// (webkit2gtk-driver brings libwebkit2gtk-4.1-0, which ships it in its
// library directory).
func miniBrowserPath() string {
	if p := os.Getenv(envMiniBrowser); p != "" {
		return p
	}
	for _, p := range []string{
		"/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
		"/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
		"/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser",
	} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// console keeps every console message of one MiniBrowser's page, in
// arrival order. One MiniBrowser runs one exchange at a time, so the
// messages that arrive while a fetch runs are that fetch's: WebKit's
// "Origin ... is not allowed by Access-Control-Allow-Origin" line names
// neither the URL nor the request, so the harness cannot file lines by
// the URL they hold as e2e/firefox does.
type console struct {
	mu   sync.Mutex
	msgs []consoleMessage
}

func (c *console) add(m consoleMessage) {
	c.mu.Lock()
	c.msgs = append(c.msgs, m)
	c.mu.Unlock()
}

// mark is how many messages arrived so far.
func (c *console) mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.msgs)
}

// since returns the messages after mark that belong to the exchange of
// token tok: messages of the page's own console.* calls are not, nor
// those about a resource of another URL (the page's favicon); a message
// without a URL (the security and javascript lines of a CORS failure)
// is.
func (c *console) since(mark int, tok string) []consoleMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []consoleMessage
	for _, m := range c.msgs[min(mark, len(c.msgs)):] {
		if ours(m, tok) {
			out = append(out, m)
		}
	}
	return out
}

func ours(m consoleMessage, tok string) bool {
	if m.Source == "console-api" {
		return false
	}
	if t := tokenIn(m.Text); t != "" {
		return t == tok
	}
	return m.URL == "" || tokenIn(m.URL) == tok
}

// tokenIn finds "/t/<id>/" in a console line or URL.
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

// startXvfb starts an X server on a free display (-displayfd) for the
// test's MiniBrowsers and returns its DISPLAY.
func startXvfb(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("Xvfb")
	if err != nil {
		browsertest.Missing(t, "webkit harness: no Xvfb; apt-get install xvfb xauth")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
		r.Close()
	}()
	select {
	case n := <-line:
		if n == "" {
			t.Fatal("Xvfb did not name its display")
		}
		return ":" + n
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start within 20 s")
	}
	return ""
}

// browser is one MiniBrowser process: one window, one page, its inspector.
type browser struct {
	in      *inspector
	console *console
	origin  string
	// done is the console mark at the end of the last exchange, and
	// last its token: messages for it that arrive later are late.
	done int
	last string
}

var socketPath = regexp.MustCompile(`/socket/[0-9]+/[0-9]+/WebPage`)

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startBrowser runs one MiniBrowser on display with proxy as its HTTP
// proxy and connects to its page over the inspector.
func startBrowser(t *testing.T, bin, display string, proxy int) *browser {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--private", "--proxy=http://127.0.0.1:"+strconv.Itoa(proxy),
		"--enable-developer-extras=true", "about:blank")
	cmd.Env = append(os.Environ(), "DISPLAY="+display,
		"WEBKIT_INSPECTOR_HTTP_SERVER=127.0.0.1:"+strconv.Itoa(port),
		"NO_AT_BRIDGE=1", "GDK_BACKEND=x11", "LIBGL_ALWAYS_SOFTWARE=1")
	if os.Getuid() == 0 {
		// WebKitGTK's bubblewrap sandbox refuses to run as root.
		cmd.Env = append(cmd.Env, "WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1")
	}
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &lockedWriter{w: &stderr}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })

	// The inspector's HTTP server lists the page's socket once the page
	// exists.
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	var sock string
	deadline := time.Now().Add(30 * time.Second)
	for sock == "" {
		if time.Now().After(deadline) {
			t.Fatalf("MiniBrowser's inspector at %s listed no page within 30 s; stderr:\n%s", base, stderr.String())
		}
		if resp, err := http.Get(base + "/"); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			sock = socketPath.FindString(string(b))
		}
		if sock == "" {
			time.Sleep(100 * time.Millisecond)
		}
	}
	conn, err := websocket.Dial("ws://127.0.0.1:"+strconv.Itoa(port)+sock, "", base)
	if err != nil {
		t.Fatalf("inspector dial: %v", err)
	}
	conn.MaxPayloadBytes = 64 << 20
	t.Cleanup(func() { conn.Close() })
	con := &console{}
	return &browser{in: newInspector(conn, con.add), console: con}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// webkitVersion is what MiniBrowser --version prints, without the name:
// "2.50.6" of "WebKitGTK 2.50.6".
func webkitVersion(bin, display string) (string, error) {
	cmd := exec.Command(bin, "--version")
	// GTK opens the display before it reads its options.
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %w", bin, err)
	}
	f := strings.Fields(string(out))
	if len(f) == 0 {
		return "", fmt.Errorf("%s --version printed nothing", bin)
	}
	return f[len(f)-1], nil
}

// Observed is what WebKit did with one exchange (fields as in e2e/chromium).
type Observed = chromium.Observation[consoleMessage]

// Record is one line of the WHYCORS_RECORD_WEBKIT file.
type Record struct {
	chromium.Case
	Observed Observed `json:"observed"`
}

// Mismatch is one field where explain's safari verdict disagrees.
type Mismatch struct {
	ID      string `json:"id"`
	Desc    string `json:"desc"`
	Field   string `json:"field"`
	WebKit  any    `json:"webkit"`
	Explain any    `json:"explain"`
	// Known is why the difference is documented instead of modelled
	// (known), empty for any other.
	Known    string           `json:"known,omitempty"`
	Scenario explain.Scenario `json:"scenario"`
}

func (br *browser) run(srv *chromium.Server, c chromium.Case) (explain.Scenario, Observed, error) {
	s, path, err := chromium.Effective(c)
	if err != nil {
		return s, Observed{}, err
	}
	s.Browser = "safari"
	if err := srv.HandleScenario(s); err != nil {
		return s, Observed{}, err
	}
	tok := chromium.Token(path + "/")
	if late := br.console.since(br.done, br.last); br.last != "" && len(late) > 0 {
		return s, Observed{}, fmt.Errorf("%d console lines of the previous exchange (%s) arrived after it was compared: %q", len(late), br.last, late[0].Text)
	}
	defer func() { br.done, br.last = br.console.mark(), tok }()
	ob, err := br.fetch(srv, tok, s.Request, 0)
	if err != nil {
		return s, Observed{}, err
	}
	// A session's later fetches run in the same page, one after the
	// other, each after its wait from the end of the previous one; the
	// token's requests so far belong to earlier fetches.
	nreqs := len(ob.Requests)
	for i, l := range s.Then {
		time.Sleep(time.Duration(l.AfterSeconds * float64(time.Second)))
		o, err := br.fetch(srv, tok, l.Request, nreqs)
		if err != nil {
			return s, Observed{}, fmt.Errorf("then[%d]: %w", i, err)
		}
		nreqs += len(o.Requests)
		ob.Then = append(ob.Then, o)
	}
	return s, ob, nil
}

// navigate loads the harness page of origin and waits until the page
// target the inspector follows is that page, loaded.
func (br *browser) navigate(ctx context.Context, origin string) error {
	if err := br.in.call(ctx, "Page.navigate", map[string]any{"url": chromium.PageURL(origin)}, nil); err != nil {
		return err
	}
	for {
		// A command sent to a page target that a process swap is
		// replacing gets no reply: each poll has its own short deadline.
		pctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		// self.origin is the document's origin: "null" on the sandboxed
		// page (chromium.PageURL), where location.origin is its URL's.
		r, err := br.in.evaluate(pctx, `self.origin + " " + document.readyState`)
		cancel()
		if err == nil {
			var s string
			if json.Unmarshal(r.Value, &s) == nil && s == origin+" complete" {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("navigate to %s: %w", origin, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// fetch runs one fetch of an exchange, on a page of the request's origin,
// and reads what it did: the console lines that arrived while it ran
// (console.since) and the requests of token tok after the first nreqs
// (the session's earlier fetches').
func (br *browser) fetch(srv *chromium.Server, tok string, r explain.Request, nreqs int) (Observed, error) {
	ctx, cancel := context.WithTimeout(context.Background(), exchangeWait)
	defer cancel()
	if br.origin != r.Origin {
		if err := br.navigate(ctx, r.Origin); err != nil {
			return Observed{}, err
		}
		br.origin = r.Origin
	}
	spec := chromium.RequestSpec(r)
	mark := br.console.mark()
	res0, err := br.in.evaluate(ctx, chromium.FetchJS(150, true)+"("+string(spec)+")")
	if err != nil {
		return Observed{}, err
	}
	var text string
	if err := json.Unmarshal(res0.Value, &text); err != nil {
		return Observed{}, fmt.Errorf("page result %s: %w", res0.Value, err)
	}
	var res chromium.PageResult
	if err := json.Unmarshal([]byte(text), &res); err != nil {
		return Observed{}, err
	}
	logs := br.console.since(mark, tok)
	seen := srv.Seen(tok)
	seen = seen[min(nreqs, len(seen)):]
	return chromium.Observe(res, logs, func(m consoleMessage) string { return m.Text }, seen), nil
}

// compare lists the fields where explain's safari verdict differs from
// what WebKit did (chromium.CompareVerdict; WebKit's inspector names no
// reason): the differences known documents apart from the others.
func compare(c chromium.Case, s explain.Scenario, ob Observed, v explain.Verdict, verr error) (out, documented []Mismatch) {
	for _, d := range chromium.CompareVerdict(ob.Seen(), v, verr, nil) {
		m := Mismatch{ID: c.ID, Desc: c.Desc, Field: d.Field, WebKit: d.Browser, Explain: d.Explain, Scenario: s}
		if k := knownFor(c.ID, d.Field); k != nil {
			m.Known = k.why
			documented = append(documented, m)
			continue
		}
		out = append(out, m)
	}
	return out, documented
}

// TestWebKit runs the corpus of e2e/chromium and its random mix through
// WebKitGTK's MiniBrowser, WHYCORS_WEBKIT_BROWSERS processes at once, each
// running one exchange (a session's fetches in order) at a time.
func TestWebKit(t *testing.T) {
	bin := miniBrowserPath()
	if bin == "" {
		browsertest.Missing(t, "webkit harness: no MiniBrowser found; apt-get install webkit2gtk-driver xvfb xauth or set "+envMiniBrowser)
	}
	display := startXvfb(t)
	version, err := webkitVersion(bin, display)
	if err != nil {
		t.Fatal(err)
	}
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
	if pat := os.Getenv(envOnly); pat != "" {
		if os.Getenv(envRecord) != "" {
			t.Fatalf("%s and %s: a recording holds every exchange", envOnly, envRecord)
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			t.Fatalf("%s: %v", envOnly, err)
		}
		var some []chromium.Case
		for _, c := range all {
			if re.MatchString(c.ID) {
				some = append(some, c)
			}
		}
		all = some
	}
	srv, err := chromium.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	record := os.Getenv(envRecord)
	t.Logf("webkitgtk %s (%s)", version, bin)
	// A WebKitGTK of another release series than the recording's fails the
	// run (after it, so that the run still shows how explain fares against
	// the new WebKit), unless this run rewrites that recording.
	if !chromium.Rewrites(record, recording) {
		if err := checkVersion(recording, version); err != nil {
			t.Error(err)
		}
	}

	n := 2
	if v, err := strconv.Atoi(os.Getenv(envBrowsers)); err == nil && v > 0 && v <= 8 {
		n = v
	}
	n = min(n, len(all))
	pool := make(chan *browser, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { pool <- startBrowser(t, bin, display, srv.Port()) })
	}
	wg.Wait()

	var (
		mu           sync.Mutex
		records      = make([]*Record, len(all))
		mismatches   = make([][]Mismatch, len(all))
		documentedIn = make([]bool, len(all))
		begin        = time.Now()
	)
	t.Run("exchanges", func(t *testing.T) {
		for i, c := range all {
			t.Run(c.ID, func(t *testing.T) {
				t.Parallel()
				br := <-pool
				defer func() { pool <- br }()
				s, ob, err := br.run(srv, c)
				if err != nil {
					t.Fatalf("%s: %v", c.Desc, err)
				}
				for j, o := range append([]Observed{ob}, ob.Then...) {
					if o.Allowed && o.Type != "opaqueredirect" && !o.ActualSent {
						t.Errorf("self-consistency (%s), fetch %d: the page got a response but the server saw no actual request", c.Desc, j)
					}
				}
				v, verr := explain.Explain(s, chromium.Options()) // every format, no advisor
				ms, documented := compare(c, s, ob, v, verr)
				if len(documented) > 0 {
					var fields []string
					for _, d := range documented {
						fields = append(fields, d.Field)
					}
					t.Logf("known difference (%s): %s", strings.Join(fields, ", "), documented[0].Known)
				}
				mu.Lock()
				mismatches[i] = ms
				documentedIn[i] = len(documented) > 0
				records[i] = &Record{Case: chromium.Case{ID: c.ID, Desc: c.Desc, Catalog: c.Catalog, Scenario: s}, Observed: ob}
				mu.Unlock()
			})
		}
	})
	var (
		ran, agree, docs int
		rows             []chromium.Row
		flat             []Mismatch
		kept             []Record
	)
	for i, r := range records {
		if r == nil {
			continue
		}
		ran++
		kept = append(kept, *r)
		switch {
		case documentedIn[i]:
			docs++
		case len(mismatches[i]) == 0:
			agree++
		}
		for _, m := range mismatches[i] {
			flat = append(flat, m)
			rows = append(rows, chromium.Row{ID: m.ID, Diff: chromium.Diff{Field: m.Field, Browser: m.WebKit, Explain: m.Explain}})
		}
	}
	if ran == 0 {
		return
	}
	// The last exchange of each MiniBrowser: no console line may follow it.
	time.Sleep(300 * time.Millisecond)
	for range n {
		br := <-pool
		if late := br.console.since(br.done, br.last); br.last != "" && len(late) > 0 {
			t.Errorf("%d console lines of %s arrived after it was compared: %q", len(late), br.last, late[0].Text)
		}
	}
	t.Logf("webkit: %d/%d agree, %d differ only as documented (known_test.go), %d field mismatches, in %s with %d MiniBrowsers",
		agree, ran, docs, len(flat), time.Since(begin).Round(time.Millisecond), n)
	if p := record; p != "" {
		if err := chromium.WriteRecords(p, kept); err != nil {
			t.Error(err)
		} else if err := chromium.WriteVersion(p, version); err != nil {
			t.Error(err)
		} else {
			t.Logf("recorded %d exchanges of webkitgtk %s to %s and %s", len(kept), version, p, chromium.VersionPath(p))
		}
	}
	if b, err := json.MarshalIndent(flat, "", "  "); err == nil {
		_ = os.MkdirAll(filepath.Dir(mismatchReport), 0o755)
		_ = os.WriteFile(mismatchReport, b, 0o644)
	}
	if len(rows) == 0 {
		return
	}
	detail, _ := chromium.Report("webkit", rows, detailedReport)
	text := "webkit: " + strconv.Itoa(agree) + "/" + strconv.Itoa(ran) + " agree; disagreements (all in " + mismatchReport + "):" + detail
	if os.Getenv(envDiff) == "report" {
		t.Log(text)
	} else {
		t.Error(text)
	}
}
