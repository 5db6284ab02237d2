// Package nginxtest runs Debian's nginx (nginx-light) for end-to-end
// tests: in the foreground, on a free loopback port, with a prefix of its
// own (not as a system service), stopped when the test ends.
package nginxtest

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Head opens a configuration for Start: nginx in the foreground, one
// process, its files under the prefix, no access log, and the http
// block opened (the caller's text adds its directives and closes it).
const Head = `daemon off;
master_process off;
pid {{prefix}}/nginx.pid;
error_log {{prefix}}/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path {{prefix}}/body;
  proxy_temp_path {{prefix}}/proxy;
  fastcgi_temp_path {{prefix}}/fastcgi;
  uwsgi_temp_path {{prefix}}/uwsgi;
  scgi_temp_path {{prefix}}/scgi;
`

// Path finds nginx; the test script installs it when missing.
func Path() string {
	for _, p := range []string{"/usr/sbin/nginx", "/usr/bin/nginx"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	return ""
}

// Start writes conf, with {{prefix}} and {{port}} and each key of vars
// ("{{upstream}}") replaced, runs nginx with it and returns the port once
// it listens. Without nginx the test is skipped, or fails when
// WHYCORS_REQUIRE_BROWSER is set (scripts/test sets it, so that a run
// cannot pass by skipping).
func Start(t testing.TB, conf string, vars map[string]string) int {
	t.Helper()
	bin := Path()
	if bin == "" {
		if os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
			t.Fatal("no nginx found (apt-get install nginx-light)")
		}
		t.Skip("no nginx found; apt-get install nginx-light")
	}
	prefix := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	pairs := []string{"{{prefix}}", prefix, "{{port}}", strconv.Itoa(port)}
	for k, v := range vars {
		pairs = append(pairs, k, v)
	}
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(strings.NewReplacer(pairs...).Replace(conf)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", prefix, "-c", confPath)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
		if err == nil {
			c.Close()
			return port
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(prefix, "error.log"))
			t.Fatalf("nginx did not listen on %d: %v\n%s", port, err, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
