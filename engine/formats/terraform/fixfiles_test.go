package terraform_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/policy"
)

// The module of TestFixEditsWhereWritten: one S3 rule whose origins come
// from elsewhere (what each case's rule attribute names).
const (
	fixBucket = `resource "aws_s3_bucket" "photos" {
  bucket = "acme-photos"
}

`
	fixRuleOf = `resource "aws_s3_bucket_cors_configuration" "photos" {
  bucket = aws_s3_bucket.photos.id

  cors_rule {
    allowed_origins = ORIGINS
    allowed_methods = ["GET"]
  }
}
`
	fixVariables = `variable "allowed_origins" {
  type        = list(string)
  description = "Origins of the web app."
  default     = []
}
`
	// precedence is Terraform's "Variable definition precedence"
	// (developer.hashicorp.com/terraform/language/values/variables
	// #variable-definition-precedence): the default, then
	// terraform.tfvars, terraform.tfvars.json, *.auto.tfvars in lexical
	// order of their names, then -var; a later source wins.
	precedence = "Terraform docs, Variable definition precedence"
)

func fixMain(origins string) string {
	return fixBucket + strings.Replace(fixRuleOf, "ORIGINS", origins, 1)
}

// TestFixEditsWhereWritten: the fix search edits the file where the
// value that decided is written, whichever of the module's files it is
// (a .tfvars list, the .auto.tfvars that wins, a variable's default, a
// local), or the -var value when no file holds it; the fix has a diff of
// that file labelled with its own name, the module with every edit made
// passes when explained again, and nothing is widened (no "*").
func TestFixEditsWhereWritten(t *testing.T) {
	get := request{Origin: "https://app.example", URL: "https://acme-photos.s3.amazonaws.com/a.jpg"}
	put := request{Origin: "https://app.example", URL: "https://acme-photos.s3.amazonaws.com/a.jpg", Method: "PUT"}
	tests := []struct {
		desc   string
		files  []policy.File
		params map[string]string
		req    request
		// diffs are the fix's diffs by file name, written by hand: one
		// more item after the list's last, in the list's own layout.
		diffs map[string]string
		// params are the parameters the fix gives new values.
		wantParams map[string]string
		// where is a phrase the fix's summary must hold.
		where  string
		source string
	}{
		{desc: "a list in terraform.tfvars (comments kept)", req: get,
			files: []policy.File{{Name: "main.tf", Text: fixMain("var.allowed_origins")}, {Name: "variables.tf", Text: fixVariables},
				{Name: "terraform.tfvars", Text: "# Origins of the shop\nallowed_origins = [\"https://a.example\"] # prod\n"}},
			diffs: map[string]string{"terraform.tfvars": "--- a/terraform.tfvars\n+++ b/terraform.tfvars\n@@ -1,2 +1,2 @@\n # Origins of the shop\n-allowed_origins = [\"https://a.example\"] # prod\n+allowed_origins = [\"https://a.example\", \"https://app.example\"] # prod\n"},
			where: "in terraform.tfvars, where var.allowed_origins is set", source: precedence + " (terraform.tfvars over the default)"},
		{desc: "an *.auto.tfvars wins over terraform.tfvars: the edit goes where the value is taken from", req: get,
			files: []policy.File{{Name: "main.tf", Text: fixMain("var.allowed_origins")}, {Name: "variables.tf", Text: fixVariables},
				{Name: "prod.auto.tfvars", Text: "allowed_origins = [\n  \"https://b.example\",\n]\n"},
				{Name: "terraform.tfvars", Text: "allowed_origins = [\"https://a.example\"]\n"}},
			diffs: map[string]string{"prod.auto.tfvars": "--- a/prod.auto.tfvars\n+++ b/prod.auto.tfvars\n@@ -1,3 +1,4 @@\n allowed_origins = [\n   \"https://b.example\",\n+  \"https://app.example\",\n ]\n"},
			where: "in prod.auto.tfvars", source: precedence + " (*.auto.tfvars after terraform.tfvars)"},
		{desc: "of two *.auto.tfvars the later name wins", req: get,
			files: []policy.File{{Name: "main.tf", Text: fixMain("var.allowed_origins")}, {Name: "variables.tf", Text: fixVariables},
				{Name: "b.auto.tfvars", Text: "allowed_origins = [\"https://b.example\"]\n"},
				{Name: "a.auto.tfvars", Text: "allowed_origins = [\"https://a.example\"]\n"}},
			diffs: map[string]string{"b.auto.tfvars": "--- a/b.auto.tfvars\n+++ b/b.auto.tfvars\n@@ -1 +1 @@\n-allowed_origins = [\"https://b.example\"]\n+allowed_origins = [\"https://b.example\", \"https://app.example\"]\n"},
			where: "in b.auto.tfvars", source: precedence + " (*.auto.tfvars in lexical order)"},
		{desc: "a JSON array in terraform.tfvars.json, one item a line", req: get,
			files: []policy.File{{Name: "main.tf", Text: fixMain("var.allowed_origins")}, {Name: "variables.tf", Text: fixVariables},
				{Name: "terraform.tfvars.json", Text: "{\n  \"allowed_origins\": [\n    \"https://a.example\"\n  ]\n}\n"}},
			diffs: map[string]string{"terraform.tfvars.json": "--- a/terraform.tfvars.json\n+++ b/terraform.tfvars.json\n@@ -1,5 +1,6 @@\n {\n   \"allowed_origins\": [\n-    \"https://a.example\"\n+    \"https://a.example\",\n+    \"https://app.example\"\n   ]\n }\n"},
			where: "in terraform.tfvars.json, where var.allowed_origins is set", source: precedence + " (terraform.tfvars.json after terraform.tfvars); Terraform docs, Variable Definitions (.tfvars) Files (the JSON form)"},
		{desc: "no .tfvars sets it: the variable's default in variables.tf", req: get,
			files: []policy.File{{Name: "main.tf", Text: fixMain("var.allowed_origins")},
				{Name: "variables.tf", Text: strings.Replace(fixVariables, "[]", "[\"https://a.example\"]", 1)}},
			diffs: map[string]string{"variables.tf": "--- a/variables.tf\n+++ b/variables.tf\n@@ -1,5 +1,5 @@\n variable \"allowed_origins\" {\n   type        = list(string)\n   description = \"Origins of the web app.\"\n-  default     = [\"https://a.example\"]\n+  default     = [\"https://a.example\", \"https://app.example\"]\n }\n"},
			where: "in variables.tf, the default of var.allowed_origins", source: precedence + " (the default when nothing else sets it)"},
		{desc: "a local in locals.tf", req: get,
			files: []policy.File{{Name: "main.tf", Text: fixMain("local.origins")},
				{Name: "locals.tf", Text: "locals {\n  origins = [\"https://a.example\"]\n}\n"}},
			diffs: map[string]string{"locals.tf": "--- a/locals.tf\n+++ b/locals.tf\n@@ -1,3 +1,3 @@\n locals {\n-  origins = [\"https://a.example\"]\n+  origins = [\"https://a.example\", \"https://app.example\"]\n }\n"},
			where: "in locals.tf, where local.origins is written", source: "Terraform docs, Local Values (a local's value is its expression)"},
		// Found as a new user would: the origin went into the local, and
		// so into the other bucket's rule, which nothing said.
		{desc: "a local another resource's rule reads too: the rule's own attribute takes the origin, the local stays as it is", req: get,
			files: []policy.File{{Name: "main.tf", Text: fixMain("local.origins") + "\nresource \"aws_s3_bucket_cors_configuration\" \"uploads\" {\n  bucket = \"acme-uploads\"\n  cors_rule {\n    allowed_origins = local.origins\n    allowed_methods = [\"PUT\"]\n  }\n}\n"},
				{Name: "locals.tf", Text: "locals {\n  origins = [\"https://a.example\"]\n}\n"}},
			diffs:  map[string]string{"main.tf": "--- a/main.tf\n+++ b/main.tf\n@@ -6,7 +6,7 @@\n   bucket = aws_s3_bucket.photos.id\n \n   cors_rule {\n-    allowed_origins = local.origins\n+    allowed_origins = concat(local.origins, [\"https://app.example\"])\n     allowed_methods = [\"GET\"]\n   }\n }\n"},
			source: "Terraform docs, Local Values and concat function (a local's value reaches every rule that names it)"},
		{desc: "a local built from a variable that terraform.tfvars sets: the summary names the file, not the local as written there (found as a new user would)", req: get,
			files: []policy.File{{Name: "main.tf", Text: fixMain("local.origins")}, {Name: "variables.tf", Text: fixVariables},
				{Name: "locals.tf", Text: "locals {\n  origins = concat(var.allowed_origins, [])\n}\n"},
				{Name: "terraform.tfvars", Text: "allowed_origins = [\"https://app.example/\"]\n"}},
			diffs: map[string]string{"terraform.tfvars": "--- a/terraform.tfvars\n+++ b/terraform.tfvars\n@@ -1 +1 @@\n-allowed_origins = [\"https://app.example/\"]\n+allowed_origins = [\"https://app.example\"]\n"},
			where: "in terraform.tfvars, which sets a variable local.origins is built from", source: "Terraform docs, Local Values and Variable Definitions (.tfvars) Files"},
		{desc: "a list in main.tf, the first file: its diff alone", req: get,
			files:  []policy.File{{Name: "main.tf", Text: fixMain(`["https://a.example"]`)}, {Name: "variables.tf", Text: fixVariables}},
			diffs:  map[string]string{"main.tf": "--- a/main.tf\n+++ b/main.tf\n@@ -6,7 +6,7 @@\n   bucket = aws_s3_bucket.photos.id\n \n   cors_rule {\n-    allowed_origins = [\"https://a.example\"]\n+    allowed_origins = [\"https://a.example\", \"https://app.example\"]\n     allowed_methods = [\"GET\"]\n   }\n }\n"},
			source: "cloud-policies.md §1.3 (the rule's AllowedOrigins)"},
		{desc: "the origin in terraform.tfvars and the method in main.tf: a diff per file", req: put,
			files: []policy.File{{Name: "main.tf", Text: fixMain("var.allowed_origins")}, {Name: "variables.tf", Text: fixVariables},
				{Name: "terraform.tfvars", Text: "allowed_origins = [\"https://a.example\"]\n"}},
			diffs: map[string]string{
				"main.tf":          "--- a/main.tf\n+++ b/main.tf\n@@ -7,6 +7,6 @@\n \n   cors_rule {\n     allowed_origins = var.allowed_origins\n-    allowed_methods = [\"GET\"]\n+    allowed_methods = [\"GET\", \"PUT\"]\n   }\n }\n",
				"terraform.tfvars": "--- a/terraform.tfvars\n+++ b/terraform.tfvars\n@@ -1 +1 @@\n-allowed_origins = [\"https://a.example\"]\n+allowed_origins = [\"https://a.example\", \"https://app.example\"]\n"},
			where: "in terraform.tfvars", source: "cloud-policies.md §1.3 (a preflighted PUT needs the origin and the method in one rule)"},
		{desc: "concat() of a variable and a literal list: the origin goes into the literal", req: get,
			files:  []policy.File{{Name: "main.tf", Text: fixMain(`concat(var.allowed_origins, ["https://a.example"])`)}, {Name: "variables.tf", Text: fixVariables}},
			diffs:  map[string]string{"main.tf": "--- a/main.tf\n+++ b/main.tf\n@@ -6,7 +6,7 @@\n   bucket = aws_s3_bucket.photos.id\n \n   cors_rule {\n-    allowed_origins = concat(var.allowed_origins, [\"https://a.example\"])\n+    allowed_origins = concat(var.allowed_origins, [\"https://a.example\", \"https://app.example\"])\n     allowed_methods = [\"GET\"]\n   }\n }\n"},
			source: "Terraform docs, concat function (the lists' elements in order)"},
		{desc: "concat() with the origin misspelt in its literal list: replaced where written, not added beside", req: get,
			files: []policy.File{{Name: "main.tf", Text: fixMain(`concat(var.allowed_origins, ["https://app.example/"])`)}, {Name: "variables.tf", Text: fixVariables}},
			diffs: map[string]string{"main.tf": "--- a/main.tf\n+++ b/main.tf\n@@ -6,7 +6,7 @@\n   bucket = aws_s3_bucket.photos.id\n \n   cors_rule {\n-    allowed_origins = concat(var.allowed_origins, [\"https://app.example/\"])\n+    allowed_origins = concat(var.allowed_origins, [\"https://app.example\"])\n     allowed_methods = [\"GET\"]\n   }\n }\n"},
			where: `Replace the origin "https://app.example/"`, source: "RFC 6454 §6.2 (an origin serialized has no path); Terraform docs, concat function"},
		{desc: "-var holds the list: no file to edit, the parameter's new value", req: get,
			files:  []policy.File{{Name: "main.tf", Text: fixMain("var.allowed_origins")}, {Name: "variables.tf", Text: fixVariables}},
			params: map[string]string{"allowed_origins": `["https://a.example"]`},
			diffs:  map[string]string{}, wantParams: map[string]string{"allowed_origins": `["https://a.example", "https://app.example"]`},
			where: `give -var 'allowed_origins=["https://a.example", "https://app.example"]' instead`, source: precedence + " (-var last)"},
	}
	reg := registry()
	for _, tc := range tests {
		s := scenario(t, "terraform", policy.Source{Files: tc.files, Params: tc.params}, tc.req)
		v, err := explain.Explain(s, advise.Options(reg))
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		if v.Allowed {
			t.Errorf("%s: allowed before any fix", tc.desc)
			continue
		}
		var f *explain.Fix
		for i := range v.Fixes {
			if v.Fixes[i].Where == "server" && v.Fixes[i].Format == "terraform" {
				f = &v.Fixes[i]
				break
			}
		}
		if f == nil {
			t.Errorf("%s (%s): no fix of the module; fixes %+v", tc.desc, tc.source, v.Fixes)
			continue
		}
		got := map[string]string{}
		var all strings.Builder
		for _, ff := range f.Files {
			got[ff.Name] = ff.Diff
			all.WriteString(ff.Diff)
		}
		if !maps.Equal(got, tc.diffs) {
			t.Errorf("%s (%s): diffs\n%v\nwant\n%v", tc.desc, tc.source, got, tc.diffs)
		}
		if f.Diff != all.String() {
			t.Errorf("%s: diff %q, want the files' diffs one after another %q", tc.desc, f.Diff, all.String())
		}
		if !maps.Equal(f.Params, tc.wantParams) {
			t.Errorf("%s: params %v, want %v", tc.desc, f.Params, tc.wantParams)
		}
		if !strings.Contains(f.Summary, tc.where) {
			t.Errorf("%s: summary %q lacks %q", tc.desc, f.Summary, tc.where)
		}
		// Main's text is there when main.tf changed, and only then.
		if _, mainChanged := tc.diffs["main.tf"]; mainChanged != (f.Text != "") {
			t.Errorf("%s: text %q with main.tf changed %v", tc.desc, f.Text, mainChanged)
		}
		// Nothing widened: no wildcard written.
		for _, l := range strings.Split(f.Diff, "\n") {
			if strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++") && strings.Contains(l, "*") {
				t.Errorf("%s: the fix writes a wildcard: %s", tc.desc, l)
			}
		}
		// Every file with its edit, and the new parameters: it passes.
		s2 := s
		s2.Policy = f.Applied(s.Policy)
		if v2, err := explain.Explain(s2, explain.Options{Formats: reg}); err != nil || !v2.Allowed {
			t.Errorf("%s: with the fix: allowed %v (%s), %v", tc.desc, v2.Allowed, v2.Reason, err)
		}
		// Another origin stays refused.
		s3 := s2
		s3.Request.Origin = "https://evil.example"
		if v3, err := explain.Explain(s3, explain.Options{Formats: reg}); err != nil || v3.Allowed {
			t.Errorf("%s: with the fix another origin is allowed %v, %v", tc.desc, v3.Allowed, err)
		}
	}
}
