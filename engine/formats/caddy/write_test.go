package caddy_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/formats/caddy"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/portable"
)

// TestWriteAnswersAsNative: seeded random portable policies written as
// a Caddyfile, read back by this package's reader, make the browser
// reach native's verdict for the same policy, fetch for fetch: the
// writer says the policy exactly.
func TestWriteAnswersAsNative(t *testing.T) {
	postest.WriterAnswersAsNative(t, all.Registry(), caddy.Formats(), "caddy", 17)
}

// WriteRules refuses what a Caddyfile token cannot carry, naming the
// rule and field (caddyserver.com/docs/caddyfile/concepts#tokens-and-quotes),
// and matches paths and origins with regexps.
func TestWriteRules(t *testing.T) {
	w := postest.Lookup(t, caddy.Formats(), "caddy").(convert.Writer)
	postest.WriteCases(t, w.WriteRules, []postest.WriteCase{
		{Desc: "exact origins, methods, headers: no note", Rule: portable.Rule{Origins: []string{"https://a.test", "https://*.b.test"}, Methods: []string{"PUT"}, AllowHeaders: []string{"*"}, Credentials: true},
			Cites: "Fetch §3.2.3: the echoed names pass the CORS-preflight check"},
		{Desc: "a quote in a header name", Rule: portable.Rule{Origins: []string{"*"}, AllowHeaders: []string{`x"y`}}, Refuse: true, Cites: "Caddyfile tokens: a quote ends a quoted value"},
		{Desc: "a brace in a path", Rule: portable.Rule{Origins: []string{"*"}, Paths: []string{"/a{b}"}}, Refuse: true, Cites: "Caddyfile: {...} is a placeholder"},
	})
	out, err := w.WriteRules(portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://a.test"}, Paths: []string{"/api"}}}}, nil, &portable.Notes{})
	if err != nil || !strings.Contains(out, `path_regexp ^(?:/api(?:/.*)?)$`) || !strings.Contains(out, `header_regexp Origin ^(?:https://a\.test)$`) {
		t.Errorf("WriteRules = %v\n%s", err, out)
	}
}
