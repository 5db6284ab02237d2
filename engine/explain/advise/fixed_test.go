package advise_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
)

// TestFixedPolicyGetsNoServerFix: the EC2 API's CORS is AWS's ("always
// returned with a * value", Access-Control-Allow-Credentials "never
// returned": seed "Cross-Origin Resource Sharing Support", EC2 API
// Reference), so a fetch with credentials gets the page's fix only, and
// no warning about a policy the user cannot change. Tried as a new user
// would, the search rewrote EC2's replies and warned of its max-age.
func TestFixedPolicyGetsNoServerFix(t *testing.T) {
	for _, tc := range []struct {
		desc, scenario string
		fixes          int
	}{
		{desc: "a GET with credentials: the page stops sending them", fixes: 1,
			scenario: `{"request":{"origin":"https://app.example.com","url":"https://ec2.us-east-1.amazonaws.com/?Action=DescribeInstances","credentials":"include"},"policy":{"format":"ec2","text":""}}`},
		{desc: "a PUT with credentials: the same, after the preflight", fixes: 1,
			scenario: `{"request":{"origin":"https://app.example.com","url":"https://ec2.us-east-1.amazonaws.com/","method":"PUT","credentials":"include"},"policy":{"format":"ec2","text":"ec2"}}`},
	} {
		v := explainAll(t, tc.scenario)
		if v.Allowed {
			t.Fatalf("%s: allowed, want blocked (credentials against ACAO *)", tc.desc)
		}
		if len(v.Fixes) != tc.fixes {
			t.Errorf("%s: %d fixes, want %d: %+v", tc.desc, len(v.Fixes), tc.fixes, v.Fixes)
		}
		for _, f := range v.Fixes {
			if f.Where != "client" {
				t.Errorf("%s: a %s fix (%s) of a policy AWS fixes", tc.desc, f.Where, f.Summary)
			}
		}
		if want := "The EC2 API's CORS cannot be changed: the fix is in the page's request."; !strings.Contains(v.Summary, want) || strings.Contains(v.Summary, "with rule") {
			t.Errorf("%s: summary %q, want it to say %q and name no rule", tc.desc, v.Summary, want)
		}
		if len(v.Warnings) != 0 {
			t.Errorf("%s: warnings about a fixed policy: %+v", tc.desc, v.Warnings)
		}
	}
}

// explainAll explains the scenario with every format and the fix search.
func explainAll(t *testing.T, scenario string) explain.Verdict {
	t.Helper()
	s, err := explain.Decode([]byte(scenario))
	if err != nil {
		t.Fatal(err)
	}
	v, err := explain.Explain(s, advise.Options(all.Registry()))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRulesOnlyGetsNoReplies: a storage service answers from its CORS
// rules alone (explain.RulesOnly), so when no edit of them lets the fetch
// through there is no server fix, not replies to write in their place.
// S3 allows GET, PUT, POST, DELETE and HEAD in AllowedMethod
// (docs.aws.amazon.com/AmazonS3/latest/API/API_CORSRule.html), so a PATCH
// has none; tried as a new user would, it got "Send ...
// Access-Control-Allow-Methods: PATCH" as a diff of "replies". A fetch an
// edit fixes still gets the edit. A template's or module's bucket is the
// same (explain.RulesOnlyAt), where a REST API's Lambda proxy still gets
// the replies its code must return (cloudformation's TestExamples).
func TestRulesOnlyGetsNoReplies(t *testing.T) {
	const (
		s3JSON = `"policy":{"format":"s3-json","text":"[{\"AllowedOrigins\":[\"https://a.test\"],\"AllowedMethods\":[\"GET\"]}]"}`
		// A template's bucket beside an HTTP API, chosen.
		template = `"policy":{"format":"cloudformation","text":"Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: b\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: [https://a.test]\n            AllowedMethods: [GET]\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      ProtocolType: HTTP\n      CorsConfiguration:\n        AllowOrigins: [https://a.test]\n","resource":"B"}`
		// The same bucket's methods, a parameter nobody gave: no edit
		// of a !Ref passes, and the fix is the parameter's value.
		unresolved = `"policy":{"format":"cloudformation","text":"Parameters:\n  Methods:\n    Type: CommaDelimitedList\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: [https://a.test]\n            AllowedMethods: !Ref Methods\n"}`
		module     = `"policy":{"format":"terraform","text":"resource \"aws_s3_bucket_cors_configuration\" \"b\" {\n  bucket = \"b\"\n  cors_rule {\n    allowed_origins = [\"https://a.test\"]\n    allowed_methods = [\"GET\"]\n  }\n}\n"}`
	)
	for _, tc := range []struct {
		desc, policy, method string
		server               int // server fixes
	}{
		{desc: "PATCH, which S3 cannot allow: no server fix", policy: s3JSON, method: "PATCH", server: 0},
		{desc: "PUT, which an edit allows: the edit", policy: s3JSON, method: "PUT", server: 1},
		{desc: "a template's bucket, PATCH: no server fix", policy: template, method: "PATCH", server: 0},
		{desc: "a template's bucket, PUT: the edit", policy: template, method: "PUT", server: 1},
		{desc: "a template's bucket whose methods are an unresolved parameter: no server fix", policy: unresolved, method: "PUT", server: 0},
		{desc: "a module's bucket, PATCH: no server fix", policy: module, method: "PATCH", server: 0},
		{desc: "a module's bucket, PUT: the edit", policy: module, method: "PUT", server: 1},
	} {
		v := explainAll(t, `{"request":{"origin":"https://a.test","url":"https://b.s3.amazonaws.com/x","method":"`+tc.method+`"},`+tc.policy+`}`)
		if v.Allowed {
			t.Fatalf("%s: allowed, want blocked", tc.desc)
		}
		n := 0
		for _, f := range v.Fixes {
			if f.Where == "server" {
				n++
				if f.Format == "headers" {
					t.Errorf("%s: a fix of replies to write (%s)", tc.desc, f.Summary)
				}
			}
		}
		if n != tc.server {
			t.Errorf("%s: %d server fixes, want %d: %+v", tc.desc, n, tc.server, v.Fixes)
		}
	}
}

// TestTrapsOfAPolicyFile: a format's traps (advise.Trapper) are found in a
// policy given as a file (explain --policy serverless.yml puts it in
// policy.files), each in that file, as in the same policy given as text.
// Tried as a new user would, the file's verdict had none.
func TestTrapsOfAPolicyFile(t *testing.T) {
	const yml = "service: todo\\nprovider:\\n  name: aws\\nfunctions:\\n  list:\\n    handler: h.list\\n    events:\\n      - http:\\n          path: todos\\n          method: get\\n          cors: true\\n"
	for _, policy := range []string{
		`"policy":{"format":"serverless","text":"` + yml + `"}`,
		`"policy":{"format":"serverless","files":[{"name":"serverless.yml","text":"` + yml + `"}]}`,
	} {
		v := explainAll(t, `{"request":{"origin":"https://a.test","url":"https://abc.execute-api.us-east-1.amazonaws.com/dev/todos"},`+policy+`}`)
		found := false
		for _, w := range v.Warnings {
			if w.Code == "serverless-proxy-cors" {
				found = true
				if strings.Contains(policy, `"files"`) && w.File != "serverless.yml" {
					t.Errorf("the trap's file %q, want serverless.yml", w.File)
				}
			}
		}
		if !found {
			t.Errorf("%s: no serverless-proxy-cors among %+v", policy[:40], v.Warnings)
		}
	}
}
