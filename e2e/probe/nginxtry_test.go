package probe_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/internal/nginxtest"
	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/formats/nginx"
)

// nginxTryFiles is the shape of a PHP framework's site (Laravel's
// documented location / with try_files to index.php, its CORS lines
// there), a single-page application's fallback to its index.html, a
// named location for an application, a files location whose missing
// file is a 404, and Laravel's location that hides dotfiles but
// .well-known (a negative lookahead, which the reader refused). The
// upstream stands for PHP-FPM.
const nginxTryFiles = `  server {
    listen 127.0.0.1:{{port}};
    root {{root}};
    location / {
      add_header Access-Control-Allow-Origin "https://app.test" always;
      add_header X-Loc root always;
      try_files $uri $uri/ /index.php?$query_string;
    }
    location ~ \.php$ {
      add_header X-Loc php always;
      proxy_pass http://127.0.0.1:{{upstream}};
    }
    location /spa/ {
      add_header X-Loc spa always;
      add_header Access-Control-Allow-Origin "*";
      try_files $uri /spa/index.html;
    }
    location /named/ {
      add_header X-Loc named always;
      try_files $uri @backend;
    }
    location @backend {
      add_header X-Loc backend always;
      add_header Access-Control-Allow-Origin "https://app.test" always;
      proxy_pass http://127.0.0.1:{{upstream}};
    }
    location ~ /\.(?!well-known).* {
      add_header X-Loc dotfiles always;
      deny all;
    }
    location /when/ {
      add_header X-Loc when always;
      try_files $uri @backend;
      if ($http_origin) { add_header X-Loc when-if always; }
    }
    location /pages/ {
      add_header X-Loc pages always;
      try_files /maintenance.html $uri.html $uri/index.html $uri @backend;
    }
    location /locked/ {
      add_header X-Loc locked-outer always;
      try_files $uri @locked;
    }
    location @locked {
      add_header X-Loc locked always;
      deny all;
      proxy_pass http://127.0.0.1:{{upstream}};
    }
    location /esc/ {
      add_header X-Loc esc always;
      try_files $uri /to$uri;
    }
    location /to/esc/a/ {
      add_header X-Loc to-slash always;
      return 200;
    }
    location /to/ {
      add_header X-Loc to always;
      return 200;
    }
    location /cycle/ {
      add_header X-Loc cycle always;
      try_files $uri /cycle/again;
    }
    location /static/ {
      add_header X-Loc static always;
      add_header Access-Control-Allow-Origin "*" always;
      try_files $uri =404;
    }
  }
`

// TestNginxTryFiles compares the model of try_files with Debian's nginx.
// The root holds the files whose names have an extension, and no file
// for a path without one, as the model takes it (it cannot see the
// disk): each request's status, Access-Control-* lines, Vary and X-Loc
// (which location's add_header applied) must be nginx's. Tried as a new
// user would, try_files was passed over: /api/users was answered by
// location /'s add_header, where nginx passes it to the PHP location,
// which has none.
func TestNginxTryFiles(t *testing.T) {
	upstream := proxytest.Upstream(t)
	root := t.TempDir()
	nginxFiles(t, root, "app.js", "spa/index.html", "spa/main.css", "named/x.png", "static/font.woff2", ".well-known/x.txt", ".env")
	conf := strings.ReplaceAll(nginxTryFiles, "{{upstream}}", strconv.Itoa(upstream))
	model, err := nginx.Parse(strings.NewReplacer("{{port}}", "80", "{{root}}", "/srv").Replace(conf))
	if err != nil {
		t.Fatalf("the reader rejects the site: %v", err)
	}
	port := nginxtest.Start(t, nginxtest.Head+conf+"}\n", map[string]string{"{{root}}": root})
	compareNginx(t, model, port, []string{
		"GET /api/users", "GET /api/users?page=2", "PUT /api/users", "OPTIONS /api/users", "GET /app.js", "POST /app.js",
		"GET /spa/route/deep", "GET /spa/main.css", "OPTIONS /spa/route",
		"GET /named/thing", "OPTIONS /named/thing", "GET /named/x.png",
		"GET /static/font.woff2", "GET /static/missing", "OPTIONS /static/missing",
		"GET /.env", "GET /.well-known/x.txt", "GET /static/.hidden",
		// An adversarial review's corners: an if block has no
		// try_files of its location's; only $uri is judged by its name;
		// a named location's access phase runs; the redirect's URI is
		// not decoded again; a redirect to the same location repeats
		// until nginx's 500.
		"GET /when/users 404", "GET /pages/users", "GET /locked/users", "GET /esc/a%252Fb", "GET /cycle/x",
	})
}
