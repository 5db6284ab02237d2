package fetch

import (
	"strings"
	"unicode/utf8"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/strsort"
	"github.com/whycors/whycors/engine/internal/words"
)

// Safelist sizes (https://fetch.spec.whatwg.org/#cors-safelisted-request-header
// and #cors-unsafe-request-header-names; reference browser-cors.md §1.2).
const (
	maxSafelistedValue = 128
	maxSafelistedTotal = 1024
)

// unsafeByte reports a CORS-unsafe request-header byte
// (https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte).
func unsafeByte(c byte) bool {
	switch c {
	case '"', '(', ')', ':', '<', '>', '?', '@', '[', '\\', ']', '{', '}', 0x7F:
		return true
	}
	return c < 0x20 && c != 0x09
}

// wireLen is the length of v in bytes as fetch() sends it: a header value
// is a ByteString, one byte per character up to U+00FF
// (https://webidl.spec.whatwg.org/#es-ByteString), where the scenario
// holds it as UTF-8 (Accept "é" is one byte on the wire, two in v). A
// value with a character above U+00FF makes fetch() throw before this
// matters (Request); XMLHttpRequest's setRequestHeader() does too.
func wireLen(v string) int {
	if headers.IsASCII(v) || !IsByteString(v) {
		return len(v)
	}
	return utf8.RuneCountInString(v)
}

func hasUnsafeByte(v string) bool {
	for i := 0; i < len(v); i++ {
		if unsafeByte(v[i]) {
			return true
		}
	}
	return false
}

// SafelistedRequestHeader reports whether (name, value) is a CORS-safelisted
// request-header for this profile: the standard's four names and Range
// (https://fetch.spec.whatwg.org/#cors-safelisted-request-header), plus
// Chromium's client hints when the profile has them (reference
// browser-cors.md §1.2 "Chromium safelists extra names").
func (p *Profile) SafelistedRequestHeader(name, value string) bool {
	var buf [32]byte
	return p.safelisted(lowerInto(buf[:0], name), value)
}

// safelisted is SafelistedRequestHeader of the name lowercased (lower,
// lowerInto's).
func (p *Profile) safelisted(lower []byte, value string) bool {
	if wireLen(value) > maxSafelistedValue {
		return false
	}
	if p.NonASCIIUnsafe && !headers.IsASCII(value) {
		switch string(lower) {
		case "accept", "content-type":
			return false
		}
	}
	switch string(lower) {
	case "accept":
		return !hasUnsafeByte(value)
	case "accept-language", "content-language":
		for i := 0; i < len(value); i++ {
			c := value[i]
			if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || strings.IndexByte(" *,-.;=", c) >= 0) {
				return false
			}
		}
		return true
	case "content-type":
		if hasUnsafeByte(value) {
			return false
		}
		// ParseMIME(value)'s essence compared by its parts, as written:
		// tokens, ASCII, whose strings.ToLower is ASCII's (lowerEqual).
		typ, sub, _, _, ok := mimeEssence(value)
		switch {
		case !ok:
			return false
		case lowerEqual(typ, "application"):
			return lowerEqual(sub, "x-www-form-urlencoded")
		case lowerEqual(typ, "multipart"):
			return lowerEqual(sub, "form-data")
		case lowerEqual(typ, "text"):
			return lowerEqual(sub, "plain")
		}
		return false
	case "range":
		return simpleRange(value)
	}
	if p.ClientHints {
		return clientHint(string(lower), value)
	}
	return false
}

// clientHint is Chromium's extra safelist (services/network/public/cpp/cors/cors.cc
// IsCorsSafelistedHeader, via reference browser-cors.md §1.2).
func clientHint(name, value string) bool {
	switch name {
	case "intervention":
		return true
	case "device-memory", "dpr", "downlink":
		a, b, dot := strings.Cut(value, ".")
		return digits(a) && (!dot || digits(b))
	case "width", "viewport-width", "rtt":
		return digits(value)
	case "ect":
		switch value {
		case "slow-2g", "2g", "3g", "4g":
			return true
		}
		return false
	case "save-data":
		return value == "on"
	}
	return false
}

// simpleRange is "parse a single range header value" with allowWhitespace
// false (https://fetch.spec.whatwg.org/#simple-range-header-value): bytes=N-[M],
// N required, N <= M.
func simpleRange(v string) bool {
	rest, ok := strings.CutPrefix(v, "bytes=")
	if !ok {
		return false
	}
	a, b, ok := strings.Cut(rest, "-")
	if !ok || a == "" || len(a) > 18 || len(b) > 18 {
		return false
	}
	num := func(s string) (int64, bool) {
		var n int64
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int64(s[i]-'0')
		}
		return n, true
	}
	start, ok := num(a)
	if !ok {
		return false
	}
	if b == "" {
		return true
	}
	end, ok := num(b)
	return ok && start <= end
}

// UnsafeNames returns the CORS-unsafe request-header names of h: the
// names of headers that are not safelisted, plus every safelisted name
// when the safelisted values add up to more than 1024 bytes; lowercased,
// deduplicated and sorted (https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names).
// A non-empty result means a preflight.
func (p *Profile) UnsafeNames(h headers.List) []string { return p.unsafeNames(h, &words.Arena{}, nil) }

// unsafeNames is UnsafeNames, the names lowercased in w.
func (p *Profile) unsafeNames(h headers.List, w *words.Arena, m *lists) []string {
	var unsafe []string
	total, nsafe := 0, 0
	for i, f := range h {
		if p.CombinedSafelist && firstOf(h, i) != i {
			continue // judged with its first line
		}
		// The name lowercased once: judged, and listed when unsafe.
		var buf [32]byte
		lower := lowerInto(buf[:0], f.Name)
		if v := p.value(h, i); p.safelisted(lower, v) {
			total += wireLen(v)
			nsafe++
		} else {
			if unsafe == nil {
				unsafe = m.takeNames(len(h) - i)
			}
			unsafe = append(unsafe, w.Lowered(f.Name, lower))
		}
	}
	if total > maxSafelistedTotal && !p.NoSafelistTotal && nsafe > 0 {
		// The safelisted ones count as unsafe too: a second pass, rare.
		for i, f := range h {
			if (!p.CombinedSafelist || firstOf(h, i) == i) && p.safe(h, i) {
				unsafe = append(unsafe, w.Lower(f.Name))
			}
		}
	}
	strsort.Strings(unsafe)
	if p.KeepDuplicateNames {
		if len(unsafe) == 0 {
			return nil
		}
		return unsafe
	}
	return compactStrings(unsafe)
}

// value is the value UnsafeNames judges h[i] by: its own, or with
// CombinedSafelist every line of its name combined.
func (p *Profile) value(h headers.List, i int) string {
	if p.CombinedSafelist {
		v, _ := h.Get(h[i].Name)
		return v
	}
	return h[i].Value
}

// safe reports whether UnsafeNames finds h[i] safelisted.
func (p *Profile) safe(h headers.List, i int) bool {
	return p.SafelistedRequestHeader(h[i].Name, p.value(h, i))
}

// lowerInto is strings.ToLower(name) written into buf's room when name
// is ASCII and fits, so that comparing it or looking it up (string(b) in
// a switch or a map index) allocates nothing: the model judges each
// header by its lowercase name several times per fetch. Another name
// takes strings.ToLower's own path.
func lowerInto(buf []byte, name string) []byte {
	if len(name) > cap(buf) || !headers.IsASCII(name) {
		return []byte(strings.ToLower(name))
	}
	b := buf[:len(name)]
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return b
}

// firstOf returns the index of the first line of h named as h[i] is.
func firstOf(h headers.List, i int) int {
	for j := 0; j < i; j++ {
		if headers.EqualFold(h[j].Name, h[i].Name) {
			return j
		}
	}
	return i
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// MIME is a parsed MIME type (https://mimesniff.spec.whatwg.org/#mime-type).
type MIME struct {
	Type, Subtype string // lowercase
	// Params are the parameters as [name, value] pairs in order: names
	// lowercased, a quoted value unquoted, the first of a repeated name
	// kept (https://mimesniff.spec.whatwg.org/#parse-a-mime-type, step
	// 11), and at most 64 of them, our bound on hostile input.
	Params [][2]string
}

// Essence is type "/" subtype (https://mimesniff.spec.whatwg.org/#mime-type-essence),
// what the CORS safelist compares a Content-Type by.
func (m MIME) Essence() string { return m.Type + "/" + m.Subtype }

// ParseMIME runs "parse a MIME type" (https://mimesniff.spec.whatwg.org/#parse-a-mime-type).
// The CORS safelist uses this strict parser, not "extract a MIME type"
// (Fetch, CORS-safelisted request-header, content-type branch).
func ParseMIME(s string) (MIME, bool) {
	var m MIME
	typ, sub, params, more, ok := mimeEssence(s)
	if typ != "" {
		m.Type = strings.ToLower(typ)
	}
	if !ok {
		return m, false // with the type, when it parsed
	}
	m.Subtype = strings.ToLower(sub)
	if !more {
		return m, true
	}
	s = params
	for s != "" && len(m.Params) < 64 {
		s = strings.TrimLeft(s, httpWS)
		end := strings.IndexAny(s, ";=")
		var name string
		if end < 0 {
			name, s = s, ""
		} else {
			name = s[:end]
			if s[end] == ';' {
				s = s[end+1:]
				continue
			}
			s = s[end+1:]
		}
		name = strings.ToLower(name)
		if s == "" && end < 0 {
			break
		}
		var value string
		if strings.HasPrefix(s, "\"") {
			value, s = quotedString(s)
			if i := strings.IndexByte(s, ';'); i >= 0 {
				s = s[i+1:]
			} else {
				s = ""
			}
		} else {
			if i := strings.IndexByte(s, ';'); i >= 0 {
				value, s = s[:i], s[i+1:]
			} else {
				value, s = s, ""
			}
			value = trimRightHTTPWS(value)
			if value == "" {
				continue
			}
		}
		if IsToken(name) && quotedOK(value) && !hasParam(m.Params, name) {
			m.Params = append(m.Params, [2]string{name, value})
		}
	}
	return m, true
}

// mimeEssence is the first steps of ParseMIME: the type and subtype as
// written (tokens), and what follows their ";" (more says there is one),
// of s trimmed. ok is false where ParseMIME fails (with the type when it
// is a token and the subtype is not): the parameters never make it fail.
func mimeEssence(s string) (typ, sub, params string, more, ok bool) {
	if len(s) > 4096 {
		return "", "", "", false, false
	}
	s = trimHTTPWS(s)
	slash := strings.IndexByte(s, '/')
	if slash < 0 || !IsToken(s[:slash]) {
		return "", "", "", false, false
	}
	typ, s = s[:slash], s[slash+1:]
	sub = s
	if semi := strings.IndexByte(s, ';'); semi >= 0 {
		sub, params, more = s[:semi], s[semi+1:], true
	}
	sub = trimRightHTTPWS(sub)
	if !IsToken(sub) {
		return typ, "", "", false, false
	}
	return typ, sub, params, more, true
}

func hasParam(ps [][2]string, name string) bool {
	for _, p := range ps {
		if p[0] == name {
			return true
		}
	}
	return false
}

// quotedOK: HTTP quoted-string token code points (tab, 0x20-0x7E, 0x80-0xFF).
func quotedOK(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c != '\t' && (c < 0x20 || c == 0x7F) {
			return false
		}
	}
	return true
}

// quotedString collects an HTTP quoted string with the extract-value flag
// (https://fetch.spec.whatwg.org/#collect-an-http-quoted-string).
func quotedString(s string) (value, rest string) {
	var b strings.Builder
	i := 1
	for i < len(s) {
		c := s[i]
		if c == '"' {
			return b.String(), s[i+1:]
		}
		if c == '\\' {
			if i+1 >= len(s) {
				b.WriteByte('\\')
				return b.String(), ""
			}
			b.WriteByte(s[i+1])
			i += 2
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String(), ""
}
