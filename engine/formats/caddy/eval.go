package caddy

import (
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/formats/internal/requrl"
	"github.com/whycors/whycors/engine/policy"
)

// directiveOrder is httpcaddyfile's directive order in Caddy 2.6.2
// (caddyconfig/httpcaddyfile/directives.go), the directives this
// package reads.
var directiveOrder = map[string]int{
	"header": 6, "handle": 22, "route": 24, "respond": 28,
	"reverse_proxy": 30, "php_fastcgi": 31, "file_server": 32,
}

// pathLen is the length of a route's single path, 0 when its matcher
// is not one path (sortRoutes).
func (r *route) pathLen() int {
	if r.m != nil && len(r.m.paths) == 1 {
		return len(r.m.paths[0])
	}
	return 0
}

// sortRoutes orders a site's routes as httpcaddyfile's sortRoutes:
// by directive, then a directive's routes by their single path's
// length, longest first, else those with a matcher first, stably.
func sortRoutes(rs []*route) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.dir != b.dir {
			return directiveOrder[a.dir] < directiveOrder[b.dir]
		}
		if al, bl := a.pathLen(), b.pathLen(); al > 0 && bl > 0 {
			return al > bl
		}
		return a.m != nil && b.m == nil
	})
}

// Config is a parsed Caddyfile.
type Config struct {
	// Notes are traps that do not stop Caddy from loading the file.
	Notes []string

	sites []*site
	bare  bool // directives alone: the application answers at the end
}

// request is what the matchers and placeholders see.
type request struct {
	method string
	path   string
	host   string
	port   string
	scheme string
	hdr    map[string][]string
	// captures are the placeholders regexp matchers set as they match
	// ("http.regexp.NAME.1"), for the handlers after them.
	captures map[string]string
}

func newRequest(req policy.Request) request {
	p := requrl.Split(req)
	return request{method: p.Method, path: p.Path, host: p.Host, port: p.Port, scheme: p.Scheme, hdr: p.Header, captures: map[string]string{}}
}

// matches is MatcherSet.Match for the matchers read.
func (m *matcher) matches(r request) bool {
	if m == nil {
		return true
	}
	if len(m.methods) > 0 {
		ok := false
		for _, x := range m.methods {
			ok = ok || x == r.method
		}
		if !ok {
			return false
		}
	}
	if len(m.paths) > 0 && !matchPath(m.paths, r.path) {
		return false
	}
	if m.pathRE != nil && !m.pathRE.MatchString(cleanPath(r.path, true)) {
		return false
	}
	for f, re := range m.hdrREs {
		ok := false
		for _, v := range r.hdr[f] {
			if sub := re.FindStringSubmatch(v); sub != nil {
				ok = true
				r.capture(m, f, re, sub)
				break
			}
		}
		if !ok {
			return false
		}
	}
	for _, h := range m.hdrs {
		vals := r.hdr[h.field]
		if h.field == "Host" {
			vals = []string{r.host}
		}
		if h.absent {
			if vals != nil {
				return false
			}
			continue
		}
		if !matchValues(vals, h.vals) {
			return false
		}
	}
	return true
}

// capture sets the placeholders of a header_regexp match, as
// caddyhttp's MatchRegexp.Match does: {http.regexp.NAME.N} for each group
// and {http.regexp.NAME.GROUP} for each named one, NAME the matcher's
// name for its captures. Without one, Caddy 2.6 writes
// {http.regexp.N} and later versions take the matcher set's name
// (without "@"): both are set. Found as a new user would: the origin a
// header_regexp Origin matcher captured, echoed as {re.origin.0}, was
// read as that text, and an allowed fetch was BLOCKED.
func (r request) capture(m *matcher, field string, re *regexp.Regexp, sub []string) {
	prefixes := []string{"http.regexp." + m.reNames[field]}
	if m.reNames[field] == "" {
		prefixes = []string{"http.regexp", "http.regexp." + strings.TrimPrefix(m.name, "@")}
	}
	names := re.SubexpNames()
	for _, pre := range prefixes {
		for i, g := range sub {
			r.captures[pre+"."+strconv.Itoa(i)] = g
			if names[i] != "" {
				r.captures[pre+"."+names[i]] = g
			}
		}
	}
}

// matchValues is matchHeaders for one field: exact, or * at either end.
func matchValues(actual, allowed []string) bool {
	for _, a := range actual {
		for _, w := range allowed {
			if wild(w, a) {
				return true
			}
		}
	}
	return false
}

// wild compares s with a pattern that may start or end with *, as
// Caddy's header matcher and header deletion do.
func wild(pat, s string) bool {
	switch {
	case pat == "*":
		return true
	case len(pat) > 1 && strings.HasPrefix(pat, "*") && strings.HasSuffix(pat, "*"):
		return strings.Contains(s, pat[1:len(pat)-1])
	case strings.HasPrefix(pat, "*"):
		return strings.HasSuffix(s, pat[1:])
	case strings.HasSuffix(pat, "*"):
		return strings.HasPrefix(s, pat[:len(pat)-1])
	}
	return s == pat
}

// matchPath is MatchPath.Match for patterns without % escapes: the
// lower-cased path, trailing dots and spaces trimmed, slashes merged.
func matchPath(pats []string, p string) bool {
	p = strings.TrimRight(strings.ToLower(p), ". ")
	for _, pat := range pats {
		if pat == "*" {
			return true
		}
		q := cleanPath(p, !strings.Contains(pat, "//"))
		n := strings.Count(pat, "*")
		switch {
		case n == 2 && strings.HasPrefix(pat, "*") && strings.HasSuffix(pat, "*"):
			if strings.Contains(q, pat[1:len(pat)-1]) {
				return true
			}
			continue
		case n == 1 && strings.HasPrefix(pat, "*"):
			if strings.HasSuffix(q, pat[1:]) {
				return true
			}
			continue
		case n == 1 && strings.HasSuffix(pat, "*"):
			if strings.HasPrefix(q, pat[:len(pat)-1]) {
				return true
			}
			continue
		}
		if ok, _ := path.Match(pat, q); ok {
			return true
		}
	}
	return false
}

// cleanPath is caddyhttp.CleanPath: path.Clean keeping a trailing slash.
func cleanPath(p string, merge bool) string {
	if !merge {
		return p // paths with // patterns are compared as sent
	}
	c := path.Clean(p)
	if c != "/" && strings.HasSuffix(p, "/") {
		c += "/"
	}
	return c
}

// placeholder expands the placeholders of a header value that Caddy
// knows (ReplaceKnown): request headers, method, host, path, scheme;
// any other stays as written.
func (r request) expand(s string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		key := longForm(s[i+1 : i+j])
		v, ok := r.placeholder(key)
		b.WriteString(s[:i])
		if ok {
			b.WriteString(v)
		} else {
			// Unset, it stays, in the long form the Caddyfile adapter
			// wrote ({re.o.0} is sent as {http.regexp.o.0}: e2e/caddy).
			b.WriteString("{" + key + "}")
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// longForm is a Caddyfile shorthand's placeholder as the Caddyfile
// adapter writes it (httpcaddyfile's replacer of {header.*}, {re.*} and
// friends); any other as it is.
func longForm(key string) string {
	if rest, ok := strings.CutPrefix(key, "header."); ok {
		return "http.request.header." + rest
	}
	if rest, ok := strings.CutPrefix(key, "re."); ok {
		return "http.regexp." + rest
	}
	return key
}

func (r request) placeholder(key string) (string, bool) {
	if v, ok := r.captures[key]; ok {
		return v, true
	}
	switch key {
	case "method", "http.request.method":
		return r.method, true
	case "host", "http.request.host":
		return r.host, true
	case "path", "http.request.uri.path":
		return r.path, true
	case "scheme", "http.request.scheme":
		return r.scheme, true
	}
	if name, ok := strings.CutPrefix(key, "http.request.header."); ok {
		return strings.Join(r.hdr[gohdr.Canonical(name)], ","), true
	}
	return "", false
}

// choose picks the site whose host matches the request's, a site with
// no host otherwise.
func (c *Config) choose(r request) *site {
	var any *site
	for _, s := range c.sites {
		if len(s.hosts) == 0 {
			any = s
		}
		for i, h := range s.hosts {
			if s.ports[i] != "" && r.port != "" && s.ports[i] != r.port {
				continue
			}
			switch {
			case h == "" || h == "*":
				if any == nil {
					any = s
				}
			case h == r.host, strings.HasPrefix(h, "*.") && strings.HasSuffix(r.host, h[1:]) && strings.Count(r.host, ".") == strings.Count(h, "."):
				return s
			}
		}
	}
	return any
}
