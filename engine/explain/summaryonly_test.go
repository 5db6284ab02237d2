package explain_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/internal/postest"
)

// TestSummaryBrowsers: the summary browsers of a verdict run without
// steps or rule traces (issue 23), yet each one's BrowserResult is what
// that browser's own full verdict says: allowed, reason, console and
// preflight cache seconds, for every fetch of the session. The scenarios
// are examples/ (S3, nginx, raw replies, a CDN, an authorizer, a
// preflight cache across fetches), the scenarios of the browsers'
// recordings (e2e/*/testdata) and two here.
func TestSummaryBrowsers(t *testing.T) {
	scenarios := map[string][]byte{
		"firefox refuses Authorization under a wildcard": []byte(`{"request":{"origin":"http://a.test","url":"http://b.test/","headers":[["Authorization","x"]]},
			"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Headers","*"]]}}`),
		"max-age capped differently": []byte(`{"request":{"origin":"http://a.test","url":"http://b.test/","method":"PUT"},
			"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Methods","PUT"],["Access-Control-Max-Age","86400"]]},
			"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}`),
	}
	// The browsers' recordings too: every scenario whose verdict
	// passes where the profiles cannot differ gets its summaries
	// without a run (summaryAlike), and each must still be that
	// browser's own verdict.
	for _, r := range postest.RecordedScenarios(t, "../../e2e") {
		scenarios[r.Name] = r.Scenario
	}
	files, _ := filepath.Glob("../../examples/*.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		scenarios[filepath.Base(f)] = b
	}
	checked := 0
	for desc, data := range scenarios {
		s, err := explain.Decode(data)
		if err != nil {
			continue // not a scenario (a CDK manifest)
		}
		// Each browser's own verdicts first, then every other browser's
		// summary of it, so that every pair is compared in both
		// directions (found by a review: only the pairs of a browser
		// already run were, and Chrome's summaries of Firefox and
		// Safari, the most common output, never).
		browsers := []string{"chrome", "firefox", "safari"}
		full := map[string][]explain.BrowserResult{}
		verdicts := map[string][]explain.Verdict{}
		for _, b := range browsers {
			s.Browser = b
			v, err := explain.Explain(s, opts)
			if err != nil {
				t.Fatalf("%s, %s: %v", desc, b, err)
			}
			verdicts[b] = append([]explain.Verdict{v}, v.Then...)
			for _, w := range verdicts[b] {
				full[b] = append(full[b], explain.BrowserResult{Browser: b, Allowed: w.Allowed, Reason: w.Reason, Console: w.Console, PreflightCacheSeconds: w.PreflightCacheSeconds})
			}
		}
		for _, chosen := range browsers {
			for i, w := range verdicts[chosen] {
				for _, r := range w.Browsers {
					if r.Browser == chosen || len(full[r.Browser]) <= i {
						continue
					}
					checked++
					// Compared as the verdict's JSON carries them: a
					// summary's unexported note of its cache is checked
					// by TestCacheAnsweredInWords.
					if got, want := mustJSON(t, r), mustJSON(t, full[r.Browser][i]); got != want {
						t.Errorf("%s, fetch %d: with %s first, %s's summary %s; its own verdict %s", desc, i, chosen, r.Browser, got, want)
					}
				}
			}
		}
	}
	if checked < 5000 {
		t.Fatalf("only %d summaries compared", checked)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCacheAnsweredInWords: a browser whose own preflight cache answered
// a later fetch is said to have done so in the preflight cache step,
// where "Firefox 0 s" read as "Firefox does not cache" (found as a new
// user would: Max-Age 86400, fetches 599, 6,500 and 200 s apart).
func TestCacheAnsweredInWords(t *testing.T) {
	s, err := explain.Decode([]byte(`{"request":{"origin":"https://app.example","url":"https://api.example/x","method":"PUT"},
 "preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","https://app.example"],["Access-Control-Allow-Methods","PUT"],["Access-Control-Max-Age","86400"]]},
 "response":{"status":200,"headers":[["Access-Control-Allow-Origin","https://app.example"]]},
 "then":[{"after_seconds":599,"request":{"origin":"https://app.example","url":"https://api.example/x","method":"PUT"}},
         {"after_seconds":6500,"request":{"origin":"https://app.example","url":"https://api.example/x","method":"PUT"}},
         {"after_seconds":200,"request":{"origin":"https://app.example","url":"https://api.example/x","method":"PUT"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := explain.Explain(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Fetch 3 (then[1]), 7,099 s in: Chrome's 7,200 s entry covers it;
	// fetch 4 (then[2]), 7,299 s in: Chrome preflights again, Firefox's
	// 86,400 s entry and Safari's from fetch 3 answer.
	last := v.Then[2]
	var detail string
	for _, st := range last.Steps {
		if st.ID == "preflight.cache" {
			detail = st.Detail
		}
	}
	for _, want := range []string{"Chrome 7200 s", "Firefox answered from its cache (no preflight)", "Safari answered from its cache (no preflight)"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the cache step does not say %q: %q", want, detail)
		}
	}
}

// TestCacheWordsAfterARedirect: a later fetch whose first hop the cache
// answered but whose redirect's hop sent a preflight (its origin
// tainted, which Chrome and Safari do not cache) is not said to be
// answered from the cache (found by a review).
func TestCacheWordsAfterARedirect(t *testing.T) {
	pf := `{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Methods","PUT"],["Access-Control-Max-Age","600"]]}`
	s, err := explain.Decode([]byte(`{"request":{"origin":"https://app.test","url":"https://api.test/x","method":"PUT"},"preflight":` + pf + `,
 "response":{"status":307,"headers":[["Location","https://cdn.test/y"],["Access-Control-Allow-Origin","*"]]},
 "routes":[{"url":"https://cdn.test/y","preflight":` + pf + `,"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}],
 "then":[{"after_seconds":1,"request":{"origin":"https://app.test","url":"https://api.test/x","method":"PUT"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := explain.Explain(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range v.Then[0].Steps {
		if st.ID == "preflight.cache" && strings.Contains(st.Detail, "Chrome answered from its cache") {
			t.Errorf("Chrome sent a preflight to the redirect's target, yet: %s", st.Detail)
		}
	}
	// The tainted hop's preflight is the fetch's last: Chrome and Safari
	// keep it for no time (NoTaintedOriginCache), Firefox for its 600 s.
	want := map[string]int{"chrome": 0, "firefox": 600, "safari": 0}
	for _, b := range v.Browsers {
		if b.PreflightCacheSeconds != want[b.Browser] {
			t.Errorf("%s keeps the tainted hop's preflight %d s, want %d", b.Browser, b.PreflightCacheSeconds, want[b.Browser])
		}
	}
}
