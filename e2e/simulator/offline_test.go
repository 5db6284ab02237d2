package simulator_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// servePage serves the built simulator through wrap (nil: as is) and
// opens a tab on it in the package's Chromium (servedIn).
func servePage(t *testing.T, wrap func(http.Handler) http.Handler) (*page, *httptest.Server) {
	t.Helper()
	return servedIn(t, chromium.Context(t), wrap)
}

// paste replaces the text of the field id by text in one input event, as
// a paste does (Input.insertText).
func paste(p *page, id, text string) {
	p.t.Helper()
	p.do(chromedp.Focus(chromedp.CSS("#"+id)), chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)), chromedp.KeyEvent(kb.Backspace), insertText(text))
}

func waitFor(p *page, expr string, d time.Duration) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, d)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(10*time.Millisecond))); err != nil {
		p.t.Fatalf("waiting for %s: %v", expr, err)
	}
}

// TestOffline opens the page on an S3 upload, stops the server and
// reloads: the service worker answers the page and both engines from its
// cache, so a verdict for an S3 policy (full engine) and its fix come
// without a network.
func TestOffline(t *testing.T) {
	t.Parallel() // each test has its own browser context
	p, srv := servePage(t, nil)
	// An S3 policy needs the full engine: the page fetches it, and
	// keeps it. (The page's own first scenario does not: the build wrote
	// its fixes.)
	p.open(s3Link())
	settled(p)
	waitFor(p, `globalThis.whycorsOffline !== "pending" && globalThis.whycorsOfflineFull !== "pending"`, 60*time.Second)
	if got := eval[string](p, `globalThis.whycorsOffline + " " + globalThis.whycorsOfflineFull`); got != "ready ready" {
		t.Fatalf("the page did not make itself available offline: %s", got)
	}
	srv.Close()
	p.open(s3Link())
	settled(p)
	if st := eval[string](p, `document.getElementById("summary").dataset.state`); st != "blocked" {
		t.Fatalf("offline, the S3 upload shows state %q (%s), want blocked", st, eval[string](p, `document.getElementById("verdict-summary").textContent`))
	}
	if n := eval[int](p, `document.querySelectorAll("#fixes .fix").length`); n == 0 {
		t.Error("offline, no fix from the cached full engine")
	}
}

// TestFullEngineOnDemand opens an allowed fetch with raw replies: the
// page makes itself available offline without fetching the full engine
// (2 MB that a phone need not spend). A policy then needs it: it is
// fetched once and kept for offline use.
func TestFullEngineOnDemand(t *testing.T) {
	t.Parallel() // each test has its own browser context
	var fetched atomic.Int32
	p, _ := servePage(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/whycors-full.") {
				fetched.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	})
	p.open(linkOf(`{"browser": "chrome", "request": {"origin": "https://app.example", "url": "https://api.example/items", "method": "GET"},
	  "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}}`))
	settled(p)
	waitFor(p, `globalThis.whycorsOffline !== "pending"`, 60*time.Second)
	if got := eval[string](p, `document.getElementById("summary").dataset.state + " " + globalThis.whycorsOffline`); got != "allowed ready" {
		t.Fatalf("state and offline cache: %s, want allowed ready", got)
	}
	if n := fetched.Load(); n != 0 || eval[bool](p, `whycorsFullLoaded()`) {
		t.Errorf("an allowed fetch with raw replies fetched the full engine (%d requests)", n)
	}
	p.open(s3Link())
	settled(p)
	waitFor(p, `globalThis.whycorsOfflineFull !== "pending"`, 60*time.Second)
	if got := eval[string](p, `globalThis.whycorsOfflineFull`); got != "ready" || fetched.Load() == 0 {
		t.Errorf("after an S3 policy: full engine fetched %d times, offline cache %q", fetched.Load(), got)
	}
}

// TestFullEngineFailure serves everything but the full engine: pasting a
// policy states, in the headline, that the engine did not load, instead
// of leaving the verdict before on screen.
func TestFullEngineFailure(t *testing.T) {
	t.Parallel() // each test has its own browser context
	p, _ := servePage(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/whycors-full.") {
				http.Error(w, "gone", http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	p.open("")
	in := s3Upload
	in.url = ""
	fill(p, in)
	paste(p, "url", s3Upload.url)
	settled(p)
	if st := eval[string](p, `document.getElementById("summary").dataset.state`); st != "error" {
		t.Errorf("summary state %q, want error", st)
	}
	if h := eval[string](p, `document.getElementById("verdict-summary").textContent`); !strings.Contains(h, "did not load") {
		t.Errorf("headline %q does not say the engine did not load", h)
	}
	p.mu.Lock()
	p.problems = nil // the failed fetch is reported on the console, as it should be
	p.mu.Unlock()
}

// TestRequestsSameOrigin records every request the page makes while it
// opens, reads a policy (full engine), searches fixes and converts, and
// expects each to go to the page's own origin; the page is served with a
// Content-Security-Policy whose connect-src is 'self'.
func TestRequestsSameOrigin(t *testing.T) {
	t.Parallel() // each test has its own browser context
	p, srv := servePage(t, nil)
	var mu sync.Mutex
	var urls []string
	chromedp.Listen(p.ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			urls = append(urls, e.Request.URL)
			mu.Unlock()
		}
	})
	if _, err := chromedp.Call(p.ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	res, err := chromedp.Run(p.ctx, chromedp.NavigateResponse(srv.URL+"/"))
	if err != nil {
		t.Fatal(err)
	}
	csp, _ := res.Headers["Content-Security-Policy"].(string)
	if !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("the page's Content-Security-Policy is %q, want connect-src 'self'", csp)
	}
	p.open(s3Link())
	settled(p)
	waitFor(p, `globalThis.whycorsOffline !== "pending"`, 60*time.Second)
	p.do(chromedp.Click(chromedp.CSS("#convert-box summary")))
	settled(p)
	mu.Lock()
	defer mu.Unlock()
	if len(urls) < 5 {
		t.Fatalf("recorded %d requests, too few to be the page's: %v", len(urls), urls)
	}
	// The full engine runs in a worker (site/engine-worker.js): its
	// fetch of the wasm must be among the requests recorded, or the
	// worker's requests were not seen at all.
	if !slices.ContainsFunc(urls, func(u string) bool { return strings.Contains(u, "/whycors-full.") }) {
		t.Errorf("no request for the full engine among the %d recorded: the worker's requests were not seen", len(urls))
	}
	for _, u := range urls {
		if !strings.HasPrefix(u, srv.URL+"/") && u != "about:blank" {
			t.Errorf("the page requested %s, not on its origin %s", u, srv.URL)
		}
	}
	t.Logf("%d requests, all to %s", len(urls), srv.URL)
}

// slowWriter sends a body in pieces of 64 KiB, 40 ms apart, as a slow
// network would.
type slowWriter struct{ http.ResponseWriter }

func (w slowWriter) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		k := min(64<<10, len(b))
		m, err := w.ResponseWriter.Write(b[:k])
		n += m
		if err != nil {
			return n, err
		}
		if f, ok := w.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
		time.Sleep(40 * time.Millisecond)
		b = b[k:]
	}
	return n, nil
}

// TestFullEngineProgress serves the full engine slowly and opens an S3
// policy, which needs it: while it loads, the status line says how much
// of it has arrived, and then that it is ready.
func TestFullEngineProgress(t *testing.T) {
	t.Parallel() // each test has its own browser context
	p, _ := servePage(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/whycors-full.") {
				w = slowWriter{w}
			}
			h.ServeHTTP(w, r)
		})
	})
	// Not p.open, which waits for the verdict, and so for the full engine.
	p.do(chromedp.Navigate(p.base + s3Link()))
	waitFor(p, `/full engine.*: \d+\.\d MB…$/.test(document.getElementById("status").textContent)`, 30*time.Second)
	settled(p)
	if s := eval[string](p, `document.getElementById("status").textContent`); !strings.Contains(s, "full engine loaded") {
		t.Errorf("after the load the status says %q", s)
	}
}
