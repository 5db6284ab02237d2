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

	"github.com/whycors/whycors/e2e/internal/proxytest"
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
		"/api/(.*)", "/api/:path*", "/api/:path+", "/api/:id", "/api", "/(.*)", "/:file",
		"/user/:id(\\d+)", "/:a/:b?", "/docs/(.*).md", "/static/:name.json", "/a{/:b}?",
		"/fonts/(.*)", "/API/(.*)", "/api/:v(v1|v2)/(.*)", "/:path*",
		"/x/:a-:b", "/api/(.*)/", "/a\\:b", "/a/:b(\\d+)?", "/api/:path(.*)", "/(.*)\\.json", "/:slug.html",
		"/:a.:b", "/a{-:b}*", "/a/:b+/c", "/\\(x\\)", "/static/(.*).(json|md)", "/:a{.:ext}?", "/user/:id(\\d+)/:rest*",
		"/api/(?:v1|v2)/(.*)", "/:x(\\w+)-:y",
	}
	// Sources Vercel refuses, drawn now and then.
	vercelBadSources   = []string{"/api/**", "*", "/a(b", "/a)", "/a/:", "/a{/b", "/a/:b{", "/api/(.*)*", "/(?!x)"}
	vercelKeys         = []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Allow-Credentials", "Vary", "access-control-allow-origin", "X-Seg"}
	vercelValues       = []string{"*", "https://app.test", "GET, POST", "true", "Origin", "seg=:path", "id=:id", ":file", "https://:a.test", ":slug:ext", ":b-:rest", "x=:x:y"}
	vercelDestinations = []string{"/moved", "https://example.com/x", "/new/:path*", "/v2/:id", "/f/:file"}
	vercelPaths        = []string{"/", "/api", "/api/", "/api/x", "/api/x/y", "/API/x", "/user/12", "/user/ab", "/static/a.json", "/docs/a.md", "/a", "/a/b", "/x/1-2", "/fonts/f.woff2", "/api/v1/z", "/a:b",
		"/a/12", "/a/b/c", "/a/b/b/c", "/(x)", "/user/7/p/q", "/page.html", "/f.tar.gz", "/a-1-2", "/ab-cd",
		"/index", "/docs/index.html", "/api/x/", "/static/a.json/", "/.well-known/x", "/fonts/"}
)

// vercelSource draws a source, one Vercel refuses about once in 15.
func vercelSource(rng *rand.Rand) string {
	if rng.Intn(15) == 0 {
		return vercelBadSources[rng.Intn(len(vercelBadSources))]
	}
	return vercelSources[rng.Intn(len(vercelSources))]
}

type vercelCase struct {
	Config map[string]any `json:"config"`
	Paths  []string       `json:"paths"`
}

// TestVercelRoutes: for 240 seeded vercel.json files (headers, some with
// cleanUrls, trailingSlash or a redirect), the format refuses the same
// ones @vercel/routing-utils 6.6.0 refuses, and for each of 31 paths
// answers as the routes the package writes: the same redirect status and
// Location, or the same headers, matched in order with a later key
// replacing an earlier (routes with continue: true) until a route without
// continue ends the routing.
func TestVercelRoutes(t *testing.T) {
	needModules(t)
	start := time.Now()
	rng := rand.New(rand.NewSource(proxytest.Seed(17)))
	var cases []vercelCase
	var texts []string
	for i := 0; i < 240; i++ {
		var entries []any
		for n := 1 + rng.Intn(4); n > 0; n-- {
			var hs []any
			for m := 1 + rng.Intn(3); m > 0; m-- {
				hs = append(hs, map[string]any{"key": vercelKeys[rng.Intn(len(vercelKeys))], "value": vercelValues[rng.Intn(len(vercelValues))]})
			}
			entries = append(entries, map[string]any{"source": vercelSource(rng), "headers": hs})
		}
		cfg := map[string]any{"headers": entries}
		// Routes that answer before the headers: cleanUrls and
		// trailingSlash (vercel.com/docs/project-configuration#cleanurls,
		// #trailingslash) and redirects (#redirects).
		switch rng.Intn(4) {
		case 0:
			cfg["cleanUrls"] = rng.Intn(2) == 0
		case 1:
			cfg["trailingSlash"] = rng.Intn(2) == 0
		case 2:
			cfg["cleanUrls"], cfg["trailingSlash"] = true, rng.Intn(2) == 0
		}
		if rng.Intn(3) == 0 {
			r := map[string]any{"source": vercelSource(rng), "destination": vercelDestinations[rng.Intn(len(vercelDestinations))]}
			switch rng.Intn(3) {
			case 0:
				r["permanent"] = rng.Intn(2) == 0
			case 1:
				r["statusCode"] = 301 + rng.Intn(2)
			}
			cfg["redirects"] = []any{r}
		}
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
			Error string   `json:"error"`
			Src   []string `json:"src"`
			Paths []struct {
				Status  int         `json:"status"`
				Headers [][2]string `json:"headers"`
			} `json:"paths"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if v := got.Versions["@vercel/routing-utils"]; v != "6.6.0" {
		t.Errorf("@vercel/routing-utils is %s here, the format models 6.6.0", v)
	}
	compared, refused := 0, 0
	statuses := map[int]int{}
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
			// 299 stands for the application's reply: the request reached it.
			out := c.Respond(policy.Request{Method: "GET", URL: "https://site.test" + p}, policy.Reply{Status: 299})
			var want headers.List
			for _, f := range r.Paths[j].Headers {
				want.Add(f[0], f[1])
			}
			status := r.Paths[j].Status
			if status == 0 {
				status = 299
			}
			all := func(string) bool { return true }
			if g, w := lines(out.Reply.Header, all), lines(want, all); out.Reply.Status != status || !slices.Equal(g, w) {
				t.Errorf("config %d path %s: format %d %q, routing-utils %d %q (routes %q)\n%s", i, p, out.Reply.Status, g, status, w, r.Src, texts[i])
			}
			statuses[status]++
			compared++
		}
	}
	t.Logf("%d configs (%d refused by both), %d config×path cases compared in %s; statuses %v", len(texts), refused, compared, time.Since(start).Round(time.Millisecond), statuses)
	if statuses[299] == 0 || statuses[308] == 0 {
		t.Errorf("the cases should reach the application and meet redirects: statuses %v", statuses)
	}
	if compared < 200 {
		t.Errorf("only %d cases compared", compared)
	}
	_ = fmt.Sprint
}
