package portable

import (
	"regexp"
	"strconv"
	"strings"
)

// RefuseChars refuses in n each origin, method, header name or path of
// p that holds one of chars, which target cannot carry as written.
func RefuseChars(p Policy, n *Notes, chars, target string) {
	fields := []string{"origins", "methods", "allow_headers", "expose_headers", "paths"}
	for i, r := range p.Rules {
		for k, xs := range [][]string{r.Origins, r.Methods, r.AllowHeaders, r.ExposeHeaders, r.Paths} {
			for _, x := range xs {
				if strings.ContainsAny(x, chars) {
					n.Refuse(i, fields[k], strconv.Quote(x)+" has a character "+target+" cannot carry as written")
				}
			}
		}
	}
}

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
