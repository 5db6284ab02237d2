package fetch

import (
	"strings"

	"github.com/whycors/whycors/engine/headers"
)

// MaxListItems bounds how many items ParseList reads from one header value;
// a value with more is treated as a parse failure.
const MaxListItems = 1024

// IsToken reports whether s is an HTTP token (RFC 9110 §5.6.2), the
// grammar of methods and header names (https://fetch.spec.whatwg.org/#concept-method).
func IsToken(s string) bool { return headers.IsToken(s) }

// httpWS is HTTP whitespace for trimming header values
// (https://fetch.spec.whatwg.org/#http-whitespace).
const httpWS = " \t\r\n"

// TrimOWS strips leading and trailing HTTP tab or space, as HTTP parsing
// does to every field value before a browser check reads it.
func TrimOWS(s string) string { return trimBytes(s, false) }

// trimHTTPWS is strings.Trim(s, httpWS).
func trimHTTPWS(s string) string { return trimBytes(s, true) }

// trimRightHTTPWS is strings.TrimRight(s, httpWS), without the byte set
// strings.TrimRight builds on each call.
func trimRightHTTPWS(s string) string {
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r' || s[len(s)-1] == '\n') {
		s = s[:len(s)-1]
	}
	return s
}

// trimBytes is strings.Trim(s, " \t"), or with crlf strings.Trim(s,
// httpWS), without the byte set strings.Trim builds on every call (the
// model trims every header value it reads).
func trimBytes(s string, crlf bool) string {
	if n := len(s); n == 0 || s[0] > ' ' && s[n-1] > ' ' {
		return s // most values (white space is below '!')
	}
	ws := func(c byte) bool { return c == ' ' || c == '\t' || crlf && (c == '\r' || c == '\n') }
	i, j := 0, len(s)
	for i < j && ws(s[i]) {
		i++
	}
	for j > i && ws(s[j-1]) {
		j--
	}
	return s[i:j]
}

// ParseList reads a comma-separated list of tokens, the `#method` and
// `#field-name` ABNF of Access-Control-Allow-Methods, -Allow-Headers and
// -Expose-Headers ("extract header list values",
// https://fetch.spec.whatwg.org/#extract-header-list-values). Empty
// elements are skipped, as the #rule allows and as Chromium and Firefox do
// (reference browser-cors.md, kInvalidAllowMethodsPreflightResponse and
// CORSInvalidAllowMethod). On failure it returns the first element that is
// not a token.
func ParseList(value string) (items []string, bad string, ok bool) {
	return parseList(value, nil)
}

// parseList is ParseList, its items in m.
func parseList(value string, m *lists) (items []string, bad string, ok bool) {
	// Room for every item at once: one more than the commas, within bounds.
	items = m.takeNames(min(strings.Count(value, ",")+1, MaxListItems))
	rest := value
	for {
		var item string
		i := strings.IndexByte(rest, ',')
		if i < 0 {
			item = rest
		} else {
			item = rest[:i]
		}
		item = TrimOWS(item)
		if item != "" {
			if !IsToken(item) {
				return nil, item, false
			}
			if len(items) == MaxListItems {
				return nil, item, false
			}
			items = append(items, item)
		}
		if i < 0 {
			if len(items) == 0 {
				return nil, "", true // as without the room made above
			}
			return items, "", true
		}
		rest = rest[i+1:]
	}
}
