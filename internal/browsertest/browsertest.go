// Package browsertest starts headless Chromium for end-to-end tests, with the
// flags this kind of machine needs: no background networking (the network
// is closed, and Chromium's own connections would otherwise fail at every
// start), an empty profile, and no sandbox when running as root.
package browsertest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// Path returns the Chromium binary to run: $CHROME_PATH, else the real
// binary of Debian's package (its /usr/bin/chromium wrapper adds flags of
// its own), else whatever chromium (or chromium-browser, google-chrome) is
// on PATH. Empty when there is none.
func Path() string {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/lib/chromium/chromium", "/usr/bin/chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// found is Path, and ends t (Missing) when there is no Chromium.
func found(t testing.TB) string {
	t.Helper()
	path := Path()
	if path == "" {
		Missing(t, "no Chromium found; install Debian's chromium or set CHROME_PATH")
	}
	return path
}

// Missing ends a test that cannot find the browser (or server) it runs;
// what says which is missing and how to install it. The test fails when
// WHYCORS_REQUIRE_BROWSER is set (scripts/test sets it, so that a run
// cannot pass by skipping) and is skipped otherwise.
func Missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
		t.Fatal(what + " (WHYCORS_REQUIRE_BROWSER is set: a missing browser fails the test)")
	}
	t.Skip(what)
}

// Start launches one browser for the test and returns its context. Extra
// options (for example --host-resolver-rules) are added to the defaults.
// The test is skipped when no Chromium is installed, unless
// WHYCORS_REQUIRE_BROWSER is set (Missing).
func Start(t testing.TB, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := found(t)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), options(path, t.TempDir(), extra)...)
	t.Cleanup(cancelA)
	bctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(cancelB)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	return bctx
}

// IdleFeatures are features of Chromium's own window that a test never
// uses, and that cost CPU in every window it opens: --disable-features
// lists them (a harness that disables other features appends its own).
//
// Since about Chromium 140, headless Chromium opens each window (each
// browser context chromedp creates is one) with the omnibox's popup
// preloaded as a WebUI page, chrome://omnibox-popup.top-chrome/ and its
// omnibox_popup_aim.html, each rendered in a --top-chrome-webui renderer
// (the DevTools endpoint's /json/list names them as "browser_ui"
// targets). Here, with Chromium 156: a browser alone for 8 s, 4.2 to 5.1
// busy CPU-seconds with them and 2.3 to 2.9 without; e2e/simulator's
// TestLoad with a blank-tab test, 16.2 and 17.3 against 8.2 and 8.7
// (scripts/bench/busy.sh, alternating). Disabling a feature a version
// does not have is no error, so no version is assumed.
const IdleFeatures = "WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup"

// options are Start's flags for the binary path, with the profile in dir.
func options(path, dir string, extra []chromedp.ExecAllocatorOption) []chromedp.ExecAllocatorOption {
	opts := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("disable-features", IdleFeatures),
	}, extra...)
	if os.Getuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	return opts
}

// Shared is one Chromium for the tests of a test binary, started by the
// first test that asks for it, in which each test has a browser context
// of its own: its own cookies, storage, HTTP cache and service workers,
// as a browser of its own would have. Starting Chromium costs about 4.7
// CPU-seconds on a 2-core machine of the CI's kind (measured by /proc/stat
// over the start and the 4 s after it, with or without chromedp's usual
// flags), where a browser context costs a few milliseconds; e2e/simulator
// started one browser per test, 31 of them. The zero value is ready; the
// test binary's TestMain calls Close after its tests.
type Shared struct {
	// Extra options are added to Start's flags.
	Extra []chromedp.ExecAllocatorOption

	mu     sync.Mutex
	ctx    context.Context // the browser's first tab, once started
	cancel []context.CancelFunc
	dir    string // the browser's profile
	err    error  // why it did not start
}

// Context returns a context for a new browser context of the shared
// browser, with one tab, and disposes of that browser context when t ends.
// The browser starts on the first call; t is skipped or fails as Start's
// when there is no Chromium.
func (s *Shared) Context(t testing.TB) context.Context {
	t.Helper()
	path := found(t)
	s.mu.Lock()
	if s.ctx == nil && s.err == nil {
		s.err = s.start(path)
	}
	parent, err := s.ctx, s.err
	s.mu.Unlock()
	if err != nil {
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a browser context in the shared Chromium (%s): %v", path, err)
	}
	return ctx
}

func (s *Shared) start(path string) error {
	dir, err := os.MkdirTemp("", "whycors-chromium-")
	if err != nil {
		return err
	}
	s.dir = dir
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), options(path, dir, s.Extra)...)
	bctx, cancelB := chromedp.NewContext(actx)
	s.cancel = []context.CancelFunc{cancelB, cancelA}
	s.ctx = bctx
	return chromedp.Do(bctx)
}

// Close stops the browser, if it started, and removes its profile.
func (s *Shared) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.cancel {
		c()
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
	s.ctx, s.cancel, s.dir, s.err = nil, nil, "", errClosed
}

var errClosed = errors.New("the shared browser was closed")
