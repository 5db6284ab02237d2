package origin_test

import (
	"testing"

	"github.com/whycors/whycors/engine/origin"
)

// TestIsSerializedHost: only the spelling the URL serializer writes
// (https://url.spec.whatwg.org/#host-serializing) counts.
func TestIsSerializedHost(t *testing.T) {
	for _, tc := range []struct {
		desc, host string
		want       bool
	}{
		{desc: "a lowercase domain", host: "app.example.com", want: true},
		{desc: "uppercase is lowered by the parser", host: "App.example.com"},
		{desc: "an IDN is sent in punycode", host: "bücher.example"},
		{desc: "its punycode form", host: "xn--bcher-kva.example", want: true},
		{desc: "dotted-decimal IPv4", host: "127.0.0.1", want: true},
		{desc: "a leading zero is octal to the IPv4 parser", host: "127.0.0.010"},
		{desc: "IPv4 in fewer parts", host: "127.1"},
		{desc: "a number over 255", host: "256.0.0.1"},
		{desc: "five parts", host: "1.2.3.4.5"},
		{desc: "an empty part", host: "1..2.3"},
		{desc: "zero alone is no leading zero", host: "10.0.0.0", want: true},
		{desc: "a hex last label makes it IPv4", host: "a.0x7f"},
		{desc: "0x and no hex digits is a label", host: "a.0xzz", want: true},
		{desc: "a trailing dot after an IPv4", host: "1.2.3.4."},
		{desc: "compressed lowercase IPv6 (RFC 5952)", host: "[::1]", want: true},
		{desc: "uncompressed IPv6", host: "[0:0:0:0:0:0:0:1]"},
		{desc: "uppercase hex in IPv6", host: "[2001:DB8::1]"},
		{desc: "an empty host", host: ""},
	} {
		if got := origin.IsSerializedHost(tc.host); got != tc.want {
			t.Errorf("%s: IsSerializedHost(%q) = %v, want %v", tc.desc, tc.host, got, tc.want)
		}
	}
}
