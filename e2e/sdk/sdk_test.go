// Package sdk_test records what the real SDKs send from a browser: each
// operation of src/ops.mjs, bundled with esbuild from the pinned npm
// packages of package.json at test time (bundles are never committed),
// runs in headless Chromium against a loopback server that answers as
// S3 or Azure Blob would and records every request. Once with every
// response header exposed, then once per response header left out of
// Access-Control-Expose-Headers: the operation's output changing says
// the SDK reads that header, its failing says the operation needs it.
//
// The recordings (testdata/recordings.json, with the package versions
// they were made with) are what the engine's SDK presets
// (engine/sdkpreset) are checked against: TestPresetsMatchRecordings
// fails when a preset drifts from its recording, TestRecordings when the
// SDKs' behaviour or versions move (go test ./e2e/sdk -run TestRecordings
// -update re-records).
package sdk_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
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

	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/internal/browsertest"
)

var update = flag.Bool("update", false, "re-record testdata/recordings.json")

// Recording is what one SDK operation does from a browser page.
type Recording struct {
	Name string `json:"name"`
	// Requests are the requests the browser sent, in order, preflights
	// included: the method, the path, the query's parameter names, and
	// the request headers the SDK sets (those the preflight names in
	// Access-Control-Request-Headers, and Content-Type), with the value
	// where it does not change run to run.
	Requests []Request `json:"requests"`
	// Reads are the response headers whose absence from
	// Access-Control-Expose-Headers changes what the operation returns;
	// Needs those whose absence makes it fail.
	Reads []string `json:"reads"`
	Needs []string `json:"needs"`
}

// Request is one request as the server received it.
type Request struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   []string          `json:"query,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
}

// Recordings is the file: the versions of the packages and the
// operations.
type Recordings struct {
	Packages   map[string]string `json:"packages"`
	Operations []Recording       `json:"operations"`
}

// stable are the request headers whose values are recorded: the others
// (signatures, dates, invocation IDs, user agents) change every run or
// with every version.
var stable = map[string]bool{
	"content-type": true, "x-amz-content-sha256": true, "x-amz-sdk-checksum-algorithm": true,
	"x-amz-checksum-mode": true, "x-ms-blob-type": true, "x-ms-version": true, "access-control-request-method": true,
	"access-control-request-headers": true,
}

// packages are the npm packages whose versions the recordings name.
var packages = []string{"@aws-sdk/client-s3", "@aws-sdk/lib-storage", "@aws-sdk/s3-request-presigner", "@aws-sdk/s3-presigned-post", "@azure/storage-blob", "esbuild"}

func TestRecordings(t *testing.T) {
	got := record(t)
	path := filepath.Join("testdata", "recordings.json")
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readRecordings(t)
	for _, p := range packages {
		if got.Packages[p] != want.Packages[p] {
			t.Fatalf("%s is %s here, the recordings were made with %s: re-record with go test ./e2e/sdk -run TestRecordings -update", p, got.Packages[p], want.Packages[p])
		}
	}
	for i, w := range want.Operations {
		if i >= len(got.Operations) {
			t.Fatalf("%s: not recorded", w.Name)
		}
		g, _ := json.MarshalIndent(got.Operations[i], "", "  ")
		ws, _ := json.MarshalIndent(w, "", "  ")
		if string(g) != string(ws) {
			t.Errorf("%s differs from its recording (go test ./e2e/sdk -run TestRecordings -update re-records):\ngot  %s\nwant %s", w.Name, g, ws)
		}
	}
}

func readRecordings(t *testing.T) Recordings {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "recordings.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r Recordings
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// record runs every operation in Chromium and returns what it did.
func record(t *testing.T) Recordings {
	t.Helper()
	if _, err := os.Stat("node_modules/.bin/esbuild"); err != nil {
		browsertest.Missing(t, "e2e/sdk/node_modules is not installed: run npm ci in e2e/sdk")
	}
	dir := t.TempDir()
	bundle := filepath.Join(dir, "ops.js")
	out, err := exec.Command("node_modules/.bin/esbuild", "src/ops.mjs", "--bundle", "--format=iife", "--platform=browser", "--log-level=warning", "--outfile="+bundle).CombinedOutput()
	if err != nil {
		t.Fatalf("esbuild: %v\n%s", err, out)
	}
	rec := Recordings{Packages: map[string]string{}}
	for _, p := range packages {
		b, err := os.ReadFile(filepath.Join("node_modules", p, "package.json"))
		if err != nil {
			t.Fatal(err)
		}
		var pj struct{ Version string }
		json.Unmarshal(b, &pj)
		rec.Packages[p] = pj.Version
	}
	api := newServer()
	apiURL := serve(t, api)
	page := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ops.js" {
			http.ServeFile(w, r, bundle)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><title>sdk</title><script src="/ops.js"></script>`)
	}))
	// The page on localhost, the API on 127.0.0.1: cross-origin, both
	// loopback (no Local Network Access prompt).
	page = strings.Replace(page, "127.0.0.1", "localhost", 1)
	ctx := browsertest.Start(t)
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Navigate(page+"/")); err != nil {
		t.Fatal(err)
	}
	names, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.whycorsOps`))
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		OK    bool   `json:"ok"`
		Out   string `json:"out"`
		Error string `json:"error"`
	}
	run := func(name, hide string) (result, []Request, map[string]bool) {
		api.reset(hide)
		r, err := chromedp.Run(ctx, chromedp.Evaluate[result](fmt.Sprintf(`window.whycorsRun(%q, %q)`, name, apiURL), chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		reqs, sent := api.take()
		return r, reqs, sent
	}
	for _, name := range names {
		base, reqs, sent := run(name, "")
		if !base.OK {
			t.Fatalf("%s fails with every header exposed: %s\n%+v", name, base.Error, reqs)
		}
		rc := Recording{Name: name, Requests: reqs, Reads: []string{}, Needs: []string{}}
		var hs []string
		for h := range sent {
			hs = append(hs, h)
		}
		sort.Strings(hs)
		for _, h := range hs {
			r, _, _ := run(name, h)
			switch {
			case !r.OK:
				rc.Needs = append(rc.Needs, h)
				rc.Reads = append(rc.Reads, h)
			case r.Out != base.Out:
				rc.Reads = append(rc.Reads, h)
			}
		}
		rec.Operations = append(rec.Operations, rc)
	}
	return rec
}

func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// server answers as S3 (path-style) and Azure Blob do for the
// operations of src/ops.mjs, allows every CORS request, exposes every
// response header but the one hidden, and records what it receives.
type server struct {
	mu   sync.Mutex
	hide string
	reqs []Request
	sent map[string]bool // the response headers it sent, lower case
}

func newServer() *server { return &server{sent: map[string]bool{}} }

func (s *server) reset(hide string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hide, s.reqs, s.sent = hide, nil, map[string]bool{}
}

func (s *server) take() ([]Request, map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs, s.sent
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, recordRequest(r))
	// Read the whole body first: a reply before it is read closes the
	// connection under a large upload, which the browser reports as a
	// network error.
	io.Copy(io.Discard, r.Body)
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", r.Header.Get("Access-Control-Request-Method"))
		if acrh := r.Header.Get("Access-Control-Request-Headers"); acrh != "" {
			h.Set("Access-Control-Allow-Headers", acrh)
		}
		h.Set("Access-Control-Max-Age", "0")
		w.WriteHeader(http.StatusOK)
		return
	}
	status, body, extra := answer(r)
	var exposed []string
	for _, kv := range extra {
		h.Set(kv[0], kv[1])
		s.sent[kv[0]] = true
		if !strings.EqualFold(kv[0], s.hide) {
			exposed = append(exposed, kv[0])
		}
	}
	h.Set("Access-Control-Expose-Headers", strings.Join(exposed, ", "))
	// Every run meets the server: Chromium's HTTP cache would otherwise
	// answer a GET again with the exposure of an earlier run.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// answer is the reply to one request of the operations: the status, the
// body and the response headers besides CORS's.
func answer(r *http.Request) (int, string, [][2]string) {
	q := r.URL.Query()
	common := [][2]string{{"x-amz-request-id", "4442587FB7D0A2F9"}}
	etag := [2]string{"ETag", `"5d41402abc4b2a76b9719d911017c592"`}
	switch {
	case r.Header.Get("x-ms-blob-type") != "":
		// Azure Put Blob: 201 Created (put-blob REST reference).
		return http.StatusCreated, "", [][2]string{etag, {"Last-Modified", "Wed, 02 Dec 2026 10:00:00 GMT"},
			{"x-ms-request-id", "9e3b1d8a-0001-0000-0000-000000000000"}, {"x-ms-version", r.Header.Get("x-ms-version")}, {"x-ms-request-server-encrypted", "true"}}
	case r.Method == http.MethodPost && q.Has("uploads"):
		return http.StatusOK, `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>uploads</Bucket><Key>big.bin</Key><UploadId>up-1</UploadId></InitiateMultipartUploadResult>`,
			append(common, [2]string{"Content-Type", "application/xml"})
	case r.Method == http.MethodPost && q.Has("uploadId"):
		return http.StatusOK, `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Location>http://example/uploads/big.bin</Location><Bucket>uploads</Bucket><Key>big.bin</Key><ETag>"3858f62230ac3c915f300c664312c11f-2"</ETag></CompleteMultipartUploadResult>`,
			append(common, [2]string{"Content-Type", "application/xml"})
	case r.Method == http.MethodPost:
		// A presigned POST form: 204 without success_action_status.
		return http.StatusNoContent, "", common
	case r.Method == http.MethodPut:
		return http.StatusOK, "", append(common, etag, [2]string{"x-amz-version-id", "v1"})
	case r.Method == http.MethodHead, r.Method == http.MethodGet:
		return http.StatusOK, "hello", append(common, etag, [2]string{"Content-Type", "text/plain"}, [2]string{"Last-Modified", "Wed, 02 Dec 2026 10:00:00 GMT"},
			[2]string{"x-amz-version-id", "v1"})
	}
	return http.StatusMethodNotAllowed, "", common
}

// recordRequest keeps of r what the recording holds: the headers the
// SDK set (those the preflight would name, and Content-Type).
func recordRequest(r *http.Request) Request {
	rq := Request{Method: r.Method, Path: r.URL.Path, Headers: map[string]string{}}
	for k := range r.URL.Query() {
		rq.Query = append(rq.Query, k)
	}
	sort.Strings(rq.Query)
	for name, vs := range r.Header {
		n := strings.ToLower(name)
		if !sdkHeader(n) {
			continue
		}
		v := "…"
		if stable[n] {
			v = strings.Join(vs, ", ")
			if n == "content-type" {
				// A form's boundary changes every run.
				v, _, _ = strings.Cut(v, "; boundary=")
			}
		}
		rq.Headers[n] = v
	}
	return rq
}

// sdkHeader reports whether a request header is the page's (the SDK's)
// rather than the browser's own.
func sdkHeader(n string) bool {
	switch {
	case slices.Contains([]string{"accept", "accept-encoding", "accept-language", "connection", "content-length", "host", "origin", "referer", "user-agent", "pragma", "cache-control"}, n),
		strings.HasPrefix(n, "sec-"):
		return false
	}
	return true
}
