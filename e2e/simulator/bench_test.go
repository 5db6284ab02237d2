package simulator_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestBenchSite measures the page's two time budgets in headless Chromium
// on localhost; scripts/bench-site.sh runs it (it is skipped otherwise:
// a shared 2-core machine makes timings too noisy to gate a test run).
//
//   - navigation to the first verdict on screen, median of 10 loads with
//     the HTTP cache disabled (so every load fetches and compiles the
//     wasm): the page marks "whycors-verdict" after drawing a verdict;
//   - one explain call in the page while typing, median over the calls
//     made for 40 typed characters (the page records each call's time in
//     globalThis.whycorsTimings).
func TestBenchSite(t *testing.T) {
	if os.Getenv("WHYCORS_BENCH_SITE") == "" {
		t.Skip("set WHYCORS_BENCH_SITE=1 (scripts/bench-site.sh) to measure")
	}
	p := startPage(t)
	if _, err := chromedp.Call(p.ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(p.ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		t.Fatal(err)
	}
	// The service worker would answer every load after the first from its
	// cache: the measure is of a first visit.
	if _, err := chromedp.Call(p.ctx, network.SetBypassServiceWorker, network.SetBypassServiceWorkerParams{Bypass: true}); err != nil {
		t.Fatal(err)
	}
	p.open("") // warm the browser process itself
	var loads, inst, ready, coldFix []float64
	for range 10 {
		p.open("")
		mark := func(name string) float64 {
			return eval[float64](p, `performance.getEntriesByName("`+name+`")[0].startTime`)
		}
		loads = append(loads, mark("whycors-verdict"))
		inst = append(inst, mark("whycors-instantiated"))
		ready = append(ready, mark("whycors-ready"))
		settled(p)
		coldFix = append(coldFix, mark("whycors-fix")-mark("whycors-verdict"))
	}

	fill(p, blocked)
	settled(p)
	p.do(chromedp.Evaluate[chromedp.Void](`whycorsTimings.length = 0`))
	for _, c := range "https://api.example/v2/orders/12345/items" {
		p.do(chromedp.SendKeys(chromedp.CSS("#url"), string(c)))
		settled(p)
	}
	var calls []float64
	if err := json.Unmarshal([]byte(eval[string](p, `JSON.stringify(whycorsTimings)`)), &calls); err != nil {
		t.Fatal(err)
	}
	if len(calls) == 0 {
		t.Fatal("the page recorded no explain calls while typing")
	}
	// The fix search, on the full engine, right after each verdict: its
	// time, and how long after the verdict the fix is on screen.
	var fixes, after []float64
	if err := json.Unmarshal([]byte(eval[string](p, `JSON.stringify(whycorsFixTimings)`)), &fixes); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(eval[string](p, `JSON.stringify((() => {
	  const v = performance.getEntriesByName("whycors-verdict").map(e => e.startTime);
	  return performance.getEntriesByName("whycors-fix").map(f => f.startTime - Math.max(...v.filter(x => x <= f.startTime)));
	})())`)), &after); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load average during the run: %s\n", strings.Join(strings.Fields(string(b))[:3], " "))
	}
	fmt.Printf("first verdict after navigation: median %.1f ms of %d loads (min %.1f, max %.1f)\n", median(loads), len(loads), slices.Min(loads), slices.Max(loads))
	fmt.Printf("  of which: wasm fetched and compiled at %.1f ms, Go main ready at %.1f ms (medians)\n", median(inst), median(ready))
	fmt.Printf("explain per call while typing: median %.3f ms of %d calls (max %.3f)\n", median(calls), len(calls), slices.Max(calls))
	fmt.Printf("fix on screen after the first verdict of a load (full engine fetched and started): median %.1f ms of %d\n", median(coldFix), len(coldFix))
	if len(fixes) > 0 {
		fmt.Printf("fixes per search (full engine): median %.1f ms of %d\n", median(fixes), len(fixes))
		fmt.Printf("fix on screen after its verdict while typing: median %.1f ms of %d (max %.1f)\n", median(after), len(after), slices.Max(after))
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
