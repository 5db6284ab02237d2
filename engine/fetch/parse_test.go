package fetch_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fetch"
)

func TestParseList(t *testing.T) {
	tests := []struct {
		desc, in string
		want     []string
		ok       bool
		bad      string
		source   string
	}{
		{desc: "comma list with OWS", in: "GET, PUT ,\tDELETE", want: []string{"GET", "PUT", "DELETE"}, ok: true, source: "Fetch extract header list values, #method"},
		{desc: "empty elements skipped", in: ",GET,,PUT,", want: []string{"GET", "PUT"}, ok: true, source: "browser-cors.md §2.3: empty elements ignored (Chromium), §3 (Firefox)"},
		{desc: "wildcard is a token", in: "*", want: []string{"*"}, ok: true, source: "RFC 9110 token includes *"},
		{desc: "space inside an element", in: "header name with space", bad: "header name with space", source: "WPT cors-preflight-response-validation"},
		{desc: "parenthesis", in: "(bad)", bad: "(bad)", source: "observed Chromium 156: Cannot parse Access-Control-Allow-Methods"},
		{desc: "empty value", in: "", want: nil, ok: true, source: "Fetch: an empty list"},
	}
	for _, tc := range tests {
		got, bad, ok := fetch.ParseList(tc.in)
		if ok != tc.ok || bad != tc.bad || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: ParseList(%q) = %q, %q, %v; want %q, %q, %v (%s)", tc.desc, tc.in, got, bad, ok, tc.want, tc.bad, tc.ok, tc.source)
		}
	}
}

func TestParseMIME(t *testing.T) {
	tests := []struct {
		desc, in, essence string
		ok                bool
		source            string
	}{
		{desc: "params", in: "text/plain;charset=UTF-8", essence: "text/plain", ok: true, source: "MIME Sniffing parse a MIME type"},
		{desc: "uppercase", in: "Text/HTML", essence: "text/html", ok: true, source: "MIME Sniffing: type and subtype lowercased"},
		{desc: "surrounding whitespace", in: " text/plain ", essence: "text/plain", ok: true, source: "MIME Sniffing: strip leading and trailing HTTP whitespace"},
		{desc: "no subtype", in: "text/", source: "MIME Sniffing: empty subtype fails"},
		{desc: "no slash", in: "text", source: "MIME Sniffing: no / fails"},
		{desc: "quoted param", in: `multipart/form-data; boundary="a;b"`, essence: "multipart/form-data", ok: true, source: "MIME Sniffing: quoted parameter values"},
	}
	for _, tc := range tests {
		m, ok := fetch.ParseMIME(tc.in)
		if ok != tc.ok || (ok && m.Essence() != tc.essence) {
			t.Errorf("%s: ParseMIME(%q) = %q, %v; want %q, %v (%s)", tc.desc, tc.in, m.Essence(), ok, tc.essence, tc.ok, tc.source)
		}
	}
}

func FuzzParseList(f *testing.F) {
	for _, s := range []string{"GET, PUT", ",,", "*", "a b", "x-a,\tX-B ,", "(bad)", strings.Repeat("a,", 2000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		items, bad, ok := fetch.ParseList(s)
		if !ok {
			if bad == "" && len(strings.Split(s, ",")) <= fetch.MaxListItems {
				t.Fatalf("failure without an offending element for %q", s)
			}
			return
		}
		if len(items) > fetch.MaxListItems {
			t.Fatalf("%d items > MaxListItems", len(items))
		}
		for _, it := range items {
			if !fetch.IsToken(it) {
				t.Fatalf("item %q of %q is not a token", it, s)
			}
		}
		// Re-joining the items parses to the same list.
		again, _, ok2 := fetch.ParseList(strings.Join(items, ","))
		if !ok2 || !reflect.DeepEqual(again, items) {
			t.Fatalf("round trip of %q: %q vs %q", s, again, items)
		}
	})
}

func FuzzParseMIME(f *testing.F) {
	for _, s := range []string{"text/plain", "text/plain;charset=UTF-8", `a/b; c="d\"e"; f=g`, "text /plain", "multipart/form-data;\"", ";;", "x/y;=;a="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, ok := fetch.ParseMIME(s)
		if !ok {
			return
		}
		if !fetch.IsToken(m.Type) || !fetch.IsToken(m.Subtype) || m.Type != strings.ToLower(m.Type) {
			t.Fatalf("ParseMIME(%q) accepted type %q subtype %q", s, m.Type, m.Subtype)
		}
		// The essence itself parses to the same essence.
		if m2, ok := fetch.ParseMIME(m.Essence()); !ok || m2.Essence() != m.Essence() {
			t.Fatalf("essence %q does not re-parse", m.Essence())
		}
	})
}
