package origin

import "testing"

// TestSerializes holds URL.Serializes to String: true for the
// serialization itself, false for any other text.
func TestSerializes(t *testing.T) {
	for _, in := range []string{"http://api.test/items/1", "HTTP://API.test:80/a/../b?", "https://u:p@x.test:8443/p?q#f",
		"https://u@x.test/", "http://x.test", "data:text/plain,hi", "blob:http://a.test/1", "http://x.test/?a=1"} {
		u, err := ParseURL(in)
		if err != nil {
			t.Fatal(in, err)
		}
		s := u.String()
		if !u.Serializes(s) {
			t.Errorf("%q: Serializes(%q) false", in, s)
		}
		for _, other := range []string{s + "x", s[:len(s)-1], "", "x" + s[1:]} {
			if u.Serializes(other) {
				t.Errorf("%q: Serializes(%q) true, String %q", in, other, s)
			}
		}
		if got := u.Serializes(in); got != (in == s) {
			t.Errorf("%q: Serializes(input) %v, String %q", in, got, s)
		}
	}
}
