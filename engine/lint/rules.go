package lint

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/portable"
)

// What the messages cite, for a reader who wants to check them: the
// Fetch standard's section, and jub0bs/cors, a public peer that refuses
// the same configuration (its Config doc). The project's notes behind
// them (shared/reference/server-peers.md §1.2, browser-cors.md §1.1-1.2)
// are for the next developer, not for a message: a user has no copy.
const (
	refJub0bs   = "the jub0bs/cors middleware refuses such a configuration as invalid"
	refSafelist = "Fetch §2.2.1"
)

// source checks every rule of a configuration read with its platform's
// semantics.
func (l *linter) source(src *convert.Source) {
	plat := l.platform(src)
	for i := range src.Rules {
		l.rule(src, &src.Rules[i], false)
	}
	if l.errorsOnly {
		return
	}
	l.shadowed(src)
	if src.Semantics.VaryOnMissOnly && len(src.Rules) > 0 {
		l.add(Info, "s3-vary", plat+" sends Vary: Origin only when a rule matches: behind a CDN such as CloudFront, an answer cached for a request without Origin (or from another origin) is replayed without CORS headers; add Origin to the cache key or a Vary header at the CDN", src.Rules[0].Pos)
	}
}

// rule checks one rule of src. fromReplies marks a rule lint made up
// from the headers a configuration sent (replies): its ReflectAny only
// means that no fixed origin was seen.
func (l *linter) rule(src *convert.Source, r *convert.Rule, fromReplies bool) {
	plat := l.platform(src)
	sem := src.Semantics
	// Origins compared as strings: every platform's but native's
	// patterns; Express's string entries too (its RegExp entries are
	// marked Regex and checked as such), since cors() compares a string
	// with ===.
	literalOrigins := sem.Origins != portable.OriginsSubdomain && sem.Origins != portable.OriginsLabel
	{
		if r.Disabled {
			return
		}
		creds := r.Credentials
		// Origins.
		star := false
		for _, o := range r.Origins {
			star = star || o.Text == "*"
		}
		if len(r.Origins) == 0 && !r.ReflectAny {
			l.add(Error, "no-origins", "this rule allows no origin at all, so it never adds CORS headers; "+refJub0bs, r.Pos)
		}
		switch {
		case r.ReflectAny && r.ReflectAssumed:
			// Code the reader does not run: what it allows is the
			// code's, and the verdict's assumption is no finding of
			// the configuration (tried as a new user would, an
			// @fastify/cors callback that allows localhost alone was
			// "origin: true echoes every Origin", an error).
			if creds {
				l.add(Info, "reflect-any-origin", "the origin check is code, which is not run here: the verdicts assume it allows the request's Origin, echoed with credentials; make sure it compares the Origin with a list of exact origins", r.Pos)
			}
		case r.ReflectAny && !fromReplies:
			if creds {
				l.add(Error, "reflect-any-origin", "every Origin is echoed and credentials are on: any website can read your users' data with their cookies; list the origins instead", r.Pos)
			} else {
				l.add(Info, "reflect-any-origin", "every Origin is echoed; without credentials that is the same as \"*\", which says so more plainly", r.Pos)
			}
		}
		if star && creds && !r.CredentialsImplied {
			l.add(Error, "wildcard-credentials", "\"*\" with credentials: browsers refuse Access-Control-Allow-Origin: * on a credentialed request, and echoing the origin instead would let every site read your users' data; list the origins ("+refJub0bs+")", r.CredentialsPos)
		}
		for j, o := range r.Origins {
			l.origin(src, r, o, r.Regex[j], creds, literalOrigins)
		}
		// A default the user did not write (portable.Value.Default) is
		// not theirs to remove; only its "*" with credentials, which
		// fails their requests, is still said.
		unwritten := func(v portable.Value) bool { return v.Default && !(v.Text == "*" && creds) }
		// Methods.
		for _, m := range r.Methods {
			switch {
			case unwritten(m):
			case m.Text == "OPTIONS":
				if sem.OptionsRejected {
					break // reported by the platform's own check
				}
				// Said of the browser, which every platform meets: tried as
				// a new user would, S3's way of answering a preflight was
				// said of Apache.
				l.add(Info, "options-method", "OPTIONS never needs listing: a preflight asks for the real request's method in Access-Control-Request-Method, and "+plat+"'s answer to it is checked against that (Fetch §4.8 CORS-preflight fetch)", m.Pos)
			case m.Text != "*" && !isToken(m.Text):
				l.add(Warning, "invalid-name", strconv.Quote(m.Text)+" is not an HTTP method (a method is a token: letters, digits and !#$%&'*+-.^_`|~), so no request ever has it ("+refJub0bs+")", m.Pos)
			case m.Text == "CONNECT" || m.Text == "TRACE" || m.Text == "TRACK":
				l.add(Warning, "forbidden-method", m.Text+" is a forbidden method: fetch() never sends it (Fetch §2.2.1 forbidden method; "+refJub0bs+")", m.Pos)
			case (m.Text == "GET" || m.Text == "HEAD" || m.Text == "POST") && !sem.MethodSelects && !sem.MethodsAsDefaults && !sem.PreflightMethods:
				l.add(Info, "safelisted-method", m.Text+" never needs listing: it is a CORS-safelisted method, allowed without a preflight ("+refSafelist+")", m.Pos)
			case m.Text == "*" && creds && !sem.EchoMethods:
				l.add(Error, "wildcard-headers-credentials", plat+" sends Access-Control-Allow-Methods: * as written, and with credentials browsers read it as a method named \"*\": list the methods", m.Pos)
			}
		}
		// Request headers.
		for _, h := range r.AllowHeaders {
			low := strings.ToLower(h.Text)
			switch {
			case unwritten(h):
			case h.Text == "*":
				if src.Semantics.EchoHeaders {
					break
				}
				if creds {
					l.add(Error, "wildcard-headers-credentials", plat+" sends Access-Control-Allow-Headers: * as written, and with credentials browsers read it as a header named \"*\", so every non-safelisted header fails: list the headers", h.Pos)
				} else {
					l.add(Warning, "authorization-wildcard", "Access-Control-Allow-Headers: * does not cover Authorization by the Fetch standard (Chrome still lets it through for now, Firefox warns): list \"Authorization\" if pages send it", h.Pos)
				}
			case !strings.Contains(h.Text, "*") && !isToken(h.Text):
				l.add(Warning, "invalid-name", strconv.Quote(h.Text)+" is not a header name (a token: letters, digits and !#$%&'*+-.^_`|~), so no request ever has it ("+refJub0bs+")", h.Pos)
			case low == "accept" || low == "accept-language" || low == "content-language":
				l.add(Info, "safelisted-header", h.Text+" never needs listing: it is a CORS-safelisted request header, never asked for in a preflight ("+refSafelist+")", h.Pos)
			case isForbiddenRequestHeader(low):
				l.add(Warning, "forbidden-header", h.Text+" is a forbidden request header: browsers never let a page set it, so listing it does nothing (Fetch §2.2.2; "+refJub0bs+")", h.Pos)
			case strings.HasPrefix(low, "access-control-allow-") || low == "access-control-expose-headers" || low == "access-control-max-age":
				l.add(Warning, "response-header-requested", h.Text+" is a response header: the server sends it, pages do not; listing it as an allowed request header usually means the page sets it by mistake ("+refJub0bs+")", h.Pos)
			}
		}
		// Exposed headers.
		for _, h := range r.ExposeHeaders {
			low := strings.ToLower(h.Text)
			switch {
			case unwritten(h):
			case h.Text == "*" && creds && !src.Semantics.ExposeExpands:
				l.add(Error, "wildcard-expose-credentials", "Access-Control-Expose-Headers: * with credentials exposes only a header named \"*\": list the headers ("+refJub0bs+")", h.Pos)
			case low == "set-cookie" || low == "set-cookie2":
				l.add(Warning, "forbidden-exposed", h.Text+" is never exposed to a page, whatever the server says (Fetch §2.2.6 forbidden response-header name; "+refJub0bs+")", h.Pos)
			case low == "origin" || low == "access-control-request-method" || low == "access-control-request-headers":
				l.add(Warning, "forbidden-exposed", h.Text+" is a request header; responses do not carry it ("+refJub0bs+")", h.Pos)
			}
		}
		// Max-age.
		if r.MaxAge != nil && !r.MaxAgeDefault {
			v := *r.MaxAge
			switch {
			case v > 86400:
				l.add(Warning, "max-age-cap", "max-age "+strconv.Itoa(v)+" is above every browser's cap (Firefox 86400, Chrome 7200, Safari 600); jub0bs/cors refuses values above 86400", r.MaxAgePos)
			case v > 7200:
				l.add(Info, "max-age-cap", "max-age "+strconv.Itoa(v)+": Chrome caps it at 7200 and Safari at 600", r.MaxAgePos)
			case v > 600:
				l.add(Info, "max-age-cap", "max-age "+strconv.Itoa(v)+": Safari caps it at 600", r.MaxAgePos)
			}
		}
	}
}

// origin checks one origin entry.
func (l *linter) origin(src *convert.Source, r *convert.Rule, o convert.Value, regex, creds, literal bool) {
	s := o.Text
	if strings.HasPrefix(s, portable.UnresolvedPrefix) {
		return // a value not given here: the format's own finding says so
	}
	if regex {
		l.regex(s, o.Pos, creds)
		return
	}
	if s == "*" {
		return
	}
	plat := l.platform(src)
	if s == "null" {
		l.add(Warning, "null-origin", "\"null\" is the origin of every sandboxed iframe, file: page and some redirects, so any site can send it; do not allow it ("+refJub0bs+")", o.Pos)
		return
	}
	b := classify(s)
	if literal && looksRegex(s, b, src.Semantics.Origins != portable.OriginsLiteral && src.Semantics.Origins != portable.OriginsExact) {
		// cloud-policies.md §1.3 (S3's match) and §6.3 (expressjs/cors).
		how := " compares origins as plain strings (with at most a * wildcard)"
		if src.Semantics.Origins == portable.OriginsProgram {
			how = " compares a string origin with === (a regular expression is written /.../, not in quotes)"
		}
		l.add(Warning, "regex-literal", plat+how+", so "+strconv.Quote(s)+" looks like a regular expression and never matches", o.Pos)
		return
	}
	if b.space {
		// RFC 6454 §7: the Origin header holds one serialized origin,
		// which has no white space or comma.
		l.add(Warning, "origin-never-matches", strconv.Quote(s)+" holds a space or a comma; an Origin header is one origin with neither, so it never matches: list each origin as an entry of its own (RFC 6454 §7)", o.Pos)
		return
	}
	scheme, rest, hasScheme := strings.Cut(s, "://")
	if b.star && src.Semantics.Origins == portable.OriginsLiteral {
		// The evaluator compares it as written (found as a new user
		// would: lint said nothing where explain failed the entry).
		l.add(Warning, "origin-never-matches", plat+" compares "+strconv.Quote(s)+" as it is written, a '*' inside it included, so it matches no Origin a browser sends: list each origin, or \"*\" alone for any", o.Pos)
		return
	}
	if b.star {
		l.wildcard(src, s, scheme, rest, hasScheme, o.Pos, creds)
	} else {
		switch {
		case s == "":
			l.add(Warning, "origin-never-matches", "an empty origin never matches: browsers send an origin as scheme://host[:port]; write the page's origin, or remove the entry", o.Pos)
			return
		case !hasScheme:
			l.add(Warning, "origin-never-matches", strconv.Quote(s)+" has no scheme; browsers send origins as scheme://host[:port], so it never matches", o.Pos)
			return
		case scheme == "file":
			l.add(Warning, "origin-never-matches", "file: pages send the origin \"null\", never "+strconv.Quote(s), o.Pos)
			return
		case strings.ContainsAny(rest, "/?#") && src.Semantics.OriginURLs:
			// Compared by scheme and host: the format's own check
			// says the path (tried as a new user would, "never
			// matches" stood beside a verdict that matched it).
		case strings.ContainsAny(rest, "/?#"):
			l.add(Warning, "origin-never-matches", strconv.Quote(s)+" has a path or trailing slash; an Origin header never does, so it never matches: write "+strconv.Quote(scheme+"://"+rest[:strings.IndexAny(rest, "/?#")]), o.Pos)
			return
		case (b.upper || b.nonASCII && strings.ToLower(s) != s) && src.Semantics.Origins != portable.OriginsLabel:
			l.add(Warning, "origin-never-matches", strconv.Quote(s)+" has uppercase letters; browsers send origins in lowercase and the comparison is exact, so it never matches", o.Pos)
			return
		case b.nonASCII:
			l.add(Warning, "origin-never-matches", strconv.Quote(s)+" has non-ASCII characters; browsers send the host in punycode (xn--...), so it never matches ("+refJub0bs+")", o.Pos)
			return
		case (scheme == "https" && strings.HasSuffix(rest, ":443")) || (scheme == "http" && strings.HasSuffix(rest, ":80")):
			l.add(Warning, "origin-never-matches", strconv.Quote(s)+" names the default port, which browsers leave out of Origin, so it never matches ("+refJub0bs+")", o.Pos)
			return
		}
	}
	if creds && (scheme == "http" || !hasScheme && strings.Contains(s, "*")) && !isLoopback(hostOf(rest)) {
		sev, why := Error, "credentials are on"
		if r.CredentialsImplied {
			sev, why = Warning, plat+" sends Access-Control-Allow-Credentials: true with every echoed origin"
		}
		l.add(sev, "insecure-origin", strconv.Quote(s)+" allows plain http:// pages and "+why+": anyone on the network path can impersonate that origin and read credentialed replies; use https ("+refJub0bs+")", o.Pos)
	}
}

// wildcard checks an origin pattern with '*' (S3's one-star match, native's
// subdomain and port patterns, API Gateway's "https://*").
func (l *linter) wildcard(src *convert.Source, s, scheme, rest string, hasScheme bool, at convert.Pos, creds bool) {
	if hasScheme && rest == "*" {
		sev, then := Info, ""
		if creds {
			sev, then = Error, ", and with credentials any such site can read your users' data"
		}
		l.add(sev, "reflect-any-origin", strconv.Quote(s)+" allows every "+scheme+" origin, the same as \"*\" for those pages"+then, at)
		return
	}
	star := strings.IndexByte(s, '*')
	after := s[star+1:]
	before := s[:star]
	switch {
	case after != "" && after[0] != '.' && after[0] != ':' && strings.Contains(after, "."):
		l.add(Error, "suffix-trap", strconv.Quote(s)+" also matches "+strconv.Quote(before+"evil"+after)+": anyone can register a domain that ends the same way; write "+strconv.Quote(before+"*."+strings.TrimPrefix(after, "."))+" for subdomains and list the apex separately ("+refJub0bs+")", at)
		return
	case after == "" && strings.HasSuffix(before, "."):
		l.add(Error, "suffix-trap", strconv.Quote(s)+" also matches "+strconv.Quote(before+"attacker.example")+": a '*' after the last dot accepts any domain that starts the same way; list the origins", at)
		return
	case after == "" && before != "" && !strings.HasSuffix(before, ":"):
		l.add(Error, "suffix-trap", strconv.Quote(s)+" matches any origin that starts with "+strconv.Quote(before)+", including "+strconv.Quote(before+".attacker.example"), at)
		return
	}
	if strings.HasPrefix(after, ".") {
		suffix := strings.TrimPrefix(after, ".")
		if i := strings.IndexByte(suffix, ':'); i >= 0 {
			suffix = suffix[:i]
		}
		if origin.IsPublicSuffix(suffix) {
			sev := Warning
			if creds {
				sev = Error
			}
			l.add(sev, "public-suffix-wildcard", strconv.Quote(s)+" covers every site under the public suffix "+strconv.Quote(suffix)+", which anyone can register ("+refJub0bs+")", at)
		}
	}
}

// sampleOrigin is a string pattern re matches, made from its text: the
// anchors dropped, escapes undone, a wildcard run (".*", ".+", a class
// with + or *) one letter, an optional group left out, an alternation
// its first branch; "" when re has a construct it does not make.
func sampleOrigin(re string) string {
	re = strings.TrimSuffix(strings.TrimPrefix(re, "^"), "$")
	var b strings.Builder
	for i := 0; i < len(re); i++ {
		c := re[i]
		switch {
		case c == '\\' && i+1 < len(re):
			i++
			b.WriteByte(re[i])
		case c == '.' && i+1 < len(re) && (re[i+1] == '*' || re[i+1] == '+'):
			b.WriteByte('x')
			i++
		case c == '[':
			j := strings.IndexByte(re[i:], ']')
			if j < 0 {
				return ""
			}
			i += j
			if i+1 < len(re) && (re[i+1] == '+' || re[i+1] == '*') {
				i++
			}
			b.WriteByte('x')
		case c == '(':
			j := strings.IndexByte(re[i:], ')')
			if j < 0 {
				return ""
			}
			group := strings.TrimPrefix(re[i+1:i+j], "?:")
			i += j
			if i+1 < len(re) && re[i+1] == '?' {
				i++
				continue // left out
			}
			first, _, _ := strings.Cut(group, "|")
			if strings.ContainsAny(first, `\[(.*+?`) {
				return ""
			}
			b.WriteString(first)
		case strings.IndexByte(".*+?{}|)", c) >= 0:
			if c == '?' && i > 0 && re[i-1] == 's' {
				continue // https?: the s kept
			}
			return ""
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// matching is prefix+sample+suffix when pattern re (read as Go's
// regexp, which the simple patterns of origins share with JavaScript's
// and Python's) matches it, else "".
func matching(re, prefix, sample, suffix string) string {
	if sample == "" {
		return ""
	}
	if !strings.Contains(sample, "://") {
		sample = strings.TrimPrefix(sample, ".")
	}
	ex := prefix + sample + suffix
	if prefix != "" && strings.Contains(sample, "://") {
		return ""
	}
	c, err := regexp.Compile(re)
	if err != nil || !c.MatchString(ex) {
		return ""
	}
	return ex
}

// regex checks an Express RegExp origin for the traps of server-peers.md
// §4 item 2: unanchored patterns and unescaped dots.
//
// An Origin is scheme://host[:port] and nothing else (RFC 6454 §6.2), so
// a pattern without ^ matches only where its start can fall in one: one
// that starts with a scheme and // can only match from the origin's
// start, and one that starts with \. and ends with a literal domain and
// $ matches that domain's subdomains and nothing else (expressjs/cors's
// README example /\.example\.com$/), over any scheme, http included.
func (l *linter) regex(re string, at convert.Pos, creds bool) {
	var why string
	// A scheme written with its slashes escaped (JavaScript's /https:\/\//)
	// or not (Go's, Python's, Traefik's and Caddy's patterns).
	bare := strings.TrimPrefix(strings.ReplaceAll(re, `\/`, "/"), "^")
	schemeFirst := strings.HasPrefix(bare, "https://") || strings.HasPrefix(bare, "http://") || strings.HasPrefix(bare, "https?://")
	switch {
	case !strings.HasPrefix(re, "^") && strings.HasPrefix(re, `\.`) && strings.HasSuffix(re, "$") && literalDomain(re[2:len(re)-1]):
		domain := strings.ReplaceAll(re[2:len(re)-1], `\.`, ".")
		sev := Info
		if creds {
			sev = Warning
		}
		l.add(sev, "suffix-trap", "the regular expression /"+re+"/ matches every subdomain of "+domain+" over any scheme, http:// included, where a network attacker can answer for the page; write /^https:\\/\\/([a-z0-9-]+\\.)*"+strings.ReplaceAll(domain, ".", "\\.")+"$/ for https alone", at)
		return
	case !strings.HasPrefix(re, "^") && !schemeFirst:
		why = "is not anchored with ^, so it also matches a domain that merely ends like it"
		if ex := matching(re, "https://evil", sampleOrigin(re), ""); ex != "" {
			why += ", such as " + ex
		}
		// An Origin starts with its scheme, so ^ before a host alone
		// never matches: tried as a new user would, /example\.com$/
		// was told to add ^.
		switch body := strings.TrimSuffix(re, "$"); {
		case strings.HasSuffix(re, "$") && literalDomain(body):
			why += "; write /^https:\\/\\/" + body + "$/ for that host, or /^https:\\/\\/([a-z0-9-]+\\.)*" + body + "$/ for its subdomains too (^ alone before a host never matches: an Origin starts with its scheme)"
		case strings.Contains(bare, "://"):
			why += "; add ^"
		default:
			why += "; add ^ and the scheme (^https:\\/\\/): an Origin starts with it, so ^ alone before a host never matches"
		}
	case !strings.HasSuffix(re, "$"):
		// The example is one the pattern matches, made from it: tried
		// as a new user would, every pattern was said to match
		// https://example.com.attacker.example, which most do not.
		why = "is not anchored with $, so it also matches an origin that goes on past it"
		if ex := matching(re, "", sampleOrigin(re), ".attacker.example"); ex != "" {
			why += ", such as " + ex
		}
		why += "; add $"
	default:
		for i := 0; i < len(re)-1; i++ {
			if re[i] == '\\' {
				i++
				continue
			}
			if re[i] == '.' {
				next := re[i+1]
				if isAlnum(next) {
					why = "has an unescaped '.', which matches any character (exampleXcom); write \\."
					break
				}
				if (next == '*' || next == '+') && i+2 < len(re) && isAlnum(re[i+2]) {
					why = "lets a wildcard run straight into a name (." + string(next) + re[i+2:i+3] + "...), so https://evil" + strings.ReplaceAll(strings.TrimSuffix(re[i+2:], "$"), "\\.", ".") + " matches too; put \\. after the wildcard"
					break
				}
			}
		}
	}
	if why != "" {
		l.add(Error, "suffix-trap", "the regular expression /"+re+"/ "+why, at)
		return
	}
	// A wildcard run ending in ".<public suffix>$" (/^https:\/\/[a-z-]+\.github\.io$/)
	// covers every site anyone registers there, as "https://*.github.io".
	if i := strings.LastIndexAny(re, "+*?}"); i >= 0 {
		tail := strings.ReplaceAll(strings.TrimSuffix(re[i+1:], "$"), "\\.", ".")
		if suffix, ok := strings.CutPrefix(tail, "."); ok && !strings.ContainsAny(suffix, "\\[](){}|^$*+?") && origin.IsPublicSuffix(suffix) {
			sev := Warning
			if creds {
				sev = Error
			}
			l.add(sev, "public-suffix-wildcard", "the regular expression /"+re+"/ matches every site under the public suffix "+strconv.Quote(suffix)+", which anyone can register ("+refJub0bs+")", at)
		}
	}
}

// literalDomain reports a regular expression that is a domain written
// literally: labels of letters, digits and hyphens joined by \.
func literalDomain(re string) bool {
	if re == "" {
		return false
	}
	for _, label := range strings.Split(re, `\.`) {
		if label == "" {
			return false
		}
		for i := 0; i < len(label); i++ {
			if !isAlnum(label[i]) && label[i] != '-' {
				return false
			}
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// originBytes is what origin asks of an entry's bytes, read in one
// pass (classify) where a scan of the entry for each question cost most
// of checking an origin.
type originBytes struct {
	regex    bool // one of looksRegex's bytes: ^ $ \ ( ) | [ ] + ?
	space    bool // a space, tab, CR, LF or comma
	star     bool // '*'
	upper    bool // an ASCII uppercase letter
	nonASCII bool // a byte from 0x80 on (headers.IsASCII is false)
}

func classify(s string) originBytes {
	var b originBytes
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.', c == ':', c == '/', c == '-':
		case c >= 'A' && c <= 'Z':
			b.upper = true
		case c >= 0x80:
			b.nonASCII = true
		case c == '*':
			b.star = true
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',':
			b.space = true
		case strings.IndexByte(`^$\()|[]+?`, c) >= 0:
			b.regex = true
		}
	}
	return b
}

// looksRegex: regex syntax in an entry; ".*" counts only where '*' is not
// the platform's own wildcard (S3 reads "https://app.*" as a prefix).
// b is s's classify.
func looksRegex(s string, b originBytes, starWildcard bool) bool {
	return b.regex || (!starWildcard && strings.Contains(s, ".*"))
}

func hostOf(rest string) string {
	if strings.HasPrefix(rest, "[") {
		if i := strings.IndexByte(rest, ']'); i >= 0 {
			return rest[:i+1]
		}
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		return rest[:i]
	}
	return rest
}

// isLoopback: localhost names and loopback addresses count as secure
// (jub0bs/cors since 0.14.0, server-peers.md §1.2; Secure Contexts).
func isLoopback(h string) bool {
	return h == "localhost" || strings.HasSuffix(h, ".localhost") || strings.HasPrefix(h, "127.") || h == "[::1]"
}

// isForbiddenRequestHeader: https://fetch.spec.whatwg.org/#forbidden-request-header
// (names only; browser-cors.md §1.2).
func isForbiddenRequestHeader(low string) bool {
	switch low {
	case "accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method",
		"connection", "content-length", "cookie", "cookie2", "date", "dnt", "expect", "host", "keep-alive",
		"origin", "referer", "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via":
		return true
	}
	return strings.HasPrefix(low, "proxy-") || strings.HasPrefix(low, "sec-")
}

// isToken: RFC 9110 §5.6.2 token, the syntax of methods and header names.
func isToken(s string) bool { return headers.IsToken(s) }
