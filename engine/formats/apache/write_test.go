package apache_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/formats/apache"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/portable"
)

// TestWriteAnswersAsNative: seeded random portable policies written as
// Apache directives, read back by this package's reader, make the
// browser reach native's verdict for the same policy, fetch for fetch:
// the writer says the policy exactly.
func TestWriteAnswersAsNative(t *testing.T) {
	postest.WriterAnswersAsNative(t, all.Registry(), apache.Formats(), "apache", 23)
}

// WriteRules refuses what a directive's argument cannot carry, naming
// the rule and field (httpd.apache.org/docs/2.4/configuring.html: a
// quoted argument; mod_headers reads % as a format specifier), and
// chains the rules in <If> / <ElseIf>.
func TestWriteRules(t *testing.T) {
	w := postest.Lookup(t, apache.Formats(), "apache").(convert.Writer)
	postest.WriteCases(t, w.WriteRules, []postest.WriteCase{
		{Desc: "echoed methods and headers: no note", Rule: portable.Rule{Origins: []string{"https://a.test", "https://*.b.test"}, Methods: []string{"*"}, AllowHeaders: []string{"*"}, Credentials: true},
			Cites: "Fetch §3.2.3: the echoed method and names pass the CORS-preflight check"},
		{Desc: "a percent sign in an exposed header", Rule: portable.Rule{Origins: []string{"*"}, ExposeHeaders: []string{"x%y"}}, Refuse: true, Cites: "mod_headers: %y is a format specifier"},
		{Desc: "a space in a path", Rule: portable.Rule{Origins: []string{"*"}, Paths: []string{"/a b"}}, Refuse: true, Cites: "a space ends an unquoted RewriteRule pattern"},
	})
	out, err := w.WriteRules(portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://a.test"}, Paths: []string{"/api"}}, {Origins: []string{"*"}}}}, nil, &portable.Notes{})
	if err != nil || !strings.Contains(out, `<If "%{REQUEST_URI} =~ m#^(?:/api(?:/.*)?)$# && %{HTTP:Origin} =~ m#^(?:https://a\.test)$#">`) ||
		!strings.Contains(out, "RewriteRule ^(?:/api(?:/.*)?)$ - [R=204,L]") || !strings.Contains(out, `<ElseIf "%{REQUEST_URI} =~ m#^/#">`) {
		t.Errorf("WriteRules = %v\n%s", err, out)
	}
}
