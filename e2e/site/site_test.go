// Package site_test loads the built simulator in real headless Chromium and
// checks that the engine, compiled to WebAssembly, answers on the page.
package site_test

import (
	"context"
	"net/http/httptest"
	"os"
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

// built builds the simulator once per test binary (or takes the build
// scripts/test made).
var built = sync.OnceValues(func() (string, error) {
	wd, _ := os.Getwd()
	return build.ForTest(context.Background(), wd)
})

func TestEngineAnswersOnThePage(t *testing.T) {
	dir, err := built()
	if err != nil {
		t.Fatal("building the simulator:", err)
	}
	srv := httptest.NewServer(site.Handler(dir))
	defer srv.Close()

	bctx := browsertest.Start(t)
	ctx, cancel := chromedp.NewContext(bctx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 30*time.Second)
	defer cancelT()

	var mu sync.Mutex
	var problems []string
	if err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			mu.Lock()
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text)
			mu.Unlock()
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				mu.Lock()
				problems = append(problems, "console.error")
				mu.Unlock()
			}
		}
	}); err != nil {
		t.Fatal(err)
	}

	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		// The page loads the full engine, in a worker, when an input
		// needs it (the first scenario's fixes come with the page):
		// wait until any such load ends too (whycorsBusy), not only for
		// the core's "ready".
		chromedp.Poll[chromedp.Void](`!(globalThis.whycorsBusy && whycorsBusy()) && ["ready", "error"].includes(document.getElementById("status").dataset.state)`,
			chromedp.WithPollingInterval(5*time.Millisecond)),
	)
	if err != nil {
		t.Fatal("the page did not finish loading the engine:", err)
	}
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("status").dataset.state`))
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("status").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if state != "ready" || !strings.HasPrefix(text, "Engine ready: whycors ") {
		t.Fatalf("status = %q (state %q), want the engine's version", text, state)
	}
	// The API answers a call through the resident Go instance.
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`whycors.explain("{")`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"error"`) {
		t.Errorf("explain on malformed JSON = %s, want an error object", out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("the page reported errors on load: %v", problems)
	}
}
