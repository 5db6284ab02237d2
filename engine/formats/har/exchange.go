package har

import (
	"errors"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/raw"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

func list(h []nv) headers.List {
	out := make(headers.List, 0, len(h))
	for _, f := range h {
		out = append(out, headers.Field{Name: f.Name, Value: f.Value})
	}
	return out
}

// Request is the fetch as the HAR shows it.
type Request struct {
	Method string `json:"method"`
	URL    string `json:"url"`
	Origin string `json:"origin"`
	// Headers are the request headers the page could have set: the
	// entry's headers without those the browser adds itself (Host, Origin,
	// Cookie, User-Agent, Sec-*, ...). When only the preflight is in the
	// file, they are the names listed in its ACRH with empty values.
	Headers headers.List `json:"headers"`
	// Credentials is "include" when the request carried Cookie or
	// Authorization, "" (unknown) otherwise: a sanitized export drops
	// both.
	Credentials string `json:"credentials,omitempty"`
	// Mode is "no-cors" when the request says Sec-Fetch-Mode: no-cors (a
	// fetch the page made with mode: 'no-cors', whose reply is opaque),
	// "" otherwise.
	Mode string `json:"mode,omitempty"`
}

// Exchange is one fetch: the request, and the replies the server gave.
type Exchange struct {
	Request Request `json:"request"`
	// Preflight is the reply to the preflight; nil when none was
	// captured. Actual is the reply to the request; nil when the HAR has
	// none (status 0: blocked, or never sent).
	Preflight *policy.Reply `json:"preflight,omitempty"`
	Actual    *policy.Reply `json:"actual,omitempty"`
	// PreflightIndex and ActualIndex are entry indexes, -1 when absent.
	PreflightIndex int `json:"preflight_index"`
	ActualIndex    int `json:"actual_index"`
	// Hops are the entries of the redirects the reply starts, in order:
	// each the URL the browser went to next and the reply it got there
	// (its own entry in the file), which a scenario gives as a route.
	Hops  []Hop    `json:"hops,omitempty"`
	Notes []string `json:"notes,omitempty"`
	// NetError is the _error of a request or preflight that failed at
	// the network, not by CORS (net::ERR_NAME_NOT_RESOLVED,
	// ERR_CONNECTION_REFUSED, ERR_BLOCKED_BY_CLIENT: Chrome exports a
	// CORS failure as net::ERR_FAILED); "" otherwise.
	NetError string `json:"net_error,omitempty"`
}

// netError is e's _error when it names a failure of the network, not a
// CORS check: anything but Chrome's net::ERR_FAILED, which it exports
// for the requests CORS blocks (and the empty value).
func netError(e *entry) string {
	if e.Response.Status != 0 || e.Response.Error == nil {
		return ""
	}
	switch v := strings.TrimSpace(*e.Response.Error); v {
	case "", "net::ERR_FAILED":
		return ""
	default:
		return v
	}
}

// Hop is one redirect target of an exchange, as the file captured it.
type Hop struct {
	URL   string        `json:"url"`
	Reply *policy.Reply `json:"reply,omitempty"` // nil: no reply captured (status 0)
	Index int           `json:"index"`
}

// browserSet are request headers the browser adds itself; a page cannot
// set them with fetch() (Fetch §2.2.2 forbidden request-header) or they
// are added by the network stack. Pragma and Cache-Control are left out
// too: Chrome adds both (no-cache) when DevTools' "Disable cache" is on.
func browserSet(name string) bool {
	n := strings.ToLower(name)
	if strings.HasPrefix(n, "sec-") || strings.HasPrefix(n, "proxy-") || strings.HasPrefix(n, ":") {
		return true
	}
	switch n {
	case "accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method",
		"connection", "content-length", "cookie", "cookie2", "date", "dnt", "expect", "host", "keep-alive",
		"origin", "referer", "te", "trailer", "transfer-encoding", "upgrade", "via", "user-agent", "pragma", "cache-control":
		return true
	}
	return false
}

func reply(e *entry) *policy.Reply {
	return &policy.Reply{Status: e.Response.Status, Header: list(e.Response.Headers)}
}

// Exchange builds the request and both replies for entry index i, which
// may be a request or a preflight (then its request is used when paired).
func (l *Log) Exchange(i int) (Exchange, error) {
	if i < 0 || i >= len(l.entries) {
		return Exchange{}, errors.New("har: no entry " + strconv.Itoa(i))
	}
	x := Exchange{PreflightIndex: -1, ActualIndex: -1}
	if l.pre[i] {
		x.PreflightIndex = i
		for a, p := range l.pairs {
			if p == i {
				x.ActualIndex = a
			}
		}
	} else {
		x.ActualIndex = i
		if p, ok := l.pairs[i]; ok {
			x.PreflightIndex = p
		}
	}
	if x.PreflightIndex >= 0 {
		p := &l.entries[x.PreflightIndex]
		x.Preflight = reply(p)
		if p.Response.Status == 0 {
			x.NetError = netError(p)
			x.Preflight = nil
			x.Notes = append(x.Notes, "the preflight has no reply in the HAR (status 0"+errText(p)+"): Chrome does not export the CORS error; the verdict is re-derived from headers")
		}
		origin, _ := p.reqHeader("Origin")
		acrm, _ := p.reqHeader("Access-Control-Request-Method")
		acrh, _ := p.reqHeader("Access-Control-Request-Headers")
		x.Request = Request{Method: acrm, URL: p.Request.URL, Origin: origin}
		for _, n := range strings.Split(acrh, ",") {
			if n = strings.TrimSpace(n); n != "" {
				x.Request.Headers = append(x.Request.Headers, headers.Field{Name: n})
			}
		}
		if p.FromCache != "" {
			x.Notes = append(x.Notes, "the preflight reply came from the "+p.FromCache+" cache")
		}
	} else if _, from := l.originOf(x.ActualIndex); x.ActualIndex >= 0 && from != "" {
		// Provisional headers: the request never reached the network,
		// so a preflight it needed was sent or refused without an
		// entry; the verdict's preflight reply is not the server's.
		x.Notes = append(x.Notes, "no preflight in the HAR, and the request shows provisional headers: if it needed one, its reply is not in the capture, and the verdict takes the server's as one with no CORS configuration")
	} else {
		x.Notes = append(x.Notes, "no preflight in the HAR: none was needed, or the browser used its preflight cache (cached preflights have no entry)")
	}
	if x.ActualIndex >= 0 {
		a := &l.entries[x.ActualIndex]
		origin, from := l.originOf(x.ActualIndex)
		switch from {
		case "preflight":
			x.Notes = append(x.Notes, "the request shows Chrome's provisional headers, without Origin (it was blocked before the network): its origin is its preflight's")
		case "referer":
			x.Notes = append(x.Notes, "the request shows Chrome's provisional headers, without Origin (it was blocked before the network): its origin is its Referer's, "+origin)
		}
		x.Request = Request{Method: a.Request.Method, URL: a.Request.URL, Origin: origin}
		if m, _ := a.reqHeader("Sec-Fetch-Mode"); strings.EqualFold(m, "no-cors") {
			// Found as a new user would: such a fetch, whose reply
			// the page cannot read and no CORS check refuses, was
			// BLOCKED for its missing Access-Control-Allow-Origin.
			x.Request.Mode = "no-cors"
		}
		for _, f := range a.Request.Headers {
			if !browserSet(f.Name) {
				x.Request.Headers = append(x.Request.Headers, headers.Field{Name: f.Name, Value: f.Value})
			}
		}
		if _, ok := a.reqHeader("Cookie"); ok || len(a.Request.Cookies) > 0 {
			x.Request.Credentials = "include"
		} else {
			x.Notes = append(x.Notes, "credentials mode unknown: the request carries no Cookie, which fits credentials 'omit' or 'same-origin', or an export sanitized of Cookie, Authorization and Set-Cookie")
		}
		if a.Response.Status == 0 {
			if x.NetError == "" {
				x.NetError = netError(a)
			}
			x.Notes = append(x.Notes, "the request has no reply in the HAR (status 0"+errText(a)+"): it was blocked or never sent; Chrome does not export the CORS error, so the verdict is re-derived from headers")
		} else {
			x.Actual = reply(a)
			if a.FromCache != "" {
				x.Notes = append(x.Notes, "the reply came from the "+a.FromCache+" cache: the server did not see this request")
			}
			for _, h := range l.hopsOf(x.ActualIndex) {
				hop := Hop{URL: l.entries[h].Request.URL, Index: h}
				if l.entries[h].Response.Status != 0 {
					hop.Reply = reply(&l.entries[h])
				}
				x.Hops = append(x.Hops, hop)
			}
			if u := a.Response.RedirectURL; u != "" && len(x.Hops) == 0 {
				x.Notes = append(x.Notes, "the reply redirects to "+u+", which has no entry in the HAR: its reply is taken as a server's with no CORS configuration")
			}
		}
	} else if x.PreflightIndex >= 0 {
		x.Notes = append(x.Notes, "the actual request has no entry: the preflight failed, or the file was cut")
	}
	return x, nil
}

func errText(e *entry) string {
	if e.Response.Error != nil && *e.Response.Error != "" {
		return ", _error " + *e.Response.Error
	}
	return ""
}

// Evaluator answers with the replies of entry i, as package raw does for
// pasted replies.
func (l *Log) Evaluator(i int) (policy.Evaluator, error) {
	x, err := l.Exchange(i)
	if err != nil {
		return nil, err
	}
	return raw.Replies(x.Preflight, x.Actual), nil
}
