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

// TestAddressSpaceOf: the address space a URL's host names before any
// DNS, as Local Network Access reads it (Chrome's Local Network Access
// guide: RFC 1918, link-local, IPv6 unique-local and link-local, .local
// names are local; 127.0.0.0/8, ::1 and localhost are loopback).
func TestAddressSpaceOf(t *testing.T) {
	tests := []struct{ desc, url, want string }{
		{"RFC 1918 10/8", "http://10.1.2.3/", "local"},
		{"RFC 1918 172.16/12, its first block", "http://172.16.0.1/", "local"},
		{"RFC 1918 172.16/12, its last block", "http://172.31.255.1/", "local"},
		{"172.32 is past 172.16/12", "http://172.32.0.1/", ""},
		{"RFC 1918 192.168/16", "http://192.168.1.10/", "local"},
		{"IPv4 link-local", "http://169.254.1.1/", "local"},
		{"an IPv4 written in hex, which the URL parser serializes dotted", "http://0xc0.0xa8.0.1/", "local"},
		{"IPv6 unique-local fd00::/8", "http://[fd12::1]/", "local"},
		{"IPv6 unique-local fc00::/8", "http://[fc00::1]/", "local"},
		{"IPv6 link-local", "http://[fe80::1]/", "local"},
		{"an mDNS name", "http://printer.local/", "local"},
		{"a name ending in local without the dot", "http://notlocal/", ""},
		{"loopback IPv4", "http://127.0.0.1:3000/", "loopback"},
		{"loopback IPv6", "http://[::1]/", "loopback"},
		{"localhost", "http://localhost:8080/", "loopback"},
		{"a public address", "http://8.8.8.8/", ""},
		{"an ordinary name, which only DNS places", "http://router.lan/", ""},
	}
	for _, tc := range tests {
		u, err := origin.ParseURL(tc.url)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if got := origin.AddressSpaceOf(u.Host); got != tc.want {
			t.Errorf("%s: AddressSpaceOf(%q) = %q, want %q", tc.desc, u.Host, got, tc.want)
		}
	}
}
