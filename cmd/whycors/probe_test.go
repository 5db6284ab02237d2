package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/internal/probe"
)

// corsApp answers as a correctly configured API for http://app.test
// (GET, PUT, Content-Type), counting the PUTs that reach it.
func corsApp(puts *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") == "http://app.test" {
			w.Header().Set("Access-Control-Allow-Origin", "http://app.test")
		}
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "GET, PUT")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if r.Method == http.MethodPut {
			puts.Add(1)
		}
		w.Write([]byte("ok"))
	})
}

// listen returns a loopback listener whose connections fn handles.
func listen(t *testing.T, fn func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go fn(c)
		}
	}()
	return ln.Addr().String()
}

// TestProbe runs the subcommand end to end against loopback servers. The
// expected exit codes are probe's documented ones (0 allowed, 1 blocked,
// 2 usage, 3 network); the expected reasons and texts follow the Fetch
// standard's CORS-preflight fetch (a redirect fails it,
// https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 step 7) and the
// Chromium 156 texts observed in e2e/probe.
func TestProbe(t *testing.T) {
	var puts atomic.Int32
	app := httptest.NewServer(corsApp(&puts))
	t.Cleanup(app.Close)
	tlsApp := httptest.NewUnstartedServer(corsApp(&puts))
	tlsApp.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	tlsApp.StartTLS()
	t.Cleanup(tlsApp.Close)
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		http.Redirect(w, r, "/elsewhere", http.StatusMovedPermanently)
	}))
	t.Cleanup(redirect.Close)
	hang := listen(t, func(c net.Conn) {
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 4096)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	})
	reset := listen(t, func(c net.Conn) {
		c.Read(make([]byte, 4096))
		c.(*net.TCPConn).SetLinger(0)
		c.Close()
	})
	closed := listen(t, func(c net.Conn) {
		c.Read(make([]byte, 4096))
		c.Close()
	})

	tests := []struct {
		desc    string
		args    []string
		stdin   string
		code    int
		want    []string
		notWant []string
		maxTime time.Duration
	}{
		{desc: "simple GET allowed", args: []string{app.URL + "/a", "--origin", "http://app.test"}, code: 0,
			want: []string{"ALLOWED  chrome would allow this fetch", "> Origin: http://app.test", "Access-Control-Allow-Origin: http://app.test"}},
		{desc: "flags before the URL", args: []string{"--origin", "http://app.test", app.URL + "/a"}, code: 0, want: []string{"ALLOWED"}},
		{desc: "other origin blocked, Chromium's console text", args: []string{app.URL + "/a", "--origin", "http://evil.test"}, code: 1,
			want: []string{"BLOCKED", "MissingAllowOriginHeader", "No 'Access-Control-Allow-Origin' header is present on the requested resource."}},
		{desc: "PUT withheld without --send", args: []string{app.URL + "/a", "--origin", "http://app.test", "--method", "PUT", "-H", "Content-Type: application/json"}, code: 0,
			want: []string{"PREFLIGHT PASSED", "> Access-Control-Request-Method: PUT", "> Access-Control-Request-Headers: content-type", "(not sent: unsafe method without --send)"}},
		{desc: "PUT sent with --send and a body from stdin", args: []string{app.URL + "/a", "--origin", "http://app.test", "--method", "PUT", "-H", "Content-Type: application/json", "--send", "--data", "@-"},
			stdin: "{}", code: 0, want: []string{"ALLOWED", "request: PUT"}},
		{desc: "firefox console for a blocked GET", args: []string{app.URL + "/a", "--origin", "http://evil.test", "--browser", "firefox"}, code: 1,
			want: []string{"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at " + app.URL + "/a. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200."}},
		{desc: "redirected preflight is a CORS failure", args: []string{redirect.URL + "/a", "--origin", "http://app.test", "--method", "DELETE"}, code: 1,
			want: []string{"PreflightDisallowedRedirect", "Redirect is not allowed for a preflight request."}},
		{desc: "redirected GET is reported, not followed", args: []string{redirect.URL + "/a", "--origin", "http://app.test"}, code: 0,
			want: []string{"REDIRECTED", "/elsewhere", "(not sent: redirect not followed)"}},
		{desc: "server hangs: timeout, exit 3", args: []string{"http://" + hang + "/a", "--origin", "http://app.test", "--timeout", "1s"}, code: 3,
			want: []string{"NETWORK ERROR", "no complete reply within --timeout"}, notWant: []string{"Failed to load resource"}, maxTime: 4 * time.Second},
		{desc: "connection reset: exit 3 with Chromium's net error", args: []string{"http://" + reset + "/a", "--origin", "http://app.test"}, code: 3,
			want: []string{"NETWORK ERROR", "reset the connection", "Failed to load resource: net::ERR_CONNECTION_RESET", "fetch() rejects with: TypeError: Failed to fetch", "not a CORS error"}},
		{desc: "preflight reset: exit 3, the preflight named", args: []string{"http://" + reset + "/a", "--origin", "http://app.test", "--method", "PUT"}, code: 3,
			want: []string{"preflight: the server reset the connection"}},
		{desc: "closed without a reply", args: []string{"http://" + closed + "/a", "--origin", "http://app.test"}, code: 3,
			want: []string{"net::ERR_EMPTY_RESPONSE"}},
		{desc: "untrusted certificate: exit 3", args: []string{tlsApp.URL + "/a", "--origin", "http://app.test"}, code: 3,
			want: []string{"not signed by an authority", "net::ERR_CERT_AUTHORITY_INVALID"}},
		{desc: "untrusted certificate with --insecure", args: []string{tlsApp.URL + "/a", "--origin", "http://app.test", "--insecure"}, code: 0,
			want: []string{"ALLOWED", "> Sec-Fetch-Site: cross-site", "> Accept-Encoding: gzip, deflate, br, zstd"}},
		{desc: "nothing listens: refused, and no CORS fix is proposed (no reply, so no CORS check ran)", args: []string{"http://" + closedPort(t) + "/a", "--origin", "http://app.test"}, code: 3,
			want: []string{"net::ERR_CONNECTION_REFUSED", "not a CORS error"}, notWant: []string{"Fix 1", "Access-Control-Allow-Origin: http://app.test"}},
		{desc: "a stalled TLS handshake stops at --connect-timeout, and says so", args: []string{"https://" + hang + "/a", "--origin", "http://app.test", "--connect-timeout", "1s", "--timeout", "20s"}, code: 3,
			want: []string{"NETWORK ERROR", "the TLS handshake did not complete within --connect-timeout"}, notWant: []string{"within --timeout", "Fix 1"}, maxTime: 4 * time.Second},
		{desc: "a stalled TLS handshake under a shorter --timeout names --timeout", args: []string{"https://" + hang + "/a", "--origin", "http://app.test", "--connect-timeout", "20s", "--timeout", "1s"}, code: 3,
			want: []string{"NETWORK ERROR", "within --timeout"}, notWant: []string{"--connect-timeout"}, maxTime: 4 * time.Second},
		{desc: "name does not resolve (.invalid never does, RFC 6761 §6.4)", args: []string{"http://nohost.invalid/a", "--origin", "http://app.test", "--timeout", "5s"}, code: 3,
			want: []string{"does not resolve", "Failed to load resource: net::ERR_NAME_NOT_RESOLVED"}},
		{desc: "--resolve maps a name", args: []string{"http://api.test:81/a", "--origin", "http://app.test", "--resolve", "api.test:81:" + strings.TrimPrefix(app.URL, "http://")}, code: 0,
			want: []string{"ALLOWED"}},
		{desc: "no origin", args: []string{app.URL}, code: 2},
		{desc: "two URLs", args: []string{app.URL, app.URL, "--origin", "http://app.test"}, code: 2},
		{desc: "bad header flag", args: []string{app.URL, "--origin", "http://app.test", "-H", "NoColon"}, code: 2},
		{desc: "bad resolve flag", args: []string{app.URL, "--origin", "http://app.test", "--resolve", "x"}, code: 2},
		{desc: "bad origin", args: []string{app.URL, "--origin", "not an origin"}, code: 2},
		{desc: "unknown browser", args: []string{app.URL, "--origin", "http://app.test", "--browser", "lynx"}, code: 2},
		{desc: "help", args: []string{"--help"}, code: 0},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		start := time.Now()
		code := run(append([]string{"probe"}, tc.args...), strings.NewReader(tc.stdin), &out, &errb)
		took := time.Since(start)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", tc.desc, code, tc.code, out.String(), errb.String())
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: output lacks %q:\n%s", tc.desc, w, out.String())
			}
		}
		for _, w := range tc.notWant {
			if strings.Contains(out.String(), w) {
				t.Errorf("%s: output has %q:\n%s", tc.desc, w, out.String())
			}
		}
		if tc.maxTime > 0 && took > tc.maxTime {
			t.Errorf("%s: took %s, want under %s", tc.desc, took, tc.maxTime)
		}
		if strings.Contains(out.String(), "\x1b[") {
			t.Errorf("%s: colour written to a buffer that is not a terminal", tc.desc)
		}
	}
	if n := puts.Load(); n != 1 {
		t.Errorf("the app saw %d PUTs, want 1 (only the --send case sends it)", n)
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestProbeRecordReplays checks that --json output is a scenario explain
// reads, with the same verdict: the contract that lets a probe be saved and
// replayed offline.
func TestProbeRecordReplays(t *testing.T) {
	var puts atomic.Int32
	app := httptest.NewServer(corsApp(&puts))
	t.Cleanup(app.Close)
	for _, args := range [][]string{
		{app.URL + "/a", "--origin", "http://app.test", "--json"},
		{app.URL + "/a", "--origin", "http://evil.test", "--json", "--credentials", "include"},
		{app.URL + "/a", "--origin", "http://app.test", "--json", "--method", "PUT", "-H", "Content-Type: application/json", "--send"},
	} {
		var out, errb bytes.Buffer
		run(append([]string{"probe"}, args...), strings.NewReader(""), &out, &errb)
		var rec probe.Record
		if err := json.Unmarshal(out.Bytes(), &rec); err != nil {
			t.Fatalf("%v: not JSON: %v\n%s", args, err, out.String())
		}
		if rec.Verdict == nil {
			t.Fatalf("%v: no verdict: %s", args, out.String())
		}
		data, ok := probe.ScenarioOf(out.Bytes())
		if !ok {
			t.Fatalf("%v: no scenario member", args)
		}
		s, err := explain.Decode(data)
		if err != nil {
			t.Fatalf("%v: explain.Decode of the saved scenario: %v", args, err)
		}
		v, err := explain.Explain(s, opts)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(v)
		b, _ := json.Marshal(rec.Verdict)
		if string(a) != string(b) {
			t.Errorf("%v: replayed verdict differs:\n%s\n%s", args, a, b)
		}
		// The same file through `whycors explain`.
		p := filepath.Join(t.TempDir(), "rec.json")
		os.WriteFile(p, out.Bytes(), 0o644)
		var eo, ee bytes.Buffer
		code := run([]string{"explain", p}, strings.NewReader(""), &eo, &ee)
		want := 1
		if rec.Verdict.Allowed {
			want = 0
		}
		if code != want {
			t.Errorf("%v: explain of the record exits %d, want %d: %s", args, code, want, ee.String())
		}
		for _, l := range rec.Verdict.Console {
			if !strings.Contains(eo.String(), l) {
				t.Errorf("%v: explain of the record does not print %q:\n%s", args, l, eo.String())
			}
		}
	}
}

// TestProbeAttack runs `probe --attack` against a loopback server that
// answers as an S3 rule with a subdomain wildcard: S3 echoes a matching
// origin with Access-Control-Allow-Credentials: true
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html), so a
// page on any host of example.com reads with cookies (medium: it needs a
// foothold there), and nothing else is accepted. The exit codes are the
// ones its help documents (0 nothing accepted, 1 accepted, 2 usage).
func TestProbeAttack(t *testing.T) {
	wide := `[{"AllowedOrigins": ["https://app.example.com", "https://*.example.com"], "AllowedMethods": ["GET"]}]`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := r.Header.Get("Origin")
		if o == "https://app.example.com" || (strings.HasPrefix(o, "https://") && strings.HasSuffix(o, ".example.com")) {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			if r.Method == http.MethodOptions {
				w.Header().Set("Access-Control-Allow-Methods", "GET")
			}
		}
		w.Write([]byte(`{"me": "alice"}`))
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	pol := filepath.Join(dir, "cors.json")
	os.WriteFile(pol, []byte(wide), 0o644)
	list := filepath.Join(dir, "urls.txt")
	// A comment after a URL is a comment (found as a new user would:
	// it was probed as part of the path).
	os.WriteFile(list, []byte("# the API\n"+srv.URL+"/me\n\n"+srv.URL+"/other   # the other one\n"), 0o644)

	var out, errb bytes.Buffer
	code := run([]string{"probe", "--attack", srv.URL + "/me", "--origin", "https://app.example.com", "--policy", pol}, strings.NewReader(""), &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"MEDIUM prefix-host   https://evilapp.example.com", "MEDIUM subdomain     https://evil.app.example.com",
		"fix (s3-json, verified)", `+[{"AllowedOrigins": ["https://app.example.com", "https://app.example.com"]`, "2 accepted (0 high, 2 medium, 0 low)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in\n%s", want, out.String())
		}
	}

	out.Reset()
	code = run([]string{"probe", "--attack", "--urls", list, "--origin", "https://app.example.com", "--json", "--concurrency", "2"}, strings.NewReader(""), &out, &errb)
	var got struct {
		Results []struct {
			URL      string
			Findings []struct{ Kind, Severity string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || code != 1 {
		t.Fatalf("exit %d, %v\n%s", code, err, out.String())
	}
	if len(got.Results) != 2 || got.Results[1].URL != srv.URL+"/other" || len(got.Results[0].Findings) != 2 || len(got.Results[1].Findings) != 2 {
		t.Errorf("bulk results: %+v", got)
	}

	out.Reset()
	code = run([]string{"probe", "--attack", "--urls", list, "--origin", "https://app.example.com", "--format", "sarif"}, strings.NewReader(""), &out, &errb)
	if code != 1 || !strings.Contains(out.String(), `"ruleId": "cors-attack-subdomain"`) || !strings.Contains(out.String(), `"level": "warning"`) || !strings.Contains(out.String(), `"startLine": 4`) {
		t.Errorf("sarif (exit %d):\n%s", code, out.String())
	}

	// A line that is no URL is an input error at its line, not a
	// network failure (exit 3).
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte(srv.URL+"/me\nnot a url\n"), 0o644)
	errb.Reset()
	if code := run([]string{"probe", "--attack", "--urls", bad, "--origin", "https://app.example.com"}, strings.NewReader(""), &out, &errb); code != 2 || !strings.Contains(errb.String(), `line 2: "not a url" is not an http or https URL`) {
		t.Errorf("a line that is no URL: exit %d, %s", code, errb.String())
	}

	out.Reset()
	run([]string{"probe", "--attack", srv.URL + "/me", "--origin", "https://app.example.com", "--format", "sarif"}, strings.NewReader(""), &out, &errb)
	if !strings.Contains(out.String(), `"uri": "`+srv.URL+`/me"`) {
		t.Errorf("sarif of one URL: the finding is not placed at the URL:\n%s", out.String())
	}

	out.Reset()
	if code := run([]string{"probe", "--attack", srv.URL + "/me", "--origin", "https://www.example.org"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Errorf("a trusted origin the server does not know: exit %d, want 0 (the server trusts no origin derived from it)\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "refused too; check --origin") {
		t.Errorf("no hint that --origin is refused:\n%s", out.String())
	}
	for sev, want := range map[string]int{"high": 0, "medium": 1, "low": 1, "severe": 2} {
		if code := run([]string{"probe", "--attack", srv.URL + "/me", "--origin", "https://app.example.com", "--fail-on", sev}, strings.NewReader(""), io.Discard, io.Discard); code != want {
			t.Errorf("--fail-on %s with two medium findings: exit %d, want %d", sev, code, want)
		}
	}
	if code := run([]string{"probe", "--attack", srv.URL, "--urls", list}, strings.NewReader(""), &out, &errb); code != 2 {
		t.Errorf("URL and --urls: exit %d, want 2", code)
	}
}

// TestResolveHostCase: --resolve names a host in any case, as curl's
// does; the dialer asks with the URL's host in lower case (found as a
// new user would: API.TEST was ignored, and DNS failed).
func TestResolveHostCase(t *testing.T) {
	hp, addr, err := splitResolve("API.Test:443:127.0.0.1")
	if err != nil || hp != "api.test:443" || addr != "127.0.0.1" {
		t.Errorf("splitResolve = %q %q %v", hp, addr, err)
	}
}
