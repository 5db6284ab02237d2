// Package chromium is the differential harness: it drives a real headless
// Chromium (through chromedp) against a loopback server whose replies each
// exchange controls, records what the server received and what the page saw,
// and compares both with engine/explain, field by field.
//
// Run it with
//
//	go test ./e2e/chromium                                 # every exchange
//	go test ./e2e/chromium -run 'TestChromium/pf-acao-missing'  # one exchange
//	WHYCORS_RECORD=/tmp/observed.json go test ./e2e/chromium    # also record
//
// CHROME_PATH picks the browser (default /usr/lib/chromium/chromium, then
// /usr/bin/chromium); without one the test skips. WHYCORS_DIFF=report
// reports disagreements with explain without failing; WHYCORS_TABS sets how
// many tabs run exchanges at once (default 3).
//
// How the harness reads Chromium (these are the definitions the verdict is
// compared against):
//
//   - Every *.test host resolves to the loopback server
//     (--host-resolver-rules "MAP *.test 127.0.0.1:PORT"); the rule's port
//     replaces the URL's, so origins stay http://app.test, http://api.test.
//     Each exchange's URL path gets the prefix /t/<id>, so the preflight
//     cache (keyed by URL) never answers for another exchange, and every
//     request, console line and network event is filed under its exchange.
//   - allowed: the fetch() promise resolved (an opaque or opaqueredirect
//     response counts as allowed). exception: String(error) when it rejected.
//   - status, type, readable_headers: response.status, response.type and
//     the names response.headers iterates (lowercase, sorted).
//   - reason: corsErrorStatus.corsError of the request's
//     Network.loadingFailed (the preflight's own entry as fallback). Empty
//     when CDP names none: a TypeError before any request, same-origin or
//     no-cors redirect mode, a transport failure, a redirect to a bad scheme.
//   - console: the text of every DevTools Log-domain entry (sources
//     "javascript" and "network", all levels) whose url or text holds the
//     exchange's URL, in arrival order. That is the "Access to fetch at ..."
//     and "Fetch API cannot load ..." lines plus the "Failed to load
//     resource: ..." lines Chromium prints after them and for allowed
//     non-2xx responses. console.* calls of the page are not included.
//   - preflight.sent / preflight.headers / actual_sent: what the server
//     received: an OPTIONS request carrying Access-Control-Request-Method
//     is the preflight; any other request to the exchange's path is the
//     actual request.
//   - requests: every request the server received under the exchange's
//     prefix, on any host, in arrival order (Received), with the status it
//     answered (0 when it closed the connection): the URL is the Host line
//     and the request target (a proxy request's absolute target), Origin,
//     Access-Control-Request-Method and -Headers as sent.
//   - The server answers each URL of the scenario by host and path: the
//     request's URL with preflight and response, each route's URL with its
//     replies, any other URL under the exchange's prefix as an
//     unconfigured server (OPTIONS 404, the rest 200, no headers).
//
// A scenario with a policy (the corpus's cdn-* sessions use S3's) is
// answered by the engine's evaluator of that policy, with the scenario's
// replies as the application behind it, as explain's server does: the
// harness checks the browser, and the replies a policy gives are inputs
// here (the formats have their own ground truth).
//
// A scenario with a cdn has a CDN in front of the server for its
// exchange: the harness serves stored replies as engine/cdn says, on the
// wall clock. It does not run nginx in front: engine/cdn is checked
// reply by reply against nginx's proxy_cache in e2e/cdn, and here what is
// on trial is the browser: which requests it sends (with which Origin,
// and whether its own HTTP cache answers instead), and what it makes of a
// reply stored for another request. Running nginx would need a second
// hop per exchange and its log to tell which requests it answered. A
// request the CDN answers is recorded with FromCDN (the application
// behind it never sees it).
//
// The loopback server writes replies byte for byte: Go's net/http
// canonicalizes header names, folds duplicate lines into its map and trims
// values, so it would hide exactly the faults the engine must explain
// (two Access-Control-Allow-Origin lines, "true " and the like).
package chromium

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/cdn"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/wire"
)

// Formats is the registry the harnesses read a scenario's policy with,
// in the loopback server and in explain (Options).
func Formats() *policy.Registry { return all.Registry() }

// Options are the explain options every harness judges a scenario with:
// every format (a scenario with a policy, the cdn-* sessions), no
// advisor (no warnings or fixes to compare).
func Options() explain.Options { return explain.Options{Formats: Formats()} }

// Bounds on what the server reads from one connection; Chromium's requests
// in this harness are far below them.
const (
	maxLineBytes   = 16 << 10
	maxHeaderLines = 200
	maxBodyBytes   = 1 << 20
	connDeadline   = 15 * time.Second
)

// PagePath is the path of the blank page each tab loads on the page origin.
const PagePath = "/"

// The page of a scenario whose request.origin is "null" (an opaque
// origin): SandboxedPagePath on OpaquePageHost, served with
// Content-Security-Policy: sandbox allow-scripts, which gives the document
// an opaque origin (https://html.spec.whatwg.org/multipage/browsers.html#sandboxing:
// without allow-same-origin the sandboxed origin browsing context flag is
// set; CSP's sandbox directive applies it to the document,
// https://w3c.github.io/webappsec-csp/#directive-sandbox) while its scripts
// still run; web-platform-tests' fetch/api/cors/sandboxed-iframe.html and
// cors/origin.htm's "null" cases fetch from such documents.
const (
	SandboxedPagePath = "/sandboxed"
	OpaquePageHost    = "http://app.test"
)

// PageURL returns the URL of the harness page a fetch from origin runs on:
// origin's blank page, or the sandboxed page for "null".
func PageURL(origin string) string {
	if origin == "null" {
		return OpaquePageHost + SandboxedPagePath
	}
	return origin + PagePath
}

// Received is one request as it reached the server.
type Received struct {
	Host   string       `json:"host"`
	Method string       `json:"method"`
	Target string       `json:"target"`
	Header headers.List `json:"headers"`
	Body   string       `json:"body,omitempty"`
	// Status is what the server answered: 0 when it closed the
	// connection without a reply.
	Status int `json:"status"`
	// FromCDN: the exchange's CDN answered from its cache (scenario
	// "cdn").
	FromCDN bool `json:"from_cdn,omitempty"`
	// TLS: the request came over TLS (an https: URL).
	TLS bool `json:"tls,omitempty"`
	// Reply are the header lines answered, kept for exchanges with a
	// policy or a CDN, whose replies are not the scenario's as written.
	Reply headers.List `json:"reply_headers,omitempty"`
}

// IsPreflight reports whether r is a CORS-preflight request: an OPTIONS
// request carrying Access-Control-Request-Method (Fetch §4.8 "CORS-preflight
// fetch" step 2-3). A page-made OPTIONS fetch lacks that header.
func (r Received) IsPreflight() bool {
	return r.Method == "OPTIONS" && r.Header.Has("Access-Control-Request-Method")
}

// route is what the server answers at one URL of an exchange.
type route struct {
	preflight *explain.Reply
	response  *explain.Reply
}

// Server is a loopback HTTP/1.1 server that answers each exchange's path
// with the replies registered for it and records every request.
type Server struct {
	ln net.Listener
	// spaces are further listeners, each of which a browser may be told
	// is in another IP address space (Listen).
	spaces []net.Listener
	// tls answers a connection whose first byte opens a TLS handshake,
	// with a certificate for *.test made when the server starts (SPKI).
	tls  *tls.Config
	spki string

	mu     sync.Mutex
	routes map[string]route      // by routeKey: host and path, without the query
	tokens map[string]bool       // exchange tokens with a registered path
	seen   map[string][]Received // by exchange token (see Token)
	// front is the policy and the CDN of an exchange that has them, by
	// token.
	front map[string]*front
	wg    sync.WaitGroup
}

// front is what answers an exchange before its replies: its CDN, on the
// wall clock (last is when the CDN's clock was last moved), and its
// policy's evaluator.
type front struct {
	cdn  *cdn.Cache
	last time.Time
	eval policy.Evaluator
}

// NewServer listens on 127.0.0.1 on a random port.
func NewServer() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	cfg, spki, err := testCertificate()
	if err != nil {
		ln.Close()
		return nil, err
	}
	s := &Server{ln: ln, tls: cfg, spki: spki, routes: map[string]route{}, tokens: map[string]bool{}, seen: map[string][]Received{}, front: map[string]*front{}}
	s.wg.Add(1)
	go s.serve(ln)
	return s, nil
}

// Listen opens one more port on 127.0.0.1 that serves as the first does,
// for hosts a browser is told are in another IP address space
// (Chromium's --ip-address-space-overrides names ports).
func (s *Server) Listen() (port int, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	s.spaces = append(s.spaces, ln)
	s.mu.Unlock()
	s.wg.Add(1)
	go s.serve(ln)
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// SPKI is the base64 SHA-256 of the server certificate's public key, for
// Chromium's --ignore-certificate-errors-spki-list: the browser trusts
// this certificate, and only it, so https pages are secure contexts.
func (s *Server) SPKI() string { return s.spki }

// testCertificate makes a self-signed certificate for *.test, valid for a
// day around now, with the TLS configuration that serves it.
func testCertificate() (*tls.Config, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, "", err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: "whycors harness"},
		NotBefore:    now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		DNSNames:    []string{"*.test", "*.pub.test", "*.lan.test"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, "", err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	// HTTP/1.1 only: the server reads requests line by line.
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, NextProtos: []string{"http/1.1"}}
	return cfg, base64.StdEncoding.EncodeToString(sum[:]), nil
}

// Port is the port the server listens on.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Close stops the server and waits for its connections.
func (s *Server) Close() error {
	err := s.ln.Close()
	s.mu.Lock()
	for _, ln := range s.spaces {
		ln.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

// Handle registers the replies for host and path (the query is ignored):
// preflight answers OPTIONS requests that carry
// Access-Control-Request-Method, response answers everything else. A nil
// preflight means 404 with no headers and a nil response 200 with no
// headers, as the scenario contract says (shared/design.md). A reply with
// status 0 closes the connection without answering. Another URL under the
// same exchange (a redirect target such as /t/<id>/moved, on any host)
// answers as an unconfigured server does: OPTIONS 404, the rest 200, no
// headers.
func (s *Server) Handle(host, path string, preflight, response *explain.Reply) {
	s.mu.Lock()
	s.routes[routeKey(host, path)] = route{preflight: preflight, response: response}
	if tok := Token(path + "/"); tok != "" {
		s.tokens[tok] = true
	}
	s.mu.Unlock()
}

// HandleScenario registers the replies of the scenario the browser runs
// (Effective): its own at its URL and each route's at the route's URL.
func (s *Server) HandleScenario(sc explain.Scenario) error {
	u, err := url.Parse(sc.Request.URL)
	if err != nil {
		return err
	}
	// The server matches the request target as sent, percent-encoded
	// (a Location such as /caf%C3%A9), so each path is registered escaped.
	s.Handle(u.Host, u.EscapedPath(), sc.Preflight, sc.Response)
	if sc.CDN != nil || sc.Policy != nil {
		f := &front{}
		if sc.CDN != nil {
			f.cdn = cdn.New(*sc.CDN)
		}
		if sc.Policy != nil {
			ff, err := Formats().Resolve(sc.Policy.Format, policy.Source{Text: sc.Policy.Text})
			if err != nil {
				return fmt.Errorf("policy: %w", err)
			}
			if f.eval, err = ff.Parse(sc.Policy.Text); err != nil {
				return fmt.Errorf("policy: %w", err)
			}
		}
		s.mu.Lock()
		s.front[Token(u.Path+"/")] = f
		s.mu.Unlock()
	}
	for i, r := range sc.Routes {
		u, err := url.Parse(r.URL)
		if err != nil {
			return fmt.Errorf("routes[%d]: %w", i, err)
		}
		s.Handle(u.Host, u.EscapedPath(), r.Preflight, r.Response)
	}
	return nil
}

// routeKey is host (as the URL parser serializes it: lowercase, IDNA,
// no default port) and path.
func routeKey(host, path string) string {
	if u, err := origin.ParseURL("http://" + host + "/"); err == nil {
		host = u.Host
		if u.Port != "" {
			host += ":" + u.Port
		}
	}
	return host + " " + path
}

// Seen returns the requests received for the exchange token, in arrival
// order.
func (s *Server) Seen(token string) []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.seen[token]...)
}

// Token returns the exchange token of a request path: the first two
// segments, "/t/<id>/". Paths outside /t/ have no token.
func Token(path string) string {
	if !strings.HasPrefix(path, "/t/") {
		return ""
	}
	rest := path[3:]
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return ""
	}
	return "/t/" + rest[:i+1]
}

func (s *Server) serve(ln net.Listener) {
	defer s.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.handle(c)
		}()
	}
}

// handle reads one request and writes one reply, then closes the
// connection. Closing delimits a body sent without Content-Length
// (RFC 9112 §6.3 rule 8), so the reply carries exactly the scenario's
// header lines and nothing the harness added.
func (s *Server) handle(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(connDeadline))
	br := bufio.NewReaderSize(c, 4096)
	// A first byte 0x16 opens a TLS handshake (RFC 8446 §5.1, content
	// type handshake): the same port serves http: and https: URLs, as
	// the host resolver rules map a host, not a scheme, to it.
	isTLS := false
	if b, err := br.Peek(1); err == nil && b[0] == 0x16 {
		tc := tls.Server(&peekedConn{Conn: c, r: br}, s.tls)
		if tc.Handshake() != nil {
			return
		}
		c, br, isTLS = tc, bufio.NewReaderSize(tc, 4096), true
	}
	req, err := readRequest(br)
	if err != nil {
		return
	}
	req.TLS = isTLS
	path := req.Target
	// A browser talking to the server as its HTTP proxy (Firefox has no
	// host-resolver rules) sends the absolute form (RFC 9112 §3.2.2).
	if rest, ok := strings.CutPrefix(path, "http://"); ok {
		host, p, _ := strings.Cut(rest, "/")
		req.Host, path = host, "/"+p
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	var reply explain.Reply
	switch {
	case path == PagePath && req.Method == "GET":
		reply = explain.Reply{Status: 200, Header: headers.List{{Name: "Content-Type", Value: "text/html; charset=utf-8"}},
			Body: "<!doctype html><meta charset=utf-8><title>whycors harness</title><p>whycors harness page</p>"}
	case path == SandboxedPagePath && req.Method == "GET":
		reply = explain.Reply{Status: 200, Header: headers.List{
			{Name: "Content-Type", Value: "text/html; charset=utf-8"},
			{Name: "Content-Security-Policy", Value: "sandbox allow-scripts"},
		}, Body: "<!doctype html><meta charset=utf-8><title>whycors harness</title><p>whycors harness page, opaque origin</p>"}
	default:
		s.mu.Lock()
		r, ok := s.routes[routeKey(req.Host, path)]
		known := s.tokens[Token(path)]
		s.mu.Unlock()
		switch {
		case !ok && known && req.IsPreflight():
			reply = explain.Reply{Status: 404}
		case !ok && known:
			reply = explain.Reply{Status: 200}
		case !ok:
			reply = explain.Reply{Status: 404}
		case req.IsPreflight() && r.preflight == nil:
			reply = explain.Reply{Status: 404}
		case req.IsPreflight():
			reply = *r.preflight
		case r.response == nil:
			reply = explain.Reply{Status: 200}
		default:
			reply = *r.response
		}
	}
	if f := s.frontOf(Token(path)); f != nil {
		reply, req.FromCDN = s.answerFront(f, req, reply)
		req.Reply = reply.Header
	}
	if tok := Token(path); tok != "" {
		req.Status = reply.Status
		s.mu.Lock()
		s.seen[tok] = append(s.seen[tok], req)
		s.mu.Unlock()
	}
	if reply.Status == 0 {
		// Status 0 is the harness's way to fail the exchange at the
		// transport: no reply at all (Chromium: net::ERR_EMPTY_RESPONSE).
		return
	}
	_, _ = c.Write(rawReply(reply, req.Method == "HEAD"))
}

// peekedConn is a connection whose first bytes a bufio.Reader has read
// ahead: reads go through it, writes straight to the connection.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (p *peekedConn) Read(b []byte) (int, error) { return p.r.Read(b) }

func (s *Server) frontOf(tok string) *front {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.front[tok]
}

// answerFront answers req through the exchange's CDN, when it has one (a
// stored reply, or the server's, which the CDN may store), and its
// policy, when it has one (app is the scenario's reply, the application
// behind it). The request is the model's wire.Request: its URL as the
// browser serializes it, its header lines as received.
func (s *Server) answerFront(f *front, r Received, app explain.Reply) (explain.Reply, bool) {
	req := wire.Request{Method: r.Method, URL: SentRequests([]Received{r})[0].URL, Header: r.Header}
	server := func() wire.Outcome {
		if f.eval == nil || app.Status == 0 {
			return wire.Outcome{Reply: app}
		}
		return f.eval.Respond(req, app)
	}
	if f.cdn == nil {
		return server().Reply, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if !f.last.IsZero() {
		f.cdn.Advance(now.Sub(f.last).Seconds())
	}
	f.last = now
	if e, _ := f.cdn.Lookup(req); e != nil {
		return e.Outcome.Reply, true
	}
	out := server()
	f.cdn.Store(req, out, "")
	return out.Reply, false
}

// rawReply serializes reply exactly: header names as given, lines in order,
// values untouched.
func rawReply(r explain.Reply, head bool) []byte {
	var b strings.Builder
	b.WriteString("HTTP/1.1 ")
	b.WriteString(strconv.Itoa(r.Status))
	b.WriteByte(' ')
	b.WriteString(http.StatusText(r.Status))
	b.WriteString("\r\n")
	for _, f := range r.Header {
		b.WriteString(f.Name)
		b.WriteString(": ")
		b.WriteString(f.Value)
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	// 1xx, 204 and 304 replies have no content (RFC 9110 §6.4.1).
	if !head && r.Status != 204 && r.Status != 304 && r.Status >= 200 {
		b.WriteString(r.Body)
	}
	return []byte(b.String())
}

var errRequest = errors.New("chromium harness: malformed request")

// readRequest parses one HTTP/1.1 request, keeping header names as sent
// and lines in order.
func readRequest(br *bufio.Reader) (Received, error) {
	line, err := readLine(br)
	if err != nil {
		return Received{}, err
	}
	parts := strings.Split(line, " ")
	if len(parts) != 3 || !strings.HasPrefix(parts[2], "HTTP/") {
		return Received{}, errRequest
	}
	req := Received{Method: parts[0], Target: parts[1]}
	for n := 0; ; n++ {
		if n > maxHeaderLines {
			return Received{}, errRequest
		}
		line, err := readLine(br)
		if err != nil {
			return Received{}, err
		}
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return Received{}, errRequest
		}
		req.Header = append(req.Header, headers.Field{Name: name, Value: strings.Trim(value, " \t")})
	}
	req.Host, _ = req.Header.Get("Host")
	if cl, ok := req.Header.Get("Content-Length"); ok {
		n, err := strconv.Atoi(cl)
		if err != nil || n < 0 || n > maxBodyBytes {
			return Received{}, errRequest
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(br, body); err != nil {
			return Received{}, err
		}
		req.Body = string(body)
	}
	return req, nil
}

func readLine(br *bufio.Reader) (string, error) {
	var b []byte
	for {
		chunk, isPrefix, err := br.ReadLine()
		if err != nil {
			return "", err
		}
		b = append(b, chunk...)
		if len(b) > maxLineBytes {
			return "", errRequest
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}
