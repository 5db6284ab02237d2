// Package origin parses URLs and origins the way a browser does, as far as
// the CORS protocol needs them: the URL Standard's basic URL parser for the
// special schemes (https://url.spec.whatwg.org/#concept-basic-url-parser),
// the HTML Standard's ASCII serialization of an origin
// (https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin)
// and same-origin comparison.
//
// What it leaves out, on purpose: percent-decoding of hosts (a host with
// '%' is rejected), the full UTS #46 mapping and NFC normalization of
// internationalized domain names (labels are lowercased with Unicode case
// folding and Punycode-encoded, which covers the common "élève.example"
// case without pulling the IDNA tables into the wasm build), and file: URL
// hosts (a file: URL has an opaque origin, as Chromium and Firefox give
// local files).
package origin

import (
	"strconv"
	"strings"
)

// MaxLen bounds every input: longer strings are rejected rather than parsed.
const MaxLen = 8192

// Error is a parse failure with the byte offset where it was found, so a
// caller can point at the fault in the user's text.
type Error struct {
	Input  string // the input, or its first 64 bytes when it is longer than MaxLen
	Offset int    // the byte offset of the fault in the input; 0 when it is not located more closely
	Msg    string // what is wrong, without the input or the offset
}

// Error returns Msg " at byte " Offset " of " the quoted Input (no package
// prefix: the caller names the field, as fetch.InputError does).
func (e *Error) Error() string {
	return e.Msg + " at byte " + strconv.Itoa(e.Offset) + " of " + strconv.Quote(e.Input)
}

// Origin is a tuple origin (scheme, host, port) or an opaque origin.
// The zero value is an opaque origin.
type Origin struct {
	Scheme string // lowercase
	Host   string // serialized host: ASCII domain, dotted IPv4, or [IPv6]
	Port   string // decimal, "" when absent or the scheme's default
}

// Opaque reports whether o is an opaque origin, which serializes as "null".
func (o Origin) Opaque() bool { return o.Scheme == "" }

// PotentiallyTrustworthy reports whether o is a potentially trustworthy
// origin (https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy):
// https or wss, a loopback address (127.0.0.0/8, [::1]), or localhost
// and its subdomains. A page of such an origin is a secure context; an
// opaque origin is not.
func (o Origin) PotentiallyTrustworthy() bool {
	switch {
	case o.Scheme == "https" || o.Scheme == "wss":
		return true
	case o.Scheme != "http" && o.Scheme != "ws":
		return false
	}
	return namesLoopback(o.Host)
}

// namesLoopback reports a serialized host that is the loopback itself:
// 127.0.0.0/8, [::1], localhost and its subdomains (Secure Contexts'
// potentially trustworthy hosts; Local Network Access's loopback space).
func namesLoopback(h string) bool {
	return h == "[::1]" || strings.HasPrefix(h, "127.") && isDottedIPv4(h) ||
		h == "localhost" || strings.HasSuffix(h, ".localhost")
}

// NamesLocalNetwork reports whether a serialized host names the local
// address space by itself, as Local Network Access reads a URL before
// any DNS: an mDNS name (".local"), or an IP literal of a private range
// (IPv4 10/8, 172.16/12, 192.168/16 and link-local 169.254/16; IPv6
// unique-local fc00::/7 and link-local fe80::/10). Chrome's Local Network
// Access guide (developer.chrome.com, "Local network access") lists
// these as the local space.
func NamesLocalNetwork(host string) bool {
	if strings.HasSuffix(host, ".local") {
		return true
	}
	if strings.HasPrefix(host, "[") {
		a, ok := parseIPv6(strings.Trim(host, "[]"))
		return ok && (a[0]&0xfe00 == 0xfc00 || a[0]&0xffc0 == 0xfe80)
	}
	v, ok := parseDotted(host)
	return ok && (v>>24 == 10 || v>>20 == 0xac1 || v>>16 == 0xc0a8 || v>>16 == 0xa9fe)
}

// AddressSpaceOf is the IP address space a serialized host names by
// itself, before any DNS: "loopback" for localhost and the loopback
// addresses, "local" where NamesLocalNetwork, and "" for any other name
// (which only its address places).
func AddressSpaceOf(host string) string {
	switch {
	case namesLoopback(host):
		return "loopback"
	case NamesLocalNetwork(host):
		return "local"
	}
	return ""
}

func isDottedIPv4(h string) bool {
	dots := 0
	for i := 0; i < len(h); i++ {
		switch c := h[i]; {
		case c == '.':
			dots++
		case c < '0' || c > '9':
			return false
		}
	}
	return dots == 3
}

// String returns the ASCII serialization: scheme "://" host [":" port],
// or "null" for an opaque origin (HTML, "ASCII serialization of an origin").
// It is not inlined: the engine calls it in some twenty places, and each
// inlined copy cost more wasm than the call (issue 23).
//
//go:noinline
func (o Origin) String() string {
	if o.Opaque() {
		return "null"
	}
	s := o.Scheme + "://" + o.Host
	if o.Port != "" {
		s += ":" + o.Port
	}
	return s
}

// SameOrigin reports whether a and b are the same origin. An opaque origin
// is same origin only with itself, and two parsed "null"s are distinct
// opaque origins, so they never match here
// (https://html.spec.whatwg.org/multipage/browsers.html#same-origin).
func SameOrigin(a, b Origin) bool {
	return !a.Opaque() && !b.Opaque() && a == b
}

// Parse reads an origin as a page would have it: "null" for an opaque
// origin, or a URL whose origin is taken ("http://app.test",
// "https://App.Test:443/path" both work).
func Parse(s string) (Origin, error) {
	if s == "null" {
		return Origin{}, nil
	}
	if host, port, ok := strings.Cut(s, ":"); ok && host != "" && port != "" && allDigits(port) {
		// "localhost:3000" parses as a URL of the scheme "localhost",
		// whose origin is opaque: no page has it, and its serialization
		// "null" hid the missing scheme (found as a new user would). A
		// data: or blob: page's opaque origin is still one.
		return Origin{}, fail(s, 0, "a host and port without a scheme: an origin is scheme://host[:port], such as "+strconv.Quote("http://"+s))
	}
	u, err := ParseURL(s)
	if err != nil {
		return Origin{}, err
	}
	return u.Origin(), nil
}

// DefaultPort returns the default port of a special scheme, or "".
// (https://url.spec.whatwg.org/#default-port)
func DefaultPort(scheme string) string {
	switch scheme {
	case "http", "ws":
		return "80"
	case "https", "wss":
		return "443"
	case "ftp":
		return "21"
	}
	return ""
}

func special(scheme string) bool {
	switch scheme {
	case "http", "https", "ws", "wss", "ftp", "file":
		return true
	}
	return false
}

// URL is a parsed absolute URL. For special schemes the authority and path
// are split; for other schemes Opaque holds everything after "scheme:".
type URL struct {
	Scheme   string // lowercase
	Username string // percent-encoded (userinfo percent-encode set)
	Password string // percent-encoded (userinfo percent-encode set)
	Host     string // serialized host
	Port     string // "" when absent or default
	Path     string // begins with "/" for special schemes
	Query    string // without "?"; HasQuery tells "" from absent
	HasQuery bool   // the URL has a "?", even with nothing after it
	Fragment string // without "#"
	HasFrag  bool   // the URL has a "#", even with nothing after it
	Opaque   string // non-special schemes: the rest after "scheme:"
}

// HasCredentials reports whether the URL includes a username or password
// (https://url.spec.whatwg.org/#include-credentials).
func (u URL) HasCredentials() bool { return u.Username != "" || u.Password != "" }

// IsHTTP reports whether the scheme is http or https (Fetch's "HTTP(S) scheme").
func (u URL) IsHTTP() bool { return u.Scheme == "http" || u.Scheme == "https" }

// Origin returns the URL's origin (https://url.spec.whatwg.org/#concept-url-origin):
// a tuple for http, https, ws, wss and ftp; blob: takes its inner URL's
// origin when that is http(s); everything else, file: included, is opaque.
func (u URL) Origin() Origin {
	switch u.Scheme {
	case "http", "https", "ws", "wss", "ftp":
		return Origin{Scheme: u.Scheme, Host: u.Host, Port: u.Port}
	case "blob":
		if in, err := ParseURL(u.Opaque); err == nil && in.IsHTTP() {
			return in.Origin()
		}
	}
	return Origin{}
}

// String serializes the URL (https://url.spec.whatwg.org/#concept-url-serializer).
// The fragment is left out: it never goes on the wire, and browsers name
// request URLs without it in their console.
func (u URL) String() string {
	if !special(u.Scheme) {
		return u.Scheme + ":" + u.Opaque
	}
	// One concatenation, one allocation: a strings.Builder here grew
	// twice or more, and its inlined writes were 7 KB of the page's wasm.
	pwSep, at, portSep, qSep := u.separators()
	return u.Scheme + "://" + u.Username + pwSep + u.Password + at + u.Host + portSep + u.Port + u.Path + qSep + u.Query
}

// Serializes reports whether s is u.String(), without building it: a
// request's URL as written usually is its own serialization, and then
// the caller keeps s and allocates nothing (issue 23).
func (u URL) Serializes(s string) bool {
	if !special(u.Scheme) {
		n := len(u.Scheme)
		return len(s) == n+1+len(u.Opaque) && s[:n] == u.Scheme && s[n] == ':' && s[n+1:] == u.Opaque
	}
	pwSep, at, portSep, qSep := u.separators()
	schemeSep := "://"
	// Pointers, not the strings: an array of strings brings its
	// equality's code into the page's wasm.
	for _, p := range [...]*string{&u.Scheme, &schemeSep, &u.Username, &pwSep, &u.Password, &at, &u.Host, &portSep, &u.Port, &u.Path, &qSep, &u.Query} {
		if !strings.HasPrefix(s, *p) {
			return false
		}
		s = s[len(*p):]
	}
	return s == ""
}

// separators are the punctuation a special URL's serialization writes
// between its parts, each empty when its part is absent.
func (u URL) separators() (pwSep, at, portSep, qSep string) {
	if u.HasCredentials() {
		at = "@"
		if u.Password != "" {
			pwSep = ":"
		}
	}
	if u.Port != "" {
		portSep = ":"
	}
	if u.HasQuery {
		qSep = "?"
	}
	return
}

// ParseURL parses an absolute URL.
func ParseURL(s string) (URL, error) {
	return parse(s, nil)
}

// Resolve parses ref relative to u, as a Location header is resolved
// (https://fetch.spec.whatwg.org/#concept-response-location-url).
func (u URL) Resolve(ref string) (URL, error) {
	return parse(ref, &u)
}

func fail(in string, off int, msg string) error { return &Error{Input: in, Offset: off, Msg: msg} }

func parse(in string, base *URL) (URL, error) {
	if len(in) > MaxLen {
		return URL{}, fail(in[:64], MaxLen, "longer than "+strconv.Itoa(MaxLen)+" bytes")
	}
	// Strip leading and trailing C0 controls and spaces; remove tabs and
	// newlines anywhere (URL Standard, basic URL parser, steps 1-3). Most
	// URLs have none, which two bytes and a scan tell.
	s := in
	if s != "" && (s[0] <= 0x20 || s[len(s)-1] <= 0x20) {
		s = strings.TrimFunc(in, func(r rune) bool { return r <= 0x20 })
	}
	// Three byte searches, not strings.ContainsAny, which builds a byte
	// set on each call.
	if strings.IndexByte(s, '\t') >= 0 || strings.IndexByte(s, '\n') >= 0 || strings.IndexByte(s, '\r') >= 0 {
		s = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, s)
	}
	var u URL
	scheme, rest, ok := cutScheme(s)
	if !ok {
		if base == nil {
			return URL{}, fail(in, 0, "not an absolute URL (no scheme)")
		}
		if !special(base.Scheme) {
			return URL{}, fail(in, 0, "relative URL against a non-special base")
		}
		return relative(in, s, *base)
	}
	u.Scheme = scheme
	if !special(scheme) {
		if i := strings.IndexByte(rest, '#'); i >= 0 {
			rest = rest[:i]
		}
		u.Opaque = rest
		return u, nil
	}
	if base != nil && base.Scheme == scheme && !strings.HasPrefix(rest, "/") && !strings.HasPrefix(rest, "\\") {
		// "http:foo" relative to an http base is a relative reference
		// (special relative or authority state).
		return relative(in, rest, *base)
	}
	rest = strings.TrimLeft(rest, "/\\")
	if scheme == "file" {
		u.Path = "/" + rest
		return u, nil
	}
	if err := authority(in, rest, &u); err != nil {
		return URL{}, err
	}
	return u, nil
}

func cutScheme(s string) (scheme, rest string, ok bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case c == ':' && i > 0:
			return strings.ToLower(s[:i]), s[i+1:], true
		default:
			return "", "", false
		}
	}
	return "", "", false
}

// authority parses "userinfo@host:port/path?query#frag" into u.
func authority(in, rest string, u *URL) error {
	// The authority ends at the first of "/\\?#" (strings.IndexAny
	// builds a byte set on each call).
	end := len(rest)
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; c == '/' || c == '\\' || c == '?' || c == '#' {
			end = i
			break
		}
	}
	auth, tail := rest[:end], rest[end:]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		userinfo := auth[:at]
		auth = auth[at+1:]
		user, pass, _ := strings.Cut(userinfo, ":")
		u.Username = encode(user, userinfoSet)
		u.Password = encode(pass, userinfoSet)
	}
	hostport := auth
	host, port := hostport, ""
	if strings.HasPrefix(hostport, "[") {
		close := strings.IndexByte(hostport, ']')
		if close < 0 {
			return fail(in, 0, "unclosed [ in IPv6 host")
		}
		host = hostport[:close+1]
		after := hostport[close+1:]
		if after != "" {
			if after[0] != ':' {
				return fail(in, 0, "junk after IPv6 host")
			}
			port = after[1:]
		}
	} else if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		host, port = hostport[:i], hostport[i+1:]
	}
	h, err := parseHost(in, host)
	if err != nil {
		return err
	}
	u.Host = h
	if port != "" {
		n := 0
		for i := 0; i < len(port); i++ {
			c := port[i]
			if c < '0' || c > '9' {
				return fail(in, 0, "port "+strconv.Quote(port)+" is not a number")
			}
			n = n*10 + int(c-'0')
			if n > 65535 {
				return fail(in, 0, "port out of range")
			}
		}
		p := strconv.Itoa(n)
		if p != DefaultPort(u.Scheme) {
			u.Port = p
		}
	}
	pathQueryFragment(tail, u)
	return nil
}

func pathQueryFragment(tail string, u *URL) {
	if i := strings.IndexByte(tail, '#'); i >= 0 {
		u.Fragment, u.HasFrag = tail[i+1:], true
		tail = tail[:i]
	}
	if i := strings.IndexByte(tail, '?'); i >= 0 {
		u.Query, u.HasQuery = encode(tail[i+1:], querySet), true
		tail = tail[:i]
	}
	u.Path = normalizePath(strings.ReplaceAll(tail, "\\", "/"))
}

// relative resolves a scheme-less reference against base
// (https://url.spec.whatwg.org/#relative-state).
func relative(in, ref string, base URL) (URL, error) {
	u := URL{Scheme: base.Scheme}
	if strings.HasPrefix(ref, "//") || strings.HasPrefix(ref, "\\\\") || strings.HasPrefix(ref, "/\\") || strings.HasPrefix(ref, "\\/") {
		if err := authority(in, strings.TrimLeft(ref, "/\\"), &u); err != nil {
			return URL{}, err
		}
		return u, nil
	}
	u.Username, u.Password, u.Host, u.Port = base.Username, base.Password, base.Host, base.Port
	switch {
	case ref == "":
		u.Path, u.Query, u.HasQuery = base.Path, base.Query, base.HasQuery
	case ref[0] == '/' || ref[0] == '\\':
		pathQueryFragment(ref, &u)
	case ref[0] == '?':
		pathQueryFragment(ref, &u)
		u.Path = base.Path
	case ref[0] == '#':
		u.Path, u.Query, u.HasQuery = base.Path, base.Query, base.HasQuery
		u.Fragment, u.HasFrag = ref[1:], true
	default:
		dir := base.Path[:strings.LastIndexByte(base.Path, '/')+1]
		pathQueryFragment(dir+ref, &u)
	}
	return u, nil
}

// normalizePath removes dot segments and percent-encodes what the path
// percent-encode set requires (https://url.spec.whatwg.org/#path-state).
func normalizePath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] == '/' && strings.IndexByte(p, '.') < 0 && strings.IndexByte(p, '%') < 0 {
		// No dot segment ("." or "%2e"): the steps below would encode
		// each segment and join them again as they were.
		return encode(p, pathSet)
	}
	segs := strings.Split(p[1:], "/")
	if p[0] != '/' {
		segs = strings.Split(p, "/")
	}
	out := make([]string, 0, len(segs))
	for i, s := range segs {
		last := i == len(segs)-1
		switch strings.ToLower(s) {
		case ".", "%2e":
			if last {
				out = append(out, "")
			}
		case "..", ".%2e", "%2e.", "%2e%2e":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, encode(s, pathSet))
		}
	}
	return "/" + strings.Join(out, "/")
}

const (
	querySet    = " \"#<>'"
	pathSet     = " \"#<>?`{}^|"
	userinfoSet = " \"#<>?`{}/:;=@[\\]^|"
)

// encode percent-encodes C0 controls, bytes >= 0x7F and the bytes of set.
func encode(s, set string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7F || strings.IndexByte(set, c) >= 0 {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7F || strings.IndexByte(set, c) >= 0 {
			b = append(b, '%', hex[c>>4], hex[c&15])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}

// Misspells reports whether entry, an allowed origin as a configuration
// writes it, means page, a serialized origin, but never equals an Origin
// header: page in capitals, or with a path, a trailing slash, a query
// or its scheme's default port (an Origin is scheme://host[:port] in
// lowercase, the default port left out: RFC 6454 §6.2). Entries with
// "*" are patterns, and are not misspellings.
func Misspells(entry, page string) bool {
	v := strings.TrimSpace(entry)
	if v == page || strings.ContainsRune(v, '*') {
		return false
	}
	low := strings.ToLower(v)
	switch {
	case low == page,
		strings.HasPrefix(low, page) && len(low) > len(page) && strings.ContainsRune("/?#", rune(low[len(page)])),
		strings.HasPrefix(page, "https://") && low == page+":443",
		strings.HasPrefix(page, "http://") && low == page+":80":
		return true
	}
	return false
}
