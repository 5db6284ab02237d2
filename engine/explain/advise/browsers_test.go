package advise

import (
	"reflect"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/internal/postest"
)

// profileFields are fetch.Profile's fields, each with the condition of
// passesEverywhere that keeps a fetch away from where it makes the
// summary browsers differ. A field added to fetch.Profile fails
// TestPassesEverywhere until its place in passesEverywhere's argument is
// written here (and, when none of the conditions covers it, added).
var profileFields = map[string]string{
	"Name":                           "words only",
	"Engine":                         "words only",
	"ClientHints":                    "headersAlike: each header safelisted by all three or none",
	"CombinedSafelist":               "headersAlike: no name twice",
	"KeepDuplicateNames":             "headersAlike: no name twice",
	"StatusFirst":                    "every check passed: the order changes only the failure reported",
	"InterleaveLists":                "every check passed: the order changes only the failure reported",
	"SplitOriginLines":               "at most one Access-Control-Allow-Origin line per reply",
	"MaxAgeCap":                      "cache lifetime: one fetch, an empty cache",
	"InvalidMaxAgeNotCached":         "cache lifetime: one fetch, an empty cache",
	"Authorization":                  "no Authorization header",
	"KeepsAuthorizationOnRedirect":   "no redirect",
	"StreamNeedsHTTP2":               "no stream body",
	"NoRequestStreams":               "no stream body",
	"NoSafelistTotal":                "headersAlike: values far below 1024 bytes",
	"CORSBeforePreflightRedirect":    "no redirect",
	"EmptyReplyAttempts":             "every reply has a status",
	"PreflightKeepsOrigin":           "no redirect",
	"StickyPreflight":                "no redirect",
	"RedirectCheckedWithCredentials": "no redirect",
	"NoOpaqueOriginCache":            "the page's origin is not opaque",
	"NoTaintedOriginCache":           "no redirect, and one fetch with an empty cache",
	"MaxAgePlusSign":                 "cache lifetime: one fetch, an empty cache",
	"CacheKeyedByCredentials":        "one fetch, an empty cache",
	"CacheLiteralStar":               "one fetch, an empty cache",
	"CacheDropsUncovering":           "one fetch, an empty cache",
	"CacheClearedOnFailure":          "one fetch, an empty cache",
	"CacheStarByRequest":             "one fetch, an empty cache",
	"CacheKeepsFailedMatch":          "one fetch, an empty cache",
	"OriginKeptOnRedirect":           "no redirect",
	"PreflightOriginalHeaders":       "no redirect",
	"LocationLatin1":                 "no redirect",
	"LocationTabEncoded":             "no redirect",
	"NonASCIIUnsafe":                 "headersAlike: ASCII values",
	"HeaderMapOrder":                 "every check passed: the order changes only the failure reported",
	"NoStreamUploads":                "no stream body",
	"XHRParsesEmptyBody":             "no XMLHttpRequest",
	"LocalNetworkAccess":             "no network placement",
	"msg":                            "words only",
}

// TestPassesEverywhere runs the chosen browser and every other summary
// browser on the scenarios of the e2e recordings (e2e/chromium's corpus
// and the cases observed in Chromium, Firefox and WebKit) and on cases
// made to split the browsers, in each browser as the chosen one: whenever
// passesEverywhere answers for all three from the chosen one's verdict,
// each of them must pass when run. It fails when a profile comes to
// differ where passesEverywhere does not look.
func TestPassesEverywhere(t *testing.T) {
	pt := reflect.TypeOf(fetch.Profile{})
	for i := 0; i < pt.NumField(); i++ {
		if _, ok := profileFields[pt.Field(i).Name]; !ok {
			t.Errorf("fetch.Profile.%s is new: say in passesEverywhere (and profileFields) why it cannot make the summary browsers differ on a fetch it answers for", pt.Field(i).Name)
		}
	}
	var scenarios []explain.Scenario
	seen := map[string]bool{}
	for _, r := range postest.RecordedScenarios(t, "../../../e2e") {
		s, err := explain.Decode(r.Scenario)
		if err != nil || seen[string(r.Scenario)] {
			continue
		}
		seen[string(r.Scenario)] = true
		scenarios = append(scenarios, s)
	}
	// Cases where the browsers split on the headers alone: a client hint
	// (Chromium sends no preflight), a non-ASCII Content-Type (Firefox
	// preflights it), two Content-Type lines (Chromium and WebKit judge
	// them combined), safelisted values over 1024 bytes (Firefox does not
	// count), each to a server that allows the origin and nothing else;
	// and two Access-Control-Allow-Origin lines (Firefox refuses them).
	allowOrigin := `"response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://app.test"]]},
		"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"]]}}`
	long := make([]byte, 600)
	for i := range long {
		long[i] = 'a'
	}
	for _, js := range []string{
		`{"request":{"origin":"http://app.test","url":"http://api.test/x","headers":[["DPR","2"]]},` + allowOrigin,
		`{"request":{"origin":"http://app.test","url":"http://api.test/x","headers":[["Content-Type","text/plain;charset=é"]]},` + allowOrigin,
		`{"request":{"origin":"http://app.test","url":"http://api.test/x","headers":[["Content-Type","text/plain"],["Content-Type","text/plain"]]},` + allowOrigin,
		`{"request":{"origin":"http://app.test","url":"http://api.test/x","headers":[["Accept","` + string(long) + `"],["Accept-Language","` + string(long[:500]) + `"]]},` + allowOrigin,
		`{"request":{"origin":"http://app.test","url":"http://api.test/x"},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Origin","http://app.test"]]}}`,
		`{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"PUT","headers":[["X-A","1"]]},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Methods","PUT"],["Access-Control-Allow-Headers","x-a"]]},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://app.test"]]}}`,
		`{"request":{"origin":"https://app.example.com","url":"https://b.s3.amazonaws.com/u/a.jpg","method":"PUT",
			"headers":[["Content-Type","image/jpeg"],["x-amz-acl","private"],["x-amz-meta-by","42"]],"body":"x"},
			"policy":{"format":"s3-json","text":"[{\"AllowedOrigins\":[\"https://app.example.com\"],\"AllowedMethods\":[\"PUT\"],\"AllowedHeaders\":[\"Content-Type\",\"x-amz-acl\",\"x-amz-meta-by\"]}]"}}`,
	} {
		s, err := explain.Decode([]byte(js))
		if err != nil {
			t.Fatal(err)
		}
		scenarios = append(scenarios, s)
	}
	o := Options(all.Registry())
	answered, split := 0, 0
	for i, s := range scenarios {
		allowed := map[string]bool{}
		for _, name := range summaryBrowsers {
			ok, err := explain.Allows(withBrowser(s, name), o)
			allowed[name] = err == nil && ok
		}
		if allowed["chrome"] != allowed["firefox"] || allowed["chrome"] != allowed["safari"] {
			split++
		}
		for _, chosen := range summaryBrowsers {
			cs := withBrowser(s, chosen)
			v, err := explain.Try(cs, o)
			if err != nil {
				continue
			}
			se := &searcher{o: o, browser: chosen}
			if !se.passesEverywhere(cs, &v, chosen) {
				continue
			}
			answered++
			for name, ok := range allowed {
				if !ok {
					t.Errorf("scenario %d: passesEverywhere from %s's verdict, but %s blocks it", i, chosen, name)
				}
			}
		}
	}
	if answered < 100 || split < 10 {
		t.Errorf("passesEverywhere answered for %d runs of %d scenarios, %d of which split the browsers: too few to test it", answered, len(scenarios), split)
	}
	t.Logf("%d scenarios, %d split the browsers, %d chosen runs answered for all", len(scenarios), split, answered)
}

func withBrowser(s explain.Scenario, name string) explain.Scenario {
	s.Browser = name
	return s
}
