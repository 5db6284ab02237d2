// Package ruby_test checks whycors' model of the Ruby middleware
// rack-cors against the real one (Debian 12's ruby-rack-cors 1.1.1, with
// its ruby, ruby-rack and puma; and Debian 13's 2.0.2 and sid's 3.0.0,
// which scripts/test unpacks into ~/.cache/whycors/deb, each loaded
// before Debian 12's) on loopback: one puma server per version with
// every generated configuration mounted at once (testdata/server.rb
// routes a request to the configuration its X-Case header names), and
// each real reply compared field by field with the model's, answering
// as the version the server runs.
package ruby_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whycors/whycors/e2e/internal/mwtest"
	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

const ruby = "/usr/bin/ruby"

// debianPackages are what server.rb needs.
const debianPackages = "ruby ruby-rack ruby-rack-cors puma"

// environ is the environment of the server, which configurations read
// with ENV.fetch, and of the model (rackcors.ParseEnviron);
// WHYCORS_UNSET is never set, so the code's default applies.
var environ = map[string]string{"WHYCORS_ORIGINS": "https://b.example,localhost:3000", "RAILS_ENV": "production"}

// config is one configuration: its id (the X-Case header that routes to
// it) and the user's Ruby, which server.rb evaluates and the model reads.
type config struct {
	ID     string `json:"id"`
	Source string `json:"source"`
}

// server is the running puma.
type server struct {
	addr     string
	versions string
	// bootErrors holds, by configuration id, what evaluating the
	// configuration raised (as a Rails app would fail to boot).
	bootErrors map[string]string
}

// start runs testdata/server.rb with configs, rack-cors loaded from lib
// ("": Debian 12's, installed); it skips when ruby or one of the
// libraries is missing (fails when WHYCORS_REQUIRE_BROWSER is set), and
// checks the versions it reports against testdata/versions.txt.
func start(t *testing.T, configs []config, lib string) *server {
	t.Helper()
	if out, err := exec.Command(ruby, "-e", `require "rack"; require "rack/cors"; require "puma"`).CombinedOutput(); err != nil {
		msg := fmt.Sprintf("%s cannot load rack, rack/cors and puma (apt-get install %s): %v %s", ruby, debianPackages, err, out)
		if os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	data, err := json.Marshal(configs)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "configs.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "server.rb"))
	if err != nil {
		t.Fatal(err)
	}
	args := []string{script, path}
	if lib != "" {
		args = append([]string{"-I", lib}, args...)
	}
	cmd := exec.Command(ruby, args...)
	cmd.Env = append(os.Environ(), "RACK_ENV=production")
	for k, v := range environ {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// server.rb exits when its stdin closes, as it does when this
	// process ends without running the cleanup.
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedBuilder{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); in.Close(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- s
		io.Copy(io.Discard, out)
	}()
	var first string
	select {
	case first = <-line:
	case <-time.After(20 * time.Second):
		t.Fatalf("puma did not start: %s", stderr)
	}
	f := strings.Fields(first)
	if len(f) < 2 || f[0] != "PORT" {
		t.Fatalf("server.rb: %q %s", first, stderr)
	}
	s := &server{addr: "127.0.0.1:" + f[1], versions: strings.Join(f[2:], " ")}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", s.addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("puma does not listen: %v %s", err, stderr)
		}
	}
	t.Logf("ran against %s (%d configurations)", s.versions, len(configs))
	if want := mwtest.Recorded(t, "rack-cors"); !slices.Contains(want, s.versions) {
		t.Fatalf("the server runs %s but testdata/versions.txt records %s: the model is of the recorded versions; check the changes of the new ones against engine/formats/rackcors, then re-record by making a line of e2e/ruby/testdata/versions.txt read\nrack-cors: %s", s.versions, strings.Join(want, "; "), s.versions)
	}
	b, err := os.ReadFile(path + ".errors.json")
	if err != nil {
		t.Fatalf("server.rb wrote no boot errors: %v %s", err, stderr)
	}
	if err := json.Unmarshal(b, &s.bootErrors); err != nil {
		t.Fatalf("server.rb's boot errors %q: %v", b, err)
	}
	return s
}

// lockedBuilder is the server's stderr, written by exec's copier and
// read by the test.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// rubyLib is where a ruby- package holds its libraries.
const rubyLib = "usr/lib/ruby/vendor_ruby"

// rackCorsVersion is the rack-cors version in a server's versions line.
func rackCorsVersion(versions string) string {
	f := strings.Fields(versions)
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "rack-cors" {
			return f[i+1]
		}
	}
	return ""
}

// probe is one request of a case: the request as a browser or client
// sends it (what the model reads too), and what the application behind
// the middleware answers (sent to server.rb as X-Up-Status and X-Up-Vary).
type probe struct {
	req      policy.Request
	upStatus int    // 0: 200
	upVary   string // "": no Vary
}

// app is the application's reply, as server.rb's APP answers the probe.
func (p probe) app() policy.Reply {
	r := policy.Reply{Status: 200}
	if p.upStatus != 0 {
		r.Status = p.upStatus
	}
	if p.upVary != "" {
		r.Header = headers.List{{Name: "Vary", Value: p.upVary}}
	}
	return r
}

func (p probe) String() string {
	var b strings.Builder
	b.WriteString(p.req.Method + " " + p.req.URL)
	for _, f := range p.req.Header {
		fmt.Fprintf(&b, "\n      %s: %s", f.Name, f.Value)
	}
	if p.upStatus != 0 || p.upVary != "" {
		fmt.Fprintf(&b, "\n      (app answers %d", p.app().Status)
		if p.upVary != "" {
			b.WriteString(", Vary: " + p.upVary)
		}
		b.WriteString(")")
	}
	return b.String()
}

var client = &http.Client{
	Transport:     &http.Transport{DisableKeepAlives: true},
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// requestURL is the URL of raw (a path as sent, percent-encoding and
// dot segments kept, with an optional query) on addr: Go sends
// u.RequestURI(), which is raw unchanged.
func requestURL(addr, raw string) (*url.URL, error) {
	p, q, _ := strings.Cut(raw, "?")
	path, err := url.PathUnescape(p)
	if err != nil {
		return nil, err
	}
	u := &url.URL{Scheme: "http", Host: addr, Path: path, RawPath: p, RawQuery: q}
	if u.RequestURI() != raw {
		return nil, fmt.Errorf("%q would be sent as %q", raw, u.RequestURI())
	}
	return u, nil
}

// send sends p to configuration id and returns the real reply.
func (s *server) send(id string, p probe) (policy.Reply, error) {
	u, err := requestURL(s.addr, p.req.URL)
	if err != nil {
		return policy.Reply{}, err
	}
	r := &http.Request{Method: p.req.Method, URL: u, Host: s.addr, Header: http.Header{}}
	for _, f := range p.req.Header {
		// As written, not canonicalised: the server reads names
		// case-insensitively anyway.
		r.Header[f.Name] = append(r.Header[f.Name], f.Value)
	}
	r.Header["X-Case"] = []string{id}
	if p.upStatus != 0 {
		r.Header["X-Up-Status"] = []string{strconv.Itoa(p.upStatus)}
	}
	if p.upVary != "" {
		r.Header["X-Up-Vary"] = []string{p.upVary}
	}
	resp, err := client.Do(r)
	if err != nil {
		return policy.Reply{}, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	out := policy.Reply{Status: resp.StatusCode, Body: string(body), Header: proxytest.List(resp.Header)}
	return out, nil
}

// show is a reply's compared fields, one a line, status first.
func show(r policy.Reply) string {
	m := mwtest.Compared(r)
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != "status" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := m["status"]
	for _, k := range keys {
		out += "; " + k + ": " + strconv.Quote(m[k])
	}
	return out
}

// testCase is one configuration and the probes sent to it.
type testCase struct {
	id     string
	source string
	probes []probe
}

// model is what the test needs of the model: its answer to a request.
type model interface {
	Respond(req policy.Request, app policy.Reply) policy.Outcome
}

// result is one probe's real reply.
type result struct {
	reply policy.Reply
	err   error
}

// sendAll sends every case's probes, four at a time, and returns the
// real replies in the cases' order.
func (s *server) sendAll(cases []testCase) [][]result {
	out := make([][]result, len(cases))
	type job struct{ c, p int }
	jobs := make(chan job)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				c := cases[j.c]
				rep, err := s.send(c.id, c.probes[j.p])
				out[j.c][j.p] = result{rep, err}
			}
		}()
	}
	for i, c := range cases {
		out[i] = make([]result, len(c.probes))
		if _, failed := s.bootErrors[c.id]; failed {
			continue
		}
		for j := range c.probes {
			jobs <- job{i, j}
		}
	}
	close(jobs)
	wg.Wait()
	return out
}

// respond is the model's reply to p, or the panic it raised.
func respond(m model, p probe) (reply policy.Reply, panicked string) {
	defer func() {
		if v := recover(); v != nil {
			panicked = fmt.Sprint(v)
		}
	}()
	return m.Respond(p.req, p.app()).Reply, ""
}

// run sends every case to the server, reads each with parse (the
// model's reader) and compares each reply; it reports every mismatch of
// a configuration in one error.
func run(t *testing.T, s *server, cases []testCase, parse func(string) (model, error)) {
	t.Helper()
	t0 := time.Now()
	results := s.sendAll(cases)
	t.Logf("%d configurations, real replies in %v", len(cases), time.Since(t0).Round(time.Millisecond))
	// What the real replies hold, whatever the model says: how much the
	// run covers.
	requests, compared, bad, withACAO, preflightHits := 0, 0, 0, 0, 0
	statuses := map[int]int{}
	for i, c := range cases {
		if _, failed := s.bootErrors[c.id]; failed {
			continue
		}
		for j, p := range c.probes {
			res := results[i][j]
			if res.err != nil {
				t.Fatalf("%s: %s: %v", c.id, p, res.err)
			}
			requests++
			statuses[res.reply.Status]++
			if res.reply.Header.Has("Access-Control-Allow-Origin") {
				withACAO++
				if p.req.Method == "OPTIONS" && p.req.Header.Has("Access-Control-Request-Method") {
					preflightHits++
				}
			}
		}
	}
	for i, c := range cases {
		m, perr := parse(c.source)
		if msg, failed := s.bootErrors[c.id]; failed {
			if perr == nil {
				t.Errorf("%s: rack-cors refuses the configuration (the app does not boot): %s\nbut the model reads it\nconfig:\n%s", c.id, msg, indent(c.source))
			} else {
				t.Logf("%s: refused by both: real %s; model %v", c.id, msg, perr)
			}
			continue
		}
		if perr != nil {
			t.Errorf("%s: the model cannot read a configuration rack-cors runs: %v\nconfig:\n%s", c.id, perr, indent(c.source))
			continue
		}
		var report []string
		for j, p := range c.probes {
			real := results[i][j].reply
			compared++
			got, panicked := respond(m, p)
			var d []string
			if panicked != "" {
				d = []string{"the model panicked: " + panicked}
			} else {
				d = mwtest.Diff(real, got)
			}
			if len(d) > 0 {
				bad++
				report = append(report, fmt.Sprintf("  request %d: %s\n    %s\n    real:  %s\n    model: %s", j, p, strings.Join(d, "\n    "), show(real), show(got)))
			}
		}
		if len(report) > 0 {
			t.Errorf("%s: %d of %d requests disagree\nconfig:\n%s\n%s", c.id, len(report), len(c.probes), indent(c.source), strings.Join(report, "\n"))
		}
	}
	t.Logf("%d configurations (%d refused at boot), %d requests (%d real replies with Access-Control-Allow-Origin, %d of them preflights; statuses %v), %d compared with the model, %d disagree",
		len(cases), len(s.bootErrors), requests, withACAO, preflightHits, statuses, compared, bad)
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
