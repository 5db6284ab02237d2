// Package cdn models a shared HTTP cache in front of the server, as CDNs
// behave: the scenario's "cdn" ({"key_headers": [...], "honours_vary":
// bool}, shared/design.md "The contract grows"). Every page of a browser
// session, whatever its origin, meets the same cache, so one origin's
// stored reply can answer another's request.
//
// It is a package of its own, not a part of engine/fetch or engine/explain:
// the browser model knows nothing of what stands between it and the
// server, explain puts the cache in front of the scenario's server, and
// the e2e harnesses serve cached replies with the same model (proven
// against Debian's nginx proxy_cache in e2e/cdn). It imports only the
// header list and the wire types, so the simulator's wasm stays small;
// it does no I/O and keeps no clock: time is simulated (Advance).
//
// # What is modelled
//
// Storing (RFC 9111 §3, https://www.rfc-editor.org/rfc/rfc9111#section-3):
// replies to GET and HEAD only (a CDN's default cached methods; CloudFront
// caches OPTIONS only when told to), with a final status, not carrying
// Cache-Control no-store, no-cache or private (RFC 9111 §5.2.2.5,
// §5.2.2.4, §5.2.2.7: a shared cache must not store a private reply;
// no-cache forbids reuse without validation, which the model does not
// do, so such a reply is never reused, as nginx and CloudFront at their
// default minimum TTL of 0 behave), not Vary: * when Vary is honoured
// (§4.1: it never matches), and not for a request with Authorization
// unless the reply says public, s-maxage or must-revalidate (§3.5).
//
// Freshness (RFC 9111 §4.2): s-maxage, else max-age (§5.2.2.10,
// §5.2.2.1); a value that is not delta-seconds makes the reply stale
// (§1.2.2, §4.2.1), so it is not reused; 0 is not reused either. A reply
// without either is kept for DefaultLifetime when its status is
// heuristically cacheable (RFC 9110 §15.1), as CloudFront keeps it for
// its cache policy's default TTL (one day), and not at all otherwise. An
// entry answers while its age is below its lifetime, on the simulated
// clock that the session's after_seconds move.
//
// The key (RFC 9111 §4, §4.1; CloudFront "Cache content based on request
// headers",
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/header-caching.html):
// the method (GET and HEAD are stored apart, as nginx does with
// proxy_cache_convert_head off), the URL, and the combined value of each
// header named in Config.KeyHeaders (an absent header keys as an empty
// one, as a proxy_cache_key of $http_origin does); when
// Config.HonoursVary, also the request's values of the headers the
// stored reply's Vary names (an absent header matches only an absent
// one). CloudFront keys on its cache policy's headers alone and ignores
// Vary except Accept-Encoding; nginx and most other CDNs honour Vary.
//
// A stored reply is served as stored.
//
// # What is not modelled
//
// Validation and conditional requests (ETag, Last-Modified, 304), the
// Expires and Age header fields (the model keeps no wall clock),
// heuristic freshness from Last-Modified, a request's own Cache-Control
// (CDNs ignore it by default), CloudFront's minimum and maximum TTLs and
// its 10-second caching of error replies, the headers a CDN adds (Age,
// X-Cache, Via: none of them is CORS-safelisted, so a page cannot read
// them without Access-Control-Expose-Headers), private="field" storing
// the reply without those fields (it is not stored), Set-Cookie (nginx
// stores no reply carrying it; the model ignores it), a HEAD forwarded
// as GET (nginx's default, proxy_cache_convert_head on), and requests in
// flight at once (a session's fetches are sequential).
package cdn

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/wire"
)

// DefaultLifetime is how long a reply without s-maxage or max-age stays
// fresh, when its status is heuristically cacheable: CloudFront's
// default TTL of its managed and new cache policies, one day
// (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Expiration.html).
const DefaultLifetime = 86400

// Config is the scenario's "cdn": which request headers key the cache and
// whether the reply's Vary adds to the key.
type Config struct {
	// KeyHeaders are the request headers in the cache key besides the
	// URL (CloudFront's cache policy HeadersConfig), by name, any case.
	KeyHeaders []string `json:"key_headers,omitempty"`
	// HonoursVary adds the headers named by a stored reply's Vary to its
	// key (RFC 9111 §4.1), as nginx and most CDNs do; CloudFront does not.
	HonoursVary bool `json:"honours_vary,omitempty"`
}

// Entry is one stored reply.
type Entry struct {
	// Request is the request whose reply was stored, as the CDN got it.
	Request wire.Request
	// Outcome is the server's answer: the reply and its trace.
	Outcome wire.Outcome
	// Tag is what the caller said when storing (explain: which fetch of
	// the session and which request of it).
	Tag string
	// Stored and Expires are times on the cache's clock, in seconds.
	Stored, Expires float64

	key  []string // the values of Config.KeyHeaders in the request
	vary []string // lowercase names the reply's Vary lists (HonoursVary)
	// varyVals are the request's values of vary; absent[i] when the
	// request had no such header.
	varyVals []string
	absent   []bool
}

// Cache is a CDN's shared cache on a simulated clock, starting at 0 and
// empty. It is not safe for concurrent use.
type Cache struct {
	cfg     Config
	now     float64
	entries []*Entry
}

// New returns an empty cache configured by cfg.
func New(cfg Config) *Cache {
	return &Cache{cfg: cfg}
}

// Config returns the cache's configuration.
func (c *Cache) Config() Config { return c.cfg }

// Now is the time on the cache's clock, in seconds from its start.
func (c *Cache) Now() float64 { return c.now }

// Advance moves the clock on by seconds (a later fetch's after_seconds).
func (c *Cache) Advance(seconds float64) {
	if seconds > 0 {
		c.now += seconds
	}
}

// Lookup returns the fresh stored entry that answers req, or nil and why
// none does, in words for a step ("nothing is stored for this key", "the
// reply stored at 0 s expired at 60 s").
func (c *Cache) Lookup(req wire.Request) (*Entry, string) {
	if !cacheable(req.Method) {
		return nil, req.Method + " requests are not cached"
	}
	key := c.keyOf(req)
	why := "nothing is stored for " + c.Describe(req)
	// The newest matching entry answers (RFC 9111 §4.1: the most recent
	// of several selected responses).
	for i := len(c.entries) - 1; i >= 0; i-- {
		e := c.entries[i]
		if e.Request.Method != req.Method || e.Request.URL != req.URL || !slices.Equal(e.key, key) {
			continue
		}
		if n := e.varyMismatch(req); n != "" {
			why = "the stored reply varies on " + n + ", whose value in this request differs"
			continue
		}
		if e.Expires <= c.now {
			why = "the reply stored at " + seconds(e.Stored) + " was fresh until " + seconds(e.Expires) + " and is stale now (" + seconds(c.now) + ")"
			continue
		}
		return e, ""
	}
	return nil, why
}

// Store offers the server's answer to req for storing, tagged with tag.
// It returns the stored entry, or nil and why the reply was not stored.
// A stored entry replaces any of the same key and variant.
func (c *Cache) Store(req wire.Request, out wire.Outcome, tag string) (*Entry, string) {
	if !cacheable(req.Method) {
		return nil, req.Method + " replies are not stored"
	}
	r := out.Reply
	if r.Status < 200 {
		return nil, "no reply to store"
	}
	cc := ParseCacheControl(r.Header)
	switch {
	case cc.Has("no-store"):
		return nil, "the reply says Cache-Control: no-store"
	case cc.Has("private"):
		return nil, "the reply says Cache-Control: private (for the browser's cache only)"
	case cc.Has("no-cache"):
		return nil, "the reply says Cache-Control: no-cache (every use needs validation, which a CDN does with the server)"
	}
	if req.Header.Has("Authorization") && !cc.Has("public") && !cc.Has("s-maxage") && !cc.Has("must-revalidate") {
		return nil, "the request carries Authorization and the reply says neither public, s-maxage nor must-revalidate (RFC 9111 §3.5)"
	}
	life, src, ok := lifetime(cc, r.Status)
	if !ok {
		return nil, src
	}
	e := &Entry{Request: req, Outcome: out, Tag: tag, Stored: c.now, Expires: c.now + float64(life), key: c.keyOf(req)}
	if c.cfg.HonoursVary {
		for _, v := range r.Header.Values("Vary") {
			for _, n := range strings.Split(v, ",") {
				n = strings.ToLower(strings.TrimSpace(n))
				if n == "*" {
					return nil, "the reply says Vary: *, which no later request matches (RFC 9111 §4.1)"
				}
				if n != "" {
					e.vary = append(e.vary, n)
				}
			}
		}
		for _, n := range e.vary {
			v, ok := req.Header.Get(n)
			e.varyVals = append(e.varyVals, v)
			e.absent = append(e.absent, !ok)
		}
	}
	kept := c.entries[:0]
	for _, old := range c.entries {
		if old.Request.Method == req.Method && old.Request.URL == req.URL && slices.Equal(old.key, e.key) && old.varyMismatch(req) == "" {
			continue
		}
		kept = append(kept, old)
	}
	c.entries = append(kept, e)
	return e, src
}

// Describe names the key of req in words: the URL and the key headers'
// values ("GET http://api.test/a with no Origin").
func (c *Cache) Describe(req wire.Request) string {
	s := req.Method + " " + req.URL
	for _, n := range c.cfg.KeyHeaders {
		if v, ok := req.Header.Get(n); ok {
			s += ", " + n + ": " + v
		} else {
			s += " with no " + n
		}
	}
	return s
}

// Fresh says when the entry was stored and until when it is fresh, on
// the cache's clock ("stored at 0 s, fresh until 60 s").
func (e *Entry) Fresh() string {
	return "stored at " + seconds(e.Stored) + ", fresh until " + seconds(e.Expires)
}

// Vary lists the request headers a stored reply varies on, lowercase,
// when the cache honours Vary.
func (e *Entry) Vary() []string { return e.vary }

func (e *Entry) varyMismatch(req wire.Request) string {
	for i, n := range e.vary {
		v, ok := req.Header.Get(n)
		if ok == e.absent[i] || ok && normalize(v) != normalize(e.varyVals[i]) {
			return n
		}
	}
	return ""
}

func (c *Cache) keyOf(req wire.Request) []string {
	out := make([]string, len(c.cfg.KeyHeaders))
	for i, n := range c.cfg.KeyHeaders {
		out[i], _ = req.Header.Get(n)
	}
	return out
}

func cacheable(method string) bool { return method == "GET" || method == "HEAD" }

// heuristic are the status codes RFC 9110 §15.1 defines as heuristically
// cacheable: stored without explicit freshness.
var heuristic = [...]int{200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501}

// lifetime is how long a reply stays fresh and where that comes from, or
// false and why it is not stored.
func lifetime(cc CacheControl, status int) (int, string, bool) {
	for _, d := range []string{"s-maxage", "max-age"} {
		if v, ok := cc.Get(d); ok {
			n, ok := deltaSeconds(v)
			switch {
			case !ok:
				return 0, "Cache-Control: " + d + "=" + v + " is not a number of seconds, so the reply is stale at once (RFC 9111 §4.2.1)", false
			case n == 0:
				return 0, "Cache-Control: " + d + "=0: the reply is stale at once", false
			}
			return n, "fresh for " + strconv.Itoa(n) + " s (Cache-Control: " + d + "=" + v + ")", true
		}
	}
	for _, h := range heuristic {
		if h == status {
			return DefaultLifetime, "fresh for " + strconv.Itoa(DefaultLifetime) + " s (no s-maxage or max-age: the CDN's default TTL)", true
		}
	}
	return 0, "status " + strconv.Itoa(status) + " is not stored without s-maxage or max-age (not heuristically cacheable, RFC 9110 §15.1)", false
}

// deltaSeconds reads delta-seconds (RFC 9111 §1.2.2): digits only; a
// value too large for an int counts as very large (2^31 s, as §1.2.2
// suggests).
func deltaSeconds(v string) (int, bool) {
	if v == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
		if n < 1<<31 {
			n = n*10 + int(v[i]-'0')
		}
	}
	return min(n, 1<<31), true
}

func normalize(v string) string {
	return strings.Join(strings.Fields(v), " ")
}

// seconds writes a time of the clock to the millisecond ("1.5 s"), with
// integers only (strconv's float formatting would grow the wasm).
func seconds(x float64) string {
	ms := int64(x*1000 + 0.5)
	out := strconv.FormatInt(ms/1000, 10)
	if f := ms % 1000; f != 0 {
		frac := strconv.FormatInt(f+1000, 10)[1:]
		out += "." + strings.TrimRight(frac, "0")
	}
	return out + " s"
}

// CacheControl is a parsed Cache-Control field: its directives in order,
// names lowercase.
type CacheControl []Directive

// Directive is one cache directive (RFC 9111 §5.2): a name and its
// argument, unquoted ("" when it has none).
type Directive struct {
	Name, Value string
	HasValue    bool
}

// Has reports whether the directive is present.
func (cc CacheControl) Has(name string) bool {
	_, ok := cc.Get(name)
	return ok
}

// Get returns the first directive's argument (RFC 9111 §4.2.1: a cache
// uses the first of duplicated directives).
func (cc CacheControl) Get(name string) (string, bool) {
	for _, d := range cc {
		if d.Name == name {
			return d.Value, true
		}
	}
	return "", false
}

// ParseCacheControl reads every Cache-Control line of h (RFC 9111 §5.2:
// #( token [ "=" ( token / quoted-string ) ] )), leniently: a member that
// is not a token is skipped, a quoted-string is unquoted (its
// quoted-pairs too), and names are lowercased (they are case-insensitive).
func ParseCacheControl(h headers.List) CacheControl {
	var out CacheControl
	for _, line := range h.Values("Cache-Control") {
		i := 0
		for i < len(line) {
			// One member: up to a comma outside a quoted-string.
			for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == ',') {
				i++
			}
			start := i
			for i < len(line) && line[i] != '=' && line[i] != ',' {
				i++
			}
			name := strings.ToLower(strings.TrimRight(line[start:i], " \t"))
			d := Directive{Name: name}
			if i < len(line) && line[i] == '=' {
				i++
				d.HasValue = true
				for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
					i++
				}
				if i < len(line) && line[i] == '"' {
					var b strings.Builder
					for i++; i < len(line) && line[i] != '"'; i++ {
						if line[i] == '\\' && i+1 < len(line) {
							i++
						}
						b.WriteByte(line[i])
					}
					i++ // the closing quote
					d.Value = b.String()
					for i < len(line) && line[i] != ',' {
						i++
					}
				} else {
					vs := i
					for i < len(line) && line[i] != ',' {
						i++
					}
					d.Value = strings.TrimRight(line[vs:i], " \t")
				}
			}
			if headers.IsToken(name) {
				out = append(out, d)
			}
		}
	}
	return out
}
