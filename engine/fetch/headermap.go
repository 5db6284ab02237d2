package fetch

import (
	"strings"

	"github.com/whycors/whycors/engine/headers"
)

// webkitCommonHeaders are the request-header names WebKit knows by name
// (Source/WebCore/platform/network/HTTPHeaderNames.in; the names a page
// can set or the engine adds to a request). WebKit's HTTPHeaderMap keeps
// these apart from every other name, spelled as in that list, and
// iterates them first.
var webkitCommonHeaders = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{
		"Accept", "Accept-Charset", "Accept-Language", "Accept-Encoding", "Authorization",
		"Cache-Control", "Connection", "Content-Disposition", "Content-Encoding", "Content-Language",
		"Content-Length", "Content-Type", "Content-Transfer-Encoding", "Content-Range", "Cookie", "Cookie2",
		"Date", "DNT", "Expect", "Host", "If-Match", "If-Modified-Since", "If-None-Match", "If-Range",
		"If-Unmodified-Since", "Keep-Alive", "Last-Event-ID", "Origin", "Ping-From", "Ping-To", "Purpose",
		"Pragma", "Range", "Referer", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "User-Agent", "Via",
		"X-Content-Type-Options", "X-DNS-Prefetch-Control", "X-Frame-Options", "X-XSS-Protection",
	} {
		m[strings.ToLower(n)] = n
	}
	return m
}()

// headerMapOrder orders the CORS-unsafe names (lowercase) as WebKit's
// HTTPHeaderMap iterates the request's headers, and says how WebKit
// spells each: names of webkitCommonHeaders first, in the order the page
// set them, in the list's spelling; then the others in the order set, as
// the page first spelled them. WebKit reports the first name a preflight
// does not allow in that order and spelling
// (CrossOriginPreflightResultCacheItem::validateCrossOriginHeaders returns
// header.key; observed in WebKitGTK 2.50: the e2e/webkit recordings
// pf-header-not-listed "X-Test", rnd-143 "Range" before "DPR" and
// "X-Api-Key").
func headerMapOrder(h headers.List, unsafe []string) ([]string, map[string]string) {
	want := map[string]bool{}
	for _, n := range unsafe {
		want[n] = true
	}
	spelled := map[string]string{}
	var common, other []string
	for _, f := range h {
		n := strings.ToLower(f.Name)
		if !want[n] {
			continue
		}
		if _, seen := spelled[n]; seen {
			continue
		}
		if c, ok := webkitCommonHeaders[n]; ok {
			spelled[n] = c
			common = append(common, n)
		} else {
			spelled[n] = f.Name
			other = append(other, n)
		}
	}
	return append(common, other...), spelled
}
