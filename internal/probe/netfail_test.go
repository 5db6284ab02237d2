package probe_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/internal/probe"
)

// TestNetworkFailureIsNotCORS runs probes that get no HTTP reply, with the
// full advisor on: the record is a network error, proposes no CORS fix
// (no header was read, so no CORS check ran, and no change to CORS
// headers can help), and names the time limit that ended it (issue 21).
func TestNetworkFailureIsNotCORS(t *testing.T) {
	// A port nothing listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := ln.Addr().String()
	ln.Close()
	// A server that accepts and never answers: a TLS client waits for
	// its ServerHello (RFC 8446 §2) forever.
	stall, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stall.Close() })
	go func() {
		for {
			c, err := stall.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				c.Read(make([]byte, 4096))
				time.Sleep(10 * time.Second)
			}()
		}
	}()
	tests := []struct {
		desc, source     string
		url, method      string
		timeout, connect time.Duration
		kind, message    string
	}{
		{desc: "refused GET", source: "net_error_list.h CONNECTION_REFUSED; issue 21: no 'Fix 1: send Access-Control-Allow-Origin'",
			url: "http://" + refused + "/a", method: "GET", kind: "refused", message: "refused"},
		{desc: "refused preflight", source: "issue 21",
			url: "http://" + refused + "/a", method: "PUT", kind: "refused", message: "preflight: "},
		{desc: "TLS handshake stalled: --connect-timeout fires first", source: "issue 21: the message must name --connect-timeout",
			url: "https://" + stall.Addr().String() + "/a", method: "GET", timeout: 20 * time.Second, connect: 500 * time.Millisecond,
			kind: "connect-timeout", message: "the TLS handshake did not complete within --connect-timeout"},
		{desc: "TLS handshake stalled: --timeout fires first", source: "issue 21",
			url: "https://" + stall.Addr().String() + "/a", method: "GET", timeout: 500 * time.Millisecond, connect: 20 * time.Second,
			kind: "timeout", message: "within --timeout"},
	}
	for _, tc := range tests {
		rec, err := probe.Run(context.Background(), probe.Options{Engine: advise.Options(all.Registry()),
			Origin: "http://app.test", URL: tc.url, Method: tc.method, Timeout: tc.timeout, ConnectTimeout: tc.connect})
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		ne := rec.Probe.NetworkError
		if rec.Probe.Outcome != probe.NetworkFailure || ne == nil || ne.Kind != tc.kind || !strings.Contains(ne.Message, tc.message) {
			t.Errorf("%s: outcome %q error %+v, want %s %q (%s)", tc.desc, rec.Probe.Outcome, ne, tc.kind, tc.message, tc.source)
			continue
		}
		if rec.Verdict == nil || len(rec.Verdict.Fixes) != 0 {
			t.Errorf("%s: a network failure gets CORS fixes: %+v (%s)", tc.desc, rec.Verdict, tc.source)
		}
		if rec.Scenario.Fixes == nil || *rec.Scenario.Fixes {
			t.Errorf("%s: the saved scenario asks for fixes; its replay would propose CORS fixes", tc.desc)
		}
	}
}
