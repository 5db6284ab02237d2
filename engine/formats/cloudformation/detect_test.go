package cloudformation_test

import (
	"os"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/policy"
)

// registry is the engine's, which lists this format with the function
// URL and CloudFront formats (whose Detect must leave templates to it).
func registry() *policy.Registry { return all.Registry() }

// TestDetect: each golden template is claimed by this format alone, and
// what other formats claim (an S3 CorsConfiguration fragment, an HTTP
// API's CorsConfiguration object) stays theirs.
func TestDetect(t *testing.T) {
	reg := registry()
	for _, tc := range []struct {
		desc, file, text, want string
	}{
		{desc: "SAM template in YAML", file: "sam-app.yaml", want: "cloudformation"},
		{desc: "S3 bucket template in YAML", file: "s3-bucket.yaml", want: "cloudformation"},
		{desc: "HTTP API template in YAML", file: "apigwv2.yaml", want: "cloudformation"},
		{desc: "cdk synth output, JSON with an S3 bucket and an HTTP API", file: "cdk-synth.template.json", want: "cloudformation"},
		{desc: "SAM Globals only", file: "sam-globals.yaml", want: "cloudformation"},
		{desc: "a gateway response template", file: "gateway-response.yaml", want: "cloudformation"},
		{desc: "a function URL template in JSON, not lambda-url's", file: "function-url.template.json", want: "cloudformation"},
		{desc: "a CloudFront policy template", file: "cloudfront-policy.yaml", want: "cloudformation"},
		// engine/platform/s3: the s3-cloudformation form is a fragment.
		{desc: "a bare CorsConfiguration stays s3-cloudformation's", text: `{"CorsRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]}`, want: "s3-cloudformation"},
		// engine/platform/apigw: the CLI's --cors-configuration object.
		{desc: "an HTTP API CorsConfiguration stays apigw-http's", text: `{"AllowOrigins": ["https://a.example"]}`, want: "apigw-http"},
	} {
		text := tc.text
		if tc.file != "" {
			b, err := os.ReadFile("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			text = string(b)
		}
		ds := reg.Detect(text)
		if len(ds) != 1 || ds[0].Format != tc.want {
			t.Errorf("%s: Detect = %+v, want only %s", tc.desc, ds, tc.want)
		}
	}
}

// TestCompanion: the parameter files the AWS CLI's --parameters and
// CodePipeline's template configuration take
// (docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/continuous-delivery-codepipeline-cfn-artifacts.html)
// are this format's companions, read beside a template; no format claims
// one alone (S3's took a ParameterKey "AllowedOrigins" for its key).
func TestCompanion(t *testing.T) {
	reg := registry()
	f, _ := reg.Lookup("cloudformation")
	c, ok := f.(policy.Companion)
	if !ok {
		t.Fatal("not a policy.Companion")
	}
	b, err := os.ReadFile("testdata/params-cli.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{string(b), true},
		{`{"Parameters": {"AllowedOrigins": "https://a.example"}}`, true},
		{`{"Resources": {}, "Parameters": {"A": {"Type": "String"}}}`, false},
		{`[{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]`, false},
		{`[]`, false},
	} {
		if got := c.Companion(tc.text); got != tc.want {
			t.Errorf("Companion(%s) = %v, want %v", tc.text, got, tc.want)
		}
	}
	if got, err := reg.Resolve("auto", policy.Source{Text: string(b)}); err == nil {
		t.Errorf("a parameter file alone is claimed by %s", got.Name())
	}
}
