// Package cdn_test checks the shared-cache model of engine/cdn against a
// real one: Debian's nginx with proxy_cache, on loopback, in front of an
// upstream this test runs. Seeded random request sequences (methods,
// Origin, Accept-Language, waits) meet upstream replies of many kinds
// (Cache-Control no-store, private, no-cache, max-age, s-maxage, invalid
// values, Vary: Origin, Vary: *, statuses with and without heuristic
// freshness), and every reply nginx gives is compared with the model's
// prediction: served from the cache or not ($upstream_cache_status in a
// header) and, for a cached one, which upstream reply it replays (each
// upstream reply carries a sequence number). Five named sequences state
// the failures the model exists for, with their expected answers: an
// <img> (no Origin) then a CORS GET, and origin A then origin B.
//
// Three locations, one nginx start:
//
//   - /vary/: nginx honouring Vary, the cache key the URL
//     (model: HonoursVary).
//   - /cf/: CloudFront-like: proxy_ignore_headers Vary, an explicit
//     proxy_cache_key of the URL alone (model: no key headers).
//   - /cf-origin/: the same with $http_origin in proxy_cache_key (model:
//     KeyHeaders ["Origin"]).
//
// Every location keys by method too and sets proxy_cache_convert_head
// off (the model stores HEAD apart from GET), and proxy_cache_valid gives
// the heuristically cacheable statuses of RFC 9110 §15.1 the model's
// default lifetime (a CDN's default TTL) when a reply has no freshness of
// its own.
//
// The test skips when nginx is absent, unless WHYCORS_REQUIRE_BROWSER is
// set (scripts/test sets it), as e2e/probe does.
package cdn_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/whycors/whycors/e2e/internal/nginxtest"
	"github.com/whycors/whycors/engine/cdn"
	"github.com/whycors/whycors/engine/wire"
)

const nginxConf = nginxtest.Head + `  proxy_cache_path {{prefix}}/cache levels=1:2 keys_zone=cdn:4m inactive=1d;
  server {
    listen 127.0.0.1:{{port}};
    proxy_cache cdn;
    proxy_cache_methods GET HEAD;
    proxy_cache_convert_head off;
    proxy_cache_valid 200 203 204 206 300 301 308 404 405 410 414 501 {{default}}s;
    add_header X-Cache-Status $upstream_cache_status always;
    location /vary/ {
      proxy_pass http://127.0.0.1:{{upstream}};
      proxy_cache_key "$request_method $scheme://$host$request_uri";
    }
    location /cf/ {
      proxy_pass http://127.0.0.1:{{upstream}};
      proxy_ignore_headers Vary;
      proxy_cache_key "$request_method $scheme://$host$request_uri";
    }
    location /cf-origin/ {
      proxy_pass http://127.0.0.1:{{upstream}};
      proxy_ignore_headers Vary;
      proxy_cache_key "$request_method $scheme://$host$request_uri|$http_origin";
    }
  }
}
`

// locations and the model configuration each one stands for.
var locations = []struct {
	path string
	cfg  cdn.Config
}{
	{"/vary/", cdn.Config{HonoursVary: true}},
	{"/cf/", cdn.Config{}},
	{"/cf-origin/", cdn.Config{KeyHeaders: []string{"Origin"}}},
}

// recipe is one kind of upstream reply. The upstream builds it from the
// request (X-Recipe names it): the CORS headers an S3-like server sends
// (Access-Control-Allow-Origin echoing Origin, only when there is one).
type recipe struct {
	name   string
	status int
	cc     string // Cache-Control, "" for none
	vary   string // Vary, "" for none; "Origin?" for Vary: Origin only with an Origin
	// maxAge is the freshness the reply gives, when it gives a short one
	// (the generator then waits across it).
	maxAge int
}

var recipes = []recipe{
	{name: "s3-like", status: 200, vary: "Origin?"},
	{name: "vary-origin", status: 200, cc: "max-age=60", vary: "Origin"},
	{name: "vary-lang", status: 200, cc: "max-age=60", vary: "Accept-Language"},
	{name: "vary-star", status: 200, cc: "max-age=60", vary: "*"},
	{name: "no-store", status: 200, cc: "no-store"},
	{name: "private", status: 200, cc: "private, max-age=60"},
	{name: "no-cache", status: 200, cc: "no-cache"},
	{name: "max-age-0", status: 200, cc: "max-age=0"},
	{name: "s-maxage", status: 200, cc: "max-age=0, s-maxage=60"},
	{name: "invalid", status: 200, cc: "max-age=ten"},
	{name: "short", status: 200, cc: "max-age=2", maxAge: 2},
	{name: "404", status: 404},
	{name: "500", status: 500},
	{name: "500-max-age", status: 500, cc: "max-age=60"},
	{name: "302", status: 302},
	{name: "301", status: 301},
}

// reply is what the upstream answers req with under recipe rc; seq is its
// number, sent as X-Seq.
func (rc recipe) reply(req wire.Request, seq int) wire.Reply {
	r := wire.Reply{Status: rc.status}
	r.Header.Add("X-Seq", strconv.Itoa(seq))
	if rc.cc != "" {
		r.Header.Add("Cache-Control", rc.cc)
	}
	origin, hasOrigin := req.Header.Get("Origin")
	switch {
	case rc.vary == "Origin?" && hasOrigin:
		r.Header.Add("Vary", "Origin")
	case rc.vary != "" && rc.vary != "Origin?":
		r.Header.Add("Vary", rc.vary)
	}
	if hasOrigin {
		r.Header.Add("Access-Control-Allow-Origin", origin)
	}
	if rc.status == 301 || rc.status == 302 {
		r.Header.Add("Location", "/elsewhere")
	}
	return r
}

// upstream serves the recipes and remembers every reply it sent.
type upstream struct {
	seq   atomic.Int64
	mu    sync.Mutex
	sent  map[int]wire.Reply // by seq
	count atomic.Int64
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.Header.Get("X-Recipe"))
	if err != nil || n < 0 || n >= len(recipes) {
		http.Error(w, "bad recipe", 400)
		return
	}
	seq := int(u.seq.Add(1))
	u.count.Add(1)
	req := wire.Request{Method: r.Method, URL: r.URL.String()}
	for name, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(name, v)
		}
	}
	rep := recipes[n].reply(req, seq)
	u.mu.Lock()
	u.sent[seq] = rep
	u.mu.Unlock()
	for _, f := range rep.Header {
		w.Header().Add(f.Name, f.Value)
	}
	w.WriteHeader(rep.Status)
}

// step is one request of a sequence.
type step struct {
	wait   time.Duration
	method string
	origin string // "" for none
	lang   string // Accept-Language, "" for none
	recipe int
}

// generate draws a sequence of requests for one path: a recipe for the
// path (a server answers a URL alike each time) and sometimes a second
// one, so that a stored reply can differ from what the upstream would
// answer now; waits only across a short max-age, far enough from it that
// nginx's whole-second clock and the model agree.
func generate(r *rand.Rand) []step {
	n := 3 + r.IntN(5)
	rcp := r.IntN(len(recipes))
	out := make([]step, n)
	waited := false
	for i := range out {
		s := step{method: "GET", recipe: rcp}
		switch x := r.IntN(20); {
		case x < 3:
			s.method = "HEAD"
		case x < 5:
			s.method = "OPTIONS"
		}
		s.origin = []string{"", "http://a.test", "http://b.test"}[r.IntN(3)]
		if r.IntN(3) == 0 {
			s.lang = []string{"en", "fr"}[r.IntN(2)]
		}
		if r.IntN(6) == 0 {
			s.recipe = r.IntN(len(recipes))
		}
		if m := recipes[rcp].maxAge; m > 0 && i > 0 && !waited && r.IntN(2) == 0 {
			// Past the lifetime by more than a second, or well inside it.
			s.wait = time.Duration(m+1)*time.Second + 300*time.Millisecond
			waited = true
		}
		out[i] = s
	}
	return out
}

const sequencesPerLocation = 60

func TestNginxProxyCache(t *testing.T) {
	start := time.Now()
	up := &upstream{sent: map[int]wire.Reply{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: up}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	port := nginxtest.Start(t, nginxConf, map[string]string{
		"{{upstream}}": strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), "{{default}}": strconv.Itoa(cdn.DefaultLifetime)})
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	r := rand.New(rand.NewPCG(20261203, 13))
	type seq struct {
		loc   int
		path  string
		steps []step
		// want, for the named sequences, is each step's expected
		// answer: 'c' from the cache, 's' from the upstream.
		want, desc string
	}
	s3 := 0 // recipes[0]: an S3-like reply
	const a, b = "http://a.test", "http://b.test"
	// The failures the model exists for, stated: an <img> (no Origin)
	// then a CORS GET, and origin A then origin B, at each location
	// (CloudFront header-caching: the key is the URL and the cache
	// policy's headers, Vary ignored; RFC 9111 §4.1 for Vary).
	seqs := []seq{
		{loc: 1, path: "/cf/img/obj", steps: []step{{method: "GET", recipe: s3}, {method: "GET", origin: a, recipe: s3}}, want: "sc",
			desc: "keyed by URL alone: the CORS GET gets the reply stored for the <img>, without Access-Control-Allow-Origin"},
		{loc: 2, path: "/cf-origin/img/obj", steps: []step{{method: "GET", recipe: s3}, {method: "GET", origin: a, recipe: s3}, {method: "GET", origin: a, recipe: s3}}, want: "ssc",
			desc: "Origin in the key: the CORS GET misses"},
		{loc: 0, path: "/vary/img/obj", steps: []step{{method: "GET", recipe: s3}, {method: "GET", origin: a, recipe: s3}}, want: "sc",
			desc: "Vary honoured, but the reply to the <img> has no Vary (S3 sends it only with an Origin): the CORS GET still gets it"},
		{loc: 1, path: "/cf/ab/obj", steps: []step{{method: "GET", origin: a, recipe: s3}, {method: "GET", origin: b, recipe: s3}}, want: "sc",
			desc: "keyed by URL alone, Vary ignored: origin B gets origin A's Access-Control-Allow-Origin"},
		{loc: 0, path: "/vary/ab/obj", steps: []step{{method: "GET", origin: a, recipe: s3}, {method: "GET", origin: b, recipe: s3}, {method: "GET", origin: a, recipe: s3}}, want: "ssc",
			desc: "Vary: Origin honoured: B misses, A hits its own"},
	}
	for li, l := range locations {
		for i := 0; i < sequencesPerLocation; i++ {
			seqs = append(seqs, seq{loc: li, path: l.path + "s" + strconv.Itoa(i) + "/obj", steps: generate(r)})
		}
	}
	var (
		mu                           sync.Mutex
		compared, hits, agreed, fail int
		wg                           sync.WaitGroup
	)
	sem := make(chan struct{}, 8)
	for _, sq := range seqs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			model := cdn.New(locations[sq.loc].cfg)
			for i, s := range sq.steps {
				if s.wait > 0 {
					time.Sleep(s.wait)
					model.Advance(s.wait.Seconds())
				}
				req := wire.Request{Method: s.method, URL: "http://cdn.test" + sq.path}
				req.Header.Add("X-Recipe", strconv.Itoa(s.recipe))
				if s.origin != "" {
					req.Header.Add("Origin", s.origin)
				}
				if s.lang != "" {
					req.Header.Add("Accept-Language", s.lang)
				}
				if s.method == "OPTIONS" {
					req.Header.Add("Access-Control-Request-Method", "PUT")
				}
				want, _ := model.Lookup(req)
				got, status, seqNo, err := send(client, port, req)
				what := fmt.Sprintf("%s step %d (%s %s, Origin %q, Accept-Language %q, recipe %s)", sq.path, i, s.method, sq.path, s.origin, s.lang, recipes[s.recipe].name)
				mu.Lock()
				compared++
				mu.Unlock()
				if err != nil {
					t.Errorf("%s: %v", what, err)
					return
				}
				ok := true
				if sq.want != "" {
					if exp := sq.want[i] == 'c'; (want != nil) != exp || (got == "HIT") != exp {
						t.Errorf("%s: %s: want from the cache %v; model %v, nginx %q", what, sq.desc, exp, want != nil, got)
						ok = false
					}
				}
				if want != nil {
					wantSeq, _ := want.Outcome.Reply.Header.Get("X-Seq")
					if got != "HIT" || strconv.Itoa(seqNo) != wantSeq {
						t.Errorf("%s: model: a hit replaying X-Seq %s (stored by %s); nginx: %q with X-Seq %d", what, wantSeq, want.Tag, got, seqNo)
						ok = false
					}
				} else {
					if got == "HIT" {
						t.Errorf("%s: model: a miss; nginx: HIT replaying X-Seq %d", what, seqNo)
						ok = false
					}
					up.mu.Lock()
					rep, seen := up.sent[seqNo]
					up.mu.Unlock()
					if !seen || rep.Status != status {
						t.Errorf("%s: nginx forwarded but the upstream sent no reply %d with status %d", what, seqNo, status)
						ok = false
					}
					// The model stores what the upstream answered.
					model.Store(req, wire.Outcome{Reply: rep}, "step "+strconv.Itoa(i))
				}
				mu.Lock()
				if want != nil {
					hits++
				}
				if ok {
					agreed++
				} else {
					fail++
				}
				mu.Unlock()
				if !ok {
					return // the rest of the sequence would only repeat the disagreement
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("nginx proxy_cache: %d/%d replies agree with the model (%d from the cache), %d sequences over %d locations, in %s",
		agreed, compared, hits, len(seqs), len(locations), time.Since(start).Round(time.Millisecond))
	if hits == 0 || hits == compared {
		t.Errorf("the sequences exercised only one side: %d hits of %d", hits, compared)
	}
}

// send makes one request through nginx and returns $upstream_cache_status,
// the status and the X-Seq of the reply.
func send(c *http.Client, port int, r wire.Request) (cache string, status, seq int, err error) {
	u := strings.Replace(r.URL, "http://cdn.test", "http://127.0.0.1:"+strconv.Itoa(port), 1)
	req, err := http.NewRequest(r.Method, u, nil)
	if err != nil {
		return "", 0, 0, err
	}
	req.Host = "cdn.test"
	for _, f := range r.Header {
		req.Header.Add(f.Name, f.Value)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", 0, 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	seq, err = strconv.Atoi(resp.Header.Get("X-Seq"))
	if err != nil {
		return "", 0, 0, fmt.Errorf("reply %d without X-Seq (not from the upstream)", resp.StatusCode)
	}
	return resp.Header.Get("X-Cache-Status"), resp.StatusCode, seq, nil
}
