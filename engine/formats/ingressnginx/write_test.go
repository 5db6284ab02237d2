package ingressnginx_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
)

func allowedBy(t *testing.T, format, text string, req explain.Request) bool {
	t.Helper()
	v, err := explain.Run(explain.Scenario{Request: req, Policy: &explain.Policy{Format: format, Text: text}}, explain.Options{Formats: registry()})
	if err != nil {
		t.Fatalf("explain %s: %v\n%s", format, err, text)
	}
	return v.Allowed
}

// TestConvertKeepsDecisions converts S3 configurations (each allowing
// GET, HEAD and POST, which S3 selects rules by and the portable form
// does not) into Ingress manifests and asks the browser model the same requests of both: the
// same verdict, except where a note says the manifest allows less; never
// more.
func TestConvertKeepsDecisions(t *testing.T) {
	sources := []string{
		`[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET","HEAD","POST","PUT"],"AllowedHeaders":["X-Api-Key"]}]`,
		`[{"AllowedOrigins":["https://app.test","https://admin.test"],"AllowedMethods":["GET","HEAD","POST","DELETE"],"AllowedHeaders":["Authorization","Content-Type"],"ExposeHeaders":["ETag"],"MaxAgeSeconds":600}]`,
		`[{"AllowedOrigins":["*"],"AllowedMethods":["GET","HEAD","POST"]}]`,
		`[{"AllowedOrigins":["https://*.app.test"],"AllowedMethods":["GET","HEAD","POST","PUT"]}]`,
		`[{"AllowedOrigins":["http://localhost:3000"],"AllowedMethods":["GET","HEAD","POST"]}]`,
	}
	origins := []string{"https://app.test", "https://admin.test", "https://evil.test", "https://x.app.test", "https://a.b.app.test", "http://localhost:3000"}
	var reqs []explain.Request
	for _, o := range origins {
		for _, m := range []string{"GET", "PUT", "DELETE", "POST"} {
			for k, h := range []headers.List{nil, {{Name: "X-Api-Key", Value: "k"}}, {{Name: "Authorization", Value: "Bearer t"}}} {
				req := explain.Request{Origin: o, URL: "https://api.test/items", Init: fetch.Init{Method: m, Headers: h}}
				if k == 2 {
					req.Credentials = "include"
				}
				reqs = append(reqs, req)
			}
		}
	}
	changed := 0
	for _, src := range sources {
		out, notes, err := convert.Convert(registry(), src, "s3-json", "ingress-nginx")
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if !strings.Contains(out, "kind: Ingress") {
			t.Fatalf("%s: no Ingress written:\n%s", src, out)
		}
		narrower := false
		for _, n := range notes {
			if n.Effect == convert.Wider {
				t.Errorf("%s: a wider note %+v", src, n)
			}
			// Differs is said only of the missing Vary (caches), which
			// the browser model does not see: only Narrower excuses.
			narrower = narrower || n.Effect == convert.Narrower
		}
		for _, req := range reqs {
			want, got := allowedBy(t, "s3-json", src, req), allowedBy(t, "ingress-nginx", out, req)
			if got == want {
				continue
			}
			changed++
			if got || !narrower {
				t.Errorf("%s: %s %s from %s %v: S3 allowed=%v, the manifest allowed=%v, no note says so\n%s\nnotes: %+v", src, req.Method, req.URL, req.Origin, req.Headers, want, got, out, notes)
			}
		}
	}
	t.Logf("%d sources, %d requests each, %d verdicts changed (each with a note)", len(sources), len(reqs), changed)
}

func TestWriteRefuses(t *testing.T) {
	for _, tc := range []struct{ desc, src, want string }{
		{desc: "headers *", src: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET","HEAD","POST"],"AllowedHeaders":["*"]}]`, want: "allowed request headers"},
		{desc: "a capital in the host, which S3 never matches (it compares exactly) and the controller would (it ignores case): left out, no rule is left", src: `[{"AllowedOrigins":["https://App.test"],"AllowedMethods":["GET","HEAD","POST"]}]`, want: "no rule is left to write"},
		{desc: "an IPv6 origin, which the controller's validation refuses (then allowing *)", src: `[{"AllowedOrigins":["http://[::1]:8080"],"AllowedMethods":["GET","HEAD","POST"]}]`, want: "origins"},
		{desc: "two rules, no paths", src: `[{"AllowedOrigins":["https://a.test"],"AllowedMethods":["GET","HEAD","POST"]},{"AllowedOrigins":["https://b.test"],"AllowedMethods":["GET","HEAD","POST"]}]`, want: "paths"},
	} {
		_, _, err := convert.Convert(registry(), tc.src, "s3-json", "ingress-nginx")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a refusal naming %s", tc.desc, err, tc.want)
		}
	}
}
