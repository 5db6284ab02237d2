package native_test

import (
	"strings"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/native"
)

func TestCheckACRH(t *testing.T) {
	allowed := []string{"authorization", "content-type", "x-custom"} // sorted, lowercase
	cases := []struct {
		desc   string
		lines  []string
		any    bool
		ok     bool
		allow  string
		bad    string
		source string
	}{
		{desc: "browser form is echoed as is", lines: []string{"content-type,x-custom"}, ok: true, allow: "content-type,x-custom", source: "Fetch CORS-preflight fetch step 5: sorted, lowercase, joined with ','"},
		{desc: "absent", lines: nil, ok: true, allow: "", source: "no ACRH means no ACAH"},
		{desc: "unsorted is fine", lines: []string{"x-custom,content-type"}, ok: true, allow: "x-custom,content-type", source: "jub0bs/rs refuse this (server-peers.md §1.5); RFC 9110 §5.6.1 lists are unordered"},
		{desc: "case and spaces are normalized", lines: []string{"X-Custom , Content-Type"}, ok: true, allow: "x-custom,content-type", source: "RFC 9110 §5.1 names are case-insensitive, §5.6.1.2 OWS around list elements"},
		{desc: "split across lines (API Gateway)", lines: []string{"content-type", "x-custom"}, ok: true, allow: "content-type,x-custom", source: "rs/cors#184 (server-peers.md §4 item 5)"},
		{desc: "empty elements dropped", lines: []string{",content-type,,"}, ok: true, allow: "content-type", source: "RFC 9110 §5.6.1.2: recipients ignore empty list elements"},
		{desc: "not allowed", lines: []string{"content-type,x-other"}, ok: false, bad: "x-other", source: "not in the allow-list"},
		{desc: "prefix of an allowed name", lines: []string{"x-cust"}, ok: false, bad: "x-cust", source: "names compare whole"},
		{desc: "not a token", lines: []string{"content-type,x custom"}, ok: false, bad: "x custom", source: "RFC 9110 §5.1 field-name = token"},
		{desc: "any name", lines: []string{"x-anything"}, any: true, ok: true, allow: "x-anything", source: "request_headers: [\"*\"]"},
		{desc: "too many empty elements", lines: []string{strings.Repeat(",", 40)}, ok: false, source: "rs/cors#170: comma-only values; bounded at 16 empties"},
		{desc: "too long", lines: []string{strings.Repeat("x-custom,", 1000)}, any: true, ok: false, source: "rs/cors#170; bounded at 8192 bytes"},
		{desc: "too many names", lines: []string{strings.Repeat("a,", 200) + "a"}, any: true, ok: false, source: "bounded at 128 names"},
		{desc: "too many lines", lines: strings.Split(strings.Repeat("x-custom\n", 200), "\n"), any: true, ok: false, source: "bounded at 128 lines"},
		{desc: "one name per line, with the space the split leaves (syumai/workers)", lines: []string{"content-type", " x-custom"}, ok: true, allow: "content-type,x-custom", source: "syumai/workers internal/jshttp/header.go splits values at ','; RFC 9110 §5.6.1.2 OWS"},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			r := native.CheckACRH(tc.lines, allowed, tc.any)
			if r.OK != tc.ok || r.OK && r.Allow != tc.allow || tc.bad != "" && r.Bad != tc.bad {
				t.Errorf("CheckACRH(%q) = %+v, want ok=%v allow=%q bad=%q (%s)", tc.lines, r, tc.ok, tc.allow, tc.bad, tc.source)
			}
			if !r.OK && r.Bad == "" {
				t.Errorf("a refusal must say why")
			}
		})
	}
}

// TestCheckACRHIsCheap is the rs/cors#170 regression: 1 MiB of hostile
// header value must be refused in well under a millisecond.
func TestCheckACRHIsCheap(t *testing.T) {
	hostile := []string{
		strings.Repeat(",", 1<<20),
		strings.Repeat(" ", 1<<20),
		strings.Repeat("a", 1<<20),
		strings.Repeat("content-type,", 1<<16),
	}
	for _, h := range hostile {
		start := time.Now()
		for i := 0; i < 100; i++ {
			if r := native.CheckACRH([]string{h}, []string{"content-type"}, false); r.OK {
				t.Fatalf("accepted %d hostile bytes", len(h))
			}
		}
		if d := time.Since(start) / 100; d > time.Millisecond {
			t.Errorf("%d hostile bytes took %v per check (rs/cors#170 took 127 ms)", len(h), d)
		}
	}
}

func FuzzCheckACRH(f *testing.F) {
	for _, s := range []string{"content-type,x-custom", "X-Custom , Content-Type", ",,,", "", " ", "a,b,c", "x-custom,x-custom", "\x00", "é"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	allowed := []string{"content-type", "x-custom"}
	f.Fuzz(func(t *testing.T, s string, any bool) {
		lines := strings.Split(s, "\n")
		r := native.CheckACRH(lines, allowed, any)
		if !r.OK {
			if r.Bad == "" {
				t.Fatal("refusal without a reason")
			}
			return
		}
		// What we echo must be a list of lowercase tokens the rule allows,
		// in the browser's form: no spaces, no empty elements.
		if r.Allow == "" {
			return
		}
		for _, name := range strings.Split(r.Allow, ",") {
			if name == "" || strings.ToLower(name) != name || strings.ContainsAny(name, " \t") {
				t.Fatalf("Allow %q has a bad element %q", r.Allow, name)
			}
			if !any && name != "content-type" && name != "x-custom" {
				t.Fatalf("Allow %q has %q, which is not allowed", r.Allow, name)
			}
		}
		// The echo, checked again, is accepted and echoed unchanged.
		again := native.CheckACRH([]string{r.Allow}, allowed, any)
		if !again.OK || again.Allow != r.Allow {
			t.Fatalf("echo %q rechecked gives %+v", r.Allow, again)
		}
	})
}
