package fetch

// AuthWildcard is what a browser does when a preflight answers
// Access-Control-Allow-Headers: * and the request sends Authorization.
type AuthWildcard int

const (
	// AuthBlocked follows the Fetch standard: `*` never covers
	// Authorization, a "CORS non-wildcard request-header name"
	// (https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name).
	AuthBlocked AuthWildcard = iota
	// AuthAllowed is Chromium (feature CorsNonWildcardRequestHeadersSupport
	// disabled by default) and WebKit: the request passes, silently.
	AuthAllowed
	// AuthWarned is Firefox (pref
	// network.cors_preflight.authorization_covered_by_wildcard true): the
	// request passes and the console gets a warning.
	AuthWarned
)

// Profile is one browser's departures from the Fetch standard, as data.
// The algorithm is shared; a profile only says where an engine orders its
// checks differently, safelists more, caps the preflight cache, or words
// its console. Every field cites reference/browser-cors.md.
type Profile struct {
	// Name is the scenario's browser name.
	Name string
	// Engine names what the profile was taken from.
	Engine string
	// ClientHints safelists Chromium's extra request headers (DPR, Width,
	// Viewport-Width, Device-Memory, RTT, Downlink, ECT, Save-Data,
	// Intervention) (§1.2, §3.1).
	ClientHints bool
	// CombinedSafelist judges each header name's combined value (its lines
	// joined with ", ") against the safelist, as Chromium's header map
	// does, instead of each line on its own as the standard's header list
	// does: two "Content-Type: text/plain" lines are not safelisted
	// (observed: e2e/chromium recordings rnd-140, and rnd-042, rnd-064, rnd-112
	// where two "DPR: 2" lines make "2, 2", which is not a client-hint value).
	// WebKit's HTTPHeaderMap holds one combined value per name too
	// (e2e/webkit recordings ct-twice-safe-values and rnd-140).
	CombinedSafelist bool
	// KeepDuplicateNames lists a header name once per line in
	// Access-Control-Request-Headers instead of deduplicating the names as
	// the standard says (Firefox ESR 153: the e2e/firefox recordings
	// pf-header-duplicate-name and rnd-112 send "dpr,dpr,range").
	KeepDuplicateNames bool
	// StatusFirst checks the preflight's status before its
	// Access-Control-Allow-Origin, as WebKit does; Chromium and Firefox
	// check the origin first (observed, "Chromium and Firefox side by side").
	StatusFirst bool
	// InterleaveLists parses and matches Access-Control-Allow-Methods
	// before even parsing Access-Control-Allow-Headers (Firefox); Chromium
	// parses both lists before matching either (§2.3 evaluation order, §3).
	InterleaveLists bool
	// SplitOriginLines reports two Access-Control-Allow-Origin lines
	// apart from one comma-joined line (Firefox,
	// CORSMultipleAllowOriginNotAllowed vs CORSAllowOriginNotMatchingOrigin).
	SplitOriginLines bool
	// MaxAgeCap is the longest a preflight result is cached, in seconds;
	// 0 means no cap (the standard leaves it to the UA) (§1.8 table).
	MaxAgeCap int
	// InvalidMaxAgeNotCached: an unparsable Access-Control-Max-Age means
	// no caching at all (Firefox) instead of the default 5 s (§1.8 table;
	// the e2e recordings sess-max-age-invalid: Firefox ESR 153 preflights
	// the second PUT, Chromium 156 answers it from its cache).
	InvalidMaxAgeNotCached bool
	// Authorization is the Authorization-under-`*` behaviour (§3.1).
	Authorization AuthWildcard
	// KeepsAuthorizationOnRedirect: the engine does not remove
	// Authorization on a cross-origin redirect. Chrome did at the BCD
	// snapshot of §1.10; Chromium 156 removes it as the standard
	// (https://fetch.spec.whatwg.org/#http-redirect-fetch step 13),
	// Firefox and Safari do (the e2e/chromium and e2e/firefox recordings
	// route-authorization-cross: no Access-Control-Request-Headers:
	// authorization, no preflight, at the second origin). No profile sets
	// it now.
	KeepsAuthorizationOnRedirect bool

	// StreamNeedsHTTP2: a ReadableStream body fails on an http: URL,
	// where no ALPN can negotiate HTTP/2 (Chromium; observed in the
	// e2e/chromium recording req-stream-cors).
	StreamNeedsHTTP2 bool
	// NoRequestStreams: the engine has no streaming request bodies, so a
	// ReadableStream body is sent as the string "[object ReadableStream]"
	// (text/plain, no use-CORS-preflight flag). Firefox ESR 153: the
	// e2e/firefox recordings req-stream-cors (no preflight) and
	// req-stream-no-cors (an opaque response, not a TypeError).
	NoRequestStreams bool
	// NoSafelistTotal: the engine does not apply the 1024-byte total of
	// CORS-safelisted values (Firefox ESR 153: the e2e/firefox recording
	// total-over-1024, nine 120-byte Accept lines, sent no preflight).
	NoSafelistTotal bool
	// CORSBeforePreflightRedirect: a redirected preflight is first put
	// through the CORS check, and only then refused as a redirect
	// (Firefox ESR 153: the e2e/firefox recording pf-redirect-no-acao
	// reports the missing Access-Control-Allow-Origin, Chromium the
	// redirect).
	CORSBeforePreflightRedirect bool

	// EmptyReplyAttempts is how many times the engine sends a request
	// whose connection closes without a reply before it gives up (0
	// means once). Firefox ESR 153 sends it 10 times, its pref
	// network.http.request.max-attempts (the e2e/firefox recordings
	// net-fail-actual and net-fail-preflight, through the harness's HTTP
	// proxy); Chromium sends it once (e2e/chromium, the same cases, on a
	// fresh connection each time).
	EmptyReplyAttempts int
	// PreflightKeepsOrigin: a preflight after a redirect that tainted the
	// request's origin still sends (and is checked against) the page's
	// origin, while the request after it sends "null". Firefox ESR 153:
	// the e2e/firefox recordings route-308-put-preflight-again and
	// route-307-put-target-preflight-echo (its preflight passes with the
	// page's origin echoed, its PUT then fails). The standard and Chromium
	// send "null" in both (https://fetch.spec.whatwg.org/#cors-preflight-fetch
	// step 1 serializes the request's origin, tainted included).
	PreflightKeepsOrigin bool
	// StickyPreflight: once a fetch sent a preflight, every later
	// cross-origin hop sends one, even when its request no longer needs
	// one (Firefox ESR 153: the e2e/firefox recording
	// route-authorization-cross preflights a GET whose Authorization a
	// cross-origin redirect removed; Chromium does not). WebKit too: its
	// NetworkLoadChecker::checkCORSRequestWithPreflight clears
	// m_isSimpleRequest, and checkCORSRequest preflights while it is clear
	// (WebKit/WebKit, Source/WebKit/NetworkProcess/NetworkLoadChecker.cpp;
	// the e2e/webkit recording route-303-put-cross preflights the GET a
	// 303 made of a preflighted PUT).
	StickyPreflight bool
	// RedirectCheckedWithCredentials: a fetch with credentials mode
	// "same-origin" whose first URL has the page's origin has each later
	// cross-origin redirect checked a second time as if it carried
	// credentials, once it passed the check without them; the final
	// response is checked without only. WebKitGTK 2.50: the e2e/webkit
	// recordings route-3hop-from-same-origin (an echoed origin without
	// Access-Control-Allow-Credentials at the second hop's 302),
	// route-same-origin-to-cross-redirect-star and
	// route-same-origin-4hop-star ('*' at the second and at the third
	// hop's 302) fail there with WebKit's credentials lines, where
	// route-same-origin-to-cross-no-acac and -star (the same answers on
	// the final response) pass and route-same-origin-to-cross-redirect-no-acao
	// fails its first check as usual. The standard sends and checks no
	// credentials once a redirect left the page's origin
	// (https://fetch.spec.whatwg.org/#http-network-or-cache-fetch,
	// includeCredentials; #concept-cors-check), as Chromium and Firefox
	// do. Where WebCore does this is not established: the published
	// NetworkLoadChecker::continueCheckingRequest drops the stored
	// credentials at the first cross-origin hop.
	RedirectCheckedWithCredentials bool
	// NoOpaqueOriginCache: a fetch from a page with an opaque origin
	// neither uses nor fills the CORS-preflight cache, even on the same
	// page (Chromium 156: the e2e/chromium recording
	// sess-null-same-document preflights the second PUT again within the
	// first's Access-Control-Max-Age; Firefox ESR 153 and WebKitGTK 2.50
	// do not).
	NoOpaqueOriginCache bool
	// MaxAgePlusSign: an Access-Control-Max-Age with a leading '+'
	// ("+30") is read as its number, where the standard's delta-seconds
	// has no sign and the default 5 s apply: Chromium 156 and
	// WebKitGTK 2.50 sent no preflight 7 s later (the recordings
	// sess-max-age-plus-sign; Firefox ESR 153 does not cache such a
	// value; found as a new user would).
	MaxAgePlusSign bool
	// NoTaintedOriginCache: a preflight whose origin a redirect tainted
	// to "null" neither uses nor fills the CORS-preflight cache, where
	// the standard keys it by "null" like any other: Chromium 156 and
	// WebKitGTK 2.50 preflight the redirect's target again a second
	// later, within its Access-Control-Max-Age; Firefox ESR 153 does not
	// (the recordings sess-redirect-tainted-preflight-again; found as a
	// new user would).
	NoTaintedOriginCache bool
	// CacheKeyedByCredentials: the CORS-preflight cache keys its entries
	// by the request's credentials flag, so an entry answers only requests
	// of the same flag (Firefox ESR 153: the e2e/firefox recording
	// sess-cred-include-then-omit preflights the PUT without credentials
	// again; its nsPreflightCache key is principal, URI, withCredentials).
	// The standard and Chromium (the e2e/chromium recording of the same
	// case) let an entry made with credentials answer a request without.
	CacheKeyedByCredentials bool
	// CacheLiteralStar: a cached "*" of Access-Control-Allow-Methods or
	// -Headers is no wildcard for a later request; only the preflight
	// that got it passed through it (Firefox ESR 153: the e2e/firefox
	// recordings sess-star-no-credentials, sess-star-method and
	// sess-star-header preflight the later request again; Chromium and the
	// standard's cache match "*" for requests without credentials).
	CacheLiteralStar bool
	// CacheDropsUncovering: a cached result for the origin and URL that
	// does not cover the next request is removed before the new preflight
	// (Chromium's PreflightCache::CheckIfRequestCanSkipPreflight, "either
	// stale or not sufficient"); the e2e/chromium recording
	// sess-failed-keeps-entry preflights the third PUT again. WebKit's
	// CrossOriginPreflightResultCache::canSkipPreflight removes it too. The
	// standard keeps the entry.
	CacheDropsUncovering bool
	// CacheClearedOnFailure: a fetch that needed a preflight and fails
	// (its preflight or its response) removes the cache entries of its
	// origin and URL, as the standard says
	// (https://fetch.spec.whatwg.org/#main-fetch step 12: "If
	// corsWithPreflightResponse is a network error, then clear cache
	// entries using request") and Firefox ESR 153 does (the e2e/firefox
	// recordings sess-actual-blocked-cached and sess-failed-keeps-entry
	// preflight the next PUT again). Chromium keeps the entry after a
	// response fails the CORS check (the e2e/chromium recording
	// sess-actual-blocked-cached).
	CacheClearedOnFailure bool
	// CacheStarByRequest: a cached "*" is a wildcard for any later request
	// without credentials, also when the preflight that stored it had
	// them (WebKit's CrossOriginPreflightResultCacheItem::allowsRequest
	// passes the request's credentials policy to allowsCrossOriginMethod;
	// the e2e/webkit recording sess-star-include-then-omit sends the
	// DELETE without a preflight). Chromium and Firefox keep it literal.
	CacheStarByRequest bool
	// CacheKeepsFailedMatch: a preflight that passed the CORS check and
	// whose lists parse is cached even when its method or headers do not
	// cover the request, which then fails (WebKit's
	// validatePreflightResponse appends the entry before
	// validateMethodAndHeaders reports; the e2e/webkit recordings
	// sess-failed-then-retry and sess-failed-keeps-entry answer the next
	// request from that entry). The standard caches only a preflight
	// that passed every check.
	CacheKeepsFailedMatch bool
	// OriginKeptOnRedirect: once a fetch's request carried Origin, the
	// request of every later hop carries it too, also a no-cors POST that
	// a 302 turned into a GET, which the standard sends without Origin
	// (https://fetch.spec.whatwg.org/#append-a-request-origin-header).
	// WebKit keeps the header in the redirected request (the e2e/webkit
	// recording rnd-004: a no-cors POST redirected to its own host; WebCore
	// adds Origin only to a request that has none,
	// FrameLoader::addHTTPOriginIfNeeded).
	OriginKeptOnRedirect bool
	// PreflightOriginalHeaders: a preflight after a redirect asks for,
	// and is checked against, the names of the page's own headers, also
	// Authorization when the redirect removed it from the request. WebKit's
	// NetworkLoadChecker::checkCORSRequestWithPreflight gives the preflight
	// m_originalRequestHeaders ("to correctly compute
	// Access-Control-Request-Headers"), while checkCORSRedirectedRequest
	// drops Authorization from the request's own headers when the network
	// layer removed it (WebKit/WebKit,
	// Source/WebKit/NetworkProcess/NetworkLoadChecker.cpp). Recorded in
	// WebKitGTK 2.50: route-authorization-cross (the new preflight asks
	// for authorization, the GET goes without it),
	// route-authorization-cross-not-allowed (a preflight that allows no
	// header then fails on Authorization) and
	// route-authorization-custom-cross.
	PreflightOriginalHeaders bool
	// LocationLatin1: a redirect's Location is read as ISO-8859-1, each
	// byte a code point, so the UTF-8 bytes of "é" become "Ã©" and the URL
	// parser percent-encodes those (WebKitGTK 2.50: the e2e/webkit
	// recording route-location-utf8 follows /café to /caf%C3%83%C2%A9,
	// where Chromium and Firefox follow it to /caf%C3%A9 as the URL
	// Standard's UTF-8 percent-encoding of the value read as UTF-8 does).
	LocationLatin1 bool
	// LocationTabEncoded: a tab inside a redirect's Location is
	// percent-encoded (%09) instead of removed as the URL Standard's basic
	// URL parser removes it (https://url.spec.whatwg.org/#concept-basic-url-parser
	// step 3). Firefox ESR 153: the e2e/firefox recording
	// route-location-tab follows /b<TAB>c to /b%09c, Chromium and WebKit to
	// /bc. (A field value cannot carry CR or LF, RFC 9110 §5.5, so a
	// newline never reaches a Location.)
	LocationTabEncoded bool
	// NonASCIIUnsafe: a byte of 0x80 or above in an Accept or
	// Content-Type value makes it not CORS-safelisted, as if it were a
	// CORS-unsafe request-header byte, which the standard does not say
	// (https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte).
	// Firefox ESR 153: the e2e/firefox recordings hdr-accept-non-ascii
	// (Accept "text/café") and hdr-content-type-non-ascii-param
	// (Content-Type "text/plain;charset=é") send a preflight asking for
	// accept and content-type; Chromium and WebKit send none.
	NonASCIIUnsafe bool
	// HeaderMapOrder reports the first request header a preflight does
	// not allow in the order and spelling of WebKit's HTTPHeaderMap
	// (headerMapOrder) instead of the sorted, lowercased names (WebKitGTK
	// 2.50: the e2e/webkit recordings pf-header-not-listed, rnd-143).
	HeaderMapOrder bool
	// NoStreamUploads: a ReadableStream request body makes fetch() throw
	// before any request, in any mode (WebKit's FetchBody: "ReadableStream
	// uploading is not supported"; the e2e/webkit recordings
	// req-stream-cors and req-stream-no-cors, WebKitGTK 2.50).
	NoStreamUploads bool
	// XHRParsesEmptyBody: an XMLHttpRequest (responseType "") whose
	// allowed response has no Content-Type and an empty body is parsed as
	// an XML document, and the console gets an XML parsing error (Firefox
	// ESR 153: the e2e/firefox recordings xhr-credentials-echo,
	// xhr-no-credentials-star and xhr-get-404-allowed; Chromium prints
	// nothing). No CORS line, but a line the page's console shows.
	XHRParsesEmptyBody bool
	// LocalNetworkAccess: a request from a page in the public address
	// space to a local or loopback target needs a secure context and the
	// user's permission ("local-network", "loopback-network"), else it
	// fails before anything is sent; only public pages are gated. Chromium
	// 156: the e2e/chromium recordings lna-* (permission granted, denied
	// and unset, a page over http, local and loopback pages).
	LocalNetworkAccess bool

	msg messages
}

// DefaultMaxAge is the preflight cache lifetime when the response has no
// Access-Control-Max-Age: 5 seconds in the standard and every engine (§1.8).
const DefaultMaxAge = 5

// profiles is the table Lookup copies from. It holds values, not
// pointers, and Lookup hands out a copy, so a caller that changes its
// Profile changes nothing for anyone else. A shared mutable profile would
// be the class of bug of rs/cors issue #198 (a package-level mutable value
// shared by every caller; ../shared/style.md, Avoid). A Profile holds no
// slice or map (msg is a stateless value), so the copy is a deep copy; a
// field of reference type added later must be copied in Lookup
// (TestLookupReturnsCopy fails otherwise). The copy costs one allocation
// of about 100 bytes per Lookup.
var profiles = [...]Profile{
	{
		Name: "chrome", Engine: "Chromium 156",
		ClientHints: true, CombinedSafelist: true, MaxAgeCap: 7200, Authorization: AuthAllowed,
		StreamNeedsHTTP2: true, CacheDropsUncovering: true, NoOpaqueOriginCache: true, NoTaintedOriginCache: true,
		MaxAgePlusSign:     true,
		LocalNetworkAccess: true,
		msg:                chromeMessages{},
	},
	{
		Name: "firefox", Engine: "Firefox ESR 153",
		InterleaveLists: true, SplitOriginLines: true, MaxAgeCap: 86400,
		InvalidMaxAgeNotCached: true, Authorization: AuthWarned,
		NoRequestStreams: true, NoSafelistTotal: true, KeepDuplicateNames: true, CORSBeforePreflightRedirect: true,
		EmptyReplyAttempts: 10, PreflightKeepsOrigin: true, StickyPreflight: true, CacheKeyedByCredentials: true,
		CacheLiteralStar: true, CacheClearedOnFailure: true, XHRParsesEmptyBody: true,
		LocationTabEncoded: true, NonASCIIUnsafe: true,
		msg: firefoxMessages{},
	},
	{
		Name: "safari", Engine: "WebKit (WebKitGTK 2.50)",
		StatusFirst: true, MaxAgeCap: 600, Authorization: AuthAllowed,
		CombinedSafelist: true, HeaderMapOrder: true, NoStreamUploads: true, CacheDropsUncovering: true,
		CacheStarByRequest: true, CacheKeepsFailedMatch: true, OriginKeptOnRedirect: true,
		PreflightOriginalHeaders: true, LocationLatin1: true, StickyPreflight: true, RedirectCheckedWithCredentials: true,
		NoTaintedOriginCache: true, MaxAgePlusSign: true,
		msg: webkitMessages{},
	},
	{
		Name: "spec", Engine: "Fetch Living Standard",
		Authorization: AuthBlocked, CacheClearedOnFailure: true,
		msg: specMessages{},
	},
}

// Lookup returns a copy of the profile named name ("" means chrome), one of
// Names. The copy is the caller's own: changing its fields affects no other
// caller and no later Lookup.
func Lookup(name string) (*Profile, bool) {
	s, ok := Shared(name)
	if !ok {
		return nil, false
	}
	p := *s
	return &p, true
}

// Shared returns the profile named name ("" means chrome), one of Names,
// as the package holds it: no copy, so no allocation on each verdict
// (issue 23). The caller only reads it; a caller that changes a field
// takes its own copy with Lookup.
func Shared(name string) (*Profile, bool) {
	if name == "" {
		name = "chrome"
	}
	for i := range profiles {
		if profiles[i].Name == name {
			return &profiles[i], true
		}
	}
	return nil, false
}

// Names lists the profiles in a fixed order: chrome, firefox, safari, spec.
func Names() []string {
	out := make([]string, len(profiles))
	for i := range profiles {
		out[i] = profiles[i].Name
	}
	return out
}
