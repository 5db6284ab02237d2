package s3_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
)

// TestParseErrors: every fault is reported, with S3's code and position.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		desc  string
		form  s3.Form
		text  string
		want  []policy.Error // Code, Msg prefix, Path, Line, Column
		cites string
	}{
		{
			desc: "unsupported method and two wildcards, both reported",
			form: s3.FormJSON,
			text: "[\n {\"AllowedOrigins\": [\"*example*.com\"],\n  \"AllowedMethods\": [\"GET\", \"MYMETHOD\"]}\n]",
			want: []policy.Error{
				{Code: "InvalidRequest", Msg: "Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD", Path: "$[0].AllowedMethods[1]", Line: 3, Column: 29},
				{Code: "InvalidRequest", Msg: `AllowedOrigin "*example*.com" can not have more than one wildcard.`, Path: "$[0].AllowedOrigins[0]", Line: 2, Column: 22},
			},
			cites: "cloud-policies.md §0 item 9 (verbatim messages, [AWS-REC])",
		},
		{
			desc:  "OPTIONS is not an AllowedMethod",
			form:  s3.FormCLI,
			text:  `{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["OPTIONS"]}]}`,
			want:  []policy.Error{{Code: "InvalidRequest", Msg: "Found unsupported HTTP method in CORS config. Unsupported method is OPTIONS", Path: "$.CORSRules[0].AllowedMethods[0]"}},
			cites: "cloud-policies.md §1.2 (aws/aws-sdk-js#3667)",
		},
		{
			desc:  "empty rule list",
			form:  s3.FormCLI,
			text:  `{"CORSRules": []}`,
			want:  []policy.Error{{Code: "MalformedXML", Msg: s3.MsgMalformedXML}},
			cites: "cloud-policies.md §1.2 ([AWS-REC] test_put_cors_invalid_rules)",
		},
		{
			desc:  "rule without AllowedMethod, in XML, at its line",
			form:  s3.FormXML,
			text:  "<CORSConfiguration>\n <CORSRule>\n  <AllowedOrigin>*</AllowedOrigin>\n </CORSRule>\n</CORSConfiguration>",
			want:  []policy.Error{{Code: "MalformedXML", Msg: s3.MsgMalformedXML, Path: "CORSConfiguration/CORSRule[1]", Line: 2, Column: 2}},
			cites: "cloud-policies.md §1.2 (versitygw#1863, Scality putCors.js)",
		},
		{
			desc:  "empty AllowedMethod element",
			form:  s3.FormXML,
			text:  "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod/></CORSRule></CORSConfiguration>",
			want:  []policy.Error{{Code: "InvalidRequest", Msg: "Found unsupported HTTP method in CORS config. Unsupported method is ", Path: "CORSConfiguration/CORSRule[1]/AllowedMethod[1]"}},
			cites: "cloud-policies.md §1.2 (versitygw#1863, S3 capture)",
		},
		{
			desc:  "the missing comma of AWS's own Testing CORS sample",
			form:  s3.FormJSON,
			text:  "[{\"AllowedOrigins\": [\"*\"],\n \"AllowedMethods\": [\"GET\" \"PUT\"]}]",
			want:  []policy.Error{{Msg: "invalid JSON", Line: 2, Column: 27}},
			cites: "cloud-policies.md §1.1 (testing-cors.html sample with a missing comma)",
		},
		{
			desc:  "ID longer than 255 characters",
			form:  s3.FormJSON,
			text:  `[{"ID":"` + strings.Repeat("x", 256) + `","AllowedOrigins":["*"],"AllowedMethods":["GET"]}]`,
			want:  []policy.Error{{Code: "InvalidArgument", Path: "$[0]"}},
			cites: "cloud-policies.md §1.2 (CORSRule.ID limit [DOC]; code [UNVERIFIED])",
		},
		{
			desc:  "101 rules",
			form:  s3.FormJSON,
			text:  "[" + strings.Repeat(`{"AllowedOrigins":["*"],"AllowedMethods":["GET"]},`, 100) + `{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]`,
			want:  []policy.Error{{Code: "InvalidRequest", Msg: "The number of CORS rules should not exceed allowed limit of 100 rules.", Path: "$[100]"}},
			cites: "cloud-policies.md §1.2 (100 rules [DOC]; code per Scality, [UNVERIFIED])",
		},
		{
			desc:  "wildcard in ExposeHeader",
			form:  s3.FormJSON,
			text:  `[{"AllowedOrigins":["*"],"AllowedMethods":["GET"],"ExposeHeaders":["x-amz-*"]}]`,
			want:  []policy.Error{{Code: "InvalidRequest", Path: "$[0].ExposeHeaders[0]"}},
			cites: "cloud-policies.md §1.2 (libreliodev/javascript#53)",
		},
		{
			desc:  "a field name in the wrong case",
			form:  s3.FormJSON,
			text:  `[{"allowedOrigins":["*"],"AllowedMethods":["GET"]}]`,
			want:  []policy.Error{{Msg: `unknown field "allowedOrigins"`, Path: "$[0].allowedOrigins"}},
			cites: "ManageCorsUsing.md: the console's field names",
		},
		{
			desc:  "CloudFormation uses ExposedHeaders and MaxAge, not the console names",
			form:  s3.FormCloudFormation,
			text:  `{"CorsConfiguration":{"CorsRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"],"ExposeHeaders":["ETag"]}]}}`,
			want:  []policy.Error{{Msg: `unknown field "ExposeHeaders"`, Path: "$.CorsConfiguration.CorsRules[0].ExposeHeaders"}},
			cites: "cloud-policies.md §1.1 (aws-properties-s3-bucket-corsrule)",
		},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := s3.Parse(tc.form, tc.text)
			var es policy.Errors
			if !errors.As(err, &es) {
				t.Fatalf("want policy.Errors, got %v (%s)", err, tc.cites)
			}
			if len(es) != len(tc.want) {
				t.Fatalf("got %d errors %v, want %d (%s)", len(es), es, len(tc.want), tc.cites)
			}
			for i, w := range tc.want {
				g := es[i]
				if g.Code != w.Code || !strings.HasPrefix(g.Msg, w.Msg) || (w.Path != "" && g.Path != w.Path) ||
					(w.Line != 0 && (g.Line != w.Line || g.Column != w.Column)) {
					t.Errorf("error %d = %+v, want %+v (%s)", i, *g, w, tc.cites)
				}
			}
		})
	}
}

// TestSeeds: every configuration shown in the AWS pages of shared/seeds
// is accepted, in each of its forms.
func TestSeeds(t *testing.T) {
	tests := []struct {
		desc, text string
		form       s3.Form
		rules      int
	}{
		{desc: "S3 guide, three rules, no xmlns", form: s3.FormXML, rules: 3, text: `<CORSConfiguration>
 <CORSRule>
   <AllowedOrigin>http://www.example1.com</AllowedOrigin>
   <AllowedMethod>PUT</AllowedMethod>
   <AllowedMethod>POST</AllowedMethod>
   <AllowedMethod>DELETE</AllowedMethod>
   <AllowedHeader>*</AllowedHeader>
 </CORSRule>
 <CORSRule>
   <AllowedOrigin>http://www.example2.com</AllowedOrigin>
   <AllowedMethod>PUT</AllowedMethod>
   <AllowedMethod>POST</AllowedMethod>
   <AllowedMethod>DELETE</AllowedMethod>
   <AllowedHeader>*</AllowedHeader>
 </CORSRule>
 <CORSRule>
   <AllowedOrigin>*</AllowedOrigin>
   <AllowedMethod>GET</AllowedMethod>
 </CORSRule>
</CORSConfiguration>`},
		{desc: "S3 guide, MaxAgeSeconds and ExposeHeader", form: s3.FormXML, rules: 1, text: `<CORSConfiguration>
 <CORSRule>
   <AllowedOrigin>http://www.example.com</AllowedOrigin>
   <AllowedMethod>PUT</AllowedMethod>
   <AllowedMethod>POST</AllowedMethod>
   <AllowedMethod>DELETE</AllowedMethod>
   <AllowedHeader>*</AllowedHeader>
  <MaxAgeSeconds>3000</MaxAgeSeconds>
  <ExposeHeader>x-amz-server-side-encryption</ExposeHeader>
  <ExposeHeader>x-amz-request-id</ExposeHeader>
  <ExposeHeader>x-amz-id-2</ExposeHeader>
 </CORSRule>
</CORSConfiguration>`},
		{desc: "JS SDK guide, XML with empty xmlns and empty AllowedOrigin", form: s3.FormXML, rules: 1,
			text: `<?xml version="1.0" encoding="UTF-8"?> <CORSConfiguration xmlns=""> <CORSRule> <AllowedOrigin></AllowedOrigin> <AllowedMethod>HEAD</AllowedMethod> <AllowedMethod>GET</AllowedMethod> <AllowedMethod>PUT</AllowedMethod> <AllowedMethod>POST</AllowedMethod> <AllowedMethod>DELETE</AllowedMethod> <AllowedHeader>*</AllowedHeader> <ExposeHeader>ETag</ExposeHeader> <ExposeHeader>x-amz-meta-custom-header</ExposeHeader> </CORSRule> </CORSConfiguration>`},
		{desc: "JS SDK guide, console JSON", form: s3.FormJSON, rules: 1,
			text: `[ { "AllowedHeaders": [ "*" ], "AllowedMethods": [ "HEAD", "GET", "PUT", "POST", "DELETE" ], "AllowedOrigins": [ "" ], "ExposeHeaders": [ "ETag", "x-amz-meta-custom-header"] } ]`},
		// A whole template ({"Resources": ...}) is detected as the
		// cloudformation format's (engine/formats/cloudformation), which
		// reads every resource; s3-cloudformation claims a bucket resource.
		{desc: "CloudFormation bucket resource", form: s3.FormCloudFormation, rules: 1,
			text: `{"Type":"AWS::S3::Bucket","Properties":{"CorsConfiguration":{"CorsRules":[{"Id":"r1","AllowedOrigins":["https://a.test"],"AllowedMethods":["GET"],"ExposedHeaders":["ETag"],"MaxAge":"600"}]}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			c, err := s3.Parse(tc.form, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Rules) != tc.rules {
				t.Fatalf("%d rules, want %d", len(c.Rules), tc.rules)
			}
			if got := reg.Detect(tc.text); len(got) != 1 || got[0].Format != string(tc.form) {
				t.Errorf("Detect = %v, want only %s", got, tc.form)
			}
		})
	}
}

// TestTrace: S3 falls through to a later rule when an earlier one fails on
// headers, and the trace names the first failing condition of each rule
// (cloud-policies.md §0 item 1; vector s3-scality-4).
func TestTrace(t *testing.T) {
	c, err := s3.Parse(s3.FormJSON, `[
 {"ID":"a","AllowedOrigins":["https://other.test"],"AllowedMethods":["GET"]},
 {"ID":"b","AllowedOrigins":["https://app.test"],"AllowedMethods":["PUT"]},
 {"ID":"c","AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"],"AllowedHeaders":["content-type"]},
 {"ID":"d","AllowedOrigins":["https://*.test"],"AllowedMethods":["GET"],"AllowedHeaders":["x-*"]},
 {"ID":"e","AllowedOrigins":["*"],"AllowedMethods":["GET"],"AllowedHeaders":["*"]}
]`)
	if err != nil {
		t.Fatal(err)
	}
	out := s3.Bucket{CORS: c}.Respond(policy.Request{Method: "OPTIONS", URL: "https://b.s3.amazonaws.com/k", Header: headers.List{
		{Name: "Origin", Value: "https://app.test"}, {Name: "Access-Control-Request-Method", Value: "GET"},
		{Name: "Access-Control-Request-Headers", Value: "X-Api-Key"},
	}}, policy.Reply{})
	want := []struct {
		id, failed string
		matched    bool
	}{{"a", "origin", false}, {"b", "method", false}, {"c", "headers", false}, {"d", "", true}}
	if len(out.Rules) != len(want) {
		t.Fatalf("trace %+v, want %d entries (stops at the deciding rule)", out.Rules, len(want))
	}
	for i, w := range want {
		g := out.Rules[i]
		if g.ID != w.id || g.Failed != w.failed || g.Matched != w.matched || g.Index != i || g.Path != "$["+string(rune('0'+i))+"]" {
			t.Errorf("rule %d = %+v, want %+v", i, g, w)
		}
	}
	// [AWS-REC] opt-get-two: requested names lowercased; echo + ACAC.
	if v, _ := out.Reply.Header.Get("Access-Control-Allow-Headers"); v != "x-api-key" {
		t.Errorf("ACAH %q", v)
	}
	if v, _ := out.Reply.Header.Get("Access-Control-Allow-Credentials"); v != "true" {
		t.Errorf("ACAC %q", v)
	}
}

// TestStarMatch: one '*' matches any run, the empty run included, with the
// length guard (cloud-policies.md §1.3; s3-tests L6913-6986 and Scality
// corsPreflight.js L290-360).
func TestStarMatch(t *testing.T) {
	tests := []struct {
		desc, pattern, origin string
		want                  bool
	}{
		{desc: "star spans dots", pattern: "*.allowedorigin.com", origin: "a.b.allowedorigin.com", want: true},
		{desc: "star matches empty prefix", pattern: "*.allowedorigin.com", origin: ".allowedorigin.com", want: true},
		{desc: "star matches empty suffix", pattern: "http://www.allowedorigin.*", origin: "http://www.allowedorigin.", want: true},
		{desc: "overlap guard: ab*ba does not match aba", pattern: "ab*ba", origin: "aba", want: false},
		{desc: "no URL parsing: trailing slash breaks a match", pattern: "http://*.origin.com", origin: "http://test.origin.com/", want: false},
		{desc: "port compared literally", pattern: "http://www.example.com", origin: "http://www.example.com:80", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			c := &s3.Configuration{Rules: []s3.Rule{{AllowedOrigins: []string{tc.pattern}, AllowedMethods: []string{"GET"}}}}
			out := s3.Bucket{CORS: c}.Respond(policy.Request{Method: "GET", URL: "/k", Header: headers.List{{Name: "Origin", Value: tc.origin}}}, policy.Reply{Status: 200})
			if got := out.Reply.Header.Has("Access-Control-Allow-Origin"); got != tc.want {
				t.Errorf("matched %v, want %v", got, tc.want)
			}
		})
	}
}

// TestRoundTrip: parse -> write -> parse gives the same rules in every form.
func TestRoundTrip(t *testing.T) {
	src := `[{"ID":"r1","AllowedHeaders":["*"],"AllowedMethods":["GET","PUT"],"AllowedOrigins":["https://a.test","http://*.b.test"],"ExposeHeaders":["ETag"],"MaxAgeSeconds":3000},
 {"AllowedMethods":["HEAD"],"AllowedOrigins":["*"],"MaxAgeSeconds":0}]`
	c, err := s3.Parse(s3.FormJSON, src)
	if err != nil {
		t.Fatal(err)
	}
	writers := []struct {
		form  s3.Form
		write func(*s3.Configuration) (string, error)
	}{{s3.FormJSON, s3.WriteJSON}, {s3.FormCLI, s3.WriteCLI}, {s3.FormXML, s3.WriteXML}}
	for _, w := range writers {
		text, err := w.write(c)
		if err != nil {
			t.Fatal(err)
		}
		back, err := s3.Parse(w.form, text)
		if err != nil {
			t.Fatalf("%s: %v\n%s", w.form, err, text)
		}
		if !sameRules(c, back) {
			t.Errorf("%s round trip changed the rules:\n%s", w.form, text)
		}
	}
}

// TestActualRequestKeepsApp: an evaluator must not write into app.Header
// (policy.Evaluator contract; rs/cors issue #198).
func TestActualRequestKeepsApp(t *testing.T) {
	c, _ := s3.Parse(s3.FormJSON, `[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]`)
	app := policy.Reply{Status: 200, Header: make(headers.List, 1, 8)}
	app.Header[0] = headers.Field{Name: "ETag", Value: `"x"`}
	out := s3.Bucket{CORS: c}.Respond(policy.Request{Method: "GET", URL: "/k", Header: headers.List{{Name: "Origin", Value: "https://a.test"}}}, app)
	if len(app.Header) != 1 || app.Header[:2][1].Name != "" {
		t.Errorf("app.Header modified: %v", app.Header[:2])
	}
	if v, _ := out.Reply.Header.Get("ETag"); v != `"x"` {
		t.Errorf("app header lost: %v", out.Reply.Header)
	}
}

// reg holds this package's formats.
var reg = policy.NewRegistry(s3.Formats()...)

// TestMethodNoteSaysWhatS3Takes: a method S3 cannot list in AllowedMethod
// (GET, PUT, HEAD, POST and DELETE only, cloud-policies.md §1.2) is said
// to be one no rule can allow, since the fix search then offers no edit;
// a method it takes is said to be missing, case-sensitively.
func TestMethodNoteSaysWhatS3Takes(t *testing.T) {
	c, err := s3.Parse(s3.FormJSON, `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"]}]`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		desc, method, want string
	}{
		{desc: "PUT, which a rule can list", method: "PUT", want: `method PUT is not in AllowedMethods ["GET"] (case-sensitive)`},
		{desc: "PATCH, which none can", method: "PATCH", want: `method PATCH is not in AllowedMethods ["GET"] (case-sensitive); S3 takes only GET, PUT, HEAD, POST and DELETE in AllowedMethod, so no rule can allow it`},
		{desc: "a method of the page's own: the browser sends it as written", method: "put-x", want: `method put-x is not in AllowedMethods ["GET"] (case-sensitive); S3 takes only`},
	} {
		out := s3.Bucket{CORS: c}.Respond(policy.Request{Method: "OPTIONS", URL: "https://b.s3.amazonaws.com/k", Header: headers.List{
			{Name: "Origin", Value: "https://app.test"}, {Name: "Access-Control-Request-Method", Value: tc.method},
		}}, policy.Reply{})
		if len(out.Rules) != 1 {
			t.Fatalf("%s: trace %+v", tc.desc, out.Rules)
		}
		if got := out.Detail(out.Rules[0]); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: %q, want it to start %q", tc.desc, got, tc.want)
		}
	}
}
