package raw

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// Bounds of ParseHTTPRequest.
const (
	MaxRequestBytes = 64 << 10 // bytes of one request's head
	MaxRequestLines = 200      // header lines of one request
)

// ParseHTTPRequest reads one HTTP request as a server receives it: a
// request line and header lines up to the first empty line (RFC 9112
// §2.1), as typed or as curl -v prints it ("> " prefixes, a lone ">" for
// the end of the head). Blank lines before the request line are skipped
// (RFC 9112 §2.2). An origin-form target ("/key") becomes an absolute
// URL with the Host header, https assumed, so that a platform can tell a
// bucket from a key; an absolute-form target is kept as it is. Faults are
// a policy.Errors, each at its line.
func ParseHTTPRequest(text string) (policy.Request, error) {
	var req policy.Request
	if len(text) > MaxRequestBytes {
		return req, policy.Errors{{Line: 1, Column: 1, Msg: "request longer than " + strconv.Itoa(MaxRequestBytes) + " bytes"}}
	}
	fault := func(n int, msg string) error { return policy.Errors{{Line: n, Column: 1, Msg: msg}} }
	n := 0
	for len(text) > 0 {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		n++
		line = strings.TrimPrefix(strings.TrimRight(line, "\r"), "> ")
		if line == ">" {
			line = "" // curl -v's end of request headers
		}
		if req.Method == "" {
			if strings.TrimSpace(line) == "" {
				continue
			}
			parts := strings.Fields(line)
			if len(parts) != 3 || !strings.HasPrefix(parts[2], "HTTP/") {
				return req, fault(n, "want a request line \"METHOD target HTTP/1.1\", got "+strconv.Quote(line))
			}
			req.Method, req.URL = parts[0], parts[1]
			continue
		}
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return req, fault(n, "want a header line \"Name: value\", got "+strconv.Quote(line))
		}
		if len(req.Header) >= MaxRequestLines {
			return req, fault(n, "more than "+strconv.Itoa(MaxRequestLines)+" header lines")
		}
		req.Header = append(req.Header, headers.Field{Name: name, Value: strings.Trim(value, " \t")})
	}
	if req.Method == "" {
		return req, fault(1, "no request line")
	}
	if strings.HasPrefix(req.URL, "/") {
		if host, ok := req.Header.Get("Host"); ok && host != "" {
			req.URL = "https://" + host + req.URL
		}
	}
	return req, nil
}
