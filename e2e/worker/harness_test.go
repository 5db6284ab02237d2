package worker_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The harness builds the worker (scripts/worker-build.sh), starts a local
// upstream, writes a workerd config with one worker service per
// configuration under test, and runs workerd (npm package, pinned in
// package.json) with listening sockets this process opened, so no port can
// be taken between choosing and binding it.

var env struct {
	urls     map[string]string // worker name -> base URL
	upstream *upstream
	skip     string
	pid      int // workerd's, for its memory
}

// Workers under test: name -> bindings (policy file, other variables).
type workerConf struct {
	name   string
	policy string // written to <name>.policy and embedded as WHYCORS_POLICY; "" for none
	// file is the policy bundled as a file (the Text module policy.txt
	// that scripts/worker-wrangler-build.sh writes); "" for none.
	file string
	vars map[string]string
	// build is the worker build it runs: "" for the default one, "debug"
	// for the one with the explain endpoint (WORKER_TAGS=whycors_explain).
	build string
}

// builds are the worker builds under test: directory -> WORKER_TAGS.
var builds = map[string]string{"prod": "", "debug": "whycors_explain"}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

func workerdPath(root string) string {
	if p := os.Getenv("WORKERD"); p != "" {
		return p
	}
	return filepath.Join(root, "node_modules", "@cloudflare", "workerd-linux-64", "bin", "workerd")
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	root := repoRoot()
	wd := workerdPath(root)
	if _, err := os.Stat(wd); err != nil {
		env.skip = "workerd not installed (run npm ci at the repository root): " + err.Error()
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "whycors-worker-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	for sub, tags := range builds {
		build := exec.Command("sh", filepath.Join(root, "scripts", "worker-build.sh"), filepath.Join(dir, sub))
		build.Env = append(os.Environ(), "WORKER_TAGS="+tags)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build:", err)
			return 1
		}
	}

	env.upstream = newUpstream()
	srv := httptest.NewServer(env.upstream)
	defer srv.Close()

	// A port nothing listens on, for the unreachable upstream.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	down := "http://" + l.Addr().String()
	l.Close()

	startChromePage()
	defer chrome.page.Close()

	confs := []workerConf{
		{name: "chrome", policy: chrome.policy, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL}},
		{name: "main", policy: mainPolicy, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL, "WHYCORS_DEBUG": "true", "WHYCORS_UPSTREAM_TIMEOUT_MS": "500"}, build: "debug"},
		{name: "refuse", policy: mainPolicy, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL + "/base", "WHYCORS_DISALLOWED": "refuse"}},
		{name: "bad", policy: badPolicy, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL}},
		{name: "baddebug", policy: badPolicy, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL, "WHYCORS_DEBUG": "true"}},
		{name: "captured", policy: capturedPolicy, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL}},
		{name: "missing", vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL}},
		// Default upstream deadline (30 s), for bodies that take longer
		// than main's 500 ms to upload.
		{name: "patient", policy: mainPolicy, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL}},
		{name: "s3", policy: s3Policy, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL}},
		// The policy as a bundled file (the Text module policy.txt that
		// scripts/worker-wrangler-build.sh writes), and set twice.
		{name: "filed", file: s3Policy, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL}},
		{name: "twice", file: s3Policy, policy: mainPolicy, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL, "WHYCORS_DEBUG": "true"}},
		{name: "s3get", policy: s3GetPolicy, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL, "WHYCORS_POLICY_FORMAT": "s3-json"}},
		{name: "express", policy: expressPolicy, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL}},
		{name: "final", policy: finalPolicy, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL}},
		{name: "nginx", policy: nginxPolicy, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL, "WHYCORS_POLICY_FORMAT": "nginx"}},
		{name: "down", policy: mainPolicy, vars: map[string]string{"WHYCORS_UPSTREAM": down}},
		{name: "nginxdown", policy: nginxPolicy, vars: map[string]string{"WHYCORS_UPSTREAM": down}},
	}
	// One worker per random platform policy (a bucket's rules are not
	// per path, unlike native's): chromium_test.go.
	for _, p := range chrome.platform {
		confs = append(confs, workerConf{name: p.worker, policy: p.text, vars: map[string]string{"WHYCORS_UPSTREAM": srv.URL, "WHYCORS_POLICY_FORMAT": p.format}})
	}
	cmd, urls, err := startWorkerd(wd, dir, confs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "workerd:", err)
		return 1
	}
	env.urls = urls
	env.pid = cmd.Process.Pid
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	// The first request waits in the socket's backlog until workerd is up
	// (it starts every worker's Go instance as it loads them: on a loaded
	// 2-core machine that took over 20 s for 21 workers, 15 s idle, and
	// over 60 s beside the simulator's Chromium at a load average of 12,
	// where a 60 s wait for the first worker failed a rehearsal). One
	// deadline for them all: readiness, not speed, is what this waits for.
	deadline := time.Now().Add(3 * time.Minute)
	start := time.Now()
	for name, u := range urls {
		c := &http.Client{Timeout: time.Until(deadline)}
		res, err := c.Get(u + "/warmup")
		if err != nil {
			fmt.Fprintf(os.Stderr, "workerd not answering on %s after %v: %v\n", name, time.Since(start).Round(time.Second), err)
			return 1
		}
		res.Body.Close()
	}
	return m.Run()
}

// WriteConfig writes a workerd capnp config serving each worker conf on a
// socket named after it; the sockets are passed as file descriptors.
func WriteConfig(dir string, confs []workerConf) (string, error) {
	var b strings.Builder
	b.WriteString("using Workerd = import \"/workerd/workerd.capnp\";\n")
	b.WriteString("const config :Workerd.Config = (\n  services = [\n")
	for _, c := range confs {
		fmt.Fprintf(&b, "    (name = %q, worker = .w%s),\n", c.name, c.name)
	}
	// fetch() to a loopback upstream needs a network service that allows
	// local addresses as the worker's globalOutbound (build-chain.md A3).
	b.WriteString("    (name = \"net\", network = (allow = [\"public\", \"private\", \"local\"])),\n  ],\n  sockets = [\n")
	for _, c := range confs {
		fmt.Fprintf(&b, "    (name = %q, address = \"127.0.0.1:0\", http = (), service = %q),\n", c.name, c.name)
	}
	b.WriteString("  ],\n);\n")
	for _, c := range confs {
		fmt.Fprintf(&b, "const w%s :Workerd.Worker = (\n", c.name)
		sub := c.build
		if sub == "" {
			sub = "prod"
		}
		fmt.Fprintf(&b, "  modules = [\n    (name = \"worker.mjs\", esModule = embed \"%[1]s/worker.mjs\"),\n    (name = \"wasm_exec.js\", esModule = embed \"%[1]s/wasm_exec.js\"),\n    (name = \"app.wasm\", wasm = embed \"%[1]s/app.wasm\"),\n", sub)
		// The bundled policy file (a Text module): the conf's own, else
		// the build's empty one.
		pf := sub + "/policy.txt"
		if c.file != "" {
			pf = c.name + ".file"
			if err := os.WriteFile(filepath.Join(dir, pf), []byte(c.file), 0o644); err != nil {
				return "", err
			}
		}
		fmt.Fprintf(&b, "    (name = \"policy.txt\", text = embed %q),\n  ],\n", pf)
		b.WriteString("  compatibilityDate = \"2025-09-01\",\n  globalOutbound = \"net\",\n  bindings = [\n")
		if c.policy != "" {
			f := c.name + ".policy"
			if err := os.WriteFile(filepath.Join(dir, f), []byte(c.policy), 0o644); err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "    (name = \"WHYCORS_POLICY\", text = embed %q),\n", f)
		}
		for k, v := range c.vars {
			fmt.Fprintf(&b, "    (name = %q, text = %q),\n", k, v)
		}
		b.WriteString("  ],\n);\n")
	}
	p := filepath.Join(dir, "config.capnp")
	return p, os.WriteFile(p, []byte(b.String()), 0o644)
}

func startWorkerd(wd, dir string, confs []workerConf) (*exec.Cmd, map[string]string, error) {
	cfg, err := WriteConfig(dir, confs)
	if err != nil {
		return nil, nil, err
	}
	urls := map[string]string{}
	args := []string{"serve", cfg}
	var files []*os.File
	for i, c := range confs {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, nil, err
		}
		f, err := l.(*net.TCPListener).File()
		l.Close() // f is a dup that stays open
		if err != nil {
			return nil, nil, err
		}
		files = append(files, f)
		urls[c.name] = "http://" + l.Addr().String()
		args = append(args, "--socket-fd", c.name+"="+strconv.Itoa(3+i))
	}
	cmd := exec.Command(wd, args...)
	cmd.Dir = dir
	cmd.ExtraFiles = files
	// The worker's console.log lines (Go's println) arrive on workerd's
	// stdout or stderr; keep a copy for the tests that read them.
	cmd.Stdout = io.MultiWriter(os.Stderr, &workerdLog)
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	for _, f := range files {
		f.Close()
	}
	return cmd, urls, nil
}

// workerdLog holds what workerd printed.
var workerdLog lockedBuffer

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func need(t *testing.T) {
	t.Helper()
	if env.skip != "" {
		t.Skip(env.skip)
	}
}

// upstream is the application behind the worker. It counts requests per
// path so tests can tell whether the worker forwarded something.
type upstream struct {
	hits map[string]*atomic.Int64
	mux  *http.ServeMux
	// targets records every request target received, as sent on the
	// wire (RequestURI), for the path-escape test.
	mu      sync.Mutex
	targets []string
}

// received returns the targets received so far.
func (u *upstream) received() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.targets...)
}

func (u *upstream) count(path string) int64 {
	if c, ok := u.hits[path]; ok {
		return c.Load()
	}
	return 0
}

var countedPaths = []string{"/api/items", "/api/echo", "/public/x", "/other", "/base/api/items", "/.whycors/explain/api/items", "/base/.whycors/explain/api/items"}

func newUpstream() *upstream {
	u := &upstream{hits: map[string]*atomic.Int64{}, mux: http.NewServeMux()}
	for _, p := range countedPaths {
		u.hits[p] = new(atomic.Int64)
	}
	// Every reply carries the upstream's own, wider CORS headers and a
	// Vary, to check that the worker replaces the former and appends to
	// the latter.
	own := func(h http.Header) {
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
		h.Set("Access-Control-Expose-Headers", "X-Secret")
		h.Set("Vary", "Accept-Encoding")
		h.Set("X-Request-Id", "rid-1")
	}
	echo := func(w http.ResponseWriter, r *http.Request) {
		own(w.Header())
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "method=%s\npath=%s\nquery=%s\nhost=%s\n", r.Method, r.URL.Path, r.URL.RawQuery, r.Host)
		for _, k := range []string{"Origin", "X-Custom", "Cookie", "Content-Type", "Authorization"} {
			fmt.Fprintf(w, "h:%s=%s\n", k, strings.Join(r.Header.Values(k), "|"))
		}
		fmt.Fprintf(w, "body=%s\n", body)
		fmt.Fprintf(w, "length=%d\n", r.ContentLength) // -1: sent without Content-Length
	}
	u.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if c, ok := u.hits[r.URL.Path]; ok {
			c.Add(1)
		}
		echo(w, r)
	})
	u.mux.HandleFunc("/api/status", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.URL.Query().Get("code"))
		own(w.Header())
		w.WriteHeader(code)
		fmt.Fprintf(w, "status %d from upstream\n", code)
	})
	u.mux.HandleFunc("/api/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(3 * time.Second):
		case <-r.Context().Done():
		}
		w.Write([]byte("late\n"))
	})
	u.mux.HandleFunc("/api/delay", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		time.Sleep(time.Duration(ms) * time.Millisecond)
		own(w.Header())
		fmt.Fprintf(w, "id=%s origin=%s", r.URL.Query().Get("id"), r.Header.Get("Origin"))
	})
	u.mux.HandleFunc("/api/cookie", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "a=1; Expires=Sat, 21 Nov 2026 07:00:00 GMT; Path=/")
		w.Header().Add("Set-Cookie", "b=x%2Cy,z; Path=/api")
		w.Write([]byte("ok"))
	})
	// /api/gzip answers gzipText compressed, as an upstream that compresses
	// its replies does.
	u.mux.HandleFunc("/api/gzip", func(w http.ResponseWriter, r *http.Request) {
		own(w.Header())
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, gzipText)
		zw.Close()
	})
	// /api/upload answers the length and SHA-256 of what it received.
	u.mux.HandleFunc("/api/upload", func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		fmt.Fprintf(w, "%d %s", n, hex.EncodeToString(h.Sum(nil)))
	})
	// /api/big?n=N streams N deterministic bytes (bigBytes).
	u.mux.HandleFunc("/api/big", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		own(w.Header())
		w.Header().Set("Content-Type", "application/octet-stream")
		io.Copy(w, io.LimitReader(newBigReader(), int64(n)))
	})
	// The same under /public/ (mainPolicy's rule for any origin), for
	// requests with an Origin too long for the exported call, which only
	// that rule allows (syumai_test.go).
	for _, p := range []string{"hang", "delay", "upload", "big"} {
		u.mux.HandleFunc("/public/"+p, func(w http.ResponseWriter, r *http.Request) {
			r.URL.Path = "/api/" + p
			u.mux.ServeHTTP(w, r)
		})
	}
	return u
}

var gzipText = strings.Repeat("whycors compresses well. ", 400)

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	u.targets = append(u.targets, r.RequestURI)
	u.mu.Unlock()
	u.mux.ServeHTTP(w, r)
}

// bigReader yields a fixed pseudo-random byte stream (PCG seeded 1, 2).
type bigReader struct{ r *rand.PCG }

func newBigReader() io.Reader { return &bigReader{rand.NewPCG(1, 2)} }

func (b *bigReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b.r.Uint64())
	}
	return len(p), nil
}

func sha(r io.Reader) (int64, string) {
	h := sha256.New()
	n, _ := io.Copy(h, r)
	return n, hex.EncodeToString(h.Sum(nil))
}

var client = &http.Client{
	Timeout: 30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

type reply struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, worker, method, path string, hdr [][2]string, body io.Reader) reply {
	t.Helper()
	req, err := http.NewRequest(method, env.urls[worker]+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range hdr {
		req.Header.Add(kv[0], kv[1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return reply{res.StatusCode, res.Header, string(bytes.ToValidUTF8(b, []byte("?")))}
}
