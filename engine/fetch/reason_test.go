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
