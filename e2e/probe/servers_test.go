package probe_test

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/cors"

	"github.com/whycors/whycors/e2e/internal/nginxtest"
)

// nginxConf is the configuration the test gives Debian's nginx, with CORS
// set up the ways people set it up (the add_header directives of the nginx
// documentation, https://nginx.org/en/docs/http/ngx_http_headers_module.html):
//
//   - /good/: preflight answered in an `if ($request_method = OPTIONS)`
//     block with `return 204`, every header with `always`.
//   - /noalways/: the same without `always`, and the application answers
//     500: nginx adds headers without `always` only to 200, 201, 204, 206,
//     301, 302, 303, 304, 307 and 308, so the 500 has no
//     Access-Control-Allow-Origin.
//   - /wrong/: Access-Control-Allow-Origin names another origin.
//   - /plain/: no CORS at all.
const nginxConf = nginxtest.Head + `  server {
    listen 127.0.0.1:{{port}};
    location /good/ {
      if ($request_method = OPTIONS) {
        add_header Access-Control-Allow-Origin "http://app.test" always;
        add_header Access-Control-Allow-Methods "GET, PUT, DELETE" always;
        add_header Access-Control-Allow-Headers "Content-Type, X-Api-Key" always;
        add_header Access-Control-Allow-Credentials "true" always;
        add_header Access-Control-Max-Age 600 always;
        return 204;
      }
      add_header Access-Control-Allow-Origin "http://app.test" always;
      add_header Access-Control-Allow-Credentials "true" always;
      add_header Access-Control-Expose-Headers "X-Request-Id" always;
      add_header X-Request-Id "r-1" always;
      return 200 "ok\n";
    }
    location /noalways/ {
      if ($request_method = OPTIONS) {
        add_header Access-Control-Allow-Origin "http://app.test";
        add_header Access-Control-Allow-Methods "GET, PUT";
        add_header Access-Control-Allow-Headers "Content-Type";
        return 204;
      }
      add_header Access-Control-Allow-Origin "http://app.test";
      return 500 "boom\n";
    }
    location /wrong/ {
      if ($request_method = OPTIONS) {
        add_header Access-Control-Allow-Origin "https://app.example.com" always;
        add_header Access-Control-Allow-Methods "GET, PUT" always;
        add_header Access-Control-Allow-Headers "Content-Type" always;
        return 204;
      }
      add_header Access-Control-Allow-Origin "https://app.example.com" always;
      return 200 "ok\n";
    }
    location /plain/ {
      return 200 "ok\n";
    }
  }
}
`

// startNginx runs nginx with nginxConf (e2e/internal/nginxtest) and returns
// its port.
func startNginx(t testing.TB) int {
	t.Helper()
	return nginxtest.Start(t, nginxConf, nil)
}

// startRSCors serves an application behind github.com/rs/cors, configured
// as its README shows.
func startRSCors(t testing.TB) int {
	t.Helper()
	c := cors.New(cors.Options{
		AllowedOrigins:   []string{"http://app.test"},
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodPut},
		AllowedHeaders:   []string{"Content-Type", "X-Api-Key"},
		ExposedHeaders:   []string{"X-Request-Id"},
		AllowCredentials: true,
		MaxAge:           300,
	})
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "r-2")
		if strings.Contains(r.URL.Path, "/missing/") {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("ok\n"))
	})
	srv := httptest.NewServer(c.Handler(app))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().(*net.TCPAddr).Port
}

// rawServer accepts connections and hands each to fn (after reading the
// request head), for the misbehaving servers.
type rawServer struct {
	ln net.Listener
	wg sync.WaitGroup
}

func startRaw(t testing.TB, fn func(c *net.TCPConn, method string)) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close(); s.wg.Wait() })
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				c.SetDeadline(time.Now().Add(30 * time.Second))
				br := bufio.NewReader(c)
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				for {
					l, err := br.ReadString('\n')
					if err != nil || strings.TrimRight(l, "\r\n") == "" {
						break
					}
				}
				method, _, _ := strings.Cut(line, " ")
				go func() { <-done; c.Close() }()
				fn(c.(*net.TCPConn), method)
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// hang never answers.
func hang(c *net.TCPConn, _ string) {
	buf := make([]byte, 1)
	c.Read(buf) // until the client or the test closes
}

// reset closes the connection with a TCP RST (SO_LINGER 0) instead of a
// reply.
func reset(c *net.TCPConn, _ string) {
	c.SetLinger(0)
	c.Close()
}

// redirectPreflight answers the preflight with a 301 that carries valid
// CORS headers, and any other request with 200.
func redirectPreflight(c *net.TCPConn, method string) {
	if method == "OPTIONS" {
		c.Write([]byte("HTTP/1.1 301 Moved Permanently\r\nLocation: /elsewhere\r\nAccess-Control-Allow-Origin: http://app.test\r\nAccess-Control-Allow-Methods: PUT\r\nAccess-Control-Allow-Headers: content-type\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
		return
	}
	c.Write([]byte("HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: http://app.test\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"))
}

// startPage serves the blank page the browser's tab loads on the page
// origin.
func startPage(t testing.TB) int {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html><title>page</title>"))
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().(*net.TCPAddr).Port
}

// startBadTLS serves HTTPS with httptest's certificate, which no system
// trusts (it is valid for 127.0.0.1).
func startBadTLS(t testing.TB) int {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Write([]byte("ok\n"))
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().(*net.TCPAddr).Port
}
