package fetch_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
)

// fastNames are header names and pieces that fold in ASCII and outside
// it: U+212A KELVIN SIGN folds to "k", U+017F LATIN SMALL LETTER LONG S
// to "s", U+0130 lowercases to two runes.
var fastNames = []string{"", "a", "A", "k", "K", "\u212a", "s", "S", "\u017f", "\u0130", "i", "é", "É", "-", "_", "@", "`", "[", "{", "\xff",
	"Origin", "origin", "Access-Control-Allow-Origin", "access-control-allow-origin", "Access-Control-Allow-Credentials",
	"Set-Cookie", "Content-Type", "X-Api-Key", "Location", "acce\u017f\u017f-control-allow-origin", "Loc\u212aation"}

// randomName strings pieces of fastNames together.
func randomName(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(4); n >= 0; n-- {
		b.WriteString(fastNames[r.IntN(len(fastNames))])
	}
	return b.String()
}

// TestNameIs: the browser model's header-name comparison answers as
// strings.EqualFold for every ASCII name it looks for, over names that
// fold inside and outside ASCII.
func TestNameIs(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 1))
	var asciiNames []string
	for _, n := range fastNames {
		if fetch.IsToken(n) || n == "" {
			asciiNames = append(asciiNames, n, strings.ToLower(n), strings.ToUpper(n))
		}
	}
	for range 200000 {
		name := randomName(r)
		for _, a := range []string{asciiNames[r.IntN(len(asciiNames))], strings.ToUpper(name), strings.ToLower(name)} {
			if !headers.IsASCII(a) {
				continue
			}
			if got, want := fetch.NameIs(name, a), strings.EqualFold(name, a); got != want {
				t.Fatalf("nameIs(%q, %q) = %v, strings.EqualFold says %v", name, a, got, want)
			}
		}
	}
}

// TestLowerInto: the lowercase the model compares header names by is
// strings.ToLower's, for every kind of name.
func TestLowerInto(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 2))
	for range 200000 {
		name := randomName(r)
		var buf [32]byte
		if got, want := string(fetch.LowerInto(buf[:0], name)), strings.ToLower(name); got != want {
			t.Fatalf("lowerInto(%q) = %q, strings.ToLower says %q", name, got, want)
		}
	}
}

// TestSerializedFrom: an origin read from the start of a text is the
// origin's own serialization, for URLs and origins written in every way.
func TestSerializedFrom(t *testing.T) {
	texts := []string{"http://app.test", "http://app.test/", "http://app.test:8080/x", "https://APP.test/", "HTTP://app.test",
		"http://app.test:80/", "https://a.b:443", "http://[::1]:3000/p?q", "http://u:p@app.test/", "null", "file:///x",
		"http://app.test.evil/", "http://app.tes", "http://app.test:8/", "http://xn--caf-dma.test/", "http://café.test/"}
	for _, text := range texts {
		for _, in := range texts {
			u, err := origin.ParseURL(in)
			if err != nil {
				continue
			}
			o := u.Origin()
			if got, want := fetch.SerializedFrom(o, text), o.String(); got != want {
				t.Errorf("serializedFrom(%q of %q, %q) = %q, want %q", want, in, text, got, want)
			}
		}
	}
}

// TestTrim: the model's trims are strings.Trim's.
func TestTrim(t *testing.T) {
	pieces := []string{"", " ", "\t", "\r", "\n", "a", "a b", "\x00", "é", "\v", "\f"}
	r := rand.New(rand.NewPCG(23, 3))
	for range 100000 {
		var b strings.Builder
		for n := r.IntN(6); n >= 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := fetch.TrimOWS(s), strings.Trim(s, " \t"); got != want {
			t.Fatalf("TrimOWS(%q) = %q, want %q", s, got, want)
		}
		if got, want := fetch.TrimHTTPWS(s), strings.Trim(s, " \t\r\n"); got != want {
			t.Fatalf("trimHTTPWS(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestReadableName: a response header is readable as the standard
// library's lowercase of its name says, for names that fold inside and
// outside ASCII.
func TestReadableName(t *testing.T) {
	safelisted := []string{"cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"}
	r := rand.New(rand.NewPCG(23, 5))
	for range 200000 {
		name := randomName(r)
		var listed []string
		for n := r.IntN(3); n > 0; n-- {
			if l := randomName(r); fetch.IsToken(l) {
				listed = append(listed, l)
			}
		}
		all := r.IntN(4) == 0
		lower := strings.ToLower(name)
		want := lower != "set-cookie" && lower != "set-cookie2" && (all || slices.Contains(safelisted, lower) ||
			slices.ContainsFunc(listed, func(l string) bool { return strings.ToLower(l) == lower }))
		if got := fetch.ReadableName(name, all, listed); got != want {
			t.Fatalf("readableName(%q, %v, %q) = %v, want %v", name, all, listed, got, want)
		}
	}
}

// TestTables: the sorted tables that replaced maps answer as the lists
// they hold (https://fetch.spec.whatwg.org/#forbidden-request-header;
// WebKit's HTTPHeaderNames.in), for every name in them and others.
func TestTables(t *testing.T) {
	forbidden := []string{"accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method",
		"connection", "content-length", "cookie", "cookie2", "date", "dnt", "expect", "host", "keep-alive", "origin", "referer",
		"set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via"}
	webkit := []string{"Accept", "Accept-Charset", "Accept-Language", "Accept-Encoding", "Authorization",
		"Cache-Control", "Connection", "Content-Disposition", "Content-Encoding", "Content-Language",
		"Content-Length", "Content-Type", "Content-Transfer-Encoding", "Content-Range", "Cookie", "Cookie2",
		"Date", "DNT", "Expect", "Host", "If-Match", "If-Modified-Since", "If-None-Match", "If-Range",
		"If-Unmodified-Since", "Keep-Alive", "Last-Event-ID", "Origin", "Ping-From", "Ping-To", "Purpose",
		"Pragma", "Range", "Referer", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "User-Agent", "Via",
		"X-Content-Type-Options", "X-DNS-Prefetch-Control", "X-Frame-Options", "X-XSS-Protection"}
	names := []string{"", "a", "x-api-key", "accept-charsets", "accep", "proxy-authorization", "sec-fetch-mode", "zz", "~"}
	for _, n := range append(forbidden, webkit...) {
		names = append(names, strings.ToLower(n), strings.ToLower(n)+"x", strings.ToLower(n)[1:])
	}
	for _, n := range names {
		if got, want := fetch.ForbiddenName(n), slices.Contains(forbidden, n); got != want {
			t.Errorf("forbiddenName(%q) = %v, want %v", n, got, want)
		}
		want := ""
		for _, w := range webkit {
			if strings.ToLower(w) == n {
				want = w
			}
		}
		if got := fetch.WebkitCommonHeader(n); got != want {
			t.Errorf("webkitCommonHeader(%q) = %q, want %q", n, got, want)
		}
	}
	for c := range 256 {
		want := c < 0x20 && c != 0x09 || c == 0x7F || strings.IndexByte("\"():<>?@[\\]{}", byte(c)) >= 0
		if got := fetch.UnsafeByte(byte(c)); got != want {
			t.Errorf("unsafeByte(%#x) = %v, want %v", c, got, want)
		}
	}
}
