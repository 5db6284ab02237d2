package main

import (
	"strings"

	"github.com/whycors/whycors/engine/origin"
)

// The upstream is one origin and an optional path prefix
// (WHYCORS_UPSTREAM); a caller chooses the path under the prefix, never
// a path beside it. A fetch() resolves dot segments, and so may every
// server between the worker and the application, so a target such as
// "/../admin", "/%2e%2e/admin" or "/public/../../admin" would reach
// "/admin" (issue: the edge cannot be turned against its upstream). The
// worker refuses such targets before anything else, and builds the
// upstream URL with a URL parser and checks that it stays under the
// prefix (worker.mjs upstreamURL; handler.go upstreamURL).

// maxDecodes bounds how many times dotSegment percent-decodes a path: an
// upstream, or a proxy in front of it, may decode once more than the
// URL parser does ("%252e%252e" is "%2e%2e" is ".."); four levels are
// more than any chain of servers applies.
const maxDecodes = 4

// dotSegment reports whether path has a segment that some server along
// the way could read as "." or "..": at each level of percent-decoding,
// with '\' read as '/' (URL parsers do for http and https: URL Standard,
// path state) and a segment cut at ';' (path parameters, which servers
// such as Tomcat drop before resolving, so "..;" is ".."). No browser
// sends such a path: its URL parser has already removed dot segments.
func dotSegment(path string) bool {
	for i := 0; ; i++ {
		if hasDotSegment(path) {
			return true
		}
		if i == maxDecodes || strings.IndexByte(path, '%') < 0 {
			return false
		}
		path = percentDecode(path)
	}
}

// hasDotSegment checks path's segments as they are.
func hasDotSegment(path string) bool {
	start := 0
	for i := 0; i <= len(path); i++ {
		if i < len(path) && path[i] != '/' && path[i] != '\\' {
			continue
		}
		seg := path[start:i]
		if k := strings.IndexByte(seg, ';'); k >= 0 {
			seg = seg[:k]
		}
		if seg == "." || seg == ".." {
			return true
		}
		start = i + 1
	}
	return false
}

// percentDecode decodes every %XX of s; a '%' not followed by two hex
// digits stays as it is (as the URL Standard's percent-decode does).
func percentDecode(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if c, ok := origin.PercentByte(s[i+1], s[i+2]); ok {
				b.WriteByte(c)
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
