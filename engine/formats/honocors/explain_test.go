package honocors_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
)

// A user pasting their app file gets the verdict and a fix in their own
// source (issue 18, "Done when"), for each Node middleware format: the
// page's origin is missing from the options, the browser blocks the
// preflight, and the fix adds it where the options are written.
func TestExplainAppFile(t *testing.T) {
	reg := all.Registry()
	tests := []struct {
		desc, format, text, wantFix string
		creds                       bool
	}{
		{
			desc: "Hono: an array origin without the page's origin", format: "hono-cors",
			text:    "import { Hono } from 'hono'\nimport { cors } from 'hono/cors'\nconst app = new Hono()\napp.use('/api/*', cors({ origin: ['https://other.test'] }))\n",
			wantFix: "origin: ['https://other.test', 'https://app.test']",
		},
		{
			desc: "Fastify: a fixed string origin", format: "fastify-cors",
			text:    "import cors from '@fastify/cors'\nawait fastify.register(cors, { origin: 'https://other.test' })\n",
			wantFix: "origin: ['https://other.test', 'https://app.test']",
		},
		{
			// @koa/cors sends its origin as written: adding one has no
			// literal form (koacors EditText's ErrUnsupported), so the
			// case here is credentials, which it can enable
			desc: "Koa: credentials missing for a fetch with credentials", format: "koa-cors", creds: true,
			text:    "const cors = require('@koa/cors');\napp.use(cors({ origin: 'https://app.test' }));\n",
			wantFix: "cors({ credentials: true, origin: 'https://app.test' })",
		},
	}
	for _, tc := range tests {
		sc := explain.Scenario{}
		credentials := "same-origin"
		if tc.creds {
			credentials = "include"
		}
		raw := `{"request": {"origin": "https://app.test", "url": "https://api.test/api/items", "method": "PUT", "credentials": "` + credentials + `", "headers": [["Content-Type", "application/json"]]},
			"policy": {"format": "auto", "text": ` + quote(tc.text) + `}}`
		if err := json.Unmarshal([]byte(raw), &sc); err != nil {
			t.Fatal(err)
		}
		v, err := explain.Explain(sc, advise.Options(reg))
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if v.Allowed {
			t.Errorf("%s: allowed, want blocked", tc.desc)
		}
		found := false
		for _, f := range v.Fixes {
			found = found || f.Format == tc.format && strings.Contains(f.Text, tc.wantFix)
		}
		if !found {
			b, _ := json.MarshalIndent(v.Fixes, "", " ")
			t.Errorf("%s: no %s fix with %q among\n%s", tc.desc, tc.format, tc.wantFix, b)
		}
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
