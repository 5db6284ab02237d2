// Package caddy_test checks engine/formats/caddy against Debian's caddy
// on loopback: one caddy process a run, one site block a generated
// Caddyfile (by Host), a tiny upstream the test runs for reverse_proxy,
// and every reply's status, Access-Control-* headers and Vary compared
// with the evaluator's answer to the same request.
package caddy_test

import (
	"fmt"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/formats/caddy"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// The upstream answers the status and CORS headers the request's X-Up
// names ("404 star"): none, star (ACAO * and Vary: Origin) or echo (the
// request's Origin with credentials).
func upstreamReply(up, origin string) policy.Reply {
	f := strings.Fields(up)
	st, _ := strconv.Atoi(f[0])
	r := policy.Reply{Status: st, Header: headers.List{{Name: "Content-Type", Value: "text/plain"}}, Body: "app"}
	switch f[1] {
	case "star":
		r.Header.Add("Access-Control-Allow-Origin", "*")
		r.Header.Add("Vary", "Origin")
	case "echo":
		if origin != "" {
			r.Header.Add("Access-Control-Allow-Origin", origin)
		}
		r.Header.Add("Access-Control-Allow-Credentials", "true")
	}
	return r
}

func startUpstream(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rep := upstreamReply(r.Header.Get("X-Up"), r.Header.Get("Origin"))
		for _, f := range rep.Header {
			w.Header().Add(f.Name, f.Value)
		}
		w.WriteHeader(rep.Status)
		fmt.Fprint(w, rep.Body)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

var (
	origins = []string{"https://app.test", "https://admin.test", "http://localhost:3000", "https://evil.test"}
	methods = []string{"GET", "POST", "PUT", "patch", "DELETE"}
)

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.Intn(len(xs))] }

// site is one generated site block's body.
func site(r *rand.Rand, upstream int) string {
	var b strings.Builder
	allowed := r.Perm(3)[:1+r.Intn(2)]
	// the matcher of allowed origins
	switch r.Intn(3) {
	case 0:
		fmt.Fprintf(&b, "\t@cors header Origin %s\n", origins[allowed[0]])
	case 1:
		b.WriteString("\t@cors {\n")
		for _, i := range allowed {
			fmt.Fprintf(&b, "\t\theader Origin %s\n", origins[i])
		}
		b.WriteString("\t}\n")
	default:
		b.WriteString("\t@cors header Origin https://*\n")
	}
	acao := pick(r, "{header.Origin}", "{http.request.header.Origin}", origins[allowed[0]], "*")
	cred := r.Intn(2) == 0
	matcher := pick(r, "@cors ", "@cors ", "", "/api/* ")
	switch r.Intn(4) {
	case 0:
		fmt.Fprintf(&b, "\theader %sAccess-Control-Allow-Origin %q\n", matcher, acao)
		if r.Intn(2) == 0 {
			fmt.Fprintf(&b, "\theader %sVary Origin\n", matcher)
		}
	case 1:
		fmt.Fprintf(&b, "\theader %s{\n\t\tAccess-Control-Allow-Origin %q\n\t\t%sVary Origin\n", matcher, acao, pick(r, "", "+"))
		if r.Intn(2) == 0 {
			b.WriteString("\t\tdefer\n")
		}
		b.WriteString("\t}\n")
	case 2:
		fmt.Fprintf(&b, "\theader %s+Access-Control-Allow-Origin %q\n", matcher, acao)
	default:
		fmt.Fprintf(&b, "\theader %s{\n\t\t-Access-Control-Allow-Origin\n\t\t%s %q\n\t}\n", matcher,
			pick(r, "+Access-Control-Allow-Origin", "Access-Control-Allow-Origin"), acao)
		if r.Intn(2) == 0 {
			fmt.Fprintf(&b, "\theader ?Vary Origin\n")
		}
	}
	// a second writer of the origin header: Caddy's order and deferral
	// decide which one the browser sees
	switch r.Intn(5) {
	case 0:
		b.WriteString("\theader ?Access-Control-Allow-Origin \"*\"\n")
	case 1:
		b.WriteString("\theader {\n\t\tdefer\n\t\tAccess-Control-Allow-Origin https://fallback.test\n\t}\n")
	case 2:
		b.WriteString("\theader Access-Control-Allow-Origin https://fallback.test\n")
	}
	if cred {
		fmt.Fprintf(&b, "\theader %sAccess-Control-Allow-Credentials true\n", pick(r, "@cors ", ""))
	}
	if r.Intn(3) == 0 {
		b.WriteString("\theader -Access-Control-Allow-Credentials\n")
	}
	pre := pick(r, "@preflight method OPTIONS\n", "@preflight {\n\t\tmethod OPTIONS\n\t\theader Access-Control-Request-Method *\n\t}\n")
	b.WriteString("\t" + pre)
	hdrs := fmt.Sprintf("Access-Control-Allow-Methods %q\n", pick(r, "GET, POST", "GET, POST, PUT, PATCH, DELETE", "*"))
	if r.Intn(2) == 0 {
		hdrs += "\t\tAccess-Control-Allow-Headers \"Content-Type, Authorization\"\n"
	}
	if r.Intn(2) == 0 {
		hdrs += "\t\tAccess-Control-Max-Age 600\n"
	}
	proxy := fmt.Sprintf("reverse_proxy 127.0.0.1:%d", upstream)
	switch r.Intn(4) {
	case 0:
		proxy += " {\n\t\theader_down -Access-Control-Allow-Origin\n\t}"
	case 1:
		proxy += " {\n\t\theader_down Access-Control-Allow-Credentials false\n\t\theader_down +Vary Accept\n\t}"
	}
	switch r.Intn(4) {
	case 0:
		fmt.Fprintf(&b, "\theader @preflight {\n\t\t%s\t}\n\trespond @preflight %s\n\t%s\n", hdrs, pick(r, "204", "200", "\"\" 204"), proxy)
	case 1:
		fmt.Fprintf(&b, "\thandle @preflight {\n\t\theader {\n\t\t%s\t\t}\n\t\trespond 204\n\t}\n\thandle {\n\t\t%s\n\t}\n", hdrs, proxy)
	case 2:
		// reverse_proxy written first: Caddy's order puts respond before it.
		fmt.Fprintf(&b, "\treverse_proxy /api/* 127.0.0.1:%d\n\trespond @preflight 204\n\theader @preflight {\n\t\t%s\t}\n", upstream, hdrs)
	default:
		fmt.Fprintf(&b, "\troute {\n\t\theader @preflight {\n\t\t%s\t\t}\n\t\t%s\n\t\trespond @preflight 204\n\t}\n", hdrs, proxy)
	}
	return b.String()
}

// corners are the documented corners engine/formats/caddy's tests name,
// run as sites of their own with cornerRequests.
var corners = []string{
	// deferred handlers apply innermost first: the earlier one wins
	"\theader @o {\n\t\tAccess-Control-Allow-Origin https://a.test\n\t\tdefer\n\t}\n\t@o header Origin *\n\theader {\n\t\tAccess-Control-Allow-Origin https://z.test\n\t\tdefer\n\t}\n\treverse_proxy {{up}}\n",
	// ?field only when absent
	"\theader ?Access-Control-Allow-Origin *\n\treverse_proxy {{up}}\n",
	// no handler writes: deferred headers never applied
	"\theader -Server\n\theader {\n\t\tAccess-Control-Allow-Origin *\n\t\tdefer\n\t}\n\theader Vary Origin\n",
	// handle groups
	"\t@p method OPTIONS\n\thandle @p {\n\t\theader Access-Control-Allow-Methods GET\n\t\trespond 204\n\t}\n\thandle {\n\t\treverse_proxy {{up}}\n\t}\n",
	// path matcher on a lower-cased path; immediate ACAO plus upstream's
	"\theader /api/* Access-Control-Allow-Origin *\n\treverse_proxy {{up}}\n",
	// header_down before the copy
	"\theader Access-Control-Allow-Origin https://a.test\n\treverse_proxy {{up}} {\n\t\theader_down -Access-Control-Allow-Origin\n\t}\n",
	// replace with a regexp, and a delete by pattern
	"\treverse_proxy {{up}}\n\theader {\n\t\tAccess-Control-Allow-Origin \"^\\*$\" https://r.test\n\t\t-Access-Control-Allow-Cred*\n\t}\n",
}

var cornerRequests = []struct {
	req policy.Request
	up  string
}{
	{policy.Request{Method: "GET", URL: "/API/x", Header: headers.List{{Name: "Origin", Value: "https://q.test"}}}, "200 star"},
	{policy.Request{Method: "options", URL: "/api/x", Header: headers.List{{Name: "Origin", Value: "https://q.test"}}}, "404 echo"},
	{policy.Request{Method: "OPTIONS", URL: "/x", Header: headers.List{{Name: "Origin", Value: "https://q.test"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}, "500 none"},
	{policy.Request{Method: "GET", URL: "/x"}, "404 echo"},
}

// request is one generated request.
func request(r *rand.Rand) (policy.Request, string) {
	req := policy.Request{Method: pick(r, methods...), URL: pick(r, "/api/items", "/other", "/API/x")}
	if r.Intn(6) != 0 {
		req.Header.Add("Origin", pick(r, origins...))
	}
	switch r.Intn(3) {
	case 0:
		req.Method = pick(r, "OPTIONS", "OPTIONS", "options")
		if r.Intn(4) != 0 {
			req.Header.Add("Access-Control-Request-Method", pick(r, methods...))
		}
	}
	return req, pick(r, "200 none", "404 none", "500 none", "200 star", "500 star", "200 echo", "404 echo")
}

func TestDifferential(t *testing.T) {
	bin, err := exec.LookPath("caddy")
	if err != nil {
		if os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
			t.Fatal("no caddy found (apt-get install caddy)")
		}
		t.Skip("no caddy found; apt-get install caddy")
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	version := strings.Fields(string(out))[0]
	t.Logf("caddy %s", version)
	want, err := os.ReadFile(filepath.Join("testdata", "version.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.TrimSpace(string(want)); w != version {
		t.Fatalf("the server is caddy %s but testdata/version.txt records %s: the model is of the recorded version; check its changes and record the new one", version, w)
	}

	upstream := startUpstream(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	seed := int64(20261203)
	if s := os.Getenv("WHYCORS_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	rnd := rand.New(rand.NewSource(seed))
	const configs = 70
	var file strings.Builder
	file.WriteString("{\n\tadmin off\n\tauto_https off\n}\n")
	bodies := make([]string, configs, configs+len(corners))
	for i := range bodies {
		bodies[i] = site(rnd, upstream)
	}
	for _, c := range corners {
		bodies = append(bodies, strings.ReplaceAll(c, "{{up}}", "127.0.0.1:"+strconv.Itoa(upstream)))
	}
	for i, b := range bodies {
		fmt.Fprintf(&file, "http://c%d.localhost:%d {\n%s}\n", i, port, b)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(conf, []byte(file.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	model, err := caddy.Parse(file.String())
	if err != nil {
		t.Fatalf("the reader rejects the generated Caddyfile: %v", err)
	}
	cmd := exec.Command(bin, "run", "--config", conf, "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
	var logs strings.Builder
	cmd.Stderr, cmd.Stdout = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			c.Close()
			break
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("caddy exited: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("caddy does not listen: %v\n%s", err, logs.String())
		}
	}

	client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cases, fails := 0, 0
	seen := map[string]int{}
	for i := range bodies {
		host := fmt.Sprintf("c%d.localhost:%d", i, port)
		for k := 0; k < 4; k++ {
			req, up := request(rnd)
			if i >= configs {
				req, up = cornerRequests[k].req, cornerRequests[k].up
				req.Header = req.Header.Clone()
			}
			cases++
			hr, err := http.NewRequest(req.Method, "http://127.0.0.1:"+strconv.Itoa(port)+req.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			hr.Host = host
			for _, f := range req.Header {
				hr.Header.Add(f.Name, f.Value)
			}
			hr.Header.Set("X-Up", up)
			res, err := client.Do(hr)
			if err != nil {
				t.Fatalf("config %d %s %s: %v", i, req.Method, req.URL, err)
			}
			res.Body.Close()
			req.URL = "http://" + host + req.URL
			origin, _ := req.Header.Get("Origin")
			got := model.Respond(req, upstreamReply(up, origin))
			real, modelled := summary(res.StatusCode, res.Header), summary(got.Reply.Status, toHTTP(got.Reply.Header))
			seen[kind(res)]++
			if real != modelled {
				fails++
				if fails <= 10 {
					t.Errorf("site c%d:\n%s\n%s %s %v (upstream %s)\ncaddy:  %s\nmodel:  %s\ntrace: %s", i, bodies[i], req.Method, req.URL, req.Header, up, real, modelled, got.Text())
				}
			}
		}
	}
	t.Logf("%d configurations (%d of them corners), %d cases, %d differ (seed %d); replies: %v", len(bodies), len(corners), cases, fails, seed, seen)
	if cases < 200 {
		t.Fatalf("only %d cases", cases)
	}
}

func toHTTP(l headers.List) http.Header {
	h := http.Header{}
	for _, f := range l {
		h.Add(f.Name, f.Value)
	}
	return h
}

// summary is the status and every Access-Control-* and Vary line.
func summary(status int, h http.Header) string {
	var keys []string
	for k := range h {
		if strings.HasPrefix(k, "Access-Control-") || k == "Vary" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	s := strconv.Itoa(status)
	for _, k := range keys {
		s += fmt.Sprintf(" %s=%q", k, h[k])
	}
	return s
}

// kind classes a real reply for the log, to show what the cases cover.
func kind(res *http.Response) string {
	k := strconv.Itoa(res.StatusCode)
	switch n := len(res.Header.Values("Access-Control-Allow-Origin")); {
	case n == 0:
		k += " no-ACAO"
	case n > 1:
		k += " ACAO-twice"
	case res.Header.Get("Access-Control-Allow-Origin") == "":
		k += " ACAO-empty"
	default:
		k += " ACAO"
	}
	return k
}
