package worker_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The worker's second path: requests whose decision input is longer than
// the exported call's buffer (64 KiB, worker/main_js.go) are served by the
// Go http.Handler through syumai/workers (binding.handleRequest) and reach
// the upstream through syumai's fetch client. They must be decided and
// forwarded exactly as on the hot path. Of an actual request the decision
// reads the method, the target and the Origin (decide.go, wire form), and
// workerd answers a target that long with 414 "URI too long" itself, so
// these requests carry an Origin of over 64 KiB: mainPolicy's "public"
// rule (origins ["*"]) allows it, its "api" rule does not.
func longOrigin(i int) string {
	return "https://o" + strings.Repeat("a", 70000) + strconv.Itoa(i) + ".example"
}

// TestSyumaiPathForward: expected values follow mainPolicy and
// engine/native's package documentation (actual replies: the upstream's
// CORS headers replaced by the policy's, none for a disallowed origin;
// upstream errors get the policy's headers too; an invalid policy answers
// 500 with every fault's position and no CORS header), the expectations of
// TestActual, TestUpstreamErrors and TestInvalidPolicy on the hot path.
func TestSyumaiPathForward(t *testing.T) {
	need(t)
	long := longOrigin(0)
	tests := []struct {
		desc     string
		worker   string
		method   string
		path     string
		body     string
		status   int
		cors     []string // the CORS header names expected, sorted
		contains []string
		maxTime  time.Duration
	}{
		{desc: "GET, rule for any origin: forwarded, ACAO * and nothing of the upstream's", worker: "main", method: "GET", path: "/public/x?q=1",
			status: 200, cors: []string{"Access-Control-Allow-Origin"}, contains: []string{"method=GET\n", "path=/public/x\n", "query=q=1\n", "h:Origin=" + long + "\n"}},
		{desc: "POST with a body: the body reaches the upstream", worker: "main", method: "POST", path: "/public/x", body: "hello through syumai",
			status: 200, cors: []string{"Access-Control-Allow-Origin"}, contains: []string{"method=POST\n", "body=hello through syumai\n"}},
		{desc: "origin the api rule does not allow: forwarded, the upstream's CORS headers removed", worker: "main", method: "GET", path: "/api/echo",
			status: 200, contains: []string{"path=/api/echo\n"}},
		{desc: "WHYCORS_DISALLOWED=refuse: 403, not forwarded", worker: "refuse", method: "GET", path: "/api/echo",
			status: 403, contains: []string{"origin not allowed"}},
		{desc: "upstream prefix: the path goes under it", worker: "refuse", method: "GET", path: "/public/x",
			status: 200, cors: []string{"Access-Control-Allow-Origin"}, contains: []string{"path=/base/public/x\n"}},
		{desc: "upstream slower than WHYCORS_UPSTREAM_TIMEOUT_MS=500: 504 with the policy's headers", worker: "main", method: "GET", path: "/public/hang",
			status: 504, cors: []string{"Access-Control-Allow-Origin"}, contains: []string{"timed out"}, maxTime: 2500 * time.Millisecond},
		{desc: "unreachable upstream: 502 with the policy's headers", worker: "down", method: "GET", path: "/public/x",
			status: 502, cors: []string{"Access-Control-Allow-Origin"}, contains: []string{"upstream"}},
		{desc: "invalid policy: 500 with the fault's position, no CORS headers", worker: "bad", method: "GET", path: "/public/x",
			status: 500, contains: []string{"line 3, column 36"}},
	}
	for _, tc := range tests {
		var body io.Reader
		if tc.body != "" {
			body = strings.NewReader(tc.body)
		}
		t0 := time.Now()
		r := do(t, tc.worker, tc.method, tc.path, [][2]string{{"Origin", long}}, body)
		el := time.Since(t0)
		if r.status != tc.status {
			t.Errorf("%s: status %d, want %d (%.200q)", tc.desc, r.status, tc.status, r.body)
		}
		for _, want := range tc.contains {
			if !strings.Contains(r.body, want) {
				t.Errorf("%s: body %.200q lacks %.100q", tc.desc, r.body, want)
			}
		}
		if got := corsHeaders(r.header); !slices.Equal(got, tc.cors) {
			t.Errorf("%s: CORS headers %v, want %v", tc.desc, got, tc.cors)
		}
		if len(tc.cors) > 0 && r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: ACAO %q, want *", tc.desc, r.header.Get("Access-Control-Allow-Origin"))
		}
		if tc.maxTime > 0 && el > tc.maxTime {
			t.Errorf("%s: took %v, want under %v", tc.desc, el, tc.maxTime)
		}
	}
}

// TestSyumaiPathLargeBody: a 4 MB upload of unknown length and a 4 MB
// download cross syumai's stream conversions intact.
func TestSyumaiPathLargeBody(t *testing.T) {
	need(t)
	const n = 4 << 20
	wantN, wantSum := sha(io.LimitReader(newBigReader(), n))
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, io.LimitReader(newBigReader(), n))
		pw.CloseWithError(err)
	}()
	r := do(t, "patient", "POST", "/public/upload", [][2]string{{"Origin", longOrigin(0)}}, pr)
	if want := fmt.Sprintf("%d %s", wantN, wantSum); r.status != 200 || r.body != want {
		t.Errorf("upload: upstream received %q (status %d), want %q", r.body, r.status, want)
	}
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/public/big?n=%d", env.urls["patient"], n), nil)
	req.Header.Set("Origin", longOrigin(0))
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if gotN, gotSum := sha(res.Body); gotN != wantN || gotSum != wantSum {
		t.Errorf("download: got %d bytes %s, want %d bytes %s", gotN, gotSum, wantN, wantSum)
	}
	if res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("download: ACAO %q", res.Header.Get("Access-Control-Allow-Origin"))
	}
}

// TestBothPathsInterleaved: requests on syumai's path (goroutines waiting
// in the resident instance for their upstream) and on the hot path
// (exported calls made while those goroutines are parked), with upstream
// delays that make replies come back out of order: each reply carries its
// own request's id and origin, and they waited in parallel.
func TestBothPathsInterleaved(t *testing.T) {
	need(t)
	interleaved(t, 32, 13, func(i, ms int) (string, string, string) {
		if i%2 == 0 { // syumai's path
			return fmt.Sprintf("%s/public/delay?ms=%d&id=%d", env.urls["patient"], ms, i), longOrigin(i), "*"
		}
		origin := fmt.Sprintf("http://localhost:%d", 2000+i)
		return fmt.Sprintf("%s/api/delay?ms=%d&id=%d", env.urls["patient"], ms, i), origin, origin
	})
}

// TestStartedAtLoad: worker.mjs starts the Go instance while the module is
// evaluated, and says so in the log when it cannot. The express worker's
// conversion note is printed by Go's main once per instance: exactly once
// means one resident instance served every request of the isolate.
func TestStartedAtLoad(t *testing.T) {
	need(t)
	log := workerdLog.String()
	if strings.Contains(log, "starting at load failed") {
		t.Errorf("Go did not start at module load:\n%s", log)
	}
	if c := strings.Count(log, "express policy converted to native: narrower: regular expression"); c != 1 {
		t.Errorf("express worker's Go main ran %d times, want 1 (resident):\n%s", c, log)
	}
}
