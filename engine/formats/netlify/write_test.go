package netlify_test

import (
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/formats/netlify"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/portable"
)

// TestWriteAnswersAsNative: seeded random portable policies written as
// a _headers file, read back by this package's reader, never make the
// browser allow what native refuses for the same policy, and reach the
// same verdict unless a note says why not (postest.AnswersAsNative).
// Netlify cannot say most per-path rules (it ignores case), so more
// policies are drawn than the shared WriterAnswersAsNative does.
func TestWriteAnswersAsNative(t *testing.T) {
	postest.WriterAnswersAsNativeOf(t, all.Registry(), netlify.Formats(), "netlify", 17, 150, 50)
}

// WriteRules: what a _headers file says exactly, and what it notes or
// refuses (docs.netlify.com/manage/routing/headers/: fixed values per
// path; the parser's forRegExp ignores case).
func TestWriteRules(t *testing.T) {
	w := postest.Lookup(t, netlify.Formats(), "netlify").(convert.Writer)
	postest.WriteCases(t, w.WriteRules, []postest.WriteCase{
		{Desc: "one origin, every path, simple requests: no note", Rule: portable.Rule{Origins: []string{"https://a.test"}, Credentials: true, ExposeHeaders: []string{"ETag"}},
			Cites: "Fetch §3.2.5: fixed Access-Control-Allow-Origin and -Credentials pass the CORS check for that origin"},
		{Desc: "two origins: the first written", Rule: portable.Rule{Origins: []string{"https://a.test", "https://b.test"}}, Notes: "origins:narrower",
			Cites: "Fetch §3.2.5: Access-Control-Allow-Origin holds one origin"},
		{Desc: "methods need a preflight Netlify does not answer", Rule: portable.Rule{Origins: []string{"*"}, Methods: []string{"PUT"}}, Notes: "methods:narrower",
			Cites: "docs.netlify.com/manage/routing/headers/: custom headers only, no OPTIONS handling"},
		{Desc: "a path with letters is left out, so nothing is left", Rule: portable.Rule{Origins: []string{"*"}, Paths: []string{"/api"}}, Refuse: true,
			Cites: "@netlify/headers-parser forRegExp: the i flag"},
		{Desc: "a subdomain pattern alone", Rule: portable.Rule{Origins: []string{"https://*.a.test"}}, Refuse: true,
			Cites: "Fetch §3.2.5: the value is compared byte for byte"},
		{Desc: "any origin with credentials", Rule: portable.Rule{Origins: []string{"*"}, Credentials: true}, Refuse: true,
			Cites: "Fetch §3.2.5: * fails with credentials, and Netlify cannot echo"},
	})
	out, err := w.WriteRules(portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://a.test"}, Paths: []string{"/1/"}}}}, nil, &portable.Notes{})
	if err != nil || !strings.Contains(out, "\n/1\n  Access-Control-Allow-Origin: https://a.test\n/1/:seg/*\n") {
		t.Errorf("WriteRules = %v\n%s", err, out)
	}
}

// TestReadAnswersAsFormat: the _headers files written for seeded random
// policies, and this package's golden files, read back (ReadRules) and
// converted into native, make the browser reach the file's own verdict
// on random fetches, or a note says which way (postest.ReaderAnswersAsFormat).
func TestReadAnswersAsFormat(t *testing.T) {
	texts := postest.WrittenTexts(&netlify.Format{}, 150)
	// Patterns beside the written ones, each asked many fetches: exact,
	// narrower and wider paths, overlapping entries, values no browser
	// accepts, conditions.
	corners := []string{
		"/api\n  Access-Control-Allow-Origin: https://app.test\n",
		"/api/*\n  Access-Control-Allow-Origin: https://app.test\n  Access-Control-Allow-Credentials: true\n",
		"/*\n  Access-Control-Allow-Origin: *\n  Access-Control-Expose-Headers: ETag\n",
		"/*\n  Access-Control-Allow-Origin: https://app.test\n/api/*\n  Access-Control-Allow-Origin: https://admin.test\n",
		"/*\n  Access-Control-Allow-Origin: *\n  Access-Control-Allow-Credentials: true\n",
		"/*\n  Access-Control-Allow-Origin: https://app.test, https://admin.test\n",
	}
	texts = append(texts, postest.Goldens()...)
	exact, converted, refused := postest.ReaderAnswersAsFormat(t, all.Registry(), "netlify", texts, rand.New(rand.NewSource(17)), 25)
	cx, cc, cr := postest.ReaderAnswersAsFormat(t, all.Registry(), "netlify", corners, rand.New(rand.NewSource(17)), 1500)
	exact, converted, refused = exact+cx, converted+cc, refused+cr
	t.Logf("%d texts: %d converted (%d exact), %d refused", len(texts)+len(corners), converted, exact, refused)
	if exact < 20 {
		t.Errorf("only %d exact conversions", exact)
	}
}

// TestReadRulesPositions: ReadRules states a rule's values where they
// are written (line and column of each header value), its paths, and
// that it hands preflights to what is served (the host answers none).
func TestReadRulesPositions(t *testing.T) {
	cfg, err := (&netlify.Format{}).ReadRules("/api/*\n  Access-Control-Allow-Origin: https://app.test\n  Access-Control-Allow-Methods: GET, PUT\n")
	if err != nil || len(cfg.Rules) != 1 {
		t.Fatalf("ReadRules = %+v, %v", cfg, err)
	}
	r := cfg.Rules[0]
	for _, c := range []struct {
		desc      string
		pos       portable.Pos
		line, col int
	}{
		{"Origins[0]", r.Origins[0].Pos, 2, 32},
		{"Methods[1]", r.Methods[1].Pos, 3, 33},
	} {
		if c.pos.Line != c.line || c.pos.Column != c.col {
			t.Errorf("%s at %d:%d, want %d:%d", c.desc, c.pos.Line, c.pos.Column, c.line, c.col)
		}
	}
	if !slices.Equal(r.Paths, []string{"/api"}) || r.PreflightPass != true || r.Methods[1].Text != "PUT" {
		t.Errorf("paths %q, preflight pass %v, methods %+v", r.Paths, r.PreflightPass, r.Methods)
	}
	if len(r.Notes) != 1 || r.Notes[0].Effect != portable.Narrower {
		t.Errorf("notes %+v, want one narrower: the pattern also matches other cases and longer segments (@netlify/headers-parser forRegExp)", r.Notes)
	}
}

// FuzzReadRules: ReadRules never panics, refuses with positioned faults
// and places every value it states.
func FuzzReadRules(f *testing.F) {
	f.Add("/*\n  Access-Control-Allow-Origin: *\n")
	f.Add("/a\n  Access-Control-Allow-Origin: x, y\n/a/:b/*\n  Access-Control-Allow-Origin: x, y\n")
	f.Add("[[headers]]\n  for = \"/a/*\"\n  [headers.values]\n    Access-Control-Allow-Origin = \"https://a.test\"\n")
	f.Add("/api/*\n  Access-Control-Allow-Origin: https://app.test\n  Access-Control-Allow-Methods: GET, PUT\n")
	f.Fuzz(func(t *testing.T, text string) {
		cfg, err := (&netlify.Format{}).ReadRules(text)
		postest.Rejected(t, err)
		if err == nil {
			postest.Stated(t, cfg)
		}
	})
}
