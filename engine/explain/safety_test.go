package explain_test

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
)

// Pools the random scenarios draw from. The page is always one of
// pageOrigins; foreign is an origin no generated policy names except
// through a wildcard or reflection.
var (
	pageOrigins = []string{"https://app.test", "https://www.app.test", "http://localhost:3000"}
	policyOrigs = []string{"https://app.test", "https://www.app.test", "http://localhost:3000", "https://other.test", "*"}
	methods     = []string{"GET", "POST", "PUT", "DELETE", "PATCH"}
	hdrNames    = []string{"Content-Type", "X-Api-Key", "Authorization", "X-Amz-Acl", "X-Trace"}
)

const foreign = "https://evil.example"

func pick[T any](r *rand.Rand, l []T) T { return l[r.IntN(len(l))] }

func subset(r *rand.Rand, l []string) []string {
	var out []string
	for _, x := range l {
		if r.IntN(3) == 0 {
			out = append(out, x)
		}
	}
	return out
}

func jsonList(l []string) string {
	b, _ := json.Marshal(l)
	if l == nil {
		return "[]"
	}
	return string(b)
}

// randomPolicy writes a policy in one of several formats, with one to
// three rules of random origins, methods and headers; credentials are
// random where the format has them, including the unsafe combinations a
// fix must not keep (Express origin true or "*" with credentials).
func randomPolicy(r *rand.Rand) explain.Policy {
	rules := 1 + r.IntN(3)
	var parts []string
	switch f := r.IntN(7); f {
	case 0, 1: // s3-json, azure-json
		for range rules {
			o, m, h := subset(r, policyOrigs), subset(r, methods[:4]), subset(r, hdrNames)
			if len(o) == 0 {
				o = []string{pick(r, policyOrigs)}
			}
			if len(m) == 0 {
				m = []string{"GET"}
			}
			if f == 0 {
				parts = append(parts, `{"AllowedOrigins":`+jsonList(o)+`,"AllowedMethods":`+jsonList(m)+`,"AllowedHeaders":`+jsonList(h)+`}`)
			} else {
				parts = append(parts, `{"allowedOrigins":`+jsonList(o)+`,"allowedMethods":`+jsonList(m)+`,"allowedHeaders":`+jsonList(h)+`,"exposedHeaders":[],"maxAgeInSeconds":60}`)
			}
		}
		if f == 0 {
			return explain.Policy{Format: "s3-json", Text: "[\n" + strings.Join(parts, ",\n") + "\n]"}
		}
		return explain.Policy{Format: "azure-json", Text: `{"corsRules":[` + strings.Join(parts, ",") + `]}`}
	case 2: // gcs-json
		for range rules {
			o := subset(r, policyOrigs)
			if len(o) == 0 {
				o = []string{pick(r, policyOrigs)}
			}
			parts = append(parts, `{"origin":`+jsonList(o)+`,"method":`+jsonList(append(subset(r, methods), "GET"))+`,"responseHeader":`+jsonList(subset(r, hdrNames))+`}`)
		}
		return explain.Policy{Format: "gcs-json", Text: "[" + strings.Join(parts, ",") + "]"}
	case 3: // native, which refuses "*" with credentials by itself
		cred := r.IntN(2) == 0
		for range rules {
			var o []string
			for _, x := range subset(r, policyOrigs) {
				if x != "*" || !cred {
					o = append(o, x)
				}
			}
			if len(o) == 0 {
				o = []string{"https://other.test"}
			}
			parts = append(parts, `{"origins":`+jsonList(o)+`,"methods":`+jsonList(subset(r, methods))+`,"request_headers":`+jsonList(subset(r, hdrNames))+`,"credentials":`+strconv.FormatBool(cred)+`}`)
		}
		return explain.Policy{Format: "native", Text: `{"rules":[` + parts[0] + `]}`}
	case 4: // express
		origin := pick(r, []string{`'*'`, `true`, `['https://other.test']`, `['https://app.test', 'https://other.test']`, `'https://other.test'`})
		return explain.Policy{Format: "express", Text: "app.use(cors({\n  origin: " + origin + ",\n  methods: " + jsonList(subset(r, methods)) +
			",\n  allowedHeaders: " + jsonList(subset(r, hdrNames)) + ",\n  credentials: " + strconv.FormatBool(r.IntN(2) == 0) + "\n}));\n"}
	case 5: // apigw-http
		o := subset(r, policyOrigs[:4])
		if len(o) == 0 {
			o = []string{"https://other.test"}
		}
		return explain.Policy{Format: "apigw-http", Text: `{"AllowOrigins":` + jsonList(o) + `,"AllowMethods":` + jsonList(subset(r, methods)) +
			`,"AllowHeaders":` + jsonList(subset(r, hdrNames)) + `,"AllowCredentials":` + strconv.FormatBool(r.IntN(2) == 0) + `}`}
	default: // nginx
		return explain.Policy{Format: "nginx", Text: "location / {\n    add_header Access-Control-Allow-Origin \"" + pick(r, policyOrigs[:4]) + "\"" + pick(r, []string{"", " always"}) +
			";\n    add_header Access-Control-Allow-Methods \"" + strings.Join(subset(r, methods), ", ") + "\";\n    add_header Access-Control-Allow-Headers \"" +
			strings.Join(subset(r, hdrNames), ", ") + "\";\n}\n"}
	}
}

func randomRequest(r *rand.Rand) explain.Request {
	req := explain.Request{Origin: pick(r, pageOrigins), URL: "https://api.test/v1/x", Init: fetch.Init{Method: pick(r, methods)}}
	for _, h := range subset(r, hdrNames) {
		req.Headers = append(req.Headers, headers.Field{Name: h, Value: "v"})
	}
	req.Credentials = pick(r, []string{"", "include", "omit"})
	return req
}

// TestFixesNeverAllowAnyOriginWithCredentials draws random policies and
// requests (seed from the test name, so failures replay) until 1,000 are
// blocked, and checks every server fix: applied, the fetch passes; and the
// changed server does not let a foreign origin read with credentials (no
// "*" or echoed origin together with Access-Control-Allow-Credentials:
// true; Fetch §4.9 and server-peers.md §1.2 "wildcard").
func TestFixesNeverAllowAnyOriginWithCredentials(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 1000))
	blocked, fixed, tries, lines := 0, 0, 0, 0
	for blocked < 1000 && tries < 20000 {
		tries++
		s := explain.Scenario{Browser: pick(r, []string{"chrome", "firefox", "safari"}), Request: randomRequest(r)}
		p := randomPolicy(r)
		s.Policy = &p
		if r.IntN(2) == 0 {
			s.Preflight = &explain.Reply{Status: pick(r, []int{200, 403, 404}), Header: headers.List{}}
		}
		v, err := explain.Explain(s, opts)
		if err != nil || v.Allowed {
			continue
		}
		blocked++
		for _, f := range v.Fixes {
			if f.Where != "server" {
				continue
			}
			fixed++
			if f.Format == "headers" {
				lines++
			}
			fs := applyFix(s, f)
			w, err := explain.Explain(fs, opts)
			if err != nil || !w.Allowed {
				t.Fatalf("fix %q does not pass: %v %s\npolicy %s\nfixed %s", f.Summary, err, w.Reason, p.Text, f.Text)
			}
			if f.Format != "headers" {
				// Credentials may be turned on (the request needs them); the
				// foreign-origin check below is what keeps that safe.
				for _, tok := range []string{`"*"`, `'*'`, "null"} {
					if strings.Count(f.Text, tok) > strings.Count(p.Text, tok) {
						t.Errorf("fix adds %s:\n%s", tok, f.Diff)
					}
				}
			}
			evil := fs
			evil.Request.Origin = foreign
			evil.Request.Credentials = "include"
			evil.Browser = "chrome"
			e, err := explain.Explain(evil, opts)
			if err == nil && e.Allowed {
				t.Fatalf("after fix %q a foreign origin reads with credentials\npolicy %s\nfixed %s", f.Summary, p.Text, f.Text)
			}
		}
	}
	if blocked < 1000 {
		t.Fatalf("only %d blocked scenarios in %d tries", blocked, tries)
	}
	t.Logf("%d blocked scenarios, %d server fixes checked (%d as header lines, where no safe edit of the text exists), %d tries", blocked, fixed, lines, tries)
}
