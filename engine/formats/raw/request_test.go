package raw_test

import (
	"errors"
	"testing"

	"github.com/whycors/whycors/engine/formats/raw"
	"github.com/whycors/whycors/engine/policy"
)

// TestParseHTTPRequest: one request's head as RFC 9112 §2 writes it, typed
// or as curl -v prints it; faults at their line.
func TestParseHTTPRequest(t *testing.T) {
	for _, tc := range []struct {
		desc, text, method, url string
		headers                 int
		faultLine               int // 0: no fault
	}{
		{desc: "origin-form target becomes absolute with Host (RFC 9112 §3.2.1)", text: "OPTIONS /k HTTP/1.1\r\nHost: b.s3.amazonaws.com\r\nOrigin: https://app.test\r\n\r\n",
			method: "OPTIONS", url: "https://b.s3.amazonaws.com/k", headers: 2},
		{desc: "curl -v's prefixes and its lone '>'", text: "> GET /x HTTP/1.1\n> Host: a.test\n>\n",
			method: "GET", url: "https://a.test/x", headers: 1},
		{desc: "blank lines before the request line are skipped (RFC 9112 §2.2)", text: "\r\n\r\nGET http://a.test/ HTTP/1.1\r\n\r\n",
			method: "GET", url: "http://a.test/"},
		{desc: "the head ends at the first empty line", text: "GET / HTTP/1.1\nHost: a.test\n\nnot: a header\n",
			method: "GET", url: "https://a.test/", headers: 1},
		{desc: "not a request line", text: "hello\r\n\r\n", faultLine: 1},
		{desc: "a header line without a colon, at its line", text: "GET / HTTP/1.1\nHost: a.test\nbroken\n", faultLine: 3},
		{desc: "nothing at all", text: "\n\n", faultLine: 1},
	} {
		req, err := raw.ParseHTTPRequest(tc.text)
		if tc.faultLine > 0 {
			var es policy.Errors
			if !errors.As(err, &es) || es[0].Line != tc.faultLine {
				t.Errorf("%s: err %v, want a fault at line %d", tc.desc, err, tc.faultLine)
			}
			continue
		}
		if err != nil || req.Method != tc.method || req.URL != tc.url || len(req.Header) != tc.headers {
			t.Errorf("%s: %+v, %v; want %s %s with %d headers", tc.desc, req, err, tc.method, tc.url, tc.headers)
		}
	}
}
