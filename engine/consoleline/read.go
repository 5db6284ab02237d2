// Package consoleline starts from the console line a user already has:
// Read recognises the line Chrome, Firefox or Safari printed when it
// blocked a cross-origin fetch and says which check failed, and
// Candidates turns it into the few scenarios (engine/explain) that print
// that very line, for the explainer to run.
//
// The texts it reads are engine/fetch's (messages.go: chromeDetail,
// firefoxMessages, webkitMessages), which the e2e recordings of Chromium,
// Firefox ESR and WebKitGTK prove; this package's round-trip test reads
// every console line of those recordings and explains each candidate.
package consoleline

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
)

// Line is one console line, read.
type Line struct {
	// Browser is "chrome", "firefox" or "safari" (explain.Scenario's
	// names).
	Browser string `json:"browser"`
	// Text is the message as the browser printed it: the pasted line
	// without source location, console prefixes or trailing space.
	Text string `json:"text"`
	// API is "xhr" when the line names XMLHttpRequest, else "fetch".
	API string `json:"api"`
	// Origin is the page's origin when the line names it (Chrome's and
	// some of Safari's), else "".
	Origin string `json:"origin,omitempty"`
	// URL is the URL the line names, "" when it names none (some of
	// Safari's lines).
	URL string `json:"url,omitempty"`
	// RedirectedFrom is the URL the fetch started at, when Chrome says
	// "(redirected from ...)".
	RedirectedFrom string `json:"redirected_from,omitempty"`
	// RedirectTo is the target of the redirect whose reply failed the
	// check, when Safari says "Cross-origin redirection to URL denied by
	// Cross-Origin Resource Sharing policy: ...".
	RedirectTo string `json:"redirect_to,omitempty"`
	// Reason is the failing check as engine/fetch names it (a fetch.Reason*
	// constant; "Preflight" prefixed for a preflight's CORS check), ""
	// when the line names no check (Safari's closing "Fetch API cannot
	// load URL due to access control checks.").
	Reason string `json:"reason"`
	// Also lists the other reasons that print the same line (Safari's
	// "Origin X is not allowed" is a missing, mismatched or invalid
	// Access-Control-Allow-Origin, of the preflight or the response).
	Also []string `json:"also,omitempty"`
	// Value is what the line names: a header name, a method, the
	// Access-Control-Allow-Origin or -Credentials value, an invalid
	// token or header value, an address space.
	Value string `json:"value,omitempty"`
	// Status is the status code the line names, 0 when none.
	Status int `json:"status,omitempty"`
	// Preflight is true when the line says the preflight failed.
	Preflight bool `json:"preflight"`
}

// Read recognises one console line, or in a pasted block the first line
// that names a check (else the first it reads). What a copy from the
// console adds is skipped: leading and trailing space, Safari's "[Error]",
// a source location before or after the message ("index.html:12",
// "(index):1", "app.js:3:7"), Firefox's "[Learn More]" and Chrome's
// "Understand this error". Safari's repeat of its reason after "Failed to
// load resource: " reads as the reason. A text it cannot read is a
// policy.Errors of one fault, at the pasted line, saying why.
func Read(text string) (*Line, error) {
	var first *Line
	var firstErr error
	for n, raw := range strings.Split(text, "\n") {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		l, err := readOne(raw)
		if err != nil {
			if firstErr == nil {
				// The fault is on the pasted line n+1.
				if e, ok := err.(policy.Errors); ok {
					e[0].Line = n + 1
				}
				firstErr = err
			}
			continue
		}
		if l.Reason != "" {
			return l, nil
		}
		if first == nil {
			first = l
		}
	}
	if first != nil {
		return first, nil
	}
	if firstErr == nil {
		return nil, fail("empty line: paste the console message the browser printed")
	}
	return nil, firstErr
}

func fail(msg string) error {
	return policy.Errors{{Line: 1, Column: 1, Msg: msg, Unreadable: true}}
}

func readOne(raw string) (*Line, error) {
	s := clean(raw)
	if s == "" {
		return nil, fail("empty line: paste the console message the browser printed")
	}
	for _, r := range readers {
		if l, ok, err := r(s); ok {
			if err != nil {
				return nil, err
			}
			l.Text = s
			if l.API == "" {
				l.API = "fetch"
			}
			if err := check(l); err != nil {
				return nil, err
			}
			return l, nil
		}
	}
	if strings.HasPrefix(s, "Failed to load resource: the server responded with a status of ") {
		return nil, fail("this line reports an error status the page may read, not a CORS block")
	}
	if name, ok := strings.CutPrefix(s, "Refused to get unsafe header "); ok {
		// Chrome's XMLHttpRequest getResponseHeader() of a header the
		// response does not expose (Fetch "CORS-exposed header-name
		// list"): the fetch passed, no CORS block to explain. Tried as a
		// new user would, the AWS SDK's ETag line (multipart uploads)
		// was "not a CORS console message".
		name = strings.Trim(name, `"`)
		return nil, fail("this line is the page reading the response header " + strconv.Quote(name) + ", which the response does not expose (the request itself passed): add " + name + " to the server's Access-Control-Expose-Headers (S3: the rule's ExposeHeaders); for the AWS SDK's uploads, whycors explain --preset s3-uploadpart --policy YOUR-CORS --origin ORIGIN --url URL writes that fix")
	}
	return nil, fail("not a CORS console message of Chrome, Firefox or Safari: " + short(s))
}

// check refuses what no browser prints in a line it read: a URL or
// origin that does not parse, a method or header name that is no token.
func check(l *Line) error {
	for _, u := range []struct{ what, v string }{{"URL", l.URL}, {"URL it was redirected from", l.RedirectedFrom}, {"redirect target", l.RedirectTo}} {
		if u.v == "" || l.Reason == fetch.ReasonRedirectSchemeNotHTTP {
			continue
		}
		if _, err := origin.ParseURL(u.v); err != nil {
			return fail("the " + u.what + " " + short(u.v) + " is not a URL")
		}
	}
	if l.Origin != "" && l.Origin != "null" {
		if _, err := origin.Parse(l.Origin); err != nil {
			return fail("the origin " + short(l.Origin) + " is not an origin")
		}
	}
	// Firefox's method line names no method.
	named := l.Reason == fetch.ReasonHeaderDisallowed || l.Reason == fetch.ReasonMethodDisallowed && l.Browser != "firefox"
	if named && !headers.IsToken(l.Value) {
		return fail(short(l.Value) + " is not a method or header name")
	}
	// A fetch follows redirects to http and https URLs only
	// (https://fetch.spec.whatwg.org/#http-redirect-fetch).
	if l.RedirectedFrom != "" && !(httpURL(l.URL) && httpURL(l.RedirectedFrom)) {
		return fail("a redirected fetch goes from one http or https URL to another")
	}
	if l.RedirectTo != "" && l.Reason != fetch.ReasonRedirectSchemeNotHTTP && !httpURL(l.RedirectTo) {
		return fail("the redirect target " + short(l.RedirectTo) + " is not an http or https URL")
	}
	return nil
}

func httpURL(s string) bool {
	u, err := origin.ParseURL(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https")
}

func short(s string) string {
	if r := []rune(s); len(r) > 60 {
		return strconv.Quote(string(r[:60]) + "…")
	}
	return strconv.Quote(s)
}

const chromeFailed = "Failed to load resource: net::ERR_FAILED"

// clean strips what a copy from the console adds around the message.
func clean(s string) string {
	s = strings.TrimSpace(strings.TrimSuffix(s, "\r"))
	for changed := true; changed; {
		changed = false
		for _, p := range []string{"[Error] ", "[Warning] ", "[Log] ", "Error: ", "❌ ", "⛔ ", "▶ ", "► "} {
			if strings.HasPrefix(s, p) {
				s, changed = strings.TrimSpace(s[len(p):]), true
			}
		}
		// A leading source location: "index.html:1", "(index):1",
		// "app.js:12:5", "https://app.example/main.js:3".
		if i := strings.IndexByte(s, ' '); i > 0 && isLocation(s[:i]) {
			s, changed = strings.TrimSpace(s[i+1:]), true
		}
	}
	for changed := true; changed; {
		changed = false
		// Firefox's link, and the button of Chrome's console insights.
		for _, p := range []string{"[Learn More]", "Learn More", "Understand this error", "Understand this warning"} {
			if strings.HasSuffix(s, p) {
				s, changed = strings.TrimSpace(s[:len(s)-len(p)]), true
			}
		}
		// A source location on the right, after a message that ends as
		// the browsers' do (a period, a parenthesis, a status code).
		if i := strings.LastIndexByte(s, ' '); i > 0 && isLocation(s[i+1:]) && strings.ContainsAny(s[i+1:], ".()") {
			if rest := strings.TrimSpace(s[:i]); rest != "" && strings.ContainsRune(".)0123456789", rune(rest[len(rest)-1])) {
				s, changed = rest, true
			}
		}
	}
	return s
}

// isLocation reports whether w is a source location: a name, then ":"
// and a line number, optionally ":" and a column.
func isLocation(w string) bool {
	n := 0
	for n < 2 {
		i := strings.LastIndexByte(w, ':')
		if i <= 0 || !digits(w[i+1:]) {
			break
		}
		w, n = w[:i], n+1
	}
	if n == 0 || w == "" {
		return false
	}
	// A name, not a message word: no quote, and not a scheme alone.
	return !strings.ContainsAny(w, "'\"‘’") && w != "http" && w != "https"
}

func digits(s string) bool {
	if s == "" || len(s) > 7 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// between returns what s holds between pre and post, when it starts with
// pre and ends with post.
func between(s, pre, post string) (string, bool) {
	if len(s) < len(pre)+len(post) || !strings.HasPrefix(s, pre) || !strings.HasSuffix(s, post) {
		return "", false
	}
	return s[len(pre) : len(s)-len(post)], true
}

// status reads a status code, 100 to 999.
func status(s string) (int, bool) {
	if len(s) != 3 || !digits(s) {
		return 0, false
	}
	n, _ := strconv.Atoi(s)
	return n, n >= 100
}

type reader func(s string) (*Line, bool, error)

var readers = [...]reader{readChrome, readFirefox, readSafari}

// sentence is one way a browser words a failed check: the text pre,
// then (when value) the value the check names, then post.
type sentence struct {
	pre, post string
	value     bool
	reason    string
	// preflight: only a preflight fails this check; cors: a CORS check
	// that Chrome says is the preflight's with its own prefix.
	preflight, cors bool
	also            []string
	// named is the value a sentence names in its fixed words ('*').
	named string
}

// match finds the sentence s is and the value it holds.
func match(s string, table []sentence) (*sentence, string) {
	for i := range table {
		t := &table[i]
		if !t.value {
			if s == t.pre {
				return t, ""
			}
			continue
		}
		if v, ok := between(s, t.pre, t.post); ok {
			return t, v
		}
	}
	return nil, ""
}

// apply fills l from the sentence t with value v.
func (t *sentence) apply(l *Line, v string) {
	l.Reason, l.Value, l.Also = t.reason, v+t.named, t.also
	if t.preflight {
		l.Preflight = true
	}
	if t.cors && l.Preflight {
		l.Reason = "Preflight" + t.reason
	}
}

// chromeNet: the failures chromeMessages.console words only as a
// network error, with no URL.
var chromeNet = map[string][]string{
	"ERR_TOO_MANY_REDIRECTS":      {fetch.ReasonTooManyRedirects},
	"ERR_UNSAFE_REDIRECT":         {fetch.ReasonRedirectSchemeNotHTTP},
	"ERR_INVALID_REDIRECT":        {fetch.ReasonInvalidRedirectLocation},
	"ERR_EMPTY_RESPONSE":          {fetch.ReasonNetworkError, fetch.ReasonInvalidResponse},
	"ERR_ALPN_NEGOTIATION_FAILED": {fetch.ReasonStreamNeedsHTTP2},
}

func readChromeNet(e string) (*Line, bool, error) {
	if e == "ERR_FAILED" {
		return nil, true, fail("Chrome prints \"" + chromeFailed + "\" after every blocked fetch; paste the line above it, which names the check")
	}
	r, ok := chromeNet[e]
	if !ok {
		return nil, true, fail("this network error names no CORS check; paste the line that says why the request was blocked")
	}
	return &Line{Browser: "chrome", Reason: r[0], Also: r[1:]}, true, nil
}

// mixedContent reads "PAGE sep URL", the middle of a mixed-content line.
func mixedContent(l *Line, v, sep string) (*Line, bool, error) {
	page, u, ok := strings.Cut(v, sep)
	if !ok {
		return nil, true, fail("the mixed-content line is cut: it should name the page, then the URL")
	}
	l.Reason, l.Value, l.URL, l.Origin = fetch.ReasonMixedContent, page, u, pageOrigin(page)
	return l, true, nil
}

// pageOrigin is the origin of a page's URL, or "" when it is none.
func pageOrigin(page string) string {
	u, err := origin.ParseURL(page)
	if err != nil {
		return ""
	}
	return u.Origin().String()
}

const chromeACAO = "The 'Access-Control-Allow-Origin' header "

// chromeSentences: chromeDetail in engine/fetch/messages.go.
var chromeSentences = []sentence{
	{pre: "No 'Access-Control-Allow-Origin' header is present on the requested resource.", reason: fetch.ReasonMissingAllowOriginHeader, cors: true},
	{pre: "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.", reason: fetch.ReasonWildcardOriginNotAllowed, cors: true, named: "*"},
	{pre: chromeACAO + "contains multiple values '", post: "', but only one is allowed.", value: true, reason: fetch.ReasonMultipleAllowOriginValues, cors: true},
	{pre: chromeACAO + "contains the invalid value '", post: "'.", value: true, reason: fetch.ReasonInvalidAllowOriginValue, cors: true},
	{pre: chromeACAO + "has a value '", post: "' that is not equal to the supplied origin.", value: true, reason: fetch.ReasonAllowOriginMismatch, cors: true},
	{pre: "The value of the 'Access-Control-Allow-Credentials' header in the response is '", post: "' which must be 'true' when the request's credentials mode is 'include'.", value: true, reason: fetch.ReasonInvalidAllowCredentials, cors: true},
	{pre: "It does not have HTTP ok status.", reason: fetch.ReasonPreflightInvalidStatus, preflight: true},
	{pre: "Redirect is not allowed for a preflight request.", reason: fetch.ReasonPreflightDisallowedRedirect, preflight: true},
	{pre: "Cannot parse Access-Control-Allow-Methods response header field in preflight response.", reason: fetch.ReasonInvalidAllowMethods, preflight: true},
	{pre: "Cannot parse Access-Control-Allow-Headers response header field in preflight response.", reason: fetch.ReasonInvalidAllowHeaders, preflight: true},
	{pre: "Method ", post: " is not allowed by Access-Control-Allow-Methods in preflight response.", value: true, reason: fetch.ReasonMethodDisallowed, preflight: true},
	{pre: "Request header field ", post: " is not allowed by Access-Control-Allow-Headers in preflight response.", value: true, reason: fetch.ReasonHeaderDisallowed, preflight: true},
	{pre: "The request client is not a secure context and the resource is in more-private address space `", post: "`.", value: true, reason: fetch.ReasonInsecureLocalNetwork},
	{pre: "Permission was denied for this request to access the `", post: "` address space.", value: true, reason: fetch.ReasonLocalNetworkAccessPermissionDenied},
	// Chromium 156 prints an empty location (chromeDetail).
	{pre: "Redirect location '", post: "' contains a username and password, which is disallowed for cross-origin requests.", value: true, reason: fetch.ReasonRedirectContainsCredentials},
}

// Chrome's line: chromeMessages.console in engine/fetch/messages.go.
func readChrome(s string) (*Line, bool, error) {
	l := &Line{Browser: "chrome"}
	if e, ok := strings.CutPrefix(s, "Failed to load resource: net::"); ok {
		return readChromeNet(e)
	}
	if u, ok := strings.CutPrefix(s, "Not allowed to load local resource: "); ok {
		l.URL, l.Reason, l.Value = u, fetch.ReasonCorsDisabledScheme, "file"
		return l, true, nil
	}
	if _, ok := between(s, "Mixed Content: The page at '", "'. This content should also be served over HTTPS."); ok {
		// Printed before Local Network Access decides an http URL of
		// the local network (e2e/chromium recordings
		// lna-https-page-http-local-name-*): the fetch may still pass.
		return nil, true, fail("Chrome's warning for an https page's fetch of an http URL on the local network (a .local name or a private address): it blocks nothing itself, the user's Local Network Access permission decides; paste the line after it, if Chrome printed one")
	}
	if v, ok := between(s, "Mixed Content: The page at '", "'. This request has been blocked; the content must be served over HTTPS."); ok {
		return mixedContent(l, v, "' was loaded over HTTPS, but requested an insecure resource '")
	}
	if u, ok := between(s, "Fetch API cannot load ", "."); ok {
		if u, ok := strings.CutSuffix(u, `. Request mode is "no-cors" but the redirect mode is not "follow"`); ok {
			l.URL, l.Reason = u, fetch.ReasonNoCorsRedirectModeNotFollow
			return l, true, nil
		}
		const mode = `. Request mode is "same-origin" but the URL's origin is not same as the request origin `
		if i := strings.Index(u, mode); i > 0 {
			l.URL, l.Origin, l.Reason = u[:i], u[i+len(mode):], fetch.ReasonDisallowedByMode
			return l, true, nil
		}
		if i := strings.Index(u, `. URL scheme "`); i > 0 && strings.HasSuffix(u, `" is not supported`) {
			l.URL, l.Reason = u[:i], fetch.ReasonCorsDisabledScheme
			l.Value = strings.TrimSuffix(u[i+len(`. URL scheme "`):], `" is not supported`)
			return l, true, nil
		}
		return nil, false, nil
	}
	var rest string
	switch {
	case strings.HasPrefix(s, "Access to fetch at '"):
		rest = s[len("Access to fetch at '"):]
	case strings.HasPrefix(s, "Access to XMLHttpRequest at '"):
		rest, l.API = s[len("Access to XMLHttpRequest at '"):], "xhr"
	default:
		return nil, false, nil
	}
	const from, blocked = " from origin '", "' has been blocked by CORS policy: "
	j := strings.Index(rest, blocked)
	i := strings.LastIndex(rest[:max(j, 0)], from)
	if j < 0 || i < 0 {
		return nil, true, fail("Chrome's line is cut: it should go on \"from origin '...' has been blocked by CORS policy: ...\"")
	}
	u, o := rest[:i], rest[i+len(from):j]
	if o == "" {
		return nil, true, fail("Chrome's line names no origin: it should read \"from origin 'ORIGIN'\"")
	}
	if a, b, ok := strings.Cut(u, "' (redirected from '"); ok {
		u, l.RedirectedFrom = a+"'", strings.TrimSuffix(b, ")")
		l.RedirectedFrom = strings.TrimSuffix(l.RedirectedFrom, "'")
	}
	u, ok := strings.CutSuffix(u, "'")
	if !ok {
		return nil, true, fail("Chrome's line is cut: the URL should end in a quote")
	}
	l.URL, l.Origin = u, o
	d := rest[j+len(blocked):]
	if p, ok := strings.CutPrefix(d, "Response to preflight request doesn't pass access control check: "); ok {
		d, l.Preflight = p, true
	}
	// The hint after "bad value" details, and the XMLHttpRequest's note on
	// withCredentials, are the same for every value (chromeHint,
	// chromeXHRCredentials). The suggestion of an opaque response is
	// what Chrome added to a fetch's line before the recorded release,
	// and what most pasted lines still carry (quoted so in ASP.NET Core's
	// Blazor documentation, "Cross-Origin Resource Sharing"): tried as a
	// new user would, the commonest line was refused for it.
	for _, h := range []string{" If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.",
		" Have the server send the header with a valid value.",
		" The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute."} {
		d = strings.TrimSuffix(d, h)
	}
	t, v := match(d, chromeSentences)
	if t == nil {
		return nil, true, fail("Chrome's reason is not one whycors knows: " + short(d))
	}
	t.apply(l, v)
	return l, true, nil
}

const ffACAO = "CORS header ‘Access-Control-Allow-Origin’"

// firefoxSentences: firefoxMessages.console in engine/fetch/messages.go.
var firefoxSentences = []sentence{
	{pre: ffACAO + " missing", reason: fetch.ReasonMissingAllowOriginHeader},
	{pre: "Multiple " + ffACAO + " not allowed", reason: fetch.ReasonMultipleAllowOriginValues},
	// A mismatch, a value that is no origin, and a list on one line.
	{pre: ffACAO + " does not match ‘", post: "’", value: true, reason: fetch.ReasonAllowOriginMismatch,
		also: []string{fetch.ReasonInvalidAllowOriginValue, fetch.ReasonMultipleAllowOriginValues}},
	{pre: "Credential is not supported if the " + ffACAO + " is ‘*’", reason: fetch.ReasonWildcardOriginNotAllowed, named: "*"},
	{pre: "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’", reason: fetch.ReasonInvalidAllowCredentials},
	{pre: "CORS preflight response did not succeed", reason: fetch.ReasonPreflightInvalidStatus, preflight: true,
		also: []string{fetch.ReasonPreflightDisallowedRedirect}},
	{pre: "CORS request external redirect not allowed", reason: fetch.ReasonPreflightDisallowedRedirect, preflight: true},
	{pre: "invalid token ‘", post: "’ in CORS header ‘Access-Control-Allow-Methods’", value: true, reason: fetch.ReasonInvalidAllowMethods, preflight: true},
	{pre: "invalid token ‘", post: "’ in CORS header ‘Access-Control-Allow-Headers’", value: true, reason: fetch.ReasonInvalidAllowHeaders, preflight: true},
	{pre: "Did not find method in CORS header ‘Access-Control-Allow-Methods’", reason: fetch.ReasonMethodDisallowed, preflight: true},
	{pre: "header ‘", post: "’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response", value: true, reason: fetch.ReasonHeaderDisallowed, preflight: true},
	{pre: "CORS request not http", reason: fetch.ReasonCorsDisabledScheme},
	// ffDidNotSucceed: a network error, or the line after a failed
	// preflight.
	{pre: "CORS request did not succeed", reason: fetch.ReasonNetworkError,
		also: []string{fetch.ReasonInvalidResponse, "Preflight" + fetch.ReasonMissingAllowOriginHeader}},
}

// Firefox's line: firefoxMessages.console in engine/fetch/messages.go.
func readFirefox(s string) (*Line, bool, error) {
	l := &Line{Browser: "firefox"}
	if v, ok := between(s, "Security Error: Content at ", "."); ok {
		if o, u, ok := strings.Cut(v, "/ may not load data from "); ok {
			l.Origin, l.URL, l.Reason = o, u, fetch.ReasonDisallowedByMode
			return l, true, nil
		}
		if o, u, ok := strings.Cut(v, "/ may not load or link to "); ok {
			l.Origin, l.URL, l.Reason, l.Value = o, u, fetch.ReasonCorsDisabledScheme, "file"
			return l, true, nil
		}
		return nil, false, nil
	}
	if u, ok := between(s, "Blocked loading mixed active content “", "”"); ok {
		// Not recorded: firefoxMessages.console's text.
		l.URL, l.Reason = u, fetch.ReasonMixedContent
		return l, true, nil
	}
	rest, ok := strings.CutPrefix(s, "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ")
	if !ok {
		return nil, false, nil
	}
	u, r, ok := strings.Cut(rest, ". (Reason: ")
	if !ok {
		return nil, true, fail("Firefox's line is cut: it should go on \". (Reason: ...).\"")
	}
	if q, ok := between(u, "‘", "’"); ok {
		u = q
	}
	l.URL = u
	switch i := strings.LastIndex(r, "). Status code: "); {
	case r == "CORS request did not succeed). Status code: (null).":
		r = "CORS request did not succeed"
	case i >= 0 && strings.HasSuffix(r, "."):
		n, ok := status(r[i+len("). Status code: ") : len(r)-1])
		if !ok {
			return nil, true, fail("Firefox's status code is not a number: " + short(r[i+2:]))
		}
		r, l.Status = r[:i], n
	case strings.HasSuffix(r, ")."):
		r = r[:len(r)-2]
	default:
		return nil, true, fail("Firefox's reason should end in \").\": " + short(r))
	}
	t, v := match(r, firefoxSentences)
	if t == nil {
		return nil, true, fail("Firefox's reason is not one whycors knows: " + short(r))
	}
	t.apply(l, v)
	return l, true, nil
}

// safariSentences: webkitReason in engine/fetch/messages.go.
var safariSentences = []sentence{
	{pre: "Access-Control-Allow-Origin cannot contain more than one origin.", reason: fetch.ReasonMultipleAllowOriginValues},
	{pre: "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.", reason: fetch.ReasonWildcardOriginNotAllowed, named: "*"},
	{pre: `Credentials flag is true, but Access-Control-Allow-Credentials is not "true".`, reason: fetch.ReasonInvalidAllowCredentials},
	// The whole header, not the bad token.
	{pre: "Header Access-Control-Allow-Methods has an invalid value: ", value: true, reason: fetch.ReasonInvalidAllowMethods, preflight: true},
	{pre: "Header Access-Control-Allow-Headers has an invalid value: ", value: true, reason: fetch.ReasonInvalidAllowHeaders, preflight: true},
	{pre: "Method ", post: " is not allowed by Access-Control-Allow-Methods.", value: true, reason: fetch.ReasonMethodDisallowed, preflight: true},
	{pre: "Request header field ", post: " is not allowed by Access-Control-Allow-Headers.", value: true, reason: fetch.ReasonHeaderDisallowed, preflight: true},
	{pre: "Load cannot follow more than ", post: " redirections", value: true, reason: fetch.ReasonTooManyRedirects},
	// webkitMessages.console: a URL that is not http or https, and mode
	// "no-cors" with redirect other than "follow" (two lines).
	{pre: "Cross origin requests are only supported for HTTP.", reason: fetch.ReasonCorsDisabledScheme},
	{pre: "No-Cors mode requires follow redirect mode", reason: fetch.ReasonNoCorsRedirectModeNotFollow},
	{pre: "Not allowed to request resource", reason: fetch.ReasonNoCorsRedirectModeNotFollow},
}

// Safari's line: webkitReason and webkitMessages.console in
// engine/fetch/messages.go.
func readSafari(s string) (*Line, bool, error) {
	s = strings.TrimPrefix(s, "Failed to load resource: ")
	if rest, ok := strings.CutPrefix(s, "Cross-origin redirection to "); ok {
		return readSafariRedirection(rest)
	}
	l := &Line{Browser: "safari"}
	for _, api := range []struct{ name, words string }{{"fetch", "Fetch API"}, {"xhr", "XMLHttpRequest"}} {
		if v, ok := between(s, api.words+" cannot load ", " due to access control checks."); ok {
			l.URL, l.API = v, api.name
			return l, true, nil
		}
		if v, ok := between(s, api.words+" cannot load ", "."); ok && !strings.Contains(v, " ") {
			l.URL, l.API, l.Reason = v, api.name, fetch.ReasonDisallowedByMode
			return l, true, nil
		}
	}
	if o, st, ok := strings.Cut(strings.TrimPrefix(s, "Origin "), strings.TrimSuffix(notAllowed, " ")); ok && strings.HasPrefix(s, "Origin ") {
		n, ok := status(strings.TrimPrefix(st, " "))
		if !ok || o == "" || strings.Contains(o, " ") {
			return nil, true, fail("Safari's line should read \"Origin ORIGIN" + notAllowed + "CODE\": " + short(s))
		}
		// A missing, mismatched or invalid Access-Control-Allow-Origin,
		// of the response or of the preflight: the line does not say.
		l.Origin, l.Status, l.Reason = o, n, fetch.ReasonMissingAllowOriginHeader
		l.Also = []string{fetch.ReasonAllowOriginMismatch, fetch.ReasonInvalidAllowOriginValue,
			"Preflight" + fetch.ReasonMissingAllowOriginHeader, "Preflight" + fetch.ReasonAllowOriginMismatch}
		return l, true, nil
	}
	if v, ok := strings.CutPrefix(s, "Preflight response is not successful. Status code: "); ok {
		n, ok := status(v)
		if !ok {
			return nil, true, fail("Safari's line should end in a status code: " + short(s))
		}
		l.Reason, l.Preflight, l.Status = fetch.ReasonPreflightInvalidStatus, true, n
		if n >= 300 && n <= 399 {
			l.Also = []string{fetch.ReasonPreflightDisallowedRedirect}
		}
		return l, true, nil
	}
	if u, ok := strings.CutPrefix(s, "Not allowed to follow a redirection while loading "); ok {
		l.URL, l.Reason = u, fetch.ReasonRedirectModeError
		return l, true, nil
	}
	if v, ok := between(s, "[blocked] The page at ", ". This content was blocked and must be served over HTTPS."); ok {
		return mixedContent(l, v, " requested insecure content from ")
	}
	t, v := match(s, safariSentences)
	if t == nil {
		return nil, false, nil
	}
	t.apply(l, v)
	return l, true, nil
}

// readSafariRedirection reads what follows "Cross-origin redirection to "
// (webkitRedirection in engine/fetch/messages.go).
func readSafariRedirection(rest string) (*Line, bool, error) {
	to, why, ok := strings.Cut(rest, " denied by Cross-Origin Resource Sharing policy: ")
	if !ok || to == "" {
		return nil, true, fail("Safari's line is cut: it should go on \"denied by Cross-Origin Resource Sharing policy: ...\"")
	}
	l := &Line{Browser: "safari"}
	if v, ok := between(why, "redirection URL ", " has credentials"); ok {
		l.Reason, l.Value = fetch.ReasonRedirectContainsCredentials, v
	} else if why == "not allowed to follow a cross-origin CORS redirection with non CORS scheme" {
		l.Reason, l.Value = fetch.ReasonRedirectSchemeNotHTTP, to
	} else {
		m, ok, err := readSafari(why)
		if !ok || err != nil || m.Reason == "" || m.Preflight || m.RedirectTo != "" {
			return nil, true, fail("Safari's redirection reason is not one whycors knows: " + short(why))
		}
		l = m
		// The redirect's own reply failed: no preflight in question.
		l.Also = slices.DeleteFunc(slices.Clone(l.Also), func(r string) bool { return strings.HasPrefix(r, "Preflight") })
	}
	l.RedirectTo = to
	return l, true, nil
}

const notAllowed = " is not allowed by Access-Control-Allow-Origin. Status code: "
