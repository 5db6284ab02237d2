package tfname_test

import (
	"testing"

	"github.com/whycors/whycors/engine/formats/terraform/tfname"
)

// TestGlance: a module's block is its type, quoted labels and the brace
// (developer.hashicorp.com/terraform/language/syntax/configuration),
// with a comment after it or the block on one line; rack-cors's
// `resource "/api/*",` is Ruby, no block.
func TestGlance(t *testing.T) {
	tests := []struct {
		desc, text, want string
	}{
		{"a resource block", "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n", tfname.HCL},
		{"a comment after the brace", "resource \"aws_s3_bucket\" \"b\" { # the site\n}\n", tfname.HCL},
		{"a block on one line", "resource \"aws_s3_bucket\" \"b\" {}\n", tfname.HCL},
		{"locals", "locals {\n  a = 1\n}\n", tfname.HCL},
		{"a plan", `{"format_version": "1.2", "planned_values": {}}`, tfname.Plan},
		{"rack-cors's resource", "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    resource \"/api/*\",\n      headers: :any\n  end\nend\n", ""},
		{"rack-cors's resource with options on its line", "    resource \"*\", headers: :any, methods: [:get]\n", ""},
	}
	for _, tt := range tests {
		if got := tfname.Glance(tt.text); got != tt.want {
			t.Errorf("%s: Glance = %q, want %q", tt.desc, got, tt.want)
		}
	}
}
