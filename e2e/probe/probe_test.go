// Package probe_test checks `whycors probe` against servers no one here
// wrote (Debian's nginx, github.com/rs/cors) and against servers that
// misbehave (hang, reset, redirect the preflight, present a certificate no
// one trusts). For each exchange it runs the probe and real headless
// Chromium against the same server with the same request, and requires the
// same verdict and the same console lines.
//
// Definitions, as in e2e/chromium: allowed is "the fetch() promise
// resolved"; console is the text of every DevTools Log-domain entry that
// names the exchange's URL, in order; reason is the corsError of the
// request's Network.loadingFailed (the preflight's entry as fallback).
//
//	go test ./e2e/probe                  # needs chromium and nginx
//	go test ./e2e/probe -run TestCLI     # the CLI's exit codes and texts
package probe_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/internal/browsertest"
	"github.com/whycors/whycors/internal/probe"
)

// ports of the servers every test shares, by host name.
type world struct {
	page, nginx, rscors, reset, redirect, hang, tls int
}

func (w world) rules() string {
	m := func(host string, port int) string { return "MAP " + host + " 127.0.0.1:" + strconv.Itoa(port) }
	return strings.Join([]string{m("app.test", w.page), m("evil.test", w.page), m("nginx.test", w.nginx), m("rscors.test", w.rscors),
		m("reset.test", w.reset), m("redirect.test", w.redirect), m("hang.test", w.hang)}, ", ")
}

// resolve is the same mapping for the probe (--resolve).
func (w world) resolve() map[string]string {
	r := map[string]string{}
	for host, port := range map[string]int{"nginx.test": w.nginx, "rscors.test": w.rscors, "reset.test": w.reset, "redirect.test": w.redirect, "hang.test": w.hang} {
		r[host+":80"] = "127.0.0.1:" + strconv.Itoa(port)
	}
	return r
}

// exchange is one fetch() made by both the browser and the probe.
type exchange struct {
	desc        string
	url         string // {id} is replaced by a path unique to the exchange
	origin      string
	method      string
	headers     [][2]string
	credentials string
	body        *string
	// want is the expected outcome, from how the server is configured
	// (its source is the server's own documentation, cited at the
	// configuration), so that a probe and a browser that agree on
	// something wrong still fail.
	want string
}

func str(s string) *string { return &s }

// collector files console lines and loadingFailed events by the exchange
// id in their URL.
type collector struct {
	mu    sync.Mutex
	reqs  map[network.RequestID]string
	logs  map[string][]string
	cors  map[string]string
	pcors map[string]string
}

func idIn(s string) string {
	i := strings.Index(s, "/x-")
	if i < 0 {
		return ""
	}
	rest := s[i+1:]
	if j := strings.IndexAny(rest, "/'?"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func (c *collector) event(ev any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		if e.Request != nil {
			if id := idIn(e.Request.URL); id != "" {
				c.reqs[e.RequestID] = id
			}
		}
	case *network.EventLoadingFailed:
		id, ok := c.reqs[e.RequestID]
		if !ok || e.CorsErrorStatus == nil {
			return
		}
		if e.Type == network.ResourceTypePreflight {
			if c.pcors[id] == "" {
				c.pcors[id] = string(e.CorsErrorStatus.CorsError)
			}
		} else if c.cors[id] == "" {
			c.cors[id] = string(e.CorsErrorStatus.CorsError)
		}
	case *log.EventEntryAdded:
		if e.Entry == nil {
			return
		}
		id := idIn(e.Entry.URL)
		if id == "" {
			id = idIn(e.Entry.Text)
		}
		if id != "" {
			c.logs[id] = append(c.logs[id], e.Entry.Text)
		}
	}
}

// observed is what Chromium did.
type observed struct {
	Allowed   bool
	Exception string
	Status    int
	Console   []string
	Reason    string
}

const fetchJS = `(async (s) => {
  const out = {resolved: false, exception: "", status: 0};
  try {
    const init = {method: s.method, headers: s.headers, credentials: s.credentials};
    if (s.body !== null) init.body = s.body;
    const r = await fetch(s.url, init);
    out.resolved = true;
    out.status = r.status;
    try { await r.arrayBuffer(); } catch (e) {}
  } catch (e) {
    out.exception = String(e);
  }
  await new Promise(r => setTimeout(r, 60));
  return out;
})`

type browser struct {
	ctx    context.Context
	col    *collector
	mu     sync.Mutex
	origin string
}

func startBrowser(t *testing.T, w world) *browser {
	ctx := browsertest.Start(t,
		chromedp.Flag("host-resolver-rules", w.rules()),
		chromedp.Flag("disable-features", "Translate,HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,"+browsertest.IdleFeatures),
	)
	b := &browser{ctx: ctx, col: &collector{reqs: map[network.RequestID]string{}, logs: map[string][]string{}, cors: map[string]string{}, pcors: map[string]string{}}}
	if err := chromedp.Listen(ctx, b.col.event); err != nil {
		t.Fatal(err)
	}
	return b
}

// open loads the blank page on origin in the tab, when it is not there.
func (b *browser) open(t *testing.T, origin string) {
	if b.origin == origin {
		return
	}
	nctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(nctx, chromedp.Navigate(origin+"/")); err != nil {
		t.Fatalf("open the page on %s: %v", origin, err)
	}
	b.origin = origin
}

type pageResult struct {
	Resolved  bool   `json:"resolved"`
	Exception string `json:"exception"`
	Status    int    `json:"status"`
}

func (b *browser) fetch(t *testing.T, id string, x exchange, url string) observed {
	b.mu.Lock()
	defer b.mu.Unlock()
	hs := x.headers
	if hs == nil {
		hs = [][2]string{}
	}
	creds := x.credentials
	if creds == "" {
		creds = "same-origin"
	}
	method := x.method
	if method == "" {
		method = "GET"
	}
	spec, _ := json.Marshal(map[string]any{"url": url, "method": method, "headers": hs, "credentials": creds, "body": x.body})
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	b.open(t, x.origin)
	res, err := chromedp.Run(ctx, chromedp.Evaluate[pageResult](fetchJS+"("+string(spec)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch in Chromium: %v", err)
	}
	b.col.mu.Lock()
	defer b.col.mu.Unlock()
	ob := observed{Allowed: res.Resolved, Exception: res.Exception, Status: res.Status, Console: slices.Clone(b.col.logs[id]), Reason: b.col.cors[id]}
	if ob.Reason == "" {
		ob.Reason = b.col.pcors[id]
	}
	if ob.Console == nil {
		ob.Console = []string{}
	}
	return ob
}

// probeOutcome reduces a probe record to the fields Chromium shows.
func probeOutcome(rec *probe.Record) observed {
	if v := rec.Verdict; v != nil {
		return observed{Allowed: v.Allowed, Exception: v.Exception, Status: v.Status, Console: v.Console, Reason: v.Reason}
	}
	return observed{}
}

func runProbe(t *testing.T, w world, x exchange, url string) *probe.Record {
	t.Helper()
	var hs headers.List
	for _, h := range x.headers {
		hs = append(hs, headers.Field{Name: h[0], Value: h[1]})
	}
	method := x.method
	if method == "" {
		method = "GET"
	}
	rec, err := probe.Run(context.Background(), probe.Options{
		Origin: x.origin, URL: url, Method: method, Headers: hs, Credentials: x.credentials, Body: x.body,
		Send: true, Timeout: 5 * time.Second, ConnectTimeout: 2 * time.Second, Resolve: w.resolve(),
	})
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	return rec
}

var json1 = [][2]string{{"Content-Type", "application/json"}}

// exchanges are the comparisons. Expected outcomes come from each server's
// configuration and documentation: nginx's add_header (status list for
// headers without `always`), rs/cors v1.11.1's handlePreflight (a
// preflight whose origin, method or headers are not allowed gets no CORS
// headers) and the Fetch standard's CORS check.
var exchanges = []exchange{
	{desc: "nginx, correct config: simple GET", url: "http://nginx.test/good/{id}", origin: "http://app.test", want: probe.Allowed},
	{desc: "nginx, correct config: PUT JSON with credentials", url: "http://nginx.test/good/{id}", origin: "http://app.test", method: "PUT", headers: json1, credentials: "include", body: str("{}"), want: probe.Allowed},
	{desc: "nginx, correct config: GET with X-Api-Key", url: "http://nginx.test/good/{id}", origin: "http://app.test", headers: [][2]string{{"X-Api-Key", "k"}}, want: probe.Allowed},
	{desc: "nginx, correct config: header not in Allow-Headers", url: "http://nginx.test/good/{id}", origin: "http://app.test", method: "DELETE", headers: [][2]string{{"X-Other", "1"}}, want: probe.Blocked},
	{desc: "nginx, correct config: PATCH not in Allow-Methods", url: "http://nginx.test/good/{id}", origin: "http://app.test", method: "PATCH", want: probe.Blocked},
	{desc: "nginx, correct config: another origin", url: "http://nginx.test/good/{id}", origin: "http://evil.test", want: probe.Blocked},
	{desc: "nginx, add_header without always: 500 has no ACAO", url: "http://nginx.test/noalways/{id}", origin: "http://app.test", want: probe.Blocked},
	{desc: "nginx, add_header without always: preflight ok, PUT answered 500", url: "http://nginx.test/noalways/{id}", origin: "http://app.test", method: "PUT", headers: json1, body: str("{}"), want: probe.Blocked},
	{desc: "nginx, wrong origin configured: GET", url: "http://nginx.test/wrong/{id}", origin: "http://app.test", want: probe.Blocked},
	{desc: "nginx, wrong origin configured: preflight", url: "http://nginx.test/wrong/{id}", origin: "http://app.test", method: "PUT", headers: json1, body: str("{}"), want: probe.Blocked},
	{desc: "nginx, no CORS: GET", url: "http://nginx.test/plain/{id}", origin: "http://app.test", want: probe.Blocked},
	{desc: "nginx, no CORS: preflight answered 200 without headers", url: "http://nginx.test/plain/{id}", origin: "http://app.test", method: "PUT", headers: json1, body: str("{}"), want: probe.Blocked},
	{desc: "rs/cors: simple GET", url: "http://rscors.test/a/{id}", origin: "http://app.test", want: probe.Allowed},
	{desc: "rs/cors: PUT JSON with credentials", url: "http://rscors.test/a/{id}", origin: "http://app.test", method: "PUT", headers: json1, credentials: "include", body: str("{}"), want: probe.Allowed},
	{desc: "rs/cors: 404 from the application is still readable", url: "http://rscors.test/missing/{id}", origin: "http://app.test", want: probe.Allowed},
	{desc: "rs/cors: DELETE not allowed", url: "http://rscors.test/a/{id}", origin: "http://app.test", method: "DELETE", want: probe.Blocked},
	{desc: "rs/cors: header not allowed", url: "http://rscors.test/a/{id}", origin: "http://app.test", headers: [][2]string{{"X-Other", "1"}}, want: probe.Blocked},
	{desc: "rs/cors: another origin", url: "http://rscors.test/a/{id}", origin: "http://evil.test", want: probe.Blocked},
	{desc: "redirected preflight", url: "http://redirect.test/{id}", origin: "http://app.test", method: "PUT", headers: json1, body: str("{}"), want: probe.Blocked},
	{desc: "connection reset on the actual GET", url: "http://reset.test/{id}", origin: "http://app.test", want: probe.NetworkFailure},
	{desc: "connection reset on the preflight", url: "http://reset.test/{id}", origin: "http://app.test", method: "PUT", headers: json1, body: str("{}"), want: probe.NetworkFailure},
	{desc: "untrusted TLS certificate", url: "https://127.0.0.1:{tls}/{id}", origin: "http://app.test", want: probe.NetworkFailure},
}

func startWorld(t *testing.T) world {
	return world{page: startPage(t), nginx: startNginx(t), rscors: startRSCors(t), reset: startRaw(t, reset),
		redirect: startRaw(t, redirectPreflight), hang: startRaw(t, hang), tls: startBadTLS(t)}
}

// TestAgainstChromium runs every exchange through the probe and through
// Chromium, against the same live server.
func TestAgainstChromium(t *testing.T) {
	w := startWorld(t)
	b := startBrowser(t, w)
	for i, x := range exchanges {
		id := "x-" + strconv.Itoa(i)
		t.Run(strconv.Itoa(i)+"-"+strings.ReplaceAll(x.desc, " ", "_"), func(t *testing.T) {
			url := strings.NewReplacer("{id}", id, "{tls}", strconv.Itoa(w.tls)).Replace(x.url)
			rec := runProbe(t, w, x, url)
			if rec.Probe.Outcome != x.want {
				t.Errorf("%s: probe outcome %q, want %q (note: %s)", x.desc, rec.Probe.Outcome, x.want, rec.Probe.Note)
			}
			ob := b.fetch(t, id, x, url)
			got := probeOutcome(rec)
			t.Logf("chromium: allowed=%v reason=%q exception=%q console=%q", ob.Allowed, ob.Reason, ob.Exception, ob.Console)
			if ob.Allowed != got.Allowed {
				t.Errorf("%s: allowed: chromium %v, probe %v", x.desc, ob.Allowed, got.Allowed)
			}
			if ob.Allowed && ob.Status != got.Status {
				t.Errorf("%s: status: chromium %d, probe %d", x.desc, ob.Status, got.Status)
			}
			if ob.Exception != got.Exception {
				t.Errorf("%s: exception: chromium %q, probe %q", x.desc, ob.Exception, got.Exception)
			}
			if (ob.Reason != "" || ob.Allowed) && ob.Reason != got.Reason {
				t.Errorf("%s: reason: chromium %q, probe %q", x.desc, ob.Reason, got.Reason)
			}
			if !slices.Equal(ob.Console, got.Console) {
				t.Errorf("%s: console:\n  chromium %q\n  probe    %q", x.desc, ob.Console, got.Console)
			}
			if t.Failed() && testing.Verbose() {
				b, _ := json.Marshal(rec.Probe.Exchanges)
				t.Logf("exchanges: %s", b)
			}
		})
	}
}

// TestHang: a server that accepts and never answers. Chromium would wait
// (fetch() has no timeout of its own), so there is nothing to compare; the
// probe must stop at its timeout and say so, as a network failure.
func TestHang(t *testing.T) {
	w := world{hang: startRaw(t, hang)}
	for _, x := range []exchange{
		{desc: "GET to a hanging server", origin: "http://app.test"},
		{desc: "preflight to a hanging server", origin: "http://app.test", method: "PUT", headers: json1},
	} {
		start := time.Now()
		var hs headers.List
		for _, h := range x.headers {
			hs = append(hs, headers.Field{Name: h[0], Value: h[1]})
		}
		rec, err := probe.Run(context.Background(), probe.Options{Origin: x.origin, URL: "http://hang.test/x", Method: x.method, Headers: hs,
			Timeout: 1500 * time.Millisecond, Resolve: map[string]string{"hang.test:80": "127.0.0.1:" + strconv.Itoa(w.hang)}})
		took := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		ne := rec.Probe.NetworkError
		if rec.Probe.Outcome != probe.NetworkFailure || ne == nil || ne.Kind != "timeout" || ne.Preflight != (x.method == "PUT") {
			t.Errorf("%s: outcome %q error %+v, want a timeout", x.desc, rec.Probe.Outcome, ne)
		}
		if took > 3*time.Second {
			t.Errorf("%s: took %s with a 1.5 s timeout", x.desc, took)
		}
		for _, l := range rec.Verdict.Console {
			if strings.HasPrefix(l, "Failed to load resource") {
				t.Errorf("%s: console %q: Chromium logs nothing while it waits", x.desc, l)
			}
		}
	}
}
