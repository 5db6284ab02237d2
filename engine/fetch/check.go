package fetch

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/strsort"
	"github.com/whycors/whycors/engine/internal/words"
	"github.com/whycors/whycors/engine/origin"
)

// Check statuses: the values of Check.Status, which explain's verdict
// steps carry as they are.
const (
	Pass = "pass" // a check that passed
	Fail = "fail" // a check that did not pass; Run's trace ends at the first
	Info = "info" // what the browser did, not a check (a redirect followed, a header added)
	Warn = "warn" // the fetch goes on, with something to fix (a header dropped, Authorization passed only by "*")
	Skip = "skip" // not tried (a server rule the server never reached)
)

// Check is one step of the trace, pass or fail. explain's verdict lists
// them as its steps (explain.Step is this type), with the JSON names of
// the scenario contract.
type Check struct {
	ID     string `json:"id"`     // stable name, e.g. "preflight.allow-origin"
	Title  string `json:"title"`  // a short heading, e.g. "Access-Control-Allow-Origin"
	Status string `json:"status"` // Pass, Fail, Info, Warn, Skip
	Detail string `json:"detail"` // what was compared and why it passed or failed, in sentences
	// Header is the header line the check read, as received
	// ("Access-Control-Allow-Origin: *"), or empty.
	Header string `json:"header,omitempty"`
	// Spec links the section of the Fetch standard or platform document
	// the step rests on.
	Spec string `json:"spec,omitempty"`
}

// Reasons outside DevTools' Network.CorsError enum, named by us because
// Chromium reports these failures without a CorsError; see the package doc.
// The first nine make fetch() throw a TypeError before any request
// (Failure.TypeError); the rest are network errors.
const (
	ReasonInvalidMethod           = "InvalidMethod"           // the method is not an HTTP token (https://fetch.spec.whatwg.org/#dom-request)
	ReasonForbiddenMethod         = "ForbiddenMethod"         // CONNECT, TRACE or TRACK (https://fetch.spec.whatwg.org/#forbidden-method)
	ReasonNoCorsMethod            = "NoCorsMethod"            // mode "no-cors" with a method other than GET, HEAD or POST
	ReasonURLCredentials          = "URLCredentials"          // the URL has a username or password
	ReasonModeNavigate            = "ModeNavigate"            // mode "navigate", which script cannot set
	ReasonBodyWithGetHead         = "BodyWithGetHead"         // a body with GET or HEAD
	ReasonStreamNoCors            = "StreamNoCors"            // a ReadableStream body in mode "no-cors"
	ReasonStreamUnsupported       = "StreamUnsupported"       // a ReadableStream body where the engine has no streaming uploads (Profile.NoStreamUploads)
	ReasonInvalidHeader           = "InvalidHeaderName"       // a header name that is not an HTTP token
	ReasonInvalidHeaderValue      = "InvalidHeaderValue"      // a header value with NUL, CR or LF
	ReasonRedirectModeError       = "RedirectModeError"       // redirect "error" and the server redirected (https://fetch.spec.whatwg.org/#http-redirect-fetch)
	ReasonInvalidRedirectLocation = "InvalidRedirectLocation" // a Location that does not parse as a URL
	ReasonRedirectSchemeNotHTTP   = "RedirectSchemeNotHTTP"   // a redirect to a URL that is not http or https
	ReasonTooManyRedirects        = "TooManyRedirects"        // more than MaxRedirects redirects
	ReasonNetworkError            = "NetworkError"            // no response to the actual request (a reply with status 0)
	ReasonStreamNeedsHTTP2        = "StreamUploadNeedsHTTP2"  // Chromium streams a request body only over HTTP/2 or QUIC (e2e/chromium recording req-stream-cors)
)

// DevTools Network.CorsError names used here (reference browser-cors.md
// §2.1), so every profile reports a block in the words Chromium's DevTools
// use. A failure of the CORS check on a preflight response carries the
// same name with "Preflight" in front (PreflightMissingAllowOriginHeader),
// as DevTools names it.
const (
	ReasonDisallowedByMode            = "DisallowedByMode"                     // mode "same-origin" to another origin (https://fetch.spec.whatwg.org/#main-fetch)
	ReasonCorsDisabledScheme          = "CorsDisabledScheme"                   // a cross-origin cors-mode fetch of a URL that is not http or https
	ReasonNoCorsRedirectModeNotFollow = "NoCorsRedirectModeNotFollow"          // mode "no-cors" with redirect other than "follow"
	ReasonWildcardOriginNotAllowed    = "WildcardOriginNotAllowed"             // Access-Control-Allow-Origin "*" with credentials "include" (https://fetch.spec.whatwg.org/#concept-cors-check)
	ReasonMissingAllowOriginHeader    = "MissingAllowOriginHeader"             // no Access-Control-Allow-Origin
	ReasonMultipleAllowOriginValues   = "MultipleAllowOriginValues"            // Access-Control-Allow-Origin with several values or lines
	ReasonInvalidAllowOriginValue     = "InvalidAllowOriginValue"              // Access-Control-Allow-Origin that is not an origin
	ReasonAllowOriginMismatch         = "AllowOriginMismatch"                  // Access-Control-Allow-Origin is another origin
	ReasonInvalidAllowCredentials     = "InvalidAllowCredentials"              // credentials "include" and Access-Control-Allow-Credentials is not "true"
	ReasonPreflightInvalidStatus      = "PreflightInvalidStatus"               // the preflight's status is not 200-299 (https://fetch.spec.whatwg.org/#ok-status)
	ReasonPreflightDisallowedRedirect = "PreflightDisallowedRedirect"          // the preflight was answered with a redirect
	ReasonInvalidAllowMethods         = "InvalidAllowMethodsPreflightResponse" // Access-Control-Allow-Methods does not parse (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0)
	ReasonInvalidAllowHeaders         = "InvalidAllowHeadersPreflightResponse" // Access-Control-Allow-Headers does not parse
	ReasonMethodDisallowed            = "MethodDisallowedByPreflightResponse"  // the method is not in Access-Control-Allow-Methods
	ReasonHeaderDisallowed            = "HeaderDisallowedByPreflightResponse"  // a CORS-unsafe header name is not in Access-Control-Allow-Headers
	ReasonRedirectContainsCredentials = "RedirectContainsCredentials"          // a CORS redirect to a URL with a username or password
	ReasonInvalidResponse             = "InvalidResponse"                      // the preflight got no response at all (status 0)
	// Local Network Access (https://wicg.github.io/local-network-access/):
	// a page in the public address space asks for a local or loopback
	// target from a page that is not a secure context, or without the
	// user's permission.
	ReasonInsecureLocalNetwork               = "InsecureLocalNetwork"
	ReasonLocalNetworkAccessPermissionDenied = "LocalNetworkAccessPermissionDenied"
	// ReasonMixedContent: an https page asks for an http URL that is not
	// potentially trustworthy; every engine blocks fetch() as blockable
	// mixed content before sending it
	// (https://w3c.github.io/webappsec-mixed-content/#should-block-fetch).
	// CDP names it as a blockedReason, "mixed-content", not a CorsError.
	ReasonMixedContent = "MixedContent"
	preflightPrefix    = "Preflight"
)

// Failure is why a fetch failed, with what each browser's message needs.
type Failure struct {
	// Reason names the failure: one of the Reason constants, with
	// "Preflight" in front for a preflight's failed CORS check.
	Reason string
	// Preflight is set when the preflight response failed.
	Preflight bool
	// Value is the offending value: the Access-Control-Allow-Origin or
	// -Allow-Credentials value, the method, the header name, the bad token.
	Value string
	// Lines is how many Access-Control-Allow-Origin lines the response had.
	Lines int
	// Status is the status of the failing response.
	Status int
	// URL is the URL whose response failed; Initial the fetch's first URL
	// when a redirect happened before ("" otherwise).
	URL, Initial string
	// Origin is the page's serialized origin.
	Origin string
	// Redirect is set when the failing response was a redirect (3xx with
	// Location); Firefox words those failures with an extra line.
	Redirect bool
	// Location is the failing response's Location as received, when it
	// has one; WebKit names the redirect's target.
	Location string
	// RequestOrigin is the origin the CORS check compared with: the
	// request's serialized origin, "null" after a tainting redirect
	// (WebKit names it, where Chromium names the page's origin).
	RequestOrigin string
	// Header is the whole value of the header whose list did not parse
	// (Access-Control-Allow-Methods or -Headers, its lines combined), which
	// WebKit quotes where the others quote the bad token (Value).
	Header string
	// XHR is set when the page used XMLHttpRequest (Request.XHR).
	XHR bool
	// RecheckedWithCredentials is set when the failure is a redirect's
	// second check, with credentials, that passed its first
	// (Profile.RedirectCheckedWithCredentials); WebKit prints its lines
	// in another order then.
	RecheckedWithCredentials bool
}

// TypeError reports whether fetch() throws before any request.
func (f *Failure) TypeError() bool {
	switch f.Reason {
	case ReasonInvalidMethod, ReasonForbiddenMethod, ReasonNoCorsMethod, ReasonURLCredentials,
		ReasonModeNavigate, ReasonBodyWithGetHead, ReasonStreamNoCors, ReasonStreamUnsupported, ReasonInvalidHeader, ReasonInvalidHeaderValue:
		return true
	}
	return false
}

const (
	specCORSCheck  = "https://fetch.spec.whatwg.org/#concept-cors-check"
	specPreflight  = "https://fetch.spec.whatwg.org/#cors-preflight-fetch-0"
	specOKStatus   = "https://fetch.spec.whatwg.org/#ok-status"
	specCache      = "https://fetch.spec.whatwg.org/#cors-preflight-cache"
	specExposed    = "https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name"
	specNonWild    = "https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name"
	specExtractVal = "https://fetch.spec.whatwg.org/#extract-header-list-values"
)

// headerLine renders "Name: value" of every line named name, one per line,
// as received; "" when absent.
func headerLine(h headers.List, name string, w *words.Arena) string {
	_, _, line := lookup(h, name, w, true)
	return line
}

// nameIs is strings.EqualFold(name, ascii) for an ASCII ascii (a header
// name the model looks for), without its rune-by-rune work on the many
// lines that are not it: the browser model looks each name up in every
// line of a reply, a few dozen times per fetch. A name of another length
// can only fold to ascii through a character outside ASCII (U+212A
// KELVIN SIGN folds to "k"), which strings.EqualFold then judges.
func nameIs(name, ascii string) bool {
	switch {
	case notName(name, ascii):
		return false
	case name == ascii:
		return true // as written, most lines that match
	case len(name) == len(ascii):
		// Then a character outside ASCII would leave name fewer
		// characters than ascii: only an ASCII fold can match, and it is
		// compared from the end, where the Access-Control-Allow-* names
		// differ.
		for i := len(ascii) - 1; i >= 0; i-- {
			if !sameASCII(name[i], ascii[i]) {
				return false
			}
		}
		return true
	}
	// A longer name folds to ascii only through a character outside
	// ASCII, which headers.EqualFold judges: an ASCII one never does.
	// First the byte before the last, which notName did not look at: an
	// ASCII one is a whole character, which must fold to ascii's (as
	// "Access-Control-Allow-Credentials" does not to "-Methods").
	if n, k := len(name)-2, len(ascii)-2; k >= 0 && name[n] < utf8.RuneSelf && !sameASCII(name[n], ascii[k]) {
		return false
	}
	return !headers.IsASCII(name) && headers.EqualFold(name, ascii)
}

// notName is nameIs's quick rejection, which lookup tests before calling
// it: a name shorter than ascii (a character folding to an ASCII one is
// at least as long), or whose last byte is ASCII and another letter (an
// ASCII byte is a whole character), as most lines of a reply are.
func notName(name, ascii string) bool {
	return len(name) < len(ascii) || len(ascii) > 0 && name[len(name)-1] < utf8.RuneSelf && !sameASCII(name[len(name)-1], ascii[len(ascii)-1])
}

// sameASCII reports whether byte c of a name is a, ASCII, or a in the
// other case.
func sameASCII(c, a byte) bool {
	return c == a || c|0x20 == a|0x20 && 'a' <= c|0x20 && c|0x20 <= 'z'
}

// combined is the header list "get" of name after HTTP parsing trimmed each
// line's OWS (https://fetch.spec.whatwg.org/#concept-header-list-get).
func combined(h headers.List, name string, w *words.Arena) (string, int) {
	v, n, _ := lookup(h, name, w, false)
	return v, n
}

// lookup is combined(h, name) and, when withLine, headerLine(h, name), in
// one pass over h: a check reads a header's value and shows its lines.
// What it builds is written in w.
func lookup(h headers.List, name string, w *words.Arena, withLine bool) (value string, n int, line string) {
	// One line, the usual case, is its own value; the lines are written
	// in w, and so are the values of several (rare).
	first := -1
	for i := range h {
		// Most lines are rejected by notName, inlined here: no call;
		// most of the rest are name as written, also without one.
		if l := h[i].Name; notName(l, name) || l != name && !nameIs(l, name) {
			continue
		}
		if n == 0 {
			first = i
		}
		n++
	}
	switch n {
	case 0:
		return "", 0, ""
	case 1:
		value = TrimOWS(h[first].Value)
		if withLine {
			// joinLines's line, without looking through h again.
			line = w.Cat(h[first].Name, ": ", h[first].Value)
		}
		return value, n, line
	default:
		value = joinLines(h[first:], name, w, false)
	}
	if withLine {
		line = joinLines(h[first:], name, w, true)
	}
	return value, n, line
}

// joinLines writes the lines of h named name in w: their values trimmed
// and joined with ", ", or asLines each "Name: value", one a line.
func joinLines(h headers.List, name string, w *words.Arena, asLines bool) string {
	m, sep := w.Mark(), ""
	for _, f := range h {
		switch {
		case !nameIs(f.Name, name):
		case asLines:
			w.Write(sep, f.Name, ": ", f.Value)
			sep = "\n"
		default:
			w.Write(sep, TrimOWS(f.Value))
			sep = ", "
		}
	}
	return w.Since(m)
}

// CORSCheck runs the CORS check on a response
// (https://fetch.spec.whatwg.org/#concept-cors-check) in the profile's
// order and returns nil on success. serializedOrigin is the request's
// serialized origin ("null" after a tainting redirect).
func (p *Profile) CORSCheck(h headers.List, serializedOrigin string, include bool) (*Failure, Check) {
	return p.corsCheck(h, serializedOrigin, include, false, &words.Arena{}, corsAlone)
}

// Where a run's CORS check is, which its steps' IDs say: the check of a
// preflight's response or of another response (CORSCheck's steps say
// neither).
const (
	corsAlone = iota
	corsPreflight
	corsResponse
)

// corsIDs are the IDs of the CORS check's two steps, by where it is:
// constants, so that a run builds none.
var corsIDs = [...][2]string{
	corsAlone:     {"allow-origin", "allow-credentials"},
	corsPreflight: {"preflight.allow-origin", "preflight.allow-credentials"},
	corsResponse:  {"response.allow-origin", "response.allow-credentials"},
}

// corsCheck is CORSCheck, its sentences written in w and its steps' IDs
// those of where it is (corsIDs); when quiet (RunOutcome), a check that
// passes has no sentence and no header line.
func (p *Profile) corsCheck(h headers.List, serializedOrigin string, include, quiet bool, w *words.Arena, where int) (*Failure, Check) {
	acao, lines, line := lookup(h, "Access-Control-Allow-Origin", w, !quiet)
	acac, acacLines := combined(h, "Access-Control-Allow-Credentials", w)
	c := Check{ID: corsIDs[where][0], Title: "Access-Control-Allow-Origin", Spec: specCORSCheck, Header: line}
	fail := func(reason, value, detail string) (*Failure, Check) {
		c.Status, c.Detail = Fail, detail
		loc, _ := h.Get("Location")
		return &Failure{Reason: reason, Value: value, Lines: lines, RequestOrigin: serializedOrigin, Location: loc}, c
	}
	if p.SplitOriginLines && lines > 1 {
		return fail(ReasonMultipleAllowOriginValues, acao, w.Cat("The response has ", w.Num(lines), " Access-Control-Allow-Origin lines; only one is allowed."))
	}
	if lines == 0 {
		return fail(ReasonMissingAllowOriginHeader, "", "The response has no Access-Control-Allow-Origin header.")
	}
	if acao == "*" {
		if include {
			return fail(ReasonWildcardOriginNotAllowed, acao, w.Cat("Access-Control-Allow-Origin is \"*\", which does not cover a request with credentials mode \"include\"; the server must echo the origin ", serializedOrigin, " and send Access-Control-Allow-Credentials: true."))
		}
		c.Status, c.Detail = Pass, "\"*\" allows any origin for a request without credentials."
	} else if acao != serializedOrigin {
		reason := ReasonAllowOriginMismatch
		if !p.SplitOriginLines {
			// Chromium's classification (cors.cc CheckAccess, reference §2.3
			// "Chromium evaluation order").
			switch {
			case strings.ContainsAny(acao, " ,"):
				return fail(ReasonMultipleAllowOriginValues, acao, w.Cat("Access-Control-Allow-Origin has several values (\"", acao, "\"); it must be exactly one origin or \"*\"."))
			case acao == "null":
			case !validURL(acao):
				return fail(ReasonInvalidAllowOriginValue, acao, w.Cat("Access-Control-Allow-Origin is \"", acao, "\", which is not an origin; the request's origin is \"", serializedOrigin, "\"."))
			}
		}
		return fail(reason, acao, w.Cat("Access-Control-Allow-Origin is \"", acao, "\" but the request's origin is \"", serializedOrigin, "\"; they must be equal byte for byte."))
	} else {
		c.Status = Pass
		switch {
		case quiet:
		case include && acac == "true":
			// The sentence of the credentials' check below, in the same
			// string.
			c.Detail = w.Cat("Access-Control-Allow-Origin equals the request's origin ", serializedOrigin, ". Access-Control-Allow-Credentials is \"true\".")
		default:
			c.Detail = w.Cat("Access-Control-Allow-Origin equals the request's origin ", serializedOrigin, ".")
		}
	}
	if !include {
		return nil, c
	}
	if acac != "true" {
		f, _ := fail(ReasonInvalidAllowCredentials, acac, "")
		c2 := Check{ID: corsIDs[where][1], Title: "Access-Control-Allow-Credentials", Status: Fail, Spec: specCORSCheck,
			Header: headerLine(h, "Access-Control-Allow-Credentials", w),
			Detail: w.Cat("The request is sent with credentials mode \"include\", so Access-Control-Allow-Credentials must be exactly \"true\"; it is \"", acac, "\".")}
		if acacLines == 0 {
			// Tried as a new user would: an absent header read
			// 'it is ""', as if one were sent empty.
			c2.Detail = "The request is sent with credentials mode \"include\", so Access-Control-Allow-Credentials must be exactly \"true\"; the response has no Access-Control-Allow-Credentials header."
		}
		return f, c2
	}
	// Only an exact origin passes with credentials: its sentence already
	// says that Access-Control-Allow-Credentials is "true".
	return nil, c
}

// validURL approximates Chromium's GURL validity for an
// Access-Control-Allow-Origin value: a scheme and, for special schemes, a
// host that parses.
func validURL(s string) bool {
	_, err := origin.ParseURL(s)
	return err == nil && strings.IndexByte(s, ':') > 0
}

// PreflightOutcome is the judgement of a preflight response.
type PreflightOutcome struct {
	// Failure is why the preflight failed, nil when it passed.
	Failure *Failure
	// Checks are the steps of the judgement, in the profile's order.
	Checks []Check
	// MaxAge is how long the result is cached, in seconds, after the
	// profile's default and cap.
	MaxAge int
	// AuthorizationByWildcard is set when Authorization passed only
	// because of Access-Control-Allow-Headers: * (a departure from the
	// standard; Firefox warns).
	AuthorizationByWildcard bool
	// KeepEntry is set when a failed preflight is cached all the same
	// (Profile.CacheKeepsFailedMatch): Methods, Names and MaxAge hold
	// what to store.
	KeepEntry bool
	// Methods and Names are the preflight's Access-Control-Allow-Methods
	// and -Headers as parsed (Methods is the request's method when the
	// use-CORS-preflight flag is set and none is listed): what the
	// CORS-preflight cache stores when the preflight passed.
	Methods, Names []string
}

// CheckPreflight judges a preflight response for request r (method and
// header list as the browser will send them) in the profile's order
// (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0).
//
// method and reqHeader are the actual request's method and header list as
// the browser will send them at this hop; h and status the preflight
// response; redirect whether it was a redirect (3xx with Location).
func (p *Profile) CheckPreflight(r *Request, method string, reqHeader headers.List, status int, h headers.List, serializedOrigin string, redirect bool) PreflightOutcome {
	// Room for the checks of a preflight that passes.
	return p.checkPreflight(r, method, reqHeader, p.UnsafeNames(reqHeader), status, h, serializedOrigin, redirect, false, &words.Arena{}, nil, make([]Check, 0, 8))
}

// checkPreflight is CheckPreflight with reqHeader's CORS-unsafe names
// (UnsafeNames) already worked out, its sentences written in w and its
// checks appended to checks (a run's own list: no list of their own).
// When quiet (RunOutcome), it keeps no checks: the caller passes nil and
// reads none.
func (p *Profile) checkPreflight(r *Request, method string, reqHeader headers.List, unsafeNames []string, status int, h headers.List, serializedOrigin string, redirect, quiet bool, w *words.Arena, m *lists, checks []Check) PreflightOutcome {
	out := PreflightOutcome{Checks: checks}
	failed := func(f *Failure) PreflightOutcome {
		f.Preflight = true
		f.Status = status
		out.Failure = f
		return out
	}
	if redirect && p.CORSBeforePreflightRedirect {
		f, c := p.corsCheck(h, serializedOrigin, r.Include(), false, w, corsPreflight)
		out.Checks = append(out.Checks, c)
		if f != nil {
			f.Reason = preflightPrefix + f.Reason
			f.Redirect = true
			return failed(f)
		}
	}
	if redirect && p.Name != "spec" {
		out.Checks = append(out.Checks, Check{ID: "preflight.redirect", Title: "Preflight not redirected", Status: Fail, Spec: specPreflight,
			Header: headerLine(h, "Location", w),
			Detail: w.Cat("The preflight was answered with a redirect (", w.Num(status), "). A preflight never follows redirects; answer OPTIONS directly with 2xx.")})
		return failed(&Failure{Reason: ReasonPreflightDisallowedRedirect})
	}
	statusCheck := func() *Failure {
		if status >= 200 && status <= 299 {
			if quiet {
				return nil
			}
			out.Checks = append(out.Checks, Check{ID: "preflight.status", Title: "Preflight status is ok", Status: Pass, Spec: specOKStatus,
				Detail: w.Cat("Status ", w.Num(status), " is in 200-299.")})
			return nil
		}
		out.Checks = append(out.Checks, Check{ID: "preflight.status", Title: "Preflight status is ok", Status: Fail, Spec: specOKStatus,
			Detail: w.Cat("Status ", w.Num(status), " is not an ok status (200-299). The server must answer OPTIONS itself, before any authentication or routing that rejects it.")})
		return &Failure{Reason: ReasonPreflightInvalidStatus}
	}
	originCheck := func() *Failure {
		f, c := p.corsCheck(h, serializedOrigin, r.Include(), quiet, w, corsPreflight)
		if !quiet {
			out.Checks = append(out.Checks, c)
		}
		if f != nil {
			f.Reason = preflightPrefix + f.Reason
		}
		return f
	}
	first, second := originCheck, statusCheck
	if p.StatusFirst {
		first, second = statusCheck, originCheck
	}
	if f := first(); f != nil {
		return failed(f)
	}
	if f := second(); f != nil {
		return failed(f)
	}

	include := r.Include()
	acam, hasACAM, acamLine := lookup(h, "Access-Control-Allow-Methods", w, !quiet)
	acah, hasACAH, acahLine := lookup(h, "Access-Control-Allow-Headers", w, !quiet)
	var methods, names []string
	// parseAllow makes the step that reads one of the two lists into
	// *list; a value that does not parse rejects the whole header
	// (https://fetch.spec.whatwg.org/#cors-preflight-fetch, step 7.3 and
	// 7.4: extracting the header list values fails).
	parseAllow := func(name, value string, present int, list *[]string, id, detail string, reason string) func() *Failure {
		return func() *Failure {
			if present == 0 {
				return nil
			}
			var bad string
			var ok bool
			*list, bad, ok = parseList(value, m)
			if !ok {
				out.Checks = append(out.Checks, Check{ID: id, Title: w.Cat(name, " parses"), Status: Fail, Spec: specExtractVal,
					Header: headerLine(h, name, w),
					Detail: w.Cat("\"", bad, "\"", detail)})
				return &Failure{Reason: reason, Value: bad, Header: value}
			}
			return nil
		}
	}
	parseMethods := parseAllow("Access-Control-Allow-Methods", acam, hasACAM, &methods, "preflight.allow-methods-syntax",
		" is not a method token; the whole header is rejected. Use a comma-separated list such as \"GET, PUT, DELETE\".", ReasonInvalidAllowMethods)
	parseHeaders := parseAllow("Access-Control-Allow-Headers", acah, hasACAH, &names, "preflight.allow-headers-syntax",
		" is not a header-name token; the whole header is rejected.", ReasonInvalidAllowHeaders)
	matchMethod := func() *Failure {
		if methods == nil && hasACAM == 0 && r.UseCORSPreflight {
			methods = []string{method}
		}
		switch {
		case quiet && (contains(methods, method) || SafelistedMethod(method) || !include && contains(methods, "*")):
			// The cases below that pass, without their sentences.
			return nil
		}
		c := Check{ID: "preflight.allow-methods", Title: "Method allowed", Spec: specPreflight, Header: acamLine}
		switch {
		case contains(methods, method):
			c.Status, c.Detail = Pass, w.Cat("Access-Control-Allow-Methods lists ", method, " (compared case-sensitively).")
		case SafelistedMethod(method):
			c.Status, c.Detail = Pass, w.Cat(method, " is a CORS-safelisted method and needs no listing.")
		case !include && contains(methods, "*"):
			c.Status, c.Detail = Pass, "\"*\" allows any method for a request without credentials."
		default:
			c.Status = Fail
			start := w.Mark()
			w.Write("Access-Control-Allow-Methods must list ", method, " exactly (methods compare case-sensitively)")
			if include && contains(methods, "*") {
				w.Write("; \"*\" is only a wildcard for requests without credentials")
			}
			if hasACAM == 0 {
				w.Write("; the response has no Access-Control-Allow-Methods")
			}
			w.Write(".")
			c.Detail = w.Since(start)
			out.Checks = append(out.Checks, c)
			return &Failure{Reason: ReasonMethodDisallowed, Value: method}
		}
		out.Checks = append(out.Checks, c)
		return nil
	}
	matchNames := func() *Failure {
		if len(unsafeNames) == 0 {
			return nil
		}
		star := !include && containsFold(names, "*")
		// The names in the order they are checked, each with the
		// spelling a failure reports: the sorted lowercase names, or
		// with HeaderMapOrder WebKit's order and spelling.
		var order []spelledName
		if p.HeaderMapOrder && !(quiet && allAllowed(unsafeNames, names, star)) {
			// The order decides only which name a failure reports, and
			// the order of the steps: a quiet run whose names all pass
			// (below, without a sentence) needs none.
			order = headerMapOrder(reqHeader, unsafeNames)
		}
		count := len(unsafeNames)
		if order != nil {
			count = len(order)
		}
		// Every name's step shows the same lines.
		line := acahLine
		for i := range count {
			n, spelled := "", ""
			if order != nil {
				n, spelled = order[i].lower, order[i].spelled
			} else {
				n = unsafeNames[i]
				spelled = n
			}
			if quiet && passesQuietly(names, n, star) {
				// The cases below that pass, without their sentences.
				continue
			}
			c := Check{ID: "preflight.allow-headers", Title: w.Cat("Header ", n, " allowed"), Spec: specPreflight, Header: line}
			switch {
			case containsFold(names, n):
				c.Status, c.Detail = Pass, w.Cat("Access-Control-Allow-Headers lists ", n, " (compared case-insensitively).")
			case n == "authorization" && star && p.Authorization != AuthBlocked:
				out.AuthorizationByWildcard = true
				c.Status, c.Spec = Warn, specNonWild
				c.Detail = w.Cat("Only \"*\" covers Authorization. The standard says \"*\" never covers Authorization; ", p.Engine, " allows it anyway, and browsers plan to stop. List authorization explicitly.")
			case star && n != "authorization":
				c.Status, c.Detail = Pass, "\"*\" allows any header for a request without credentials."
			default:
				c.Status = Fail
				start := w.Mark()
				w.Write("Access-Control-Allow-Headers must list ", n)
				switch {
				case n == "authorization" && star:
					c.Spec = specNonWild
					w.Write("; \"*\" never covers Authorization in the standard")
				case include && containsFold(names, "*"):
					w.Write("; \"*\" is only a wildcard for requests without credentials")
				case hasACAH == 0:
					w.Write("; the response has no Access-Control-Allow-Headers")
				}
				w.Write(".")
				c.Detail = w.Since(start)
				out.Checks = append(out.Checks, c)
				return &Failure{Reason: ReasonHeaderDisallowed, Value: spelled}
			}
			out.Checks = append(out.Checks, c)
		}
		return nil
	}
	steps := [...]func() *Failure{parseMethods, parseHeaders, matchMethod, matchNames}
	if p.InterleaveLists {
		steps = [...]func() *Failure{parseMethods, matchMethod, parseHeaders, matchNames}
	}
	for _, s := range steps {
		if f := s(); f != nil {
			if p.CacheKeepsFailedMatch && (f.Reason == ReasonMethodDisallowed || f.Reason == ReasonHeaderDisallowed) {
				out.KeepEntry = true
				out.MaxAge = p.maxAge(h, &out.Checks, quiet, w)
				out.Methods, out.Names = methods, names
			}
			return failed(f)
		}
	}
	out.MaxAge = p.maxAge(h, &out.Checks, quiet, w)
	out.Methods, out.Names = methods, names
	return out
}

// allAllowed reports whether every name in unsafe passes a quiet
// run's check of Access-Control-Allow-Headers without a step
// (passesQuietly).
func allAllowed(unsafe, names []string, star bool) bool {
	for _, n := range unsafe {
		if !passesQuietly(names, n, star) {
			return false
		}
	}
	return true
}

// passesQuietly reports whether the lowercase request-header name n
// passes the check of Access-Control-Allow-Headers in a way a quiet run
// writes no step for: listed (names), or covered by "*" (star) and not
// Authorization.
func passesQuietly(names []string, n string, star bool) bool {
	return containsFold(names, n) || star && n != "authorization"
}

// maxAge reads Access-Control-Max-Age (delta-seconds) with the profile's
// default and cap (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0
// step 7; reference browser-cors.md §1.8 table).
// When quiet (RunOutcome) it adds no check, and says nothing.
// PreflightLifetime is how long p keeps a passing preflight whose reply
// has the header lines h in its CORS-preflight cache: the seconds of its
// Access-Control-Max-Age as p reads them (the default when it has none,
// 0 for what p does not cache), capped at p's MaxAgeCap, as a run
// reports them (Result.MaxAge).
func (p *Profile) PreflightLifetime(h headers.List) int {
	var w words.Arena
	return p.maxAge(h, nil, true, &w)
}

func (p *Profile) maxAge(h headers.List, checks *[]Check, quiet bool, w *words.Arena) int {
	v, n, line := lookup(h, "Access-Control-Max-Age", w, !quiet)
	age := DefaultMaxAge
	// The sentence, when one is said: which case, then the cap.
	const (
		sayAbsent = iota
		saySeconds
		sayNotCached
		sayNegative
		sayNotNumber
	)
	var said int
	switch {
	case n == 0:
		said = sayAbsent
	case p.MaxAgePlusSign && len(v) > 1 && v[0] == '+' && digits(v[1:]):
		// Read as the number it signs (Profile.MaxAgePlusSign).
		v = v[1:]
		fallthrough
	case digits(v):
		if len(v) > 9 {
			age = 999999999
		} else {
			age, _ = strconv.Atoi(v)
		}
		said = saySeconds
	case p.InvalidMaxAgeNotCached:
		age, said = 0, sayNotCached
	case strings.HasPrefix(v, "-") && digits(v[1:]) && p.Name != "spec":
		age, said = 0, sayNegative
	default:
		said = sayNotNumber
	}
	capped := p.MaxAgeCap > 0 && age > p.MaxAgeCap
	if !quiet {
		start := w.Mark()
		switch said {
		case sayAbsent:
			w.Write("No Access-Control-Max-Age: the result is cached for the default ", itoa(DefaultMaxAge), " seconds.")
		case saySeconds:
			w.Write("Cached for ")
			w.WriteNum(age)
			w.Write(" seconds.")
		case sayNotCached:
			w.Write("\"", v, "\" is not a number of seconds: ", p.Engine, " does not cache the result.")
		case sayNegative:
			w.Write("A negative Access-Control-Max-Age means the result is not cached.")
		default:
			w.Write("\"", v, "\" is not a number of seconds: the default ", itoa(DefaultMaxAge), " seconds apply.")
		}
		if capped {
			w.Write(" ", p.Engine, " caps it at ")
			w.WriteNum(p.MaxAgeCap)
			w.Write(" seconds.")
		}
		*checks = append(*checks, Check{ID: "preflight.max-age", Title: "Preflight cache lifetime", Status: Info, Spec: specCache,
			Header: line, Detail: w.Since(start)})
	}
	if capped {
		age = p.MaxAgeCap
	}
	return age
}

// safelistedResponse are the CORS-safelisted response-header names
// (https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name).
var safelistedResponse = []string{"cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"}

// Readable returns the lowercase names of h that response.headers shows
// the page, sorted. For a CORS response: the safelisted names plus those
// in Access-Control-Expose-Headers, where "*" means all only without
// credentials; Set-Cookie and Set-Cookie2 never
// (https://fetch.spec.whatwg.org/#concept-filtered-response-cors). For a
// basic (same-origin) response: everything but Set-Cookie and Set-Cookie2.
func Readable(h headers.List, cors, include bool) ([]string, Check) {
	return readable(h, cors, include, false, &words.Arena{}, nil)
}

// readable is Readable, its sentences written in w; when quiet
// (RunOutcome) its check says nothing.
func readable(h headers.List, cors, include, quiet bool, w *words.Arena, m *lists) ([]string, Check) {
	aceh, hasACEH, line := lookup(h, "Access-Control-Expose-Headers", w, !quiet)
	c := Check{ID: "response.exposed", Title: "Headers the page can read", Status: Info, Spec: specExposed, Header: line}
	// The names exposed beyond the safelist, as listed (tokens, so ASCII:
	// exposedName compares them in ASCII case).
	var listed []string
	all := !cors
	// What the sentence says first about Access-Control-Expose-Headers.
	var first string
	if cors {
		if hasACEH > 0 {
			list, bad, ok := parseList(aceh, m)
			switch {
			case !ok:
				first = w.Cat("Access-Control-Expose-Headers does not parse (\"", bad, "\" is not a header name), so only the safelisted headers are readable. ")
			case !include && contains(list, "*"):
				all = true
				first = "\"*\" exposes every header (the request has no credentials). "
			default:
				listed = list
				if include && contains(list, "*") {
					first = "With credentials, \"*\" exposes only a header literally named \"*\". "
				}
			}
		}
	}
	var out []string
	for _, f := range h {
		if readableName(f.Name, all, listed) {
			if out == nil {
				out = m.takeNames(len(h))
			}
			out = append(out, w.Lower(f.Name))
		}
	}
	strsort.Strings(out)
	out = compactStrings(out)
	if out == nil {
		out = []string{}
	}
	switch {
	case quiet:
	case len(out) == 0:
		c.Detail = w.Cat(first, "The page can read no response header.")
	default:
		start := w.Mark()
		w.Write(first, "The page can read: ")
		for i, n := range out {
			if i > 0 {
				w.Write(", ")
			}
			w.Write(n)
		}
		w.Write(".")
		c.Detail = w.Since(start)
	}
	return out, c
}

// readableName reports whether response.headers shows the page a line
// named name: not Set-Cookie or Set-Cookie2, and every name when all,
// else a safelisted response-header name or one of listed (tokens).
// Names compare as strings.ToLower lowercases them: an ASCII name, most,
// is compared as it is, in ASCII case, without a lowercase copy.
func readableName(name string, all bool, listed []string) bool {
	ascii := headers.IsASCII(name)
	var buf [32]byte
	if !ascii {
		name = string(lowerInto(buf[:0], name))
	}
	if lowerEqual(name, "set-cookie") || lowerEqual(name, "set-cookie2") {
		return false
	}
	if all {
		return true
	}
	for _, s := range safelistedResponse {
		if lowerEqual(name, s) {
			return true
		}
	}
	for _, l := range listed {
		// Two ASCII names fold alike as their lowercase compare;
		// a lowercase copy with a character outside ASCII is compared
		// by its bytes.
		if ascii && headers.EqualFold(l, name) || !ascii && lowerEqual(l, name) {
			return true
		}
	}
	return false
}

// lowerEqual reports whether strings.ToLower(ascii) == lower for an ASCII
// string, without the copy.
func lowerEqual(ascii, lower string) bool {
	if len(ascii) != len(lower) {
		return false
	}
	for i := 0; i < len(ascii); i++ {
		c := ascii[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if headers.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }

// digits reports whether s is one or more ASCII digits: strings.Trim(s,
// "0123456789") == "" for a non-empty s, without the byte set Trim
// builds on each call.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}
