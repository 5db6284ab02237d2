package convert_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/platform/s3"
)

// TestConvert checks one fact per case; each expected value cites the
// platform behaviour it rests on (shared/reference/cloud-policies.md,
// server-peers.md, or a package's documented contract).
func TestConvert(t *testing.T) {
	tests := []struct {
		desc     string
		text     string
		from, to string
		want     []string // substrings of the output
		notWant  []string
		note     string // "effect field" a note must have
		errHas   string // substring of the error; "" means no error
		refused  bool   // the error is a target refusal (*Error with Refused)
		exact    bool   // no note changes a decision (convert.Changes is empty)
	}{
		{desc: "S3 echoes the origin with credentials, so the native rule has credentials (cloud-policies.md §0 item 4)",
			text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET","PUT"]}]`, from: "s3-json", to: "native",
			want: []string{`"credentials": true`, `"origins": ["https://app.test"]`, `"methods": ["GET", "PUT"]`}},
		{desc: "S3 answers a * rule with ACAO * and no credentials (§0 item 4)",
			text: `[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]`, from: "s3-json", to: "native",
			want: []string{`"origins": ["*"]`}, notWant: []string{"credentials"}},
		{desc: "S3 header prefix patterns cannot be written portably: left out, narrower (§1.3 x-amz-*)",
			text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["PUT"],"AllowedHeaders":["x-amz-*","content-type"]}]`, from: "s3-json", to: "native",
			want: []string{`"request_headers": ["content-type"]`}, notWant: []string{"x-amz"}, note: "narrower allow_headers"},
		{desc: "S3 falls through to a later rule on method and headers; native rules that match on them do too (§0 item 1, native doc)",
			text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"]},{"AllowedOrigins":["https://app.test"],"AllowedMethods":["PUT"]}]`, from: "s3-json", to: "native",
			want: []string{`"methods": ["GET"],
      "match": ["method", "request_headers"]`, `"methods": ["PUT"],
      "match": ["method", "request_headers"]`}, exact: true},
		{desc: "S3 picks rules by method, so a PUT-only rule gives GET no headers; so does a native rule matching on method (§1.3; native doc)",
			text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["PUT"]}]`, from: "s3-json", to: "native",
			want: []string{`"methods": ["PUT"]`, `"match": ["method", "request_headers"]`}, exact: true},
		{desc: "GCS picks by origin and method, not headers (§3): match method only",
			text: `[{"origin":["https://app.test"],"method":["PUT"],"responseHeader":["x-a"]}]`, from: "gcs-json", to: "native",
			want: []string{`"methods": ["PUT"]`, `"match": ["method"]`}, notWant: []string{`"request_headers"]`}},
		{desc: "S3 *.example.com matches any scheme; written for https and http (§1.3 opaque strings)",
			text: `[{"AllowedOrigins":["*.example.com"],"AllowedMethods":["GET"]}]`, from: "s3-json", to: "native",
			want: []string{`"https://*.example.com"`, `"http://*.example.com"`}, note: "narrower origins"},
		{desc: "S3 applies CORS to the whole bucket, so a per-path rule is refused, naming rule and field",
			text: `{"path": "/api/*", "origins": ["https://app.test"]}`, from: "native", to: "s3-json",
			errHas: "rule 1 paths", refused: true},
		{desc: "writing S3 would add credentials the native rule did not have (§0 item 4): wider, so refused (issue 19)",
			text: `{"origins": ["https://app.test"], "methods": ["PUT"]}`, from: "native", to: "s3-xml",
			errHas: "rule 1 credentials: S3 sends Access-Control-Allow-Credentials", refused: true},
		{desc: "S3 refuses * in ExposeHeader, so it is left out (§1.2)",
			text: `{"origins": ["*"], "exposed_headers": ["*"]}`, from: "native", to: "s3-json",
			notWant: []string{"ExposeHeaders"}, note: "narrower expose_headers"},
		{desc: "GCS sends no Access-Control-Allow-Credentials (§3, [UNVERIFIED])",
			text: `{"origins": ["https://app.test"], "credentials": true}`, from: "native", to: "gcs-json",
			want: []string{`"origin": [`, `"https://app.test"`}, note: "narrower credentials"},
		{desc: "GCS compares partial wildcards literally: never matches, left out (§3)",
			text: `[{"origin":["https://*.app.test","https://app.test"],"method":["GET"]}]`, from: "gcs-json", to: "native",
			want: []string{`"origins": ["https://app.test"]`}, note: "same origins"},
		{desc: "API Gateway sends AllowHeaders * literally; native would echo every name: wider, so refused (§5.1; browser-cors.md §1.4; issue 19)",
			text: `{"AllowOrigins":["https://app.test"],"AllowHeaders":["*"]}`, from: "apigw-http", to: "native",
			errHas: "rule 1 allow_headers: apigw-http sends Access-Control-Allow-Headers: * as written", refused: true},
		// Tried as a new user would, this one was written, exit 0.
		{desc: "API Gateway sends AllowMethods * literally, a wildcard only without credentials; native would echo every method with them: wider, so refused (Fetch §4.8)",
			text: `{"AllowOrigins":["https://app.test"],"AllowMethods":["*"],"AllowCredentials":true}`, from: "apigw-http", to: "native",
			errHas: "rule 1 methods: apigw-http sends Access-Control-Allow-Methods: * as written, which with credentials", refused: true},
		{desc: "to a function URL, which sends it as written too: the same line (the two notes paired)",
			text: `{"AllowOrigins":["https://app.test"],"AllowMethods":["*"],"AllowCredentials":true}`, from: "apigw-http", to: "lambda-url",
			want: []string{`"AllowMethods": [`, `"*"`}, note: "same methods"},
		{desc: "the same without credentials: * is a wildcard there, the same",
			text: `{"AllowOrigins":["https://app.test"],"AllowMethods":["*"]}`, from: "apigw-http", to: "native",
			want: []string{`"methods": ["*"]`}},
		// Tried as a new user would, this was an input error (exit 2)
		// positioned as if the S3 text were wrong.
		{desc: "R2 refuses a port wildcard that S3 takes: the target refuses the conversion (cloudflare-docs#32888)",
			text: `[{"AllowedOrigins": ["http://localhost:*"], "AllowedMethods": ["GET"]}]`, from: "s3-json", to: "r2-api",
			errHas: "r2-api refuses the converted policy", refused: true},
		{desc: "one widening of seven rules is said once, with their numbers",
			text: `{"rules":[{"origins":["https://a1.test"]},{"origins":["https://a2.test"]},{"origins":["https://a3.test"]},{"origins":["https://a4.test"]},{"origins":["https://a5.test"]},{"origins":["https://a6.test"]},{"origins":["https://a7.test"]}]}`, from: "native", to: "s3-json",
			errHas: "rules 1, 2, 3, 4, 5 and 2 more credentials: S3 sends", refused: true},
		{desc: "an HTTP API has one CORS configuration (§5.1)",
			text: `{"rules":[{"path":"/a/*","origins":["https://a.test"]},{"origins":["https://b.test"]}]}`, from: "native", to: "apigw-http",
			errHas: "rule 2: an HTTP API has one CORS configuration", refused: true},
		{desc: "Azure keeps at most 5 rules (§4)",
			text: `[{"AllowedOrigins":["https://a1.test"],"AllowedMethods":["GET"]},{"AllowedOrigins":["https://a2.test"],"AllowedMethods":["GET"]},{"AllowedOrigins":["https://a3.test"],"AllowedMethods":["GET"]},{"AllowedOrigins":["https://a4.test"],"AllowedMethods":["GET"]},{"AllowedOrigins":["https://a5.test"],"AllowedMethods":["GET"]},{"AllowedOrigins":["https://a6.test"],"AllowedMethods":["GET"]}]`,
			from: "s3-json", to: "azure-xml", errHas: "azure-xml refuses", refused: true},
		{desc: "origin: true with credentials echoes any origin; native refuses it (server-peers.md §4 item 1)",
			text: `app.use(cors({origin: true, credentials: true}))`, from: "express", to: "native",
			errHas: "rule 1 origins", refused: true},
		{desc: "an Express RegExp origin cannot be written portably: left out (server-peers.md §1.3: no regexes)",
			text: `app.use(cors({origin: ['https://app.test', /^https:\/\/.+\.app\.test$/]}))`, from: "express", to: "native",
			want: []string{`"origins": ["https://app.test"]`}, note: "narrower origins"},
		{desc: "native picks a rule by path and origin: a second rule for every path answers its own origins (native package doc; issue 19)",
			text: `[{"AllowedOrigins":["https://a.test"],"AllowedMethods":["GET","PUT"]},{"AllowedOrigins":["https://b.test"],"AllowedMethods":["GET"]}]`, from: "s3-json", to: "native",
			want: []string{`"origins": ["https://a.test"]`, `"origins": ["https://b.test"]`}, exact: true},
		{desc: "a per-path rule before one for every path: native keeps the portable order (native package doc)",
			text: `{"rules": [{"path": "/a/*", "origins": ["https://a.test"]}, {"origins": ["https://b.test"]}]}`, from: "native", to: "native",
			want: []string{`"path": "/a/*"`, `"origins": ["https://b.test"]`}, exact: true},
		{desc: "a portable path covers itself and below: native needs the exact path and the prefix",
			text: `app.use('/api', cors({origin: 'https://app.test'}))`, from: "express", to: "native",
			want: []string{`"path": "/api"`, `"path": "/api/*"`}},
		{desc: "nginx exposes no rules to convert from",
			text: "add_header Access-Control-Allow-Origin https://app.test always;\n", from: "nginx", to: "native", errHas: "nginx"},
		{desc: "captured replies are not a policy",
			text: "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n\r\n", from: "auto", to: "native", errHas: "not a policy"},
		{desc: "the source's platform refusal comes back positioned (S3 one-wildcard rule, §1.2)",
			text: `[{"AllowedOrigins":["https://*.*.test"],"AllowedMethods":["GET"]}]`, from: "s3-json", to: "native", errHas: "line 1, column 21"},
		{desc: "unknown target",
			text: `{"origins":["*"]}`, from: "native", to: "har", errHas: "cannot write format"},
		{desc: "EC2's fixed policy: any origin, max-age 1800 (§5.3)",
			text: "ec2", from: "ec2", to: "native", want: []string{`"origins": ["*"]`, `"max_age": 1800`}},
		{desc: "S3 and Azure both pick a rule by origin and method (§1.3, §4): a PUT-only rule stays PUT-only, where GET, HEAD and POST were added and the conversion refused as wider",
			text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["PUT"],"AllowedHeaders":["content-type"]}]`, from: "s3-json", to: "azure-xml",
			want: []string{"<AllowedMethods>PUT</AllowedMethods>"}, exact: true},
		{desc: "Azure to S3, both picking by method (§4, §1.3): the list stays as it is",
			text: `<Cors><CorsRule><AllowedOrigins>https://app.test</AllowedOrigins><AllowedMethods>PUT,DELETE</AllowedMethods><AllowedHeaders>x-a</AllowedHeaders><ExposedHeaders></ExposedHeaders><MaxAgeInSeconds>60</MaxAgeInSeconds></CorsRule></Cors>`, from: "azure-xml", to: "s3-json",
			want: []string{`"PUT"`, `"DELETE"`}, notWant: []string{`"GET"`, `"POST"`}, exact: true},
		{desc: "S3 goes on past a rule whose AllowedHeaders miss a requested header, Azure does not (§1.3, §4): only that is said, not the method",
			text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["PUT"],"AllowedHeaders":["x-a"]},{"AllowedOrigins":["https://app.test"],"AllowedMethods":["PUT"],"AllowedHeaders":["x-b"]}]`, from: "s3-json", to: "azure-xml",
			note: "narrower origins", want: []string{"<AllowedMethods>PUT</AllowedMethods>"}, notWant: []string{"GET"}},
		{desc: "native answers GET, HEAD and POST whatever its methods list, so S3 must list them (Fetch §2.2.1)",
			text: `{"origins": ["https://app.test"], "methods": ["PUT"], "credentials": true}`, from: "native", to: "s3-json",
			want: []string{`"GET"`, `"HEAD"`, `"POST"`, `"PUT"`}},
		{desc: "an uppercase or default-port origin never equals a browser's Origin (RFC 6454 §6.2): left out as a trailing slash is, where it failed the conversion",
			text: `[{"AllowedOrigins":["https://app.test","https://App.test","https://app.test:443"],"AllowedMethods":["GET"]}]`, from: "s3-json", to: "native",
			want: []string{`"origins": ["https://app.test"]`}, notWant: []string{"App.test", ":443"}, note: "same origins"},
		{desc: "S3 to R2 keeps the rules as they are (R2 stores S3's model, §2)",
			text: `[{"ID":"r","AllowedOrigins":["https://app.test"],"AllowedMethods":["PUT"],"AllowedHeaders":["x-amz-*"]}]`, from: "s3-json", to: "r2-api",
			want: []string{`"allowed": {`, `"x-amz-*"`, `"id": "r"`}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			out, notes, err := convert.Convert(reg, tc.text, tc.from, tc.to)
			if tc.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errHas) {
					t.Fatalf("err = %v, want it to contain %q\nout:\n%s", err, tc.errHas, out)
				}
				var ce *convert.Error
				if got := errors.As(err, &ce) && ce.Refused; got != tc.refused {
					t.Errorf("refused = %v, want %v (%v)", got, tc.refused, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v; notes %+v", err, notes)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
			if c := convert.Changes(notes); tc.exact && len(c) > 0 {
				t.Errorf("want an exact conversion, got notes %+v", c)
			}
			if tc.note != "" {
				effect, field, _ := strings.Cut(tc.note, " ")
				found := false
				for _, n := range notes {
					found = found || (n.Effect == effect && n.Field == field)
				}
				if !found {
					t.Errorf("no %s note on %s; notes: %+v", effect, field, notes)
				}
			}
		})
	}
}

// Same-platform conversions keep every rule: S3 XML to JSON and back reads
// as the same configuration; native to native is native.Write's canonical
// form.
func TestRoundTrip(t *testing.T) {
	xml := `<CORSConfiguration><CORSRule><ID>a</ID><AllowedOrigin>https://*.app.test</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedHeader>x-amz-*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>60</MaxAgeSeconds></CORSRule></CORSConfiguration>`
	js, notes, err := convert.Convert(reg, xml, "s3-xml", "s3-json")
	if err != nil || len(notes) > 0 {
		t.Fatalf("to JSON: %v %+v", err, notes)
	}
	back, _, err := convert.Convert(reg, js, "s3-json", "s3-xml")
	if err != nil {
		t.Fatal(err)
	}
	a, err1 := s3.Parse(s3.FormXML, xml)
	b, err2 := s3.Parse(s3.FormXML, back)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	ra, rb := a.Rules[0], b.Rules[0]
	if ra.ID != rb.ID || strings.Join(ra.AllowedOrigins, ",") != strings.Join(rb.AllowedOrigins, ",") || strings.Join(ra.AllowedMethods, ",") != strings.Join(rb.AllowedMethods, ",") ||
		strings.Join(ra.AllowedHeaders, ",") != strings.Join(rb.AllowedHeaders, ",") || strings.Join(ra.ExposeHeaders, ",") != strings.Join(rb.ExposeHeaders, ",") || *ra.MaxAgeSeconds != *rb.MaxAgeSeconds {
		t.Errorf("round trip changed the rule:\n%+v\n%+v", ra, rb)
	}

	src := `{"rules":[{"name":"api","path":"/api/*","origins":["https://app.test"],"methods":["PUT"],"credentials":true,"max_age":600}]}`
	out, _, err := convert.Convert(reg, src, "native", "native")
	if err != nil {
		t.Fatal(err)
	}
	p, err := native.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if out != native.Write(p) {
		t.Errorf("native to native:\n%s\nwant native.Write:\n%s", out, native.Write(p))
	}
}

// Read keeps where each value is in the user's text, for lint.
func TestReadPositions(t *testing.T) {
	src, err := convert.Read(reg, "{\n  \"origins\": [\n    \"https://a.test\",\n    \"null\"\n  ]\n}", "native")
	if err == nil {
		t.Fatalf("native accepts null? %+v", src)
	}
	src, err = convert.Read(reg, "[\n  {\"origin\": [\"https://a.test\", \"*\"],\n   \"method\": [\"GET\"]}\n]", "gcs-json")
	if err != nil {
		t.Fatal(err)
	}
	o := src.Rules[0].Origins[1]
	// Line 2: two spaces, {"origin": [ (12 bytes), "https://a.test" (16),
	// ", " (2): the "*" string starts at column 2+12+16+2+1 = 33.
	if o.Text != "*" || o.Pos.Line != 2 || o.Pos.Column != 33 || o.Pos.Path != "$[0].origin[1]" {
		t.Errorf("origin[1] = %+v, want \"*\" at 2:33, $[0].origin[1]", o)
	}
}

func FuzzConvert(f *testing.F) {
	f.Add(`[{"AllowedOrigins":["https://app.test","*"],"AllowedMethods":["GET","PUT"],"AllowedHeaders":["*"]}]`, 0, 0)
	f.Add(`{"rules":[{"path":"/api/*","origins":["https://*.app.test"],"credentials":true}]}`, 7, 3)
	f.Add(`app.use('/x', cors({origin: [/^a$/, 'https://b.test'], allowedHeaders: '*'}))`, 4, 5)
	f.Add(`[{"origin":["*"],"method":["*"],"responseHeader":["*"]}]`, 5, 12)
	f.Add(`<Cors><CorsRule><AllowedOrigins>*</AllowedOrigins><AllowedMethods>GET</AllowedMethods><AllowedHeaders>x-ms-meta-*</AllowedHeaders><ExposedHeaders></ExposedHeaders><MaxAgeInSeconds>5</MaxAgeInSeconds></CorsRule></Cors>`, 2, 1)
	f.Add(`{"AllowOrigins":["https://*"],"AllowMethods":["*"],"AllowCredentials":true}`, 0, 10)
	f.Add("[{", 3, 2)
	sources := append([]string{"auto", "nginx", "raw", "har"}, convert.Sources(reg)...)
	targets := convert.Targets(reg)
	f.Fuzz(func(t *testing.T, text string, from, to int) {
		if from < 0 || to < 0 {
			return
		}
		fr, tg := sources[from%len(sources)], targets[to%len(targets)]
		out, _, err := convert.Convert(reg, text, fr, tg)
		if err == nil && out == "" {
			t.Errorf("%s -> %s: no error and no output", fr, tg)
		}
	})
}

// BenchmarkConvert: go test ./engine/convert -run XXX -bench Convert
func BenchmarkConvert(b *testing.B) {
	text := `[{"AllowedOrigins":["https://app.test","https://*.app.test"],"AllowedMethods":["GET","PUT"],"AllowedHeaders":["*"],"MaxAgeSeconds":3000},{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]`
	for _, to := range []string{"native", "r2-api", "gcs-json"} {
		b.Run("from=s3-json/to="+to, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := convert.Convert(reg, text, "s3-json", to); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
