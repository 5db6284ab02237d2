package explain_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/whycors/whycors/engine/explain"
)

// TestSummaryBrowsers: the summary browsers of a verdict run without
// steps or rule traces (issue 23), yet each one's BrowserResult is what
// that browser's own full verdict says: allowed, reason, console and
// preflight cache seconds, for every fetch of the session. The scenarios
// are examples/ (S3, nginx, raw replies, a CDN, an authorizer, a
// preflight cache across fetches) and two here.
func TestSummaryBrowsers(t *testing.T) {
	scenarios := map[string][]byte{
		"firefox refuses Authorization under a wildcard": []byte(`{"request":{"origin":"http://a.test","url":"http://b.test/","headers":[["Authorization","x"]]},
			"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Headers","*"]]}}`),
		"max-age capped differently": []byte(`{"request":{"origin":"http://a.test","url":"http://b.test/","method":"PUT"},
			"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Methods","PUT"],["Access-Control-Max-Age","86400"]]},
			"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}`),
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
		full := map[string][]explain.BrowserResult{}
		for _, b := range []string{"chrome", "firefox", "safari"} {
			s.Browser = b
			v, err := explain.Explain(s, opts)
			if err != nil {
				t.Fatalf("%s, %s: %v", desc, b, err)
			}
			for _, w := range append([]explain.Verdict{v}, v.Then...) {
				full[b] = append(full[b], explain.BrowserResult{Browser: b, Allowed: w.Allowed, Reason: w.Reason, Console: w.Console, PreflightCacheSeconds: w.PreflightCacheSeconds})
			}
			for i, w := range append([]explain.Verdict{v}, v.Then...) {
				for _, r := range w.Browsers {
					if r.Browser == b || len(full[r.Browser]) <= i {
						continue
					}
					checked++
					if !reflect.DeepEqual(r, full[r.Browser][i]) {
						t.Errorf("%s, fetch %d: with %s first, %s's summary %+v; its own verdict %+v", desc, i, b, r.Browser, r, full[r.Browser][i])
					}
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d summaries compared", checked)
	}
}
