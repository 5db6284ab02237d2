package all_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// samples are a policy of each format with several rules, for the tests
// that run every format.
var samples = []struct {
	desc, format, text string
}{
	{desc: "S3, two rules (cloud-policies.md §1.3)", format: "s3-json",
		text: `[{"AllowedOrigins":["https://a.test"],"AllowedMethods":["GET"]},{"AllowedOrigins":["https://b.test","http://*.c.test"],"AllowedMethods":["PUT"],"AllowedHeaders":["x-ok"],"MaxAgeSeconds":5}]`},
	{desc: "R2 as S3 (cloud-policies.md §2)", format: "r2-api",
		text: `{"rules":[{"allowed":{"origins":["https://a.test"],"methods":["GET"]}},{"allowed":{"origins":["https://b.test"],"methods":["PUT"],"headers":["x-ok"]}}]}`},
	{desc: "GCS (cloud-policies.md §3)", format: "gcs-json",
		text: `[{"origin":["https://a.test"],"method":["GET"]},{"origin":["https://b.test"],"method":["PUT"],"responseHeader":["x-ok"]}]`},
	{desc: "Azure (cloud-policies.md §4)", format: "azure-xml",
		text: `<Cors><CorsRule><AllowedOrigins>https://a.test</AllowedOrigins><AllowedMethods>GET</AllowedMethods><AllowedHeaders></AllowedHeaders><ExposedHeaders></ExposedHeaders><MaxAgeInSeconds>0</MaxAgeInSeconds></CorsRule><CorsRule><AllowedOrigins>https://b.test</AllowedOrigins><AllowedMethods>PUT</AllowedMethods><AllowedHeaders>x-ok</AllowedHeaders><ExposedHeaders></ExposedHeaders><MaxAgeInSeconds>5</MaxAgeInSeconds></CorsRule></Cors>`},
	{desc: "API Gateway HTTP API (cloud-policies.md §5.1)", format: "apigw-http",
		text: `{"AllowOrigins":["https://b.test"],"AllowMethods":["PUT"],"AllowHeaders":["x-ok"]}`},
	{desc: "API Gateway REST, Enable CORS with a 4XX Gateway Response (cloud-policies.md §5.2)", format: "apigw-rest",
		text: `{"AllowOrigin":"https://b.test","AllowMethods":["PUT","OPTIONS"],"AllowHeaders":"x-ok","GatewayResponses":["DEFAULT_4XX"]}`},
	{desc: "EC2's fixed policy (seeds: EC2 API CORS)", format: "ec2", text: "ec2"},
	{desc: "nginx, an if and add_header at two levels (cloud-policies.md §6.1)", format: "nginx",
		text: "add_header X-Top 1;\nlocation / {\n  if ($request_method = OPTIONS) { return 204; }\n  add_header Access-Control-Allow-Origin $http_origin;\n  add_header X-Empty $http_x_none;\n}\n"},
	{desc: "Express cors(), fixed origin and a regex (cloud-policies.md §6.3)", format: "express",
		text: "app.use('/api', cors({origin: [/\\.b\\.test$/, 'https://b.test'], preflightContinue: true}));\napp.use(cors({origin: 'https://a.test'}));\n"},
	{desc: "curl -i output (cloud-policies.md §6.5)", format: "raw",
		text: "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://b.test\r\n\r\n"},
	{desc: "our native policy (README)", format: "native",
		text: `{"rules":[{"path":"/a/*","origins":["https://a.test"]},{"path":"/*","origins":["https://b.test","https://*.b.test"],"methods":["PUT"],"request_headers":["x-ok"]}]}`},
}

// Every format keeps its trace as data (wire.Note) and says it with its
// own Words only when asked: each note and decision an evaluator records
// must have a sentence. A note's Case is either a key (one word, no
// space) that the format's Words turn into a sentence, or a sentence
// itself; a key left unsaid would reach the user as "no-headers".
func TestTraceSaysEveryNote(t *testing.T) {
	requests := []struct {
		desc   string
		req    policy.Request
		status int
	}{
		{"a preflight every rule refuses by origin", pf("https://z.test", "PUT", ""), 200},
		{"a preflight for a method no rule has", pf("https://b.test", "PATCH", ""), 200},
		{"a preflight with a header no rule has", pf("https://b.test", "PUT", "x-no"), 200},
		{"a preflight the second rule allows", pf("https://b.test", "PUT", "x-ok"), 200},
		{"a simple GET the first rule allows", get("https://a.test", "/a/x"), 200},
		{"a GET from an origin no rule has", get("https://z.test", "/api/x"), 200},
		{"a GET without Origin", get("", "/x"), 200},
		{"a GET answered 404", get("https://b.test", "/api/x"), 404},
		{"an API Gateway error reply", gatewayError("https://b.test"), 403},
	}
	for _, p := range samples {
		f, ok := reg.Lookup(p.format)
		if !ok {
			t.Fatalf("%s: no format %s", p.desc, p.format)
		}
		ev, err := f.Parse(p.text)
		if err != nil {
			t.Fatalf("%s: %v", p.desc, err)
		}
		for _, r := range requests {
			app := policy.Reply{Status: r.status, Header: headers.List{{Name: "Content-Type", Value: "text/plain"}}}
			if r.req.Header.Has("X-Amzn-Errortype") {
				app.Header.Add("x-amzn-ErrorType", "AccessDeniedException")
			}
			out := ev.Respond(r.req, app)
			if d := out.Text(); !sentence(d) {
				t.Errorf("%s, %s: decision %q (case %q) is not said", p.desc, r.desc, d, out.Decision.Case)
			}
			for _, rule := range out.Rules {
				if d := out.Detail(rule); (rule.Matched || rule.Failed != "") && !sentence(d) {
					t.Errorf("%s, %s: rule %d (failed %q) says %q (case %q)", p.desc, r.desc, rule.Index, rule.Failed, d, rule.Note.Case)
				}
			}
		}
	}
}

// sentence reports whether s reads as words rather than a case key.
func sentence(s string) bool { return strings.Contains(s, " ") }

func pf(origin, method, acrh string) policy.Request {
	h := headers.List{{Name: "Origin", Value: origin}, {Name: "Access-Control-Request-Method", Value: method}}
	if acrh != "" {
		h.Add("Access-Control-Request-Headers", acrh)
	}
	return policy.Request{Method: "OPTIONS", URL: "https://api.test/api/x", Header: h}
}

func get(origin, path string) policy.Request {
	h := headers.List{}
	if origin != "" {
		h.Add("Origin", origin)
	}
	return policy.Request{Method: "GET", URL: "https://api.test" + path, Header: h}
}

// gatewayError marks the request so that the application's reply is an
// API Gateway error (x-amzn-ErrorType), which only apigw-rest reads.
func gatewayError(origin string) policy.Request {
	r := get(origin, "/api/x")
	r.Header.Add("X-Amzn-Errortype", "1")
	return r
}

// A format that states the rules of its own evaluator (convert.Stater,
// so that a verdict reads its policy once) states what ReadRules reads
// from the text, positions included.
func TestStateRulesIsReadRules(t *testing.T) {
	stated := 0
	for _, p := range samples {
		f, _ := reg.Lookup(p.format)
		st, ok := f.(convert.Stater)
		if !ok {
			continue
		}
		stated++
		ev, err := f.Parse(p.text)
		if err != nil {
			t.Fatalf("%s: %v", p.desc, err)
		}
		got, ok := st.StateRules(ev, p.text)
		if !ok {
			t.Errorf("%s: StateRules refused its own evaluator", p.desc)
			continue
		}
		want, err := st.ReadRules(p.text)
		if err != nil {
			t.Fatalf("%s: %v", p.desc, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: StateRules\n%+v\nReadRules\n%+v", p.desc, got, want)
		}
		if _, ok := st.StateRules(fakeEvaluator{}, p.text); ok {
			t.Errorf("%s: StateRules took an evaluator it did not make", p.desc)
		}
	}
	if stated < 7 {
		t.Errorf("%d formats state their rules, want the 7 with rule models (s3, r2, gcs, azure, apigw-http, ec2, express, native)", stated)
	}
}

type fakeEvaluator struct{}

func (fakeEvaluator) Respond(policy.Request, policy.Reply) policy.Outcome { return policy.Outcome{} }
