// Package python_test checks whycors' models of the Python CORS
// middlewares against the real libraries (Debian 12's packages) on
// loopback: one server a library, started once per run with every
// generated configuration mounted under its own path prefix
// (testdata/server.py), and each real reply compared field by field
// with the evaluator's.
package python_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/whycors/whycors/e2e/internal/mwtest"
	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

const python = "/usr/bin/python3"

// config is one generated configuration: its id (the path prefix) and
// the user's source the server executes and the reader parses.
type config struct {
	ID     string `json:"id"`
	Source string `json:"source"`
}

// server is one running library server.
type server struct {
	base     string
	versions string
}

// start runs testdata/server.py for library with configs, its module
// from path first when path is not "" (a package scripts/test unpacked
// from a later Debian release: unpacked); it skips when python3 lacks
// module (fails when WHYCORS_REQUIRE_BROWSER is set), and checks the
// versions it reports against testdata/versions.txt.
func start(t *testing.T, library, module string, configs []config, path string) *server {
	t.Helper()
	if err := exec.Command(python, "-c", "import "+module).Run(); err != nil {
		msg := python + " cannot import " + module + " (apt-get install " + debianPackages[library] + ")"
		if os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	data, _ := json.Marshal(configs)
	file := filepath.Join(dir, "configs.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs(filepath.Join("testdata", "server.py"))
	cmd := exec.Command(python, script, library, file)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	if path != "" {
		cmd.Env = append(cmd.Env, "PYTHONPATH="+path)
	}
	for k, v := range environ {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
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
		t.Fatalf("%s server did not start: %s", library, stderr.String())
	}
	f := strings.Fields(first)
	if len(f) < 2 || f[0] != "PORT" {
		t.Fatalf("%s server: %q %s", library, first, stderr.String())
	}
	s := &server{base: "http://127.0.0.1:" + f[1], versions: strings.Join(f[2:], " ")}
	if path != "" {
		// The Debian package it came from: trixie's python3-flask-cors
		// 6.0.1-1 says 5.0.0 in flask_cors/version.py (and 0.0.1 in its
		// dist-info), so the module's own word is not enough.
		s.versions += " from " + mwtest.DebOf(path, pythonLib)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", "127.0.0.1:"+f[1])
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s server does not listen: %v %s", library, err, stderr.String())
		}
	}
	t.Logf("%s: ran against %s (%d configurations)", library, s.versions, len(configs))
	if want := mwtest.Recorded(t, library); !slices.Contains(want, s.versions) {
		t.Fatalf("%s: the server runs %s but testdata/versions.txt records %s: the model is of the recorded versions; check the changes, then re-record by making a line of e2e/python/testdata/versions.txt read\n%s: %s", library, s.versions, strings.Join(want, "; "), library, s.versions)
	}
	return s
}

// pythonLib is where a python3- package holds its modules.
const pythonLib = "usr/lib/python3/dist-packages"

// eachLibrary starts library's server from Debian 12's packages and
// from each later release's pkgs as unpacked (the library's package
// first, then what it needs newer than Debian 12 has), and runs the
// cases against each in a subtest named by its versions; under
// WHYCORS_REQUIRE_BROWSER a recorded line no server ran fails.
func eachLibrary(t *testing.T, library, module string, s *suite, pkgs ...string) {
	ran := map[string]bool{}
	for _, path := range append([]string{""}, mwtest.Unpacked(t, pythonLib, pkgs...)...) {
		srv := start(t, library, module, s.configs, path)
		ran[srv.versions] = true
		cases := s.cases
		if s.versioned != nil {
			version := ""
			for _, w := range strings.Fields(srv.versions) {
				if v, ok := strings.CutPrefix(w, s.dist+"="); ok {
					version = v
				}
			}
			cases = s.as(t, version)
		}
		t.Run(srv.versions, func(t *testing.T) { run(t, srv, cases) })
	}
	for _, v := range mwtest.Recorded(t, library) {
		if !ran[v] && os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
			t.Errorf("testdata/versions.txt records %s: %s, which no server ran: scripts/test's setup unpacks later Debian releases' %s into ~/.cache/whycors/deb (deb_unpack)", library, v, strings.Join(pkgs, " "))
		}
	}
}

// environ is the environment of every server, which the generated
// configurations read with os.environ.get and os.getenv, and the models
// with ParseEnviron (pylit.ReadEnviron); WHYCORS_UNSET is never set, so
// the code's default applies.
var environ = map[string]string{"WHYCORS_ORIGINS": "https://b.example,https://app.example"}

var debianPackages = map[string]string{
	"starlette": "python3-starlette python3-fastapi python3-uvicorn",
	"django":    "python3-django python3-django-cors-headers",
	"flask":     "python3-flask python3-flask-cors",
}

var client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// send sends req under the configuration's prefix and returns the real
// reply.
func (s *server) send(t *testing.T, id string, req policy.Request) policy.Reply {
	t.Helper()
	r, err := http.NewRequest(req.Method, s.base+"/"+id+req.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range req.Header {
		r.Header[f.Name] = append(r.Header[f.Name], f.Value)
	}
	resp, err := client.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	out := policy.Reply{Status: resp.StatusCode, Body: string(body), Header: proxytest.List(resp.Header)}
	return out
}

// app is the application behind the CORS layer in server.py: 200 "app"
// to everything (with Vary: Accept-Encoding under /vary), an exception
// (500) for a path ending in /boom.
func app(req policy.Request) policy.Reply {
	if strings.HasSuffix(req.URL, "/boom") {
		return policy.Reply{Status: 500}
	}
	r := policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Type", Value: "text/plain"}}, Body: "app"}
	if strings.Contains(req.URL, "/vary") {
		r.Header.Add("Vary", "Accept-Encoding")
	}
	return r
}

// pick returns one of xs.
func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.Intn(len(xs))] }

// origins the generated requests and configurations draw from.
var origins = []string{"https://app.example", "https://shop.example", "https://pr-7.preview.shop.example", "https://a.partner.example", "https://A.partner.example", "https://b.example", "http://app.example", "https://evilapp.example", "https://app.example.evil", "https://x.app.example", "null", "HTTPS://APP.EXAMPLE", "https://app.example:8443"}

// requests returns n generated requests for paths.
func requests(r *rand.Rand, n int, paths []string) []policy.Request {
	var out []policy.Request
	for i := 0; i < n; i++ {
		req := policy.Request{URL: pick(r, paths...)}
		if r.Intn(8) != 0 {
			req.Header.Add("Origin", pick(r, origins...))
		}
		switch r.Intn(3) {
		case 0: // preflight
			req.Method = pick(r, "OPTIONS", "OPTIONS", "OPTIONS", "options")
			if r.Intn(6) != 0 {
				req.Header.Add("Access-Control-Request-Method", pick(r, "GET", "POST", "PUT", "DELETE", "PATCH", "put", "FOO"))
			}
			if r.Intn(2) == 0 {
				req.Header.Add("Access-Control-Request-Headers", pick(r, "content-type", "x-custom", "X-Custom", "authorization", "x-custom,content-type", "x-custom, x-other", "accept", "x-custom,x-custom", ""))
				if r.Intn(6) == 0 {
					// the same header on a second line
					req.Header.Add("Access-Control-Request-Headers", pick(r, "x-other", "x-custom"))
				}
			}
		default:
			req.Method = pick(r, "GET", "POST", "PUT", "DELETE", "HEAD", "get")
			if r.Intn(5) == 0 {
				req.Header.Add("Cookie", "sid=1")
			}
		}
		out = append(out, req)
	}
	return out
}

// run sends every case to the server and compares the evaluator's answer.
func run(t *testing.T, s *server, cases []testCase) {
	t.Helper()
	bad, withACAO, statuses := 0, 0, map[int]int{}
	t0 := time.Now()
	defer func() { t.Logf("requests took %v", time.Since(t0)) }()
	for _, c := range cases {
		real := s.send(t, c.id, c.req)
		if real.Header.Has("Access-Control-Allow-Origin") {
			withACAO++
		}
		statuses[real.Status]++
		var model policy.Outcome
		if th, ok := c.ev.(thrower); ok && strings.HasSuffix(c.req.URL, "/boom") {
			model = th.Throw(c.req)
		} else {
			model = c.ev.Respond(c.req, app(c.req))
		}
		if d := mwtest.Diff(real, model.Reply); len(d) > 0 {
			bad++
			if bad <= 15 {
				t.Errorf("%s %s %s %v\nconfig:\n%s\n%s", c.id, c.req.Method, c.req.URL, c.req.Header, c.source, strings.Join(d, "\n"))
			}
		}
	}
	t.Logf("%d cases (%d real replies with Access-Control-Allow-Origin; statuses %v), %d disagree", len(cases), withACAO, statuses, bad)
}

// thrower is an evaluator that answers for a handler that raises
// (server.py's /boom).
type thrower interface {
	Throw(req policy.Request) policy.Outcome
}

type testCase struct {
	id     string
	source string
	ev     policy.Evaluator
	req    policy.Request
}

// suite is one library's configurations and cases.
type suite struct {
	configs []config
	cases   []testCase
	// versioned, when set, reads a configuration as version of the
	// library answers (its dist=VERSION in a server's versions line): each
	// server's cases are read anew as the version it runs.
	versioned func(src, version string) (policy.Evaluator, error)
	dist      string
}

// as are s's cases with each configuration read as version.
func (s *suite) as(t *testing.T, version string) []testCase {
	t.Helper()
	evs := map[string]policy.Evaluator{}
	for _, c := range s.configs {
		ev, err := s.versioned(c.Source, version)
		if err != nil {
			t.Fatalf("%s as %s %s: %v", c.ID, s.dist, version, err)
		}
		evs[c.ID] = ev
	}
	out := slices.Clone(s.cases)
	for i := range out {
		out[i].ev = evs[out[i].id]
	}
	return out
}

// reads reports whether some configuration reads each environment
// variable of names.
func (s *suite) reads(names ...string) bool {
	for _, n := range names {
		found := false
		for _, c := range s.configs {
			found = found || strings.Contains(c.Source, n)
		}
		if !found {
			return false
		}
	}
	return true
}

// add parses src (with parse, the format's reader) as configuration id
// and adds n generated requests for paths.
func (s *suite) add(t *testing.T, r *rand.Rand, id, name, src string, parse func(string) (policy.Evaluator, error), n int, paths []string) {
	t.Helper()
	ev, err := parse(src)
	if err != nil {
		t.Fatalf("%s: %v\n%s", id, err, src)
	}
	s.configs = append(s.configs, config{ID: id, Source: src})
	for _, req := range requests(r, n, paths) {
		s.cases = append(s.cases, testCase{id: id, source: name, ev: ev, req: req})
	}
}

// generated adds n configurations written by gen, 10 requests each.
func (s *suite) generated(t *testing.T, r *rand.Rand, prefix string, n int, gen func(*rand.Rand) string, parse func(string) (policy.Evaluator, error), paths []string) {
	t.Helper()
	for i := 0; i < n; i++ {
		src := gen(r)
		s.add(t, r, fmt.Sprintf("%s%d", prefix, i), src, src, parse, 10, paths)
	}
}

// golden adds the format package's golden files as written, 20 requests
// each.
func (s *suite) golden(t *testing.T, r *rand.Rand, pkg string, names []string, parse func(string) (policy.Evaluator, error)) {
	t.Helper()
	for i, name := range names {
		b, err := os.ReadFile(filepath.Join("..", "..", "engine", "formats", pkg, "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		s.add(t, r, fmt.Sprintf("g%d", i), name, string(b), parse, 20, []string{"/api/orders", "/partners/x", "/status", "/public", "/items", "/boom"})
	}
}
