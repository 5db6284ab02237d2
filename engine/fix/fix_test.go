package fix_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fix"
)

// Each case is one edit; want is the whole expected text, written by hand
// from the platform's syntax (the source named in desc), and the result
// must still parse with the platform's own reader.
var applyCases = []struct {
	desc, format, text string
	edit               fix.Edit
	want               string
}{
	{desc: "S3 JSON array, items inline (cloud-policies.md §1.1 console form)", format: "s3-json",
		text: "[\n  {\n    \"AllowedOrigins\": [\"https://a.test\"],\n    \"AllowedMethods\": [\"GET\"]\n  }\n]\n",
		edit: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}},
		want: "[\n  {\n    \"AllowedOrigins\": [\"https://a.test\"],\n    \"AllowedMethods\": [\"GET\", \"PUT\"]\n  }\n]\n"},
	{desc: "S3 JSON, items one per line keep their layout", format: "s3-cli",
		text: "{\"CORSRules\": [{\n  \"AllowedOrigins\": [\n    \"https://a.test\"\n  ],\n  \"AllowedMethods\": [\"PUT\"]\n}]}",
		edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.test"}},
		want: "{\"CORSRules\": [{\n  \"AllowedOrigins\": [\n    \"https://a.test\",\n    \"https://b.test\"\n  ],\n  \"AllowedMethods\": [\"PUT\"]\n}]}"},
	{desc: "S3 JSON, second rule, field absent: added after the origins", format: "s3-json",
		text: "[\n  {\"AllowedOrigins\": [\"https://x.test\"], \"AllowedMethods\": [\"GET\"]},\n  {\n    \"AllowedOrigins\": [\"https://a.test\"],\n    \"AllowedMethods\": [\"PUT\"]\n  }\n]",
		edit: fix.Edit{Op: fix.Add, Rule: 1, Field: fix.AllowHeaders, Values: []string{"x-amz-acl"}},
		want: "[\n  {\"AllowedOrigins\": [\"https://x.test\"], \"AllowedMethods\": [\"GET\"]},\n  {\n    \"AllowedOrigins\": [\"https://a.test\"],\n    \"AllowedHeaders\": [\"x-amz-acl\"],\n    \"AllowedMethods\": [\"PUT\"]\n  }\n]"},
	{desc: "S3 XML: a new element indented like its sibling (PutBucketCors schema)", format: "s3-xml",
		text: "<CORSConfiguration>\n <CORSRule>\n   <AllowedOrigin>https://a.test</AllowedOrigin>\n   <AllowedMethod>GET</AllowedMethod>\n </CORSRule>\n</CORSConfiguration>",
		edit: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}},
		want: "<CORSConfiguration>\n <CORSRule>\n   <AllowedOrigin>https://a.test</AllowedOrigin>\n   <AllowedMethod>GET</AllowedMethod>\n   <AllowedMethod>PUT</AllowedMethod>\n </CORSRule>\n</CORSConfiguration>"},
	{desc: "S3 XML: the first AllowedHeader goes after the origins", format: "s3-xml",
		text: "<CORSConfiguration>\n  <CORSRule>\n    <AllowedOrigin>https://a.test</AllowedOrigin>\n    <AllowedMethod>PUT</AllowedMethod>\n  </CORSRule>\n</CORSConfiguration>",
		edit: fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"x-amz-acl"}},
		want: "<CORSConfiguration>\n  <CORSRule>\n    <AllowedOrigin>https://a.test</AllowedOrigin>\n    <AllowedHeader>x-amz-acl</AllowedHeader>\n    <AllowedMethod>PUT</AllowedMethod>\n  </CORSRule>\n</CORSConfiguration>"},
	{desc: "Azure XML: comma-separated list (Set Blob Service Properties)", format: "azure-xml",
		text: "<Cors><CorsRule><AllowedOrigins>https://a.test</AllowedOrigins><AllowedMethods>GET</AllowedMethods><AllowedHeaders></AllowedHeaders><ExposedHeaders></ExposedHeaders><MaxAgeInSeconds>5</MaxAgeInSeconds></CorsRule></Cors>",
		edit: fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"x-ms-meta-a", "x-ms-meta-b"}},
		want: "<Cors><CorsRule><AllowedOrigins>https://a.test</AllowedOrigins><AllowedMethods>GET</AllowedMethods><AllowedHeaders>x-ms-meta-a,x-ms-meta-b</AllowedHeaders><ExposedHeaders></ExposedHeaders><MaxAgeInSeconds>5</MaxAgeInSeconds></CorsRule></Cors>"},
	{desc: "GCS XML: inside the Methods container (XML API CorsConfig)", format: "gcs-xml",
		text: "<CorsConfig><Cors><Origins><Origin>https://a.test</Origin></Origins><Methods><Method>GET</Method></Methods></Cors></CorsConfig>",
		edit: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}},
		want: "<CorsConfig><Cors><Origins><Origin>https://a.test</Origin></Origins><Methods><Method>GET</Method><Method>PUT</Method></Methods></Cors></CorsConfig>"},
	{desc: "native: credentials added next to the origins (native doc)", format: "native",
		text: `{"origins": ["https://a.test"]}`,
		edit: fix.Edit{Op: fix.Enable, Field: fix.Credentials},
		want: `{"origins": ["https://a.test"], "credentials": true}`},
	{desc: "API Gateway REST: AllowHeaders is one comma string (console Enable CORS)", format: "apigw-rest",
		text: `{"RestApiCors": {"AllowMethods": ["GET", "OPTIONS"], "AllowHeaders": "Content-Type,X-Api-Key", "AllowOrigin": "https://a.test"}}`,
		edit: fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"x-trace"}},
		want: `{"RestApiCors": {"AllowMethods": ["GET", "OPTIONS"], "AllowHeaders": "Content-Type,X-Api-Key,x-trace", "AllowOrigin": "https://a.test"}}`},
	{desc: "Express: a fixed origin string becomes a list of two (expressjs/cors isOriginAllowed)", format: "express",
		text: "app.use(cors({ origin: \"https://a.test\" }));\n",
		edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.test"}},
		want: "app.use(cors({ origin: [\"https://a.test\", \"https://b.test\"] }));\n"},
	{desc: "Express: options through a const, key added first", format: "express",
		text: "const opts = {\n  origin: ['https://a.test'],\n};\napp.use(cors(opts));\n",
		edit: fix.Edit{Op: fix.Enable, Field: fix.Credentials},
		want: "const opts = {\n  credentials: true,\n  origin: ['https://a.test'],\n};\napp.use(cors(opts));\n"},
	{desc: "Express: cors() without options gets an object", format: "express",
		text: "app.use(cors());\n",
		edit: fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: "*", Values: []string{"https://a.test"}},
		want: "app.use(cors({ origin: 'https://a.test' }));\n"},
	{desc: "nginx: always added to Access-Control-* only (ngx_http_headers_module)", format: "nginx",
		text: "location / {\n    add_header X-Frame-Options DENY;\n    add_header Access-Control-Allow-Origin https://a.test;\n}\n",
		edit: fix.Edit{Op: fix.Always},
		want: "location / {\n    add_header X-Frame-Options DENY;\n    add_header Access-Control-Allow-Origin https://a.test always;\n}\n"},
	{desc: "nginx: header appended inside the quoted list", format: "nginx",
		text: "location / {\n    add_header Access-Control-Allow-Origin https://a.test;\n    add_header Access-Control-Allow-Headers 'Content-Type';\n}\n",
		edit: fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"x-trace"}, Line: 2},
		want: "location / {\n    add_header Access-Control-Allow-Origin https://a.test;\n    add_header Access-Control-Allow-Headers 'Content-Type, x-trace';\n}\n"},
}

func TestApply(t *testing.T) {
	for _, tc := range applyCases {
		f, _ := reg.Lookup(tc.format)
		got, err := fix.Apply(f, tc.text, tc.edit)
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.desc, got, tc.want)
		}
		if _, err := f.Parse(got); err != nil {
			t.Errorf("%s: the result does not parse: %v", tc.desc, err)
		}
	}
}

func TestApplyRefusesUnsafeValues(t *testing.T) {
	for _, v := range []string{"*", "null", "", "https://a.test\"]", "a,b", "x\ny", "https://*.a.test"} {
		f, _ := reg.Lookup("native")
		if _, err := fix.Apply(f, `{"origins":["https://a.test"]}`, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{v}}); err == nil {
			t.Errorf("value %q accepted: a fix never adds a wildcard, null or a value that breaks the list", v)
		}
	}
}

func TestApplyUnsupported(t *testing.T) {
	for _, tc := range []struct{ desc, format string }{
		{desc: "raw replies have no rules to edit", format: "raw"},
		{desc: "HAR captures have no rules to edit", format: "har"},
	} {
		f, _ := reg.Lookup(tc.format)
		if _, err := fix.Apply(f, "x", fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://a.test"}}); err != fix.ErrUnsupported {
			t.Errorf("%s: err %v, want ErrUnsupported", tc.desc, err)
		}
	}
}

// The expected diffs follow GNU diff -u's format (diffutils manual,
// "Unified Format": ---/+++ headers, @@ -l,s +l,s @@ hunks, three lines of
// context, a one-line range written without ",1").
func TestDiff(t *testing.T) {
	for _, tc := range []struct{ desc, a, b, want string }{
		{desc: "equal texts", a: "x\n", b: "x\n", want: ""},
		{desc: "one line changed in the middle", a: "1\n2\n3\n4\n5\n6\n7\n8\n9\n", b: "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			want: "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"},
		{desc: "a line added at the top", a: "x\ny\n", b: "w\nx\ny\n",
			want: "--- a\n+++ b\n@@ -1,2 +1,3 @@\n+w\n x\n y\n"},
		{desc: "one-line file", a: "x", b: "y",
			want: "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n"},
		{desc: "two changes far apart make two hunks", a: "a\n1\n2\n3\n4\n5\n6\n7\n8\nb\n", b: "A\n1\n2\n3\n4\n5\n6\n7\n8\nB\n",
			want: "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-b\n+B\n"},
	} {
		if got := fix.Diff("a", "b", tc.a, tc.b); got != tc.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tc.desc, got, tc.want)
		}
	}
}

// FuzzApply: no input makes an edit panic, and an edit never drops text
// that was there (it only inserts or replaces one value).
func FuzzApply(f *testing.F) {
	for _, tc := range applyCases {
		f.Add(tc.text, tc.format, tc.edit.Field, "https://b.test")
	}
	f.Add(`[{"AllowedOrigins":[`, "s3-json", fix.Origins, "https://b.test")
	f.Add("<CORSRule><AllowedOrigin>", "s3-xml", fix.Methods, "PUT")
	f.Add("app.use(cors({origin: [/a/, 'b'", "express", fix.Origins, "https://b.test")
	f.Add("add_header Access-Control-Allow-Headers \"a;\nmap $http_origin $o {", "nginx", fix.AllowHeaders, "x")
	f.Add("add_header X-A 1;\nserver { add_header Access-Control-Allow-Origin * always; location / { add_header X-B 2; } }", "nginx", "", "")
	f.Fuzz(func(t *testing.T, text, format, field, value string) {
		pf, _ := reg.Lookup(format)
		for _, op := range []string{fix.Add, fix.Replace, fix.Enable, fix.Always, fix.AnswerOptions, fix.Inherit, fix.HideUpstream} {
			out, err := fix.Apply(pf, text, fix.Edit{Op: op, Field: field, Values: []string{value}, Old: "*", Line: 1})
			if err == nil && op == fix.Add && len(out) < len(text) {
				t.Fatalf("add shrank the text: %q -> %q", text, out)
			}
		}
		_ = fix.Diff("a", "b", text, strings.ToUpper(text))
	})
}
