package vercel_test

import (
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/formats/firebase"
	"github.com/whycors/whycors/engine/formats/vercel"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// The conversion capabilities (engine/convert), found by type assertion.
var (
	_ convert.Stater = (*vercel.Format)(nil)
	_ convert.Writer = (*vercel.Format)(nil)
)

// registry is every format with this package's and firebase's, once
// each, whether engine/all registers them yet or not.
func registry() *policy.Registry {
	var fs []policy.Format
	for _, f := range all.Formats() {
		if f.Name() != "vercel" && f.Name() != "firebase" {
			fs = append(fs, f)
		}
	}
	return policy.NewRegistry(append(fs, append(vercel.Formats(), firebase.Formats()...)...)...)
}

// TestWriteAnswersAsNative: seeded random portable policies written as
// a vercel.json, read back by this package's reader, never make the
// browser allow what native refuses for the same policy, and reach the
// same verdict unless a note says why not (postest.AnswersAsNative).
func TestWriteAnswersAsNative(t *testing.T) {
	postest.WriterAnswersAsNativeOf(t, registry(), vercel.Formats(), "vercel", 17, 150, 90)
}

// WriteRules: what vercel.json's headers say exactly, and what they
// note or refuse (vercel.com/docs/project-configuration#headers: fixed
// values per source, "has" conditions on a request header).
func TestWriteRules(t *testing.T) {
	w := postest.Lookup(t, vercel.Formats(), "vercel").(convert.Writer)
	postest.WriteCases(t, w.WriteRules, []postest.WriteCase{
		{Desc: "two origins on a path, simple requests: no note", Rule: portable.Rule{Origins: []string{"https://a.test", "https://b.test"}, Credentials: true, Paths: []string{"/api"}},
			Cites: "Next.js matchHas: a has value must match the whole header; Fetch §3.2.5"},
		{Desc: "a subdomain pattern left out", Rule: portable.Rule{Origins: []string{"https://a.test", "https://*.b.test"}}, Notes: "origins:narrower",
			Cites: "Vercel header values are fixed: no echo of the request's Origin"},
		{Desc: "methods need a preflight Vercel does not answer", Rule: portable.Rule{Origins: []string{"*"}, Methods: []string{"PUT"}}, Notes: "methods:narrower",
			Cites: "vercel.com/kb/guide/how-to-enable-cors: the deployment must answer OPTIONS"},
		{Desc: "any origin with credentials", Rule: portable.Rule{Origins: []string{"*"}, Credentials: true}, Refuse: true,
			Cites: "Fetch §3.2.5: * fails with credentials, and Vercel cannot echo"},
	})
	out, err := w.WriteRules(portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://a.test"}, Paths: []string{"/v1.0"}}}}, nil, &portable.Notes{})
	if err != nil || !strings.Contains(out, `"source": "/v1\\.0(/.*)?"`) || !strings.Contains(out, `"value": "https://a\\.test"`) {
		t.Errorf("WriteRules = %v\n%s", err, out)
	}
}

// TestReadAnswersAsFormat: the vercel.json files written for seeded random
// policies, and this package's golden files, read back (ReadRules) and
// converted into native, make the browser reach the file's own verdict
// on random fetches, or a note says which way (postest.ReaderAnswersAsFormat).
func TestReadAnswersAsFormat(t *testing.T) {
	texts := postest.WrittenTexts(&vercel.Format{}, 150)
	// Patterns beside the written ones, each asked many fetches: exact,
	// narrower and wider paths, overlapping entries, values no browser
	// accepts, conditions.
	corners := []string{
		`{"headers": [{"source": "/(.*)", "missing": [{"type": "header", "key": "origin", "value": "(?:https://admin\\.test)"}], "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}`,
		`{"headers": [{"source": "/api(/.*)?", "has": [{"type": "header", "key": "origin", "value": "https://admin\\.test"}], "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://admin.test"}, {"key": "Access-Control-Allow-Credentials", "value": "true"}]}, {"source": "/(.*)", "missing": [{"type": "header", "key": "origin", "value": "(?:https://admin\\.test)"}], "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}`,
		`{"headers": [{"source": "/api/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://app.test"}]}]}`,
		`{"headers": [{"source": "/api/:path*", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://app.test"}]}]}`,
		`{"headers": [{"source": "/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}, {"key": "Access-Control-Expose-Headers", "value": "ETag"}]}]}`,
		`{"headers": [{"source": "/(.*)", "has": [{"type": "cookie", "key": "s"}], "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://app.test"}]}]}`,
		`{"headers": [{"source": "/api(/.*)?", "has": [{"type": "header", "key": "origin", "value": "https://app\\.test"}], "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://app.test"}, {"key": "Access-Control-Allow-Credentials", "value": "true"}]}]}`,
		`{"headers": [{"source": "/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://app.test"}]}, {"source": "/API/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://admin.test"}]}]}`,
	}
	texts = append(texts, postest.Goldens()...)
	exact, converted, refused := postest.ReaderAnswersAsFormat(t, registry(), "vercel", texts, rand.New(rand.NewSource(17)), 25)
	cx, cc, cr := postest.ReaderAnswersAsFormat(t, registry(), "vercel", corners, rand.New(rand.NewSource(17)), 1500)
	exact, converted, refused = exact+cx, converted+cc, refused+cr
	t.Logf("%d texts: %d converted (%d exact), %d refused", len(texts)+len(corners), converted, exact, refused)
	if exact < 40 {
		t.Errorf("only %d exact conversions", exact)
	}
}

// TestReadRulesPositions: ReadRules states a rule's values where they
// are written (line and column of each header value), its paths, and
// that it hands preflights to what is served (the host answers none).
func TestReadRulesPositions(t *testing.T) {
	cfg, err := (&vercel.Format{}).ReadRules(`{"headers": [
  {"source": "/api(/.*)?", "headers": [
    {"key": "Access-Control-Allow-Origin", "value": "https://app.test"},
    {"key": "Access-Control-Allow-Methods", "value": "GET, PUT"}]}]}`)
	if err != nil || len(cfg.Rules) != 1 {
		t.Fatalf("ReadRules = %+v, %v", cfg, err)
	}
	r := cfg.Rules[0]
	for _, c := range []struct {
		desc      string
		pos       portable.Pos
		line, col int
	}{
		{"Origins[0]", r.Origins[0].Pos, 3, 53},
		{"Methods[1]", r.Methods[1].Pos, 4, 54},
	} {
		if c.pos.Line != c.line || c.pos.Column != c.col {
			t.Errorf("%s at %d:%d, want %d:%d", c.desc, c.pos.Line, c.pos.Column, c.line, c.col)
		}
	}
	if !slices.Equal(r.Paths, []string{"/api"}) || r.PreflightPass != true || r.Methods[1].Text != "PUT" {
		t.Errorf("paths %q, preflight pass %v, methods %+v", r.Paths, r.PreflightPass, r.Methods)
	}
}

// FuzzReadRules: ReadRules never panics, refuses with positioned faults
// and places every value it states.
func FuzzReadRules(f *testing.F) {
	f.Add(`{"headers": [{"source": "/(.*)", "has": [{"type": "header", "key": "origin", "value": "https://a\\.test"}], "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}`)
	f.Add(`{"headers": [
  {"source": "/api(/.*)?", "headers": [
    {"key": "Access-Control-Allow-Origin", "value": "https://app.test"},
    {"key": "Access-Control-Allow-Methods", "value": "GET, PUT"}]}]}`)
	f.Fuzz(func(t *testing.T, text string) {
		cfg, err := (&vercel.Format{}).ReadRules(text)
		postest.Rejected(t, err)
		if err == nil {
			postest.Stated(t, cfg)
		}
	})
}
