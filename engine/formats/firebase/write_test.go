package firebase_test

import (
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/formats/firebase"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// The conversion capabilities (engine/convert), found by type assertion.
var (
	_ convert.Stater = (*firebase.Format)(nil)
	_ convert.Writer = (*firebase.Format)(nil)
)

// registry is every format with this package's, once, whether
// engine/all registers it yet or not.
func registry() *policy.Registry {
	var fs []policy.Format
	for _, f := range all.Formats() {
		if f.Name() != "firebase" {
			fs = append(fs, f)
		}
	}
	return policy.NewRegistry(append(fs, firebase.Formats()...)...)
}

// TestWriteAnswersAsNative: seeded random portable policies written as
// a firebase.json, read back by this package's reader, never make the
// browser allow what native refuses for the same policy, and reach the
// same verdict unless a note says why not (postest.AnswersAsNative).
func TestWriteAnswersAsNative(t *testing.T) {
	postest.WriterAnswersAsNativeOf(t, registry(), firebase.Formats(), "firebase", 17, 150, 75)
}

// WriteRules: what firebase.json's headers say exactly, and what they
// note or refuse (firebase.google.com/docs/hosting/full-config#headers:
// fixed values per source or regex).
func TestWriteRules(t *testing.T) {
	w := postest.Lookup(t, firebase.Formats(), "firebase").(convert.Writer)
	postest.WriteCases(t, w.WriteRules, []postest.WriteCase{
		{Desc: "one origin on a path, simple requests: no note", Rule: portable.Rule{Origins: []string{"https://a.test"}, Credentials: true, Paths: []string{"/api"}},
			Cites: "Fetch §3.2.5: fixed Access-Control-Allow-Origin and -Credentials pass the CORS check for that origin"},
		{Desc: "two origins: the first written", Rule: portable.Rule{Origins: []string{"https://a.test", "https://b.test"}}, Notes: "origins:narrower",
			Cites: "Fetch §3.2.5: Access-Control-Allow-Origin holds one origin"},
		{Desc: "headers need a preflight Firebase does not answer", Rule: portable.Rule{Origins: []string{"*"}, AllowHeaders: []string{"x-api-key"}}, Notes: "methods:narrower",
			Cites: "superstatic 9.2.0: OPTIONS is served as any method"},
		{Desc: "a path covering the 404 page", Rule: portable.Rule{Origins: []string{"*"}, Paths: []string{"/404.html"}}, Refuse: true,
			Cites: "superstatic 9.2.0 lib/middleware/missing.js: a 404 gets /404.html's headers"},
		{Desc: "any origin with credentials", Rule: portable.Rule{Origins: []string{"*"}, Credentials: true}, Refuse: true,
			Cites: "Fetch §3.2.5: * fails with credentials, and Firebase cannot echo"},
	})
	out, err := w.WriteRules(portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://a.test"}, Paths: []string{"/api"}}}}, nil, &portable.Notes{})
	if err != nil || !strings.Contains(out, `"regex": "^(?:/api(?:/.*)?)$"`) {
		t.Errorf("WriteRules = %v\n%s", err, out)
	}
}

// TestReadAnswersAsFormat: the firebase.json files written for seeded random
// policies, and this package's golden files, read back (ReadRules) and
// converted into native, make the browser reach the file's own verdict
// on random fetches, or a note says which way (postest.ReaderAnswersAsFormat).
func TestReadAnswersAsFormat(t *testing.T) {
	texts := postest.WrittenTexts(&firebase.Format{}, 150)
	// Patterns beside the written ones, each asked many fetches: exact,
	// narrower and wider paths, overlapping entries, values no browser
	// accepts, conditions.
	corners := []string{
		`{"hosting": {"headers": [{"source": "/api/**", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://app.test"}]}]}}`,
		`{"hosting": {"headers": [{"source": "**", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}, {"key": "Access-Control-Expose-Headers", "value": "ETag"}]}]}}`,
		`{"hosting": {"headers": [{"regex": "^/api/", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://app.test"}]}]}}`,
		`{"hosting": {"headers": [{"source": "/api/*.json", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://app.test"}]}]}}`,
		`{"hosting": {"headers": [{"source": "**", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://app.test"}]}, {"source": "/api/**", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://admin.test"}]}]}}`,
	}
	texts = append(texts, postest.Goldens()...)
	exact, converted, refused := postest.ReaderAnswersAsFormat(t, registry(), "firebase", texts, rand.New(rand.NewSource(17)), 25)
	cx, cc, cr := postest.ReaderAnswersAsFormat(t, registry(), "firebase", corners, rand.New(rand.NewSource(17)), 1500)
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
	cfg, err := (&firebase.Format{}).ReadRules(`{"hosting": {"headers": [
  {"regex": "^(?:/api(?:/.*)?)$", "headers": [
    {"key": "Access-Control-Allow-Origin", "value": "https://app.test"},
    {"key": "Access-Control-Allow-Methods", "value": "GET, PUT"}]}]}}`)
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
	f.Add(`{"hosting": {"headers": [{"source": "/api/**", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}}`)
	f.Add(`{"hosting": {"headers": [
  {"regex": "^(?:/api(?:/.*)?)$", "headers": [
    {"key": "Access-Control-Allow-Origin", "value": "https://app.test"},
    {"key": "Access-Control-Allow-Methods", "value": "GET, PUT"}]}]}}`)
	f.Fuzz(func(t *testing.T, text string) {
		cfg, err := (&firebase.Format{}).ReadRules(text)
		postest.Rejected(t, err)
		if err == nil {
			postest.Stated(t, cfg)
		}
	})
}
