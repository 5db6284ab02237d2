package origin

import (
	"strings"
	"testing"
)

// builderString is URL.String as it was written with a strings.Builder,
// before one concatenation replaced it (issue 23): the two must agree.
func builderString(u URL) string {
	if !special(u.Scheme) {
		return u.Scheme + ":" + u.Opaque
	}
	var b strings.Builder
	b.WriteString(u.Scheme)
	b.WriteString("://")
	if u.HasCredentials() {
		b.WriteString(u.Username)
		if u.Password != "" {
			b.WriteByte(':')
			b.WriteString(u.Password)
		}
		b.WriteByte('@')
	}
	b.WriteString(u.Host)
	if u.Port != "" {
		b.WriteByte(':')
		b.WriteString(u.Port)
	}
	b.WriteString(u.Path)
	if u.HasQuery {
		b.WriteByte('?')
		b.WriteString(u.Query)
	}
	return b.String()
}

// TestStringAsBuilder checks URL.String against builderString on every
// combination of present and absent parts, and on parsed URLs.
func TestStringAsBuilder(t *testing.T) {
	schemes := []string{"https", "http", "file", "ws", "data", "blob", "mailto", ""}
	users := []string{"", "u", "us%40er"}
	passwords := []string{"", "p", "p:w"}
	hosts := []string{"", "api.test", "[::1]", "127.0.0.1"}
	ports := []string{"", "8443"}
	paths := []string{"", "/", "/a/b"}
	queries := []struct {
		q   string
		has bool
	}{{"", false}, {"", true}, {"a=1&b", true}}
	n := 0
	for _, s := range schemes {
		for _, us := range users {
			for _, pw := range passwords {
				for _, h := range hosts {
					for _, p := range ports {
						for _, pa := range paths {
							for _, q := range queries {
								u := URL{Scheme: s, Username: us, Password: pw, Host: h, Port: p, Path: pa, Query: q.q, HasQuery: q.has, Fragment: "f", HasFrag: true, Opaque: "opaque"}
								if got, want := u.String(), builderString(u); got != want {
									t.Fatalf("%+v: String() = %q, want %q", u, got, want)
								}
								n++
							}
						}
					}
				}
			}
		}
	}
	for _, in := range []string{"https://u:p@api.test:8443/a/b?c=d#e", "http://API.test/", "https://api.test?", "https://:p@api.test/", "https://u@api.test", "file:///etc/passwd", "data:text/plain,hi", "https://[::1]:443/x", "https://xn--nxasmq6b.test/"} {
		u, err := ParseURL(in)
		if err != nil {
			t.Fatalf("ParseURL(%q): %v", in, err)
		}
		if got, want := u.String(), builderString(u); got != want {
			t.Errorf("%q: String() = %q, want %q", in, got, want)
		}
		n++
	}
	t.Logf("%d URLs", n)
}
