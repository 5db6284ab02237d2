// Package proxytest holds what the differential tests of the proxy
// formats (e2e/caddy, e2e/apache) share: a tiny upstream on loopback
// whose reply the request's X-Up header chooses, the comparison of a
// reply's status, Access-Control-* headers and Vary, and the check of
// the server's version against the one the model was made for.
package proxytest

import (
	"fmt"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// Origins and Methods the generators draw from ("patch" as fetch() sends
// it, in lower case).
var (
	Origins = []string{"https://app.test", "https://admin.test", "http://localhost:3000", "https://evil.test"}
	Methods = []string{"GET", "POST", "PUT", "patch", "DELETE"}
	// Ups are the upstream replies (X-Up values) the generators draw from.
	Ups = []string{"200 none", "404 none", "500 none", "200 star", "500 star", "200 echo", "404 echo"}
)

// Pick is one of xs.
func Pick[T any](r *rand.Rand, xs ...T) T { return xs[r.Intn(len(xs))] }

// Reply is what the upstream answers for X-Up ("404 star"): its status,
// and none, star (ACAO * and Vary: Origin) or echo (the request's Origin
// with credentials).
func Reply(up, origin string) policy.Reply {
	f := strings.Fields(up)
	st, _ := strconv.Atoi(f[0])
	r := policy.Reply{Status: st, Header: headers.List{{Name: "Content-Type", Value: "text/plain"}}, Body: "app"}
	switch f[1] {
	case "star":
		r.Header.Add("Access-Control-Allow-Origin", "*")
		r.Header.Add("Vary", "Origin")
	case "echo":
		if origin != "" {
			r.Header.Add("Access-Control-Allow-Origin", origin)
		}
		r.Header.Add("Access-Control-Allow-Credentials", "true")
	}
	return r
}

// Upstream runs the upstream until the test ends and returns its port.
func Upstream(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rep := Reply(r.Header.Get("X-Up"), r.Header.Get("Origin"))
		for _, f := range rep.Header {
			w.Header().Add(f.Name, f.Value)
		}
		w.WriteHeader(rep.Status)
		fmt.Fprint(w, rep.Body)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

// FreePort is a loopback port free a moment ago.
func FreePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Seed is the generators' seed: WHYCORS_SEED, else def.
func Seed(def int64) int64 {
	if s := os.Getenv("WHYCORS_SEED"); s != "" {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			return v
		}
	}
	return def
}

// Recorded fails the test when version is not the one testdata/version.txt
// records, naming both.
func Recorded(t *testing.T, server, version string) {
	t.Helper()
	t.Logf("%s %s", server, version)
	want, err := os.ReadFile(filepath.Join("testdata", "version.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.TrimSpace(string(want)); w != version {
		t.Fatalf("the server is %s %s but testdata/version.txt records %s: the model is of the recorded version; check its changes and record the new one", server, version, w)
	}
}

// Missing skips the test, or fails it when WHYCORS_REQUIRE_BROWSER is
// set (scripts/test sets it, so that a run cannot pass by skipping).
func Missing(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Send sends req to 127.0.0.1:port with Host host and X-Up up, and
// returns the real reply's status and header.
func Send(t *testing.T, port int, host string, req policy.Request, up string) (int, http.Header) {
	t.Helper()
	hr, err := http.NewRequest(req.Method, "http://127.0.0.1:"+strconv.Itoa(port)+req.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	hr.Host = host
	for _, f := range req.Header {
		hr.Header.Add(f.Name, f.Value)
	}
	hr.Header.Set("X-Up", up)
	res, err := client.Do(hr)
	if err != nil {
		t.Fatalf("%s %s %s: %v", host, req.Method, req.URL, err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header
}

var client = &http.Client{Transport: &http.Transport{},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// Header is l as an http.Header.
func Header(l headers.List) http.Header {
	h := http.Header{}
	for _, f := range l {
		h.Add(f.Name, f.Value)
	}
	return h
}

// Summary is the status and every Access-Control-* and Vary line.
func Summary(status int, h http.Header) string {
	var keys []string
	for k := range h {
		if strings.HasPrefix(k, "Access-Control-") || k == "Vary" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	s := strconv.Itoa(status)
	for _, k := range keys {
		s += fmt.Sprintf(" %s=%q", k, h[k])
	}
	return s
}

// Kind classes a real reply for the log, to show what the cases cover.
func Kind(status int, h http.Header) string {
	k := strconv.Itoa(status)
	switch n := len(h.Values("Access-Control-Allow-Origin")); {
	case n == 0:
		k += " no-ACAO"
	case n > 1:
		k += " ACAO-twice"
	case h.Get("Access-Control-Allow-Origin") == "":
		k += " ACAO-empty"
	case h.Get("Access-Control-Allow-Origin") == "(null)":
		k += " ACAO-null"
	default:
		k += " ACAO"
	}
	return k
}

// Case is one request to one generated site: its Host, the site's text
// (for the failure message), the request (URL a path) and X-Up.
type Case struct {
	Host string
	Site string
	Req  policy.Request
	Up   string
}

// Run sends every case to the server on port and compares its reply
// with model's answer to the same request and upstream reply; it logs
// what the replies covered, and fails below 200 cases.
func Run(t *testing.T, port int, model policy.Evaluator, cases []Case) {
	t.Helper()
	fails := 0
	seen := map[string]int{}
	for _, c := range cases {
		status, h := Send(t, port, c.Host, c.Req, c.Up)
		seen[Kind(status, h)]++
		req := c.Req
		req.URL = "http://" + c.Host + req.URL
		origin, _ := req.Header.Get("Origin")
		got := model.Respond(req, Reply(c.Up, origin))
		real, modelled := Summary(status, h), Summary(got.Reply.Status, Header(got.Reply.Header))
		if real != modelled {
			fails++
			if fails <= 10 {
				t.Errorf("site %s:\n%s\n%s %s %v (upstream %s)\nserver: %s\nmodel:  %s\ntrace:  %s", c.Host, c.Site, req.Method, req.URL, req.Header, c.Up, real, modelled, got.Text())
			}
		}
	}
	t.Logf("%d cases, %d differ; real replies: %v", len(cases), fails, seen)
	if len(cases) < 200 {
		t.Fatalf("only %d cases", len(cases))
	}
}

// Serve starts cmd, a server that listens on 127.0.0.1:port, waits until
// it does (failing with its output if it exits first), and stops it with
// stop when the test ends (killing it after 5 s).
func Serve(t *testing.T, cmd *exec.Cmd, port int, stop os.Signal) {
	t.Helper()
	var logs strings.Builder
	cmd.Stderr, cmd.Stdout = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(stop)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			c.Close()
			return
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("%s exited: %v\n%s", cmd.Path, err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not listen on %d: %v\n%s", cmd.Path, port, err, logs.String())
		}
	}
}
