package vercel_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfusion: with vercel and firebase registered beside every
// format, each hosting golden file is claimed by its own format alone,
// and no golden file of another format (every engine/**/testdata file but
// fuzz corpora), nor the JSON forms of neighbouring formats, is claimed
// by either.
func TestConfusion(t *testing.T) {
	reg := registry()
	claims := func(text string) []string {
		var out []string
		for _, d := range reg.Detect(text) {
			out = append(out, d.Format)
		}
		return out
	}
	own := map[string]string{"vercel": "vercel", "firebase": "firebase"}
	n := 0
	err := filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "fuzz" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.Contains(filepath.ToSlash(p), "/testdata/") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil || len(b) > 1<<20 {
			return err
		}
		n++
		pkg := filepath.Base(filepath.Dir(filepath.Dir(p)))
		got := claims(string(b))
		for _, name := range []string{"vercel", "firebase"} {
			has := false
			for _, g := range got {
				if g == name {
					has = true
				}
			}
			if want := own[pkg] == name; has != want {
				t.Errorf("%s: claimed by %v; %s should claim it: %v", p, got, name, want)
			}
		}
		if own[pkg] != "" && len(got) != 1 {
			t.Errorf("%s: claimed by %v, want only %s", p, got, own[pkg])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Errorf("only %d golden files found", n)
	}
	neighbours := []struct{ desc, text string }{
		{"S3 JSON (docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html)", `[{"AllowedHeaders": ["*"], "AllowedMethods": ["GET"], "AllowedOrigins": ["https://a.test"], "ExposeHeaders": []}]`},
		{"S3 API JSON with CORSRules", `{"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]}`},
		{"GCS JSON (cloud.google.com/storage/docs/cors-configurations)", `[{"origin": ["https://a.test"], "method": ["GET"], "responseHeader": ["Content-Type"], "maxAgeSeconds": 3600}]`},
		{"serverless JSON with http cors headers", `{"service": "api", "provider": {"name": "aws"}, "functions": {"f": {"events": [{"http": {"path": "x", "method": "get", "cors": {"origin": "*", "headers": ["Content-Type"]}}}]}}}`},
		{"CloudFormation JSON with a header list", `{"Resources": {"P": {"Type": "AWS::CloudFront::ResponseHeadersPolicy", "Properties": {"ResponseHeadersPolicyConfig": {"CustomHeadersConfig": {"Items": [{"Header": "X", "Value": "1", "Override": true}]}, "headers": [{"source": "/", "key": "k", "value": "v"}]}}}}}`},
		{"native policy", `{"rules": [{"origins": ["https://a.test"], "methods": ["GET"], "allow_headers": ["Content-Type"]}]}`},
		{"Netlify _headers", "/api/*\n  Access-Control-Allow-Origin: *\n"},
		{"netlify.toml", "[[headers]]\n  for = \"/api/*\"\n  [headers.values]\n    Access-Control-Allow-Origin = \"*\"\n"},
		{"a HAR file's header objects", `{"log": {"version": "1.2", "entries": [{"request": {"method": "GET", "url": "https://a/", "headers": [{"name": "Origin", "value": "https://b"}]}, "response": {"status": 200, "headers": [{"name": "source", "value": "key"}]}}]}}`},
	}
	for _, tc := range neighbours {
		for _, g := range claims(tc.text) {
			if g == "vercel" || g == "firebase" {
				t.Errorf("%s: claimed by %s", tc.desc, g)
			}
		}
	}
}
