// Package simulator_test drives the simulator page in real headless
// Chromium: it fills the form by typing and clicking, as a person would,
// reads the verdict from the page, and compares it with explain.Explain on
// the same scenario. It also checks the shareable link, the HAR import,
// the console on load, accessibility (axe-core) and takes a screenshot.
package simulator_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/internal/browsertest"
	"github.com/whycors/whycors/internal/build"
	"github.com/whycors/whycors/internal/site"
)

// built is the simulator the tests serve: the build scripts/test made once
// for every end-to-end package ($WHYCORS_SITE_DIR), else one fresh build
// per test binary (internal/build.ForTest).
var built = sync.OnceValues(func() (string, error) {
	wd, _ := os.Getwd()
	return build.ForTest(context.Background(), wd)
})

// chromium is the one Chromium of the package's tests: each test has a
// browser context of its own in it (browsertest.Shared says why).
//
// Its V8 runs WebAssembly with its baseline compiler only (Liftoff, no
// tier-up to TurboFan): a trace of ten preset switches
// (devtools.timeline, v8.wasm) put 2.1 of its 6 CPU-seconds in
// wasm.TopTierCompilation, recompiling the engines' hot functions in
// the background, which these short checks do not run long enough to
// repay. The code's meaning is the same in either tier; what it costs
// is not, so the page's speed is measured without this flag
// (scripts/bench-site.sh). TestScenariosMatchEngine alone: 148 -> 127
// busy CPU-seconds; TestPresets 29 -> 25.
var chromium = browsertest.Shared{Extra: []chromedp.ExecAllocatorOption{chromedp.Flag("js-flags", "--liftoff-only")}}

func TestMain(m *testing.M) {
	code := m.Run()
	chromium.Close()
	os.Exit(code)
}

func repoRoot() (string, error) {
	wd, _ := os.Getwd()
	return build.FindRoot(wd)
}

// page is one browser tab on the served simulator, with the console
// errors and exceptions it reported.
type page struct {
	t    testing.TB
	ctx  context.Context
	base string

	mu       sync.Mutex
	problems []string
}

// startPage builds and serves the simulator and opens a tab in a browser
// context of its own in the package's Chromium.
func startPage(t testing.TB) *page {
	t.Helper()
	p, _ := servedIn(t, chromium.Context(t), nil)
	return p
}

// startPageAlone is startPage in a Chromium of its own with
// browsertest.Start's flags, its WebAssembly tiered as users' is: for
// the tests that measure the page (bench_test.go, benchab_test.go).
func startPageAlone(t testing.TB) *page {
	t.Helper()
	p, _ := servedIn(t, browsertest.Start(t), nil)
	return p
}

// servedIn serves the built simulator through wrap (nil: as is) and
// opens a tab on it in bctx; the server is returned so a test can stop
// it.
func servedIn(t testing.TB, bctx context.Context, wrap func(http.Handler) http.Handler) (*page, *httptest.Server) {
	t.Helper()
	dir, err := built()
	if err != nil {
		t.Fatal("building the simulator:", err)
	}
	h := site.Handler(dir)
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return newTab(t, bctx, srv.URL+"/"), srv
}

// pool holds p and n more tabs on p's browser and server (each in a
// window of its own, so each gets animation frames), for checks that can
// run side by side; the tabs close when t ends.
func (p *page) pool(t testing.TB, n int) chan *page {
	ch := make(chan *page, n+1)
	ch <- p
	for range n {
		ch <- newTab(t, p.ctx, p.base)
	}
	return ch
}

func newTab(t testing.TB, parent context.Context, base string) *page {
	ctx, cancel := chromedp.NewContext(parent)
	t.Cleanup(cancel)
	p := &page{t: t, ctx: ctx, base: base}
	if err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			p.mu.Lock()
			p.problems = append(p.problems, "exception: "+ev.ExceptionDetails.Text+describe(ev.ExceptionDetails.Exception))
			p.mu.Unlock()
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				p.mu.Lock()
				p.problems = append(p.problems, "console.error")
				p.mu.Unlock()
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	return p
}

func describe(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	return " " + o.Description
}

// open loads the page (with an optional fragment) and waits for the first
// verdict and the format and SDK lists filled after it.
func (p *page) open(fragment string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.Navigate(p.base+fragment)); err != nil {
		p.t.Fatal("loading the page:", err)
	}
	// A poll can start in the execution context of the page being left;
	// Chromium then reports that context gone, and polling again is right.
	var err error
	for range 5 {
		err = chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.getElementById("summary") !== null && (document.getElementById("summary").dataset.state !== "none" && whycorsListed() || document.getElementById("status").dataset.state === "error")`,
			chromedp.WithPollingInterval(5*time.Millisecond)))
		if err == nil || !strings.Contains(err.Error(), "context") {
			break
		}
	}
	if err != nil {
		p.t.Fatal("the page did not show a verdict:", err)
	}
}

// relink opens fragment in the page as it is: a link's new fragment
// (hashchange), which loads the scenario it holds without a reload.
func (p *page) relink(fragment string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`location.hash = `+strconv.Quote(fragment)+`, true`)); err != nil {
		p.t.Fatal("opening the link:", err)
	}
	if got := eval[string](p, `location.hash`); got == fragment {
		p.t.Fatalf("location.hash stayed %q: the page did not read the link", got)
	}
	settled(p)
}

func (p *page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatal(err)
	}
}

func eval[T any](p *page, expr string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

func (p *page) screenshot(name string) {
	p.t.Helper()
	root, err := repoRoot()
	if err != nil {
		p.t.Fatal(err)
	}
	dir := filepath.Join(root, "e2e", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// selectOption types option's text into the select whose id is id, as a person
// picks with the keyboard. A select's type-ahead forgets the keys typed
// after a pause (Chromium's is one second; HTML leaves it to the
// browser): on a busy machine the keys of "Detect automatically" came
// farther apart, and "e" alone picked "Express" (CI at stop 47). And it
// adds keys typed within that second to the ones before: "Chrome" typed
// just after "Firefox" reads as "FirefoxChrome" and picks nothing. So
// selectOption types again, after the type-ahead's pause, until the
// select shows an option starting with the text, three times at most; a
// test's own check then reports what it holds.
func selectOption(id, option string) chromedp.Action[chromedp.Void] {
	shown := `(s => s.options[s.selectedIndex].text)(document.getElementById(` + strconv.Quote(id) + `))`
	keys := chromedp.Steps(chromedp.SendKeys(chromedp.CSS("#"+id), option), chromedp.Sleep(20*time.Millisecond))
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		for try := 1; ; try++ {
			if _, err := keys(ctx, tg); err != nil {
				return chromedp.Void{}, err
			}
			got, err := chromedp.Evaluate[string](shown)(ctx, tg)
			if err != nil || strings.HasPrefix(strings.ToLower(got), strings.ToLower(option)) || try == 3 {
				return chromedp.Void{}, err
			}
			// Keys typed within the second add to the ones before, so
			// wait the type-ahead out before typing again.
			time.Sleep(1100 * time.Millisecond)
		}
	}
}
