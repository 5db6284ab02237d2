package simulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	jsontext "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/internal/browsertest"
	"github.com/whycors/whycors/internal/site"
)

// TestBenchFirstVerdictAB loads two builds of the simulator alternately in
// one headless Chromium and compares where their first verdicts' time
// goes: a change to the page is measured against the page without it in
// the same run, so the load of a shared machine falls on both alike.
// It is skipped unless WHYCORS_BENCH_AB names the two built folders:
//
//	WHYCORS_BENCH_AB=/tmp/a,/tmp/b [WHYCORS_BENCH_ROUNDS=6] [WHYCORS_BENCH_LOADS=4] \
//	  go test -count=1 -run '^TestBenchFirstVerdictAB$' -v ./e2e/simulator
//
// Each round loads each build WHYCORS_BENCH_LOADS times, one after the
// other, each once the page before is idle (A B A B …, the first of the pair swapped every other round, the
// server that serves each swapped every round), with the
// HTTP cache off and the service worker bypassed, as TestBenchSite does.
// Per load it reads the page's marks, the first paint and Chromium's
// Long Animation Frames (the frames that held the main thread 50 ms or
// more, with the scripts that ran in them), and prints medians per
// round and over the run, with the load average.
//
// With WHYCORS_BENCH_LINK=1 each load opens a link (benchLink) instead of
// the page's own first scenario: its first verdict is the engine's, so
// the figures are those of a shared link. With WHYCORS_BENCH_LINK=s3 the
// link is the S3 upload of the README (s3Link), whose first verdict
// needs the full engine.
func TestBenchFirstVerdictAB(t *testing.T) {
	dirs := strings.Split(os.Getenv("WHYCORS_BENCH_AB"), ",")
	if len(dirs) != 2 {
		t.Skip("set WHYCORS_BENCH_AB=dirA,dirB (two built simulators) to compare them")
	}
	rounds, loads := envInt("WHYCORS_BENCH_ROUNDS", 6), envInt("WHYCORS_BENCH_LOADS", 4)
	// WHYCORS_BENCH_GAP_MS more milliseconds between loads, for work a
	// page leaves to background threads past its idle (V8 tiering up a
	// wasm it compiled, say).
	gap := time.Duration(envInt("WHYCORS_BENCH_GAP_MS", 0)) * time.Millisecond
	fragment := benchFragment()
	// Two servers, and which build each serves swaps every round: the
	// second server's loads came out slower (its files asked for about
	// 10 ms later) with the same build on both.
	var swap atomic.Uint32
	var bases [2]string
	for i := range bases {
		h := [2]http.Handler{site.Handler(dirs[0]), site.Handler(dirs[1])}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h[uint32(i)^swap.Load()].ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		bases[i] = srv.URL + "/"
	}
	p := newTab(t, browsertest.Start(t), bases[0])
	firstVisits(t, p)
	for _, b := range bases { // warm the browser and both servers
		p.base = b
		p.open("")
	}
	swap.Store(1)
	for _, b := range bases {
		p.base = b
		p.open("")
	}
	// One load's figures, read after the verdict: the page's marks, the
	// first paint, and the long animation frames before the verdict.
	const read = `new Promise((done) => {
	  const m = (n) => { const e = performance.getEntriesByName(n)[0]; return e ? e.startTime : 0; };
	  const nav = performance.getEntriesByType("navigation")[0];
	  const fp = performance.getEntriesByType("paint").find((e) => e.name === "first-contentful-paint");
	  const out = {verdict: m("whycors-verdict"), fetch: m("whycors-fetch"), inst: m("whycors-instantiated"), ready: m("whycors-ready"),
	    explained: m("whycors-explained"), html: nav.responseEnd, dcl: nav.domContentLoadedEventStart, fcp: fp ? fp.startTime : 0, frames: [], res: {}};
	  for (const r of performance.getEntriesByType("resource")) if (r.startTime < out.verdict) out.res[r.name.replace(/^.*\//, "").replace(/\.[0-9a-f]{10}\./, ".")] = [r.startTime, r.requestStart, r.responseStart, r.responseEnd];
	  const take = (list) => { for (const f of list) if (f.startTime < out.verdict) out.frames.push({start: f.startTime, dur: f.duration,
	    render: f.renderStart, style: f.styleAndLayoutStart, scripts: f.scripts.map((s) => ({what: s.invoker, dur: s.duration, compile: s.executionStart - s.startTime, forced: s.forcedStyleAndLayoutDuration}))}); };
	  new PerformanceObserver((l, o) => { o.disconnect(); take(l.getEntries()); done(JSON.stringify(out)); }).observe({type: "long-animation-frame", buffered: true});
	  setTimeout(() => done(JSON.stringify(out)), 200);
	})`
	type script struct {
		What    string
		Dur     float64
		Compile float64
		Forced  float64
	}
	type frame struct {
		Start, Dur, Render, Style float64
		Scripts                   []script
	}
	type load struct {
		Verdict, Fetch, Inst, Ready, Explained, HTML, DCL, FCP float64
		Frames                                                 []frame
		Res                                                    map[string][4]float64
	}
	var all [2][]load
	var diffs []float64 // B's median less A's, per round
	for r := range rounds {
		var got [2][]load
		swap.Store(uint32(r % 2))
		for i := range 2 * loads {
			b := (i + r/2) % 2
			p.base = bases[uint32(b)^swap.Load()]
			p.open(fragment)
			var l load
			if err := json.Unmarshal([]byte(evalAwait[string](p, read)), &l); err != nil {
				t.Fatal(err)
			}
			got[b] = append(got[b], l)
			// The next load starts once this page is idle: a full engine
			// this page fetched after its verdict (a fix to search, say)
			// would otherwise still download and compile on the same
			// cores, and weigh on the next load, the other build's.
			settled(p)
			time.Sleep(gap)
		}
		a, b := median(pick(got[0], func(l load) float64 { return l.Verdict })), median(pick(got[1], func(l load) float64 { return l.Verdict }))
		diffs = append(diffs, b-a)
		fmt.Printf("round %d, load average %s: first verdict A %.1f ms, B %.1f ms (medians of %d)\n", r+1, loadavg(), a, b, loads)
		all[0], all[1] = append(all[0], got[0]...), append(all[1], got[1]...)
	}
	fmt.Printf("load average at the end: %s\n", loadavg())
	fmt.Printf("B less A, per round: median %+.1f ms (min %+.1f, max %+.1f; B faster in %d of %d rounds)\n", median(diffs), slices.Min(diffs), slices.Max(diffs),
		len(slices.DeleteFunc(slices.Clone(diffs), func(d float64) bool { return d >= 0 })), len(diffs))
	for b, ls := range all {
		med := func(f func(load) float64) float64 { return median(pick(ls, f)) }
		// The first long frame, the one that parses, styles, lays out
		// and paints the page, and the task that starts Go, explains and
		// draws (the frame that holds the verdict's mark).
		first := func(l load) float64 {
			if len(l.Frames) == 0 {
				return 0
			}
			return l.Frames[0].Start + l.Frames[0].Dur
		}
		vs := pick(ls, func(l load) float64 { return l.Verdict })
		forced := func(l load) float64 {
			n := 0.0
			for _, f := range l.Frames {
				for _, s := range f.Scripts {
					n += s.Forced
				}
			}
			return n
		}
		// The end of the long frame that holds the verdict's mark: the
		// verdict painted (the mark itself where that frame was short).
		painted := func(l load) float64 {
			for _, f := range l.Frames {
				if f.Start <= l.Verdict && l.Verdict <= f.Start+f.Dur {
					return f.Start + f.Dur
				}
			}
			return l.Verdict
		}
		fmt.Printf("%c %s: first verdict median %.1f ms of %d (min %.1f, max %.1f), its frame ends %.1f; html %.1f, first paint %.1f, first long frame ends %.1f, DOMContentLoaded %.1f, app.js %.1f, instantiated %.1f, Go ready %.1f, explained %.1f; long frames before the verdict: %.1f (median count), forced style and layout in their scripts %.1f ms\n",
			'A'+b, dirs[b], median(vs), len(vs), slices.Min(vs), slices.Max(vs), med(painted), med(func(l load) float64 { return l.HTML }), med(func(l load) float64 { return l.FCP }), med(first),
			med(func(l load) float64 { return l.DCL }), med(func(l load) float64 { return l.Fetch }), med(func(l load) float64 { return l.Inst }),
			med(func(l load) float64 { return l.Ready }), med(func(l load) float64 { return l.Explained }), med(func(l load) float64 { return float64(len(l.Frames)) }), med(forced))
		var names []string
		for n := range ls[0].Res {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			var q [4]float64
			for i := range q {
				q[i] = med(func(l load) float64 { return l.Res[n][i] })
			}
			fmt.Printf("  %-20s asked %6.1f, request %6.1f, first byte %6.1f, last byte %6.1f (medians)\n", n, q[0], q[1], q[2], q[3])
		}
		if os.Getenv("WHYCORS_BENCH_FRAMES") != "" {
			for _, l := range ls {
				b, _ := json.Marshal(l.Frames)
				fmt.Printf("  verdict %.1f fcp %.1f frames %s\n", l.Verdict, l.FCP, b)
			}
		}
	}
}

func pick[T any](xs []T, f func(T) float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

func evalAwait[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// benchLink is a link to the page's own first scenario
// (site/first-scenario.json) with a DELETE in place of its POST: raw
// replies, which the core engine reads, and a scenario the build drew no
// verdict for, so the first verdict on screen is the engine's.
var benchLink = linkOf(`{"browser":"chrome","request":{"origin":"https://app.example","url":"https://api.example/v1/orders","method":"DELETE",` +
	`"headers":[["Content-Type","application/json"]],"credentials":"same-origin","mode":"cors","body":""},` +
	`"policy":{"format":"raw","text":"HTTP/1.1 204 No Content\nAccess-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Methods: GET, POST, PUT\n` +
	`Access-Control-Allow-Headers: Content-Type\n\nHTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://app.example\n"}}`)

// benchFragment is the fragment each load opens, by WHYCORS_BENCH_LINK:
// none (the page's own first scenario), "s3" (s3Link, whose first
// verdict needs the full engine) or any other value (benchLink).
func benchFragment() string {
	switch os.Getenv("WHYCORS_BENCH_LINK") {
	case "":
		return ""
	case "s3":
		return s3Link()
	}
	return benchLink
}

// TestTraceFirstVerdict writes a Chromium performance trace (the JSON
// DevTools' Performance panel opens) of one load of a built simulator to
// the file WHYCORS_BENCH_TRACE names, after a warm load: where the main
// thread's time goes on the way to the first verdict.
//
//	WHYCORS_SITE_DIR=dist/site WHYCORS_BENCH_TRACE=/tmp/trace.json go test -count=1 -run '^TestTraceFirstVerdict$' ./e2e/simulator
func TestTraceFirstVerdict(t *testing.T) {
	out := os.Getenv("WHYCORS_BENCH_TRACE")
	if out == "" {
		t.Skip("set WHYCORS_BENCH_TRACE=file to trace a load")
	}
	p := startPageAlone(t)
	firstVisits(t, p)
	fragment := benchFragment()
	p.open(fragment)
	var mu sync.Mutex
	var events []jsontext.Value
	done := make(chan struct{})
	if err := chromedp.Listen(p.ctx, func(ev any) {
		switch ev := ev.(type) {
		case *tracing.EventDataCollected:
			mu.Lock()
			events = append(events, ev.Value...)
			mu.Unlock()
		case *tracing.EventTracingComplete:
			close(done)
		}
	}); err != nil {
		t.Fatal(err)
	}
	cats := strings.Split(os.Getenv("WHYCORS_BENCH_TRACE_CATS"), ",")
	if cats[0] == "" {
		cats = []string{"devtools.timeline", "v8.wasm", "blink.user_timing", "loading", "toplevel", "v8"}
	}
	if _, err := chromedp.Call(p.ctx, tracing.Start, tracing.StartParams{TraceConfig: &tracing.TraceConfig{IncludedCategories: cats}}); err != nil {
		t.Fatal(err)
	}
	p.open(fragment)
	if _, err := chromedp.Call(p.ctx, tracing.End, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	<-done
	mu.Lock()
	defer mu.Unlock()
	b, err := json.Marshal(map[string]any{"traceEvents": events})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("first verdict at %.1f ms; %d trace events in %s\n", eval[float64](p, `performance.getEntriesByName("whycors-verdict")[0].startTime`), len(events), out)
}
