package probe_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/internal/nginxtest"
	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/formats/nginx"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// TestNginxFixes: the fix of an nginx configuration is nginx's own text,
// and Debian's nginx, running it in front of an upstream, answers as the
// fix says: each real reply, explained as raw replies, lets the page's
// fetch through, an origin the configuration allowed before is still
// answered, and one it never allowed is not (nor given "*").
// Found as a new user would: both fixes were header lines to write, not
// a change of the file (and the second dropped the origin allowed
// before).
func TestNginxFixes(t *testing.T) {
	// Ports the model reads as numbers, replaced by the real ones.
	const head = "server {\n    listen 127.0.0.1:65001;\n    server_name api.test;\n"
	const loc = "    location /api/ {\n        proxy_pass http://127.0.0.1:65002;\n    }\n}\n"
	reg := policy.NewRegistry(all.Formats()...)
	for _, tc := range []struct {
		desc, conf    string
		req           explain.Request
		kept, refused string // origins another fetch keeps and never gets
		preflight     bool
	}{
		{desc: "a server with no CORS line: where \"add CORS to my proxy\" starts", conf: head + loc, preflight: true,
			req: explain.Request{Origin: "https://app.test", URL: "https://api.test/api/items",
				Init: fetch.Init{Method: "PUT", Headers: headers.List{{Name: "Content-Type", Value: "application/json"}}}},
			refused: "https://evil.test"},
		{desc: "a second origin for a fixed Access-Control-Allow-Origin: a map of both, echoed, with Vary: Origin",
			conf: head + "    add_header Access-Control-Allow-Origin \"https://app.test\" always;\n" + loc,
			req:  explain.Request{Origin: "https://admin.test", URL: "https://api.test/api/items"},
			kept: "https://app.test", refused: "https://evil.test"},
		{desc: "two origins in one Access-Control-Allow-Origin value, which no browser takes: a map of both, echoed",
			conf: head + "    add_header Access-Control-Allow-Origin \"https://app.test https://admin.test\" always;\n" + loc,
			req:  explain.Request{Origin: "https://admin.test", URL: "https://api.test/api/items"},
			kept: "https://app.test", refused: "https://evil.test"},
		// enable-cors.org's snippet: its if blocks answer OPTIONS, GET
		// and POST; a PUT enters none, so its reply has no CORS line
		// (a last look: the fix was replies to write). Its GET already
		// gives any origin "*": no origin to hold as refused.
		{desc: "enable-cors.org's if blocks and a PUT they do not take", preflight: true,
			conf: head + "    location /api/ {\n        if ($request_method = 'OPTIONS') {\n            add_header 'Access-Control-Allow-Origin' '*';\n            add_header 'Access-Control-Allow-Methods' 'GET, POST, OPTIONS';\n            add_header 'Access-Control-Allow-Headers' 'DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range';\n            add_header 'Access-Control-Max-Age' 1728000;\n            return 204;\n        }\n        if ($request_method = 'POST') {\n            add_header 'Access-Control-Allow-Origin' '*' always;\n        }\n        if ($request_method = 'GET') {\n            add_header 'Access-Control-Allow-Origin' '*' always;\n        }\n        proxy_pass http://127.0.0.1:65002;\n    }\n}\n",
			req: explain.Request{Origin: "https://app.test", URL: "https://api.test/api/items",
				Init: fetch.Init{Method: "PUT", Headers: headers.List{{Name: "Content-Type", Value: "application/json"}}}}},
		// The same with credentials: the credentials line goes beside
		// the new origin line, not into the OPTIONS block's (a second
		// look: the fix was replies to write).
		{desc: "an OPTIONS if block with credentials and a credentialed PUT it does not take", preflight: true,
			conf: head + "    location /api/ {\n        if ($request_method = OPTIONS) {\n            add_header Access-Control-Allow-Origin https://app.test;\n            add_header Access-Control-Allow-Methods \"GET, PUT\";\n            add_header Access-Control-Allow-Headers \"Content-Type\";\n            add_header Access-Control-Allow-Credentials true;\n            return 204;\n        }\n        proxy_pass http://127.0.0.1:65002;\n    }\n}\n",
			req: explain.Request{Origin: "https://app.test", URL: "https://api.test/api/items",
				Init: fetch.Init{Method: "PUT", Credentials: "include", Headers: headers.List{{Name: "Content-Type", Value: "application/json"}}}},
			refused: "https://evil.test"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			v, err := explain.Explain(explain.Scenario{Request: tc.req, Policy: &explain.Policy{Format: "nginx", Text: tc.conf}}, advise.Options(reg))
			if err != nil {
				t.Fatal(err)
			}
			if v.Allowed || len(v.Fixes) == 0 || v.Fixes[0].Format != "nginx" {
				t.Fatalf("allowed %v, fixes %+v: want a blocked fetch and an nginx fix", v.Allowed, v.Fixes)
			}
			fixed := strings.NewReplacer(":65001;", ":{{port}};", ":65002;", ":{{upstream}};").Replace(v.Fixes[0].Text)
			port := nginxtest.Start(t, nginxtest.Head+fixed+"}\n", map[string]string{"{{upstream}}": strconv.Itoa(proxytest.Upstream(t))})

			send := func(method, origin string, more ...headers.Field) (int, http.Header) {
				h := append(headers.List{{Name: "Origin", Value: origin}}, more...)
				return proxytest.Send(t, port, "api.test", policy.Request{Method: method, URL: "/api/items", Header: h}, "200 none")
			}
			method := tc.req.Init.Method
			if method == "" {
				method = "GET"
			}
			var text string
			if tc.preflight {
				st, h := send("OPTIONS", tc.req.Origin, headers.Field{Name: "Access-Control-Request-Method", Value: method},
					headers.Field{Name: "Access-Control-Request-Headers", Value: "content-type"})
				text = raw(st, h) + "\n"
			}
			st, h := send(method, tc.req.Origin, tc.req.Init.Headers...)
			text += raw(st, h)
			got, err := explain.Explain(explain.Scenario{Request: tc.req, Policy: &explain.Policy{Format: "raw", Text: text}}, advise.Options(reg))
			if err != nil {
				t.Fatal(err)
			}
			if !got.Allowed {
				t.Errorf("nginx with the fix:\n%s\nanswers\n%s\nwhich the browser blocks: %s", fixed, text, got.Summary)
			}
			if tc.kept != "" {
				if _, h := send("GET", tc.kept); h.Get("Access-Control-Allow-Origin") != tc.kept {
					t.Errorf("%s, allowed before the fix, gets %q", tc.kept, h.Values("Access-Control-Allow-Origin"))
				}
			}
			// Nothing widened: the origin never allowed is not named
			// (nor "*"), and the reply says it varies by Origin.
			if tc.refused != "" {
				if _, h := send("GET", tc.refused); h.Get("Access-Control-Allow-Origin") == tc.refused || h.Get("Access-Control-Allow-Origin") == "*" || !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
					t.Errorf("%s, never allowed, gets Access-Control-Allow-Origin %q and Vary %q: want it not allowed, and Vary: Origin", tc.refused, h.Values("Access-Control-Allow-Origin"), h.Values("Vary"))
				}
			}
		})
	}
}

// raw is a reply as raw reply text.
func raw(status int, h http.Header) string {
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " X\n")
	for k, vs := range h {
		for _, x := range vs {
			b.WriteString(k + ": " + x + "\n")
		}
	}
	return b.String()
}

// TestNginxServerSelection: with several server blocks on one port, the
// model answers each Host as Debian's nginx does: the block whose
// server_name is the host, a "*." name covering it, else the
// default_server (nginx.org/en/docs/http/request_processing.html). Each
// reply's status and Access-Control-Allow-Origin are compared.
func TestNginxServerSelection(t *testing.T) {
	const conf = `  server {
    listen 127.0.0.1:{{port}};
    server_name api.test;
    add_header Access-Control-Allow-Origin "https://app.test" always;
    location / { proxy_pass http://127.0.0.1:{{upstream}}; }
  }
  server {
    listen 127.0.0.1:{{port}};
    server_name *.cdn.test;
    add_header Access-Control-Allow-Origin "*" always;
    location / { return 200; }
  }
  server {
    listen 127.0.0.1:{{port}} default_server;
    server_name _;
    add_header X-Default yes always;
    return 404;
  }
  server {
    listen 127.0.0.1:{{port}};
    server_name late.test;
    return 301 https://late.test/;
  }
  server {
    listen 127.0.0.1:{{port}};
    server_name *.w.test;
    add_header Access-Control-Allow-Origin "https://w.test" always;
    return 200;
  }
  server {
    listen 127.0.0.1:{{port}};
    server_name *.x.w.test;
    return 210;
  }
  server {
    listen 127.0.0.1:{{port}};
    server_name www.r.test;
    add_header Access-Control-Allow-Origin "https://r.test" always;
    return 200;
  }
  server {
    listen 127.0.0.1:{{port}};
    server_name ~^api\.r\.test$;
    return 211;
  }
  server {
    listen 127.0.0.1:{{port}};
    server_name mail.*;
    return 212;
  }
  server {
    listen 127.0.0.1:{{port}};
    server_name .dot.test;
    return 213;
  }
}
`
	upstream := strconv.Itoa(proxytest.Upstream(t))
	port := nginxtest.Start(t, nginxtest.Head+conf, map[string]string{"{{upstream}}": upstream})
	model, err := nginx.Parse(strings.NewReplacer("{{port}}", strconv.Itoa(port), "{{upstream}}", upstream).Replace("http {\n" + conf))
	if err != nil {
		t.Fatal(err)
	}
	// The longest wildcard wins over the first (found by an adversarial
	// review), a regex comes after names, ".dot.test" covers itself.
	for _, host := range []string{"api.test", "img.cdn.test", "cdn.test", "other.test", "late.test", "a.x.w.test", "b.w.test", "api.r.test", "www.r.test", "mail.q.test", "dot.test", "a.dot.test"} {
		req := policy.Request{Method: "GET", URL: "/x", Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}
		st, h := proxytest.Send(t, port, host, req, "200 none")
		req.URL = "http://" + host + ":" + strconv.Itoa(port) + "/x"
		out := model.Respond(req, proxytest.Reply("200 none", "https://app.test"))
		want, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
		if out.Reply.Status != st || h.Get("Access-Control-Allow-Origin") != want {
			t.Errorf("Host %s: nginx %d %q, model %d %q", host, st, h.Get("Access-Control-Allow-Origin"), out.Reply.Status, want)
		}
	}
}

// TestNginxAccessPhase: auth_basic, deny all and limit_except answer as
// Debian's nginx answers them: in the access phase, after a location's
// return (which wins), limit_except before it; auth_basic's 401 to a
// request without credentials, a preflight always (it carries none),
// with only the always headers; a nested location's auth_basic off.
// Found as a new user would: each was an input error ("not supported"),
// though auth_basic is a classic cause of a 401 preflight. A level's
// first access rule decides and a level with rules inherits none, and
// satisfy any lets in what one check passes (found by an adversarial
// review: allow all; deny all; was a 403, satisfy was not read).
func TestNginxAccessPhase(t *testing.T) {
	const conf = `  server {
    listen 127.0.0.1:{{port}};
    server_name api.test;
    add_header Access-Control-Allow-Origin "https://app.test" always;
    location /a/ { auth_basic "a"; auth_basic_user_file {{htpasswd}}; proxy_pass http://127.0.0.1:{{upstream}}; }
    location /b/ { auth_basic "b"; auth_basic_user_file {{htpasswd}}; if ($request_method = OPTIONS) { return 204; } proxy_pass http://127.0.0.1:{{upstream}}; }
    location /c/ { limit_except GET POST { deny all; } proxy_pass http://127.0.0.1:{{upstream}}; }
    location /c2/ { limit_except GET { deny all; } return 200 "c2"; }
    location /d/ { deny all; proxy_pass http://127.0.0.1:{{upstream}}; }
    location /d2/ { deny all; return 200 "d2"; }
    location /e/ { auth_basic "e"; auth_basic_user_file {{htpasswd}}; proxy_pass http://127.0.0.1:{{upstream}};
      location /e/n/ { auth_basic off; proxy_pass http://127.0.0.1:{{upstream}}; }
    }
    location /f/ { add_header X-F 1; auth_basic "f"; auth_basic_user_file {{htpasswd}}; proxy_pass http://127.0.0.1:{{upstream}}; }
    location /g/ { allow all; deny all; proxy_pass http://127.0.0.1:{{upstream}}; }
    location /h/ { deny all; proxy_pass http://127.0.0.1:{{upstream}};
      location /h/n/ { allow all; proxy_pass http://127.0.0.1:{{upstream}}; }
    }
    location /s/ { satisfy any; allow all; auth_basic "s"; auth_basic_user_file {{htpasswd}}; proxy_pass http://127.0.0.1:{{upstream}}; }
    location /s2/ { satisfy any; deny all; auth_basic "s2"; auth_basic_user_file {{htpasswd}}; proxy_pass http://127.0.0.1:{{upstream}}; }
    location /s3/ { satisfy any; deny all; proxy_pass http://127.0.0.1:{{upstream}}; }
    location /l/ { satisfy any; auth_basic "l"; auth_basic_user_file {{htpasswd}}; limit_except GET { deny all; } proxy_pass http://127.0.0.1:{{upstream}}; }
    location /s4/ { satisfy any; auth_basic "s4"; auth_basic_user_file {{htpasswd}}; proxy_pass http://127.0.0.1:{{upstream}}; }
  }
}
`
	upstream := strconv.Itoa(proxytest.Upstream(t))
	// {PLAIN} passwords (ngx_http_auth_basic_module): the request with
	// Authorization below passes, as the model takes it to.
	htpasswd := filepath.Join(t.TempDir(), "htpasswd")
	if err := os.WriteFile(htpasswd, []byte("u:{PLAIN}p\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	port := nginxtest.Start(t, nginxtest.Head+conf, map[string]string{"{{upstream}}": upstream, "{{htpasswd}}": htpasswd})
	model, err := nginx.Parse(strings.NewReplacer("{{port}}", strconv.Itoa(port), "{{upstream}}", upstream, "{{htpasswd}}", htpasswd).Replace("http {\n" + conf))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/a/x", "/b/x", "/c/x", "/c2/x", "/d/x", "/d2/x", "/e/x", "/e/n/x", "/f/x", "/g/x", "/h/x", "/h/n/x", "/s/x", "/s2/x", "/s3/x", "/s4/x", "/l/x"} {
		for _, tc := range []struct {
			method string
			hdr    headers.List
		}{
			{"OPTIONS", headers.List{{Name: "Access-Control-Request-Method", Value: "PUT"}}},
			{"GET", nil},
			{"PUT", nil},
			{"GET", headers.List{{Name: "Authorization", Value: "Basic dTpw"}}}, // u:p
		} {
			h := append(headers.List{{Name: "Origin", Value: "https://app.test"}}, tc.hdr...)
			req := policy.Request{Method: tc.method, URL: path, Header: h}
			st, got := proxytest.Send(t, port, "api.test", req, "200 none")
			req.URL = "http://api.test:" + strconv.Itoa(port) + path
			out := model.Respond(req, proxytest.Reply("200 none", "https://app.test"))
			want, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
			wantAuth, _ := out.Reply.Header.Get("WWW-Authenticate")
			if out.Reply.Status != st || got.Get("Access-Control-Allow-Origin") != want || got.Get("WWW-Authenticate") != wantAuth {
				t.Errorf("%s %s %v: nginx %d %q %q, model %d %q %q (%s)", tc.method, path, tc.hdr, st, got.Get("Access-Control-Allow-Origin"), got.Get("WWW-Authenticate"),
					out.Reply.Status, want, wantAuth, out.Text())
			}
		}
	}
}
