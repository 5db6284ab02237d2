package cloudformation_test

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/policy"
)

// paramTemplate is an HTTP API whose origins come from a list parameter
// (AWS::ApiGatewayV2::Api Cors, aws-properties-apigatewayv2-api-cors.html;
// a CommaDelimitedList parameter, parameters-section-structure.html).
const paramTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AllowedOrigins:
    Type: CommaDelimitedList
    DEFAULT
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: shop
      ProtocolType: HTTP
      CorsConfiguration:
        AllowOrigins: !Ref AllowedOrigins
        AllowMethods: [GET]
`

// splitTemplate is an S3 bucket whose rule's origins are a String
// parameter split on commas, in the JSON form (Fn::Split, Ref).
const splitTemplate = `{
  "Parameters": {"Origins": {"Type": "String"}},
  "Resources": {
    "Photos": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "BucketName": "acme-photos",
        "CorsConfiguration": {"CorsRules": [
          {"AllowedOrigins": {"Fn::Split": [",", {"Ref": "Origins"}]}, "AllowedMethods": ["GET"]}
        ]}
      }
    }
  }
}
`

func paramTemplateWith(def string) string {
	if def == "" {
		return strings.Replace(paramTemplate, "    DEFAULT\n", "", 1)
	}
	return strings.Replace(paramTemplate, "DEFAULT", def, 1)
}

// TestFixEditsParameterValue: a list the template takes from a list
// parameter is fixed where the parameter's value is written: the
// parameter file that sets it (the last one, as the reader takes it),
// the parameter's Default, or --param (no file: the new value and the
// flag to give); each diff names its own file, the edited set passes
// when explained again, and nothing is widened.
func TestFixEditsParameterValue(t *testing.T) {
	tests := []struct {
		desc   string
		files  []policy.File
		params map[string]string
		diffs  map[string]string
		// wantParams are the parameters the fix gives new values.
		wantParams map[string]string
		where      string
		source     string
		// url is the request's, when not the HTTP API's.
		url string
	}{
		{desc: "a parameter file as the CLI takes it", files: []policy.File{{Name: "template.yaml", Text: paramTemplateWith("")},
			{Name: "params.json", Text: "[\n  {\"ParameterKey\": \"AllowedOrigins\", \"ParameterValue\": \"https://a.example\"}\n]\n"}},
			diffs: map[string]string{"params.json": "--- a/params.json\n+++ b/params.json\n@@ -1,3 +1,3 @@\n [\n-  {\"ParameterKey\": \"AllowedOrigins\", \"ParameterValue\": \"https://a.example\"}\n+  {\"ParameterKey\": \"AllowedOrigins\", \"ParameterValue\": \"https://a.example,https://app.example\"}\n ]\n"},
			where: "in params.json, the value of the parameter AllowedOrigins", source: "aws cloudformation create-stack --parameters file:// (ParameterKey, ParameterValue); a CommaDelimitedList is one string of comma-separated members"},
		{desc: "of two parameter files the later one, which the reader keeps", files: []policy.File{{Name: "template.yaml", Text: paramTemplateWith("")},
			{Name: "base.json", Text: `{"Parameters": {"AllowedOrigins": "https://a.example"}}`},
			{Name: "prod.json", Text: `{"Parameters": {"AllowedOrigins": "https://b.example, https://c.example"}}`}},
			diffs: map[string]string{"prod.json": "--- a/prod.json\n+++ b/prod.json\n@@ -1 +1 @@\n-{\"Parameters\": {\"AllowedOrigins\": \"https://b.example, https://c.example\"}}\n+{\"Parameters\": {\"AllowedOrigins\": \"https://b.example, https://c.example, https://app.example\"}}\n"},
			where: "in prod.json", source: "CodePipeline's template configuration file ({\"Parameters\": {...}}); engine/formats/cloudformation Read (later files over earlier)"},
		{desc: "no file sets it: the parameter's Default", files: []policy.File{{Name: "template.yaml", Text: paramTemplateWith(`Default: "https://a.example"`)}},
			diffs: map[string]string{"template.yaml": "--- a/template.yaml\n+++ b/template.yaml\n@@ -2,7 +2,7 @@\n Parameters:\n   AllowedOrigins:\n     Type: CommaDelimitedList\n-    Default: \"https://a.example\"\n+    Default: \"https://a.example,https://app.example\"\n Resources:\n   Api:\n     Type: AWS::ApiGatewayV2::Api\n"},
			where: "in the Default of the parameter AllowedOrigins", source: "parameters-section-structure.html (Default)"},
		{desc: "a String parameter split on commas, in an S3 rule (JSON template)", files: []policy.File{{Name: "template.json", Text: splitTemplate},
			{Name: "params.json", Text: `[{"ParameterKey": "Origins", "ParameterValue": ""}]`}},
			url:   "https://acme-photos.s3.amazonaws.com/a.jpg",
			diffs: map[string]string{"params.json": "--- a/params.json\n+++ b/params.json\n@@ -1 +1 @@\n-[{\"ParameterKey\": \"Origins\", \"ParameterValue\": \"\"}]\n+[{\"ParameterKey\": \"Origins\", \"ParameterValue\": \"https://app.example\"}]\n"},
			where: "in params.json", source: "intrinsic-function-reference-split.html (Fn::Split); aws-properties-s3-bucket-corsrule.html (AllowedOrigins)"},
		{desc: "--param wins over the file: the parameter's new value", files: []policy.File{{Name: "template.yaml", Text: paramTemplateWith("")},
			{Name: "params.json", Text: `{"Parameters": {"AllowedOrigins": "https://b.example"}}`}},
			params: map[string]string{"AllowedOrigins": "https://a.example"},
			diffs:  map[string]string{}, wantParams: map[string]string{"AllowedOrigins": "https://a.example,https://app.example"},
			where: "give --param AllowedOrigins=https://a.example,https://app.example", source: "aws cloudformation deploy --parameter-overrides"},
	}
	for _, tc := range tests {
		url := tc.url
		if url == "" {
			url = "https://abc123.execute-api.us-east-1.amazonaws.com/items"
		}
		sc := func(files []policy.File, params map[string]string, origin string) map[string]any {
			p := map[string]any{"format": "cloudformation", "files": files}
			if len(params) > 0 {
				p["params"] = params
			}
			return map[string]any{"request": map[string]any{"origin": origin, "url": url},
				"response": map[string]any{"status": 200}, "policy": p}
		}
		v := explainScenario(t, sc(tc.files, tc.params, "https://app.example"))
		if v.Allowed || len(v.Fixes) == 0 || v.Fixes[0].Format != "cloudformation" {
			t.Errorf("%s: allowed %v, fixes %+v; want a fix of the template's files", tc.desc, v.Allowed, v.Fixes)
			continue
		}
		f := v.Fixes[0]
		got := map[string]string{}
		for _, ff := range f.Files {
			got[ff.Name] = ff.Diff
		}
		if !maps.Equal(got, tc.diffs) {
			t.Errorf("%s (%s): diffs\n%v\nwant\n%v", tc.desc, tc.source, got, tc.diffs)
		}
		if !maps.Equal(f.Params, tc.wantParams) {
			t.Errorf("%s: params %v, want %v", tc.desc, f.Params, tc.wantParams)
		}
		if !strings.Contains(f.Summary, tc.where) {
			t.Errorf("%s: summary %q lacks %q", tc.desc, f.Summary, tc.where)
		}
		if strings.Contains(f.Diff, "*") || strings.Contains(f.Params["AllowedOrigins"], "*") {
			t.Errorf("%s: the fix writes a wildcard: %s", tc.desc, f.Diff)
		}
		b, _ := json.Marshal(sc(tc.files, tc.params, ""))
		s, err := explain.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		s.Policy = f.Applied(s.Policy)
		for origin, want := range map[string]bool{"https://app.example": true, "https://evil.example": false} {
			s.Request.Origin = origin
			if v, err := explain.Explain(s, explain.Options{Formats: registry(), Advisor: advise.New()}); err != nil || v.Allowed != want {
				t.Errorf("%s: with the fix, %s allowed %v (%v), want %v", tc.desc, origin, v.Allowed, err, want)
			}
		}
	}
}
