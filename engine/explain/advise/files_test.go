package advise_test

import (
	"os"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// TestWarningsOfAPolicyOfFiles: a policy given as files (--policy
// template.yaml) is linted whole, as its text would be. Tried as a new
// user would, its warnings began "error rejected: AWS refuses this: the
// template is empty": lint was handed the scenario's empty text. And
// gateway errors without CORS headers (apigw-rest-gateway-errors, API
// Gateway's gateway responses:
// docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html)
// is said once, where lint and the format's traps both found it.
func TestWarningsOfAPolicyOfFiles(t *testing.T) {
	b, err := os.ReadFile("../../formats/cloudformation/testdata/sam-globals.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, p := range []*explain.Policy{
		{Format: "cloudformation", Files: []policy.File{{Name: "template.yaml", Text: text}}},
		{Format: "cloudformation", Text: text},
	} {
		s := explain.Scenario{Browser: "chrome", Request: explain.Request{Origin: "https://shop.example.com", URL: "https://abc123.execute-api.us-east-1.amazonaws.com/Prod/cart"}, Policy: p}
		v, err := explain.Explain(s, advise.Options(all.Registry()))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, w := range v.Warnings {
			if w.Code == "rejected" {
				t.Errorf("files %v: a refusal: %+v", p.Files != nil, w)
			}
			if w.Code == "apigw-rest-gateway-errors" {
				n++
				// A policy of files names the file, as decided_by does.
				if want := map[bool]string{true: "template.yaml", false: ""}[p.Files != nil]; w.File != want {
					t.Errorf("files %v: warning file %q, want %q", p.Files != nil, w.File, want)
				}
			}
		}
		if n != 1 {
			t.Errorf("files %v: apigw-rest-gateway-errors %d times in %+v, want once", p.Files != nil, n, v.Warnings)
		}
	}
}

// TestFixInTheResourceThatAnswered: a template with two APIs, where the
// request's path chooses the HTTP API (its route). The fix edits that
// API's AllowOrigins in the template. Tried as a new user would, with no
// --resource the search edited no resource and fell back to the replies
// ("--- a/replies"), which no template can be given.
func TestFixInTheResourceThatAnswered(t *testing.T) {
	const text = `Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Cors:
      AllowMethods: "'GET,POST,OPTIONS'"
      AllowOrigin: "'https://shop.example.com'"
Resources:
  OrdersApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Events:
        List:
          Type: Api
          Properties:
            RestApiId: !Ref OrdersApi
            Path: /orders
            Method: get
  WebhooksApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins:
          - https://shop.example.com
        AllowMethods: [GET, PUT]
        AllowHeaders: [content-type]
  WebhooksFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: hooks.handler
      Events:
        Put:
          Type: HttpApi
          Properties:
            ApiId: !Ref WebhooksApi
            Path: /hooks/{id}
            Method: put
`
	s := explain.Scenario{Browser: "chrome",
		Request: explain.Request{Origin: "https://admin.example.com", URL: "https://xyz789.execute-api.us-east-1.amazonaws.com/hooks/7",
			Init: fetch.Init{Method: "PUT", Headers: headers.List{{Name: "Content-Type", Value: "application/json"}}}},
		Policy: &explain.Policy{Format: "cloudformation", Files: []policy.File{{Name: "template.yaml", Text: text}}}}
	v, err := explain.Explain(s, advise.Options(all.Registry()))
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed || v.DecidedBy == nil || v.DecidedBy.Resource != "WebhooksApi" {
		t.Fatalf("allowed %v, decided by %+v: want WebhooksApi to block", v.Allowed, v.DecidedBy)
	}
	if len(v.Fixes) == 0 || v.Fixes[0].Format != "cloudformation" || !strings.Contains(v.Fixes[0].Diff, "+          - https://admin.example.com") {
		t.Errorf("fixes %+v: want the HTTP API's AllowOrigins edited in template.yaml", v.Fixes)
	}
}
