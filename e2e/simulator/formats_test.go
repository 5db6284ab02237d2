package simulator_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/internal/pageformats"
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
	t.Parallel() // each test has its own browser
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

// TestTerraformPaste pastes a Terraform module, which the page leaves to
// the command line (internal/pageformats.Left): the page says so, with
// the command and the reason, in the headline and at the policy, instead
// of "Could not tell the format".
func TestTerraformPaste(t *testing.T) {
	t.Parallel() // each test has its own browser
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	tf, err := os.ReadFile(filepath.Join(root, "engine", "formats", "terraform", "testdata", "s3", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	p := startPage(t)
	p.open("")
	p.do(chromedp.Click(chromedp.CSS("#src-policy")))
	paste(p, "policy", string(tf))
	settled(p)
	head := eval[string](p, `document.getElementById("verdict-summary").textContent`)
	at := eval[string](p, `document.getElementById("policy-err").hidden ? "" : document.getElementById("policy-err").textContent`)
	why := pageformats.Left["terraform"]
	for _, want := range []string{"whycors explain --policy main.tf", "HCL parser"} {
		if !strings.Contains(why, want) {
			t.Fatalf("Left's reason %q lacks %q; the test's words are out of date", why, want)
		}
		if !strings.Contains(head, want) || !strings.Contains(at, want) {
			t.Errorf("headline %q / at the policy %q: want %q", head, at, want)
		}
	}
	if got := eval[string](p, `document.getElementById("policy").getAttribute("aria-invalid") || ""`); got != "true" {
		t.Errorf("the policy field's aria-invalid = %q, want true", got)
	}
	if d := eval[string](p, `document.getElementById("detected").textContent`); strings.Contains(d, "Could not tell") || !strings.Contains(d, "Terraform") {
		t.Errorf("the detection line says %q", d)
	}
	if !eval[bool](p, `document.getElementById("details").hidden`) {
		t.Error("the verdict's panels show beside the message")
	}
}
