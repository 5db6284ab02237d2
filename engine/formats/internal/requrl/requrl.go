// Package requrl splits a request as a proxy's configuration sees it: the
// scheme, the host (the Host header first, lower case, without its
// port), the port and the path, for the server formats' matchers.
package requrl

import (
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/policy"
)

// Parts are a request's parts; Header is its header by canonical name.
type Parts struct {
	Method, Scheme, Host, Port, Path string
	Header                           map[string][]string
}

// Path returns the path of an absolute or path-only URL as sent,
// without query or fragment ("/" when none). A path-only URL may hold
// "://" itself (/api/https://x.example/1, which e2e/ruby sent): it is a
// path, not a scheme's.
func Path(u string) string {
	if i := strings.Index(u, "://"); i >= 0 && !strings.HasPrefix(u, "/") {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = "/"
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if u == "" {
		u = "/"
	}
	return u
}

// Split reads req: the URL's scheme, host and path ("/" when none, the
// query and fragment dropped), the Host header over the URL's host.
func Split(req policy.Request) Parts {
	p := Parts{Method: req.Method, Header: gohdr.Request(req), Scheme: "http", Path: "/"}
	u := req.URL
	if i := strings.Index(u, "://"); i >= 0 {
		p.Scheme = strings.ToLower(u[:i])
		u = u[i+3:]
		j := strings.IndexAny(u, "/?#")
		if j < 0 {
			p.Host, u = u, ""
		} else {
			p.Host, u = u[:j], u[j:]
		}
	}
	if h := gohdr.Get(p.Header, "Host"); h != "" {
		p.Host = h
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if u != "" {
		p.Path = u
	}
	p.Host = strings.ToLower(p.Host)
	if i := strings.LastIndexByte(p.Host, ':'); i >= 0 && !strings.HasSuffix(p.Host, "]") {
		p.Host, p.Port = p.Host[:i], p.Host[i+1:]
	}
	return p
}
