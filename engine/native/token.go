package native

import (
	"strings"

	"github.com/whycors/whycors/engine/headers"
)

// isTchar and isToken are the token grammar of header names and methods
// (RFC 9110 §5.6.2).
func isTchar(c byte) bool   { return headers.IsTokenByte(c) }
func isToken(s string) bool { return headers.IsToken(s) }

// isForbiddenMethod: CONNECT, TRACE and TRACK, byte-case-insensitively
// (https://fetch.spec.whatwg.org/#forbidden-method). fetch() throws before
// sending them, so allowing one is always a mistake.
func isForbiddenMethod(m string) bool {
	switch len(m) {
	case 5:
		return strings.EqualFold(m, "TRACE") || strings.EqualFold(m, "TRACK")
	case 7:
		return strings.EqualFold(m, "CONNECT")
	}
	return false
}

// isSafelistedMethod: GET, HEAD and POST, byte-exact
// (https://fetch.spec.whatwg.org/#cors-safelisted-method). A preflight
// never fails on them (CORS-preflight fetch, method check).
func isSafelistedMethod(m string) bool {
	return m == "GET" || m == "HEAD" || m == "POST"
}

// normalizeMethod upper-cases DELETE, GET, HEAD, OPTIONS, POST and PUT,
// as fetch() does (https://fetch.spec.whatwg.org/#concept-method-normalize);
// any other method, PATCH included, is sent with the case the page wrote,
// so the policy must list it with that case.
func normalizeMethod(m string) string {
	for _, n := range [...]string{"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"} {
		if strings.EqualFold(m, n) {
			return n
		}
	}
	return m
}

// isForbiddenRequestHeader: names a page can never set on a fetch()
// (https://fetch.spec.whatwg.org/#forbidden-request-header; browser-cors.md
// §1.3). The X-HTTP-Method family is forbidden only with a forbidden method
// as value, so it is not listed here.
func isForbiddenRequestHeader(lower string) bool {
	switch lower {
	case "accept-charset", "accept-encoding", "access-control-request-headers",
		"access-control-request-method", "connection", "content-length", "cookie",
		"cookie2", "date", "dnt", "expect", "host", "keep-alive", "origin", "referer",
		"set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via":
		return true
	}
	return strings.HasPrefix(lower, "proxy-") || strings.HasPrefix(lower, "sec-")
}

// isCORSResponseHeader: the response headers of the CORS protocol. Listing
// one as a request header a page may send is a confusion of directions
// (jub0bs/cors calls it "prohibited", server-peers.md §1.2).
func isCORSResponseHeader(lower string) bool {
	switch lower {
	case "access-control-allow-origin", "access-control-allow-credentials",
		"access-control-allow-methods", "access-control-allow-headers",
		"access-control-expose-headers", "access-control-max-age":
		return true
	}
	return false
}

// isForbiddenResponseHeader: Set-Cookie and Set-Cookie2 are never exposed
// to a page (https://fetch.spec.whatwg.org/#forbidden-response-header-name).
func isForbiddenResponseHeader(lower string) bool {
	return lower == "set-cookie" || lower == "set-cookie2"
}

// isRequestOnlyHeader: headers that only requests carry; exposing them on a
// response means nothing (jub0bs/cors: "prohibited response-header name").
func isRequestOnlyHeader(lower string) bool {
	return lower == "origin" || lower == "access-control-request-method" ||
		lower == "access-control-request-headers"
}

// lowerASCII lower-cases A-Z only (header names are ASCII tokens), and
// returns s itself when nothing changes.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
