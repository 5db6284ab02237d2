package worker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/internal/browsertest"
)

// Agreement with the edge (shared/design.md, quality bars): real Chromium
// fetches through the worker in workerd, and what the page sees must be
// what explain predicts for the same request under the same native policy:
// allowed or not, status, exposed headers, the reason DevTools names
// (Network.loadingFailed's corsErrorStatus.corsError) and every console
// line Chromium prints about the fetch (Log domain entries that name its
// URL, as e2e/chromium collects them).
//
// One worker serves chromeCases randomly generated rules, each on its own
// path (/c<i>/*), so each case is an independent policy; the page is on
// another origin (another port of 127.0.0.1). WHYCORS_SEED picks the
// random cases (default 1).

const chromeCases = 50

type chromeCase struct {
	rule        map[string]any
	method      string
	headers     [][2]string
	credentials string
}

// pageOrigin is filled in when the page server starts; the generator needs
// it for rules, so the page's port is reserved before the policy is made.
var chrome struct {
	page   *httptest.Server
	cases  []chromeCase
	policy string
	// platform: the random policies in other formats, one worker each.
	platform []platformPolicy
}

// platformPolicy is one random policy in a platform's own format, served
// by its own worker, and the fetches made through it.
type platformPolicy struct {
	worker, format, text string
	cases                []chromeCase
}

// platformWorkers and platformFetches: for each format family the worker
// enforces with a platform's evaluator (families_test.go: issue 19's
// fixed list, worker/platform_on.go, which formats added later join), 2
// random policies of 8 fetches each. Each policy is a worker of its own (a
// bucket's rules are not per path, unlike native's), a Go instance workerd
// starts with the others.
const platformWorkers, platformFetches = 2, 8

// genPlatformPolicies generates random policies in the platforms' own
// formats, naming the page's origin or not, and fetches from the page that
// the policy allows or not.
func genPlatformPolicies(seed uint64, page string) []platformPolicy {
	pick, subset := randomizer(seed, 0x53)
	g := &gen{pick: pick, subset: subset, page: page}
	var out []platformPolicy
	for _, f := range families {
		for w := range platformWorkers {
			text, format, methods := f.gen(g)
			p := platformPolicy{worker: f.prefix + strconv.Itoa(w), format: format, text: text}
			for i := range platformFetches {
				c := chromeCase{rule: map[string]any{"policy": p.worker}, method: []string{"GET", "POST", "PUT", "DELETE"}[pick(4)], credentials: []string{"omit", "same-origin", "include"}[pick(3)]}
				if pick(2) == 0 {
					c.headers = append(c.headers, [2]string{"X-Custom", "v" + strconv.Itoa(i)})
				}
				if pick(3) == 0 {
					c.headers = append(c.headers, [2]string{"Content-Type", "application/json"})
				}
				if pick(2) == 0 {
					// About half with a method the policy lists, without
					// headers.
					c.method, c.headers = methods[pick(len(methods))], nil
					if c.method == "HEAD" {
						c.method = "GET"
					}
				}
				p.cases = append(p.cases, c)
			}
			out = append(out, p)
		}
	}
	return out
}

// genS3 is an S3 bucket CORS configuration (the JSON shape of
// put-bucket-cors) of 1 to 3 rules, and the methods its rules list.
func genS3(pick func(int) int, subset func([]string) []string, page string) (string, []string) {
	var rules []map[string]any
	var methods []string
	for range 1 + pick(3) {
		r := map[string]any{}
		switch pick(5) {
		case 0, 3:
			r["AllowedOrigins"] = []string{page}
		case 1:
			r["AllowedOrigins"] = []string{"http://127.0.0.1:*"}
		case 2:
			r["AllowedOrigins"] = []string{"https://app.example.com"} // not the page
		case 4:
			r["AllowedOrigins"] = []string{"*"}
		}
		m := subset([]string{"GET", "PUT", "POST", "DELETE", "HEAD"})
		if len(m) == 0 {
			m = []string{"GET"}
		}
		r["AllowedMethods"] = m
		methods = append(methods, m...)
		switch pick(3) {
		case 0:
			r["AllowedHeaders"] = []string{"*"}
		case 1:
			if h := subset([]string{"x-custom", "content-type"}); len(h) > 0 {
				r["AllowedHeaders"] = h
			}
		}
		if pick(2) == 0 {
			r["ExposeHeaders"] = []string{"X-Request-Id"}
		}
		if pick(3) == 0 {
			r["MaxAgeSeconds"] = pick(600)
		}
		rules = append(rules, r)
	}
	b, _ := json.MarshalIndent(rules, "", "  ")
	return string(b), methods
}

// genExpress is an Express app.use(cors({...})) call (expressjs/cors's
// options), and the methods it lists.
func genExpress(pick func(int) int, subset func([]string) []string, page string) (string, []string) {
	var opts []string
	switch pick(5) {
	case 0:
		opts = append(opts, "origin: "+jsString(page))
	case 1:
		opts = append(opts, "origin: ['https://app.example.com', "+jsString(page)+"]")
	case 2:
		opts = append(opts, `origin: /^http:\/\/127\.0\.0\.1:\d+$/`)
	case 3:
		opts = append(opts, "origin: true")
	case 4:
		opts = append(opts, "origin: 'https://app.example.com'") // not the page
	}
	methods := subset([]string{"GET", "PUT", "POST", "DELETE"})
	if len(methods) == 0 {
		methods = []string{"GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"} // the package's default
	} else {
		opts = append(opts, "methods: "+jsList(methods))
	}
	if h := subset([]string{"X-Custom", "Content-Type"}); len(h) > 0 {
		opts = append(opts, "allowedHeaders: "+jsList(h))
	}
	if pick(2) == 0 {
		opts = append(opts, "exposedHeaders: ['X-Request-Id']")
	}
	if pick(2) == 0 {
		opts = append(opts, "credentials: true")
	}
	if pick(3) == 0 {
		opts = append(opts, "maxAge: "+strconv.Itoa(pick(600)))
	}
	return "app.use(cors({" + strings.Join(opts, ", ") + "}))", methods
}

// genNginx is an nginx server block answering preflights with return 204
// and adding CORS headers to the upstream's replies, and the methods it
// lists.
func genNginx(pick func(int) int, subset func([]string) []string, page string) (string, []string) {
	var b strings.Builder
	b.WriteString("map $http_origin $cors_origin {\n    default \"\";\n")
	switch pick(3) {
	case 0:
		fmt.Fprintf(&b, "    %q $http_origin;\n", page)
	case 1:
		b.WriteString("    \"~^http://127\\.0\\.0\\.1:[0-9]+$\" $http_origin;\n")
	case 2:
		b.WriteString("    https://app.example.com $http_origin;\n") // not the page
	}
	b.WriteString("}\nserver {\n    location / {\n        if ($request_method = OPTIONS) {\n")
	b.WriteString("            add_header Access-Control-Allow-Origin $cors_origin always;\n")
	methods := subset([]string{"GET", "PUT", "POST", "DELETE"})
	if len(methods) == 0 {
		methods = []string{"GET"}
	}
	fmt.Fprintf(&b, "            add_header Access-Control-Allow-Methods %q always;\n", strings.Join(methods, ", "))
	if h := subset([]string{"X-Custom", "Content-Type"}); len(h) > 0 {
		fmt.Fprintf(&b, "            add_header Access-Control-Allow-Headers %q always;\n", strings.Join(h, ", "))
	}
	creds := pick(2) == 0
	if creds {
		b.WriteString("            add_header Access-Control-Allow-Credentials true always;\n")
	}
	if pick(3) == 0 {
		fmt.Fprintf(&b, "            add_header Access-Control-Max-Age %d always;\n", pick(600))
	}
	b.WriteString("            return 204;\n        }\n")
	always := []string{"", " always"}[pick(2)]
	fmt.Fprintf(&b, "        add_header Access-Control-Allow-Origin $cors_origin%s;\n", always)
	if pick(2) == 0 {
		fmt.Fprintf(&b, "        add_header Access-Control-Expose-Headers X-Request-Id%s;\n", always)
	}
	if creds {
		fmt.Fprintf(&b, "        add_header Access-Control-Allow-Credentials true%s;\n", always)
	}
	b.WriteString("        add_header Vary Origin;\n        proxy_pass http://app;\n    }\n}\n")
	return b.String(), methods
}

func jsString(s string) string { return "'" + s + "'" }

func jsList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = jsString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// randomizer returns a seeded choice of one of n, and of a random subset
// of a list (each item kept with probability 1/2, in order).
func randomizer(seed, stream uint64) (pick func(n int) int, subset func(all []string) []string) {
	rng := rand.New(rand.NewPCG(seed, stream))
	pick = func(n int) int { return rng.IntN(n) }
	subset = func(all []string) []string {
		var out []string
		for _, s := range all {
			if rng.IntN(2) == 0 {
				out = append(out, s)
			}
		}
		return out
	}
	return pick, subset
}

func genChromeCases(seed uint64, page string) ([]chromeCase, string) {
	pick, subset := randomizer(seed, 0x5eed)
	var cases []chromeCase
	var rules []any
	for i := range chromeCases {
		r := map[string]any{"name": "c" + strconv.Itoa(i), "path": "/c" + strconv.Itoa(i) + "/*"}
		creds := pick(2) == 0
		switch pick(5) {
		case 0, 4:
			r["origins"] = []string{page}
		case 1:
			r["origins"] = []string{"http://127.0.0.1:*"}
		case 2:
			r["origins"] = []string{"https://app.example.com"} // not the page
		case 3:
			if creds {
				r["origins"] = []string{page, "http://localhost:*"}
			} else {
				r["origins"] = []string{"*"}
			}
		}
		if m := subset([]string{"PUT", "DELETE", "PATCH"}); len(m) > 0 {
			r["methods"] = m
		}
		if h := subset([]string{"X-Custom", "Content-Type"}); len(h) > 0 {
			r["request_headers"] = h
		}
		if pick(2) == 0 {
			r["exposed_headers"] = []string{"X-Request-Id"}
		}
		if creds {
			r["credentials"] = true
		}
		if pick(3) == 0 {
			r["max_age"] = pick(600)
		}
		rules = append(rules, r)

		c := chromeCase{rule: r, method: []string{"GET", "POST", "PUT", "DELETE", "PATCH"}[pick(5)], credentials: []string{"omit", "same-origin", "include"}[pick(3)]}
		if pick(2) == 0 {
			c.headers = append(c.headers, [2]string{"X-Custom", "v" + strconv.Itoa(i)})
		}
		if pick(3) == 0 {
			c.headers = append(c.headers, [2]string{"Content-Type", "application/json"})
		}
		if pick(2) == 0 {
			// Half the requests stay within what the rule lists, so that
			// about as many fetches pass as fail.
			c.method, c.headers = "GET", nil
			if m, ok := r["methods"].([]string); ok && pick(2) == 0 {
				c.method = m[pick(len(m))]
			}
			if h, ok := r["request_headers"].([]string); ok && pick(2) == 0 {
				c.headers = [][2]string{{h[0], "v"}}
				if h[0] == "Content-Type" {
					c.headers[0][1] = "application/json"
				}
			}
		}
		cases = append(cases, c)
	}
	b, _ := json.MarshalIndent(map[string]any{"rules": rules}, "", "  ")
	return cases, string(b)
}

func chromiumPath() string {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/lib/chromium/chromium", "/usr/bin/chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

type seen struct {
	OK       bool     `json:"ok"`
	Status   int      `json:"status"`
	Headers  []string `json:"headers"`
	Error    string   `json:"error"`
	Response string   `json:"body"`
}

// safelisted response header names are readable without exposure
// (https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name);
// which of them a reply carries depends on the transport (workerd may send
// chunked or a length), so only exposed names are compared.
var safelisted = []string{"cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"}

func exposedOnly(names []string) []string {
	out := []string{}
	for _, n := range names {
		n = strings.ToLower(n)
		if !slices.Contains(safelisted, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func TestChromiumThroughWorker(t *testing.T) {
	need(t)
	if testing.Short() {
		t.Skip("starts Chromium; skipped with -short")
	}
	bin := chromiumPath()
	if bin == "" {
		t.Skip("no Chromium (set CHROME_PATH)")
	}
	worker := env.urls["chrome"]
	page := chrome.page.URL

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.UserDataDir(t.TempDir()), chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("no-proxy-server", true),
		// chromedp's own list, and the window's WebUI popups.
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,"+browsertest.IdleFeatures))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	ctx, cancel := context.WithTimeout(bctx, 5*time.Minute)
	defer cancel()
	ev := &events{}
	// chromedp enables the Network and Log domains of every target.
	if err := chromedp.Listen(ctx, ev.add); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(page+"/")); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	// The upstream's reply (newUpstream's "/" handler). The worker
	// removes its own CORS headers before any policy sees it, so the
	// application behind the CORS layer, as explain's scenario describes
	// it, answers without them.
	upstreamReply := &explain.Reply{Status: 200, Header: headers.List{
		// Go's server dates every reply (readable where a policy
		// exposes "*").
		{Name: "Date", Value: "Thu, 03 Dec 2026 17:00:00 GMT"},
		{Name: "Vary", Value: "Accept-Encoding"},
		{Name: "X-Request-Id", Value: "rid-1"},
		{Name: "Content-Type", Value: "text/plain"},
	}}
	var items []chromeItem
	for i, c := range chrome.cases {
		rule, _ := json.Marshal(c.rule)
		items = append(items, chromeItem{url: fmt.Sprintf("%s/c%d/item?n=%d", worker, i, time.Now().UnixNano()), c: c, format: "native", text: chrome.policy,
			label: fmt.Sprintf("native case %d, rule %s", i, rule)})
	}
	for _, p := range chrome.platform {
		for i, c := range p.cases {
			items = append(items, chromeItem{url: fmt.Sprintf("%s/obj/%d?n=%d", env.urls[p.worker], i, time.Now().UnixNano()), c: c, format: p.format, text: p.text,
				label: fmt.Sprintf("%s case %d, policy %s", p.worker, i, p.text)})
		}
	}
	reg := policy.NewRegistry(all.Edge()...)
	total := map[string][3]int{} // format: agree, allowed, cases
	named, blockedAll := 0, 0
	for _, it := range items {
		c := it.c
		hdrs := map[string]string{}
		for _, kv := range c.headers {
			hdrs[kv[0]] = kv[1]
		}
		init := map[string]any{"method": c.method, "headers": hdrs, "credentials": c.credentials, "mode": "cors", "cache": "no-store"}
		ij, _ := json.Marshal(init)
		// The console entries about a finished load arrive after the
		// promise settles; wait a little for them (as e2e/chromium does).
		js := fmt.Sprintf(`fetch(%q, %s).then(async r => ({ok: true, status: r.status, headers: [...r.headers.keys()], body: await r.text()}), e => ({ok: false, status: 0, headers: [], error: String(e)})).then(async o => { await new Promise(r => setTimeout(r, 60)); return o; })`, it.url, ij)
		got, err := chromedp.Run(ctx, chromedp.Evaluate[seen](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", it.label, err)
		}

		sc := explain.Scenario{
			Browser: "chrome",
			Request: explain.Request{Origin: page, URL: it.url, Init: fetch.Init{Method: c.method, Credentials: c.credentials, Mode: "cors"}},
			Policy:  &explain.Policy{Format: it.format, Text: it.text},
			// The upstream answers OPTIONS as it answers GET (the "/"
			// handler): what a platform that hands preflights to the
			// application (CloudFront, Apache without its RewriteRule)
			// relays.
			Preflight: upstreamReply,
			Response:  upstreamReply,
		}
		for _, kv := range c.headers {
			sc.Request.Headers.Add(kv[0], kv[1])
		}
		v, err := explain.Explain(sc, explain.Options{Formats: reg})
		if err != nil {
			t.Fatalf("%s: explain: %v", it.label, err)
		}
		var diffs []string
		if got.OK != v.Allowed {
			diffs = append(diffs, fmt.Sprintf("allowed: chromium %v (%s), explain %v (%s)", got.OK, got.Error, v.Allowed, v.Reason))
		}
		if got.Status != v.Status {
			diffs = append(diffs, fmt.Sprintf("status: chromium %d, explain %d", got.Status, v.Status))
		}
		if a, b := exposedOnly(got.Headers), exposedOnly(v.ReadableHeaders); !slices.Equal(a, b) {
			diffs = append(diffs, fmt.Sprintf("readable headers beyond the safelist: chromium %v, explain %v", a, b))
		}
		reason, console := ev.about(it.url)
		if len(console) > 0 && reason != "" {
			named++
		}
		// A reason only when CDP names one (e2e/chromium: the same rule).
		if (reason != "" || got.OK) && reason != v.Reason {
			diffs = append(diffs, fmt.Sprintf("reason: chromium %q, explain %q", reason, v.Reason))
		}
		if want := nonNilStrings(v.Console); !slices.Equal(maskRefusedHeader(console, c.headers), maskRefusedHeader(want, c.headers)) {
			diffs = append(diffs, fmt.Sprintf("console:\n    chromium %q\n    explain  %q", console, want))
		}
		n := total[it.format]
		n[2]++
		if got.OK {
			n[1]++
		} else {
			blockedAll++
		}
		if len(diffs) > 0 {
			total[it.format] = n
			t.Errorf("%s: %s %v credentials=%s\n  %s", it.label, c.method, c.headers, c.credentials, strings.Join(diffs, "\n  "))
			continue
		}
		n[0]++
		total[it.format] = n
	}
	var platform [3]int
	for f, n := range total {
		t.Logf("chromium through the worker, %s policies: %d/%d cases agree with explain (seed %d; %d allowed, %d blocked in Chromium)", f, n[0], n[2], chromeSeed(), n[1], n[2]-n[1])
		if f != "native" {
			platform[1] += n[1]
			platform[2] += n[2]
		}
	}
	// A run where every case goes the same way would not test much (one
	// family's 16 cases may, by chance; the families together may not).
	for f, n := range map[string][3]int{"native": total["native"], "platform": platform} {
		if n[1] == 0 || n[1] == n[2] {
			t.Errorf("%s: all %d cases had the same outcome; the generator should mix allowed and blocked", f, n[2])
		}
	}
	// The comparison of reasons and console lines must have had something
	// to compare: every blocked fetch gets both in Chromium.
	if named < blockedAll {
		t.Errorf("only %d of %d blocked fetches had a DevTools reason and console lines; the event collection is broken", named, blockedAll)
	}
}

// chromeItem is one fetch from the page through a worker, and the policy
// file explain predicts it with.
type chromeItem struct {
	url          string
	c            chromeCase
	format, text string
	label        string
}

// events collects the DevTools events the comparison reads.
type events struct {
	mu    sync.Mutex
	urls  map[network.RequestID]string
	types map[network.RequestID]network.ResourceType
	fails []failure
	logs  []*cdplog.Entry
}

type failure struct {
	url, corsError string
	preflight      bool
}

func (e *events) add(ev any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.urls == nil {
		e.urls, e.types = map[network.RequestID]string{}, map[network.RequestID]network.ResourceType{}
	}
	switch x := ev.(type) {
	case *network.EventRequestWillBeSent:
		if x.Request != nil {
			e.urls[x.RequestID], e.types[x.RequestID] = x.Request.URL, x.Type
		}
	case *network.EventLoadingFailed:
		f := failure{url: e.urls[x.RequestID], preflight: x.Type == network.ResourceTypePreflight || e.types[x.RequestID] == network.ResourceTypePreflight}
		if x.CorsErrorStatus != nil {
			f.corsError = string(x.CorsErrorStatus.CorsError)
		}
		e.fails = append(e.fails, f)
	case *cdplog.EventEntryAdded:
		if x.Entry != nil {
			e.logs = append(e.logs, x.Entry)
		}
	}
}

// about returns the CORS error DevTools names for the fetch of url (the
// request's own loadingFailed, else its preflight's) and the text of every
// console entry whose URL or text holds url, in arrival order.
func (e *events) about(url string) (string, []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	reason, pf := "", ""
	for _, f := range e.fails {
		if f.url != url || f.corsError == "" {
			continue
		}
		if f.preflight {
			if pf == "" {
				pf = f.corsError
			}
		} else if reason == "" {
			reason = f.corsError
		}
	}
	if reason == "" {
		reason = pf
	}
	console := []string{}
	for _, l := range e.logs {
		if l.URL == url || strings.Contains(l.Text, url) {
			console = append(console, l.Text)
		}
	}
	return reason, console
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func chromeSeed() uint64 {
	if s, err := strconv.ParseUint(os.Getenv("WHYCORS_SEED"), 10, 64); err == nil {
		return s
	}
	return 1
}

// startChromePage starts the page's origin and generates the policy that
// names it; called from run() before workerd starts.
func startChromePage() {
	chrome.page = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>whycors page</title>"))
	}))
	chrome.cases, chrome.policy = genChromeCases(chromeSeed(), chrome.page.URL)
	chrome.platform = genPlatformPolicies(chromeSeed(), chrome.page.URL)
}

// refusedHeader is the console message naming a request header the
// preflight's Access-Control-Allow-Headers does not allow.
var refusedHeader = regexp.MustCompile(`Request header field ([A-Za-z0-9-]+) is not allowed`)

// maskRefusedHeader hides which header such a message names when the
// fetch sent more than one header that needs a preflight: Chromium names
// the first its request header map yields (Blink's HTTPHeaderMap, a hash
// map: neither the order the page set them nor alphabetical; seed 1 has
// x-custom named before content-type), which the browser model cannot
// know. The name must still be one the fetch sent.
func maskRefusedHeader(lines []string, sent [][2]string) []string {
	if len(sent) < 2 {
		return lines
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = refusedHeader.ReplaceAllStringFunc(l, func(m string) string {
			name := refusedHeader.FindStringSubmatch(m)[1]
			for _, kv := range sent {
				if strings.EqualFold(kv[0], name) {
					return "Request header field (one the fetch sent) is not allowed"
				}
			}
			return m
		})
	}
	return out
}
