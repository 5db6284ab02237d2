package native_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/native"
)

// issue19 is issue 19's S3 bucket in native form: one rule per origin,
// each matching on method and request headers as S3 does.
const issue19 = `{"rules": [
  {"origins": ["https://www.example.com"], "methods": ["GET"], "match": ["method", "request_headers"], "credentials": true},
  {"origins": ["https://app.example"], "methods": ["PUT", "POST", "HEAD"], "request_headers": ["*"], "match": ["method", "request_headers"], "credentials": true}
]}`

// TestWhichRuleAnswers checks the selection the package doc states
// ("Which rule answers"), each case against the platform behaviour it
// reproduces (shared/reference/cloud-policies.md).
func TestWhichRuleAnswers(t *testing.T) {
	const azureLike = `{"rules": [
  {"origins": ["https://app.example"], "methods": ["PUT"], "request_headers": ["x-a"], "match": ["method"]},
  {"origins": ["https://app.example"], "methods": ["PUT"], "request_headers": ["x-b"], "match": ["method"]}
]}`
	const s3Like = `{"rules": [
  {"origins": ["https://app.example"], "methods": ["PUT"], "request_headers": ["x-a"], "match": ["method", "request_headers"]},
  {"origins": ["https://app.example"], "methods": ["PUT"], "request_headers": ["x-b"], "match": ["method", "request_headers"], "unmatched_preflight": "pass"}
]}`
	const byPath = `{"rules": [
  {"path": "/api/*", "origins": ["https://app.example"], "methods": ["PUT"], "unmatched_preflight": "pass"},
  {"origins": ["*"]}
]}`
	pre := func(path, origin, method, acrh string) native.Input {
		in := native.Input{Method: "OPTIONS", Path: path, Origin: origin, HasOrigin: true, ACRM: method, HasACRM: true}
		if acrh != "" {
			in.ACRH = []string{acrh}
		}
		return in
	}
	actual := func(path, origin, method string) native.Input {
		return native.Input{Method: method, Path: path, Origin: origin, HasOrigin: true}
	}
	cases := []struct {
		desc, policy string
		in           native.Input
		kind         native.Kind
		rule         int
		acao         string
		failed       native.Check
		source       string
	}{
		{desc: "issue 19: PUT preflight from the second rule's origin is answered by it", policy: issue19,
			in: pre("/k", "https://app.example", "PUT", "content-type"), kind: native.PreflightOK, rule: 1, acao: "https://app.example",
			source: "cloud-policies.md §1.3: first rule matching origin, method and headers"},
		{desc: "issue 19: GET from the first rule's origin", policy: issue19,
			in: actual("/k", "https://www.example.com", "GET"), kind: native.Actual, rule: 0, acao: "https://www.example.com", source: "§1.3"},
		{desc: "issue 19: GET from app.example matches no rule (GET not listed there): no CORS headers, refused by the rule for its origin", policy: issue19,
			in: actual("/k", "https://app.example", "GET"), kind: native.Actual, rule: 1, failed: native.CheckMethod, source: "§1.3: method selects; §0 item 6: served without CORS headers"},
		{desc: "issue 19: a GET preflight from app.example matches no rule: 403", policy: issue19,
			in: pre("/k", "https://app.example", "GET", "x-custom"), kind: native.PreflightRejected, rule: 1, failed: native.CheckMethod, source: "§1.3: 403 AccessForbidden"},
		{desc: "an origin no rule allows is refused by the first rule", policy: issue19,
			in: pre("/k", "https://evil.example", "PUT", ""), kind: native.PreflightRejected, rule: 0, failed: native.CheckOrigin, source: "§1.3"},
		{desc: "issue 19: a PUT preflight from www matches no rule: 403", policy: issue19,
			in: pre("/k", "https://www.example.com", "PUT", ""), kind: native.PreflightRejected, rule: 0, source: "§1.3"},
		{desc: "Azure-like: the first rule by origin and method refuses a header, no fall-through", policy: azureLike,
			in: pre("/k", "https://app.example", "PUT", "x-b"), kind: native.PreflightRejected, rule: 0, source: "§4: no further rules are evaluated"},
		{desc: "S3-like: a header the first rule lacks goes on to the next", policy: s3Like,
			in: pre("/k", "https://app.example", "PUT", "x-b"), kind: native.PreflightOK, rule: 1, acao: "https://app.example", source: "§1.3: fall-through on headers"},
		{desc: "S3-like: matching no rule, the first rule's unmatched_preflight (reject) applies", policy: s3Like,
			in: pre("/k", "https://app.example", "PUT", "x-c"), kind: native.PreflightRejected, rule: 0, source: "native doc: the first rule whose path covers it"},
		{desc: "matching no rule, a preflight gets the unmatched_preflight of the rule that allowed its origin", policy: `{"rules": [
  {"origins": ["https://a.test"], "methods": ["PUT"], "match": ["method"]},
  {"origins": ["https://b.test"], "methods": ["PUT"], "match": ["method"], "unmatched_preflight": "pass"}]}`,
			in: pre("/k", "https://b.test", "DELETE", ""), kind: native.PreflightPassed, rule: 1, failed: native.CheckMethod, source: "native doc, Which rule answers"},
		{desc: "by path: an origin the /api rule does not allow goes on to the rule for every path", policy: byPath,
			in: pre("/api/x", "https://other.example", "GET", ""), kind: native.PreflightOK, rule: 1, acao: "*", source: "portable form: first rule whose paths and origins match"},
		{desc: "by path: a method the /api rule does not list is refused by it, with its pass", policy: byPath,
			in: pre("/api/x", "https://app.example", "DELETE", ""), kind: native.PreflightPassed, rule: 0, source: "native doc: without match, the rule checks methods itself"},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			p := mustParse(t, tc.policy)
			var a native.Answer
			p.Decide(&tc.in, &a)
			if a.Kind != tc.kind || a.Rule != tc.rule || a.AllowOrigin != tc.acao || a.Failed != tc.failed && tc.failed != native.CheckNone {
				t.Errorf("kind %v rule %d ACAO %q failed %v, want %v rule %d ACAO %q failed %v (%s)", a.Kind, a.Rule, a.AllowOrigin, a.Failed, tc.kind, tc.rule, tc.acao, tc.failed, tc.source)
			}
		})
	}
}

// TestVaryOnSelection: Vary names the origin whenever the choice of rule
// depends on it (RFC 9110 §12.5.5), and every preflight, refused or
// answered, names the requested method, which "*" methods echo
// (issue 19: Access-Control-Request-Method in Vary).
func TestVaryOnSelection(t *testing.T) {
	cases := []struct {
		desc, policy string
		in           native.Input
		vary, acam   string
	}{
		{desc: "methods * echo the requested method: Vary names it",
			policy: `{"origins": ["*"], "methods": ["*"]}`,
			in:     native.Input{Method: "OPTIONS", Origin: "https://a.test", HasOrigin: true, ACRM: "PATCH", HasACRM: true},
			vary:   "Access-Control-Request-Method, Access-Control-Request-Headers", acam: "PATCH"},
		{desc: "a refused preflight carries Vary too",
			policy: `{"origins": ["https://a.test"], "methods": ["*"]}`,
			in:     native.Input{Method: "OPTIONS", Origin: "https://b.test", HasOrigin: true, ACRM: "PATCH", HasACRM: true},
			vary:   "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"},
		{desc: "a * rule reached after a rule for one origin depends on the origin",
			policy: `{"rules": [{"origins": ["https://a.test"], "credentials": true}, {"origins": ["*"]}]}`,
			in:     native.Input{Method: "GET", Origin: "https://b.test", HasOrigin: true},
			vary:   "Origin"},
		{desc: "a * rule tried first answers everyone alike: no Vary",
			policy: `{"rules": [{"origins": ["*"]}, {"origins": ["https://a.test"], "credentials": true}]}`,
			in:     native.Input{Method: "GET", Origin: "https://a.test", HasOrigin: true},
			vary:   ""},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			p := mustParse(t, tc.policy)
			var a native.Answer
			p.Decide(&tc.in, &a)
			if a.Vary != tc.vary || a.AllowMethods != tc.acam {
				t.Errorf("Vary %q ACAM %q, want Vary %q ACAM %q (RFC 9110 §12.5.5; server-peers.md §1)", a.Vary, a.AllowMethods, tc.vary, tc.acam)
			}
		})
	}
}

// TestMatchRefused: "match" takes only "method" and "request_headers",
// reported at the item's JSON path (package doc).
func TestMatchRefused(t *testing.T) {
	_, err := native.Parse(`{"origins": ["https://a.test"], "match": ["method", "origin"]}`)
	if err == nil || !strings.Contains(err.Error(), "match[1]") || !strings.Contains(err.Error(), `"origin"`) {
		t.Errorf("err = %v, want a fault at $.match[1] naming \"origin\"", err)
	}
}

func TestMatchDoesNotAllocate(t *testing.T) {
	p := mustParse(t, issue19)
	ins := []native.Input{
		{Method: "OPTIONS", Origin: "https://app.example", HasOrigin: true, ACRM: "PUT", HasACRM: true, ACRH: []string{"content-type,x-custom"}},
		{Method: "OPTIONS", Origin: "https://evil.test", HasOrigin: true, ACRM: "PUT", HasACRM: true},
		{Method: "GET", Origin: "https://app.example", HasOrigin: true},
	}
	for _, in := range ins {
		var a native.Answer
		if n := testing.AllocsPerRun(100, func() { p.Decide(&in, &a) }); n != 0 {
			t.Errorf("Decide(%+v) allocates %v times", in, n)
		}
	}
}
