package attack

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/internal/probe"
)

// Severities, from worst to mildest. The scale is fixed:
//
//   - high: a page on an origin anyone can obtain (registering a domain,
//     or a sandboxed iframe for "null") reads the reply with the victim's
//     cookies: the server answers with the attacker's origin and
//     Access-Control-Allow-Credentials: true.
//   - medium: the same credentialed read, from an origin that needs more
//     than a domain: a host under the trusted domain (a subdomain takeover
//     or an XSS there) or a network position (a page over plain http).
//   - low: the origin is accepted without credentials (the page reads what
//     an anonymous request gets, which matters when the server trusts its
//     network, such as an intranet or an IP allow-list), or only its
//     preflight passes (it can send requests it cannot read).
const (
	High   = "high"
	Medium = "medium"
	Low    = "low"
)

// SessionCookie is the Cookie header of the battery's credentialed GET:
// the victim's browser has a session with the server, and some servers
// answer differently when a request carries cookies (Starlette's
// CORSMiddleware echoes the origin instead of "*" then).
const SessionCookie = "session=whycors-attack"

// BodyPreview is how many bytes of a readable reply a finding shows.
const BodyPreview = 256

// Options is one URL's battery.
type Options struct {
	// URL is the address probed; nothing else is requested.
	URL string
	// Origin is the origin the server means to trust; "" is URL's own.
	Origin string
	// Probe carries how requests are sent (browser, timeouts, TLS,
	// --resolve, proxy, engine); its Origin, URL, Method, Headers,
	// Credentials and Body are set for each request.
	Probe probe.Options
}

// Read is what a page on the attacker's origin reads from the reply.
type Read struct {
	Credentials bool     `json:"credentials"`
	Status      int      `json:"status"`
	Headers     []string `json:"headers"`
	BodyBytes   int64    `json:"body_bytes"`
	Body        string   `json:"body,omitempty"`
	// AllowOrigin is the Access-Control-Allow-Origin the server sent.
	AllowOrigin string `json:"allow_origin"`
}

// Finding is a candidate origin the server accepts.
type Finding struct {
	Candidate
	Severity string `json:"severity"`
	// Read is what the attacker's page reads of a GET; nil when only the
	// preflight passes.
	Read *Read `json:"read,omitempty"`
	// Preflight is set when a preflighted request (PUT with
	// Content-Type: application/json) passes its preflight from Origin.
	Preflight bool `json:"preflight"`
	// Fix is the change to the configuration, when one was given.
	Fix *Fix `json:"fix,omitempty"`
}

// Result is the battery's outcome for one URL.
type Result struct {
	URL    string `json:"url"`
	Origin string `json:"origin"`
	// Trusted reports whether the trusted origin itself may read a GET
	// (with credentials when CredentialsTrusted): context for the
	// findings, and a hint that --origin is wrong when it is not.
	Trusted            bool      `json:"trusted"`
	CredentialsTrusted bool      `json:"credentials_trusted"`
	Findings           []Finding `json:"findings"`
	// Requests counts the requests sent.
	Requests int `json:"requests"`
	// Error is why the battery could not run (bad input, no HTTP reply).
	Error string `json:"error,omitempty"`
}

// Run sends the battery to o.URL: for each candidate, a GET with
// credentials (carrying SessionCookie, as a logged-in victim's browser
// would), then (when that is refused) a GET without, then the preflight
// of a PUT with Content-Type: application/json. The PUT itself is never
// sent.
func Run(ctx context.Context, o Options) Result {
	res := Result{URL: o.URL, Origin: o.Origin, Findings: []Finding{}}
	u, err := origin.ParseURL(o.URL)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	if res.Origin == "" {
		res.Origin = u.Origin().String()
	}
	cands, err := Derive(res.Origin)
	if err != nil {
		res.Error = "--origin: " + err.Error()
		return res
	}
	send := func(org, method, creds string) (*probe.Record, bool) {
		p := o.Probe
		p.Origin, p.URL, p.Method, p.Credentials, p.Body, p.Send = org, o.URL, method, creds, nil, false
		p.Headers = nil
		p.KeepBody = BodyPreview
		p.Cookie = SessionCookie
		if method == "PUT" {
			p.Headers = headers.List{{Name: "Content-Type", Value: "application/json"}}
		}
		rec, err := probe.Run(ctx, p)
		if err != nil {
			res.Error = err.Error()
			return nil, false
		}
		for _, x := range rec.Probe.Exchanges {
			if x.Sent {
				res.Requests++
			}
		}
		if rec.Probe.Outcome == probe.NetworkFailure {
			res.Error = rec.Probe.NetworkError.Message
			return nil, false
		}
		return rec, true
	}
	rec, ok := send(res.Origin, "GET", "include")
	if !ok {
		return res
	}
	res.Trusted, res.CredentialsTrusted = rec.Probe.Outcome == probe.Allowed, rec.Probe.Outcome == probe.Allowed
	if !res.Trusted {
		if rec, ok = send(res.Origin, "GET", "omit"); !ok {
			return res
		}
		res.Trusted = rec.Probe.Outcome == probe.Allowed
	}
	for _, c := range cands {
		f := Finding{Candidate: c}
		creds := "include"
		rec, ok := send(c.Origin, "GET", creds)
		if !ok {
			return res
		}
		if rec.Probe.Outcome != probe.Allowed {
			creds = "omit"
			if rec, ok = send(c.Origin, "GET", creds); !ok {
				return res
			}
		}
		if rec.Probe.Outcome == probe.Allowed {
			f.Read = readOf(rec, creds == "include")
		}
		pre, ok := send(c.Origin, "PUT", creds)
		if !ok {
			return res
		}
		f.Preflight = pre.Probe.Outcome == probe.PreflightPassed || pre.Probe.Outcome == probe.Allowed
		if f.Read == nil && !f.Preflight {
			continue
		}
		f.Severity = severity(f)
		res.Findings = append(res.Findings, f)
	}
	return res
}

// severity places a finding on the fixed scale.
func severity(f Finding) string {
	switch {
	case f.Read == nil || !f.Read.Credentials:
		return Low
	case f.Needs != "":
		return Medium
	}
	return High
}

// readOf is what the page reads of an allowed GET.
func readOf(rec *probe.Record, creds bool) *Read {
	r := &Read{Credentials: creds, Headers: []string{}}
	if v := rec.Verdict; v != nil {
		r.Status = v.Status
		r.Headers = append(r.Headers, v.ReadableHeaders...)
		if v.Reply != nil {
			r.AllowOrigin, _ = v.Reply.Header.Get("Access-Control-Allow-Origin")
		}
	}
	for _, x := range rec.Probe.Exchanges {
		if !x.Preflight && x.Sent {
			r.BodyBytes = x.BodyBytes
			r.Body = strings.ToValidUTF8(x.Body, string(utf8.RuneError))
		}
	}
	return r
}
