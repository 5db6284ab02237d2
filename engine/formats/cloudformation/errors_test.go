package cloudformation_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/cloudformation"
	"github.com/whycors/whycors/engine/policy"
)

// TestErrors: every fault is listed, each at its line and column in the
// template, in the words of the platform that refuses it.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		desc, text, resource string
		params               map[string]string
		wantN                int // faults
		line, col            int // of the first
		msg, source          string
		// unreadable: a fault of what the reader reads, not the
		// platform's refusal (lint's input error, exit 2).
		unreadable bool
	}{
		{desc: "SAM: an unquoted Cors value",
			text:  "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      Cors:\n        AllowOrigin: \"*\"\n",
			wantN: 1, line: 6, col: 22, msg: "is not in single quotes",
			source: "sam-property-api-corsconfiguration.html (AllowOrigin \"'www.example.com'\")"},
		{desc: "SAM: every unquoted value is listed",
			text:  "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      Cors:\n        AllowOrigin: https://a.example\n        AllowMethods: GET,POST\n",
			wantN: 2, line: 6, col: 22, msg: "write \"'https://a.example'\"", source: "sam-property-api-corsconfiguration.html"},
		{desc: "SAM: credentials with the wildcard origin",
			text:  "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      Cors:\n        AllowOrigin: \"'*'\"\n        AllowCredentials: true\n",
			wantN: 1, line: 7, col: 27, msg: "SAM refuses AllowCredentials: true", source: "aws/serverless-application-model#464"},
		{desc: "S3: a property name in the wrong case",
			text:  "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: ['*']\n            AllowedMethods: [GET]\n            allowedHeaders: ['*']\n",
			wantN: 1, line: 9, col: 13, msg: `did you mean "AllowedHeaders"`, source: "aws-properties-s3-bucket-corsrule.html (property names)"},
		{desc: "S3: OPTIONS as a method, refused as PutBucketCors refuses it",
			text:  "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: ['*']\n            AllowedMethods: [GET, OPTIONS]\n",
			wantN: 1, line: 8, col: 35, msg: "Unsupported method is OPTIONS", source: "cloud-policies.md §1.2"},
		{desc: "S3: no rules",
			text:  "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules: []\n",
			wantN: 1, line: 6, col: 20, msg: "CorsRules is empty", source: "cloud-policies.md §1.2 (MalformedXML without a CORSRule)"},
		{desc: "HTTP API: credentials with origin *",
			text:  `{"Resources": {"A": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"CorsConfiguration": {"AllowOrigins": ["*"], "AllowCredentials": true}}}}}`,
			wantN: 1, line: 1, col: 136, msg: "allow-credentials is not supported if 'allow-origin' is *", source: "cloud-policies.md §5.1 (aws/aws-cdk#9076)"},
		{desc: "HTTP API: MaxAge out of range",
			text:  "Resources:\n  A:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      CorsConfiguration:\n        AllowOrigins: [https://a.example]\n        MaxAge: 90000\n",
			wantN: 1, line: 7, col: 17, msg: "from -1 to 86400", source: "cloud-policies.md §5.1"},
		{desc: "no resource has CORS",
			text:  "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n",
			wantN: 1, line: 2, col: 3, msg: "no resource has a CORS configuration", source: "the format's own refusal", unreadable: true},
		{desc: "a REST API whose methods are an OpenAPI Body: not read, said at its key (tried as a new user would, lint said \"AWS refuses this\")",
			text:  "Resources:\n  PetApi:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: pets\n      Body:\n        openapi: 3.0.1\n",
			wantN: 1, line: 6, col: 7, msg: "defines its methods in an OpenAPI document (Body), which whycors does not read", source: "AWS::ApiGateway::RestApi Body (aws-resource-apigateway-restapi.html)", unreadable: true},
		{desc: "several resources and nothing in a URL to tell them apart",
			text:  "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration: {CorsRules: [{AllowedOrigins: ['*'], AllowedMethods: [GET]}]}\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration: {CorsRules: [{AllowedOrigins: ['*'], AllowedMethods: [PUT]}]}\n",
			wantN: 1, line: 2, col: 3, msg: "--resource NAME (policy.resource): A (AWS::S3::Bucket, line 5), B (AWS::S3::Bucket, line 9)", source: "design.md, The contract grows (policy.resource)"},
		{desc: "--resource names no resource",
			text: "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration: {CorsRules: [{AllowedOrigins: ['*'], AllowedMethods: [GET]}]}\n", resource: "Z",
			wantN: 1, line: 2, col: 3, msg: `the template has no resource "Z"; choose one with --resource NAME (policy.resource): A`, source: "the format's own refusal"},
		{desc: "--resource names a resource without CORS",
			text: "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration: {CorsRules: [{AllowedOrigins: ['*'], AllowedMethods: [GET]}]}\n  Q:\n    Type: AWS::SQS::Queue\n", resource: "Q",
			wantN: 1, line: 6, col: 3, msg: "resource Q (AWS::SQS::Queue) has no CORS configuration", source: "the format's own refusal"},
		{desc: "--param for a parameter the template lacks",
			text: "Parameters:\n  A: {Type: String}\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration: {CorsRules: [{AllowedOrigins: ['*'], AllowedMethods: [GET]}]}\n", params: map[string]string{"Origin": "x"},
			wantN: 1, line: 1, col: 1, msg: `the template has no parameter "Origin"`, source: "the format's own refusal"},
		{desc: "YAML that does not parse",
			text:  "Resources:\n  A:\n    Type: AWS::S3::Bucket\n      Properties: {}\n",
			wantN: 1, line: 4, col: 1, msg: "invalid YAML: mapping values are not allowed in this context", source: "go.yaml.in/yaml/v3's error, at its line"},
		{desc: "JSON that does not parse",
			text:  "{\"Resources\": {\"A\": {\"Type\": \"AWS::S3::Bucket\",}}}",
			wantN: 1, line: 1, col: 48, msg: "invalid JSON", source: "the repository's positioned JSON reader"},
		{desc: "a list where a template belongs",
			text:  "- Resources\n",
			wantN: 1, line: 1, col: 1, msg: "want a template", source: "template-anatomy.html"},
		{desc: "a CloudFront method the API refuses",
			text:  "Resources:\n  P:\n    Type: AWS::CloudFront::ResponseHeadersPolicy\n    Properties:\n      ResponseHeadersPolicyConfig:\n        CorsConfig:\n          AccessControlAllowCredentials: false\n          OriginOverride: false\n          AccessControlAllowHeaders: {Items: ['*']}\n          AccessControlAllowMethods: {Items: [GET, FETCH]}\n          AccessControlAllowOrigins: {Items: ['*']}\n",
			wantN: 1, line: 10, col: 52, msg: `"FETCH" is not one of`, source: "understanding-response-headers-policies.html (cloudfront.Validate)"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := cloudformation.Read(policy.Source{Text: tc.text, Resource: tc.resource, Params: tc.params})
			var es policy.Errors
			if !errors.As(err, &es) {
				t.Fatalf("err %v (%T), want policy.Errors", err, err)
			}
			if len(es) != tc.wantN {
				t.Errorf("%d faults, want %d: %v", len(es), tc.wantN, es)
			}
			e := es[0]
			if e.Line != tc.line || e.Column != tc.col || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("first fault %d:%d %q, want %d:%d containing %q (%s)", e.Line, e.Column, e.Msg, tc.line, tc.col, tc.msg, tc.source)
			}
			if tc.unreadable && !e.Unreadable {
				t.Errorf("first fault %q: not marked Unreadable, so lint calls it AWS's refusal", e.Msg)
			}
		})
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// TestUnresolvedMethod: a method from a parameter nobody gave is left
// out, with its finding, rather than refused as a method S3 does not know.
// When every method of a rule is such a value, the rule answers nothing
// (as the finding says of every unresolved value) and is no refusal:
// tried as a new user would, `AllowedMethods: !Ref Methods` of a
// parameter without a Default was "AWS refuses this: ... the rule has no
// AllowedMethod", where a literal empty list is S3's refusal
// (PutBucketCors, docs.aws.amazon.com/AmazonS3/latest/API/API_CORSRule.html:
// AllowedMethod is required).
func TestUnresolvedMethod(t *testing.T) {
	const head = "Parameters:\n  Verb: {Type: String}\n  Verbs: {Type: CommaDelimitedList}\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: ['*']\n"
	tests := []struct {
		desc, methods string
		want          int    // methods kept
		refused       string // the fault S3 would give, or ""
	}{
		{desc: "one of two methods unresolved: the other is kept", methods: "[GET, !Ref Verb]", want: 1},
		{desc: "a list parameter without a Default: no method, no refusal", methods: "!Ref Verbs", want: 0},
		{desc: "every item unresolved: no method, no refusal", methods: "[!Ref Verb]", want: 0},
		{desc: "a literal empty list: S3 refuses the rule", methods: "[]", refused: "no AllowedMethod"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			tpl, err := cloudformation.Read(policy.Source{Text: head + "            AllowedMethods: " + tc.methods + "\n"})
			if tc.refused != "" {
				if err == nil || !strings.Contains(err.Error(), tc.refused) {
					t.Fatalf("err %v, want %q", err, tc.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := tpl.Chosen().S3.Rules[0]
			if len(r.AllowedMethods) != tc.want || len(tpl.Assumptions) != 1 || tpl.Assumptions[0].Pos.Line != 11 {
				t.Errorf("methods %q, assumptions %+v", r.AllowedMethods, tpl.Assumptions)
			}
		})
	}
}
