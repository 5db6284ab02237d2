package probe_test

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/internal/probe"
)

func list(kv ...string) headers.List {
	var h headers.List
	for i := 0; i+1 < len(kv); i += 2 {
		h = append(h, headers.Field{Name: kv[i], Value: kv[i+1]})
	}
	return h
}

func TestParseHead(t *testing.T) {
	tests := []struct {
		desc   string
		raw    string
		ok     bool
		status int
		want   headers.List
		source string
	}{
		{desc: "lines in order, repeated name kept apart", raw: "HTTP/1.1 200 OK\r\nB: 1\r\nAccess-Control-Allow-Origin: http://a.test\r\nA: 2\r\naccess-control-allow-origin: http://b.test\r\n\r\nbody",
			ok: true, status: 200, want: list("B", "1", "Access-Control-Allow-Origin", "http://a.test", "A", "2", "access-control-allow-origin", "http://b.test"),
			source: "RFC 9112 §2.1 message format; RFC 9110 §5.3 field order of one name is significant"},
		{desc: "OWS trimmed, empty value kept", raw: "HTTP/1.1 204 No Content\r\nX:  v \t\r\nEmpty:\r\n\r\n", ok: true, status: 204, want: list("X", "v", "Empty", ""),
			source: "RFC 9112 §5.1: field-value excludes leading and trailing whitespace"},
		{desc: "interim 103 skipped", raw: "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nZ: 1\r\n\r\n", ok: true, status: 200, want: list("Z", "1"),
			source: "RFC 9110 §15.2: a client processes 1xx and waits for the final response"},
		{desc: "obs-fold joined with a space", raw: "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", ok: true, status: 200, want: list("X", "a b"),
			source: "RFC 9112 §5.2: replace each obs-fold with SP"},
		{desc: "bare LF line ends", raw: "HTTP/1.0 404 Not Found\nX: 1\n\n", ok: true, status: 404, want: list("X", "1"),
			source: "RFC 9112 §2.2: a recipient MAY recognize a single LF as a line terminator"},
		{desc: "no reason phrase", raw: "HTTP/1.1 599\r\n\r\n", ok: true, status: 599, source: "RFC 9112 §4: reason-phrase is optional"},
		{desc: "incomplete head", raw: "HTTP/1.1 200 OK\r\nX: 1\r\n", ok: false, source: "RFC 9112 §2.1: the head ends with an empty line"},
		{desc: "HTTP/2 preface is not HTTP/1", raw: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", ok: false, source: "RFC 9113 §3.4"},
		{desc: "space before colon", raw: "HTTP/1.1 200 OK\r\nX : 1\r\n\r\n", ok: false, source: "RFC 9112 §5.1: no whitespace between field name and colon"},
		{desc: "fold with no field", raw: "HTTP/1.1 200 OK\r\n x\r\n\r\n", ok: false, source: "RFC 9112 §5.2"},
		{desc: "status not 3 digits", raw: "HTTP/1.1 20 OK\r\n\r\n", ok: false, source: "RFC 9112 §4: status-code = 3DIGIT"},
	}
	for _, tc := range tests {
		h, ok := probe.ParseHead([]byte(tc.raw))
		if ok != tc.ok {
			t.Errorf("%s: ok %v, want %v (%s)", tc.desc, ok, tc.ok, tc.source)
			continue
		}
		if !ok {
			continue
		}
		if h.Status != tc.status || fmt.Sprint(h.Header) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %d %q, want %d %q (%s)", tc.desc, h.Status, h.Header, tc.status, tc.want, tc.source)
		}
	}
}

func FuzzParseHead(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nA: 1\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nX: a\r\n b\r\n\r\n"))
	f.Add([]byte("HTTP/1.0 301\nLocation: /x\n\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		h, ok := probe.ParseHead(raw)
		if !ok {
			return
		}
		if h.Status < 100 || h.Status > 999 {
			t.Errorf("status %d", h.Status)
		}
		for _, f := range h.Header {
			if f.Name == "" || strings.ContainsAny(f.Name, ": \t\r\n") {
				t.Errorf("bad name %q", f.Name)
			}
		}
	})
}

// TestWireHeaders checks the fields against what Chromium 156 sent in the
// e2e/chromium recordings (testdata/observed-chromium.json, exchanges
// accept-129 for a preflight and acac-cap for a GET, over plain http).
func TestWireHeaders(t *testing.T) {
	page, _ := origin.Parse("http://app.test")
	names := func(h headers.List) string {
		var out []string
		for _, f := range h {
			out = append(out, f.Name)
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		desc      string
		req       policy.Request
		preflight bool
		want      string
		values    map[string]string
		source    string
	}{
		{desc: "preflight over http", preflight: true,
			req:    policy.Request{Method: "OPTIONS", URL: "http://api.test/x", Header: list("Accept", "*/*", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "accept", "Origin", "http://app.test")},
			want:   "Connection,Accept,Access-Control-Request-Method,Access-Control-Request-Headers,Origin,User-Agent,Sec-Fetch-Mode,Referer,Accept-Encoding,Accept-Language",
			values: map[string]string{"Sec-Fetch-Mode": "cors", "Referer": "http://app.test/", "Accept-Encoding": "gzip, deflate", "Accept-Language": "en-US,en;q=0.9", "Connection": "keep-alive"},
			source: "observed-chromium.json accept-129"},
		{desc: "GET over http: no Sec-Fetch-*",
			req:    policy.Request{Method: "GET", URL: "http://api.test/x", Header: list("Accept", "*/*", "Origin", "http://app.test")},
			want:   "Connection,User-Agent,Accept,Origin,Referer,Accept-Encoding,Accept-Language",
			source: "observed-chromium.json acac-cap"},
		{desc: "repeated page header combined", req: policy.Request{Method: "GET", URL: "http://api.test/x", Header: list("X-Test", "1", "x-test", "2", "Accept", "*/*", "Origin", "http://app.test")},
			want: "Connection,X-Test,User-Agent,Accept,Origin,Referer,Accept-Encoding,Accept-Language", values: map[string]string{"X-Test": "1, 2"},
			source: "observed-chromium.json pf-header-duplicate-name: X-Test: 1, 2 before User-Agent"},
		{desc: "POST: Content-Type after User-Agent", req: policy.Request{Method: "POST", URL: "http://api.test/x", Header: list("Content-Type", "text/plain;charset=UTF-8", "Accept", "*/*", "Origin", "http://app.test")},
			want:   "Connection,User-Agent,Content-Type,Accept,Origin,Referer,Accept-Encoding,Accept-Language",
			source: "observed-chromium.json mode-no-cors-post-header"},
		{desc: "GET over https: Fetch Metadata, br and zstd", req: policy.Request{Method: "GET", URL: "https://api.example.com/x", Header: list("Accept", "*/*")},
			want:   "Connection,User-Agent,Accept,Sec-Fetch-Site,Sec-Fetch-Mode,Sec-Fetch-Dest,Referer,Accept-Encoding,Accept-Language",
			values: map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "empty", "Accept-Encoding": "gzip, deflate, br, zstd"},
			source: "Fetch Metadata §2 (sent to potentially trustworthy URLs); Chromium's Accept-Encoding on secure connections"},
	}
	for _, tc := range tests {
		got := probe.WireHeaders("chrome", "", page, tc.req, tc.preflight)
		if names(got) != tc.want {
			t.Errorf("%s: names\n got %s\nwant %s (%s)", tc.desc, names(got), tc.want, tc.source)
		}
		for n, v := range tc.values {
			if g, _ := got.Get(n); g != v {
				t.Errorf("%s: %s = %q, want %q (%s)", tc.desc, n, g, v, tc.source)
			}
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		desc    string
		err     error
		kind    string
		chrome  string
		message string // a part of the message, when it matters
		source  string
	}{
		{desc: "DNS", err: &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, kind: "dns", chrome: "net::ERR_NAME_NOT_RESOLVED", source: "net_error_list.h NAME_NOT_RESOLVED"},
		{desc: "refused", err: &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, kind: "refused", chrome: "net::ERR_CONNECTION_REFUSED", source: "net_error_list.h CONNECTION_REFUSED"},
		{desc: "reset", err: &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, kind: "reset", chrome: "net::ERR_CONNECTION_RESET", source: "observed Chromium 156, e2e/probe"},
		{desc: "unknown authority", err: fmt.Errorf("tls: %w", x509.UnknownAuthorityError{}), kind: "tls-authority", chrome: "net::ERR_CERT_AUTHORITY_INVALID", source: "observed Chromium 156, e2e/probe"},
		{desc: "expired", err: x509.CertificateInvalidError{Reason: x509.Expired}, kind: "tls-expired", chrome: "net::ERR_CERT_DATE_INVALID", source: "net_error_list.h CERT_DATE_INVALID"},
		{desc: "host name", err: x509.HostnameError{Certificate: &x509.Certificate{}, Host: "a.test"}, kind: "tls-hostname", chrome: "net::ERR_CERT_COMMON_NAME_INVALID", source: "net_error_list.h CERT_COMMON_NAME_INVALID"},
		{desc: "dial timeout", err: &net.OpError{Op: "dial", Err: timeoutErr{}}, kind: "connect-timeout", chrome: "net::ERR_CONNECTION_TIMED_OUT", source: "net_error_list.h CONNECTION_TIMED_OUT"},
		{desc: "reply timeout: Chromium has no net error, it waits", err: fmt.Errorf("x: %w", context.DeadlineExceeded), kind: "timeout", chrome: "", source: "Fetch: no timeout without an AbortSignal"},
		{desc: "EOF before a reply", err: fmt.Errorf("Get: %w", io.EOF), kind: "empty-reply", chrome: "net::ERR_EMPTY_RESPONSE", source: "net_error_list.h EMPTY_RESPONSE"},
		{desc: "a TCP connection ended by --connect-timeout", err: fmt.Errorf("Get: %w", &probe.TimeoutError{Stage: "the TCP connection", Flag: "--connect-timeout", Err: timeoutErr{}}),
			kind: "connect-timeout", chrome: "net::ERR_CONNECTION_TIMED_OUT", message: "the TCP connection did not complete within --connect-timeout", source: "net_error_list.h CONNECTION_TIMED_OUT; issue 21: name the timeout that fired"},
		{desc: "a TLS handshake ended by --connect-timeout: no Chromium error claimed (none recorded)", err: fmt.Errorf("Get: %w", &probe.TimeoutError{Stage: "the TLS handshake", Flag: "--connect-timeout", Err: context.DeadlineExceeded}),
			kind: "connect-timeout", chrome: "", message: "the TLS handshake did not complete within --connect-timeout", source: "issue 21: a stalled handshake stops at --connect-timeout"},
		{desc: "a TLS handshake ended by the whole probe's --timeout", err: fmt.Errorf("Get: %w", &probe.TimeoutError{Stage: "the TLS handshake", Flag: "--timeout", Err: context.DeadlineExceeded}),
			kind: "timeout", chrome: "", message: "the TLS handshake did not complete within --timeout", source: "issue 21"},
		{desc: "net/http's own handshake limit through a proxy tunnel", err: fmt.Errorf("Get: %w", errors.New("net/http: TLS handshake timeout")),
			kind: "connect-timeout", chrome: "", message: "within --connect-timeout", source: "net/http Transport.TLSHandshakeTimeout, set to --connect-timeout"},
	}
	for _, tc := range tests {
		ne := probe.Classify(tc.err, false)
		if ne.Kind != tc.kind || ne.Chrome != tc.chrome || ne.Message == "" || !strings.Contains(ne.Message, tc.message) {
			t.Errorf("%s: got %q %q %q, want %q %q %q (%s)", tc.desc, ne.Kind, ne.Chrome, ne.Message, tc.kind, tc.chrome, tc.message, tc.source)
		}
	}
	if ne := probe.Classify(errors.New("x"), true); !strings.HasPrefix(ne.Message, "preflight: ") || !ne.Preflight {
		t.Errorf("preflight failure not named: %+v", ne)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// TestRawReplyOrder sends a reply whose CORS lines Go's header map would
// regroup, and checks the record keeps them as sent: two
// Access-Control-Allow-Origin lines apart, around another field.
func TestRawReplyOrder(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			br := bufio.NewReader(c)
			for {
				l, err := br.ReadString('\n')
				if err != nil || l == "\r\n" {
					break
				}
			}
			c.Write([]byte("HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: http://app.test\r\nX-B: 1\r\nAccess-Control-Allow-Origin: http://app.test\r\nContent-Length: 0\r\n\r\n"))
			c.Close()
		}
	}()
	rec, err := probe.Run(context.Background(), probe.Options{Origin: "http://app.test", URL: "http://" + ln.Addr().String() + "/", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	want := "[{Access-Control-Allow-Origin http://app.test} {X-B 1} {Access-Control-Allow-Origin http://app.test} {Content-Length 0}]"
	if got := fmt.Sprint(rec.Scenario.Response.Header); got != want {
		t.Errorf("reply %s, want %s", got, want)
	}
	// Chromium joins the two lines and reports multiple values (reference
	// browser-cors.md §2.3 kMultipleAllowOriginValues).
	if rec.Verdict == nil || rec.Verdict.Reason != "MultipleAllowOriginValues" || rec.Probe.Exchanges[0].ReplyOrder != "wire" {
		t.Errorf("verdict %+v order %q, want MultipleAllowOriginValues from wire order", rec.Verdict, rec.Probe.Exchanges[0].ReplyOrder)
	}
}

// TestHTTP2 checks that a server offering h2 through ALPN is spoken to in
// HTTP/2, and that the reply is then recorded by name.
func TestHTTP2(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	rec, err := probe.Run(context.Background(), probe.Options{Origin: "http://app.test", URL: srv.URL + "/", RootCAs: pool, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	x := rec.Probe.Exchanges[0]
	if x.Proto != "HTTP/2.0" || x.ReplyOrder != "by-name" || rec.Probe.Outcome != probe.Allowed {
		t.Errorf("proto %q order %q outcome %q, want HTTP/2.0 by-name allowed", x.Proto, x.ReplyOrder, rec.Probe.Outcome)
	}
}

func TestScenarioOf(t *testing.T) {
	tests := []struct {
		desc string
		in   string
		ok   bool
	}{
		{desc: "record", in: `{"scenario":{"request":{}},"verdict":{}}`, ok: true},
		{desc: "plain scenario", in: `{"request":{}}`, ok: false},
		{desc: "scenario not an object", in: `{"scenario":"x"}`, ok: false},
		{desc: "not JSON", in: `{`, ok: false},
	}
	for _, tc := range tests {
		if _, ok := probe.ScenarioOf([]byte(tc.in)); ok != tc.ok {
			t.Errorf("%s: ok %v, want %v", tc.desc, ok, tc.ok)
		}
	}
}

// TestRequestHeadOrder checks the bytes a server receives: the field
// lines of Chromium 156's requests over plain http, in its order
// (e2e/chromium testdata/observed-chromium.json: accept-129 for the
// preflight; mode-no-cors-post-header for Content-Length after
// Connection).
func TestRequestHeadOrder(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	heads := make(chan []string, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			br := bufio.NewReader(c)
			var names []string
			first, _ := br.ReadString('\n')
			for {
				l, err := br.ReadString('\n')
				if err != nil || l == "\r\n" {
					break
				}
				n, _, _ := strings.Cut(l, ":")
				names = append(names, n)
			}
			heads <- names
			if strings.HasPrefix(first, "POST") {
				io.CopyN(io.Discard, br, 2)
			}
			c.Write([]byte("HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: http://app.test\r\nAccess-Control-Allow-Methods: POST\r\nAccess-Control-Allow-Headers: x-api-key\r\n\r\n"))
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	body := "{}"
	_, err = probe.Run(context.Background(), probe.Options{Origin: "http://app.test", URL: "http://api.test:" + port + "/x", Method: "POST", Body: &body,
		Headers: list("X-Api-Key", "k"), Send: true, Timeout: 5 * time.Second,
		Resolve: map[string]string{"api.test:" + port: "127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(heads) != 2 {
		t.Fatalf("the server saw %d requests, want the preflight and the POST", len(heads))
	}
	pre, act := strings.Join(<-heads, ","), strings.Join(<-heads, ",")
	wantPre := "Host,Connection,Accept,Access-Control-Request-Method,Access-Control-Request-Headers,Origin,User-Agent,Sec-Fetch-Mode,Referer,Accept-Encoding,Accept-Language"
	if pre != wantPre {
		t.Errorf("preflight fields\n got %s\nwant %s (observed-chromium.json accept-129)", pre, wantPre)
	}
	wantAct := "Host,Connection,Content-Length,X-Api-Key,User-Agent,Content-Type,Accept,Origin,Referer,Accept-Encoding,Accept-Language"
	if act != wantAct {
		t.Errorf("POST fields\n got %s\nwant %s (observed-chromium.json mode-no-cors-post-header and pf-header-order-acrh)", act, wantAct)
	}
}

func TestReorderHead(t *testing.T) {
	head := "GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: u\r\nB: 1\r\nA: 2\r\nA: 3\r\n"
	got := string(probe.ReorderHead([]byte(head), list("Connection", "", "A", "", "User-Agent", "", "B", "")))
	want := "GET / HTTP/1.1\r\nHost: a\r\nA: 2\r\nA: 3\r\nUser-Agent: u\r\nB: 1\r\n"
	if got != want {
		t.Errorf("got %q, want %q (repeated lines keep their order, RFC 9110 §5.3)", got, want)
	}
}

// TestProxy sends through a forward proxy (absolute-form request target,
// RFC 9112 §3.2.2), as HTTP_PROXY makes the probe do.
func TestProxy(t *testing.T) {
	var target string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target = r.RequestURI
		w.Header().Set("Access-Control-Allow-Origin", "http://app.test")
	}))
	defer proxy.Close()
	pu, _ := url.Parse(proxy.URL)
	rec, err := probe.Run(context.Background(), probe.Options{Origin: "http://app.test", URL: "http://api.test/x", Proxy: http.ProxyURL(pu), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if target != "http://api.test/x" || rec.Probe.Outcome != probe.Allowed || rec.Probe.Exchanges[0].ReplyOrder != "wire" {
		t.Errorf("proxy saw %q, outcome %q, order %q; want the absolute URL, allowed, wire order", target, rec.Probe.Outcome, rec.Probe.Exchanges[0].ReplyOrder)
	}
}

// TestLimits: a body beyond MaxBodyBytes is not read to the end, and a
// head beyond 256 KiB is a network error, as Chromium's
// ERR_RESPONSE_HEADERS_TOO_BIG.
func TestLimits(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		if r.URL.Path == "/big-head" {
			w.Header().Set("X-Big", strings.Repeat("a", probe.MaxHeadBytes+1))
		}
		w.Write([]byte(strings.Repeat("b", 4096)))
	}))
	defer srv.Close()
	rec, err := probe.Run(context.Background(), probe.Options{Origin: "http://app.test", URL: srv.URL + "/body", MaxBodyBytes: 100, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if x := rec.Probe.Exchanges[0]; x.BodyBytes != 100 || !x.BodyTruncated {
		t.Errorf("body %d truncated %v, want 100 true", x.BodyBytes, x.BodyTruncated)
	}
	rec, err = probe.Run(context.Background(), probe.Options{Origin: "http://app.test", URL: srv.URL + "/big-head", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if ne := rec.Probe.NetworkError; ne == nil || ne.Chrome != "net::ERR_RESPONSE_HEADERS_TOO_BIG" {
		t.Errorf("network error %+v, want ERR_RESPONSE_HEADERS_TOO_BIG", ne)
	}
}

func FuzzReorderHead(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: u\r\nB: 1\r\n"), "Connection,B,User-Agent")
	f.Add([]byte("OPTIONS * HTTP/1.1\r\n"), "")
	f.Add([]byte("x"), "Host")
	f.Fuzz(func(t *testing.T, head []byte, names string) {
		var order headers.List
		for _, n := range strings.Split(names, ",") {
			order = append(order, headers.Field{Name: n})
		}
		out := probe.ReorderHead(head, order)
		sorted := func(b []byte) string {
			ls := strings.SplitAfter(string(b), "\r\n")
			slices.Sort(ls)
			return strings.Join(ls, "")
		}
		if len(out) != len(head) || sorted(out) != sorted(head) {
			t.Errorf("not a reordering of the lines:\n%q\n%q", head, out)
		}
	})
}
