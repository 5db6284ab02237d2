package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whycors/whycors/internal/report"
)

var (
	rules = []report.Rule{
		{ID: "suffix-trap", Level: "error", Summary: "A pattern also matches attackers' domains.", HelpURI: "https://example.test/lint#suffix-trap"},
		{ID: "rejected", Level: "error", Summary: "The platform refuses the text."},
	}
	results = []report.Result{
		{RuleID: "suffix-trap", Level: "error", Message: "https://*example.com also matches https://evilexample.com", File: "conf/cors rules.json", Line: 3, Column: 21, Path: "$[0].AllowedOrigins[0]"},
		{RuleID: "rejected", Level: "warning", Message: "placed by path only: 50% of | pipes\nand *stars*", File: "conf/cors rules.json", Path: "$[1]"},
	}
)

// The SARIF log carries what GitHub code scanning requires (docs.github.com,
// "SARIF support for code scanning"): version 2.1.0, the driver's rules
// with ids and help URIs, a ruleId, level and message per result, a
// location relative to %SRCROOT% with a region whose startLine is at
// least 1, and partialFingerprints.
func TestSARIFHasWhatCodeScanningReads(t *testing.T) {
	var b bytes.Buffer
	if err := report.SARIF(&b, report.Tool{Name: "whycors", Version: "dev"}, rules, results, "."); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Version string `json:"version"`
					Rules   []struct {
						ID, Name, HelpURI string
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine, StartColumn int
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	d := run.Tool.Driver
	if log.Version != "2.1.0" || d.Version != "0.0.0-dev" || len(d.Rules) != 2 || d.Rules[0].ID != "suffix-trap" || d.Rules[0].Name != "SuffixTrap" || d.Rules[1].Name != "" || d.Rules[0].HelpURI == "" {
		t.Errorf("log header and rules: %+v %+v", log.Version, d)
	}
	if len(run.Results) != 2 {
		t.Fatalf("%d results", len(run.Results))
	}
	r0, r1 := run.Results[0], run.Results[1]
	loc := r0.Locations[0].PhysicalLocation
	if r0.RuleID != "suffix-trap" || r0.RuleIndex != 0 || r0.Level != "error" || loc.ArtifactLocation.URI != "conf/cors%20rules.json" ||
		loc.ArtifactLocation.URIBaseID != "%SRCROOT%" || loc.Region.StartLine != 3 || loc.Region.StartColumn != 21 {
		t.Errorf("first result: %+v", r0)
	}
	if !strings.Contains(r0.Message.Text, "(at $[0].AllowedOrigins[0])") || r0.PartialFingerprints["whycorsFinding/v1"] == "" {
		t.Errorf("first result's message or fingerprint: %+v", r0)
	}
	if r1.RuleIndex != 1 || r1.Locations[0].PhysicalLocation.Region.StartLine != 1 {
		t.Errorf("a result placed by path alone gets line 1: %+v", r1)
	}
	if err := report.SARIF(&b, report.Tool{Name: "whycors"}, rules, []report.Result{{RuleID: "nope"}}, "."); err == nil {
		t.Error("a result for an unknown rule was written")
	}
}

// The log passes Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool,
// pinned in package.json) with its SARIF and GitHub rule sets: no error.
func TestSARIFPassesTheMultitool(t *testing.T) {
	tool, err := filepath.Abs("../../node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tool); err != nil {
		if os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
			t.Fatalf("SARIF Multitool not installed (npm ci): %v", err)
		}
		t.Skip("SARIF Multitool not installed (npm ci at the repository root)")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "whycors.sarif")
	var b bytes.Buffer
	if err := report.SARIF(&b, report.Tool{Name: "whycors", Version: "1.2.3", InformationURI: "https://github.com/whycors/whycors"}, rules, results, "."); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "validate", "--rule-kind", "Gh;Sarif", file).CombinedOutput()
	if err != nil || strings.Contains(string(out), ": error ") || !strings.Contains(string(out), "Analysis completed successfully") {
		t.Errorf("Multitool: %v\n%s", err, out)
	}
	if strings.Contains(string(out), ": warning ") {
		t.Errorf("Multitool warns:\n%s", out)
	}
}

// Workflow commands escape what the runner would read as a property or a
// new command (actions/toolkit command.ts).
func TestGitHubAnnotations(t *testing.T) {
	var b bytes.Buffer
	if err := report.GitHub(&b, results); err != nil {
		t.Fatal(err)
	}
	want := "::error file=conf/cors rules.json,line=3,col=21,title=whycors suffix-trap::https://*example.com also matches https://evilexample.com (at $[0].AllowedOrigins[0])\n" +
		"::warning file=conf/cors rules.json,title=whycors rejected::placed by path only: 50%25 of | pipes%0Aand *stars* (at $[1])\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// A Markdown table whose cells cannot break the table or start markup.
func TestMarkdownTable(t *testing.T) {
	var b bytes.Buffer
	if err := report.Markdown(&b, "whycors lint: cors.json", results); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{"1 error(s), 1 warning(s), 0 note(s).", "| error | `suffix-trap` | conf/cors rules\\.json:3:21 $\\[0\\]\\.AllowedOrigins\\[0\\] |",
		"50% of \\| pipes and \\*stars\\*"} {
		if !strings.Contains(got, want) {
			t.Errorf("markdown lacks %q:\n%s", want, got)
		}
	}
	b.Reset()
	report.Markdown(&b, "t", nil)
	if !strings.Contains(b.String(), "No findings.") {
		t.Errorf("empty: %q", b.String())
	}
}
