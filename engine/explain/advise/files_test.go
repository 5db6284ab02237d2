package advise_test

import (
	"os"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
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
			}
		}
		if n != 1 {
			t.Errorf("files %v: apigw-rest-gateway-errors %d times in %+v, want once", p.Files != nil, n, v.Warnings)
		}
	}
}
