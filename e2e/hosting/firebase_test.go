package hosting

import (
	"encoding/json"
	"io"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/whycors/whycors/e2e/attack/attacktest"
	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/formats/firebase"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// The pieces of the generated firebase.json (firebase.google.com/docs/hosting/full-config#headers):
// globs in minimatch's syntax (superstatic 9.2.0 matches "source" with
// minimatch 6.2), RE2 regexes, and the served files.
var (
	fbGlobs = []string{
		"**", "/api/**", "api/**", "/api/*", "**/*.json", "**/*.@(woff2|ttf)", "/fonts/**", "*.html",
		"/index.html", "/api/{v1,v2}/**", "/api/v[0-9]/*", "**/.well-known/**", "/.well-known/*", "/docs/*.md",
		"!/api/**", "/a/**/c.txt", "/a/*/c.txt", "/**/b.png", "/api/data.json", "/API/**", "/img/?.png",
		"/api/**/*.json", "**/*", "/a/**", "/*/x.txt", "/*/*", "/?well-known/**", "/api/+(v1|v2)/*.json", "/{a,img}/**", "/api",
		"/api/v{1..2}/*", "/{a,{img,fonts}}/*", "/[!a-h]*/**", "/**/*.?(json|md)", "/a/*(b)/c.txt", "#/api/**", "!!/api/**",
		"/docs/../api/*", "/.well-known/**", "**/.*", "/a/**/**/c.txt", "/**/b/**", "/img/[bc].png", "/fonts/*.woff?", "/a/{b,}/c.txt",
		"/api/data.json/", "/**/", "/a/[z-a]/c.txt", "/api/v1/x.{json,md}", "/a\\/c.txt", "/*.*",
	}
	fbRegexes       = []string{"^/api/.*$", "\\.json$", "^/fonts/", "/v1/", "^/(img|a)/", "^/$", "data", "^/a/[^/]+/c\\.txt$", "\\.(?:png|woff2)$", "^/\\."}
	fbKeys          = []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers", "Access-Control-Max-Age", "Vary", "access-control-allow-origin"}
	fbValues        = []string{"*", "https://app.test", "https://other.test", "GET, POST, OPTIONS", "Content-Type, Authorization", "true", "600", "Origin", "Accept-Encoding"}
	fbFiles         = []string{"index.html", "api/data.json", "api/v1/x.json", "api/v2/y.json", "fonts/a.woff2", ".well-known/x.txt", "docs/a.md", "img/b.png", "a/b/c.txt", "a/c.txt"}
	fbPaths         = []string{"/", "/index.html", "/api/data.json", "/api/v1/x.json", "/api/v2/y.json", "/fonts/a.woff2", "/.well-known/x.txt", "/docs/a.md", "/img/b.png", "/a/b/c.txt", "/a/c.txt", "/api/missing", "/api/data.json/", "/nothing", "/API/data.json", "/a//b/c.txt", "/old/x", "/old/y?q=1"}
	fbRedirectGlobs = []string{"/old/**", "/api/v2/**", "/docs/*.md", "/nothing", "/img/**", "/a/c.txt"}
	fbDestinations  = []string{"/index.html", "https://example.com/moved", "/api/data.json"}
	fbMethods       = []string{"GET", "GET", "HEAD", "OPTIONS", "OPTIONS", "POST", "PUT", "DELETE"}
	fbOrigins       = []string{"https://app.test", "https://other.test", "null", ""}
)

// compared are the fields compared besides the status: every
// Access-Control-*, Vary and a redirect's Location.
func compared(n string) bool {
	n = strings.ToLower(n)
	return strings.HasPrefix(n, "access-control-") || n == "vary" || n == "location"
}

// TestFirebaseSuperstatic: superstatic 9.2.0 serves a generated
// firebase.json of 40 header entries over 10 files, and 260 seeded
// requests (paths, methods with OPTIONS, origins) get the status, every
// Access-Control-* header and Vary that the format predicts, with the
// file (200) or superstatic's 404 as the application's reply.
func TestFirebaseSuperstatic(t *testing.T) {
	needModules(t)
	start := time.Now()
	rng := rand.New(rand.NewSource(proxytest.Seed(17)))
	var entries []any
	for i := 0; i < 40; i++ {
		var hs []any
		for m := 1 + rng.Intn(3); m > 0; m-- {
			hs = append(hs, map[string]any{"key": fbKeys[rng.Intn(len(fbKeys))], "value": fbValues[rng.Intn(len(fbValues))]})
		}
		e := map[string]any{"headers": hs}
		switch r := rng.Intn(10); {
		case r < 7:
			e["source"] = fbGlobs[rng.Intn(len(fbGlobs))]
		case r < 9:
			e["regex"] = fbRegexes[rng.Intn(len(fbRegexes))]
		default:
			e["glob"] = fbGlobs[rng.Intn(len(fbGlobs))]
		}
		entries = append(entries, e)
	}
	// A few redirects, which superstatic answers before any header
	// applies (firebase.google.com/docs/hosting/full-config#redirects).
	var redirects []any
	for i := 0; i < 3; i++ {
		r := map[string]any{"destination": fbDestinations[rng.Intn(len(fbDestinations))], "type": 301 + rng.Intn(2)}
		if rng.Intn(4) == 0 {
			r["regex"] = fbRegexes[rng.Intn(len(fbRegexes))]
		} else {
			r["source"] = fbRedirectGlobs[rng.Intn(len(fbRedirectGlobs))]
		}
		redirects = append(redirects, r)
	}
	hosting := map[string]any{"public": ".", "headers": entries, "redirects": redirects}
	text, _ := json.MarshalIndent(map[string]any{"hosting": hosting}, "", "  ")
	c, err := firebase.Parse(string(text))
	if err != nil {
		t.Fatalf("generated firebase.json: %v\n%s", err, text)
	}
	dir := t.TempDir()
	pub := filepath.Join(dir, "public")
	for _, f := range fbFiles {
		p := filepath.Join(pub, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("file "+f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfgFile := filepath.Join(dir, "hosting.json")
	b, _ := json.Marshal(hosting)
	if err := os.WriteFile(cfgFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	base := startSuperstatic(t, cfgFile, pub)
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	served := map[string]bool{"/": true}
	for _, f := range fbFiles {
		served["/"+f] = true
	}
	n := 0
	statuses := map[int]int{}
	for i := 0; i < 260; i++ {
		path := fbPaths[rng.Intn(len(fbPaths))]
		method := fbMethods[rng.Intn(len(fbMethods))]
		origin := fbOrigins[rng.Intn(len(fbOrigins))]
		req, _ := http.NewRequest(method, base+path, nil)
		var hl headers.List
		if origin != "" {
			req.Header.Set("Origin", origin)
			hl.Add("Origin", origin)
		}
		if method == "OPTIONS" {
			req.Header.Set("Access-Control-Request-Method", "PUT")
			hl.Add("Access-Control-Request-Method", "PUT")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		var got headers.List
		for k, vs := range resp.Header {
			for _, v := range vs {
				got.Add(k, v)
			}
		}
		app := policy.Reply{Status: 404}
		if served[strings.ReplaceAll(strings.Split(path, "?")[0], "//", "/")] {
			app.Status = 200
		}
		out := c.Respond(policy.Request{Method: method, URL: "https://site.test" + path, Header: hl}, app)
		g, w := lines(got, compared), lines(out.Reply.Header, compared)
		if resp.StatusCode != out.Reply.Status || !slices.Equal(g, w) {
			t.Errorf("%s %s (Origin %q): superstatic %d %q, format %d %q", method, path, origin, resp.StatusCode, g, out.Reply.Status, w)
		}
		statuses[resp.StatusCode]++
		n++
	}
	t.Logf("%d requests compared in %s; statuses %v", n, time.Since(start).Round(time.Millisecond), statuses)
	if statuses[200] == 0 || statuses[404] == 0 || statuses[301]+statuses[302] == 0 {
		t.Errorf("the requests should meet files, missing paths and redirects: statuses %v", statuses)
	}
	if t.Failed() {
		t.Logf("firebase.json:\n%s", text)
	}
}

// startSuperstatic runs serve.mjs once and returns its base URL.
func startSuperstatic(t *testing.T, cfg, pub string) string {
	t.Helper()
	base, versions := attacktest.Serve(t, exec.Command("node", "serve.mjs", cfg, pub))
	t.Logf("%s", versions)
	if !strings.Contains(versions, "superstatic=9.2.0 minimatch=6.2.3") {
		t.Errorf("%s here, the format models superstatic 9.2.0 with minimatch 6.2.3", versions)
	}
	return base
}

// TestFirebaseGlobs: every generated glob, regex and a set of corner
// cases (minimatch's dot rules, globstars, braces, classes, extglobs,
// negation, trailing slashes) against every path, by superstatic's own
// matcher (globs.mjs: patterns.configMatcher after glob-slasher) and by
// the format: the entry applies to the same paths.
func TestFirebaseGlobs(t *testing.T) {
	needModules(t)
	start := time.Now()
	var entries []entry
	for _, g := range fbGlobs {
		entries = append(entries, entry{"source": g}, entry{"glob": g})
	}
	for _, r := range fbRegexes {
		entries = append(entries, entry{"regex": r})
	}
	for _, g := range []string{"", "/", "*", "**/**", "/a/**/c.txt/", "/a/b/**/c.txt", "/**/c.txt", "/a/**/**/b/c.txt", "/x/../a/*/c.txt",
		"/{api,a}/{b,v1}/*", "/@(a|img)/*", "/a/?(b)/c.txt", "/a/+(b|c)/**", "/[[]x", "/a/[!b]/c.txt", "/{1..3}", "/a{,/b}/c.txt"} {
		entries = append(entries, entry{"source": g})
	}
	paths := append(append([]string{}, fbPaths...), "/a/b/b/c.txt", "/a/./b/c.txt", "/a/../api/data.json", "/.x", "/a/.b/c.txt", "/x/", "/2", "/[x", "/a/b")
	in, _ := json.Marshal(map[string]any{"entries": entries, "paths": paths})
	cmd := exec.Command("node", "globs.mjs")
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("globs.mjs: %v", err)
	}
	var got struct {
		Versions map[string]string `json:"versions"`
		Matches  [][]bool          `json:"matches"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if v := got.Versions["superstatic"]; v != "9.2.0" {
		t.Errorf("superstatic is %s here, the format models 9.2.0", v)
	}
	n := 0
	for i, e := range entries {
		b, _ := json.Marshal(map[string]any{"hosting": map[string]any{"headers": []any{map[string]any{e.kind(): e[e.kind()], "headers": []any{map[string]string{"key": "X-Hit", "value": "1"}}}}}})
		c, err := firebase.Parse(string(b))
		if err != nil {
			t.Errorf("%v: %v", e, err)
			continue
		}
		for j, p := range paths {
			s, _, _ := c.Set(policy.Request{Method: "GET", URL: "https://site.test" + p})
			if hit := len(s.Fields) > 0; hit != got.Matches[i][j] {
				t.Errorf("%v on %s: format %v, superstatic %v", e, p, hit, got.Matches[i][j])
			}
			n++
		}
	}
	t.Logf("%d pattern×path cases compared in %s", n, time.Since(start).Round(time.Millisecond))
}

// entry is one generated header entry's pattern: {"source": ...},
// {"glob": ...} or {"regex": ...}.
type entry map[string]string

func (e entry) kind() string {
	for k := range e {
		return k
	}
	return ""
}
