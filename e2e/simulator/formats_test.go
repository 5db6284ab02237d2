package simulator_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/internal/pageformats/tfpage"
)

// policyLink is the share link of a GET from https://app.example to url
// with the given policy.
func policyLink(t *testing.T, url, format, text string) (string, explain.Scenario) {
	t.Helper()
	sc := explain.Scenario{Browser: "chrome", Request: explain.Request{Origin: "https://app.example", URL: url}, Policy: &explain.Policy{Format: format, Text: text}}
	sc.Request.Method = "GET"
	b, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	return linkOf(string(b)), sc
}

// TestDecidingLineXMLYAML opens an S3 XML document and a CloudFormation
// YAML template, where the rule that answered is found by the line the
// engine gives (rules[].line), not by a JSON path, and expects that line
// marked in the pasted text, as the engine's verdict names it.
func TestDecidingLineXMLYAML(t *testing.T) {
	t.Parallel() // each test has its own browser context
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	yaml, err := os.ReadFile(filepath.Join(root, "engine", "formats", "cloudformation", "testdata", "s3-bucket.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const xml = "<CORSConfiguration>\n <CORSRule>\n  <AllowedOrigin>https://other.example</AllowedOrigin>\n  <AllowedMethod>GET</AllowedMethod>\n </CORSRule>\n" +
		" <CORSRule>\n  <AllowedOrigin>https://app.example</AllowedOrigin>\n  <AllowedMethod>GET</AllowedMethod>\n </CORSRule>\n</CORSConfiguration>\n"
	p := startPage(t)
	for _, c := range []struct {
		desc, url, format, text string
		want                    int // the line the test's author reads in text
	}{
		{desc: "S3 XML: the second CORSRule answers", url: "https://b.s3.us-east-1.amazonaws.com/k", format: "s3-xml", text: xml, want: 6},
		{desc: "CloudFormation YAML: the bucket's second rule (AllowedOrigins *) answers", url: "https://uploads-prod.s3.us-east-1.amazonaws.com/k", format: "auto", text: string(yaml), want: 37},
	} {
		link, sc := policyLink(t, c.url, c.format, c.text)
		v, err := explain.Explain(sc, opts)
		if err != nil {
			t.Fatalf("%s: %v", c.desc, err)
		}
		line := 0
		for _, r := range v.Rules {
			if r.Matched {
				line = r.Line
			}
		}
		if line != c.want {
			t.Fatalf("%s: the engine's matched rule is at line %d, the text has it at %d (rules %+v)", c.desc, line, c.want, v.Rules)
		}
		p.open(link)
		settled(p)
		if got := eval[string](p, `document.getElementById("policy-back").dataset.lines`); got != strconv.Itoa(line) {
			t.Errorf("%s: marked lines %q, want %d", c.desc, got, line)
		}
		if note := eval[string](p, `document.getElementById("policy-mark").textContent`); !strings.Contains(note, "line "+strconv.Itoa(line)) {
			t.Errorf("%s: the mark's note %q does not say line %d", c.desc, note, line)
		}
	}
}

// TestTerraformPaste pastes a Terraform module, which the page's full
// engine leaves out (internal/pageformats.Left): the page fetches its
// Terraform engine (wasm/terraform) and answers with it as it does for
// any policy: the format detected, the verdict in words naming the header
// no rule allows, and the fix as a diff of the pasted module, each equal
// to what the engine with Terraform's formats (tfpage.Registry) says.
func TestTerraformPaste(t *testing.T) {
	t.Parallel() // each test has its own browser context
	const tf = `# The upload bucket's CORS rules.
resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = "my-bucket"

  cors_rule {
    allowed_origins = ["https://app.example"]
    allowed_methods = ["PUT"]
    allowed_headers = ["content-type", "x-amz-acl"]
  }
}
`
	b, err := json.Marshal(map[string]any{"browser": "chrome",
		"request": map[string]any{"origin": "https://app.example", "url": "https://my-bucket.s3.us-east-1.amazonaws.com/uploads/photo.jpg", "method": "PUT",
			"headers": [][2]string{{"Content-Type", "image/jpeg"}, {"x-amz-meta-owner", "42"}}, "body": ""},
		"policy": map[string]string{"format": "auto", "text": tf}})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := explain.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	p := startPage(t)
	p.open(linkOf(string(b)))
	settled(p)
	p.do(chromedp.ScrollIntoView(chromedp.CSS("#fixes")))
	settled(p)

	tfOpts := advise.Options(tfpage.Registry())
	v, err := explain.Explain(sc, tfOpts)
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed || !strings.Contains(v.Summary, "x-amz-meta-owner") {
		t.Fatalf("the engine's verdict is not the blocked upload the test needs: %+v", v.Summary)
	}
	if got := eval[string](p, `document.getElementById("summary").dataset.state`); got != "blocked" {
		t.Errorf("page state %q, want blocked", got)
	}
	if head := eval[string](p, `document.getElementById("verdict-summary").textContent`); head != v.Summary {
		t.Errorf("headline\n%q\nengine's summary\n%q", head, v.Summary)
	}
	if d := eval[string](p, `document.getElementById("detected").textContent`); !strings.Contains(d, "Detected: terraform") {
		t.Errorf("the detection line says %q", d)
	}
	if eval[string](p, `document.getElementById("policy").getAttribute("aria-invalid") || ""`) == "true" {
		t.Error("the policy is marked invalid")
	}
	fixes, err := explain.Fixes(sc, tfOpts)
	if err != nil || len(fixes) == 0 || !strings.Contains(fixes[0].Diff, "x-amz-meta-owner") {
		t.Fatalf("the engine's fixes are not a diff of the module: %v %+v", err, fixes)
	}
	if got := eval[string](p, `(document.querySelector("#fixes .fix pre") || {}).textContent || ""`); strings.TrimRight(got, "\n") != strings.TrimRight(fixes[0].Diff, "\n") {
		t.Errorf("page's first fix\n%s\nengine's\n%s", got, fixes[0].Diff)
	}
	// The engine's worker fetches the wasm (its resource entry is the
	// worker's); the page's own fetch of it is the offline cache's copy
	// (cacheForOffline), which starts once the engine is loaded and can end
	// after the fix is drawn: wait for it.
	ctx, cancel := context.WithTimeout(p.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`performance.getEntriesByType("resource").some(e => e.name.includes("/whycors-terraform."))`, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Error("the page did not fetch its Terraform engine:", err)
	}
}
