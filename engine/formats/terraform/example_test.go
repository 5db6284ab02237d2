package terraform_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/terraform"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// A module of two files and a -var value: the bucket's CORS rule takes
// its origins from a variable, and the reply names the resource and the
// rule block that decided.
func ExampleReadModule() {
	src := policy.Source{
		Files: []policy.File{
			{Name: "main.tf", Text: `resource "aws_s3_bucket" "uploads" {
  bucket = "acme-uploads"
}

resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  cors_rule {
    allowed_methods = ["PUT"]
    allowed_origins = var.origins
  }
}
`},
			{Name: "variables.tf", Text: `variable "origins" {
  type = list(string)
}
`},
		},
		Params: map[string]string{"origins": `["https://app.example.com"]`},
	}
	m, err := terraform.ReadModule(src)
	if err != nil {
		fmt.Println(err)
		return
	}
	out := m.Respond(policy.Request{Method: "OPTIONS", URL: "https://acme-uploads.s3.amazonaws.com/a.jpg",
		Header: headers.List{{Name: "Origin", Value: "https://app.example.com"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}, policy.Reply{Status: 404})
	acao, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
	fmt.Println(out.Reply.Status, acao)
	fmt.Println(out.Text())
	d := out.DecidedBy
	fmt.Printf("%s at %s line %d\n", d.Resource, d.File, d.Line)
	// Output:
	// 200 https://app.example.com
	// preflight answered by rule 1
	// aws_s3_bucket_cors_configuration.uploads at main.tf line 8
}
