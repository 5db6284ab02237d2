package wire_test

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/platform/internal/wire"
)

// TestStarMatch: the wildcard vectors of cloud-policies.md §1.5 (ceph
// s3-tests test_cors_origin_response L6913-6986, vectors 33-35) and §1.3.
func TestStarMatch(t *testing.T) {
	tests := []struct {
		desc, pattern, s string
		want             bool
	}{
		{desc: "*suffix matches foo.suffix", pattern: "*suffix", s: "foo.suffix", want: true},
		{desc: "*suffix does not match foo.suffix.get", pattern: "*suffix", s: "foo.suffix.get", want: false},
		{desc: "start*end matches startend (empty run)", pattern: "start*end", s: "startend", want: true},
		{desc: "start*end matches start12end", pattern: "start*end", s: "start12end", want: true},
		{desc: "start*end does not match 0start12end", pattern: "start*end", s: "0start12end", want: false},
		{desc: "prefix* matches prefix", pattern: "prefix*", s: "prefix", want: true},
		{desc: "prefix* does not match bla.prefix", pattern: "prefix*", s: "bla.prefix", want: false},
		{desc: "ab*ba does not match aba (length guard)", pattern: "ab*ba", s: "aba", want: false},
		{desc: "no star: exact", pattern: "http://a", s: "http://a", want: true},
		{desc: "no star: case-sensitive", pattern: "http://A", s: "http://a", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if got := wire.StarMatch(tc.pattern, tc.s); got != tc.want {
				t.Errorf("StarMatch(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
			}
		})
	}
}

// TestHeaderNames: cloud-policies.md §1.3 ACRH parsing (Scality L602,
// [AWS-REC] opt-get-allowed-no-space).
func TestHeaderNames(t *testing.T) {
	tests := []struct{ desc, in, want string }{
		{desc: "empty items dropped", in: "content-type,,expires", want: "content-type|expires"},
		{desc: "no space", in: "x-a,x-b", want: "x-a|x-b"},
		{desc: "lowercased, trimmed", in: " X-AMZ-Expected-BUCKET-owner ,\tx-b ", want: "x-amz-expected-bucket-owner|x-b"},
		{desc: "empty", in: "", want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if got := strings.Join(wire.HeaderNames(tc.in), "|"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSplitURL(t *testing.T) {
	tests := []struct{ desc, in, host, path, query string }{
		{desc: "absolute", in: "https://b.s3.amazonaws.com/k?cors", host: "b.s3.amazonaws.com", path: "/k", query: "cors"},
		{desc: "origin-form", in: "/?cors", path: "/", query: "cors"},
		{desc: "host only", in: "https://h.test", host: "h.test", path: "/"},
		{desc: "userinfo and fragment", in: "http://u:p@h.test/a#f", host: "h.test", path: "/a"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			h, p, q := wire.SplitURL(tc.in)
			if h != tc.host || p != tc.path || q != tc.query {
				t.Errorf("got %q %q %q, want %q %q %q", h, p, q, tc.host, tc.path, tc.query)
			}
		})
	}
}

// TestIsJoined: IsJoined(s, list, sep) is s == strings.Join(list, sep)
// for every list of up to three items drawn from pieces that contain the
// separators' bytes, and every s those pieces and separators make; and
// Joined returns the cached value only then.
func TestIsJoined(t *testing.T) {
	pieces := []string{"", "a", ",", " ", ", ", "a, b", "GET"}
	var lists [][]string
	lists = append(lists, nil)
	for _, a := range pieces {
		lists = append(lists, []string{a})
		for _, b := range pieces {
			lists = append(lists, []string{a, b})
			for _, c := range pieces {
				lists = append(lists, []string{a, b, c})
			}
		}
	}
	var texts []string
	for _, l := range lists {
		texts = append(texts, strings.Join(l, ", "), strings.Join(l, ","), strings.Join(l, ", ")+" ", strings.Join(l, " ,"))
	}
	yes := 0
	for _, sep := range []string{", ", ","} {
		for _, l := range lists {
			want := strings.Join(l, sep)
			for _, s := range texts {
				if got := wire.IsJoined(s, l, sep); got != (s == want) {
					t.Fatalf("IsJoined(%q, %q, %q) = %v, want %v", s, l, sep, got, s == want)
				}
				if s == want {
					yes++
				}
				if got := wire.Joined(s, l, sep); got != want {
					t.Fatalf("Joined(%q, %q, %q) = %q, want %q", s, l, sep, got, want)
				}
			}
		}
	}
	if yes == 0 {
		t.Fatal("no text was a join: the test tests nothing")
	}
}

// TestJoinedIn: JoinedIn is strings.Join, whichever strings it may cut
// the text from, and Key is the same for equal strings of every length.
func TestJoinedIn(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	words := []string{"a", "ab", "b", "content-type", "x-api-key", ",", " ", ", ", ""}
	text := func(n int) string {
		var b strings.Builder
		for ; n > 0; n-- {
			b.WriteString(words[rng.Intn(len(words))])
		}
		return b.String()
	}
	for i := 0; i < 100000; i++ {
		var list []string
		for n := rng.Intn(4); n > 0; n-- {
			list = append(list, words[rng.Intn(len(words))])
		}
		a, b := text(rng.Intn(8)), text(rng.Intn(8))
		if got, want := wire.JoinedIn(list, ", ", a, b), strings.Join(list, ", "); got != want {
			t.Fatalf("JoinedIn(%q, %q, %q) = %q, want %q", list, a, b, got, want)
		}
		if s := text(rng.Intn(6)); wire.Key(s) != wire.Key(strings.Clone(s)) {
			t.Fatalf("Key(%q) differs between two copies", s)
		}
	}
}
