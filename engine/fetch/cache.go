package fetch

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
)

// PreflightCache is one browser session's CORS-preflight cache
// (https://fetch.spec.whatwg.org/#cors-preflight-cache): what earlier
// preflights allowed, by origin and URL, until their max-age runs out.
// The model keeps no clock: the cache's time is simulated, and Advance
// moves it. The zero value is an empty cache at time 0. A cache belongs
// to one profile's session: the profile decides how entries are keyed
// (Profile.CacheKeyedByCredentials).
type PreflightCache struct {
	now     float64
	entries []cacheEntry
	// opaqueDocs counts the pages with an opaque origin the session's
	// fetches ran on, and opaqueLast says whether the latest fetch ran on
	// one (enter).
	opaqueDocs int
	opaqueLast bool
	// room holds the first entries, in the cache's own allocation: a
	// preflight stores an entry per method and header name, a few.
	room [4]cacheEntry
}

// enter notes the page a fetch of the session runs on. Consecutive
// fetches from an opaque origin ("null") run on one page, as a session's
// fetches run in one tab that navigates only when the page origin
// changes; a fetch from "null" after one from another origin (or first)
// runs on a new page, whose opaque origin is its own
// (https://html.spec.whatwg.org/multipage/browsers.html#sandboxed-origin-browsing-context-flag).
func (c *PreflightCache) enter(opaque bool) {
	if c == nil {
		return
	}
	if opaque && !c.opaqueLast {
		c.opaqueDocs++
	}
	c.opaqueLast = opaque
}

// key is what the cache keys an origin by: its serialization, or, for a
// page with an opaque origin, that page's own origin, which serializes as
// "null" like every other. An entry made on one opaque-origin page does
// not answer a fetch from another: the standard's cache entry match
// compares the network partition key, whose top-level site is the opaque
// origin itself for a sandboxed top-level page
// (https://fetch.spec.whatwg.org/#concept-cache-match,
// https://fetch.spec.whatwg.org/#network-partition-keys); Firefox ESR 153
// and WebKitGTK 2.50 reuse an entry on the same page and not on a new one
// (the e2e recordings sess-null-same-document, sess-null-new-document).
func (c *PreflightCache) key(serialized string, pageOpaque bool) string {
	if !pageOpaque || c == nil {
		return serialized
	}
	return serialized + " (opaque origin of page " + strconv.Itoa(c.opaqueDocs) + ")"
}

// cacheEntry is one entry of the standard's cache: a method or a header
// name allowed for (origin, URL, credentials) until expires.
type cacheEntry struct {
	origin, url string
	credentials bool
	method      bool // a method entry; else a header-name entry
	name        string
	expires     float64
	_           [0]func() // not comparable: no equality code in the wasm
}

// Advance moves the cache's clock on by seconds (a later fetch's
// after_seconds); entries whose max-age ran out stop matching.
func (c *PreflightCache) Advance(seconds float64) {
	if seconds > 0 {
		c.now += seconds
	}
}

// matches reports whether entry e is for this origin and URL and may
// answer a request with credentials mode include: the standard's rule
// (its credentials is true, or the request's mode is not "include"), or,
// for an engine that keys its cache by the credentials flag, the same flag.
func (p *Profile) matches(e *cacheEntry, origin, url string, include bool) bool {
	if e.origin != origin || e.url != url {
		return false
	}
	if p.CacheKeyedByCredentials {
		return e.credentials == include
	}
	return e.credentials || !include
}

// covers reports whether the cache answers a preflight for method and the
// CORS-unsafe header names: a method cache entry match when the method
// needs one (not CORS-safelisted, or the use-CORS-preflight flag), and a
// header-name cache entry match for every name ("*" counts for requests
// without credentials, from an entry made without them, and for
// Authorization only where the engine lets "*" cover it) (https://fetch.spec.whatwg.org/#main-fetch step 12 and
// #cors-preflight-cache). It returns the earliest expiry among the
// entries it used or, when it does not cover the request although it
// holds entries that may answer it, the first method or header name they
// lack.
func (p *Profile) covers(c *PreflightCache, origin, url string, include, useFlag bool, method string, names []string) (ok bool, until float64, lacks string) {
	if c == nil {
		return false, 0, ""
	}
	live := c.entries[:0]
	for _, e := range c.entries {
		if e.expires > c.now {
			live = append(live, e)
		}
	}
	c.entries = live
	until = -1.0
	held := false
	find := func(method bool, want string) bool {
		for i := range c.entries {
			e := &c.entries[i]
			if !p.matches(e, origin, url, include) {
				continue
			}
			held = true
			if e.method != method {
				continue
			}
			ok := e.name == want
			if !method {
				ok = headers.EqualFold(e.name, want)
			}
			// A "*" stored from a preflight with credentials was a literal
			// name there (the preflight's check does not read it as a
			// wildcard), so it stays one: the e2e/chromium recording
			// sess-star-include-then-omit preflights a DELETE without
			// credentials after such an entry. Not so in WebKit
			// (Profile.CacheStarByRequest).
			if !ok && e.name == "*" && !include && (!e.credentials || p.CacheStarByRequest) && !p.CacheLiteralStar {
				ok = method || want != "authorization" || p.Authorization != AuthBlocked
			}
			if ok {
				if until < 0 || e.expires < until {
					until = e.expires
				}
				return true
			}
		}
		return false
	}
	ok = true
	if (useFlag || !SafelistedMethod(method)) && !find(true, method) {
		ok, lacks = false, method
	}
	for _, n := range names {
		if ok && !find(false, n) {
			ok, lacks = false, n
		}
	}
	if !ok {
		if p.CacheDropsUncovering {
			c.clear(origin, url)
		}
		if !held {
			lacks = ""
		}
		return false, 0, lacks
	}
	if until < 0 {
		until = c.now
	}
	return true, until, ""
}

// store records a passing preflight's Access-Control-Allow-Methods and
// -Headers for maxAge seconds (https://fetch.spec.whatwg.org/#cors-preflight-fetch
// step 7.9 on): an entry per method and per header name, an existing one
// getting the new max-age. A max-age of 0 stores nothing.
func (p *Profile) store(c *PreflightCache, origin, url string, include bool, methods, names []string, maxAge int) {
	if c == nil || maxAge <= 0 {
		return
	}
	exp := c.now + float64(maxAge)
	// Room for every entry at once rather than growing per entry.
	if c.entries == nil {
		c.entries = c.room[:0]
	}
	c.entries = slices.Grow(c.entries, len(methods)+len(names))
	put := func(method bool, name string) {
		for i := range c.entries {
			e := &c.entries[i]
			// The short fields first: a session's entries mostly share
			// their origin and URL.
			if e.method == method && e.credentials == include && (e.name == name || !method && headers.EqualFold(e.name, name)) && e.origin == origin && e.url == url {
				e.expires = exp
				return
			}
		}
		c.entries = append(c.entries, cacheEntry{origin: origin, url: url, credentials: include, method: method, name: name, expires: exp})
	}
	for _, m := range methods {
		put(true, m)
	}
	// A header name is kept as listed: names are tokens (parseList),
	// ASCII, and the cache compares them in ASCII case (headers.EqualFold
	// in covers and put), as it would their lowercase.
	for _, n := range names {
		put(false, n)
	}
}

// clear removes every entry of origin and URL, with or without
// credentials.
func (c *PreflightCache) clear(origin, url string) {
	if c == nil {
		return
	}
	kept := c.entries[:0]
	for _, e := range c.entries {
		if e.origin != origin || e.url != url {
			kept = append(kept, e)
		}
	}
	c.entries = kept
}

// seconds writes a duration of the simulated clock to the millisecond,
// "1.5 s". It formats integers only: strconv's float formatting would add
// about 30 KB to the simulator's first wasm, which links no other.
func seconds(x float64) string {
	ms := int64(x*1000 + 0.5)
	out := strconv.FormatInt(ms/1000, 10)
	if f := ms % 1000; f != 0 {
		frac := strconv.FormatInt(f+1000, 10)[1:] // three digits
		out += "." + strings.TrimRight(frac, "0")
	}
	return out + " s"
}
