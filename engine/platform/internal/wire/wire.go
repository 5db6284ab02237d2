// Package wire holds the few request-reading steps every platform shares:
// splitting a header list value, finding the path of a request URL and the
// one-star wildcard match that S3 and its clones use.
package wire

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/limits"
)

// MaxText bounds every configuration text a reader accepts. No platform's
// config comes near it (S3's is limited to 64 KB, API_PutBucketCors).
const MaxText = limits.PolicyText

// TooLarge is the message for a text over MaxText.
const TooLarge = "configuration text is larger than 1 MiB"

// HeaderNames splits an Access-Control-Request-Headers value into names:
// split at commas, trim spaces and tabs, lowercase, drop empty items
// (cloud-policies.md §1.3: "content-type,,expires" -> "content-type, expires").
func HeaderNames(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.ToLower(strings.Trim(p, " \t"))
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// SplitURL returns the host, the path (with a leading "/") and the query
// of a request target: an absolute URL or an origin-form "/path?query".
// It does not decode anything; platforms compare the raw path.
func SplitURL(u string) (host, path, query string) {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		j := strings.IndexAny(rest, "/?#")
		if j < 0 {
			j = len(rest)
		}
		host, u = rest[:j], rest[j:]
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			host = host[at+1:]
		}
	}
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u, query = u[:i], u[i+1:]
	}
	if !strings.HasPrefix(u, "/") {
		u = "/" + u
	}
	return host, u, query
}

// StarMatch reports whether s matches pattern, where pattern holds at most
// one '*' that stands for any run of characters, the empty run included,
// and is anchored at both ends (cloud-policies.md §1.3: "prefix*" matches
// "prefix", "start*end" matches "startend"; len(s) must cover prefix and
// suffix so that "ab*ba" does not match "aba"). A pattern without '*' must
// equal s.
func StarMatch(pattern, s string) bool {
	i := strings.IndexByte(pattern, '*')
	if i < 0 {
		return pattern == s
	}
	prefix, suffix := pattern[:i], pattern[i+1:]
	return len(s) >= len(prefix)+len(suffix) && strings.HasPrefix(s, prefix) && strings.HasSuffix(s, suffix)
}

// QuoteList writes a configured list as a trace says it: each entry
// quoted, in brackets (["https://a.test", "*"]).
func QuoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
