// Package apache_test checks engine/formats/apache against Debian's
// apache2 on loopback: one httpd a run, one <VirtualHost> a generated
// configuration (by ServerName), proxying to a tiny upstream the test
// runs, and every reply's status, Access-Control-* headers and Vary
// compared with the evaluator's answer to the same request.
package apache_test

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/formats/apache"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// vhost is one generated virtual host's directives.
func vhost(r *rand.Rand) string {
	var b strings.Builder
	always := func() string { return proxytest.Pick(r, "", "always ", "onsuccess ") }
	switch r.Intn(5) {
	case 0, 1:
		// the expression as Apache users write it ("\."), or with the
		// backslash doubled (%q), which Apache reads as one
		fmt.Fprintf(&b, proxytest.Pick(r, "  %s Origin %q CORS_ORIGIN=$0\n", "  %s Origin \"%s\" CORS_ORIGIN=$0\n"), proxytest.Pick(r, "SetEnvIf", "SetEnvIfNoCase"),
			proxytest.Pick(r, `^https://(app|admin)\.test$`, `^https://app\.test$`, `^http://localhost(:[0-9]+)?$`))
		fmt.Fprintf(&b, "  Header %sset Access-Control-Allow-Origin %%{CORS_ORIGIN}e%s\n", always(), proxytest.Pick(r, " env=CORS_ORIGIN", " env=CORS_ORIGIN", ""))
	case 2:
		fmt.Fprintf(&b, "  Header %s%s Access-Control-Allow-Origin %q\n", always(), proxytest.Pick(r, "set", "add", "append", "merge", "setifempty"), proxytest.Pick(r, "*", "https://app.test"))
	case 3:
		// %{HTTP:Origin}e, as <If>'s expression reads the header, is
		// an environment variable nothing sets: "(null)".
		fmt.Fprintf(&b, "  <If \"%%{HTTP:Origin} %s\">\n    Header %sset Access-Control-Allow-Origin \"%s\"\n  </If>\n",
			proxytest.Pick(r, "== 'https://app.test'", "=~ m#^https://(app|admin)\\.test$#", "in { 'https://app.test', 'https://admin.test' }"), always(), proxytest.Pick(r, "https://app.test", "https://app.test", "%{HTTP:Origin}e"))
		if r.Intn(2) == 0 {
			b.WriteString("  <Else>\n    Header always unset Access-Control-Allow-Origin\n  </Else>\n")
		}
	default:
		fmt.Fprintf(&b, "  Header %sunset Access-Control-Allow-Origin\n  Header %sadd Access-Control-Allow-Origin \"https://admin.test\"\n", always(), always())
	}
	switch r.Intn(4) {
	case 0:
		fmt.Fprintf(&b, "  Header %smerge Vary Origin\n", always())
	case 1:
		fmt.Fprintf(&b, "  Header %sappend Vary Origin\n", always())
	case 2:
		fmt.Fprintf(&b, "  Header %sedit Vary ^Origin$ \"Origin, Accept\"\n", always())
	}
	if r.Intn(2) == 0 {
		fmt.Fprintf(&b, "  Header %sset Access-Control-Allow-Credentials true\n", always())
	}
	if r.Intn(3) == 0 {
		fmt.Fprintf(&b, "  Header %sunset Access-Control-Allow-Credentials\n", always())
	}
	if r.Intn(2) == 0 {
		fmt.Fprintf(&b, "  RewriteEngine On\n  RewriteCond %%{REQUEST_METHOD} %s\n  RewriteRule %s - [%s]\n",
			proxytest.Pick(r, "OPTIONS", "^OPTIONS$ [NC]"), proxytest.Pick(r, "^", "^/api/", ".*"), proxytest.Pick(r, "R=204,L", "R=204,L", "R=200,L", "F"))
	}
	fmt.Fprintf(&b, "  <Location %s>\n    Header %sset Access-Control-Allow-Methods %q\n  </Location>\n", proxytest.Pick(r, "/api", "/api/", "/"), always(), proxytest.Pick(r, "GET, POST", "GET, POST, PUT, PATCH, DELETE"))
	return b.String()
}

func request(r *rand.Rand) (policy.Request, string) {
	req := policy.Request{Method: proxytest.Pick(r, proxytest.Methods...), URL: proxytest.Pick(r, "/api/items", "/other", "/api", "/apix")}
	if r.Intn(6) != 0 {
		req.Header.Add("Origin", proxytest.Pick(r, proxytest.Origins...))
	}
	if r.Intn(3) == 0 {
		req.Method = proxytest.Pick(r, "OPTIONS", "OPTIONS", "options")
		if r.Intn(4) != 0 {
			req.Header.Add("Access-Control-Request-Method", proxytest.Pick(r, proxytest.Methods...))
		}
	}
	return req, proxytest.Pick(r, proxytest.Ups...)
}

const filesSite = `  DocumentRoot {{dir}}/www
  Header always set Access-Control-Allow-Methods "GET"
  <Directory {{dir}}/www/api>
    Header set Access-Control-Allow-Origin "*"
    Header always set Access-Control-Max-Age 600
    <Files "*.txt">
      Header always set Access-Control-Expose-Headers "X-In-Dir"
    </Files>
  </Directory>
  <Directory {{dir}}/www>
    Header always set Access-Control-Max-Age 60
    Header merge Vary Origin
  </Directory>
  <IfModule mod_headers.c>
    <FilesMatch "\.(eot|otf|tt[cf]|woff2?)$">
      Header set Access-Control-Allow-Origin "*"
    </FilesMatch>
  </IfModule>
  <Files ~ "^f\.txt$">
    Header always set Access-Control-Max-Age 30
  </Files>
  <Files "[!.]*.css">
    Header always set Access-Control-Expose-Headers "X-Css"
  </Files>
`

// proxiedFilesSite proxies every path, with a <FilesMatch> that names
// the fonts: the request maps to no file, and the section does not
// apply (as the model takes it; held to apache2 here).
const proxiedFilesSite = `  <FilesMatch "\.(woff2?|json)$">
    Header always set Access-Control-Allow-Origin "https://files.test"
  </FilesMatch>
`

// fileRequests ask files.test for files; the up field is the reply the
// model takes as the file's (a static file sends no CORS header).
var fileRequests = []struct {
	req policy.Request
	up  string
}{
	{policy.Request{Method: "GET", URL: "/api/f.txt", Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}, "200 none"},
	{policy.Request{Method: "GET", URL: "/api/missing.txt", Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}, "404 none"},
	{policy.Request{Method: "GET", URL: "/f.txt"}, "200 none"},
	{policy.Request{Method: "GET", URL: "/missing.txt"}, "404 none"},
	// The fonts snippet of every .htaccess guide (<FilesMatch> in
	// <IfModule>), and <Files> by wildcard and by regular expression.
	{policy.Request{Method: "GET", URL: "/font.woff2", Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}, "200 none"},
	{policy.Request{Method: "GET", URL: "/api/font.ttf", Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}, "200 none"},
	{policy.Request{Method: "GET", URL: "/f.css", Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}, "200 none"},
	// The name as the file system has it: %2E is a dot.
	{policy.Request{Method: "GET", URL: "/font%2Ewoff2", Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}, "200 none"},
}

const head = `ServerRoot {{dir}}
DefaultRuntimeDir {{dir}}
PidFile {{dir}}/httpd.pid
ErrorLog {{dir}}/error.log
Listen 127.0.0.1:{{port}}
LoadModule mpm_event_module {{mods}}/mod_mpm_event.so
LoadModule authz_core_module {{mods}}/mod_authz_core.so
LoadModule headers_module {{mods}}/mod_headers.so
LoadModule setenvif_module {{mods}}/mod_setenvif.so
LoadModule rewrite_module {{mods}}/mod_rewrite.so
LoadModule proxy_module {{mods}}/mod_proxy.so
LoadModule proxy_http_module {{mods}}/mod_proxy_http.so
User nobody
Group nogroup
ServerName localhost
`

const mods = "/usr/lib/apache2/modules"

// httpd finds Debian's apache2 and its modules, and says its version.
func httpd(t *testing.T) string {
	bin, err := exec.LookPath("apache2")
	if err != nil {
		bin, err = exec.LookPath("/usr/sbin/apache2")
	}
	if _, merr := os.Stat(mods + "/mod_headers.so"); err != nil || merr != nil {
		proxytest.Missing(t, "no apache2 found; apt-get install apache2")
	}
	out, err := exec.Command(bin, "-v").Output()
	if err != nil {
		t.Fatal(err)
	}
	version := ""
	for _, f := range strings.Fields(string(out)) {
		if strings.HasPrefix(f, "Apache/") {
			version = f
		}
	}
	proxytest.Recorded(t, "apache2", version)
	return bin
}

// TestVirtualHostByPort: name-based virtual hosts are chosen among
// those whose address has the connection's port, then by ServerName
// (httpd core, "Name-based Virtual Host Support"). The usual pair, a
// host on one port that redirects to https and the same ServerName on
// the TLS port with the CORS lines, stands here as two loopback ports.
// Tried as a new user would, the model answered the second port from
// the first host.
func TestVirtualHostByPort(t *testing.T) {
	bin := httpd(t)
	upstream := proxytest.Upstream(t)
	plain, tls := proxytest.FreePort(t), proxytest.FreePort(t)
	dir := t.TempDir()
	conf := strings.NewReplacer("{{dir}}", dir, "{{port}}", strconv.Itoa(plain), "{{mods}}", mods).Replace(head) +
		fmt.Sprintf("Listen 127.0.0.1:%d\n", tls) +
		fmt.Sprintf("<VirtualHost *:%d>\n  ServerName api.test\n  Header always set X-Host plain\n  ProxyPass / http://127.0.0.1:%d/\n</VirtualHost>\n", plain, upstream) +
		fmt.Sprintf("<VirtualHost *:%d>\n  ServerName api.test\n  Header always set Access-Control-Allow-Origin \"https://app.test\"\n  Header always merge Vary Origin\n  RewriteEngine On\n  RewriteCond %%{REQUEST_METHOD} OPTIONS\n  RewriteRule ^ - [R=204,L]\n  ProxyPass / http://127.0.0.1:%d/\n</VirtualHost>\n", tls, upstream)
	path := filepath.Join(dir, "httpd.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	model, err := apache.Parse(conf)
	if err != nil {
		t.Fatalf("the reader rejects the pair: %v", err)
	}
	// httpd binds every Listen before it serves: one port answering says
	// both do.
	proxytest.Serve(t, exec.Command(bin, "-f", path, "-DFOREGROUND"), plain, syscall.SIGTERM)
	for _, port := range []int{plain, tls} {
		host := "api.test:" + strconv.Itoa(port)
		for _, method := range []string{"GET", "OPTIONS"} {
			req := policy.Request{Method: method, URL: "/items", Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}
			status, h := proxytest.Send(t, port, host, req, "200 none")
			full := req
			full.URL = "http://" + host + req.URL
			got := model.Respond(full, proxytest.Reply("200 none", "https://app.test"))
			if real, modelled := proxytest.Summary(status, h), proxytest.Summary(got.Reply.Status, proxytest.Header(got.Reply.Header)); real != modelled {
				t.Errorf("%s http://%s/items\napache: %s\nmodel:  %s\ntrace:  %s", method, host, real, modelled, got.Text())
			}
		}
	}
}

func TestDifferential(t *testing.T) {
	bin := httpd(t)

	upstream := proxytest.Upstream(t)
	port := proxytest.FreePort(t)
	dir := t.TempDir()
	// httpd's children run as nobody: the files they serve must be readable.
	os.Chmod(filepath.Dir(dir), 0o755)
	os.Chmod(dir, 0o755)
	if err := os.MkdirAll(filepath.Join(dir, "www", "api"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"www/f.txt", "www/api/f.txt", "www/font.woff2", "www/api/font.ttf", "www/f.css"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("file\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	seed := proxytest.Seed(20261203)
	rnd := rand.New(rand.NewSource(seed))
	const configs = 70
	var file strings.Builder
	file.WriteString(strings.NewReplacer("{{dir}}", dir, "{{port}}", strconv.Itoa(port), "{{mods}}", mods).Replace(head))
	var cases []proxytest.Case
	for i := 0; i < configs; i++ {
		b := vhost(rnd)
		fmt.Fprintf(&file, "<VirtualHost 127.0.0.1:%d>\n  ServerName c%d.test\n%s  ProxyPass / http://127.0.0.1:%d/\n</VirtualHost>\n", port, i, b, upstream)
		for k := 0; k < 4; k++ {
			c := proxytest.Case{Host: fmt.Sprintf("c%d.test", i), Site: b}
			c.Req, c.Up = request(rnd)
			cases = append(cases, c)
		}
	}
	// Written virtual hosts: convert --to apache's text for seeded random
	// neutral policies, each before a ProxyPass to the upstream.
	var written []proxytest.WrittenSite
	for i := 0; i < 50; i++ {
		w := proxytest.WrittenSite{Host: fmt.Sprintf("w%d.test", i), Policy: proxytest.Portable(rnd)}
		w.Text = apache.Write(w.Policy)
		for k := 0; k < 5; k++ {
			w.Fetches = append(w.Fetches, proxytest.RandomFetch(rnd))
		}
		fmt.Fprintf(&file, "<VirtualHost 127.0.0.1:%d>\n  ServerName %s\n%s  ProxyPass / http://127.0.0.1:%d/\n</VirtualHost>\n", port, w.Host, w.Text, upstream)
		written = append(written, w)
	}
	// Files from DocumentRoot, with <Directory> sections: the shorter
	// path merges first; a missing file's 404 is Apache's own.
	files := strings.ReplaceAll(filesSite, "{{dir}}", dir)
	fmt.Fprintf(&file, "<VirtualHost 127.0.0.1:%d>\n  ServerName files.test\n%s</VirtualHost>\n", port, files)
	for _, fr := range fileRequests {
		r := fr.req
		r.Header = r.Header.Clone()
		cases = append(cases, proxytest.Case{Host: "files.test", Site: files, Req: r, Up: fr.up})
	}
	fmt.Fprintf(&file, "<VirtualHost 127.0.0.1:%d>\n  ServerName proxyfiles.test\n%s  ProxyPass / http://127.0.0.1:%d/\n</VirtualHost>\n", port, proxiedFilesSite, upstream)
	for _, p := range []string{"/a.woff2", "/b.json", "/c.css"} {
		cases = append(cases, proxytest.Case{Host: "proxyfiles.test", Site: proxiedFilesSite, Up: "200 none",
			Req: policy.Request{Method: "GET", URL: p, Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}})
	}
	conf := filepath.Join(dir, "httpd.conf")
	if err := os.WriteFile(conf, []byte(file.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	model, err := apache.Parse(file.String())
	if err != nil {
		t.Fatalf("the reader rejects the generated configuration: %v", err)
	}
	cmd := exec.Command(bin, "-f", conf, "-DFOREGROUND")
	proxytest.Serve(t, cmd, port, syscall.SIGTERM)
	t.Logf("%d virtual hosts, seed %d", configs, seed)
	proxytest.Run(t, port, model, cases)
	t.Run("written", func(t *testing.T) { proxytest.RunWritten(t, port, written) })
}
