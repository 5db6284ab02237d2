package terraform_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/terraform"
)

// TestExampleTerraformS3: examples/terraform-s3 (main.tf, variables.tf,
// terraform.tfvars and the page's request in request.json) gives the
// verdict in output.txt, and the fix of its rule 2 (the rule whose
// headers missed x-amz-meta-uploaded-by) is fix.diff. -update rewrites
// both.
func TestExampleTerraformS3(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "examples", "terraform-s3")
	s, err := explain.Decode([]byte(readFile(t, filepath.Join(dir, "request.json"))))
	if err != nil {
		t.Fatal(err)
	}
	src := loadDir(t, dir)
	s.Policy.Files = src.Files
	v, err := explain.Explain(s, advise.Options(registry()))
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed || v.DecidedBy == nil || v.DecidedBy.Resource != "aws_s3_bucket_cors_configuration.uploads" || v.DecidedBy.Line != 8 {
		t.Errorf("allowed %v, decided by %+v; want blocked by the resource at main.tf line 8 (no rule matched)", v.Allowed, v.DecidedBy)
	}
	out := explain.Text(v, explain.TextOptions{})
	file, text, err := terraform.EditSource(src, fix.Edit{Op: fix.Add, Rule: 1, Field: fix.AllowHeaders, Values: []string{"x-amz-meta-uploaded-by"}})
	if err != nil {
		t.Fatal(err)
	}
	var old string
	for _, f := range src.Files {
		if f.Name == file {
			old = f.Text
		}
	}
	diff := fix.Diff("a/"+file, "b/"+file, old, text)
	for name, got := range map[string]string{"output.txt": out, "fix.diff": diff} {
		p := filepath.Join(dir, name)
		if *update {
			if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if want := readFile(t, p); got != want {
			t.Errorf("%s:\n%s\nwant\n%s", p, got, want)
		}
	}
	// With the fix applied the same request passes.
	for i := range s.Policy.Files {
		if s.Policy.Files[i].Name == file {
			s.Policy.Files[i].Text = text
		}
	}
	if v, err := explain.Explain(s, explain.Options{Formats: registry()}); err != nil || !v.Allowed {
		t.Errorf("after the fix: allowed %v (%s), %v", v.Allowed, v.Reason, err)
	}
}

// TestExampleTerraformS3Tfvars: the admin site's upload
// (examples/terraform-s3/admin-request.json) comes from an origin
// terraform.tfvars does not list; the fix search edits terraform.tfvars,
// where var.app_origins is set, and the verdict, its fix diff included,
// is admin-output.txt (-update rewrites it). With the fix's files the
// upload passes.
func TestExampleTerraformS3Tfvars(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "examples", "terraform-s3")
	s, err := explain.Decode([]byte(readFile(t, filepath.Join(dir, "admin-request.json"))))
	if err != nil {
		t.Fatal(err)
	}
	s.Policy.Files = loadDir(t, dir).Files
	v, err := explain.Explain(s, advise.Options(registry()))
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed || len(v.Fixes) == 0 || len(v.Fixes[0].Files) != 1 || v.Fixes[0].Files[0].Name != "terraform.tfvars" {
		t.Fatalf("allowed %v, fixes %+v; want blocked with a fix of terraform.tfvars", v.Allowed, v.Fixes)
	}
	out := explain.Text(v, explain.TextOptions{})
	p := filepath.Join(dir, "admin-output.txt")
	if *update {
		if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if want := readFile(t, p); out != want {
		t.Errorf("%s:\n%s\nwant\n%s", p, out, want)
	}
	s.Policy = v.Fixes[0].Applied(s.Policy)
	if v, err := explain.Explain(s, explain.Options{Formats: registry()}); err != nil || !v.Allowed {
		t.Errorf("after the fix: allowed %v (%s), %v", v.Allowed, v.Reason, err)
	}
}
