package azure_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/platform/azure"
	"github.com/whycors/whycors/engine/policy"
)

// armTemplate is an ARM template as `az bicep build` writes one from the
// usual Bicep module: the storage account and its blobServices resource
// (Microsoft.Storage/storageAccounts/blobServices, properties.cors;
// learn.microsoft.com ARM template reference, storageAccounts/
// blobServices), the account's name a parameter.
const armTemplate = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"storageAccountName": {"type": "string"}},
  "resources": [
    {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "[parameters('storageAccountName')]",
     "location": "westeurope", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}},
    {
      "type": "Microsoft.Storage/storageAccounts/blobServices",
      "apiVersion": "2023-01-01",
      "name": "[format('{0}/default', parameters('storageAccountName'))]",
      "properties": {
        "cors": {
          "corsRules": [
            {"allowedOrigins": ["https://app.contoso.com"], "allowedMethods": ["GET", "PUT"],
             "allowedHeaders": ["x-ms-blob-type", "content-type"], "exposedHeaders": ["etag"], "maxAgeInSeconds": 600}
          ]
        }
      }
    }
  ]
}`

// cliList is what `az storage cors list` prints: every service's rules,
// each numbered (Rule) with its Service, which azure-cli writes on a
// service's first rule and leaves "" on the ones after it
// (transform_cors_list_output), the lists as comma-separated strings
// (the service properties' own form, cloud-policies.md §4).
const cliList = `[
  {"AllowedHeaders": "x-ms-meta-*", "AllowedMethods": "GET", "AllowedOrigins": "https://q.contoso.com",
   "ExposedHeaders": "", "MaxAgeInSeconds": 60, "Rule": 1, "Service": "queue"},
  {"AllowedHeaders": "x-ms-blob-type,content-type", "AllowedMethods": "GET,PUT", "AllowedOrigins": "https://app.contoso.com, https://admin.contoso.com",
   "ExposedHeaders": "etag", "MaxAgeInSeconds": 600, "Rule": 1, "Service": "blob"},
  {"AllowedHeaders": "", "AllowedMethods": "GET", "AllowedOrigins": "https://cdn.contoso.com",
   "ExposedHeaders": "", "MaxAgeInSeconds": 0, "Rule": 2, "Service": ""}
]`

// TestForms: the JSON users hold beside the rules themselves (an ARM
// template, the az CLI's list) read as the rules they deploy, and what
// cannot be read said at its position.
func TestForms(t *testing.T) {
	tests := []struct {
		desc, text string
		origins    []string // the rules' origins, in order
		errAt      string   // a fault: "line:column" and
		errHas     string   // words of its message
	}{
		{desc: "an ARM template's blobServices resource (ARM reference, storageAccounts/blobServices)", text: armTemplate,
			origins: []string{"https://app.contoso.com"}},
		{desc: "blobServices nested in the storage account's resources, its type the last segment",
			text: `{"resources": [{"type": "Microsoft.Storage/storageAccounts", "name": "sa", "resources": [
  {"type": "blobServices", "name": "default", "properties": {"cors": {"corsRules": [
    {"allowedOrigins": ["https://a.test"], "allowedMethods": ["GET"], "allowedHeaders": [], "exposedHeaders": [], "maxAgeInSeconds": 0}]}}}]}]}`,
			origins: []string{"https://a.test"}},
		{desc: "az storage cors list: the Blob service's rules (its second with Service \"\"), the queue's left out", text: cliList,
			origins: []string{"https://app.contoso.com", "https://admin.contoso.com", "https://cdn.contoso.com"}},
		{desc: "an ARM expression in place of the origins is said, not read as text",
			text: `{"resources": [{"type": "Microsoft.Storage/storageAccounts/blobServices", "properties": {"cors": {"corsRules": [
  {"allowedOrigins": "[parameters('origins')]", "allowedMethods": ["GET"], "allowedHeaders": [], "exposedHeaders": [], "maxAgeInSeconds": 0}]}}}]}`,
			errAt: "2:22", errHas: `ARM template expression "[parameters('origins')]"`},
		{desc: "an ARM expression as one origin",
			text:  `{"corsRules": [{"allowedOrigins": ["https://a.test", "[variables('o')]"], "allowedMethods": ["GET"], "allowedHeaders": [], "exposedHeaders": [], "maxAgeInSeconds": 0}]}`,
			errAt: "1:54", errHas: "does not evaluate"},
		{desc: "two blobServices resources: one service's rules are read, so the second is a fault",
			text: `{"resources": [
  {"type": "Microsoft.Storage/storageAccounts/blobServices", "properties": {"cors": {"corsRules": []}}},
  {"type": "Microsoft.Storage/storageAccounts/blobServices", "properties": {"cors": {"corsRules": []}}}]}`,
			errAt: "3:3", errHas: "a second Microsoft.Storage/storageAccounts/blobServices resource (the first is at $.resources[0])"},
		{desc: "a template without blobServices",
			text:  `{"resources": [{"type": "Microsoft.Web/sites", "properties": {}}]}`,
			errAt: "1:15", errHas: "no Microsoft.Storage/storageAccounts/blobServices resource"},
		{desc: "az storage cors list of the queue alone: no blob rule",
			text:  `[{"AllowedHeaders": "", "AllowedMethods": "GET", "AllowedOrigins": "*", "ExposedHeaders": "", "MaxAgeInSeconds": 0, "Service": "queue"}]`,
			errAt: "1:1", errHas: "no rule of the Blob service: these rules are for queue"},
		{desc: "az storage cors list with a list where a string is printed",
			text:  `[{"AllowedHeaders": "", "AllowedMethods": ["GET"], "AllowedOrigins": "*", "ExposedHeaders": "", "MaxAgeInSeconds": 0, "Service": "blob"}]`,
			errAt: "1:43", errHas: "want a comma-separated string"},
		{desc: "Bicep: said, with the command that writes the template whycors reads",
			text:  "resource blob 'Microsoft.Storage/storageAccounts/blobServices@2023-01-01' = {\n  name: 'default'\n}\n",
			errAt: "1:1", errHas: "az bicep build"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			c, err := azure.Parse(azure.FormJSON, tc.text)
			if tc.errHas != "" {
				es, ok := err.(policy.Errors)
				if !ok || len(es) == 0 {
					t.Fatalf("err = %v, want a fault at %s", err, tc.errAt)
				}
				at := itoa(es[0].Line) + ":" + itoa(es[0].Column)
				if at != tc.errAt || !strings.Contains(es[0].Msg, tc.errHas) {
					t.Errorf("fault %s %q, want at %s with %q", at, es[0].Msg, tc.errAt, tc.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range c.Rules {
				got = append(got, r.AllowedOrigins...)
			}
			if strings.Join(got, " ") != strings.Join(tc.origins, " ") {
				t.Errorf("origins %q, want %q", got, tc.origins)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestLintPlacesXMLValues: lint's findings on the XML form carry the
// line and column of the element that holds the value, as the JSON
// form's do (found as a new user would: the README promises
// FILE:LINE:COLUMN, and the XML findings had none).
func TestLintPlacesXMLValues(t *testing.T) {
	text := "<Cors>\n  <CorsRule>\n    <AllowedOrigins>https://a.test, http://b.test</AllowedOrigins>\n" +
		"    <AllowedMethods>GET</AllowedMethods>\n    <AllowedHeaders></AllowedHeaders>\n    <ExposedHeaders>*</ExposedHeaders>\n" +
		"    <MaxAgeInSeconds>86400</MaxAgeInSeconds>\n  </CorsRule>\n</Cors>"
	fs, err := lint.Lint(all.Registry(), text, string(azure.FormXML))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"insecure-origin": "3:5", "max-age-cap": "7:5"}
	for _, f := range fs {
		if f.Code == "wildcard-expose-credentials" {
			// Azure answers "*" with the reply's header names
			// (ExposeExpands), which the evaluator does too.
			t.Errorf("%s: %s", f.Code, f.Message)
		}
		if at, ok := want[f.Code]; ok {
			if got := itoa(f.Line) + ":" + itoa(f.Column); got != at {
				t.Errorf("%s at %s, want %s", f.Code, got, at)
			}
			delete(want, f.Code)
		}
	}
	if len(want) > 0 {
		t.Errorf("no finding %v in %+v", want, fs)
	}
}

// TestFormsDetected: auto-detection names azure-json for an ARM
// template, the properties az prints (both also name allowedHeaders and
// exposedHeaders, which expressjs/cors's options do) and the list of
// `az storage cors list` (whose AllowedOrigins the S3 console's form
// also has; S3 spells max-age MaxAgeSeconds).
func TestFormsDetected(t *testing.T) {
	reg := all.Registry()
	for desc, text := range map[string]string{
		"ARM template":                        armTemplate,
		"az storage cors list":                cliList,
		"blob-service-properties show output": `{"cors": {"corsRules": [{"allowedHeaders": ["*"], "allowedMethods": ["GET"], "allowedOrigins": ["https://a.test"], "exposedHeaders": ["*"], "maxAgeInSeconds": 0}]}, "deleteRetentionPolicy": {"enabled": false}}`,
	} {
		f, err := reg.Resolve("", policy.Source{Text: text})
		if err != nil || f.Name() != string(azure.FormJSON) {
			t.Errorf("%s: %v %v, want azure-json", desc, f, err)
		}
	}
}

// TestARMTemplateFix: a fix of an ARM template's rule is made in the
// template, where the rule is.
func TestARMTemplateFix(t *testing.T) {
	f, _ := all.Registry().Lookup(string(azure.FormJSON))
	ed := f.(fix.Editor)
	out, err := ed.EditText(armTemplate, fix.Edit{Rule: 0, Field: fix.Origins, Op: fix.Add, Values: []string{"https://admin.contoso.com"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := azure.Parse(azure.FormJSON, out)
	if err != nil {
		t.Fatalf("the fixed template does not read: %v\n%s", err, out)
	}
	if got := strings.Join(c.Rules[0].AllowedOrigins, " "); got != "https://app.contoso.com https://admin.contoso.com" {
		t.Errorf("origins %q after the fix\n%s", got, out)
	}
	if !strings.Contains(out, `"$schema"`) || !strings.Contains(out, `"Microsoft.Storage/storageAccounts"`) {
		t.Errorf("the fix lost the rest of the template:\n%s", out)
	}
}

// TestLintARMExpression: an ARM expression where a value is, which Azure
// takes and whycors does not evaluate, is lint's warning
// azure-arm-expression, not a refusal (found by a review: "Azure refuses
// this", exit 1).
func TestLintARMExpression(t *testing.T) {
	text := `{"corsRules": [{"allowedOrigins": ["[parameters('origin')]"], "allowedMethods": ["GET"], "allowedHeaders": [], "exposedHeaders": [], "maxAgeInSeconds": 0}]}`
	fs, err := lint.Lint(all.Registry(), text, string(azure.FormJSON))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Code != "azure-arm-expression" || fs[0].Severity != lint.Warning || fs[0].Line != 1 || fs[0].Column != 36 {
		t.Errorf("findings %+v, want one azure-arm-expression warning at 1:36", fs)
	}
}
