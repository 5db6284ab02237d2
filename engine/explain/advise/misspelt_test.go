package advise_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestFixReplacesAMisspeltOrigin: an allowed origin that means the page's
// but never equals an Origin header (S3 compares origins as strings,
// cloud-policies.md §1.3; a browser serializes an origin without path,
// in lowercase, without a default port: RFC 6454 §6.2) is replaced by
// the fix, not kept beside the page's origin. Tried as a new user would,
// the fix added "https://app.example.com" next to
// "https://app.example.com/".
func TestFixReplacesAMisspeltOrigin(t *testing.T) {
	for _, tc := range []struct{ desc, origin string }{
		{desc: "a trailing slash", origin: "https://app.example.com/"},
		{desc: "a path", origin: "https://app.example.com/app"},
		{desc: "uppercase", origin: "https://App.Example.com"},
		{desc: "the default port", origin: "https://app.example.com:443"},
	} {
		sc := `{"request":{"origin":"https://app.example.com","url":"https://b.s3.amazonaws.com/x"},"policy":{"format":"s3-json","text":"[{\"AllowedOrigins\":[\"` +
			tc.origin + `\", \"https://other.example\"],\"AllowedMethods\":[\"GET\"]}]"}}`
		v := explainAll(t, sc)
		if v.Allowed || len(v.Fixes) == 0 {
			t.Fatalf("%s: allowed %v, %d fixes; want blocked with a fix", tc.desc, v.Allowed, len(v.Fixes))
		}
		f := v.Fixes[0]
		if !strings.HasPrefix(f.Summary, `Replace the origin "`+tc.origin+`" by https://app.example.com in rule 1`) ||
			strings.Contains(f.Text, tc.origin) || !strings.Contains(f.Text, `"https://app.example.com", "https://other.example"`) {
			t.Errorf("%s: fix %q\n%s\nwant the entry replaced, the other kept", tc.desc, f.Summary, f.Text)
		}
	}
}

// TestFixReplacesAMisspeltOriginInATfvars: the same in a Terraform
// module whose list is set in terraform.tfvars: the entry there is
// replaced. The search read main.tf alone to find the dead entry, where
// the list is unknown, so the fix added the origin beside it (tried as a
// new user would). With a second block that the AWS provider sends
// first (its set's order), the rule is still found by its number as
// written: tried as a new user would, the fix added the origin beside
// the dead one once convert's rules were listed in the sent order.
func TestFixReplacesAMisspeltOriginInATfvars(t *testing.T) {
	for _, tc := range []struct{ desc, mainTF, method string }{
		{"one block", `variable "origins" { type = list(string) }
resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = "b"
  cors_rule {
    allowed_origins = var.origins
    allowed_methods = ["GET"]
  }
}
`, "GET"},
		{"a second block, sent first", `variable "origins" { type = list(string) }
resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = "b"
  cors_rule {
    allowed_headers = ["*"]
    allowed_methods = ["PUT", "POST"]
    allowed_origins = var.origins
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}
`, "PUT"},
	} {
		sc := `{"request":{"origin":"https://app.example.com","url":"https://b.s3.amazonaws.com/x","method":"` + tc.method + `"},"policy":{"format":"terraform","files":[` +
			`{"name":"main.tf","text":` + quoteJSON(tc.mainTF) + `},{"name":"terraform.tfvars","text":"origins = [\"https://app.example.com/\"]\n"}]}}`
		v := explainAll(t, sc)
		if v.Allowed || len(v.Fixes) == 0 {
			t.Fatalf("%s: allowed %v, %d fixes; want blocked with a fix", tc.desc, v.Allowed, len(v.Fixes))
		}
		f := v.Fixes[0]
		if !strings.HasPrefix(f.Summary, `Replace the origin "https://app.example.com/" by https://app.example.com in rule 1`) ||
			!strings.Contains(f.Diff, `+origins = ["https://app.example.com"]`) {
			t.Errorf("%s: fix %q\n%s\nwant the tfvars entry replaced", tc.desc, f.Summary, f.Diff)
		}
	}
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestFixReplacesAMisspeltOriginInCode: the same in cors() options,
// where a string origin is sent as written, so the rule matches and the
// browser finds the value wrong (hono dist/middleware/cors, expressjs/cors
// configureOrigin: a string is the header's value), and in a list of
// them. Tried as a new user would, the fix added the page's origin beside
// the trailing-slash one.
func TestFixReplacesAMisspeltOriginInCode(t *testing.T) {
	for _, tc := range []struct{ desc, format, text, want string }{
		{"Hono, one string", "hono-cors", "import { cors } from 'hono/cors'\napp.use('/api/*', cors({ origin: 'https://app.example.com/', credentials: true }))\n",
			"cors({ origin: 'https://app.example.com', credentials: true })"},
		{"Hono, a list", "hono-cors", "import { cors } from 'hono/cors'\napp.use('/api/*', cors({ origin: ['https://app.example.com/', 'https://admin.example.com'], credentials: true }))\n",
			"origin: ['https://app.example.com', 'https://admin.example.com']"},
		{"Express, one string", "express", "const cors = require('cors')\napp.use(cors({ origin: 'https://app.example.com/', credentials: true }))\n",
			"cors({ origin: 'https://app.example.com', credentials: true })"},
	} {
		sc := `{"request":{"origin":"https://app.example.com","url":"https://api.example.com/api/me","credentials":"include"},"policy":{"format":"` + tc.format + `","text":` + quoteJSON(tc.text) + `}}`
		v := explainAll(t, sc)
		if v.Allowed || len(v.Fixes) == 0 {
			t.Fatalf("%s: allowed %v, %d fixes; want blocked with a fix", tc.desc, v.Allowed, len(v.Fixes))
		}
		f := v.Fixes[0]
		if !strings.HasPrefix(f.Summary, `Replace the origin "https://app.example.com/" by https://app.example.com in rule 1`) || !strings.Contains(f.Text, tc.want) {
			t.Errorf("%s: fix %q\n%s\nwant the entry replaced", tc.desc, f.Summary, f.Text)
		}
	}
}

// TestFixRestrictsAnEchoBeforeWidening: a policy that echoes every
// origin (cors() origin: true) with credentials, or when the page sends
// them, must not be widened as it is: allowing PUT for the page allows
// it for every site. The fix first allows the page's origin alone, then
// what the fetch lacks, in the code's own options (the safety check,
// which probes a foreign origin, holds it). Tried as a new user would,
// such a policy got raw replies to write, not its methods array.
func TestFixRestrictsAnEchoBeforeWidening(t *testing.T) {
	for _, tc := range []struct {
		desc, format, text string
		want               []string
	}{
		{"Express, origin: true with credentials", "express", "const cors = require('cors')\napp.use(cors({ origin: true, credentials: true, methods: ['GET', 'POST'] }))\n",
			[]string{"origin: 'https://app.example.com'", "methods: ['GET', 'POST', 'PUT']"}},
		{"Fastify, origin: true, credentials sent by the page", "fastify-cors", "fastify.register(require('@fastify/cors'), {\n  origin: true,\n})\n",
			[]string{"origin: 'https://app.example.com'", "credentials: true", "PUT"}},
	} {
		sc := `{"request":{"origin":"https://app.example.com","url":"https://api.example.com/items/1","method":"PUT","headers":[["Content-Type","application/json"]],"credentials":"include"},"policy":{"format":"` + tc.format + `","text":` + quoteJSON(tc.text) + `}}`
		v := explainAll(t, sc)
		if v.Allowed || len(v.Fixes) == 0 {
			t.Fatalf("%s: allowed %v, %d fixes; want blocked with a fix", tc.desc, v.Allowed, len(v.Fixes))
		}
		f := v.Fixes[0]
		ok := f.Format == tc.format && strings.HasPrefix(f.Summary, "Allow only the origin https://app.example.com in rule 1")
		for _, w := range tc.want {
			ok = ok && strings.Contains(f.Text, w)
		}
		if !ok {
			t.Errorf("%s: fix %q (%s)\n%s\nwant the origin restricted, then widened in the code", tc.desc, f.Summary, f.Format, f.Text)
		}
	}
}
