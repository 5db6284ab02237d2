package terraform_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/formats/terraform"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// reversedPair is a bucket of two rules that both match a PUT from
// https://app.example.com, the second (which lists every origin and
// method the first does) sent first.
const reversedPair = `resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = "acme"
  cors_rule {
    allowed_origins = ["https://app.example.com"]
    allowed_methods = ["PUT"]
    expose_headers  = ["x-amz-version-id"]
  }
  cors_rule {
    allowed_origins = ["https://app.example.com", "https://www.example.com"]
    allowed_methods = ["GET", "PUT"]
    expose_headers  = ["ETag"]
  }
}
`

// TestSentOrderDecides: S3 answers with the first rule, in the order the
// AWS provider sends them (its cors_rule set's order, which e2e/tfsdk
// holds to terraform-plugin-sdk), that matches; two blocks that both
// match a PUT from https://app.example.com, the second sent first, have
// the second decide, named as the user numbers it ("rule 2"). Before,
// the first written answered, and the verdict told of an expose list
// production does not send.
func TestSentOrderDecides(t *testing.T) {
	m, err := terraform.ReadModule(policy.Source{Text: reversedPair})
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

// TestConversionTakesSentOrder: a module converted to another format
// keeps the order S3 gets its rules in (the provider's, as
// TestSentOrderDecides has it), so the converted policy answers as the
// bucket does; lint's first-match check reads the same order and names
// the blocks as written. Before, both read the blocks as written: the
// native policy exposed x-amz-version-id where S3 sends ETag.
func TestConversionTakesSentOrder(t *testing.T) {
	text := reversedPair
	reg := registry()
	m, err := terraform.ReadModule(policy.Source{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := convert.Convert(reg, text, terraform.NameHCL, "native")
	if err != nil {
		t.Fatal(err)
	}
	nf, _ := reg.Lookup("native")
	ev, err := nf.Parse(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	req := policy.Request{Method: "PUT", URL: "https://acme.s3.amazonaws.com/a.txt", Header: headers.List{{Name: "Origin", Value: "https://app.example.com"}}}
	want, _ := m.Respond(req, policy.Reply{Status: 200}).Reply.Header.Get("Access-Control-Expose-Headers")
	got, _ := ev.Respond(req, policy.Reply{Status: 200}).Reply.Header.Get("Access-Control-Expose-Headers")
	if !strings.EqualFold(got, want) || want != "ETag" {
		t.Errorf("Access-Control-Expose-Headers: converted %q, module %q (want ETag, rule 2's)\n%s", got, want, out)
	}
	fs, err := lint.Lint(reg, text, terraform.NameHCL)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fs {
		if f.Code == "unreachable-rule" {
			found = true
			if f.Line != 3 || !strings.Contains(f.Message, "rule 2 (at line 8") || !strings.Contains(f.Message, "its own order") {
				t.Errorf("unreachable-rule at line %d: %s; want line 3, rule 2 (at line 8) first, in the platform's own order", f.Line, f.Message)
			}
		}
	}
	if !found {
		t.Errorf("no unreachable-rule for block 1:\n%+v", fs)
	}
}
