package probe_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/internal/nginxtest"
	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/formats/nginx"
	"github.com/whycors/whycors/engine/policy"
)

// nginxSite is an ordinary site's server, as a new user would paste it:
// rate and connection limits, the client's address from a proxy in
// front (ngx_http_realip_module), logging, timeouts, buffers, file
// caching and the settings of FastCGI, uwsgi and compression, none of
// which the reader read before (each was "unknown or unsupported
// directive"). /plain/ adds its CORS header without always, /always/
// with it and answers preflights with return 204; each has a zone of
// its own, one request a minute.
const nginxSite = `  limit_req_zone $binary_remote_addr zone=plain:1m rate=1r/m;
  limit_req_zone $binary_remote_addr zone=always:1m rate=1r/m;
  limit_conn_zone $binary_remote_addr zone=addr:1m;
  log_format site '$remote_addr $status';
  set_real_ip_from 10.0.0.0/8;
  real_ip_header X-Forwarded-For;
  real_ip_recursive on;
  variables_hash_max_size 2048;
  map_hash_bucket_size 128;
  server {
    listen 127.0.0.1:{{port}};
    client_header_timeout 10s;
    client_body_timeout 10s;
    send_timeout 10s;
    large_client_header_buffers 4 16k;
    keepalive_requests 100;
    reset_timedout_connection on;
    open_file_cache max=100 inactive=20s;
    open_file_cache_valid 30s;
    etag off;
    gzip_disable "msie6";
    gzip_http_version 1.1;
    limit_rate_after 1m;
    limit_rate 1m;
    limit_conn addr 10;
    limit_conn_status 503;
    location /plain/ {
      limit_req zone=plain;
      add_header Access-Control-Allow-Origin "https://app.test";
      fastcgi_hide_header X-Powered-By;
      uwsgi_read_timeout 30s;
      proxy_pass http://127.0.0.1:{{upstream}};
    }
    location /always/ {
      limit_req zone=always;
      limit_req_status 503;
      if ($request_method = OPTIONS) { return 204; }
      add_header Access-Control-Allow-Origin "https://app.test" always;
      sub_filter_types text/plain;
      proxy_pass http://127.0.0.1:{{upstream}};
    }
  }
`

// TestNginxRateLimit reads nginxSite and compares the model with
// Debian's nginx for requests within the limits, then checks the note
// the reader gives of the limits against what nginx does over them:
// the second request within the minute is answered 503, with the
// add_header line marked always and without the other, and a
// location's return 204 to a preflight runs before the limit (the
// rewrite phase before the preaccess phase), so it is never limited.
func TestNginxRateLimit(t *testing.T) {
	upstream := proxytest.Upstream(t)
	conf := strings.ReplaceAll(nginxSite, "{{upstream}}", strconv.Itoa(upstream))
	model, err := nginx.Parse(strings.ReplaceAll(conf, "{{port}}", "80"))
	if err != nil {
		t.Fatalf("the reader rejects an ordinary site: %v", err)
	}
	var note string
	for _, n := range model.Notes {
		if strings.Contains(n, "limit_req") || strings.Contains(n, "limit_conn") {
			note = n
		}
	}
	if !strings.Contains(note, "503") || !strings.Contains(note, "always") {
		t.Errorf("no note of the limits' 503 and add_header always: %q", model.Notes)
	}
	port := nginxtest.Start(t, nginxtest.Head+conf+"}\n", nil)
	host := "127.0.0.1:" + strconv.Itoa(port)
	send := func(method, path string) (string, string) {
		req := policy.Request{Method: method, URL: path}
		req.Header.Add("Origin", "https://app.test")
		status, h := proxytest.Send(t, port, host, req, "200 none")
		full := req
		full.URL = "http://" + host + path
		app := proxytest.Reply("200 none", "https://app.test")
		got := model.Respond(full, app)
		return proxytest.Summary(status, h), proxytest.Summary(got.Reply.Status, proxytest.Header(got.Reply.Header))
	}
	// Within the limits: the model is nginx.
	for _, line := range []string{"GET /plain/a", "GET /always/a", "OPTIONS /always/a"} {
		method, path, _ := strings.Cut(line, " ")
		if real, modelled := send(method, path); real != modelled {
			t.Errorf("%s\nnginx: %s\nmodel: %s", line, real, modelled)
		}
	}
	// Over them, as the note says.
	for _, c := range []struct{ line, want string }{
		{"GET /plain/b", `503`},
		{"GET /always/b", `503 Access-Control-Allow-Origin=["https://app.test"]`},
		{"OPTIONS /always/b", `204 Access-Control-Allow-Origin=["https://app.test"]`},
	} {
		method, path, _ := strings.Cut(c.line, " ")
		if real, _ := send(method, path); real != c.want {
			t.Errorf("%s over the limit: nginx answers %s, the note says %s", c.line, real, c.want)
		}
	}
}
