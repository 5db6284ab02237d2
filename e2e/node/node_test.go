// Package node holds the differential tests of the Node CORS middleware
// formats (fastify-cors, koa-cors, hono-cors): a seeded generator writes
// many configurations, the real npm packages (package.json in this
// folder, pinned) serve them from one Node process per library on
// loopback (server.mjs), and every reply is compared with what the
// format's evaluator predicts: status, every Access-Control-* header,
// Vary, and COOP/COEP.
//
// Without node_modules here the tests skip, unless WHYCORS_REQUIRE_BROWSER
// is set: then they run `npm ci` in this folder first.
package node

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// recorded are the versions each format models (package.json pins them).
var recorded = map[string]string{
	"fastify": "5.12.8", "@fastify/cors": "11.4.3",
	"koa": "3.2.1", "@koa/cors": "5.0.0",
	"hono": "4.13.19", "@hono/node-server": "2.1.8",
}

// config is one generated configuration: the options object as
// JavaScript, the Hono mount pattern, and the application file the
// format reads.
type config struct {
	Options string  `json:"options"`
	Mount   string  `json:"mount"`
	More    []layer `json:"more,omitempty"`
	app     string
}

// layer is a further middleware mounted after the first.
type layer struct {
	Options string `json:"options"`
	Mount   string `json:"mount"`
}

// request is one generated request to one configuration.
type request struct {
	cfg    int
	method string
	path   string
	header headers.List
}

// evaluator is what each format's Config offers: Respond, and Throw for a
// handler that throws.
type evaluator interface {
	policy.Evaluator
	Throw(req policy.Request) policy.Outcome
}

var npmOnce sync.Once

// ensureModules skips the test when node or node_modules is missing,
// unless WHYCORS_REQUIRE_BROWSER is set: then it installs them (npm ci).
func ensureModules(t *testing.T) {
	t.Helper()
	require := os.Getenv("WHYCORS_REQUIRE_BROWSER") != ""
	if _, err := exec.LookPath("node"); err != nil {
		if require {
			t.Fatal("node is not installed and WHYCORS_REQUIRE_BROWSER is set")
		}
		t.Skip("node is not installed; set WHYCORS_REQUIRE_BROWSER to require it")
	}
	if _, err := os.Stat("node_modules"); err == nil {
		return
	}
	if !require {
		t.Skip("e2e/node/node_modules is missing: run `npm ci` in e2e/node, or set WHYCORS_REQUIRE_BROWSER to have the test do it")
	}
	var err error
	var out []byte
	npmOnce.Do(func() {
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		out, err = cmd.CombinedOutput()
	})
	if err != nil {
		t.Fatalf("npm ci in e2e/node: %v\n%s", err, out)
	}
}

// serve starts server.mjs for lib with cfgs and returns its base URL.
func serve(t *testing.T, lib string, cfgs []config) string {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "configs.json")
	b, _ := json.Marshal(cfgs)
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", "server.mjs", lib, file)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		if s.Scan() {
			line <- s.Text()
		}
		close(line)
	}()
	var first string
	select {
	case first = <-line:
	case <-time.After(20 * time.Second):
		t.Fatalf("server.mjs %s did not start in 20 s: %s", lib, stderr.String())
	}
	var info struct {
		Port     int               `json:"port"`
		Versions map[string]string `json:"versions"`
	}
	if err := json.Unmarshal([]byte(first), &info); err != nil || info.Port == 0 {
		t.Fatalf("server.mjs %s: %q %v: %s", lib, first, err, stderr.String())
	}
	names := make([]string, 0, len(info.Versions))
	for n := range info.Versions {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("%s %s", n, info.Versions[n])
		if want := recorded[n]; info.Versions[n] != want {
			t.Errorf("%s is %s here, but the format models %s: re-check the model, then the recorded version", n, info.Versions[n], want)
		}
	}
	return "http://" + net.JoinHostPort("127.0.0.1", fmt.Sprint(info.Port))
}

// app is the application's reply for a request the middleware passes on
// (server.mjs's handler).
var app = policy.Reply{Status: 200, Header: headers.List{{Name: "X-App", Value: "1"}, {Name: "Content-Type", Value: "text/plain; charset=utf-8"}}, Body: "ok"}

// appJSON is its reply for a path with /json: an object, serialized.
var appJSON = policy.Reply{Status: 200, Header: headers.List{{Name: "X-App", Value: "1"}, {Name: "Content-Type", Value: "application/json; charset=utf-8"}}, Body: `{"ok":true}`}

// compared are the reply fields compared besides every Access-Control-*.
var compared = []string{"vary", "cross-origin-opener-policy", "cross-origin-embedder-policy"}

func relevant(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "access-control-") || slices.Contains(compared, n)
}

// fields lists the relevant fields of h as "name: v1 | v2" lines, sorted.
func fields(h http.Header) []string {
	var out []string
	for n, vs := range h {
		if relevant(n) {
			out = append(out, strings.ToLower(n)+": "+strings.Join(vs, " | "))
		}
	}
	sort.Strings(out)
	return out
}

func predicted(l headers.List) []string {
	h := http.Header{}
	for _, f := range l {
		h.Add(f.Name, f.Value)
	}
	return fields(h)
}

// differential sends every request to the real library and compares its
// reply with parse(cfg.app)'s.
func differential(t *testing.T, lib string, cfgs []config, reqs []request, parse func(string) (evaluator, error)) {
	ensureModules(t)
	start := time.Now()
	base := serve(t, lib, cfgs)
	evs := make([]evaluator, len(cfgs))
	for i, c := range cfgs {
		ev, err := parse(c.app)
		if err != nil {
			t.Fatalf("config %d does not parse: %v\n%s", i, err, c.app)
		}
		evs[i] = ev
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	failed := 0
	statuses := map[int]int{}
	for _, r := range reqs {
		url := base + fmt.Sprintf("/c%d", r.cfg) + r.path
		hr, err := http.NewRequest(r.method, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range r.header {
			hr.Header[f.Name] = append(hr.Header[f.Name], f.Value)
		}
		resp, err := client.Do(hr)
		if err != nil {
			t.Fatalf("%s %s: %v", r.method, url, err)
		}
		resp.Body.Close()
		// what the server reads: field values without surrounding
		// whitespace (RFC 9110 §5.5)
		preq := policy.Request{Method: r.method, URL: "http://api.test" + r.path}
		for _, f := range r.header {
			preq.Header.Add(f.Name, strings.Trim(f.Value, " \t"))
		}
		var out policy.Outcome
		if strings.Contains(r.path, "/throw") {
			out = evs[r.cfg].Throw(preq)
		} else if strings.Contains(r.path, "/json") {
			out = evs[r.cfg].Respond(preq, appJSON)
		} else {
			out = evs[r.cfg].Respond(preq, app)
		}
		statuses[resp.StatusCode]++
		got, want := fields(resp.Header), predicted(out.Reply.Header)
		if resp.StatusCode != out.Reply.Status || !slices.Equal(got, want) {
			failed++
			if failed <= 8 {
				t.Errorf("config %d %s %s %v\n%s\nreal:      %d %q\npredicted: %d %q", r.cfg, r.method, r.path, r.header, cfgs[r.cfg].app, resp.StatusCode, got, out.Reply.Status, want)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d cases differ", failed, len(reqs))
	}
	t.Logf("%d configurations, %d cases in %v; replies by status %v", len(cfgs), len(reqs), time.Since(start).Round(time.Millisecond), statuses)
}

// gen draws the shared parts of requests.
type gen struct{ *rand.Rand }

func (g gen) pick(xs ...string) string { return xs[g.Intn(len(xs))] }

// opts writes an object literal from the options drawn: each key of
// choices is left out or given one of its values.
func (g gen) opts(choices [][2]string) string {
	var parts []string
	for _, c := range choices {
		vs := strings.Split(c[1], " ;; ")
		if v := vs[g.Intn(len(vs))]; v != "-" {
			parts = append(parts, c[0]+": "+v)
		}
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// requests draws n requests for configuration cfg.
func (g gen) requests(cfg, n int, paths []string) []request {
	var out []request
	for k := 0; k < n; k++ {
		r := request{cfg: cfg, method: g.pick("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "OPTIONS", "OPTIONS", "OPTIONS"), path: g.pick(paths...)}
		if o := g.pick("https://app.test", "https://sub.app.test", "https://evil.test", "https://app.test.evil.test", "http://app.test", "null", "https://APP.test", "", "-"); o != "-" {
			r.header.Add("Origin", o)
		}
		if r.method == "OPTIONS" || g.Intn(4) == 0 {
			if m := g.pick("PUT", "put", "Patch", "DELETE", "GET", "x-custom", "", "-", "PUT"); m != "-" {
				r.header.Add("Access-Control-Request-Method", m)
			}
			if h := g.pick("-", "-", "x-a", "X-A, content-type", "x-a,x-b", "x-a, X-A", " x-b ,x-a ", "authorization", ""); h != "-" {
				r.header.Add("Access-Control-Request-Headers", h)
			}
			if g.Intn(5) == 0 {
				r.header.Add("Access-Control-Request-Private-Network", "true")
			}
		}
		out = append(out, r)
	}
	return out
}
