package origin

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// IsSerializedHost reports whether h is a host exactly as the URL parser
// serializes it (https://url.spec.whatwg.org/#host-serializing): an ASCII
// lowercase domain (punycode for IDNs), an IPv4 address as four decimal
// numbers without leading zeros, or a bracketed IPv6 address in RFC 5952's
// compressed lowercase form. A configuration that lists an origin with
// any other spelling never equals the Origin header a browser sends. The
// engine's one canonical-host check (native's patterns use it).
//
// It runs only the parts of the host parser a serialized host can reach
// (no IDN mapping: a serialized host is ASCII), so a program that checks
// hosts without parsing URLs (the worker's native-only build) links little.
func IsSerializedHost(h string) bool {
	switch {
	case h == "":
		return false
	case h[0] == '[':
		if h[len(h)-1] != ']' {
			return false
		}
		a, ok := parseIPv6(h[1 : len(h)-1])
		return ok && "["+serializeIPv6(a)+"]" == h
	}
	for i := 0; i < len(h); i++ {
		// Uppercase is lowered and non-ASCII punycoded by the parser;
		// forbidden domain code points never parse
		// (https://url.spec.whatwg.org/#forbidden-domain-code-point).
		if c := h[i]; c <= 0x20 || c >= 0x7F || c >= 'A' && c <= 'Z' || strings.IndexByte("#/:<>?@[\\]^|%", c) >= 0 {
			return false
		}
	}
	// A host whose last label is a number is an IPv4 address to the
	// parser (https://url.spec.whatwg.org/#ends-in-a-number-checker:
	// decimal digits, or 0x and hex digits), serialized as four decimal
	// numbers 0-255 without leading zeros; each such text parses to
	// itself.
	last := strings.TrimSuffix(h, ".")
	last = last[strings.LastIndexByte(last, '.')+1:]
	if allDigits(last) && last != "" || len(last) >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X') && allHex(last[2:]) {
		_, ok := parseDotted(h)
		return ok
	}
	return true
}

// parseHost runs the host parser for special schemes
// (https://url.spec.whatwg.org/#host-parsing) and returns the serialized host.
func parseHost(in, h string) (string, error) {
	if h == "" {
		return "", fail(in, 0, "empty host")
	}
	if h[0] == '[' {
		if h[len(h)-1] != ']' {
			return "", fail(in, 0, "unclosed [ in IPv6 host")
		}
		a, ok := parseIPv6(h[1 : len(h)-1])
		if !ok {
			return "", fail(in, 0, "invalid IPv6 address "+strconv.Quote(h))
		}
		return "[" + serializeIPv6(a) + "]", nil
	}
	if strings.IndexByte(h, '%') >= 0 {
		return "", fail(in, strings.IndexByte(in, '%'), "percent-encoded hosts are not supported")
	}
	ascii, err := toASCII(in, h)
	if err != nil {
		return "", err
	}
	for i := 0; i < len(ascii); i++ {
		// Forbidden domain code points (https://url.spec.whatwg.org/#forbidden-domain-code-point).
		if c := ascii[i]; c <= 0x20 || c == 0x7F || strings.IndexByte("#/:<>?@[\\]^|%", c) >= 0 {
			return "", fail(in, strings.Index(in, h)+i, "forbidden character "+strconv.QuoteRune(rune(c))+" in host")
		}
	}
	if endsInNumber(ascii) {
		v, ok := parseIPv4(ascii)
		if !ok {
			return "", fail(in, 0, "invalid IPv4 address "+strconv.Quote(ascii))
		}
		return strconv.Itoa(int(v>>24)) + "." + strconv.Itoa(int(v>>16&255)) + "." + strconv.Itoa(int(v>>8&255)) + "." + strconv.Itoa(int(v&255)), nil
	}
	return ascii, nil
}

// toASCII lowercases the domain and Punycode-encodes its non-ASCII labels
// (a subset of UTS #46 ToASCII: case folding only, no NFC or mapping table).
func toASCII(in, h string) (string, error) {
	if !utf8.ValidString(h) {
		return "", fail(in, 0, "host is not valid UTF-8")
	}
	if isASCII(h) {
		return strings.ToLower(h), nil
	}
	h = strings.ToLower(h)
	// Full stops of other scripts separate labels too (UTS #46 mapping).
	for _, dot := range []string{"\u3002", "\uff0e", "\uff61"} {
		h = strings.ReplaceAll(h, dot, ".")
	}
	labels := strings.Split(h, ".")
	for i, l := range labels {
		if isASCII(l) {
			continue
		}
		p, ok := punycode(l)
		if !ok {
			return "", fail(in, 0, "label "+strconv.Quote(l)+" cannot be encoded")
		}
		labels[i] = "xn--" + p
	}
	return strings.Join(labels, "."), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// punycode encodes one label (RFC 3492 section 6.3).
func punycode(label string) (string, bool) {
	const (
		base, tmin, tmax, skew, damp = 36, 1, 26, 38, 700
		initialBias, initialN        = 72, 128
	)
	runes := []rune(label)
	if len(runes) > 63 {
		return "", false
	}
	var out []byte
	for _, r := range runes {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	b := len(out)
	h := b
	if b > 0 {
		out = append(out, '-')
	}
	digit := func(d int) byte {
		if d < 26 {
			return byte('a' + d)
		}
		return byte('0' + d - 26)
	}
	adapt := func(delta, numPoints int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / numPoints
		k := 0
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	n, delta, bias := initialN, 0, initialBias
	for h < len(runes) {
		m := int(^uint32(0) >> 1)
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) == n {
				q := delta
				for k := base; ; k += base {
					t := k - bias
					if t < tmin {
						t = tmin
					} else if t > tmax {
						t = tmax
					}
					if q < t {
						break
					}
					out = append(out, digit(t+(q-t)%(base-t)))
					q = (q - t) / (base - t)
				}
				out = append(out, digit(q))
				bias = adapt(delta, h+1, h == b)
				delta = 0
				h++
			}
		}
		delta++
		n++
	}
	return string(out), true
}

// endsInNumber implements https://url.spec.whatwg.org/#ends-in-a-number-checker.
func endsInNumber(h string) bool {
	if h == "" {
		return false
	}
	h = strings.TrimSuffix(h, ".") // one empty last label goes
	last := h[strings.LastIndexByte(h, '.')+1:]
	if last != "" && allDigits(last) {
		return true
	}
	_, ok := ipv4Number(last)
	return ok
}

// ipv4Number parses one IPv4 part: decimal, 0x hex or leading-0 octal
// (https://url.spec.whatwg.org/#ipv4-number-parser).
func ipv4Number(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	radix := 10
	if len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X") {
		s, radix = s[2:], 16
	} else if len(s) >= 2 && s[0] == '0' {
		s, radix = s[1:], 8
	}
	if s == "" {
		return 0, true
	}
	if len(s) > 20 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		// ParseUint's own refusal, without the error it allocates: most
		// hosts' last label is a word.
		c := s[i] | 0x20
		if !(s[i] >= '0' && s[i] < '0'+byte(min(radix, 10)) || radix == 16 && c >= 'a' && c <= 'f') {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(s, radix, 64)
	return v, err == nil
}

func parseIPv4(h string) (uint32, bool) {
	parts := strings.Split(h, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return 0, false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		n, ok := ipv4Number(p)
		if !ok {
			return 0, false
		}
		nums[i] = n
	}
	for _, n := range nums[:len(nums)-1] {
		if n > 255 {
			return 0, false
		}
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return 0, false
	}
	v := last
	for i, n := range nums[:len(nums)-1] {
		v += n << (8 * (3 - i))
	}
	return uint32(v), true
}

// parseIPv6 implements https://url.spec.whatwg.org/#concept-ipv6-parser.
func parseIPv6(s string) ([8]uint16, bool) {
	var a [8]uint16
	piece, compress := 0, -1
	i := 0
	if strings.HasPrefix(s, ":") {
		if !strings.HasPrefix(s, "::") {
			return a, false
		}
		i = 2
		piece++
		compress = piece
	}
	for i < len(s) {
		if piece == 8 {
			return a, false
		}
		if s[i] == ':' {
			if compress >= 0 {
				return a, false
			}
			i++
			piece++
			compress = piece
			continue
		}
		v, n := 0, 0
		for n < 4 && i < len(s) && hexVal(s[i]) >= 0 {
			v = v*16 + hexVal(s[i])
			i++
			n++
		}
		if i < len(s) && s[i] == '.' {
			if n == 0 || piece > 6 {
				return a, false
			}
			i -= n
			v4, ok := parseDotted(s[i:])
			if !ok {
				return a, false
			}
			a[piece] = uint16(v4 >> 16)
			a[piece+1] = uint16(v4)
			piece += 2
			i = len(s)
			break
		}
		if i < len(s) {
			if s[i] != ':' {
				return a, false
			}
			i++
			if i == len(s) {
				return a, false
			}
		}
		if n == 0 {
			return a, false
		}
		a[piece] = uint16(v)
		piece++
	}
	if compress >= 0 {
		swaps := piece - compress
		piece = 7
		for piece != 0 && swaps > 0 {
			a[piece], a[compress+swaps-1] = a[compress+swaps-1], a[piece]
			piece--
			swaps--
		}
	} else if piece != 8 {
		return a, false
	}
	return a, true
}

// parseDotted reads the strict dotted-decimal IPv4 tail of an IPv6 address.
func parseDotted(s string) (uint32, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return 0, false
	}
	var v uint32
	for _, p := range parts {
		if p == "" || len(p) > 3 || (len(p) > 1 && p[0] == '0') || !allDigits(p) {
			return 0, false
		}
		n, _ := strconv.Atoi(p)
		if n > 255 {
			return 0, false
		}
		v = v<<8 | uint32(n)
	}
	return v, true
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// serializeIPv6 compresses the first longest run of two or more zero pieces
// (https://url.spec.whatwg.org/#concept-ipv6-serializer).
func serializeIPv6(a [8]uint16) string {
	best, bestLen := -1, 1
	for i := 0; i < 8; {
		if a[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && a[j] == 0 {
			j++
		}
		if j-i > bestLen {
			best, bestLen = i, j-i
		}
		i = j
	}
	var b strings.Builder
	for i := 0; i < 8; i++ {
		if i == best {
			if i == 0 {
				b.WriteString("::")
			} else {
				b.WriteByte(':')
			}
			i += bestLen - 1
			continue
		}
		b.WriteString(strconv.FormatUint(uint64(a[i]), 16))
		if i < 7 {
			b.WriteByte(':')
		}
	}
	return b.String()
}

// allDigits reports whether s is ASCII digits only.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// allHex reports whether s is ASCII hex digits only.
func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if hexVal(s[i]) < 0 {
			return false
		}
	}
	return true
}

// publicSuffixes is a small list of suffixes anyone can register a name
// under (publicsuffix.org's private and country sections), those people
// write in CORS configurations: the full list costs about 180 KB in the
// page's wasm (server-peers.md §7), so one-label suffixes (com, io, ...)
// are caught by shape and these are listed.
var publicSuffixes = [...]string{
	"github.io", "gitlab.io", "herokuapp.com", "vercel.app", "netlify.app", "pages.dev", "workers.dev",
	"web.app", "firebaseapp.com", "appspot.com", "cloudfront.net", "azurewebsites.net", "azurestaticapps.net",
	"s3.amazonaws.com", "amazonaws.com", "blogspot.com", "onrender.com", "fly.dev", "glitch.me", "ngrok.io", "ngrok-free.app",
	"co.uk", "org.uk", "ac.uk", "com.au", "net.au", "co.jp", "co.nz", "com.br", "co.in", "co.za", "com.cn", "com.mx",
}

// IsPublicSuffix reports whether s, a host without a trailing dot, is a
// suffix anyone can register a name under: a single label other than
// localhost (a top-level domain), or one of the multi-label suffixes
// people write ("github.io", "co.uk"). A wildcard over one ("https://*.github.io")
// allows every stranger's site (jub0bs/cors refuses it, server-peers.md §1.2).
func IsPublicSuffix(s string) bool {
	if s == "" {
		return false
	}
	if !strings.Contains(s, ".") {
		return s != "localhost"
	}
	for _, p := range publicSuffixes {
		if s == p {
			return true
		}
	}
	return false
}

// PercentByte is the byte the escape "%" hi lo stands for (RFC 3986
// §2.1), and whether hi and lo are hex digits.
func PercentByte(hi, lo byte) (byte, bool) {
	h, l := hexVal(hi), hexVal(lo)
	return byte(h<<4 | l), h >= 0 && l >= 0
}
