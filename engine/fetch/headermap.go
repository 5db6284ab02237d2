package fetch

import (
	"slices"

	"github.com/whycors/whycors/engine/headers"
)

// webkitCommonHeaders are the request-header names WebKit knows by name
// (Source/WebCore/platform/network/HTTPHeaderNames.in; the names a page
// can set or the engine adds to a request), spelled as that list spells
// them. WebKit's HTTPHeaderMap keeps these apart from every other name,
// spelled so, and iterates them first. A table, not a map: a map is built
// when the package starts, which costs the page's start-up (issue 23).
var webkitCommonHeaders = [...]string{
	"Accept", "Accept-Charset", "Accept-Language", "Accept-Encoding", "Authorization",
	"Cache-Control", "Connection", "Content-Disposition", "Content-Encoding", "Content-Language",
	"Content-Length", "Content-Type", "Content-Transfer-Encoding", "Content-Range", "Cookie", "Cookie2",
	"Date", "DNT", "Expect", "Host", "If-Match", "If-Modified-Since", "If-None-Match", "If-Range",
	"If-Unmodified-Since", "Keep-Alive", "Last-Event-ID", "Origin", "Ping-From", "Ping-To", "Purpose",
	"Pragma", "Range", "Referer", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "User-Agent", "Via",
	"X-Content-Type-Options", "X-DNS-Prefetch-Control", "X-Frame-Options", "X-XSS-Protection",
}

// webkitCommonHeader is how WebKit spells lower, a lowercase header
// name, when it is one of webkitCommonHeaders; "" otherwise.
func webkitCommonHeader(lower string) string {
	if i := indexName(webkitCommonHeaders[:], lower); i >= 0 {
		return webkitCommonHeaders[i]
	}
	return ""
}

// indexName is the index in table of lower, a lowercase header name, its
// entries compared in ASCII lowercase; -1 when it is none of them. A
// table of a few dozen names is scanned faster than a map hashes, as
// most entries differ in length.
func indexName(table []string, lower string) int {
	for i, name := range table {
		if lowerEqual(name, lower) {
			return i
		}
	}
	return -1
}

// spelledName is a CORS-unsafe request-header name, lowercase, and how
// WebKit spells it.
type spelledName struct {
	lower, spelled string
	_              [0]func() // not comparable: no equality code in the wasm
}

// headerMapOrder orders the CORS-unsafe names (lowercase) as WebKit's
// HTTPHeaderMap iterates the request's headers, and says how WebKit
// spells each: names WebKit knows (webkitCommonHeader) first, in the
// order the page set them, in WebKit's spelling; then the others in the
// order set, as the page first spelled them. WebKit reports the first
// name a preflight does not allow in that order and spelling
// (CrossOriginPreflightResultCacheItem::validateCrossOriginHeaders returns
// header.key; observed in WebKitGTK 2.50: the e2e/webkit recordings
// pf-header-not-listed "X-Test", rnd-143 "Range" before "DPR" and
// "X-Api-Key").
//
// A request has at most MaxHeaders lines and a handful of unsafe names:
// scans of these short lists cost less than the two maps they replaced.
func headerMapOrder(h headers.List, unsafe []string) []spelledName {
	out := make([]spelledName, 0, len(unsafe))
	// Two passes over h: WebKit's common names, then the others. The
	// first takes every unsafe name WebKit knows, so that a name the
	// second finds not yet taken is another, without looking it up.
	for _, common := range [...]bool{true, false} {
		for _, f := range h {
			var buf [32]byte
			n := lowerInto(buf[:0], f.Name)
			i := slices.Index(unsafe, string(n))
			if i < 0 || hasSpelled(out, string(n)) {
				continue
			}
			spelled := f.Name
			if common {
				if spelled = webkitCommonHeader(string(n)); spelled == "" {
					continue
				}
			}
			// The lowercase name as listed in unsafe (no copy of n).
			out = append(out, spelledName{lower: unsafe[i], spelled: spelled})
		}
	}
	return out
}

func hasSpelled(l []spelledName, lower string) bool {
	for _, s := range l {
		if s.lower == lower {
			return true
		}
	}
	return false
}
