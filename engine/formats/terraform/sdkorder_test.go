package terraform_test

import (
	"slices"
	"testing"

	"github.com/whycors/whycors/engine/formats/terraform"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// TestSentOrderDecides: S3 answers with the first rule, in the order the
// AWS provider sends them (its cors_rule set's order, which e2e/tfsdk
// holds to terraform-plugin-sdk), that matches; two blocks that both
// match a PUT from https://app.example.com, the second sent first, have
// the second decide, named as the user numbers it ("rule 2"). Before,
// the first written answered, and the verdict told of an expose list
// production does not send.
func TestSentOrderDecides(t *testing.T) {
	const text = `resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = "acme"
  cors_rule {
    allowed_origins = ["https://app.example.com"]
    allowed_methods = ["PUT"]
    expose_headers  = ["x-amz-version-id"]
  }
  cors_rule {
    allowed_origins = ["https://*.example.com"]
    allowed_methods = ["GET", "PUT"]
    expose_headers  = ["ETag"]
  }
}
`
	m, err := terraform.ReadModule(policy.Source{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.RuleOrder("aws_s3_bucket_cors_configuration.b"); !slices.Equal(got, []int{2, 1}) {
		t.Fatalf("RuleOrder = %v, want [2 1] (this test needs a pair the set sends in reverse)", got)
	}
	out := m.Respond(policy.Request{Method: "PUT", URL: "https://acme.s3.amazonaws.com/a.txt", Header: headers.List{{Name: "Origin", Value: "https://app.example.com"}}}, policy.Reply{Status: 200})
	if v, _ := out.Reply.Header.Get("Access-Control-Expose-Headers"); v != "ETag" {
		t.Errorf("Access-Control-Expose-Headers %q, want ETag (rule 2's, sent first)", v)
	}
	var matched []int
	for _, r := range out.Rules {
		if r.Matched {
			matched = append(matched, r.Index)
		}
	}
	if !slices.Equal(matched, []int{1}) || out.DecidedBy == nil || out.DecidedBy.Line != 8 {
		t.Errorf("matched rule indexes %v, decided at %+v; want index 1 (the second block), line 8", matched, out.DecidedBy)
	}
}
