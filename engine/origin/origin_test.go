package origin_test

import (
	"testing"

	"github.com/whycors/whycors/engine/origin"
)

func TestParseOrigin(t *testing.T) {
	tests := []struct {
		desc, in, want, source string
		wantErr                bool
	}{
		{desc: "plain http origin", in: "http://app.test", want: "http://app.test", source: "HTML ASCII serialization of an origin"},
		{desc: "scheme and host lowercased", in: "HTTP://App.TEST", want: "http://app.test", source: "URL Standard: scheme state lowercases; domain to ASCII lowercases"},
		{desc: "default port dropped", in: "https://app.test:443", want: "https://app.test", source: "URL Standard port state: default port becomes null (browser-cors.md §1.12)"},
		{desc: "non-default port kept", in: "http://app.test:8080", want: "http://app.test:8080", source: "HTML ASCII serialization of an origin"},
		{desc: "path and query are not part of an origin", in: "http://app.test/a/b?c#d", want: "http://app.test", source: "URL Standard concept-url-origin"},
		{desc: "null is opaque", in: "null", want: "null", source: "Fetch origin-or-null ABNF (browser-cors.md §1.12)"},
		{desc: "IDN to punycode", in: "https://ÉLÈVE.example:443", want: "https://xn--lve-6lad.example", source: "browser-cors.md §1.12 (WPT access-control-expose-headers-parsing)"},
		{desc: "IPv4 dotted", in: "http://127.0.0.1:3000", want: "http://127.0.0.1:3000", source: "URL Standard IPv4 serializer"},
		{desc: "IPv4 shorthand normalized", in: "http://0x7f.1/", want: "http://127.0.0.1", source: "URL Standard IPv4 parser example 0x7f.1"},
		{desc: "IPv6 compressed and lowercased", in: "http://[0:0:0:0:0:0:0:1]:8080", want: "http://[::1]:8080", source: "URL Standard IPv6 serializer"},
		{desc: "IPv6 single zero piece not compressed", in: "http://[1:0:2:3:4:5:6:7]", want: "http://[1:0:2:3:4:5:6:7]", source: "Fetch Origin ABNF: :: never elides a single 0-block (browser-cors.md §1.12)"},
		{desc: "IPv4 tail in IPv6", in: "http://[::ffff:192.168.0.1]", want: "http://[::ffff:c0a8:1]", source: "URL Standard IPv6 parser/serializer"},
		{desc: "file is opaque", in: "file:///tmp/x.html", want: "null", source: "URL Standard origin: file is left to the UA, opaque in Chromium and Firefox (browser-cors.md §1.12)"},
		{desc: "data is opaque", in: "data:text/html,hi", want: "null", source: "URL Standard concept-url-origin"},
		{desc: "blob takes the inner origin", in: "blob:https://app.test/uuid", want: "https://app.test", source: "URL Standard concept-url-origin, blob"},
		{desc: "no scheme", in: "app.test", wantErr: true, source: "URL Standard: no scheme, no base => failure"},
		// Found as a new user would: the origin was "null", silently.
		{desc: "a host and port without a scheme, which the URL parser reads as the scheme localhost", in: "localhost:3000", wantErr: true, source: "HTML ASCII serialization of an origin: scheme \"://\" host [\":\" port]"},
		{desc: "empty host", in: "http://", wantErr: true, source: "URL Standard: host-missing validation error"},
		{desc: "port out of range", in: "http://a.test:65536", wantErr: true, source: "URL Standard port-out-of-range"},
		{desc: "forbidden host code point", in: "http://a<b.test", wantErr: true, source: "URL Standard forbidden domain code point"},
		{desc: "invalid IPv4 that ends in a number", in: "http://1.2.3.256", wantErr: true, source: "URL Standard IPv4 parser: part > 255 fails"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			o, err := origin.Parse(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("Parse(%q) = %q, want error (%s)", tc.in, o, tc.source)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v (%s)", tc.in, err, tc.source)
			}
			if got := o.String(); got != tc.want {
				t.Errorf("Parse(%q) = %q, want %q (%s)", tc.in, got, tc.want, tc.source)
			}
		})
	}
}

func TestSameOrigin(t *testing.T) {
	tests := []struct {
		desc, a, b, source string
		want               bool
	}{
		{desc: "identical", a: "http://app.test", b: "http://app.test/x", want: true, source: "HTML same origin"},
		{desc: "explicit default port", a: "http://app.test:80", b: "http://app.test", want: true, source: "URL Standard default port is null"},
		{desc: "other scheme", a: "http://app.test", b: "https://app.test", want: false, source: "HTML same origin: scheme differs"},
		{desc: "other port", a: "http://app.test:3000", b: "http://app.test", want: false, source: "HTML same origin: port differs"},
		{desc: "subdomain", a: "http://app.test", b: "http://api.app.test", want: false, source: "HTML same origin: host differs"},
		{desc: "two nulls are distinct opaque origins", a: "null", b: "null", want: false, source: "HTML: each opaque origin is unique"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			a, err1 := origin.Parse(tc.a)
			b, err2 := origin.Parse(tc.b)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if got := origin.SameOrigin(a, b); got != tc.want {
				t.Errorf("SameOrigin(%q, %q) = %v, want %v (%s)", tc.a, tc.b, got, tc.want, tc.source)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	base, err := origin.ParseURL("http://api.test/a/b?q=1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, ref, want, source string
		creds                   bool
	}{
		{desc: "absolute path", ref: "/moved", want: "http://api.test/moved", source: "URL Standard relative state"},
		{desc: "relative path", ref: "c", want: "http://api.test/a/c", source: "URL Standard path state"},
		{desc: "dot segments", ref: "../x/./y", want: "http://api.test/x/y", source: "URL Standard single/double-dot path segments"},
		{desc: "query only", ref: "?z", want: "http://api.test/a/b?z", source: "URL Standard relative state, ?"},
		{desc: "scheme-relative", ref: "//other.test/p", want: "http://other.test/p", source: "URL Standard relative slash state"},
		{desc: "absolute URL", ref: "https://x.test", want: "https://x.test/", source: "URL Standard: empty path of a special URL is /"},
		{desc: "userinfo kept", ref: "http://u:p@api.test/c", want: "http://u:p@api.test/c", creds: true, source: "URL Standard includes credentials"},
		{desc: "space percent-encoded", ref: "/a b", want: "http://api.test/a%20b", source: "URL Standard path percent-encode set"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			u, err := base.Resolve(tc.ref)
			if err != nil {
				t.Fatalf("Resolve(%q): %v", tc.ref, err)
			}
			if got := u.String(); got != tc.want {
				t.Errorf("Resolve(%q) = %q, want %q (%s)", tc.ref, got, tc.want, tc.source)
			}
			if u.HasCredentials() != tc.creds {
				t.Errorf("HasCredentials = %v, want %v", u.HasCredentials(), tc.creds)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"http://app.test", "null", "https://ÉLÈVE.example:443", "http://[::1]:80", "http://0x7f.1", "blob:https://a.test/x", "http://u:p@h/", "http://[1:2::3:4.5.6.7]", "x:", "http://a.test:99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := origin.Parse(s)
		if err != nil {
			return
		}
		// A serialized origin parses back to itself.
		str := o.String()
		if str == "null" {
			return
		}
		o2, err := origin.Parse(str)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its serialization %q does not parse: %v", s, str, err)
		}
		if o2.String() != str {
			t.Fatalf("round trip %q -> %q -> %q", s, str, o2.String())
		}
	})
}
