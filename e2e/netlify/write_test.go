package netlify

import (
	"math/rand"
	"testing"

	"github.com/whycors/whycors/e2e/internal/hosttest"
	"github.com/whycors/whycors/e2e/internal/npmtest"
	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/formats/netlify"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// TestWrittenFiles: the _headers files the format writes for 300 seeded
// portable policies (those it does not refuse) parse without a fault in
// @netlify/headers-parser, and the headers netlify-cli's merge gives
// each of 18 request paths are the policy's: none, or the CORS headers
// of the first rule that covers the path for the origin named
// (hosttest.Check); the format's own reader gives the same.
func TestWrittenFiles(t *testing.T) {
	npmtest.Ensure(t, ".", "e2e/netlify")
	w := &netlify.Format{}
	rng := rand.New(rand.NewSource(proxytest.Seed(17)))
	var cases []tcase
	var pols []portable.Policy
	for range 300 {
		p := hosttest.Policy(rng)
		text, err := w.WriteRules(p, nil, &portable.Notes{})
		if err != nil {
			continue
		}
		pols = append(pols, p)
		cases = append(cases, tcase{Kind: "headers", Text: text, Paths: hosttest.AskPaths})
	}
	got := runParser(t, cases)
	answered := 0
	for i, c := range cases {
		r := got.Results[i]
		if len(r.Errors) > 0 {
			t.Errorf("written file %d refused by the parser: %q\n%s", i, r.Errors, c.Text)
			continue
		}
		cfg, err := netlify.ParseHeaders(c.Text)
		if err != nil {
			t.Errorf("written file %d refused by the reader: %v\n%s", i, err, c.Text)
			continue
		}
		for k, path := range c.Paths {
			var real headers.List
			for _, kv := range r.Merged[k] {
				real.Set(kv[0], kv[1])
			}
			if msg := hosttest.Check(pols[i], path, "", real); msg != "" {
				t.Errorf("written file %d, path %s: %s\npolicy %+v\n%s", i, path, msg, pols[i].Rules, c.Text)
			}
			if _, ok := real.Get("Access-Control-Allow-Origin"); ok {
				answered++
			}
			mine := cfg.Respond(policy.Request{Method: "GET", URL: "https://site.example" + path}, policy.Reply{Status: 200}).Reply.Header
			if !sameHeaders(mine, real) {
				t.Errorf("written file %d, path %s: reader %q, parser %q", i, path, mine, real)
			}
		}
	}
	t.Logf("%d of 300 policies written; %d path answers carry CORS headers", len(cases), answered)
	if len(cases) < 100 || answered < 300 {
		t.Errorf("too few written (%d) or answered (%d) to say much", len(cases), answered)
	}
}
