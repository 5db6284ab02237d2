package explain_test

import (
	"bytes"
	"slices"
	"sync"
	"testing"

	"github.com/whycors/whycors/engine/explain"
)

// TestVerdictKeepsNoLentRun: the summary browsers' runs and the fix
// search's trials hand their memory to the next such run
// (fetch.Result.Release), so a verdict must keep nothing of it. Each
// scenario's verdict, in each browser, encoded when it was made must
// encode the same after every other scenario's explanation reused that
// memory; so must verdicts made at once on several goroutines (go test
// -race finds a block shared between them). The scenarios are
// TestDecodeKeepsNoTree's: every reason, route and session case of the
// package and the examples, blocked and allowed, with fixes.
func TestVerdictKeepsNoLentRun(t *testing.T) {
	var scenarios []explain.Scenario
	for _, b := range decodeTexts(t) {
		s, err := explain.Decode(b)
		if err != nil {
			continue
		}
		for _, br := range []string{"chrome", "firefox", "safari"} {
			s.Browser = br
			scenarios = append(scenarios, s)
		}
	}
	type made struct {
		v   explain.Verdict
		enc []byte
	}
	explainAll := func() []made {
		out := make([]made, len(scenarios))
		for i, s := range scenarios {
			v, err := explain.Explain(s, opts)
			if err != nil {
				continue
			}
			out[i] = made{v, explain.AppendVerdict(nil, &v)}
		}
		return out
	}
	first := explainAll()
	blocked := 0
	for i := range first {
		if first[i].enc != nil && !first[i].v.Allowed {
			blocked++
		}
	}
	if blocked == 0 || blocked == len(first) {
		t.Fatalf("%d of %d verdicts blocked: want both kinds", blocked, len(first))
	}
	// The same scenarios again, in reverse, reuse the lent memory.
	for i := len(scenarios) - 1; i >= 0; i-- {
		explain.Explain(scenarios[i], opts)
	}
	for i := range first {
		if first[i].enc == nil {
			continue
		}
		if again := explain.AppendVerdict(nil, &first[i].v); !bytes.Equal(again, first[i].enc) {
			t.Errorf("scenario %d: its verdict changed after the others were explained:\n%s\nthen\n%s", i, first[i].enc, again)
		}
		// A released block is cleared at once, so a string kept in it
		// reads as zeros from the start: each browser's summary must
		// still say what that browser's own verdict says (explain.Run,
		// whose run is not lent).
		for _, br := range first[i].v.Browsers {
			s := scenarios[i]
			s.Browser = br.Browser
			want, err := explain.Run(s, opts)
			if err != nil {
				t.Fatal(err)
			}
			if br.Allowed != want.Allowed || br.Reason != want.Reason || !slices.Equal(br.Console, want.Console) || br.PreflightCacheSeconds != want.PreflightCacheSeconds {
				t.Errorf("scenario %d, %s's summary: allowed=%v reason=%q console=%q cache=%v; its own verdict: allowed=%v reason=%q console=%q cache=%v",
					i, br.Browser, br.Allowed, br.Reason, br.Console, br.PreflightCacheSeconds, want.Allowed, want.Reason, want.Console, want.PreflightCacheSeconds)
			}
		}
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for r := range 30 {
				i := (g*7 + r*13) % len(scenarios)
				if first[i].enc == nil {
					continue
				}
				v, _ := explain.Explain(scenarios[i], opts)
				if !bytes.Equal(explain.AppendVerdict(nil, &v), first[i].enc) {
					t.Errorf("goroutine %d, scenario %d: a verdict made at once with others differs", g, i)
				}
			}
		})
	}
	wg.Wait()
}
