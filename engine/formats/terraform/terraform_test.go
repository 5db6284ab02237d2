package terraform_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/terraform"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/policy"
)

var update = flag.Bool("update", false, "rewrite the golden diffs and the example's output")

// registry is the whole engine's formats and this package's, as
// engine/all will list them (and does not list twice once it does).
func registry() *policy.Registry {
	fs := all.Formats()
	if _, listed := policy.NewRegistry(fs...).Lookup(terraform.NameHCL); !listed {
		fs = append(fs, terraform.Formats()...)
	}
	return policy.NewRegistry(fs...)
}

// loadDir reads a module's .tf and .tfvars files, in name order.
func loadDir(t testing.TB, dir string) policy.Source {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	var src policy.Source
	for _, n := range names {
		if !strings.HasSuffix(n, ".tf") && !strings.HasSuffix(n, ".tfvars") {
			continue
		}
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		src.Files = append(src.Files, policy.File{Name: filepath.Base(n), Text: string(b)})
	}
	return src
}

// request is the page's fetch of a scenario.
type request struct {
	Origin, URL, Method, Credentials string
	Headers                          [][2]string
}

// scenario is the JSON scenario of req against src in format.
func scenario(t testing.TB, format string, src policy.Source, req request) explain.Scenario {
	t.Helper()
	r := map[string]any{"origin": req.Origin, "url": req.URL}
	if req.Method != "" {
		r["method"] = req.Method
	}
	if req.Credentials != "" {
		r["credentials"] = req.Credentials
	}
	if len(req.Headers) > 0 {
		r["headers"] = req.Headers
	}
	p := map[string]any{"format": format}
	if src.Text != "" {
		p["text"] = src.Text
	}
	if len(src.Files) > 0 {
		p["files"] = src.Files
	}
	if src.Resource != "" {
		p["resource"] = src.Resource
	}
	if len(src.Params) > 0 {
		p["params"] = src.Params
	}
	b, err := json.Marshal(map[string]any{"request": r, "policy": p})
	if err != nil {
		t.Fatal(err)
	}
	s, err := explain.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestGoldenModules: each golden module (one per resource type, written
// from the shapes in the providers' documentation) gives the verdict its
// platform's semantics give, and names the resource and rule block that
// decided.
func TestGoldenModules(t *testing.T) {
	tests := []struct {
		desc     string
		dir      string
		params   map[string]string
		resource string
		req      request
		allowed  bool
		reason   string
		// decided is resource file:line of the verdict's decided_by.
		decided string
		source  string
	}{
		{desc: "S3: an origin from terraform.tfvars, which wins over the default", dir: "s3",
			req:     request{Origin: "https://admin.example.com", URL: "https://acme-uploads.s3.amazonaws.com/a.jpg", Method: "PUT", Headers: [][2]string{{"Content-Type", "image/jpeg"}}},
			allowed: true, decided: "aws_s3_bucket_cors_configuration.uploads main.tf:11",
			source: "Terraform docs, variable definition precedence (.tfvars over default); cloud-policies.md §1.3 (rule 1 matches origin, method and header)"},
		{desc: "S3: -var wins over terraform.tfvars", dir: "s3", params: map[string]string{"app_origins": `["https://app.example.com"]`},
			req:     request{Origin: "https://admin.example.com", URL: "https://acme-uploads.s3.amazonaws.com/a.jpg", Method: "PUT", Headers: [][2]string{{"Content-Type", "image/jpeg"}}},
			allowed: false, reason: "PreflightMissingAllowOriginHeader", decided: "aws_s3_bucket_cors_configuration.uploads main.tf:8",
			source: "Terraform docs (-var last); cloud-policies.md §1.3 (no rule matches: 403 without CORS headers)"},
		{desc: "S3: the second rule's origin is built from a local and a variable's default", dir: "s3",
			req:     request{Origin: "https://docs.example.com", URL: "https://acme-uploads.s3.amazonaws.com/guide.pdf"},
			allowed: true, decided: "aws_s3_bucket_cors_configuration.uploads main.tf:19",
			source: "\"https://${local.docs_host}\" with docs_host = \"docs.${var.domain}\", domain's default example.com; §1.3 rule 2"},
		{desc: "S3 legacy cors_rule: \"*\" answers without credentials", dir: "s3-legacy",
			req:     request{Origin: "https://any.example", URL: "https://acme-assets.s3.amazonaws.com/logo.svg"},
			allowed: true, decided: "aws_s3_bucket.assets main.tf:7", source: "cloud-policies.md §0 item 4 (ACAO * for a \"*\" rule)"},
		{desc: "S3 legacy cors_rule: a fetch with credentials is blocked by \"*\"", dir: "s3-legacy",
			req:     request{Origin: "https://any.example", URL: "https://acme-assets.s3.amazonaws.com/logo.svg", Credentials: "include"},
			allowed: false, reason: "WildcardOriginNotAllowed", decided: "aws_s3_bucket.assets main.tf:7",
			source: "cloud-policies.md §0 item 4; Fetch standard, CORS check (credentials with ACAO *)"},
		{desc: "API Gateway HTTP API: origin from a variable's default, with credentials", dir: "apigw",
			req:     request{Origin: "https://shop.example.com", URL: "https://abc123.execute-api.eu-west-1.amazonaws.com/cart", Method: "POST", Credentials: "include", Headers: [][2]string{{"Content-Type", "application/json"}}},
			allowed: true, decided: "aws_apigatewayv2_api.shop main.tf:12", source: "cloud-policies.md §5.1 (HTTP API answers the preflight itself)"},
		{desc: "Lambda function URL: a header outside allow_headers", dir: "lambda",
			req:     request{Origin: "https://app.example.com", URL: "https://abc.lambda-url.eu-west-1.on.aws/", Method: "POST", Headers: [][2]string{{"Content-Type", "application/json"}}},
			allowed: false, reason: "HeaderDisallowedByPreflightResponse", decided: "aws_lambda_function_url.hook main.tf:7",
			source: "Lambda function URL CORS doc (AllowHeaders); engine/platform/lambdaurl"},
		{desc: "CloudFront response headers policy: an allowed origin", dir: "cloudfront",
			req:     request{Origin: "https://www.example.com", URL: "https://d111111abcdef8.cloudfront.net/app.js"},
			allowed: true, decided: "aws_cloudfront_response_headers_policy.site main.tf:7",
			source: "CloudFront response headers policy guide (CORS settings); cloud-policies.md §5.4"},
		{desc: "GCS: PUT with Content-Type from the one cors entry", dir: "gcs",
			req:     request{Origin: "https://app.example.com", URL: "https://storage.googleapis.com/acme-media/v.mp4", Method: "PUT", Headers: [][2]string{{"Content-Type", "video/mp4"}}},
			allowed: true, decided: "google_storage_bucket.media main.tf:7", source: "cloud-policies.md §3"},
		{desc: "Azure: a method outside allowed_methods", dir: "azure",
			req:     request{Origin: "https://app.example.com", URL: "https://acmefiles.blob.core.windows.net/c/f.txt", Method: "DELETE"},
			allowed: false, decided: "azurerm_storage_account.files main.tf:4", source: "cloud-policies.md §4 (no rule matches origin and method: the resource block decided)"},
		{desc: "two buckets: the host names bucket a", dir: "multi",
			req:     request{Origin: "https://a.example.com", URL: "https://acme-a.s3.eu-west-1.amazonaws.com/x"},
			allowed: true, decided: "aws_s3_bucket.a main.tf:6", source: "S3 virtual-hosted endpoint BUCKET.s3.REGION.amazonaws.com"},
		{desc: "two buckets: path style names bucket b, which does not list a's origin", dir: "multi",
			req:     request{Origin: "https://a.example.com", URL: "https://s3.eu-west-1.amazonaws.com/acme-b/x"},
			allowed: false, decided: "aws_s3_bucket.b main.tf:12", source: "S3 path-style endpoint s3.REGION.amazonaws.com/BUCKET; §1.3"},
		{desc: "two buckets: --resource chooses whatever the host", dir: "multi", resource: "aws_s3_bucket.b",
			req:     request{Origin: "https://b.example.com", URL: "https://cdn.example.net/x"},
			allowed: true, decided: "aws_s3_bucket.b main.tf:15", source: "policy.resource (design.md, The contract grows)"},
	}
	reg := registry()
	for _, tc := range tests {
		src := loadDir(t, filepath.Join("testdata", tc.dir))
		src.Params, src.Resource = tc.params, tc.resource
		v, err := explain.Explain(scenario(t, terraform.NameHCL, src, tc.req), explain.Options{Formats: reg})
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		if v.Allowed != tc.allowed || !tc.allowed && tc.reason != "" && v.Reason != tc.reason {
			t.Errorf("%s: allowed %v (%s), want %v %s (%s)", tc.desc, v.Allowed, v.Reason, tc.allowed, tc.reason, tc.source)
		}
		got := ""
		if d := v.DecidedBy; d != nil {
			got = d.Resource + " " + d.File + ":" + itoa(d.Line)
			if d.Layer != "cors-rule" {
				t.Errorf("%s: layer %q, want cors-rule", tc.desc, d.Layer)
			}
		}
		if got != tc.decided {
			t.Errorf("%s: decided_by %q, want %q", tc.desc, got, tc.decided)
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestFixDiffs: a fix edits the user's own file where the value is
// written (the .tfvars list, the .tf list, a missing attribute), and
// the diff against the golden one touches only the lines it must.
func TestFixDiffs(t *testing.T) {
	tests := []struct {
		desc, dir string
		edit      fix.Edit
		golden    string
		// minus and plus are the diff's changed lines.
		minus, plus int
	}{
		{desc: "an origin into the .tfvars list written one item a line (trailing comma kept)", dir: "s3",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Origins, Values: []string{"https://new.example.com"}}, golden: "s3/fix-origin.diff", minus: 0, plus: 1},
		{desc: "a header into a one-line list: one line changes", dir: "lambda",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.AllowHeaders, Values: []string{"content-type"}}, golden: "lambda/fix-header.diff", minus: 1, plus: 1},
		{desc: "a method into the GCS entry", dir: "gcs",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Methods, Values: []string{"POST"}}, golden: "gcs/fix-method.diff", minus: 1, plus: 1},
		{desc: "allowed_headers added to the S3 rule that lacks it, aligned with its neighbours", dir: "s3",
			edit: fix.Edit{Op: fix.Add, Rule: 1, Field: fix.AllowHeaders, Values: []string{"range"}}, golden: "s3/fix-add-attribute.diff", minus: 0, plus: 1},
		{desc: "\"*\" replaced by the page's origin in the legacy inline rule", dir: "s3-legacy",
			edit: fix.Edit{Op: fix.Replace, Rule: 0, Field: fix.Origins, Old: "*", Values: []string{"https://app.example.com"}}, golden: "s3-legacy/fix-replace.diff", minus: 1, plus: 1},
		{desc: "a method into bucket b, the second resource's rule", dir: "multi",
			edit: fix.Edit{Op: fix.Add, Rule: 1, Field: fix.Methods, Values: []string{"POST"}}, golden: "multi/fix-method.diff", minus: 1, plus: 1},
	}
	for _, tc := range tests {
		src := loadDir(t, filepath.Join("testdata", tc.dir))
		file, text, err := terraform.EditSource(src, tc.edit)
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		var old string
		for _, f := range src.Files {
			if f.Name == file {
				old = f.Text
			}
		}
		d := fix.Diff("a/"+file, "b/"+file, old, text)
		minus, plus := changed(d)
		if minus != tc.minus || plus != tc.plus {
			t.Errorf("%s: the diff removes %d and adds %d lines, want %d and %d:\n%s", tc.desc, minus, plus, tc.minus, tc.plus, d)
		}
		// The edited module still reads, with the value added.
		src2 := src
		src2.Files = append([]policy.File(nil), src.Files...)
		for i := range src2.Files {
			if src2.Files[i].Name == file {
				src2.Files[i].Text = text
			}
		}
		cfg, err := rulesOf(src2)
		if err != nil {
			t.Errorf("%s: the edited module does not read: %v", tc.desc, err)
		} else if !holds(cfg, tc.edit) {
			t.Errorf("%s: rule %d does not hold %v after the edit", tc.desc, tc.edit.Rule, tc.edit.Values)
		}
		golden := filepath.Join("testdata", tc.golden)
		if *update {
			if err := os.WriteFile(golden, []byte(d), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		if d != string(want) {
			t.Errorf("%s: diff\n%s\nwant\n%s", tc.desc, d, want)
		}
	}
}

// changed counts a unified diff's removed and added lines.
func changed(d string) (minus, plus int) {
	for _, l := range strings.Split(d, "\n") {
		switch {
		case strings.HasPrefix(l, "---"), strings.HasPrefix(l, "+++"):
		case strings.HasPrefix(l, "-"):
			minus++
		case strings.HasPrefix(l, "+"):
			plus++
		}
	}
	return minus, plus
}

type rulesCfg = []struct{ origins, methods, headers []string }

func rulesOf(src policy.Source) (rulesCfg, error) {
	m, err := terraform.ReadModule(src)
	if err != nil {
		return nil, err
	}
	_ = m
	cfg, ok := (&terraform.HCL{}).StateRules(m, "")
	if !ok {
		return nil, os.ErrInvalid
	}
	var out rulesCfg
	for _, r := range cfg.Rules {
		var x struct{ origins, methods, headers []string }
		for _, v := range r.Origins {
			x.origins = append(x.origins, v.Text)
		}
		for _, v := range r.Methods {
			x.methods = append(x.methods, v.Text)
		}
		for _, v := range r.AllowHeaders {
			x.headers = append(x.headers, v.Text)
		}
		out = append(out, x)
	}
	return out, nil
}

func holds(cfg rulesCfg, e fix.Edit) bool {
	if e.Rule >= len(cfg) {
		return false
	}
	r := cfg[e.Rule]
	list := map[string][]string{fix.Origins: r.origins, fix.Methods: r.methods, fix.AllowHeaders: r.headers}[e.Field]
	for _, v := range e.Values {
		found := false
		for _, x := range list {
			found = found || x == v
		}
		if !found {
			return false
		}
	}
	return true
}

// TestExplainFixOneText: through the explainer's fix search, a module
// of one text blocked for a header gets a fix whose diff changes the
// one line of the list (the fix.Editor capability).
func TestExplainFixOneText(t *testing.T) {
	b, err := os.ReadFile("testdata/lambda/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	s := scenario(t, terraform.NameHCL, policy.Source{Text: string(b)}, request{Origin: "https://app.example.com", URL: "https://abc.lambda-url.eu-west-1.on.aws/",
		Method: "POST", Headers: [][2]string{{"Content-Type", "application/json"}}})
	v, err := explain.Explain(s, advise.Options(registry()))
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed {
		t.Fatal("allowed; want blocked for content-type (allow_headers lists date and keep-alive)")
	}
	for _, f := range v.Fixes {
		if f.Where != "server" || f.Format != terraform.NameHCL {
			continue
		}
		if minus, plus := changed(f.Diff); minus != 1 || plus != 1 || !strings.Contains(f.Diff, `+    allow_headers     = ["date", "keep-alive", "content-type"]`) {
			t.Errorf("fix diff:\n%s\nwant content-type added to the one allow_headers line", f.Diff)
		}
		return
	}
	t.Errorf("no server fix in terraform syntax among %d fixes", len(v.Fixes))
}

// TestRulesAndLint: each golden module states its rules in the neutral
// model, numbered across the module as written (in the order the platform
// gets them: TestConversionTakesSentOrder), each value at its line; lint
// reads them with the module's own traps.
func TestRulesAndLint(t *testing.T) {
	want := map[string]int{"s3": 2, "s3-legacy": 1, "apigw": 1, "lambda": 1, "cloudfront": 1, "gcs": 1, "azure": 1, "multi": 2}
	for dir, n := range want {
		m, err := terraform.ReadModule(loadDir(t, filepath.Join("testdata", dir)))
		if err != nil {
			t.Fatal(err)
		}
		cfg, ok := (&terraform.HCL{}).StateRules(m, "")
		if !ok || len(cfg.Rules) != n {
			t.Errorf("%s: %d rules, want %d", dir, len(cfg.Rules), n)
			continue
		}
		seen := map[int]bool{}
		for i, r := range cfg.Rules {
			if r.Index < 0 || r.Index >= n || seen[r.Index] || r.Pos.Line == 0 || len(r.Origins) == 0 || r.Origins[0].Pos.Line == 0 {
				t.Errorf("%s: rule %d at %+v, origins %+v: want its index and lines", dir, i, r.Pos, r.Origins)
			}
			seen[r.Index] = true
		}
	}
	text := readFile(t, "testdata/s3-legacy/main.tf")
	fs, err := lint.Lint(registry(), text, terraform.NameHCL)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fs {
		found = found || f.Code == "terraform-star-origin-credentials" && f.Line == 10
	}
	if !found {
		t.Errorf("lint: %+v, want the \"*\" trap at line 10", fs)
	}
}

// TestBucketBesideAnAPI: a module with an S3 bucket, an HTTP API and a
// GCS bucket. A request to the S3 bucket's endpoint names it
// (docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html),
// so it answers; the API's host is its generated id, which no request
// names. Tried as a new user would, the module was refused whole ("choose
// the one that answers with --resource"), and lint found nothing but
// that refusal; now lint reads each resource with its own platform's
// semantics (policy.Resourcer).
func TestBucketBesideAnAPI(t *testing.T) {
	const mainTF = `resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
}
resource "aws_s3_bucket_cors_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id
  cors_rule {
    allowed_origins = ["https://www.acme.io/"]
    allowed_methods = ["GET"]
  }
}
resource "aws_apigatewayv2_api" "api" {
  name          = "api"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins = ["https://www.acme.io"]
    allow_methods = ["GET"]
    max_age       = 86400
  }
}
resource "google_storage_bucket" "media" {
  name     = "acme-media"
  location = "EU"
  cors {
    origin = ["https://www.acme.io"]
    method = ["GET"]
  }
}
`
	reg := registry()
	fs, err := lint.Lint(reg, mainTF, terraform.NameHCL)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range fs {
		got[f.Code] = f.Line
		if f.Code == "rejected" {
			t.Errorf("a refusal: %+v", f)
		}
	}
	// The S3 origin's trailing slash, and the API's max_age above
	// Chrome's cap: each resource's own finding, at its own line.
	if got["origin-never-matches"] != 7 || got["max-age-cap"] != 17 {
		t.Errorf("findings %+v: want origin-never-matches at line 7 and max-age-cap at line 17", fs)
	}
	// The API's host is its generated id: a request to it names no
	// resource, and the verdict says to choose one, with no made-up fix.
	api := explainText(t, reg, mainTF, "https://a1b2c3.execute-api.eu-west-1.amazonaws.com/x")
	if !strings.HasPrefix(api.Summary, "No resource of the configuration answered: the URL names none of aws_s3_bucket_cors_configuration.assets, aws_apigatewayv2_api.api, google_storage_bucket.media. Choose the one that answers with --resource NAME") {
		t.Errorf("summary %q", api.Summary)
	}
	fixed := explainWith(t, reg, mainTF, "https://a1b2c3.execute-api.eu-west-1.amazonaws.com/x")
	for _, f := range fixed.Fixes {
		if f.Where == "server" {
			t.Errorf("a server fix for no resource: %+v", f)
		}
	}
	for _, tc := range []struct{ url, want string }{
		{"https://acme-assets.s3.eu-west-1.amazonaws.com/logo.png", "aws_s3_bucket_cors_configuration.assets"},
		{"https://storage.googleapis.com/acme-media/a.mp4", "google_storage_bucket.media"},
	} {
		v := explainText(t, reg, mainTF, tc.url)
		if v.DecidedBy == nil || v.DecidedBy.Resource != tc.want {
			t.Errorf("%s: decided by %+v, want %s", tc.url, v.DecidedBy, tc.want)
		}
	}
}

// explainWith is explainText with the advisor: warnings and fixes.
func explainWith(t *testing.T, reg *policy.Registry, text, url string) *explain.Verdict {
	t.Helper()
	s := explain.Scenario{Browser: "chrome", Request: explain.Request{Origin: "https://www.acme.io", URL: url},
		Policy: &explain.Policy{Format: terraform.NameHCL, Text: text}}
	v, err := explain.Explain(s, advise.Options(reg))
	if err != nil {
		t.Fatal(err)
	}
	return &v
}

func explainText(t *testing.T, reg *policy.Registry, text, url string) *explain.Verdict {
	t.Helper()
	s := explain.Scenario{Browser: "chrome", Request: explain.Request{Origin: "https://www.acme.io", URL: url},
		Policy: &explain.Policy{Format: terraform.NameHCL, Text: text}}
	v, err := explain.Explain(s, explain.Options{Formats: reg})
	if err != nil {
		t.Fatal(err)
	}
	return &v
}

// TestStepsCiteTheResourcesPlatform: a step of a module's HTTP API cites
// API Gateway's CORS (the apigw package's source,
// docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html),
// not the module's list of every platform, whose first word, S3, the
// reader's link followed (tried as a new user would: an HTTP API's steps
// linked S3's CORS page).
func TestStepsCiteTheResourcesPlatform(t *testing.T) {
	const mainTF = `resource "aws_apigatewayv2_api" "api" {
  name          = "api"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins = ["https://app.example"]
    allow_methods = ["PUT"]
  }
}
`
	s := explain.Scenario{Browser: "chrome", Request: explain.Request{Origin: "https://www.acme.io", URL: "https://a1b2.execute-api.eu-west-1.amazonaws.com/x", Init: fetch.Init{Method: "PUT"}},
		Policy: &explain.Policy{Format: terraform.NameHCL, Text: mainTF}}
	v, err := explain.Explain(s, explain.Options{Formats: registry()})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, st := range v.Steps {
		if st.Spec == apigw.SourceHTTP {
			n++
		}
		if strings.Contains(st.Spec, "S3") {
			t.Errorf("a step cites S3: %q", st.Spec)
		}
	}
	if n == 0 {
		t.Errorf("no step cites %q", apigw.SourceHTTP)
	}
}

// TestConvertToItsOwnPlatform: a module's one resource converts to a
// format of its own platform rule for rule, as the platform's model has
// it (convert.SourceModelReader): Azure's x-ms-* prefixes and a rule
// picked by method are kept. Through the neutral form they were refused
// (tried as a new user would: "x-ms-* is a prefix pattern the portable
// form cannot express").
func TestConvertToItsOwnPlatform(t *testing.T) {
	const mainTF = `resource "azurerm_storage_account" "media" {
  name                     = "acmemedia"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
  blob_properties {
    cors_rule {
      allowed_headers    = ["x-ms-*", "content-type"]
      allowed_methods    = ["GET", "PUT"]
      allowed_origins    = ["https://app.example.com"]
      exposed_headers    = ["x-ms-*"]
      max_age_in_seconds = 3600
    }
  }
}
`
	out, notes, err := convert.ConvertSource(registry(), policy.Source{Files: []policy.File{{Name: "main.tf", Text: mainTF}}}, terraform.NameHCL, "azure-xml")
	if err != nil || len(notes) != 0 {
		t.Fatalf("%v, notes %+v", err, notes)
	}
	for _, want := range []string{"<AllowedHeaders>x-ms-*,content-type</AllowedHeaders>", "<AllowedMethods>GET,PUT</AllowedMethods>", "<ExposedHeaders>x-ms-*</ExposedHeaders>"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %s:\n%s", want, out)
		}
	}
}

// TestRulesNumberedInTheirResource: a module's rules are numbered within
// the resource that holds them, as the user reads its blocks. Tried as a
// new user would, a Cloud Storage bucket's one cors block was "rule 3"
// after an S3 bucket's two cors_rule blocks, in the verdict, its fix and
// lint. Each resource's own rules are still told apart: a request to the
// S3 bucket gets its second rule fixed.
func TestRulesNumberedInTheirResource(t *testing.T) {
	const module = `resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = "uploads"
  cors_rule {
    allowed_origins = ["https://app.example"]
    allowed_methods = ["GET"]
  }
  cors_rule {
    allowed_origins = ["https://admin.example"]
    allowed_methods = ["PUT"]
  }
}

resource "google_storage_bucket" "assets" {
  name     = "assets"
  location = "EU"
  cors {
    origin = ["https://app.example"]
    method = ["GET"]
  }
  cors {
    origin = ["https://app.example"]
    method = ["GET"]
  }
}
`
	reg := registry()
	for _, tc := range []struct {
		desc             string
		req              request
		nearest          int // the verdict's nearest rule, from 0
		summary, fixLine string
	}{
		{desc: "the Cloud Storage bucket's first block", req: request{Origin: "https://app.example", URL: "https://assets.storage.googleapis.com/x", Method: "PUT"},
			nearest: 0, summary: "the nearest, rule 1, fails on method", fixLine: `+    method = ["GET", "PUT"]`},
		{desc: "the S3 bucket's second rule", req: request{Origin: "https://admin.example", URL: "https://uploads.s3.amazonaws.com/x", Method: "DELETE"},
			nearest: 1, summary: "the nearest, rule 2, fails on method", fixLine: `+    allowed_methods = ["PUT", "DELETE"]`},
	} {
		v, err := explain.Explain(scenario(t, terraform.NameHCL, policy.Source{Text: module}, tc.req), advise.Options(reg))
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if !strings.Contains(v.Summary, tc.summary) {
			t.Errorf("%s: summary %q, want %q", tc.desc, v.Summary, tc.summary)
		}
		var failed []int
		for _, r := range v.Rules {
			if r.Failed == "method" {
				failed = append(failed, r.Index)
			}
		}
		if len(failed) == 0 || failed[0] != tc.nearest {
			t.Errorf("%s: rules failing on method %v, want first %d", tc.desc, failed, tc.nearest)
		}
		if len(v.Fixes) == 0 || !strings.Contains(v.Fixes[0].Diff, tc.fixLine) || !strings.Contains(v.Fixes[0].Summary, "rule "+strconv.Itoa(tc.nearest+1)) {
			t.Errorf("%s: fixes %+v, want rule %d's line %s", tc.desc, v.Fixes, tc.nearest+1, tc.fixLine)
		}
	}
	fs, err := lint.Lint(reg, module, terraform.NameHCL)
	if err != nil {
		t.Fatal(err)
	}
	var shadow []string
	for _, f := range fs {
		if f.Code == "duplicate-rule" {
			shadow = append(shadow, strconv.Itoa(f.Line)+": "+f.Message)
		}
	}
	if want := "20: this rule repeats rule 1 (at line 16"; len(shadow) != 1 || !strings.HasPrefix(shadow[0], want) {
		t.Errorf("duplicate-rule findings %q, want one: %q", shadow, want)
	}
}

// TestDefaultRouteAuthorizer: an HTTP API whose $default route has a JWT
// authorizer answers a preflight with the authorizer's 401, as API
// Gateway does (http-api-cors.html, "Configuring CORS for an HTTP API
// with a $default route and an authorizer"), unless an OPTIONS
// /{proxy+} route without authorization takes it first. Tried as a new
// user would, the routes were not read and the fetch was allowed.
func TestDefaultRouteAuthorizer(t *testing.T) {
	const module = `resource "aws_apigatewayv2_api" "api" {
  name          = "api"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins = ["https://app.example.com"]
    allow_methods = ["GET", "PUT"]
    allow_headers = ["authorization", "content-type"]
  }
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  api_id          = aws_apigatewayv2_api.api.id
  authorizer_type = "JWT"
  name            = "jwt"
}

resource "aws_apigatewayv2_route" "default" {
  api_id             = aws_apigatewayv2_api.api.id
  route_key          = "$default"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.jwt.id
}
`
	const options = `
resource "aws_apigatewayv2_route" "options" {
  api_id    = aws_apigatewayv2_api.api.id
  route_key = "OPTIONS /{proxy+}"
}
`
	reg := registry()
	for _, tc := range []struct {
		desc, text string
		allowed    bool
	}{
		{desc: "the $default route's authorizer catches the preflight", text: module},
		{desc: "an OPTIONS /{proxy+} route without authorization takes it first", text: module + options, allowed: true},
	} {
		req := request{Origin: "https://app.example.com", URL: "https://abc.execute-api.us-east-1.amazonaws.com/items", Method: "PUT",
			Headers: [][2]string{{"Authorization", "Bearer t"}, {"Content-Type", "application/json"}}}
		v, err := explain.Explain(scenario(t, terraform.NameHCL, policy.Source{Text: tc.text}, req), explain.Options{Formats: reg})
		if err != nil {
			t.Fatal(err)
		}
		if v.Allowed != tc.allowed || !tc.allowed && (v.Preflight.Reply == nil || v.Preflight.Reply.Status != 401) {
			t.Errorf("%s: allowed %v (%s), preflight %+v", tc.desc, v.Allowed, v.Reason, v.Preflight.Reply)
		}
		postest.DefaultAuthorizer(t, reg, tc.desc, tc.text, terraform.NameHCL, tc.allowed)
	}
}

// TestDynamicBlocks: a dynamic block is expanded as Terraform expands it
// (developer.hashicorp.com/terraform/language/expressions/dynamic-blocks):
// one block of its content for each element of for_each, the iterator
// (the label, or the iterator argument) holding key and value; and the
// functions modules pick values with (lookup, try, jsondecode) are
// evaluated. Found as a new user would: a bucket whose cors_rule blocks
// were all dynamic, as the terraform-aws-modules S3 module writes them
// (for_each = try(jsondecode(var.cors_rule), var.cors_rule)), was "no
// CORSRule", an error, and a lookup() of a local "not known here".
func TestDynamicBlocks(t *testing.T) {
	const s3Module = `variable "cors_rule" {
  type    = any
  default = [
    { allowed_origins = ["https://app.example"], allowed_methods = ["GET"] },
    { allowed_origins = ["https://admin.example"], allowed_methods = ["PUT", "POST"], allowed_headers = ["*"] },
  ]
}
resource "aws_s3_bucket_cors_configuration" "this" {
  bucket = "uploads"
  dynamic "cors_rule" {
    for_each = try(jsondecode(var.cors_rule), var.cors_rule)
    content {
      allowed_origins = cors_rule.value.allowed_origins
      allowed_methods = cors_rule.value.allowed_methods
      allowed_headers = try(cors_rule.value.allowed_headers, null)
    }
  }
}
`
	const gcsModule = `locals {
  origins = { prod = ["https://app.example"], dev = ["http://localhost:3000"] }
}
variable "env" {
  default = "prod"
}
resource "google_storage_bucket" "assets" {
  name     = "assets"
  location = "EU"
  dynamic "cors" {
    for_each = [1]
    iterator = c
    content {
      origin = lookup(local.origins, var.env, [])
      method = ["GET"]
    }
  }
}
`
	// A for in a for over each site's origins, inside the bound on
	// runs (maxForRuns) that a for whose collection uses the outer
	// iterator counts at the largest value kept.
	const nestedFor = `locals {
  sites   = { app = { origins = ["https://app.example"] }, admin = { origins = ["https://admin.example", "https://ops.example"] } }
  origins = flatten([for k, v in local.sites : [for o in v.origins : o]])
  apps    = { shop = { prod = ["shop.example"], staging = ["staging.shop.example"] }, admin = { prod = ["admin.example"] } }
  hosts   = flatten([for app, envs in local.apps : [for env, hosts in envs : [for h in hosts : "https://${h}"]]])
}
resource "google_storage_bucket" "assets" {
  name     = "assets"
  location = "EU"
  cors {
    origin = concat(local.origins, local.hosts)
    method = ["GET"]
  }
}
`
	reg := registry()
	for _, tc := range []struct {
		desc, module string
		req          request
		allowed      bool
		source       string
	}{
		{desc: "a for in a for in a for over apps, environments and hosts is evaluated (an adversarial review: the first bound refused it)", module: nestedFor,
			req: request{Origin: "https://staging.shop.example", URL: "https://assets.storage.googleapis.com/x", Method: "GET", Credentials: "omit"}, allowed: true,
			source: "Terraform's for expressions and flatten; cloud-policies.md §3 (GCS)"},
		{desc: "a for in a for over each site's origins is evaluated", module: nestedFor,
			req: request{Origin: "https://ops.example", URL: "https://assets.storage.googleapis.com/x", Method: "GET", Credentials: "omit"}, allowed: true,
			source: "Terraform's for expressions and flatten; cloud-policies.md §3 (GCS)"},
		{desc: "the second dynamic rule allows admin's PUT", module: s3Module,
			req: request{Origin: "https://admin.example", URL: "https://uploads.s3.amazonaws.com/x", Method: "PUT"}, allowed: true,
			source: "dynamic-blocks (one block per element, in order); cloud-policies.md §1.3 (the first rule matching origin, method, headers)"},
		{desc: "the first dynamic rule does not allow app's PUT, and the second is admin's", module: s3Module,
			req: request{Origin: "https://app.example", URL: "https://uploads.s3.amazonaws.com/x", Method: "PUT"}, allowed: false,
			source: "dynamic-blocks; cloud-policies.md §1.3"},
		{desc: "lookup() of a local picks the environment's origins", module: gcsModule,
			req: request{Origin: "https://app.example", URL: "https://assets.storage.googleapis.com/x", Method: "GET", Credentials: "omit"}, allowed: true,
			source: "Terraform's lookup function; cloud-policies.md §3 (GCS)"},
		{desc: "lookup() of a local leaves out another environment's", module: gcsModule,
			req: request{Origin: "http://localhost:3000", URL: "https://assets.storage.googleapis.com/x", Method: "GET", Credentials: "omit"}, allowed: false,
			source: "Terraform's lookup function"},
	} {
		v, err := explain.Explain(scenario(t, terraform.NameHCL, policy.Source{Text: tc.module}, tc.req), advise.Options(reg))
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if v.Allowed != tc.allowed {
			t.Errorf("%s: allowed %v, want %v (%s): %s", tc.desc, v.Allowed, tc.allowed, tc.source, v.Summary)
		}
	}
	// A fix never edits a dynamic block's content, which stands for
	// every rule it makes (found by an adversarial review: a GET rule's
	// fix let the new origin DELETE too).
	const shared = `resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = "uploads"
  dynamic "cors_rule" {
    for_each = ["GET", "DELETE"]
    content {
      allowed_origins = ["https://app.example"]
      allowed_methods = [cors_rule.value]
    }
  }
}
`
	v, err := explain.Explain(scenario(t, terraform.NameHCL, policy.Source{Text: shared}, request{Origin: "https://new.example", URL: "https://uploads.s3.amazonaws.com/x", Method: "GET"}), advise.Options(reg))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range v.Fixes {
		if strings.Contains(f.Diff, "allowed_origins") {
			t.Errorf("a fix edits the dynamic block's content:\n%s", f.Diff)
		}
	}
	for _, module := range []string{s3Module, gcsModule} {
		fs, err := lint.Lint(reg, module, terraform.NameHCL)
		if err != nil {
			t.Fatalf("lint: %v", err)
		}
		for _, f := range fs {
			if f.Severity == "error" || f.Code == "terraform-unresolved" {
				t.Errorf("lint: %s %s at %d:%d", f.Code, f.Message, f.Line, f.Column)
			}
		}
	}
}

// TestRefusalNamesThePlatform: lint names the platform that refuses a
// module's value (API Gateway's BadRequestException for credentials with
// "*"), not Terraform (found as a new user would: "Terraform's resource
// refuses this").
func TestRefusalNamesThePlatform(t *testing.T) {
	const module = `resource "aws_apigatewayv2_api" "http" {
  name          = "h"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins     = ["*"]
    allow_methods     = ["GET"]
    allow_credentials = true
  }
}
`
	fs, err := lint.Lint(registry(), module, terraform.NameHCL)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Code == "rejected" {
			if !strings.HasPrefix(f.Message, "API Gateway HTTP API refuses this: BadRequestException") {
				t.Errorf("rejected: %s", f.Message)
			}
			return
		}
	}
	t.Errorf("no rejected finding: %+v", fs)
}
