// Package site serves a built simulator folder: the right Content-Type
// (application/wasm, so browsers can compile while downloading), the
// precompressed brotli or gzip copy the client accepts, long-lived caching
// for content-hashed files and revalidation for the pages.
package site

import (
	"bytes"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/whycors/whycors/internal/build"
)

// hashed matches the names the build gives assets: name.<10 hex>.ext.
var hashed = regexp.MustCompile(`\.[0-9a-f]{10}\.[a-z0-9]+$`)

// csp keeps the page to its own files: the simulator sends nothing
// anywhere, and this makes that a property the browser enforces.
// 'wasm-unsafe-eval' is what WebAssembly compilation needs.
const csp = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the folder dir.
func Handler(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := path.Clean("/" + r.URL.Path)[1:]
		if name == "" {
			name = "index.html"
		}
		if name == build.ManifestName || strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".br") {
			http.NotFound(w, r)
			return
		}
		file := filepath.Join(dir, filepath.FromSlash(name))
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// The page and the full engine's worker (site/engine-worker.js)
		// each take their policy from their own response; on other files
		// the header has no effect, so every response carries it.
		h.Set("Content-Security-Policy", csp)
		encoding := ""
		if build.Compressible(name) {
			h.Add("Vary", "Accept-Encoding")
			accept := r.Header.Get("Accept-Encoding")
			for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
				if acceptsEncoding(accept, enc.token) {
					if _, err := os.Stat(file + enc.ext); err == nil {
						encoding, file = enc.token, file+enc.ext
						break
					}
				}
			}
		}
		b, err := os.ReadFile(file)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		h.Set("Content-Type", build.MediaType(name))
		if encoding != "" {
			h.Set("Content-Encoding", encoding)
		}
		if hashed.MatchString(name) {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
			h.Set("ETag", etag(b, encoding))
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
	})
}

// acceptsEncoding reads an Accept-Encoding value (RFC 9110 §12.5.3) well
// enough to honour "br;q=0" as a refusal.
func acceptsEncoding(header, token string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), token) {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

func etag(b []byte, encoding string) string {
	var h uint64 = 14695981039346656037 // FNV-1a: enough to tell versions apart
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	const hex = "0123456789abcdef"
	out := []byte{'"'}
	for i := 60; i >= 0; i -= 4 {
		out = append(out, hex[(h>>uint(i))&15])
	}
	if encoding != "" {
		out = append(out, '-')
		out = append(out, encoding...)
	}
	return string(append(out, '"'))
}
