package hosting

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/formats/vercel"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// The pieces generated vercel.json files are made of: sources in
// path-to-regexp syntax (vercel.com/docs/project-configuration#headers),
// some of which Vercel refuses ("/api/**" is no regular expression), and
// header values that use a source's :name.
var (
	vercelSources = []string{
		"/api/(.*)", "/api/:path*", "/(?!x)", "/api/:path+", "/api/:id", "/api", "/(.*)", "/:file",
		"/user/:id(\\d+)", "/:a/:b?", "/docs/(.*).md", "/static/:name.json", "/a{/:b}?",
		"/api/**", "/fonts/(.*)", "/API/(.*)", "/api/:v(v1|v2)/(.*)", "/:path*", "*",
		"/x/:a-:b", "/api/(.*)/", "/a\\:b", "/a/:b(\\d+)?", "/api/:path(.*)", "/(.*)\\.json", "/:slug.html",
		"/:a.:b", "/a{-:b}*", "/a/:b+/c", "/\\(x\\)", "/static/(.*).(json|md)", "/:a{.:ext}?", "/user/:id(\\d+)/:rest*",
		"/api/(?:v1|v2)/(.*)", "/a(b", "/a)", "/a/:", "/a{/b", "/a/:b{", "/api/(.*)*", "/:x(\\w+)-:y",
	}
	vercelKeys   = []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Allow-Credentials", "Vary", "access-control-allow-origin", "X-Seg"}
	vercelValues = []string{"*", "https://app.test", "GET, POST", "true", "Origin", "seg=:path", "id=:id", ":file", "https://:a.test", ":slug:ext", ":b-:rest", "x=:x:y"}
	vercelPaths  = []string{"/", "/api", "/api/", "/api/x", "/api/x/y", "/API/x", "/user/12", "/user/ab", "/static/a.json", "/docs/a.md", "/a", "/a/b", "/x/1-2", "/fonts/f.woff2", "/api/v1/z", "/a:b",
		"/a/12", "/a/b/c", "/a/b/b/c", "/(x)", "/user/7/p/q", "/page.html", "/f.tar.gz", "/a-1-2", "/ab-cd"}
)

type vercelCase struct {
	Config map[string]any `json:"config"`
	Paths  []string       `json:"paths"`
}

// TestVercelRoutes: for 240 seeded vercel.json files, the format reads
// the same ones @vercel/routing-utils 6.6.0 refuses, and for each of 16
// paths sets the same headers as the routes the package writes, matched
// in order with a later key replacing an earlier (routes with continue:
// true).
func TestVercelRoutes(t *testing.T) {
	needModules(t)
	start := time.Now()
	rng := rand.New(rand.NewSource(17))
	var cases []vercelCase
	var texts []string
	for i := 0; i < 240; i++ {
		var entries []any
		for n := 1 + rng.Intn(4); n > 0; n-- {
			var hs []any
			for m := 1 + rng.Intn(3); m > 0; m-- {
				hs = append(hs, map[string]any{"key": vercelKeys[rng.Intn(len(vercelKeys))], "value": vercelValues[rng.Intn(len(vercelValues))]})
			}
			entries = append(entries, map[string]any{"source": vercelSources[rng.Intn(len(vercelSources))], "headers": hs})
		}
		cfg := map[string]any{"headers": entries}
		b, _ := json.MarshalIndent(cfg, "", "  ")
		texts = append(texts, string(b))
		cases = append(cases, vercelCase{Config: cfg, Paths: vercelPaths})
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command("node", "routes.mjs")
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("routes.mjs: %v", err)
	}
	var got struct {
		Versions map[string]string `json:"versions"`
		Results  []struct {
			Error string        `json:"error"`
			Src   []string      `json:"src"`
			Paths [][][2]string `json:"paths"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if v := got.Versions["@vercel/routing-utils"]; v != "6.6.0" {
		t.Errorf("@vercel/routing-utils is %s here, the format models 6.6.0", v)
	}
	compared, refused := 0, 0
	for i, r := range got.Results {
		c, perr := vercel.Parse(texts[i])
		if (perr != nil) != (r.Error != "") {
			t.Errorf("config %d: format error %v, routing-utils error %q\n%s", i, perr, r.Error, texts[i])
			continue
		}
		if perr != nil {
			refused++
			continue
		}
		for j, p := range vercelPaths {
			s, _ := c.Set(policy.Request{Method: "GET", URL: "https://site.test" + p})
			var l headers.List
			for _, f := range s.Fields {
				l.Add(f.Name, f.Value)
			}
			var want headers.List
			for _, f := range r.Paths[j] {
				want.Add(f[0], f[1])
			}
			all := func(string) bool { return true }
			if g, w := lines(l, all), lines(want, all); !slices.Equal(g, w) {
				t.Errorf("config %d path %s: format %q, routing-utils %q (routes %q)\n%s", i, p, g, w, r.Src, texts[i])
			}
			compared++
		}
	}
	t.Logf("%d configs (%d refused by both), %d config×path cases compared in %s", len(texts), refused, compared, time.Since(start).Round(time.Millisecond))
	if compared < 200 {
		t.Errorf("only %d cases compared", compared)
	}
	_ = fmt.Sprint
}
