// Package probe asks a live server what a browser would ask for one
// fetch(), over real HTTP, and explains the answers with the engine.
//
// The browser model (engine/fetch) decides which requests the browser
// sends; a live fetch.Server sends each one on the network, exactly as the
// chosen browser builds it (WireHeaders), and records the reply. The
// recorded replies then become a scenario (engine/explain's contract), and
// the verdict is explain.Explain of that scenario, so `whycors explain` on
// the saved Record's scenario gives the same verdict.
//
// What is sent and what is not:
//
//   - The preflight, when the browser sends one, is always sent. Redirects
//     are never followed (a browser fails a redirected preflight; the
//     actual request's redirect target is reported, not fetched).
//   - The actual request is sent only when its method is GET or HEAD, or
//     when Options.Send is set: a DELETE against production is not a
//     diagnosis. When it is withheld the outcome is PreflightPassed.
//   - Header names go out with the case the browser uses, and over
//     HTTP/1.1 on a connection the probe makes itself in Chromium's order
//     (WireHeaders; Go's writer would send Host, User-Agent, then the rest
//     sorted by name, so the head is reordered on its way out, see
//     ReorderHead). Over HTTP/2, and inside an HTTPS proxy tunnel, the
//     order is Go's. Exchange.Header lists what is sent, in the browser's
//     order.
//   - Reply header lines are kept in wire order, repeated lines apart, when
//     the reply came over HTTP/1.x on a connection the probe made itself (a
//     copy of the bytes read is parsed with ParseHead). Over HTTP/2, or
//     through an HTTPS proxy tunnel, only Go's parsed header map is
//     available: lines are then grouped by name in sorted order, each
//     name's lines in wire order (Exchange.ReplyOrder says which).
//
// Networking: proxies from the environment (http.ProxyFromEnvironment),
// HTTP/2 when the server offers it through ALPN, a connect timeout and an
// overall timeout, TLS verification unless Options.Insecure, reply heads
// up to 256 KiB and bodies read up to Options.MaxBodyBytes.
package probe

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
)

// Defaults of Options.
const (
	DefaultTimeout        = 20 * time.Second
	DefaultConnectTimeout = 5 * time.Second
	DefaultMaxBodyBytes   = 1 << 20
)

// Outcomes of a probe.
const (
	// Allowed and Blocked are the verdict of explain for the recorded
	// replies.
	Allowed = "allowed"
	Blocked = "blocked"
	// PreflightPassed: the preflight passed and the actual request was
	// withheld (an unsafe method without Options.Send).
	PreflightPassed = "preflight-passed"
	// RedirectNotFollowed: the actual request was redirected, the redirect
	// passed the CORS check, and the probe did not follow it.
	RedirectNotFollowed = "redirect-not-followed"
	// NetworkFailure: a request got no HTTP reply (DNS, TLS, refused,
	// reset, timeout). Not a CORS verdict.
	NetworkFailure = "network-error"
)

// Options is one probe: the fetch() to imitate and how to send it.
type Options struct {
	Browser     string // chrome (default), firefox, safari, spec
	Origin      string // the page's origin
	URL         string
	Method      string // default GET
	Headers     headers.List
	Credentials string // omit, same-origin (default), include
	Body        *string
	// Send sends the actual request even when its method is not GET or
	// HEAD.
	Send bool
	// Timeout bounds the whole probe, ConnectTimeout each connection
	// (TCP and TLS handshake).
	Timeout, ConnectTimeout time.Duration
	// Insecure skips TLS certificate verification.
	Insecure bool
	// MaxBodyBytes is how much of a reply's body is read; the rest is not.
	MaxBodyBytes int64
	// KeepBody is how many bytes of the actual request's reply body are
	// kept in Exchange.Body (0 keeps none): what a page that may read the
	// reply would read (the attacker's battery shows it).
	KeepBody int
	// Cookie, when set, is sent as the Cookie header of an actual request
	// whose credentials mode is "include", last, as a browser with a
	// session for the URL sends it (never on a preflight).
	Cookie string
	// Resolve maps "host:port" to the address to connect to instead, as
	// curl --resolve does ("127.0.0.1" or "127.0.0.1:8080").
	Resolve map[string]string
	// UserAgent replaces the profile's User-Agent.
	UserAgent string
	// Proxy picks the proxy; nil means http.ProxyFromEnvironment.
	Proxy func(*http.Request) (*url.URL, error)
	// RootCAs replaces the system's trusted authorities (tests).
	RootCAs *x509.CertPool
	// Engine explains the recorded replies; its Advisor, when set, adds
	// warnings and fixes (the zero value explains without them).
	Engine explain.Options
}

// Exchange is one request on the wire and what came back.
type Exchange struct {
	Preflight bool   `json:"preflight"`
	Method    string `json:"method"`
	URL       string `json:"url"`
	// Header is every field the browser sends, in its order.
	Header headers.List `json:"header"`
	// Sent is false when the probe withheld the request; Withheld says why.
	Sent     bool         `json:"sent"`
	Withheld string       `json:"withheld,omitempty"`
	Proto    string       `json:"proto,omitempty"`
	Status   int          `json:"status,omitempty"`
	Reply    headers.List `json:"reply,omitempty"`
	// ReplyOrder is "wire" when Reply is in the order of the lines
	// received, "by-name" when it comes from Go's header map.
	ReplyOrder    string `json:"reply_order,omitempty"`
	BodyBytes     int64  `json:"body_bytes,omitempty"`
	BodyTruncated bool   `json:"body_truncated,omitempty"`
	BodyError     string `json:"body_error,omitempty"`
	// Body is the start of the reply's body, up to Options.KeepBody bytes
	// (actual requests only).
	Body   string    `json:"body,omitempty"`
	Millis int64     `json:"ms"`
	Error  *NetError `json:"error,omitempty"`
}

// Report is what the probe adds to the verdict.
type Report struct {
	Outcome   string     `json:"outcome"`
	Note      string     `json:"note,omitempty"`
	Exchanges []Exchange `json:"exchanges"`
	// NetworkError is the failure of a request that got no HTTP reply.
	NetworkError *NetError `json:"network_error,omitempty"`
	// PreflightSteps and PreflightCacheSeconds describe a passing
	// preflight whose actual request was withheld or redirected.
	PreflightSteps        []explain.Step `json:"preflight_steps,omitempty"`
	PreflightCacheSeconds int            `json:"preflight_cache_seconds,omitempty"`
}

// Record is a probe's result: a scenario with the replies received (so
// that it can be replayed with `whycors explain`), the verdict for it, and
// the probe's own report.
type Record struct {
	Scenario explain.Scenario `json:"scenario"`
	Verdict  *explain.Verdict `json:"verdict,omitempty"`
	Probe    Report           `json:"probe"`
}

// Run probes o.URL as o.Browser would for the fetch o describes. The
// error is only for input no page could produce (an *fetch.InputError
// list, or an unknown browser); everything the network does is in the
// Record.
func Run(ctx context.Context, o Options) (*Record, error) {
	p, ok := fetch.Lookup(o.Browser)
	if !ok {
		return nil, policy.Errors{{Path: "browser", Msg: "unknown browser " + quote(o.Browser) + "; want chrome, firefox, safari or spec"}}
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	in := fetch.Init{Method: o.Method, Headers: o.Headers, Credentials: o.Credentials, Body: o.Body}
	r, pre, err := p.NewRequest(o.Origin, o.URL, in)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	ls := &live{ctx: ctx, o: o, p: p}
	if r != nil {
		ls.page = r.Origin
	}
	res := p.Run(r, pre, ls)

	rec := &Record{Scenario: explain.Scenario{Browser: p.Name, Request: explain.Request{Origin: o.Origin, URL: o.URL, Init: in}}}
	rec.Probe.Exchanges = ls.ex
	if rec.Probe.Exchanges == nil {
		rec.Probe.Exchanges = []Exchange{}
	}
	for _, x := range ls.ex {
		if !x.Sent {
			continue
		}
		// A request that got no reply is status 0 in the scenario: "the
		// connection closed without answering", as explain reads it.
		rp := &explain.Reply{Status: x.Status, Header: x.Reply}
		if x.Error != nil {
			rp = &explain.Reply{Status: 0}
		}
		if rp.Header == nil {
			rp.Header = headers.List{}
		}
		if x.Preflight && rec.Scenario.Preflight == nil {
			rec.Scenario.Preflight = rp
		} else if !x.Preflight && rec.Scenario.Response == nil {
			rec.Scenario.Response = rp
		}
	}
	if ls.withheld != "" {
		rec.Probe.Outcome = PreflightPassed
		if ls.withheld == "redirect" {
			rec.Probe.Outcome = RedirectNotFollowed
			// The Location as the browser resolves it, and the tainted
			// origin only when the redirect leaves the URL's origin
			// (found as a new user would: "/echo/after", and "null"
			// said of a same-origin redirect).
			to, taint := ls.location, ""
			if base, err := origin.ParseURL(o.URL); err == nil {
				if u, err := base.Resolve(ls.location); err == nil {
					to = u.String()
					if !origin.SameOrigin(u.Origin(), base.Origin()) {
						taint = " with Origin: null (a redirect to another origin taints it)"
					}
				}
			}
			rec.Probe.Note = "the reply redirects and passed the CORS check; the browser would follow it to " + to + ", which the probe does not: probe that URL" + taint + "."
		} else {
			rec.Probe.Note = "the preflight passed; the actual " + ls.method + " was not sent because it is not a safe method (pass --send to send it and check its reply's CORS headers too)."
		}
		for _, c := range res.Checks {
			if strings.HasPrefix(c.ID, "actual.") || strings.HasPrefix(c.ID, "response.") {
				break
			}
			rec.Probe.PreflightSteps = append(rec.Probe.PreflightSteps, c)
		}
		rec.Probe.PreflightCacheSeconds = res.MaxAge
		return rec, nil
	}
	if ls.netErr != nil {
		// No HTTP reply, so no CORS check ran: a change to the CORS
		// headers cannot help, and the saved scenario says so too (its
		// replay proposes none either).
		off := false
		rec.Scenario.Fixes = &off
	}
	v, err := explain.Explain(rec.Scenario, o.Engine)
	if err != nil {
		return nil, err
	}
	rec.Verdict = &v
	switch {
	case ls.netErr != nil:
		rec.Probe.Outcome = NetworkFailure
		rec.Probe.NetworkError = ls.netErr
		netConsole(&v, ls.netErr)
		rec.Probe.Note = "no HTTP reply, so no CORS check ran: this is not a CORS error; fix the network or TLS problem first. (The saved scenario records it as status 0, which explain reads as a connection closed without a reply.)"
	case v.Allowed:
		rec.Probe.Outcome = Allowed
	default:
		rec.Probe.Outcome = Blocked
	}
	if v.Allowed != res.Allowed {
		rec.Probe.Note = "the live run and the replay of its replies disagree; please report this"
	}
	return rec, nil
}

// ScenarioOf returns the "scenario" member of a saved Record, so that a
// reader of scenarios (`whycors explain`) can take a probe's --json output
// as it is. ok is false when data is not a JSON object with a "scenario"
// object; the caller then reads data as a plain scenario.
func ScenarioOf(data []byte) (scenario []byte, ok bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return nil, false
	}
	s, ok := top["scenario"]
	if !ok || len(bytes.TrimSpace(s)) == 0 || bytes.TrimSpace(s)[0] != '{' {
		return nil, false
	}
	return s, true
}

// Unfinished returns the note of a probe record that stopped before the
// fetch's end (PreflightPassed, RedirectNotFollowed): its scenario has no
// reply for the request it did not send, so a replay would take one
// nobody received. ok is false for any other record or text.
func Unfinished(data []byte) (note string, ok bool) {
	var rec struct {
		Probe Report `json:"probe"`
	}
	if json.Unmarshal(data, &rec) != nil {
		return "", false
	}
	switch rec.Probe.Outcome {
	case PreflightPassed, RedirectNotFollowed:
		return rec.Probe.Note, true
	}
	return "", false
}

// ReorderHead puts the field lines of an HTTP/1.1 request head (request
// line and field lines, each ending in CRLF, without the final empty line)
// in the order of order: Host first, as Chromium sends it, then the fields
// of order in turn; fields order does not name (Content-Length,
// Transfer-Encoding) go right after Connection, where Chromium puts
// Content-Length (e2e/chromium recording mode-no-cors-post-header).
// Lines keep their bytes; only their order changes.
func ReorderHead(head []byte, order headers.List) []byte {
	if !bytes.HasSuffix(head, []byte("\r\n")) {
		return head // not a head as Go writes it: leave it alone
	}
	lines := strings.SplitAfter(string(head), "\r\n")
	if len(lines) < 2 {
		return head
	}
	rank := map[string]int{"host": -1}
	after := len(order) // where unknown fields go
	for i, f := range order {
		n := strings.ToLower(f.Name)
		if _, ok := rank[n]; !ok {
			rank[n] = 2 * i
		}
		if n == "connection" {
			after = 2*i + 1
		}
	}
	fields := lines[1:]
	if fields[len(fields)-1] == "" {
		fields = fields[:len(fields)-1]
	}
	key := func(l string) int {
		name, _, _ := strings.Cut(l, ":")
		if r, ok := rank[strings.ToLower(name)]; ok {
			return r
		}
		return after
	}
	sort.SliceStable(fields, func(a, b int) bool { return key(fields[a]) < key(fields[b]) })
	return []byte(lines[0] + strings.Join(fields, ""))
}
