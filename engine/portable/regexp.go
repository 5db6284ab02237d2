package portable

import (
	"regexp"
	"strings"
)

// OriginsRegexp is a regular expression, in the syntax Go's regexp and
// PCRE share, that matches the origins a rule's Origins allow
// (Rule.MatchOrigin) and no other: each exactly, a subdomain pattern
// with at least one character for its "*". It has no space or quote
// when the origins have none, for writers of proxies' configurations.
func OriginsRegexp(origins []string) string {
	alts := make([]string, 0, len(origins))
	for _, o := range origins {
		if pre, suf, ok := SplitWildcard(o); ok {
			alts = append(alts, regexp.QuoteMeta(pre)+".+"+regexp.QuoteMeta(suf))
			continue
		}
		alts = append(alts, regexp.QuoteMeta(o))
	}
	return "^(?:" + strings.Join(alts, "|") + ")$"
}

// PathsRegexp is a regular expression, as OriginsRegexp, that matches
// the paths a rule's Paths cover (Rule.MatchPath): each path and what is
// below it, segment by segment, case-sensitively; "^/" (every path) for
// none or "/".
func PathsRegexp(paths []string) string {
	var alts []string
	for _, p := range paths {
		p = strings.TrimSuffix(p, "/")
		if p == "" {
			return "^/"
		}
		alts = append(alts, regexp.QuoteMeta(p)+"(?:/.*)?")
	}
	if len(alts) == 0 {
		return "^/"
	}
	return "^(?:" + strings.Join(alts, "|") + ")$"
}
