package fix_test

import (
	"fmt"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/terraform"
	"github.com/whycors/whycors/engine/policy"
)

// TestChangeIn: a change lands in the file it names (a source of files,
// or a text with more files beside it), in the main text when it names
// none of the files, or in the parameters; the source it was made in is
// left as it was.
func TestChangeIn(t *testing.T) {
	files := []policy.File{{Name: "main.tf", Text: "m"}, {Name: "terraform.tfvars", Text: "v"}}
	tests := []struct {
		desc string
		src  policy.Source
		c    fix.Change
		want policy.Source
	}{
		{desc: "the second file", src: policy.Source{Files: files}, c: fix.Change{File: "terraform.tfvars", Text: "v2"},
			want: policy.Source{Files: []policy.File{{Name: "main.tf", Text: "m"}, {Name: "terraform.tfvars", Text: "v2"}}}},
		{desc: "the first file, the main text", src: policy.Source{Files: files}, c: fix.Change{File: "main.tf", Text: "m2"},
			want: policy.Source{Files: []policy.File{{Name: "main.tf", Text: "m2"}, {Name: "terraform.tfvars", Text: "v"}}}},
		{desc: "a text and files: a file by its name", src: policy.Source{Text: "t", Files: files}, c: fix.Change{File: "main.tf", Text: "m2"},
			want: policy.Source{Text: "t", Files: []policy.File{{Name: "main.tf", Text: "m2"}, {Name: "terraform.tfvars", Text: "v"}}}},
		{desc: "a text and files: the text under the format's name", src: policy.Source{Text: "t", Files: files[1:]}, c: fix.Change{File: "main.tf", Text: "t2"},
			want: policy.Source{Text: "t2", Files: files[1:]}},
		{desc: "a parameter", src: policy.Source{Files: files, Params: map[string]string{"a": "1"}}, c: fix.Change{Param: "b", Value: "2"},
			want: policy.Source{Files: files, Params: map[string]string{"a": "1", "b": "2"}}},
	}
	for _, tc := range tests {
		got := tc.c.In(tc.src)
		if got.Text != tc.want.Text || len(got.Files) != len(tc.want.Files) || len(got.Params) != len(tc.want.Params) {
			t.Errorf("%s: %+v, want %+v", tc.desc, got, tc.want)
			continue
		}
		for i := range got.Files {
			if got.Files[i] != tc.want.Files[i] {
				t.Errorf("%s: file %d %+v, want %+v", tc.desc, i, got.Files[i], tc.want.Files[i])
			}
		}
		for k, v := range tc.want.Params {
			if got.Params[k] != v {
				t.Errorf("%s: param %s = %q, want %q", tc.desc, k, got.Params[k], v)
			}
		}
	}
	if files[0].Text != "m" || files[1].Text != "v" {
		t.Errorf("the source's files changed: %+v", files)
	}
}

// TestApplyChange: a FileEditor (Terraform) edits the file that holds
// the value; a value a fix must never write is refused before.
func TestApplyChange(t *testing.T) {
	f := terraform.Formats()[0]
	src := policy.Source{Files: []policy.File{
		{Name: "main.tf", Text: "resource \"aws_s3_bucket_cors_configuration\" \"b\" {\n  bucket = \"b\"\n  cors_rule {\n    allowed_origins = var.o\n    allowed_methods = [\"GET\"]\n  }\n}\n"},
		{Name: "variables.tf", Text: "variable \"o\" {\n  type = list(string)\n}\n"},
		{Name: "terraform.tfvars", Text: "o = [\"https://a.test\"]\n"}}}
	c, got, err := fix.ApplyChange(f, src, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.test"}})
	if err != nil || c.File != "terraform.tfvars" || got.Files[2].Text != "o = [\"https://a.test\", \"https://b.test\"]\n" || got.Files[0].Text != src.Files[0].Text {
		t.Errorf("change %+v, %v; files %+v", c, err, got.Files)
	}
	if _, _, err := fix.ApplyChange(f, src, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"*"}}); err == nil {
		t.Error("a wildcard written")
	}
}

// ApplyChange edits the file of a Terraform module where the origins
// are written: terraform.tfvars, not main.tf.
func ExampleApplyChange() {
	src := policy.Source{Files: []policy.File{
		{Name: "main.tf", Text: "resource \"aws_s3_bucket_cors_configuration\" \"b\" {\n  bucket = \"b\"\n  cors_rule {\n    allowed_origins = var.origins\n    allowed_methods = [\"GET\"]\n  }\n}\n"},
		{Name: "variables.tf", Text: "variable \"origins\" {\n  type = list(string)\n}\n"},
		{Name: "terraform.tfvars", Text: "origins = [\"https://a.example\"] # the shop\n"}}}
	c, _, err := fix.ApplyChange(terraform.Formats()[0], src, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://app.example"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Where)
	fmt.Print(fix.Diff("a/"+c.File, "b/"+c.File, src.Files[2].Text, c.Text))
	// Output:
	// in terraform.tfvars, where var.origins is set
	// --- a/terraform.tfvars
	// +++ b/terraform.tfvars
	// @@ -1 +1 @@
	// -origins = ["https://a.example"] # the shop
	// +origins = ["https://a.example", "https://app.example"] # the shop
}
