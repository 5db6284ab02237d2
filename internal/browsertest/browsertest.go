// Package browsertest starts headless Chromium for end-to-end tests, with the
// flags this kind of machine needs: no background networking (the network
// is closed, and Chromium's own connections would otherwise fail at every
// start), an empty profile, and no sandbox when running as root.
package browsertest

import (
	"context"
	"os"
	"os/exec"
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
	path := Path()
	if path == "" {
		Missing(t, "no Chromium found; install Debian's chromium or set CHROME_PATH")
	}
	opts := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
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
	}, extra...)
	if os.Getuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelA)
	bctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(cancelB)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	return bctx
}
