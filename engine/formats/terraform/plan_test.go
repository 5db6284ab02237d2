package terraform_test

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/terraform"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// TestPlanAgreesWithHCL: the plan JSON of each golden module (written
// to match what `terraform show -json` prints for it: planned_values
// with every value resolved, sets in their sorted order) answers random
// requests as the module's HCL does, and names the same resource. Lists
// the provider keeps as sets come back sorted in the plan, so the
// comparison sorts the items of comma-separated header values.
func TestPlanAgreesWithHCL(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2026))
	origins := []string{"https://app.example.com", "https://admin.example.com", "https://docs.example.com", "https://shop.example.com",
		"https://www.example.com", "https://a.example.com", "https://b.example.com", "https://evil.example", "null"}
	methods := []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}
	hdrs := []string{"content-type", "x-amz-meta-a", "x-ms-meta-b", "date", "authorization", "range"}
	urls := map[string][]string{
		"s3":         {"https://acme-uploads.s3.amazonaws.com/k"},
		"s3-legacy":  {"https://acme-assets.s3.us-east-1.amazonaws.com/k"},
		"apigw":      {"https://abc.execute-api.eu-west-1.amazonaws.com/x"},
		"lambda":     {"https://abc.lambda-url.eu-west-1.on.aws/"},
		"cloudfront": {"https://d1.cloudfront.net/a"},
		"gcs":        {"https://storage.googleapis.com/acme-media/k", "https://acme-media.storage.googleapis.com/k"},
		"azure":      {"https://acmefiles.blob.core.windows.net/c/k"},
		"multi":      {"https://acme-a.s3.amazonaws.com/k", "https://s3.us-west-2.amazonaws.com/acme-b/k", "https://other.s3.amazonaws.com/k"},
	}
	for dir, us := range urls {
		hclEv, err := (&terraform.HCL{}).ParseSource(loadDir(t, filepath.Join("testdata", dir)))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		b, err := os.ReadFile(filepath.Join("testdata", dir, "plan.json"))
		if err != nil {
			t.Fatal(err)
		}
		planEv, err := (&terraform.Plan{}).Parse(string(b))
		if err != nil {
			t.Fatalf("%s plan: %v", dir, err)
		}
		for i := 0; i < 300; i++ {
			req := policy.Request{Method: methods[rng.IntN(len(methods))], URL: us[rng.IntN(len(us))]}
			if rng.IntN(8) > 0 {
				req.Header.Add("Origin", origins[rng.IntN(len(origins))])
			}
			if req.Method == "OPTIONS" && rng.IntN(4) > 0 {
				req.Header.Add("Access-Control-Request-Method", methods[rng.IntN(len(methods)-1)])
				if n := rng.IntN(3); n > 0 {
					var hs []string
					for j := 0; j < n; j++ {
						hs = append(hs, hdrs[rng.IntN(len(hdrs))])
					}
					req.Header.Add("Access-Control-Request-Headers", strings.Join(hs, ","))
				}
			}
			app := policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Type", Value: "text/plain"}}}
			if rng.IntN(3) == 0 {
				app.Header.Add("Access-Control-Allow-Origin", "https://origin-own.example")
			}
			h, p := hclEv.Respond(req, app), planEv.Respond(req, app)
			if a, b := canon(h.Reply), canon(p.Reply); a != b {
				t.Errorf("%s: %s %s %v:\nHCL  %s\nplan %s", dir, req.Method, req.URL, req.Header, a, b)
			}
			if resource(h) != resource(p) {
				t.Errorf("%s: %s %s: decided by %q (HCL) and %q (plan)", dir, req.Method, req.URL, resource(h), resource(p))
			}
		}
	}
}

func resource(o policy.Outcome) string {
	if o.DecidedBy == nil {
		return ""
	}
	return o.DecidedBy.Resource
}

// canon is a reply with each header's comma-separated items sorted.
func canon(r policy.Reply) string {
	var b strings.Builder
	b.WriteString(itoa(r.Status))
	for _, h := range r.Header {
		items := strings.Split(h.Value, ",")
		for i := range items {
			items[i] = strings.TrimSpace(items[i])
		}
		slices.Sort(items)
		b.WriteString("|" + strings.ToLower(h.Name) + ": " + strings.Join(items, ","))
	}
	return b.String() + "|" + r.Body
}

func readFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPlanChildModules: resources of child modules are read at their
// module address, and a CORS configuration whose bucket is known only
// after apply is tied to its bucket by the configuration's references.
func TestPlanChildModules(t *testing.T) {
	plan := `{"format_version":"1.2","planned_values":{"root_module":{"child_modules":[{"address":"module.web","resources":[
	{"address":"module.web.aws_s3_bucket.site","mode":"managed","type":"aws_s3_bucket","name":"site","values":{"bucket":"acme-site"}},
	{"address":"module.web.aws_s3_bucket_cors_configuration.site","mode":"managed","type":"aws_s3_bucket_cors_configuration","name":"site",
	 "values":{"cors_rule":[{"allowed_methods":["GET"],"allowed_origins":["https://a.example"]}]}}]}],
	"resources":[{"address":"aws_s3_bucket.root","mode":"managed","type":"aws_s3_bucket","name":"root","values":{"bucket":"acme-root"}},
	{"address":"aws_s3_bucket_cors_configuration.root","mode":"managed","type":"aws_s3_bucket_cors_configuration","name":"root",
	 "values":{"cors_rule":[{"allowed_methods":["PUT"],"allowed_origins":["https://b.example"]}]}},
	{"address":"data.aws_s3_bucket.x","mode":"data","type":"aws_s3_bucket","name":"x","values":{"bucket":"x","cors_rule":[{"allowed_methods":["GET"],"allowed_origins":["*"]}]}}]}},
	"configuration":{"root_module":{"resources":[{"address":"aws_s3_bucket_cors_configuration.root","expressions":{"bucket":{"references":["aws_s3_bucket.root.id","aws_s3_bucket.root"]}}}]}}}`
	m, err := terraform.ReadPlan(policy.Source{Text: plan})
	var errs policy.Errors
	if errorsAs(err, &errs) && len(errs) > 0 && strings.Contains(errs[0].Msg, "several resources") {
		// The child module's configuration has no bucket: its reference
		// is not followed, so the host cannot choose it.
		m, err = terraform.ReadPlan(policy.Source{Text: plan, Resource: "module.web.aws_s3_bucket_cors_configuration.site"})
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.Sites(), " "); got != "aws_s3_bucket_cors_configuration.root module.web.aws_s3_bucket_cors_configuration.site" {
		t.Errorf("sites %s", got)
	}
	// The root's CORS configuration is tied to acme-root by reference.
	m, err = terraform.ReadPlan(policy.Source{Text: plan, Resource: "aws_s3_bucket_cors_configuration.root"})
	if err != nil {
		t.Fatal(err)
	}
	out := m.Respond(policy.Request{Method: "PUT", URL: "https://acme-root.s3.amazonaws.com/k", Header: headers.List{{Name: "Origin", Value: "https://b.example"}}}, policy.Reply{Status: 200})
	if v, _ := out.Reply.Header.Get("Access-Control-Allow-Origin"); v != "https://b.example" || out.DecidedBy == nil || out.DecidedBy.File != "plan.json" {
		t.Errorf("reply %v decided by %+v", out.Reply, out.DecidedBy)
	}
}

func errorsAs(err error, target *policy.Errors) bool { return errors.As(err, target) }
