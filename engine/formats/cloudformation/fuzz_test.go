package cloudformation_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/cloudformation"
	"github.com/whycors/whycors/engine/policy"
)

// FuzzRead: no input panics the reader, and every fault of a rejected
// input is positioned inside the text (a line and column that exist).
func FuzzRead(f *testing.F) {
	for _, name := range []string{"sam-app.yaml", "s3-bucket.yaml", "apigwv2.yaml", "cdk-synth.template.json", "sam-globals.yaml", "gateway-response.yaml", "cloudfront-policy.yaml", "bucket.template.json", "rest-api.yaml", "cdk-rest.template.json"} {
		f.Add(readFile(f, name))
	}
	// A plain REST API's pieces broken: a resource that is its own
	// parent, a method whose integration is a list, a status that is
	// no number, a pattern that is no regular expression.
	f.Add("Resources:\n  A: {Type: AWS::ApiGateway::RestApi}\n  R: {Type: AWS::ApiGateway::Resource, Properties: {RestApiId: !Ref A, ParentId: !Ref R, PathPart: x}}\n" +
		"  M: {Type: AWS::ApiGateway::Method, Properties: {RestApiId: !Ref A, ResourceId: !Ref R, HttpMethod: GET, Integration: [MOCK]}}\n" +
		"  O: {Type: AWS::ApiGateway::Method, Properties: {RestApiId: !Ref A, ResourceId: !GetAtt [A, RootResourceId], HttpMethod: OPTIONS, Integration: {Type: MOCK, IntegrationResponses: [{StatusCode: x, SelectionPattern: '(', ResponseParameters: {method.response.header.Access-Control-Allow-Origin: '*'}}]}}}\n")
	f.Add("Resources:\n  A: &a\n    Type: AWS::S3::Bucket\n  B: *a\n")
	f.Add("a: &x [*x]\n")
	f.Add(`{"Resources": {"A": {"Type": "AWS::Serverless::Api", "Properties": {"Cors": {"Fn::Sub": "'${AWS::Region}'"}}}}}`)
	f.Fuzz(func(t *testing.T, text string) {
		ev, err := cloudformation.Read(policy.Source{Text: text})
		if err == nil {
			ev.Respond(request("GET", "https://a.s3.amazonaws.com/x", "https://a.example", "PUT", "x-a"), policy.Reply{Status: 200})
			ev.Respond(request("OPTIONS", "https://a1.execute-api.us-east-1.amazonaws.com/prod/x", "https://a.example", "PUT", "x-a"), policy.Reply{Status: 404})
			ev.Respond(request("GET", "https://a1.execute-api.us-east-1.amazonaws.com/prod/", "https://a.example", "", ""), policy.Reply{Status: 500})
			// What API Gateway would refuse at deploy is found, placed.
			for _, x := range ev.Findings {
				if x.Pos.Line < 1 || x.Pos.Column < 1 || x.Pos.Line > strings.Count(text, "\n")+strings.Count(text, "\r")+1 {
					t.Fatalf("finding %q at %d:%d, outside the text", x.Message, x.Pos.Line, x.Pos.Column)
				}
			}
			return
		}
		var es policy.Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("err %v (%T), want policy.Errors", err, err)
		}
		// YAML's line breaks are "\n", "\r\n" and a lone "\r".
		lines := strings.Count(strings.ReplaceAll(text, "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(text, "\r\n", "\n"), "\r") + 2
		for _, e := range es {
			if e.Line < 1 || e.Line > lines || e.Column < 1 {
				t.Fatalf("fault %q at %d:%d, outside the text of %d lines", e.Msg, e.Line, e.Column, lines)
			}
		}
	})
}

// FuzzEdit: an edit of a template that reads either fails or gives a
// template that still reads, with the value in the resource's block.
func FuzzEdit(f *testing.F) {
	for _, name := range []string{"s3-bucket.yaml", "apigwv2.yaml", "bucket.template.json", "sam-globals.yaml", "gateway-response.yaml", "function-url.template.json", "cloudfront-only.yaml", "rest-api.yaml", "cdk-rest.template.json"} {
		f.Add(readFile(f, name), uint8(0))
	}
	f.Fuzz(func(t *testing.T, text string, which uint8) {
		if _, err := cloudformation.Read(policy.Source{Text: text}); err != nil {
			return
		}
		// A value each platform takes in that field.
		fields := []string{fix.Origins, fix.Methods, fix.AllowHeaders}
		values := []string{"https://fuzz.example", "DELETE", "x-fuzz-value"}
		k := int(which/3) % 3
		e := fix.Edit{Op: fix.Add, Rule: int(which % 3), Field: fields[k], Values: []string{values[k]}}
		out, err := fix.Apply(cloudformation.Formats()[0], text, e)
		if err != nil {
			return
		}
		if _, err := cloudformation.Read(policy.Source{Text: out}); err != nil {
			t.Fatalf("the edited template does not read: %v\n%s", err, out)
		}
		if !strings.Contains(out, values[k]) {
			t.Fatalf("the value is not in the text:\n%s", out)
		}
	})
}
