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
# BEGIN WordPress
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
`,
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
}

// htaccessFiles are the files each site's DocumentRoot holds: those the
// model takes to exist (a last segment with an extension) among the
// paths asked.
var htaccessFiles = []string{"index.php", "d.php", "style.css", "app.css", "wp-content/uploads/a.jpg"}

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
}

// TestHtaccess: .htaccess files in DocumentRoot (AllowOverride All),
// .php handed to the test's upstream as Debian's php-fpm configuration
// hands it to PHP (SetHandler "proxy:..."), each reply compared with the
// model's of the .htaccess's text alone, as a user pastes it.
func TestHtaccess(t *testing.T) {
	bin := httpd(t)
	upstream := proxytest.Upstream(t)
	port := proxytest.FreePort(t)
	dir := t.TempDir()
	os.Chmod(filepath.Dir(dir), 0o755)
	os.Chmod(dir, 0o755)
	var conf strings.Builder
	conf.WriteString(strings.NewReplacer("{{dir}}", dir, "{{port}}", strconv.Itoa(port), "{{mods}}", mods).Replace(head))
	fmt.Fprintf(&conf, "LoadModule dir_module %s/mod_dir.so\nDirectoryIndex index.php index.html\n", mods)
	fmt.Fprintf(&conf, "<FilesMatch \"\\.php$\">\n  SetHandler \"proxy:http://127.0.0.1:%d\"\n</FilesMatch>\n", upstream)
	models := map[string]*apache.Config{}
	for host, text := range htaccessSites {
		root := filepath.Join(dir, host)
		for _, f := range append(htaccessFiles, ".htaccess") {
			p := filepath.Join(root, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			body := "file\n"
			if f == ".htaccess" {
				body = text
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
	proxytest.Serve(t, exec.Command(bin, "-f", path, "-DFOREGROUND"), port, syscall.SIGTERM)
	for _, c := range htaccessRequests {
		req := policy.Request{Method: c.method, URL: c.path, Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}
		for i := 0; i+1 < len(c.hdr); i += 2 {
			req.Header.Add(c.hdr[i], c.hdr[i+1])
		}
		status, h := proxytest.Send(t, port, c.host, req, c.up)
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
