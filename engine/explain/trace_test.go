package explain_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
)

// traceCases run a multi-rule config per platform and check the rule
// trace of the exchange that decided: which rules were tried, in order,
// and the first condition that failed in each, as the platform's
// documented matching says (shared/reference/cloud-policies.md).
var traceCases = []struct {
	desc, format, text, request string
	allowed                     bool
	// rules is "index:failed" per traced rule, "index:matched" for the
	// one that decided.
	rules []string
}{
	{desc: "S3 falls through when a rule fails on headers (§0 item 1, §1.3)", format: "s3-json",
		text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["PUT"],"AllowedHeaders":["content-type"]},
		        {"AllowedOrigins":["https://other.test"],"AllowedMethods":["PUT"],"AllowedHeaders":["*"]},
		        {"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"],"AllowedHeaders":["*"]},
		        {"AllowedOrigins":["https://app.test"],"AllowedMethods":["PUT"],"AllowedHeaders":["*"]}]`,
		request: `"method":"PUT","headers":[["X-Amz-Acl","private"]]`, allowed: true,
		rules: []string{"0:headers", "1:origin", "2:method", "3:matched"}},
	{desc: "R2 taken as S3: fall-through on headers (§2 [UNVERIFIED])", format: "r2-api",
		text:    `{"rules":[{"allowed":{"origins":["https://app.test"],"methods":["PUT"],"headers":["content-type"]}},{"allowed":{"origins":["https://app.test"],"methods":["PUT"],"headers":["x-amz-acl"]}}]}`,
		request: `"method":"PUT","headers":[["X-Amz-Acl","private"]]`, allowed: true,
		rules: []string{"0:headers", "1:matched"}},
	{desc: "Azure picks the first rule by origin and method and does not fall through (§0 item 1, §4)", format: "azure-json",
		text: `{"corsRules":[{"allowedOrigins":["https://other.test"],"allowedMethods":["PUT"],"allowedHeaders":["*"],"exposedHeaders":[],"maxAgeInSeconds":0},
		                   {"allowedOrigins":["https://app.test"],"allowedMethods":["PUT"],"allowedHeaders":["x-ms-meta-*"],"exposedHeaders":[],"maxAgeInSeconds":0},
		                   {"allowedOrigins":["https://app.test"],"allowedMethods":["PUT"],"allowedHeaders":["*"],"exposedHeaders":[],"maxAgeInSeconds":0}]}`,
		request: `"method":"PUT","headers":[["X-Custom","1"]]`, allowed: false,
		rules: []string{"0:origin", "1:headers"}},
	{desc: "GCS selects by origin and method, headers play no part (§3)", format: "gcs-json",
		text:    `[{"origin":["https://app.test"],"method":["GET"]},{"origin":["https://b.test"],"method":["PUT"]},{"origin":["https://app.test"],"method":["PUT"],"responseHeader":["x-custom"]}]`,
		request: `"method":"PUT","headers":[["X-Custom","1"]]`, allowed: true,
		rules: []string{"0:method", "1:origin", "2:matched"}},
	{desc: "native: the first rule whose path matches decides (native package doc)", format: "native",
		text:    `{"rules":[{"path":"/admin/*","origins":["https://admin.test"]},{"path":"/api/*","origins":["https://app.test"],"methods":["PUT"]}]}`,
		request: `"method":"PUT"`, allowed: true,
		rules: []string{"0:path", "1:matched"}},
	{desc: "Express: every cors() in mount order; one mounted elsewhere does not run (§6.3)", format: "express",
		text:    "app.use('/admin', cors({ origin: 'https://admin.test' }));\napp.use(cors({ origin: ['https://app.test'], methods: 'GET,PUT' }));\n",
		request: `"method":"PUT"`, allowed: true,
		rules: []string{"0:path", "1:matched"}},
	{desc: "API Gateway HTTP: one configuration, origin checked first (§5.1)", format: "apigw-http",
		text:    `{"AllowOrigins":["https://other.test"],"AllowMethods":["PUT"]}`,
		request: `"method":"PUT"`, allowed: false,
		rules: []string{"0:origin"}},
}

func TestRuleTracePerPlatform(t *testing.T) {
	for _, tc := range traceCases {
		pol, _ := json.Marshal(explain.Policy{Format: tc.format, Text: tc.text})
		js := `{"request":{"origin":"https://app.test","url":"https://api.test/api/x",` + tc.request + `},"policy":` + string(pol) + `}`
		v := mustExplain(t, js)
		if v.Allowed != tc.allowed {
			t.Errorf("%s: allowed=%v (%s), want %v", tc.desc, v.Allowed, v.Reason, tc.allowed)
		}
		// The preflight's trace, from the steps: one step per rule tried,
		// after the preflight request it answered.
		var got []string
		for _, s := range v.Steps {
			idx, ok := strings.CutPrefix(s.ID, "server.preflight.rule[")
			if !ok {
				continue
			}
			idx = strings.TrimSuffix(idx, "]")
			switch s.Status {
			case "pass":
				got = append(got, idx+":matched")
			case "fail":
				cond, ok := strings.CutPrefix(s.Detail, "first condition that did not match: ")
				if !ok {
					t.Errorf("%s: rule step %+v does not name the failed condition", tc.desc, s)
				}
				cond, _, _ = strings.Cut(cond, ":")
				got = append(got, idx+":"+cond)
			default:
				got = append(got, idx+":"+s.Status)
			}
		}
		if strings.Join(got, " ") != strings.Join(tc.rules, " ") {
			t.Errorf("%s: preflight rules %v, want %v", tc.desc, got, tc.rules)
		}
		// When blocked, Verdict.Rules is that same trace.
		if !v.Allowed {
			var rules []string
			for _, r := range v.Rules {
				rules = append(rules, strconv.Itoa(r.Index)+":"+r.Failed)
			}
			if strings.Join(rules, " ") != strings.Join(tc.rules, " ") {
				t.Errorf("%s: verdict rules %v, want %v", tc.desc, rules, tc.rules)
			}
		}
	}
}

// nginx: a location with its own add_header drops the server's
// (cloud-policies.md §6.1, ngx_http_headers_module); the trace says so.
func TestRuleTraceNginxInheritance(t *testing.T) {
	conf := "server {\n    add_header Access-Control-Allow-Origin \"https://app.test\" always;\n    location /api/ {\n        add_header X-Frame-Options DENY;\n    }\n}\n"
	pol, _ := json.Marshal(explain.Policy{Format: "nginx", Text: conf})
	v := mustExplain(t, `{"request":{"origin":"https://app.test","url":"https://api.test/api/x"},"policy":`+string(pol)+`}`)
	if v.Allowed || v.Reason != "MissingAllowOriginHeader" {
		t.Fatalf("allowed=%v reason=%q, want MissingAllowOriginHeader", v.Allowed, v.Reason)
	}
	var failed []string
	for _, r := range v.Rules {
		failed = append(failed, r.Path+":"+r.Failed)
	}
	if strings.Join(failed, " ") != "line 4: line 2:inheritance" {
		t.Errorf("rules %v, want the location's add_header and the server's dropped one", failed)
	}
}
