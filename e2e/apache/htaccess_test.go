package apache_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/formats/apache"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// htaccessSites are .htaccess files in the shapes PHP applications ship
// them, each with the CORS lines their users add (tried as a new user
// would: WordPress's and Laravel's were refused at RewriteBase, -f and
// the rewrite to index.php). The keys are the sites' host names.
var htaccessSites = map[string]string{
	// WordPress's permalinks block, after the CORS lines a REST API
	// tutorial adds.
	"wp.test": `<IfModule mod_headers.c>
    Header set Access-Control-Allow-Origin "https://app.test"
    Header always add Access-Control-Allow-Methods "GET, POST, OPTIONS"
    Header always set Access-Control-Allow-Headers "Content-Type, Authorization"
</IfModule>
` + bareWordPress,
	// Laravel's public/.htaccess, with the answer to OPTIONS that Q&A
	// threads put first, and a trailing slash's 301.
	"lv.test": `Header always set Access-Control-Allow-Origin "https://app.test"
Header always set Access-Control-Allow-Methods "GET, POST, PUT, DELETE, OPTIONS"
Header merge Vary Origin
<IfModule mod_rewrite.c>
    <IfModule mod_negotiation.c>
        Options -MultiViews -Indexes
    </IfModule>
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} OPTIONS
    RewriteRule ^(.*)$ $1 [R=200,L]
    RewriteCond %{HTTP:Authorization} .
    RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]
    RewriteCond %{REQUEST_FILENAME} !-d
    RewriteCond %{REQUEST_URI} (.+)/$
    RewriteRule ^ %1 [L,R=301]
    RewriteCond %{REQUEST_FILENAME} !-d
    RewriteCond %{REQUEST_FILENAME} !-f
    RewriteRule ^ index.php [L]
</IfModule>
`,
	// Variables across the internal redirect (REDIRECT_NAME), E=, a
	// relative rewrite with a query, a redirect, END and a loop.
	"ev.test": `SetEnvIf Origin "^https://(app|admin)\.test$" OK_ORIGIN=$0
Header always set Access-Control-Allow-Origin %{OK_ORIGIN}e env=OK_ORIGIN
Header always set Access-Control-Allow-Credentials true env=REDIRECT_API
Header always set Access-Control-Max-Age 60 env=API
Header always set Access-Control-Expose-Headers X-Seen env=REDIRECT_OK_ORIGIN
Header add Vary Origin
Header always add Access-Control-Allow-Headers X-A
RewriteEngine On
RewriteRule ^api/ - [E=API:1]
RewriteRule ^index\.php$ - [L]
RewriteRule ^api/(.*)$ index.php?r=$1 [QSA,L]
RewriteRule ^old/(.*)$ /new/$1 [R=302,L]
RewriteRule ^end$ d.php [END]
RewriteRule ^d\.php$ - [F]
RewriteRule ^a$ b [L]
RewriteRule ^b$ a [L]
`,
	// CodeIgniter's: the rest of the path is index.php's PATH_INFO; the
	// lines for a server without mod_rewrite are not read.
	"ci.test": `Header always set Access-Control-Allow-Origin "https://app.test"
<IfModule mod_rewrite.c>
    RewriteEngine On
    RewriteCond %{REQUEST_FILENAME} !-f
    RewriteCond %{REQUEST_FILENAME} !-d
    RewriteRule ^(.*)$ index.php/$1 [L]
</IfModule>
<IfModule !mod_rewrite.c>
    ErrorDocument 404 /index.php
</IfModule>
`,
	// A single-page application's fallback (Vue's and React's guides):
	// its files are Apache's to serve, index.html too.
	"spa.test": `Header always set Access-Control-Allow-Origin "*"
Header always set Access-Control-Allow-Headers "X-Token"
<IfModule mod_rewrite.c>
  RewriteEngine On
  RewriteBase /
  RewriteRule ^index\.html$ - [L]
  RewriteCond %{REQUEST_FILENAME} !-f
  RewriteCond %{REQUEST_FILENAME} !-d
  RewriteRule . /index.html [L]
</IfModule>
`,
	// The "remove index.php" snippet before CodeIgniter's rules: the
	// request line as sent (THE_REQUEST) and the rewritten query.
	"ri.test": `RewriteEngine On
Header always set Access-Control-Allow-Origin "https://app.test"
RewriteCond %{THE_REQUEST} ^[A-Z]{3,}\s/+index\.php [NC]
RewriteRule ^index\.php(.*)$ /$1 [R=301,L]
RewriteCond %{QUERY_STRING} ^url=blocked
RewriteRule ^index\.php$ - [F]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{REQUEST_FILENAME} !-d
RewriteRule ^(.*)$ index.php?url=$1 [QSA,L]
`,
	// QSD drops the request's query and keeps the substitution's (a
	// second look).
	"qs.test": `RewriteEngine On
RewriteBase /
Header always set Access-Control-Allow-Origin "*"
RewriteCond %{QUERY_STRING} ^p=
RewriteRule ^index\.php$ - [F]
RewriteRule ^page/(.*)$ index.php?p=$1 [QSD,L]
RewriteRule ^all/(.*)$ index.php? [QSA,L]
`,
	// Symfony's test of a rewritten request, mod_rewrite's own header
	// names (HTTP_ORIGIN is none of them: empty), and %{HTTP:Origin}.
	"sy.test": `RewriteEngine On
RewriteBase /
RewriteCond %{HTTP_ORIGIN} ^(https://app\.test)$
RewriteRule .* - [E=CO:%1]
Header always set Access-Control-Allow-Origin %{CO}e env=CO
RewriteCond %{HTTP:Origin} ^(https://app\.test)$
RewriteRule .* - [E=CO2:%1]
Header always set Access-Control-Expose-Headers %{CO2}e env=CO2
RewriteCond %{ENV:REDIRECT_STATUS} ^$
RewriteRule ^index\.php(?:/(.*)|$) /$1 [R=301,L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteRule ^ index.php [L]
`,
}

// bareWordPress is WordPress's .htaccess before any CORS line: the site
// "fix.test" runs the fix whycors gives it for a preflighted PUT,
// applied as given (tried as a new user would: the fix was replies to
// write, which Apache cannot be given).
const bareWordPress = `# BEGIN WordPress
<IfModule mod_rewrite.c>
RewriteEngine On
RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]
RewriteBase /
RewriteRule ^index\.php$ - [L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{REQUEST_FILENAME} !-d
RewriteRule . /index.php [L]
</IfModule>
# END WordPress
`

// fixed is the text of the fix whycors gives bareWordPress for a PUT of
// JSON from https://app.test with the credentials mode given, the
// application answering as up says.
func fixed(t *testing.T, credentials, up string) string {
	t.Helper()
	s, err := explain.Decode([]byte(`{"request": {"origin": "https://app.test", "url": "https://fix.test/wp-json/wp/v2/posts/1", "method": "PUT", "credentials": "` + credentials + `", "headers": [["Content-Type", "application/json"]]}, "response": ` + upJSON(up) + `, "policy": {"format": "apache", "text": ` + strconv.Quote(bareWordPress) + `}}`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := explain.Explain(s, advise.Options(all.Registry()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range v.Fixes {
		if f.Format == "apache" {
			return f.Text
		}
	}
	t.Fatalf("no fix of the .htaccess for a blocked PUT: %+v", v.Fixes)
	return ""
}

// upJSON is the application's reply up ("200 echo") as a scenario's.
func upJSON(up string) string {
	r := proxytest.Reply(up, "https://app.test")
	var b strings.Builder
	fmt.Fprintf(&b, `{"status": %d, "headers": [`, r.Status)
	for i, f := range r.Header {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "[%q, %q]", f.Name, f.Value)
	}
	b.WriteString("]}")
	return b.String()
}

// htaccessFiles are the files each site's DocumentRoot holds: those the
// model takes to exist (a last segment with an extension) among the
// paths asked.
var htaccessFiles = []string{"index.php", "d.php", "style.css", "app.css", "wp-content/uploads/a.jpg", "index.html", "config.json"}

type htReq struct {
	host, method, path, up string
	hdr                    []string // name, value pairs beside Origin https://app.test
}

var htaccessRequests = []htReq{
	{"wp.test", "GET", "/wp-json/wp/v2/posts", "200 none", nil},
	{"wp.test", "OPTIONS", "/wp-json/wp/v2/posts", "200 none", []string{"Access-Control-Request-Method", "PUT"}},
	{"wp.test", "OPTIONS", "/wp-json/wp/v2/posts", "404 none", []string{"Access-Control-Request-Method", "PUT"}},
	{"wp.test", "GET", "/wp-json/wp/v2/private", "401 none", []string{"Authorization", "Bearer t"}},
	{"wp.test", "GET", "/wp-content/uploads/a.jpg", "200 none", nil},
	{"wp.test", "GET", "/index.php", "500 star", nil},
	{"wp.test", "GET", "/", "200 none", nil},
	{"wp.test", "POST", "/style.css", "200 none", nil},
	{"lv.test", "GET", "/api/items", "200 none", nil},
	{"lv.test", "OPTIONS", "/api/items", "404 none", []string{"Access-Control-Request-Method", "PUT"}},
	{"lv.test", "GET", "/api/items/", "200 none", nil},
	{"lv.test", "PUT", "/api/items/", "200 none", nil},
	{"lv.test", "GET", "/app.css", "200 none", nil},
	{"lv.test", "GET", "/api/private", "401 echo", []string{"Authorization", "Bearer t"}},
	{"lv.test", "GET", "/", "200 none", nil},
	{"ev.test", "GET", "/api/items", "200 none", nil},
	{"ev.test", "GET", "/api/items", "500 none", nil},
	{"ev.test", "GET", "/old/x", "200 none", nil},
	{"ev.test", "GET", "/index.php", "200 none", nil},
	{"ev.test", "GET", "/end", "200 none", nil},
	{"ev.test", "GET", "/d.php", "200 none", nil},
	{"ev.test", "GET", "/a", "200 none", nil},
	{"lv.test", "GET", "/api/items/?page=2", "200 none", nil},
	{"lv.test", "GET", "/api/private", "401 star", []string{"Authorization", "Bearer t"}},
	{"ci.test", "GET", "/api/items", "200 none", nil},
	{"ci.test", "OPTIONS", "/api/items", "404 none", []string{"Access-Control-Request-Method", "PUT"}},
	{"ci.test", "GET", "/app.css", "200 none", nil},
	{"spa.test", "OPTIONS", "/config.json", "404 none", []string{"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-token"}},
	{"spa.test", "GET", "/config.json", "404 none", nil},
	{"spa.test", "PUT", "/config.json", "200 none", nil},
	{"spa.test", "GET", "/route/x", "404 none", nil},
	{"spa.test", "OPTIONS", "/route/x", "404 none", []string{"Access-Control-Request-Method", "GET"}},
	{"spa.test", "DELETE", "/route/x", "200 none", nil},
	{"sy.test", "GET", "/api/items", "200 none", nil},
	{"sy.test", "GET", "/index.php/x", "200 none", nil},
	{"sy.test", "GET", "/style.css", "200 none", nil},
	{"ri.test", "OPTIONS", "/api/items", "204 none", []string{"Access-Control-Request-Method", "PUT"}},
	{"ri.test", "GET", "/index.php/api/items", "200 none", nil},
	{"ri.test", "GET", "/blocked/x?a=1", "200 none", nil},
	{"wp.test", "PUT", "/wp-json/my/v1.2/items", "200 star", nil},
	{"spa.test", "OPTIONS", "/nothing", "404 none", []string{"Access-Control-Request-Method", "GET"}},
	{"spa.test", "PATCH", "/nothing", "404 none", nil},
	{"qs.test", "GET", "/page/x?z=1", "200 none", nil},
	{"qs.test", "GET", "/all/x?z=1", "200 none", nil},
	{"spa.test", "PURGE", "/config.json", "200 none", nil},
	// The fix, applied: the preflight and the PUT pass in apache2.
	{"fix.test", "OPTIONS", "/wp-json/wp/v2/posts/1", "404 none", []string{"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type"}},
	{"fix.test", "PUT", "/wp-json/wp/v2/posts/1", "200 star", []string{"Content-Type", "application/json"}},
	{"fixc.test", "OPTIONS", "/wp-json/wp/v2/posts/1", "404 none", []string{"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type"}},
	{"fixc.test", "PUT", "/wp-json/wp/v2/posts/1", "200 echo", []string{"Content-Type", "application/json"}},
}

// TestHtaccess: .htaccess files in DocumentRoot (AllowOverride All),
// .php run by Debian's PHP through mod_php (libapache2-mod-php, which
// Debian installs for "apt install php" beside apache2; testdata/app.php
// answers as X-Up says), each reply compared with the model's of the
// .htaccess's text alone, as a user pastes it.
func TestHtaccess(t *testing.T) {
	bin := httpd(t)
	php, _ := filepath.Glob(mods + "/libphp*.so")
	if len(php) == 0 {
		proxytest.Missing(t, "no mod_php found; apt-get install libapache2-mod-php")
	}
	if out, err := exec.Command("php", "-v").Output(); err == nil {
		t.Logf("%s", strings.SplitN(string(out), "\n", 2)[0])
	}
	app, err := os.ReadFile(filepath.Join("testdata", "app.php"))
	if err != nil {
		t.Fatal(err)
	}
	port := proxytest.FreePort(t)
	dir := t.TempDir()
	os.Chmod(filepath.Dir(dir), 0o755)
	os.Chmod(dir, 0o755)
	var conf strings.Builder
	// mod_php runs under the prefork MPM only.
	conf.WriteString(strings.Replace(strings.NewReplacer("{{dir}}", dir, "{{port}}", strconv.Itoa(port), "{{mods}}", mods).Replace(head),
		"mpm_event_module "+mods+"/mod_mpm_event.so", "mpm_prefork_module "+mods+"/mod_mpm_prefork.so", 1))
	fmt.Fprintf(&conf, "LoadModule dir_module %s/mod_dir.so\nDirectoryIndex index.php index.html\nLoadModule php_module %s\n", mods, php[0])
	conf.WriteString("<FilesMatch \"\\.php$\">\n  SetHandler application/x-httpd-php\n</FilesMatch>\n")
	models := map[string]*apache.Config{}
	// WordPress's REST API sends its own credentials line ("200
	// echo"): the fix must not make it two (a last look).
	sites := map[string]string{"fix.test": fixed(t, "same-origin", "200 none"), "fixc.test": fixed(t, "include", "200 echo")}
	for host, text := range htaccessSites {
		sites[host] = text
	}
	for host, text := range sites {
		root := filepath.Join(dir, host)
		for _, f := range append(htaccessFiles, ".htaccess") {
			p := filepath.Join(root, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			body := "file\n"
			switch {
			case f == ".htaccess":
				body = text
			case strings.HasSuffix(f, ".php"):
				body = string(app)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		fmt.Fprintf(&conf, "<VirtualHost 127.0.0.1:%d>\n  ServerName %s\n  DocumentRoot %s\n  <Directory %s>\n    AllowOverride All\n  </Directory>\n</VirtualHost>\n", port, host, root, root)
		m, err := apache.Parse(text)
		if err != nil {
			t.Fatalf("%s: the reader refuses the .htaccess: %v", host, err)
		}
		models[host] = m
	}
	path := filepath.Join(dir, "httpd.conf")
	if err := os.WriteFile(path, []byte(conf.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-f", path, "-DFOREGROUND")
	// The prefork MPM's parent signals its whole process group as it
	// stops (unixd_killpg): a group of its own, or it stops the test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	proxytest.Serve(t, cmd, port, syscall.SIGTERM)
	for _, c := range htaccessRequests {
		req := policy.Request{Method: c.method, URL: c.path, Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}
		for i := 0; i+1 < len(c.hdr); i += 2 {
			req.Header.Add(c.hdr[i], c.hdr[i+1])
		}
		status, h := proxytest.Send(t, port, c.host, req, c.up)
		acao, acac := h.Values("Access-Control-Allow-Origin"), h.Values("Access-Control-Allow-Credentials")
		if strings.HasPrefix(c.host, "fix") && (status >= 300 || len(acao) != 1 || acao[0] != "https://app.test" || c.host == "fixc.test" && (len(acac) != 1 || acac[0] != "true")) {
			t.Errorf("%s %s with the fix applied: apache2 answered %d with Access-Control-Allow-Origin %q and -Credentials %q, which the browser blocks\n%s", c.method, c.path, status, acao, acac, sites[c.host])
		}
		full := req
		full.URL = "http://" + c.host + c.path
		got := models[c.host].Respond(full, proxytest.Reply(c.up, "https://app.test"))
		real := proxytest.Summary(status, h) + " Location=" + h.Get("Location")
		loc, _ := got.Reply.Header.Get("Location")
		modelled := proxytest.Summary(got.Reply.Status, proxytest.Header(got.Reply.Header)) + " Location=" + loc
		if real != modelled {
			t.Errorf("%s %s %s (upstream %s)\napache: %s\nmodel:  %s\ntrace:  %s", c.method, c.host, c.path, c.up, real, modelled, got.Text())
		}
	}
}
