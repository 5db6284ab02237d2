package probe_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/internal/nginxtest"
	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/formats/nginx"
)

// nginxErrorPage is Laravel's documented server (its error_page 404
// /index.php, whose location passes to PHP-FPM, stood for by the
// upstream) with locations that answer nginx's own errors otherwise:
// an =status, = with a named location, a URL, a location's own
// error_page over the server's, and a preflight that the error page
// receives as a GET.
const nginxErrorPage = `  error_page 403 /http403;
  server {
    listen 127.0.0.1:{{port}};
    root {{root}};
    add_header X-Frame-Options "SAMEORIGIN";
    index index.php;
    location / {
      try_files $uri $uri/ /index.php?$query_string;
    }
    location = /favicon.ico { access_log off; log_not_found off; }
    error_page 404 /index.php;
    location ~ ^/index\.php(/|$) {
      add_header X-Loc php always;
      add_header Access-Control-Allow-Origin "https://app.test" always;
      proxy_pass http://127.0.0.1:{{upstream}};
    }
    location ~ /\.(?!well-known).* { deny all; }
    location /api/ {
      add_header X-Loc api always;
      return 404;
    }
    location /gone/ {
      error_page 410 =200 /ok.html;
      return 410;
    }
    location = /ok.html {
      add_header X-Loc ok always;
      return 200 "ok";
    }
    location /away/ {
      error_page 403 https://example.test/denied;
      deny all;
    }
    location /named/ {
      error_page 404 = @fallback;
      add_header X-Loc named always;
      return 404;
    }
    location @fallback {
      add_header X-Loc fallback always;
      add_header Access-Control-Allow-Origin "https://app.test" always;
      proxy_pass http://127.0.0.1:{{upstream}};
    }
    location /files/ {
      add_header X-Loc files always;
    }
    location /twice/ {
      error_page 404 =200 /denied;
      return 404;
    }
    location = /denied {
      add_header X-Loc denied always;
      add_header Access-Control-Allow-Origin "*";
      return 403;
    }
    location /lim/ {
      try_files $uri @limited;
    }
    location @limited {
      add_header X-Loc limited always;
      add_header Access-Control-Allow-Origin "*";
      limit_except GET { deny all; }
      proxy_pass http://127.0.0.1:{{upstream}};
    }
    location /cyc/ {
      error_page 500 =200 /ok.html;
      try_files $uri /cyc/x$uri;
    }
    location /same/ {
      add_header X-Loc same always;
      add_header Access-Control-Allow-Origin "*";
      error_page 405 =200 $uri;
    }
    location /rel/ {
      error_page 403 other.html;
      deny all;
    }
    location /moved/ {
      error_page 301 /ok.html;
      return 301 https://example.test/x;
    }
    location /int/ {
      internal;
      add_header X-Loc int always;
      return 200 "inside";
    }
    location /posted/ {
      add_header X-Loc posted always;
      error_page 405 =200 /ok.html;
      error_page 404 /index.php;
    }
  }
`

// TestNginxErrorPage compares the model of error_page with Debian's
// nginx: which location answers the status nginx gave, with which
// status, add_header lines and Location. Tried as a new user would,
// Laravel's documented server could not be read (error_page was
// refused).
func TestNginxErrorPage(t *testing.T) {
	upstream := proxytest.Upstream(t)
	root := t.TempDir()
	nginxFiles(t, root, "files/a.txt", "posted/a.txt", "same/f.txt")
	conf := strings.ReplaceAll(nginxErrorPage, "{{upstream}}", strconv.Itoa(upstream))
	model, err := nginx.Parse(strings.NewReplacer("{{port}}", "80", "{{root}}", "/srv").Replace(conf))
	if err != nil {
		t.Fatalf("the reader rejects Laravel's server: %v", err)
	}
	port := nginxtest.Start(t, nginxtest.Head+conf+"}\n", map[string]string{"{{root}}": root})
	compareNginx(t, model, port, []string{
		"GET /api/users", "OPTIONS /api/users", "PUT /api/users", "GET /users", "GET /favicon.ico 404", "GET /.env",
		"GET /gone/x", "POST /gone/x", "GET /away/x", "GET /named/x", "DELETE /named/x", "GET /files/a.txt", "GET /files/missing.txt 404",
		// A POST to a file: 405 when it is there, 404 when not, each
		// taken by its own error_page.
		"POST /posted/a.txt", "POST /posted/missing.txt 404",
		// An adversarial review's corners: an error of the page's own
		// keeps its status; a named location's limit_except; no page
		// after the redirects run out; $uri in the page's URI; a name
		// without "/" is a redirect; a redirect's status is taken too;
		// an internal location from outside; the http level's
		// error_page, which a server with lines of its own does not
		// take.
		"GET /twice/x", "OPTIONS /lim/x", "POST /lim/x", "GET /lim/x", "GET /cyc/a", "POST /same/f.txt", "GET /rel/x",
		"GET /moved/x", "GET /int/", "GET /.env",
	})
}
