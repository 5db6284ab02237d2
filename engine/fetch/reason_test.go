package fetch_test

import (
	"net/http"
	"testing"

	"github.com/whycors/whycors/engine/fetch"
)

// TestReasonPhrase: each phrase is the one a Go server sends (net/http's
// StatusText, which the e2e servers use), and a code without one reads
// "status code N" in Chromium's console line (observed with 599).
func TestReasonPhrase(t *testing.T) {
	n := 0
	for code := 0; code < 1000; code++ {
		got := fetch.ReasonPhrase(code)
		if got == "" {
			continue
		}
		n++
		if want := http.StatusText(code); got != want {
			t.Errorf("ReasonPhrase(%d) = %q, net/http says %q", code, got, want)
		}
	}
	if n < 50 {
		t.Errorf("only %d phrases found", n)
	}
	for _, tc := range []struct {
		desc string
		code int
		want string
	}{
		{desc: "a 2xx a fix names", code: 204, want: "No Content"},
		{desc: "a code no phrase is known for (browser-cors.md: observed 599)", code: 599, want: "status code 599"},
		{desc: "a prefix of another code is not a match", code: 20, want: "status code 20"},
	} {
		if got := fetch.StatusText(tc.code); got != tc.want {
			t.Errorf("%s: StatusText(%d) = %q, want %q", tc.desc, tc.code, got, tc.want)
		}
	}
}

// StatusLine is what a status line writes after the version, and costs
// no allocation for a code with a phrase (the explainer writes one per
// reply shown).
func TestStatusLine(t *testing.T) {
	for _, tc := range []struct {
		desc string
		code int
		want string
	}{
		{desc: "a code with a phrase (RFC 9110 §15.3.5)", code: 204, want: "204 No Content"},
		{desc: "the last line of the table", code: 511, want: "511 Network Authentication Required"},
		{desc: "a code without a phrase: the number alone", code: 599, want: "599"},
		{desc: "not a status code", code: 42, want: ""},
		{desc: "not a status code either", code: 1000, want: ""},
	} {
		if got := fetch.StatusLine(tc.code); got != tc.want {
			t.Errorf("%s: StatusLine(%d) = %q, want %q", tc.desc, tc.code, got, tc.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { fetch.StatusLine(404) }); n != 0 {
		t.Errorf("StatusLine(404) allocates %v times, want 0", n)
	}
}
