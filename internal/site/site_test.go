package site_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/whycors/whycors/internal/site"
)

func TestHandler(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.html":                 "<p>page</p>",
		"index.html.br":              "BR-PAGE",
		"index.html.gz":              "GZ-PAGE",
		"whycors.0123456789.wasm":    "\x00asm",
		"whycors.0123456789.wasm.gz": "GZ-WASM",
		"app.abcdef0123.js":          "js",
		"manifest.json":              "{}",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := site.Handler(dir)
	tests := []struct {
		desc, method, path, acceptEncoding string
		status                             int
		body, contentType, encoding, cache string
	}{
		{desc: "the page at the root, brotli preferred", method: "GET", path: "/", acceptEncoding: "gzip, br",
			status: 200, body: "BR-PAGE", contentType: "text/html; charset=utf-8", encoding: "br", cache: "no-cache"},
		{desc: "brotli refused with q=0 falls back to gzip", method: "GET", path: "/index.html", acceptEncoding: "br;q=0, gzip",
			status: 200, body: "GZ-PAGE", contentType: "text/html; charset=utf-8", encoding: "gzip", cache: "no-cache"},
		{desc: "no encoding accepted: the raw file", method: "GET", path: "/index.html",
			status: 200, body: "<p>page</p>", contentType: "text/html; charset=utf-8", cache: "no-cache"},
		{desc: "wasm has its own type (streaming compilation needs it) and hashed files are immutable", method: "GET",
			path: "/whycors.0123456789.wasm", acceptEncoding: "br, gzip", status: 200, body: "GZ-WASM",
			contentType: "application/wasm", encoding: "gzip", cache: "public, max-age=31536000, immutable"},
		{desc: "hashed JavaScript", method: "GET", path: "/app.abcdef0123.js", status: 200, body: "js",
			contentType: "text/javascript; charset=utf-8", cache: "public, max-age=31536000, immutable"},
		{desc: "the manifest is not served", method: "GET", path: "/manifest.json", status: 404},
		{desc: "precompressed copies are not served by name", method: "GET", path: "/index.html.gz", status: 404},
		{desc: "no escape from the folder", method: "GET", path: "/../../etc/passwd", status: 404},
		{desc: "only GET and HEAD", method: "POST", path: "/", status: 405},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			if tc.acceptEncoding != "" {
				req.Header.Set("Accept-Encoding", tc.acceptEncoding)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			if res.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d", res.StatusCode, tc.status)
			}
			if tc.status != http.StatusOK {
				return
			}
			if got := rec.Body.String(); got != tc.body {
				t.Errorf("body = %q, want %q", got, tc.body)
			}
			for name, want := range map[string]string{"Content-Type": tc.contentType, "Content-Encoding": tc.encoding, "Cache-Control": tc.cache} {
				if got := res.Header.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}
