// Package portable is a neutral CORS rule set that every format can be
// converted to and from (`whycors convert`). It says what a server allows,
// not how a platform spells it; each format's writer maps it onto its own
// directives and refuses, naming the rule and field, what it cannot express
// instead of widening it.
package portable

import (
	"strconv"
	"strings"
)

// Policy is an ordered rule set. For a given request, the first rule whose
// Paths and Origins match decides; a request no rule matches gets no CORS
// headers.
type Policy struct {
	Rules []Rule `json:"rules"`
}

// Rule is one set of permissions.
type Rule struct {
	// Origins are serialized origins (https://fetch.spec.whatwg.org/#ascii-serialisation-of-an-origin)
	// compared byte for byte with the request's Origin header: each is an
	// exact origin such as "https://app.example.com", the single value
	// "*" (any origin), or a pattern with one wildcard for subdomains,
	// "https://*.example.com", which matches "https://a.example.com" and
	// "https://a.b.example.com" but not "https://example.com".
	Origins []string `json:"origins"`
	// Methods are the allowed methods, byte-case-sensitive as in
	// Access-Control-Allow-Methods; "*" allows any (without credentials).
	// Empty allows only the CORS-safelisted methods GET, HEAD and POST,
	// which need no preflight (Fetch §2.2.1).
	Methods []string `json:"methods,omitempty"`
	// AllowHeaders are request header names, case-insensitive; "*" allows
	// any (without credentials). Empty allows only CORS-safelisted request
	// headers.
	AllowHeaders []string `json:"allow_headers,omitempty"`
	// ExposeHeaders are response header names the page may read.
	ExposeHeaders []string `json:"expose_headers,omitempty"`
	// Credentials sends Access-Control-Allow-Credentials: true, and with
	// it the request's own origin instead of "*".
	Credentials bool `json:"credentials,omitempty"`
	// MaxAge is Access-Control-Max-Age in seconds; nil sends none (each
	// browser then uses its default of 5 seconds).
	MaxAge *int `json:"max_age,omitempty"`
	// Paths are the URL paths the rule applies to, each matching itself
	// and everything below it segment by segment: "/api" matches "/api"
	// and "/api/items" but not "/apiv2" (the way Express's app.use mounts
	// middleware). Empty means every path.
	Paths []string `json:"paths,omitempty"`
	// MethodsOnly: the rule answers only the methods it lists, GET, HEAD
	// and POST included (a source that picks its rule by method as well
	// as origin: S3, GCS, Azure, cloud-policies.md §1.3, §3, §4), for a
	// target that picks by method too, which writes the list as it is
	// (WithSimple) where another adds the methods that never need
	// listing. Set only for such a target (convert.MethodSelector).
	MethodsOnly bool `json:"methods_only,omitempty"`
}

// MatchPath reports whether path is covered by the rule's Paths.
func (r Rule) MatchPath(path string) bool {
	if len(r.Paths) == 0 {
		return true
	}
	for _, p := range r.Paths {
		if UnderPath(path, p) {
			return true
		}
	}
	return false
}

// PathPerRule lists what keeps p from being written to a target that
// picks one rule per request by path alone (an nginx location, an Express
// mount): with more than one rule, every rule needs paths, and no two
// rules' paths may overlap. why ends each message with the target's reason.
// An empty policy is reported too: writing nothing is the caller's choice.
func PathPerRule(p Policy, empty, why string) []string {
	var bad []string
	if len(p.Rules) == 0 {
		bad = append(bad, "rules: empty: "+empty)
	}
	if len(p.Rules) < 2 {
		return bad
	}
	for i, r := range p.Rules {
		if len(r.Paths) == 0 {
			bad = append(bad, "rules["+strconv.Itoa(i)+"].paths: empty, but other rules exist: "+why)
		}
	}
	for i, a := range p.Rules {
		for j := i + 1; j < len(p.Rules); j++ {
			for _, pa := range a.Paths {
				for _, pb := range p.Rules[j].Paths {
					if UnderPath(pa, pb) || UnderPath(pb, pa) {
						bad = append(bad, "rules["+strconv.Itoa(j)+"].paths: "+strconv.Quote(pb)+" overlaps rules["+strconv.Itoa(i)+"].paths "+strconv.Quote(pa)+": "+why)
					}
				}
			}
		}
	}
	return bad
}

// UnderPath reports whether path is prefix or below it, segment by
// segment ("/api" covers "/api" and "/api/x", not "/apix").
func UnderPath(path, prefix string) bool {
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix == "" {
		return true
	}
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// AnyOrigin reports whether the rule allows every origin with "*".
func (r Rule) AnyOrigin() bool {
	for _, o := range r.Origins {
		if o == "*" {
			return true
		}
	}
	return false
}

// MatchOrigin reports whether origin is one of the rule's origins, with
// the one-wildcard subdomain pattern described on Origins.
func (r Rule) MatchOrigin(origin string) bool {
	for _, o := range r.Origins {
		if o == "*" || o == origin {
			return true
		}
		if pre, suf, ok := SplitWildcard(o); ok {
			// "*." must stand for at least one label: "https://x.example.com"
			// matches "https://*.example.com", "https://.example.com" does not.
			if len(origin) > len(pre)+len(suf) && strings.HasPrefix(origin, pre) && strings.HasSuffix(origin, suf) {
				return true
			}
		}
	}
	return false
}

// SplitWildcard splits a subdomain pattern "https://*.example.com" into
// the part before "*" ("https://") and after it (".example.com"). ok is
// false when o is not such a pattern.
func SplitWildcard(o string) (prefix, suffix string, ok bool) {
	i := strings.Index(o, "://*.")
	if i < 0 || strings.Count(o, "*") != 1 {
		return "", "", false
	}
	return o[:i+3], o[i+4:], true
}

// Validate reports what is not a valid portable policy, naming each rule
// and field, as writers expect.
func (p Policy) Validate() error {
	var errs []string
	for i, r := range p.Rules {
		at := "rules[" + strconv.Itoa(i) + "]"
		if len(r.Origins) == 0 {
			errs = append(errs, at+".origins: empty: a rule must allow at least one origin")
		}
		for j, o := range r.Origins {
			if o == "*" {
				continue
			}
			if _, _, ok := SplitWildcard(o); !ok && strings.Contains(o, "*") {
				errs = append(errs, at+".origins["+strconv.Itoa(j)+"]: "+strconv.Quote(o)+": only \"*\" or one \"scheme://*.\" subdomain wildcard is allowed")
			}
			if o == "" || strings.ContainsAny(o, " \t\r\n,") || strings.HasSuffix(o, "/") {
				errs = append(errs, at+".origins["+strconv.Itoa(j)+"]: "+strconv.Quote(o)+": not a serialized origin")
			}
		}
		if r.MaxAge != nil && *r.MaxAge < 0 {
			errs = append(errs, at+".max_age: negative")
		}
		for j, p := range r.Paths {
			if !strings.HasPrefix(p, "/") {
				errs = append(errs, at+".paths["+strconv.Itoa(j)+"]: "+strconv.Quote(p)+": must start with /")
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &Error{Msgs: errs}
}

// Error lists every fault found in a Policy, or every field a writer
// cannot express, each prefixed with the rule and field.
type Error struct {
	Msgs []string
}

func (e *Error) Error() string { return strings.Join(e.Msgs, "; ") }

// NoteLiteralHeaderStar notes, for a target that sends Access-Control-
// Allow-Headers as written (platform names it in the note), each rule
// whose allowed headers are "*": browsers do not apply a literal "*" to
// credentialed requests, and by the standard not to Authorization (Fetch
// §4.8 CORS-preflight fetch; Chrome still allows it, browser-cors.md
// §1.7).
func NoteLiteralHeaderStar(p Policy, n *Notes, platform string) {
	for i, r := range p.Rules {
		if Contains(r.AllowHeaders, "*") {
			n.notes = append(n.notes, LiteralHeaderStar(n.Src(i), Narrower, platform+" sends Access-Control-Allow-Headers: * as written: browsers do not apply it to credentialed requests, and by the standard not to Authorization (Fetch §4.8 CORS-preflight fetch; Chrome still allows it)", Pos{}))
		}
	}
}
