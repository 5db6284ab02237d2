package cloudformation_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/cloudformation"
	"github.com/whycors/whycors/engine/policy"
)

// Sources of the expected values below. Documentation only: no AWS
// account runs here.
const (
	// CloudFront keys its cache on the cache policy's headers (or the
	// legacy forwarded headers) and ignores Vary but for
	// Accept-Encoding; an S3 origin whose OPTIONS replies are cached
	// needs Origin, Access-Control-Request-Method and
	// Access-Control-Request-Headers in the key.
	corsDoc = "docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/header-caching.html#header-caching-web-cors"
	// HeaderBehavior none keys on no header, whitelist on Headers.
	headersConfigDoc = "AWSCloudFormation/latest/TemplateReference/aws-properties-cloudfront-cachepolicy-headersconfig.html"
	forwardedDoc     = "aws-properties-cloudfront-distribution-forwardedvalues.html (Headers: the headers the cache is based on)"
	// CachingOptimized: MinTTL 1, MaxTTL 31536000, DefaultTTL 86400,
	// compression on, no header, cookie or query string in the key.
	managedDoc = "docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html"
)

// sessionOf is two sites fetching the same font through the template's
// distribution, shop five seconds after www.
func sessionOf(t *testing.T, text, url string) explain.Scenario {
	t.Helper()
	sc := map[string]any{
		"request": map[string]any{"origin": "https://www.example.com", "url": url},
		"then":    []any{map[string]any{"request": map[string]any{"origin": "https://shop.example.com", "url": url}, "after_seconds": 5}},
		"policy":  map[string]any{"format": "cloudformation", "text": text},
	}
	b, _ := json.Marshal(sc)
	s, err := explain.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := "testdata/fix/" + name
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want := readFile(t, "fix/"+name); got != want {
		t.Errorf("diff:\n%s\nwant (%s):\n%s", got, path, want)
	}
}

// corsRules are the CORS rules a template states, positions left out.
func corsRules(t *testing.T, text string) []string {
	t.Helper()
	src, err := convert.Read(registry(), text, "cloudformation")
	if err != nil {
		t.Fatal(err)
	}
	texts := func(l []convert.Value) (out []string) {
		for _, v := range l {
			out = append(out, v.Text)
		}
		return out
	}
	var out []string
	for _, r := range src.Rules {
		out = append(out, fmt.Sprint(texts(r.Origins), texts(r.Methods), texts(r.AllowHeaders), texts(r.ExposeHeaders), r.Credentials, r.MaxAge != nil))
	}
	return out
}

// TestCDNSessionFix: through CachingOptimized, shop gets the reply
// CloudFront stored for www, with www's Access-Control-Allow-Origin;
// the later fetch's fix is a diff of the user's template (a cache
// policy of the template with CachingOptimized's settings and Origin in
// its key), and the session explained again with it passes, the bucket's
// CORS rules untouched.
func TestCDNSessionFix(t *testing.T) {
	for _, tc := range []struct {
		desc, source, file, url, golden string
	}{
		{desc: "YAML: the default behaviour's managed policy becomes a policy of the template",
			source: corsDoc + "; " + managedDoc, file: "cloudfront-s3.yaml", url: "https://static.example.com/f/a.woff2", golden: "cdn-session-managed.diff"},
		{desc: "JSON: the same, written as the template writes JSON",
			source: corsDoc + "; " + managedDoc, file: "cloudfront-s3.template.json", url: "https://static.example.com/f/a.woff2", golden: "cdn-session-managed-json.diff"},
		{desc: "a legacy ForwardedValues.Headers list gets Origin appended",
			source: corsDoc + "; " + forwardedDoc, file: "cloudfront-keys.yaml", url: "https://assets.example.com/legacy/a.css", golden: "cdn-session-legacy.diff"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			text := readFile(t, tc.file)
			o := explain.Options{Formats: registry(), Advisor: advise.New()}
			v, err := explain.Explain(sessionOf(t, text, tc.url), o)
			if err != nil {
				t.Fatal(err)
			}
			if !v.Allowed || len(v.Then) != 1 || v.Then[0].Allowed || v.Then[0].DecidedBy == nil || v.Then[0].DecidedBy.Layer != "cdn" {
				t.Fatalf("want www allowed and shop blocked by the CDN (%s): %v, then %+v", tc.source, v.Allowed, v.Then)
			}
			w := v.Then[0]
			if len(w.Fixes) != 1 {
				t.Fatalf("%d fixes of the later fetch, want 1: %+v", len(w.Fixes), w.Fixes)
			}
			f := w.Fixes[0]
			golden(t, tc.golden, f.Diff)
			if f.Where != "server" || f.Format != "cloudformation" || !slices.Contains(f.AllowedIn, "chrome") {
				t.Errorf("fix %+v", f)
			}
			if !strings.Contains(f.Summary, "Origin in the cache key") {
				t.Errorf("summary: %s", f.Summary)
			}
			// Nothing widened: the CORS rules read the same, value for
			// value, and no origin was added.
			if a, b := corsRules(t, text), corsRules(t, f.Text); !slices.Equal(a, b) {
				t.Errorf("the CORS rules changed: %q -> %q", a, b)
			}
			// Applied, the whole session passes.
			v2, err := explain.Explain(sessionOf(t, f.Text, tc.url), o)
			if err != nil {
				t.Fatal(err)
			}
			if !v2.Allowed || !v2.Then[0].Allowed || v2.Then[0].Requests[len(v2.Then[0].Requests)-1].FromCDN {
				t.Errorf("with the fix: www %v, shop %v (%s)", v2.Allowed, v2.Then[0].Allowed, v2.Then[0].Summary)
			}
			if len(v2.Then[0].Fixes) != 0 {
				t.Errorf("a passing later fetch has fixes: %+v", v2.Then[0].Fixes)
			}
		})
	}
}

// TestCacheKeyEdits: the fix.CacheKey edit in each form a behaviour's
// cache key takes, chosen as the fix search chooses it
// (ChooseLayerEdit for the layer "cdn" at the behaviour's place):
// golden diffs (only the key changes, comments and layout kept), and
// the edited template keys the behaviour on the headers wanted, its
// CORS rules untouched.
func TestCacheKeyEdits(t *testing.T) {
	all := []string{"Accept", "Origin"}
	for _, tc := range []struct {
		desc, source, file, path, golden string
		wantKey                          []string
		wantErr                          error
	}{
		{desc: "legacy flow list: one more item after Accept, its comment kept", source: forwardedDoc,
			file: "cloudfront-keys.yaml", path: "/legacy/a", golden: "cdn-key-legacy.diff", wantKey: all},
		{desc: "legacy ForwardedValues without Headers: the list is added", source: forwardedDoc,
			file: "cloudfront-keys.yaml", path: "/bare/a", golden: "cdn-key-bare.diff", wantKey: []string{"Origin"}},
		{desc: "OPTIONS cached: Origin and the preflight's two headers, in the block list's form", source: corsDoc + "; CachedMethods API reference",
			file: "cloudfront-keys.yaml", path: "/preflighted/a", golden: "cdn-key-options.diff", wantKey: []string{"Accept", "Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"}},
		{desc: "a cache policy of the template with HeaderBehavior none: whitelist with Headers", source: headersConfigDoc,
			file: "cloudfront-keys.yaml", path: "/none/a", golden: "cdn-key-none.diff", wantKey: []string{"Origin"}},
		{desc: "a cache policy of the template with a whitelist: Origin appended", source: headersConfigDoc,
			file: "cloudfront-keys.yaml", path: "/lang/a", golden: "cdn-key-whitelist.diff", wantKey: []string{"Accept-Language", "Origin"}},
		{desc: "a quoted managed ID with a comment above: a new policy named by !Ref", source: managedDoc,
			file: "cloudfront-keys.yaml", path: "/other", golden: "cdn-key-managed.diff", wantKey: []string{"Origin"}},
		{desc: "CachingOptimizedForUncompressedObjects: its settings, compression off; a second new policy gets another name", source: managedDoc,
			file: "cloudfront-keys.yaml", path: "/raw/a", golden: "cdn-key-managed-raw.diff", wantKey: []string{"Origin"}},
		{desc: "Amplify keys on Host too: no policy of the template is written for it", source: managedDoc + " (Amplify: Authorization, CloudFront-Viewer-Country, Host)",
			file: "cloudfront-keys.yaml", path: "/amplify/a", wantErr: fix.ErrUnsupported},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			text := readFile(t, tc.file)
			f := cloudformation.Formats()[0]
			tpl, err := cloudformation.Read(policy.Source{Text: text})
			if err != nil {
				t.Fatal(err)
			}
			url := "https://assets.example.com" + tc.path
			_, at, ok := tpl.CDNFor(url)
			if !ok {
				t.Fatalf("no cache in front of %s", url)
			}
			e, why, ok := f.(fix.LayerEditor).ChooseLayerEdit(fix.Blocked{DecidedBy: "cdn", Origin: "https://shop.example.com", Resource: at.Resource, Line: at.Line})
			if !ok || e.Op != fix.CacheKey || !strings.Contains(why, "Origin") {
				t.Fatalf("ChooseLayerEdit: %+v %q %v", e, why, ok)
			}
			if slices.ContainsFunc(e.Values, func(v string) bool { return strings.Contains(v, "://") }) {
				t.Fatalf("the edit adds an origin: %+v", e)
			}
			out, err := fix.ApplySource(f, policy.Source{Text: text}, e)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.golden, fix.Diff("a/"+tc.file, "b/"+tc.file, text, out))
			tpl2, err := cloudformation.Read(policy.Source{Text: out})
			if err != nil {
				t.Fatalf("the edited template does not read: %v", err)
			}
			cfg, _, ok := tpl2.CDNFor(url)
			if !ok || !slices.Equal(cfg.KeyHeaders, tc.wantKey) {
				t.Errorf("cache key %q (cached %v), want %q (%s)", cfg.KeyHeaders, ok, tc.wantKey, tc.source)
			}
			if a, b := corsRules(t, text), corsRules(t, out); !slices.Equal(a, b) {
				t.Errorf("the CORS rules changed: %q -> %q", a, b)
			}
			// Once more: the key already holds the headers, nothing to do.
			if again, err := fix.ApplySource(f, policy.Source{Text: out}, fixAt(t, out, url)); err != nil || again != out {
				t.Errorf("a second edit changed the text (%v):\n%s", err, fix.Diff("a", "b", out, again))
			}
		})
	}
}

// fixAt is the cache-key edit for url's behaviour in text.
func fixAt(t *testing.T, text, url string) fix.Edit {
	t.Helper()
	tpl, err := cloudformation.Read(policy.Source{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	_, at, _ := tpl.CDNFor(url)
	return fix.Edit{Op: fix.CacheKey, Old: at.Resource, Line: at.Line, Values: []string{"Origin"}}
}

// TestCacheKeyEditRefusals: edits the template cannot take.
func TestCacheKeyEditRefusals(t *testing.T) {
	text := readFile(t, "cloudfront-keys.yaml")
	f := cloudformation.Formats()[0]
	for _, tc := range []struct {
		desc, source string
		edit         fix.Edit
		want         error
	}{
		{desc: "no such distribution", source: "the edit names the resource", edit: fix.Edit{Op: fix.CacheKey, Old: "Nope", Line: 1, Values: []string{"Origin"}}, want: fix.ErrNotFound},
		{desc: "a resource that is no distribution", source: "the edit names the resource", edit: fix.Edit{Op: fix.CacheKey, Old: "Assets", Line: 7, Values: []string{"Origin"}}, want: fix.ErrNotFound},
		{desc: "no behaviour at that line", source: "the behaviour's line is decided_by's", edit: fix.Edit{Op: fix.CacheKey, Old: "Cdn", Line: 3, Values: []string{"Origin"}}, want: fix.ErrNotFound},
	} {
		if _, err := fix.ApplySource(f, policy.Source{Text: text}, tc.edit); !errors.Is(err, tc.want) {
			t.Errorf("%s (%s): err %v, want %v", tc.desc, tc.source, err, tc.want)
		}
	}
}
