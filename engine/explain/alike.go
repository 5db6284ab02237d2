package explain

import (
	"strings"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
)

// maxSafelistedTotal is the standard's bound on the CORS-safelisted
// values of one request (https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names
// step 4), which Firefox does not apply (fetch.Profile.NoSafelistTotal).
const maxSafelistedTotal = 1024

// PassesEverywhere reports that every summary browser lets s through
// because v, the verdict of s in the chosen browser, passed (a fix's last
// run, or Explain's own first run):
// the fetch reached none of the places where the profiles of Chrome,
// Firefox and Safari differ on whether a fetch passes, so one run answers
// for all three: a fix's AllowedIn needs no run of the others, and
// Explain's summary of them none either (summaryAlike). It
// answers false whenever it cannot tell, and the caller runs each browser.
//
// Where the profiles differ (fetch.Profile's fields; TestPassesEverywhere
// lists each with the condition below that leaves it out):
//   - which request headers are CORS-safelisted (ClientHints,
//     NonASCIIUnsafe, CombinedSafelist, KeepDuplicateNames,
//     NoSafelistTotal): every header is judged alike by the three
//     profiles, no name comes twice, and the values stay far below the
//     1024-byte total; so the three send the same preflight, or none,
//     and the server answers them alike;
//   - redirects and what a hop after one sends or checks (the Location
//     readings, the tainted origin, sticky preflights, Authorization
//     removed, WebKit's second check, the preflight cache consulted
//     again, or not for a tainted origin (NoTaintedOriginCache)): v's
//     requests got no 3xx;
//   - the order of the preflight's checks (StatusFirst,
//     InterleaveLists, HeaderMapOrder): only which failure is reported
//     changes, and every check passed;
//   - several Access-Control-Allow-Origin lines (SplitOriginLines): each
//     reply has at most one;
//   - Authorization under "*" (Authorization): no Authorization header;
//   - stream bodies (StreamNeedsHTTP2, NoRequestStreams,
//     NoStreamUploads): none; XMLHttpRequest (XHRParsesEmptyBody): none;
//     no-cors mode, whose request guard reads the safelist: none;
//   - Local Network Access (LocalNetworkAccess): no network placement;
//   - an opaque origin's cache (NoOpaqueOriginCache), the cache's
//     lifetime and keys (MaxAgeCap, InvalidMaxAgeNotCached, Cache*) and
//     the retries of an empty reply (EmptyReplyAttempts): one fetch with
//     an empty cache from a page with an origin, and every reply had a
//     status;
//   - the words of the console (Engine, msg): not read.
//
// A shared CDN keeps state between runs: a scenario with one is run in
// every browser.
func PassesEverywhere(s *Scenario, v *Verdict, chosen string) bool {
	if v == nil || !v.Allowed || !isSummaryBrowser(chosen) {
		return false
	}
	r := &s.Request
	if s.CDN != nil || s.Network != nil || r.API == "xhr" || r.BodyType == "stream" ||
		r.Mode != "" && r.Mode != "cors" {
		return false
	}
	if len(v.Requests) == 0 || r.Origin == "null" {
		return false
	}
	for _, q := range v.Requests {
		// A page with an opaque origin sends Origin: null on every
		// cross-origin request, and it has no same-origin one.
		if q.Status < 100 || q.Status >= 300 && q.Status < 400 || q.FromCDN || q.Origin == "null" {
			return false
		}
	}
	if v.Preflight.Reply != nil && allowOriginLines(v.Preflight.Reply.Header) > 1 ||
		v.Reply != nil && allowOriginLines(v.Reply.Header) > 1 {
		return false
	}
	var ps [len(summaryBrowsers)]*fetch.Profile
	for i, name := range summaryBrowsers {
		ps[i], _ = fetch.Shared(name)
	}
	return headersAlike(&ps, r.Headers, len(r.BodyType))
}

func isSummaryBrowser(name string) bool {
	for _, b := range summaryBrowsers {
		if b == name {
			return true
		}
	}
	return false
}

// headersAlike reports a header list that the three summary profiles
// split into the same CORS-unsafe names (fetch.Profile.UnsafeNames): each
// (name, value) safelisted by all or by none, no name twice, no
// Authorization, ASCII values, and a total far below 1024 bytes even with
// the Content-Type the body adds (at most extra bytes of its type, and
// the longest value fetch adds itself, 64).
func headersAlike(ps *[len(summaryBrowsers)]*fetch.Profile, h headers.List, extra int) bool {
	total := extra + 64
	for i, f := range h {
		total += len(f.Value)
		if total > maxSafelistedTotal || !headers.IsASCII(f.Value) || !headers.IsASCII(f.Name) ||
			strings.EqualFold(f.Name, "Authorization") {
			return false
		}
		for _, g := range h[:i] {
			if strings.EqualFold(f.Name, g.Name) {
				return false
			}
		}
		safe := false
		for j, p := range ps {
			if got := p.SafelistedRequestHeader(f.Name, f.Value); j == 0 {
				safe = got
			} else if got != safe {
				return false
			}
		}
	}
	return true
}

// allowOriginLines counts the Access-Control-Allow-Origin lines of h.
func allowOriginLines(h headers.List) int {
	n := 0
	for _, f := range h {
		if strings.EqualFold(f.Name, "Access-Control-Allow-Origin") {
			n++
		}
	}
	return n
}
