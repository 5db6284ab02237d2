package chromium

import (
	"bufio"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/headers"
)

// roundTrip sends raw to the server and returns everything it answers.
func roundTrip(t *testing.T, s *Server, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", s.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestServerWritesRepliesExactly(t *testing.T) {
	s, err := NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Handle("api.test", "/t/a/items",
		&explain.Reply{Status: 204, Header: headers.List{{Name: "access-control-allow-origin", Value: "http://app.test"}, {Name: "Access-Control-Allow-Origin", Value: "  *  "}}},
		&explain.Reply{Status: 500, Header: headers.List{{Name: "X-A", Value: "1"}}, Body: "boom"})
	s.Handle("api.test", "/t/b/items", nil, nil)
	s.Handle("API2.TEST:80", "/t/a/b", nil, &explain.Reply{Status: 201})

	tests := []struct {
		desc, req, want string
	}{
		{
			desc: "preflight: names, duplicate lines and spaces go out as given (the point of not using net/http)",
			req:  "OPTIONS /t/a/items HTTP/1.1\r\nHost: api.test\r\nAccess-Control-Request-Method: PUT\r\n\r\n",
			want: "HTTP/1.1 204 No Content\r\naccess-control-allow-origin: http://app.test\r\nAccess-Control-Allow-Origin:   *  \r\n\r\n",
		},
		{
			desc: "actual request: status line reason from RFC 9110 §15, body delimited by close (RFC 9112 §6.3)",
			req:  "GET /t/a/items?q=1 HTTP/1.1\r\nHost: api.test\r\n\r\n",
			want: "HTTP/1.1 500 Internal Server Error\r\nX-A: 1\r\n\r\nboom",
		},
		{
			desc: "a page-made OPTIONS (no Access-Control-Request-Method) gets the actual reply",
			req:  "OPTIONS /t/a/items HTTP/1.1\r\nHost: api.test\r\n\r\n",
			want: "HTTP/1.1 500 Internal Server Error\r\nX-A: 1\r\n\r\nboom",
		},
		{
			desc: "HEAD: no body (RFC 9110 §9.3.2)",
			req:  "HEAD /t/a/items HTTP/1.1\r\nHost: api.test\r\n\r\n",
			want: "HTTP/1.1 500 Internal Server Error\r\nX-A: 1\r\n\r\n",
		},
		{
			desc: "missing preflight reply: 404 with no headers (shared/design.md scenario contract)",
			req:  "OPTIONS /t/b/items HTTP/1.1\r\nHost: api.test\r\nAccess-Control-Request-Method: PUT\r\n\r\n",
			want: "HTTP/1.1 404 Not Found\r\n\r\n",
		},
		{
			desc: "missing response: 200 with no headers (shared/design.md scenario contract)",
			req:  "GET /t/b/items HTTP/1.1\r\nHost: api.test\r\n\r\n",
			want: "HTTP/1.1 200 OK\r\n\r\n",
		},
		{
			desc: "absolute-form target, as sent to a proxy (RFC 9112 §3.2.2)",
			req:  "GET http://api.test/t/b/items HTTP/1.1\r\nHost: api.test\r\n\r\n",
			want: "HTTP/1.1 200 OK\r\n\r\n",
		},
		{
			desc: "another path of a registered exchange (a redirect target): 200 with no headers, as a missing response",
			req:  "GET /t/a/moved HTTP/1.1\r\nHost: api.test\r\n\r\n",
			want: "HTTP/1.1 200 OK\r\n\r\n",
		},
		{
			desc: "a preflight at another path of a registered exchange: 404, as an unconfigured server (scenario contract, routes)",
			req:  "OPTIONS /t/a/moved HTTP/1.1\r\nHost: api.test\r\nAccess-Control-Request-Method: PUT\r\n\r\n",
			want: "HTTP/1.1 404 Not Found\r\n\r\n",
		},
		{
			desc: "the same path on another host is another URL: unconfigured",
			req:  "GET /t/a/items HTTP/1.1\r\nHost: api2.test\r\n\r\n",
			want: "HTTP/1.1 200 OK\r\n\r\n",
		},
		{
			desc: "a route on another host, named as the URL parser serializes it (API2.TEST:80 is api2.test)",
			req:  "GET http://api2.test/t/a/b HTTP/1.1\r\nHost: api2.test\r\n\r\n",
			want: "HTTP/1.1 201 Created\r\n\r\n",
		},
		{
			desc: "unregistered path: 404 with no headers",
			req:  "GET /t/zzz/items HTTP/1.1\r\nHost: api.test\r\n\r\n",
			want: "HTTP/1.1 404 Not Found\r\n\r\n",
		},
		{
			desc: "malformed request line: connection closed, nothing written",
			req:  "GARBAGE\r\n\r\n",
			want: "",
		},
	}
	for _, tc := range tests {
		if got := roundTrip(t, s, tc.req); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.desc, got, tc.want)
		}
	}
	seen := s.Seen("/t/a/")
	if len(seen) != 8 {
		t.Fatalf("seen %d requests for /t/a/, want 8", len(seen))
	}
	var status []int
	for _, r := range seen {
		status = append(status, r.Status)
	}
	if want := []int{204, 500, 500, 500, 200, 404, 200, 201}; !slices.Equal(status, want) {
		t.Errorf("recorded statuses %v, want %v", status, want)
	}
	if !seen[0].IsPreflight() || seen[2].IsPreflight() {
		t.Errorf("preflight detection: %v, %v", seen[0].IsPreflight(), seen[2].IsPreflight())
	}
	if v, _ := seen[0].Header.Get("access-control-request-method"); v != "PUT" || seen[0].Header[1].Name != "Access-Control-Request-Method" {
		t.Errorf("recorded header: %q %v", v, seen[0].Header)
	}
}

func TestServerStatusZeroClosesSilently(t *testing.T) {
	s, err := NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Handle("api.test", "/t/c/x", nil, &explain.Reply{Status: 0})
	if got := roundTrip(t, s, "GET /t/c/x HTTP/1.1\r\nHost: api.test\r\n\r\n"); got != "" {
		t.Errorf("status 0 wrote %q, want nothing", got)
	}
}

func TestToken(t *testing.T) {
	tests := []struct{ desc, in, want string }{
		{desc: "exchange path", in: "/t/acao-missing/items", want: "/t/acao-missing/"},
		{desc: "redirect target under the same exchange", in: "/t/acao-missing/moved", want: "/t/acao-missing/"},
		{desc: "page path", in: "/", want: ""},
		{desc: "no second slash", in: "/t/abc", want: ""},
	}
	for _, tc := range tests {
		if got := Token(tc.in); got != tc.want {
			t.Errorf("%s: Token(%q) = %q, want %q", tc.desc, tc.in, got, tc.want)
		}
	}
}

// FuzzReadRequest: the request parser never panics and bounds what it
// reads.
func FuzzReadRequest(f *testing.F) {
	f.Add("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n")
	f.Add("POST /t/x/items HTTP/1.1\r\nHost: api.test\r\nContent-Length: 2\r\n\r\nhi")
	f.Add("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")
	f.Add("POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n")
	f.Add("GET / HTTP/1.1\r\nno colon\r\n\r\n")
	f.Add("\r\n")
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := readRequest(bufio.NewReader(strings.NewReader(raw)))
		if err == nil && len(r.Body) > maxBodyBytes {
			t.Fatalf("body of %d bytes", len(r.Body))
		}
	})
}

// SentRequests reads a Host-line request and a proxy's absolute-form
// request alike, serialized as engine/origin does.
func TestSentRequests(t *testing.T) {
	got := SentRequests([]Received{
		{Host: "API2.test", Method: "OPTIONS", Target: "/t/x/b", Status: 204, Header: headers.List{{Name: "Origin", Value: "null"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}},
		{Host: "api2.test", Method: "PUT", Target: "http://api2.test:80/t/x/b", Status: 0},
	})
	want := []explain.SentRequest{{Preflight: true, Method: "OPTIONS", URL: "http://api2.test/t/x/b", Origin: "null", ACRM: "PUT", Status: 204},
		{Method: "PUT", URL: "http://api2.test/t/x/b"}}
	if !slices.Equal(got, want) {
		t.Errorf("SentRequests = %+v, want %+v", got, want)
	}
}
