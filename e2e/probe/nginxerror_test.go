package probe_test

import (
	"os"
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

// nginxErrorPage is Laravel's documented server (its error_page 404
// /index.php, whose location passes to PHP-FPM, stood for by the
// upstream) with locations that answer nginx's own errors otherwise:
// an =status, = with a named location, a URL, a location's own
// error_page over the server's, and a preflight that the error page
// receives as a GET.
const nginxErrorPage = `  server {
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
	for _, f := range []string{"files/a.txt", "posted/a.txt"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, f), []byte("file\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	conf := strings.ReplaceAll(nginxErrorPage, "{{upstream}}", strconv.Itoa(upstream))
	model, err := nginx.Parse(strings.NewReplacer("{{port}}", "80", "{{root}}", "/srv").Replace(conf))
	if err != nil {
		t.Fatalf("the reader rejects Laravel's server: %v", err)
	}
	port := nginxtest.Start(t, nginxtest.Head+conf+"}\n", map[string]string{"{{root}}": root})
	host := "127.0.0.1:" + strconv.Itoa(port)
	for _, entry := range []string{
		"GET /api/users", "OPTIONS /api/users", "PUT /api/users", "GET /users", "GET /favicon.ico 404", "GET /.env",
		"GET /gone/x", "POST /gone/x", "GET /away/x", "GET /named/x", "DELETE /named/x", "GET /files/a.txt", "GET /files/missing.txt 404",
		// A POST to a file: 405 when it is there, 404 when not, each
		// taken by its own error_page.
		"POST /posted/a.txt", "POST /posted/missing.txt 404",
	} {
		line, missing := strings.CutSuffix(entry, " 404")
		up := "200 none"
		if missing {
			// Served from files, and missing: the reply the model is
			// given stands for the file's (TestNginxStaticFile).
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
