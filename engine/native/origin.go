package native

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/origin"
)

// An origin pattern is one entry of a rule's "origins" list:
//
//	https://app.example.com       exactly this origin
//	https://*.example.com         any subdomain, one or more labels deep; not the apex
//	http://localhost:*            any port, including none
//	https://*.example.com:*       both
//	*                             every origin (not with credentials)
//
// There are no regular expressions and no other wildcards: rs/cors's
// free-form "*" let "h*" match any https origin with credentials
// (rs/cors#197, server-peers.md §2), and a regular expression is easy to
// leave unanchored. The syntax is jub0bs/cors's (server-peers.md §1.3).
type pattern struct {
	text       string
	scheme     string
	host       string // the whole host, or the base domain after "*."
	port       string // "" for the scheme's default, "*" for any, else digits
	subdomains bool
	any        bool

	// Set by prepare, for matches.
	prefix    string // scheme + "://"
	web       uint8  // isHTTPS or isHTTP when the scheme is one of them
	dotHost   string // "." + host, for subdomains
	colonPort string // ":" + port, for a fixed port
}

// patternFault is why an origin pattern is refused: reason is one of
// jub0bs/cors's words (invalid, prohibited, insecure, psl, wildcard) so the
// explainer can group them, msg is for people.
type patternFault struct {
	reason string
	msg    string
}

// parsePattern reads one origin pattern, or says why it is refused.
func parsePattern(s string) (pattern, *patternFault) {
	p := pattern{text: s}
	reason, why := p.read(s)
	if reason == "" {
		p.prepare()
		return p, nil
	}
	// The message is built here, once: the worker parses its policy on
	// every cold start, and each message built in read would be code
	// compiled on that path whether or not the pattern is refused.
	word := reason
	if reason == "psl" {
		word = "prohibited"
	}
	return p, &patternFault{reason, word + " origin pattern " + strconv.Quote(s) + ": " + why}
}

// read fills p from s, or says why s is refused: reason is the
// patternFault reason, why the rest of the message.
func (p *pattern) read(s string) (reason, why string) {
	switch {
	case s == "*":
		p.any = true
		return "", ""
	case s == "":
		return "invalid", "empty"
	case s == "null":
		// https://fetch.spec.whatwg.org/#origin-header: sandboxed iframes,
		// file: and data: documents and redirected requests all send
		// "null", so allowing it allows every one of them.
		return "prohibited", "every sandboxed iframe, data: URL and file: page sends Origin: null, so allowing it allows them all"
	}
	i := strings.Index(s, "://")
	if i < 0 {
		return "invalid", "want scheme://host[:port], as in https://example.com"
	}
	p.scheme = s[:i]
	if !isScheme(p.scheme) {
		if strings.ToLower(p.scheme) != p.scheme && isScheme(strings.ToLower(p.scheme)) {
			return "invalid", "browsers send the scheme in lowercase (" + strings.ToLower(p.scheme) + "), so this never matches"
		}
		return "invalid", "bad scheme " + strconv.Quote(p.scheme)
	}
	if p.scheme == "file" {
		return "prohibited", "file: pages send Origin: null"
	}
	rest := s[i+3:]
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		if rest[j:] == "/" {
			return "invalid", "an origin has no path; drop the trailing slash (browsers send " + strconv.Quote(s[:len(s)-1]) + ")"
		}
		return "invalid", "an origin has no path, query or fragment"
	}
	if strings.IndexByte(rest, '@') >= 0 {
		return "invalid", "an origin has no user information"
	}
	host, port := rest, ""
	if k := strings.LastIndexByte(rest, ':'); k >= 0 && k > strings.LastIndexByte(rest, ']') {
		host, port = rest[:k], rest[k+1:]
		if port == "" {
			return "invalid", "empty port"
		}
	}
	if port != "" && port != "*" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '0' {
			return "invalid", "port must be 1 to 65535 without leading zeros, or *"
		}
		if origin.DefaultPort(p.scheme) == port {
			// https://url.spec.whatwg.org/#concept-url-port: the URL
			// parser drops a scheme's default port, so the Origin header
			// never carries it.
			return "prohibited", "browsers omit the default port " + port + " (they send " + strconv.Quote(p.scheme+"://"+host) + "), so this never matches"
		}
	}
	p.port = port
	if strings.HasPrefix(host, "*.") {
		p.subdomains = true
		host = host[2:]
	}
	if strings.IndexByte(host, '*') >= 0 {
		return "invalid", "the only wildcards are \"*\" alone, a leading \"*.\" for subdomains and \":*\" for ports"
	}
	p.host = host
	if host == "" {
		return "invalid", "empty host"
	}
	if host[0] == '[' {
		if p.subdomains {
			return "invalid", "an IP address has no subdomains"
		}
		if !origin.IsSerializedHost(host) {
			return "invalid", "write the IPv6 address as browsers serialize it: bracketed, lowercase, compressed (RFC 5952)"
		}
		return "", ""
	}
	if why := checkDomain(host); why != "" {
		return "invalid", why
	}
	if looksNumeric(host) {
		if p.subdomains {
			return "invalid", "an IP address has no subdomains"
		}
		if !origin.IsSerializedHost(host) {
			return "invalid", "browsers serialize IPv4 addresses as four decimal numbers 0-255 without leading zeros"
		}
		return "", ""
	}
	if p.subdomains && strings.IndexByte(host, '.') < 0 && host != "localhost" {
		return "psl", "it allows every site under the top-level domain " + strconv.Quote(host)
	}
	if p.subdomains && origin.IsPublicSuffix(host) {
		// Without the whole public suffix list (too large for the wasm
		// build, server-peers.md §1.6), the suffixes people write:
		// anyone can register a name under them. Tried as a new user
		// would, lint refused https://*.github.io while the middleware
		// and the worker enforced it.
		return "psl", "anyone can register a site under the public suffix " + strconv.Quote(host) + ", so this allows every stranger's site there"
	}
	return "", ""
}

func isScheme(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' || len(s) > 64 {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// checkDomain checks a host name the way browsers serialize it: ASCII
// (punycode for IDNs), lowercase, labels of 1 to 63 bytes, at most 253
// bytes (https://url.spec.whatwg.org/#concept-domain-to-ascii).
func checkDomain(h string) string {
	if len(h) > 253 {
		return "host longer than 253 bytes"
	}
	label := 0
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			label++
			if label > 63 {
				return "a host label is longer than 63 bytes"
			}
		case c == '.':
			if label == 0 {
				return "empty label in host"
			}
			label = 0
		case c >= 'A' && c <= 'Z':
			return "browsers send host names in lowercase (" + strings.ToLower(h) + "), so this never matches"
		case c >= 0x80:
			return "browsers send internationalized host names in punycode (xn--...); write it that way"
		default:
			return "byte " + strconv.Quote(string(c)) + " is not allowed in a host"
		}
	}
	if label == 0 {
		return "empty label in host"
	}
	return ""
}

// looksNumeric: the URL parser treats a host whose last label is numeric
// as an IPv4 address (https://url.spec.whatwg.org/#ends-in-a-number-checker).
func looksNumeric(h string) bool {
	last := h[strings.LastIndexByte(h, '.')+1:]
	if strings.HasPrefix(last, "0x") || strings.HasPrefix(last, "0X") {
		return true
	}
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			return false
		}
	}
	return true
}

// isLoopback reports whether the pattern's host is this machine, which
// browsers treat as a secure context even over http
// (https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy).
func (p *pattern) isLoopback() bool {
	h := p.host
	return h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "[::1]" ||
		strings.HasPrefix(h, "127.") && looksNumeric(h) && origin.IsSerializedHost(h)
}

// maxOriginLen bounds a request's Origin: a scheme of at most 64 bytes,
// "://", a host of at most 255 and a port. Longer values match nothing.
const maxOriginLen = 64 + 3 + 255 + 6

// prepare keeps what matches compares, computed once per pattern.
func (p *pattern) prepare() {
	p.prefix = p.scheme + "://"
	switch p.scheme {
	case "https":
		p.web = isHTTPS
	case "http":
		p.web = isHTTP
	}
	if p.subdomains {
		p.dotHost = "." + p.host
	}
	if p.port != "" && p.port != "*" {
		p.colonPort = ":" + p.port
	}
}

// matches reports whether the request origin o matches p. Comparison is
// byte-exact, as the CORS check is
// (https://fetch.spec.whatwg.org/#cors-check, step 4), and o must be
// something a browser could serialize: a host of lowercase letters,
// digits, '-', '_' and non-empty dot-separated labels, or a bracketed
// address, then nothing or ':' and one to five digits. jub0bs/cors
// matches "https://evil.com#.example.com" against "https://*.example.com"
// because it parses loosely (server-peers.md §1.3); checking the bytes of
// the labels in front of the pattern's host closes that.
//
// Only the part of o the pattern does not fix is checked byte by byte
// (the labels a subdomain pattern leaves open, a port "*" leaves open):
// the pattern's own host was validated when it was parsed. The fuzz and
// property tests of origin_test.go hold it equal to the definition it
// replaced (split the origin, validate every byte, then compare).
func (p *pattern) matches(o string) bool {
	if len(o) > maxOriginLen {
		return false
	}
	// The scheme: the two of the web compare with constants, which the
	// compiler does with a load or two and no call.
	var rest string
	switch p.web {
	case isHTTPS:
		if len(o) < len("https://") || o[:len("https://")] != "https://" {
			return false
		}
		rest = o[len("https://"):]
	case isHTTP:
		if len(o) < len("http://") || o[:len("http://")] != "http://" {
			return false
		}
		rest = o[len("http://"):]
	default:
		if len(o) < len(p.prefix) || o[:len(p.prefix)] != p.prefix {
			return false
		}
		rest = o[len(p.prefix):]
	}
	// Take the port off rest; what remains is the host.
	switch {
	case p.port == "":
		// No port: the host is the rest, and the checks below refuse
		// any ':' in it.
	case p.port != "*":
		if len(rest) < len(p.colonPort) || rest[len(rest)-len(p.colonPort):] != p.colonPort {
			return false
		}
		rest = rest[:len(rest)-len(p.colonPort)]
	case p.host[0] == '[':
		// A bracketed address: the port follows the first ']'.
		k := strings.IndexByte(rest, ']')
		if k < 0 || !optionalPort(rest[k+1:]) {
			return false
		}
		rest = rest[:k+1]
	default:
		if k := strings.IndexByte(rest, ':'); k >= 0 {
			if !optionalPort(rest[k:]) {
				return false
			}
			rest = rest[:k]
		}
	}
	if !p.subdomains {
		return rest == p.host
	}
	n := len(rest) - len(p.dotHost)
	return n > 0 && rest[n:] == p.dotHost && validLabels(rest[:n])
}

const (
	isHTTPS = 1 + iota
	isHTTP
)

// optionalPort reports whether s is "" or ':' and one to five digits.
func optionalPort(s string) bool {
	if s == "" {
		return true
	}
	if s[0] != ':' || len(s) < 2 || len(s) > 6 {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validLabels reports whether s, the labels in front of a pattern's
// host, is one or more non-empty labels of host bytes joined by dots.
func validLabels(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	var bad, dot byte // bad: any byte outside the class; dot: a '.' after a '.'
	var prev byte
	for i := 0; i < len(s); i++ {
		c := hostClass[s[i]]
		bad |= c
		dot |= c & prev
		prev = c
	}
	return bad&classNotHost == 0 && dot&classDot == 0
}

// hostClass classes the bytes of a host as browsers serialize it:
// classDot for '.', classNotHost for any byte other than a lowercase
// letter, a digit, '-', '_' or '.'.
var hostClass = func() (t [256]byte) {
	for c := range t {
		switch {
		case c == '.':
			t[c] = classDot
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			t[c] = classNotHost
		}
	}
	return t
}()

const (
	classDot     = 1
	classNotHost = 2
)
