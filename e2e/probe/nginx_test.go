package probe_test

import (
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/internal/nginxtest"
	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/formats/nginx"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// nginxCorners are the documented corners of location selection
// (https://nginx.org/en/docs/http/ngx_http_core_module.html#location),
// each checked by hand against nginx 1.22.1 before it was written here:
//
//   - /k/p/ passes to the upstream: "/k/p" is redirected with 301 to
//     "/k/p/" (query kept), under /k/p/'s add_header, before its if runs;
//   - the redirect wins over a regex matching "/k/v" and over the
//     shorter prefix "/k/", but an exact "= /k/w" and a prefix "/k/y"
//     naming the path itself win over it;
//   - /k/n/ holds nested locations: /k/n/a/ (redirect from "/k/n/a",
//     add_header inherited from /k/n/) and a nested regex;
//   - /k/s/ serves files: 405 to any method but GET, HEAD and POST (to
//     a POST once the file is found: TestNginxStaticFile);
//   - /k/w/ includes Debian's /etc/nginx/proxy_params (proxy_set_header
//     lines), which the model reads as changing no reply;
//   - ~ ^/k/e\.x$ keeps its backslash, an escaped dot: /k/ezx is /k/'s;
//   - /k/i/ hides it too, and its if block, which takes the location's
//     configuration, sends nginx's;
//   - /k/h/ hides the upstream's Access-Control-Allow-Origin and sends its
//     own, and its nested /k/h/n/ inherits the hiding;
//   - generated locations hide the upstream's Access-Control-Allow-Origin,
//     Vary or Access-Control-Allow-Credentials with proxy_hide_header,
//     inherited by a nested location that has none of its own;
//   - a path no location matches is served by the server level.
const nginxCorners = `    location /k/ { add_header X-Loc k always; return 200; }
    location /k/p/ {
      if ($request_method = OPTIONS) { return 204; }
      add_header X-Loc kp always;
      add_header Access-Control-Allow-Origin "https://app.test" always;
      proxy_pass http://127.0.0.1:{{upstream}};
    }
    location ~ ^/k/v { add_header X-Loc kv-re always; return 207; }
    location /k/v/ { proxy_pass http://127.0.0.1:{{upstream}}; }
    location = /k/w { add_header X-Loc kw-exact always; return 208; }
    location /k/w/ { include /etc/nginx/proxy_params; proxy_pass http://127.0.0.1:{{upstream}}; }
    location /k/y { add_header X-Loc ky always; return 209; }
    location /k/y/ { proxy_pass http://127.0.0.1:{{upstream}}; }
    location /k/n/ {
      add_header X-Loc kn always;
      location /k/n/a/ { proxy_pass http://127.0.0.1:{{upstream}}; }
      location ~ \.x$ { return 201; }
    }
    location /k/s/ { add_header X-Loc ks always; }
    location ~ ^/k/e\.x$ { add_header X-Loc ke always; return 200; }
    location /k/i/ {
      proxy_hide_header Access-Control-Allow-Origin;
      if ($http_origin) { add_header Access-Control-Allow-Origin "https://app.test" always; }
      proxy_pass http://127.0.0.1:{{upstream}};
    }
    location /k/h/ {
      proxy_hide_header Access-Control-Allow-Origin;
      add_header Access-Control-Allow-Origin "https://app.test" always;
      proxy_pass http://127.0.0.1:{{upstream}};
      location /k/h/n/ { proxy_pass http://127.0.0.1:{{upstream}}; }
    }
`

var nginxCornerRequests = []string{
	"GET /k/p", "GET /k/p?x=1", "OPTIONS /k/p", "OPTIONS /k/p/", "GET /k/p/a", "GET /k/v", "GET /k/v/", "GET /k/w", "GET /k/w/a", "GET /k/y",
	"GET /k/n/a", "GET /k/n/a/b.x", "GET /k/n/b.x", "OPTIONS /k/s/", "POST /k/s/x", "DELETE /k/s/x", "GET /nowhere", "OPTIONS /nowhere",
	"patch /k/p/", "get /k/", "Patch /k/", "PATCH /k/", "options /k/p/", "GET /k/p/../w", "GET /k//p/", "GET /k/%70/",
	"GET /k/e.x", "GET /k/ezx", "GET /k/i/a", "GET /k/i/b", "POST /k/i/c", "GET /k/h/a", "POST /k/h/b", "GET /k/h/c", "PUT /k/h/d", "GET /k/h/n/a", "GET /k/h/n/b", "DELETE /k/h/n/c",
}

// genLocations writes n generated locations under /g (prefix, exact,
// ^~, regex, nested), each with its own content and add_header lines.
func genLocations(r *rand.Rand, n int) string {
	var b strings.Builder
	seen := map[string]bool{}
	segs := []string{"a", "b", "ab"}
	gpath := func() string {
		p := "/g"
		for k := r.Intn(3); k > 0; k-- {
			p += "/" + proxytest.Pick(r, segs...)
		}
		if r.Intn(2) == 0 {
			p += "/"
		}
		return p
	}
	body := func(id string, ind string) {
		if r.Intn(5) != 0 {
			fmt.Fprintf(&b, "%sadd_header X-Loc %s always;\n", ind, id)
		}
		if r.Intn(2) == 0 {
			fmt.Fprintf(&b, "%sadd_header Access-Control-Allow-Origin %s%s;\n", ind, proxytest.Pick(r, "$http_origin", "\"*\"", "https://app.test"), proxytest.Pick(r, "", " always"))
		}
		if r.Intn(3) == 0 {
			fmt.Fprintf(&b, "%sif ($request_method = OPTIONS) { return 204; }\n", ind)
		}
		if r.Intn(3) == 0 {
			// The upstream's own CORS lines hidden before add_header's
			// (the cure of a doubled Access-Control-Allow-Origin).
			fmt.Fprintf(&b, "%sproxy_hide_header %s;\n", ind, proxytest.Pick(r, "Access-Control-Allow-Origin", "Vary", "access-control-allow-credentials"))
		}
		switch r.Intn(3) {
		case 0:
			fmt.Fprintf(&b, "%sproxy_pass http://127.0.0.1:{{upstream}};\n", ind)
		case 1:
			fmt.Fprintf(&b, "%sreturn %s;\n", ind, proxytest.Pick(r, "200", "204", "404", "500"))
		}
	}
	for i := 0; i < n; i++ {
		mod := proxytest.Pick(r, "", "", "=", "^~", "~", "~*")
		path := gpath()
		if mod == "~" || mod == "~*" {
			path = proxytest.Pick(r, `^/g/a`, `^/g/.*\.x$`, `\.JPG$`, `^/g/b/`, `^/g/ab?/?$`)
		}
		key := mod + " " + path
		if mod == "^~" {
			key = " " + path
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		id := "g" + strconv.Itoa(i)
		fmt.Fprintf(&b, "    location %s {\n", strings.TrimSpace(mod+" "+path))
		body(id, "      ")
		if (mod == "" || mod == "^~") && r.Intn(3) == 0 {
			nested := path + proxytest.Pick(r, "a/", "b", "/a/")
			if !strings.HasSuffix(path, "/") && strings.HasPrefix(nested, path+"/") {
				nested = path + "/a/"
			}
			fmt.Fprintf(&b, "      location %s {\n", strings.ReplaceAll(nested, "//", "/"))
			body(id+"n", "        ")
			b.WriteString("      }\n")
		}
		b.WriteString("    }\n")
	}
	return b.String()
}

func genRequest(r *rand.Rand) string {
	p := "/g"
	for k := r.Intn(4); k > 0; k-- {
		p += "/" + proxytest.Pick(r, "a", "b", "ab", "A", "c")
	}
	switch r.Intn(6) {
	case 0:
		p += "/"
	case 1:
		p += proxytest.Pick(r, ".x", ".jpg", ".JPG")
	case 2:
		p += proxytest.Pick(r, "//a", "/./b/", "/../ab/", "/%61/")
	}
	if r.Intn(8) == 0 {
		p += "?q=1"
	}
	m := proxytest.Pick(r, "GET", "GET", "POST", "PUT", "DELETE", "OPTIONS", "OPTIONS", "PATCH", "patch", "options")
	return m + " " + p
}

// TestNginxModel compares engine/formats/nginx with Debian's nginx on
// one server with many locations: the corners above and generated
// locations, seeded, with generated requests (lower-case methods as
// fetch() sends "patch", paths to normalise, paths no location matches).
// Every reply's status, Access-Control-*, Vary, Location and X-Loc (which
// location's add_header applied) must be the model's.
func TestNginxModel(t *testing.T) {
	upstream := proxytest.Upstream(t)
	seed := proxytest.Seed(20261203)
	rnd := rand.New(rand.NewSource(seed))
	server := "  server {\n    listen 127.0.0.1:{{port}};\n    root {{prefix}}/no-such-dir;\n" +
		"    add_header X-Loc server always;\n    add_header Vary Origin;\n" +
		nginxCorners + genLocations(rnd, 40) + "  }\n"
	conf := strings.ReplaceAll(server, "{{upstream}}", strconv.Itoa(upstream))
	model, err := nginx.Parse(strings.NewReplacer("{{port}}", "80", "{{prefix}}", "/srv").Replace(conf))
	if err != nil {
		t.Fatalf("the reader rejects the generated server: %v\n%s", err, conf)
	}
	port := nginxtest.Start(t, nginxtest.Head+conf+"}\n", nil)
	host := "127.0.0.1:" + strconv.Itoa(port)
	reqs := append([]string(nil), nginxCornerRequests...)
	for len(reqs) < 320 {
		reqs = append(reqs, genRequest(rnd))
	}
	fails := 0
	seen := map[int]int{}
	for _, line := range reqs {
		method, path, _ := strings.Cut(line, " ")
		req := policy.Request{Method: method, URL: path}
		if rnd.Intn(5) != 0 {
			req.Header.Add("Origin", proxytest.Pick(rnd, proxytest.Origins...))
		}
		up := proxytest.Pick(rnd, "200 none", "500 none", "200 star", "404 echo")
		status, h := proxytest.Send(t, port, host, req, up)
		seen[status]++
		full := req
		full.URL = "http://" + host + path
		app := policy.Reply{Status: 404, Header: headers.List{}}
		if model.Passes(full) {
			origin, _ := req.Header.Get("Origin")
			app = proxytest.Reply(up, origin)
		}
		got := model.Respond(full, app)
		real, modelled := nginxSummary(status, h), nginxSummary(got.Reply.Status, proxytest.Header(got.Reply.Header))
		if real != modelled {
			fails++
			if fails <= 10 {
				t.Errorf("%s (upstream %s, Origin %v)\nnginx: %s\nmodel: %s\ntrace: %s", line, up, req.Header, real, modelled, got.Text())
			}
		}
	}
	t.Logf("%d requests, %d differ, seed %d; statuses %v", len(reqs), fails, seed, seen)
	if fails > 0 && testing.Verbose() {
		t.Logf("server:\n%s", conf)
	}
}

// nginxFiles writes each file (a path under root) with one line: the
// files a server's root holds, which the model takes to be there.
func nginxFiles(t *testing.T, root string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("file\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// compareNginx sends each entry ("METHOD /path") to the nginx on port
// and to model, with Origin https://app.test (and, for OPTIONS, a
// preflight's Access-Control-Request-Method PUT), the upstream answering
// 200; " 404" after an entry says nginx serves it from a missing file,
// which the reply the model is given stands for (TestNginxStaticFile).
// Each reply's status, Access-Control-*, Vary, Location and X-Loc must
// be nginx's (nginxSummary).
func compareNginx(t *testing.T, model *nginx.Config, port int, entries []string) {
	t.Helper()
	host := "127.0.0.1:" + strconv.Itoa(port)
	for _, entry := range entries {
		line, missing := strings.CutSuffix(entry, " 404")
		up := "200 none"
		if missing {
			up = "404 none"
		}
		method, path, _ := strings.Cut(line, " ")
		req := policy.Request{Method: method, URL: path, Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}
		if method == "OPTIONS" {
			req.Header.Add("Access-Control-Request-Method", "PUT")
		}
		status, h := proxytest.Send(t, port, host, req, up)
		full := req
		full.URL = "http://" + host + path
		got := model.Respond(full, proxytest.Reply(up, "https://app.test"))
		if real, modelled := nginxSummary(status, h), nginxSummary(got.Reply.Status, proxytest.Header(got.Reply.Header)); real != modelled {
			t.Errorf("%s\nnginx: %s\nmodel: %s\ntrace: %s", line, real, modelled, got.Text())
		}
	}
}

// nginxSummary is proxytest's summary (status, Access-Control-*, Vary)
// with the Location and X-Loc lines.
func nginxSummary(status int, h http.Header) string {
	return proxytest.Summary(status, h) + fmt.Sprintf(" Location=%q X-Loc=%q", h["Location"], h["X-Loc"])
}

// TestNginxStaticFile: a location that serves files answers GET and HEAD
// from the file, refuses other methods with 405 at once, and a POST with
// 405 once it has found the file, 404 when it has not
// (ngx_http_static_module). Debian's nginx against the model, with the
// application's reply standing for the file's (200 when it exists, 404
// when not). Found as a new user would: a POST to a file was modelled as
// served, with the add_header line.
func TestNginxStaticFile(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "f.txt"), []byte("file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := "  server {\n    listen 127.0.0.1:{{port}};\n    root {{root}};\n" +
		"    add_header Access-Control-Allow-Origin \"*\";\n  }\n"
	model, err := nginx.Parse(strings.NewReplacer("{{port}}", "80", "{{root}}", "/srv").Replace(conf))
	if err != nil {
		t.Fatal(err)
	}
	port := nginxtest.Start(t, nginxtest.Head+conf+"}\n", map[string]string{"{{root}}": root})
	host := "127.0.0.1:" + strconv.Itoa(port)
	for _, line := range []string{"GET /f.txt", "HEAD /f.txt", "POST /f.txt", "PUT /f.txt", "DELETE /f.txt", "GET /missing", "POST /missing", "PUT /missing"} {
		method, path, _ := strings.Cut(line, " ")
		req := policy.Request{Method: method, URL: path}
		req.Header.Add("Origin", "https://app.test")
		status, h := proxytest.Send(t, port, host, req, "200 none")
		app := policy.Reply{Status: 200, Header: headers.List{}}
		if path == "/missing" {
			app.Status = 404
		}
		full := req
		full.URL = "http://" + host + path
		got := model.Respond(full, app)
		if real, modelled := proxytest.Summary(status, h), proxytest.Summary(got.Reply.Status, proxytest.Header(got.Reply.Header)); real != modelled {
			t.Errorf("%s\nnginx: %s\nmodel: %s\ntrace: %s", line, real, modelled, got.Text())
		}
	}
}

// TestNginxDump reads what Debian's `nginx -T` prints of a configuration
// in three files (the main one, an http-level file it includes, a
// snippet of CORS lines a location includes) and compares the model of
// that dump with the running nginx, request by request. Found as a new
// user would: a real configuration, spread over files by include, could
// not be read.
func TestNginxDump(t *testing.T) {
	bin := nginxtest.Path()
	if bin == "" {
		t.Skip("no nginx")
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("conf.d/headers.conf", "add_header X-Http h always;\n")
	snippet := write("snippets/cors.conf", "add_header Access-Control-Allow-Origin \"https://app.test\" always;\nadd_header Vary Origin always;\n")
	conf := nginxtest.Head + "  include " + filepath.Join(dir, "conf.d", "*.conf") + ";\n  include " + filepath.Join(dir, "empty", "*.conf") + ";\n" +
		"  server {\n    listen 127.0.0.1:{{port}};\n    location /api/ {\n      include " + snippet + ";\n      return 200;\n    }\n    location /other/ { return 204; }\n  }\n}\n"
	port := nginxtest.Start(t, conf, nil)
	// The same configuration, its prefix this test's folder, dumped by
	// nginx -T as a user would paste it.
	main := write("nginx.conf", strings.NewReplacer("{{prefix}}", dir, "{{port}}", strconv.Itoa(port)).Replace(conf))
	out, err := exec.Command(bin, "-T", "-p", dir, "-c", main).CombinedOutput()
	if err != nil {
		t.Fatalf("nginx -T: %v\n%s", err, out)
	}
	model, err := nginx.Parse(string(out))
	if err != nil {
		t.Fatalf("the dump is not read: %v\n%s", err, out)
	}
	host := "127.0.0.1:" + strconv.Itoa(port)
	for _, line := range []string{"GET /api/x", "OPTIONS /api/x", "GET /other/", "GET /nowhere"} {
		method, path, _ := strings.Cut(line, " ")
		req := policy.Request{Method: method, URL: path}
		req.Header.Add("Origin", "https://app.test")
		status, h := proxytest.Send(t, port, host, req, "200 none")
		full := req
		full.URL = "http://" + host + path
		got := model.Respond(full, policy.Reply{Status: 404, Header: headers.List{}})
		real := proxytest.Summary(status, h) + fmt.Sprintf(" X-Http=%q", h["X-Http"])
		modelled := proxytest.Summary(got.Reply.Status, proxytest.Header(got.Reply.Header)) + fmt.Sprintf(" X-Http=%q", proxytest.Header(got.Reply.Header)["X-Http"])
		if real != modelled {
			t.Errorf("%s\nnginx: %s\nmodel: %s\ntrace: %s", line, real, modelled, got.Text())
		}
	}
}
