package fetch

import (
	"strings"

	"github.com/whycors/whycors/engine/origin"
)

// messages is how one engine words a failure. Texts come from
// reference/browser-cors.md: Chromium's observed console lines (Chromium
// 156, "Chromium and Firefox side by side", checked again with headless
// Chromium 156.0.8078.79), Firefox ESR 153's verbatim messages, WebKit's
// source strings.
type messages interface {
	console(f *Failure) []string
	exception(f *Failure) string
	// xhrException is what XMLHttpRequest's open() throws for f, or ""
	// where the engine's text was not recorded.
	xhrException(f *Failure) string
	allowed(status int) []string
	authWarning(url string) []string
	// refusedHeader is what XMLHttpRequest's setRequestHeader() prints
	// when it drops a forbidden request-header name, nothing where the
	// engine's line was not recorded.
	refusedHeader(name string) []string
}

// Console returns the console lines the profile's browser prints for f.
func (p *Profile) Console(f *Failure) []string { return p.msg.console(f) }

// open() throws a SecurityError for a forbidden method and a SyntaxError
// for one that is not a token (https://xhr.spec.whatwg.org/#the-open()-method).
const (
	xhrSecurityError = "SecurityError"
	xhrSyntaxError   = "SyntaxError"
)

// XHRError is what a page sees of an XMLHttpRequest whose fetch failed
// after send(): no exception (it is asynchronous) but an error event,
// with status 0 and readyState 4 (DONE)
// (https://xhr.spec.whatwg.org/#request-error-steps). The e2e harnesses
// report what they observe in the same words.
const XHRError = "XMLHttpRequest error event (status 0, readyState 4)"

// Exception returns the error fetch()'s promise rejects with for f, or
// XHRError for an XMLHttpRequest that failed after send().
func (p *Profile) Exception(f *Failure) string {
	if f.XHR && !f.TypeError() {
		return XHRError
	}
	if f.XHR {
		if e := p.msg.xhrException(f); e != "" {
			return e
		}
	}
	return p.msg.exception(f)
}

// AllowedConsole returns the lines printed for an allowed response with
// this status (Chromium logs 4xx and 5xx).
func (p *Profile) AllowedConsole(status int) []string { return p.msg.allowed(status) }

// AuthorizationWarning returns the lines printed when Authorization was
// covered only by Access-Control-Allow-Headers: * (Firefox's warning).
func (p *Profile) AuthorizationWarning(url string) []string { return p.msg.authWarning(url) }

type chromeMessages struct{}

// chromeMixedContent is Chrome's mixed-content line for page and url,
// ending in what it did: blocked, or a warning when Local Network Access
// takes the request (e2e/chromium recordings mixed-content-* and
// lna-https-page-http-local-name-*).
func chromeMixedContent(page, url, then string) string {
	return "Mixed Content: The page at '" + page + "' was loaded over HTTPS, but requested an insecure resource '" + url + "'. " + then
}

const chromeFailed = "Failed to load resource: net::ERR_FAILED"

// Chromium 156 appends this hint to the three "bad value" details, and no
// hint to the others (observed; the older kNoCorsInformation text of
// reference §2.2 is no longer printed).
const chromeHint = " Have the server send the header with a valid value."

// For an XMLHttpRequest Chromium 156 prints no chromeHint, and adds
// chromeXHRCredentials to the two details about the credentials mode
// (e2e/chromium recordings xhr-get-acao-mismatch, xhr-acao-multiple,
// xhr-credentials-star, xhr-credentials-echo-no-acac).
const chromeXHRCredentials = " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute."

func chromeDetail(f *Failure) string {
	hint, credHint := chromeHint, ""
	if f.XHR {
		hint, credHint = "", chromeXHRCredentials
	}
	switch strings.TrimPrefix(f.Reason, preflightPrefix) {
	case ReasonMissingAllowOriginHeader:
		return "No 'Access-Control-Allow-Origin' header is present on the requested resource."
	case ReasonWildcardOriginNotAllowed:
		return "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'." + credHint
	case ReasonMultipleAllowOriginValues:
		return "The 'Access-Control-Allow-Origin' header contains multiple values '" + f.Value + "', but only one is allowed." + hint
	case ReasonInvalidAllowOriginValue:
		return "The 'Access-Control-Allow-Origin' header contains the invalid value '" + f.Value + "'." + hint
	case ReasonAllowOriginMismatch:
		return "The 'Access-Control-Allow-Origin' header has a value '" + f.Value + "' that is not equal to the supplied origin." + hint
	case ReasonInvalidAllowCredentials:
		return "The value of the 'Access-Control-Allow-Credentials' header in the response is '" + f.Value + "' which must be 'true' when the request's credentials mode is 'include'." + credHint
	case reasonInvalidStatus:
		return "It does not have HTTP ok status."
	case reasonDisallowedRedirect:
		return "Redirect is not allowed for a preflight request."
	case ReasonInvalidAllowMethods:
		return "Cannot parse Access-Control-Allow-Methods response header field in preflight response."
	case ReasonInvalidAllowHeaders:
		return "Cannot parse Access-Control-Allow-Headers response header field in preflight response."
	case ReasonMethodDisallowed:
		return "Method " + f.Value + " is not allowed by Access-Control-Allow-Methods in preflight response."
	case ReasonHeaderDisallowed:
		return "Request header field " + f.Value + " is not allowed by Access-Control-Allow-Headers in preflight response."
	case ReasonInsecureLocalNetwork:
		// e2e/chromium recordings lna-insecure-*.
		return "The request client is not a secure context and the resource is in more-private address space `" + f.Value + "`."
	case ReasonLocalNetworkAccessPermissionDenied:
		// e2e/chromium recordings lna-denied-*, lna-prompt-*.
		return "Permission was denied for this request to access the `" + f.Value + "` address space."
	case ReasonRedirectContainsCredentials:
		// Chromium 156 prints an empty location here (observed).
		return "Redirect location '' contains a username and password, which is disallowed for cross-origin requests."
	}
	return ""
}

const (
	reasonInvalidStatus      = "InvalidStatus"
	reasonDisallowedRedirect = "DisallowedRedirect"
)

func (chromeMessages) console(f *Failure) []string {
	switch f.Reason {
	case ReasonMixedContent:
		// e2e/chromium recordings mixed-content-*: this line only.
		return []string{chromeMixedContent(f.Value, f.URL, "This request has been blocked; the content must be served over HTTPS.")}
	case ReasonDisallowedByMode:
		return []string{"Fetch API cannot load " + f.URL + ". Request mode is \"same-origin\" but the URL's origin is not same as the request origin " + f.Origin + "."}
	case ReasonNoCorsRedirectModeNotFollow:
		return []string{"Fetch API cannot load " + f.URL + ". Request mode is \"no-cors\" but the redirect mode is not \"follow\"."}
	case ReasonCorsDisabledScheme:
		if f.Value == "file" {
			// Observed Chromium 156 (e2e/chromium recording scheme-file).
			return []string{"Not allowed to load local resource: " + f.URL}
		}
		return []string{"Fetch API cannot load " + f.URL + ". URL scheme \"" + f.Value + "\" is not supported."}
	case ReasonTooManyRedirects:
		return []string{"Failed to load resource: net::ERR_TOO_MANY_REDIRECTS"}
	case ReasonRedirectSchemeNotHTTP:
		return []string{"Failed to load resource: net::ERR_UNSAFE_REDIRECT"}
	case ReasonInvalidRedirectLocation:
		return []string{"Failed to load resource: net::ERR_INVALID_REDIRECT"}
	case ReasonNetworkError, ReasonInvalidResponse:
		return []string{"Failed to load resource: net::ERR_EMPTY_RESPONSE"}
	case ReasonStreamNeedsHTTP2:
		return []string{"Failed to load resource: net::ERR_ALPN_NEGOTIATION_FAILED"}
	}
	if f.TypeError() {
		return []string{}
	}
	d := chromeDetail(f)
	if d == "" {
		return []string{chromeFailed}
	}
	var b strings.Builder
	if f.XHR {
		// e2e/chromium recordings xhr-*.
		b.WriteString("Access to XMLHttpRequest at '")
	} else {
		b.WriteString("Access to fetch at '")
	}
	b.WriteString(f.URL)
	b.WriteString("' ")
	if f.Initial != "" && f.Initial != f.URL {
		b.WriteString("(redirected from '" + f.Initial + "') ")
	}
	b.WriteString("from origin '" + f.Origin + "' has been blocked by CORS policy: ")
	switch f.Reason {
	case ReasonMethodDisallowed, ReasonHeaderDisallowed, ReasonInvalidAllowMethods, ReasonInvalidAllowHeaders, ReasonRedirectContainsCredentials:
	default:
		if f.Preflight {
			b.WriteString("Response to preflight request doesn't pass access control check: ")
		}
	}
	b.WriteString(d)
	return []string{b.String(), chromeFailed}
}

func (chromeMessages) exception(f *Failure) string {
	const pre = "TypeError: Failed to execute 'fetch' on 'Window': "
	switch f.Reason {
	case ReasonForbiddenMethod:
		return pre + "'" + f.Value + "' HTTP method is unsupported."
	case ReasonInvalidMethod:
		return pre + "'" + f.Value + "' is not a valid HTTP method."
	case ReasonNoCorsMethod:
		return pre + "'" + f.Value + "' is unsupported in no-cors mode."
	case ReasonURLCredentials:
		return pre + "Request cannot be constructed from a URL that includes credentials: " + f.Value
	case ReasonBodyWithGetHead:
		return pre + "Request with GET/HEAD method cannot have body."
	case ReasonModeNavigate:
		return pre + "Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'."
	case ReasonStreamNoCors:
		return pre + "If request is made from ReadableStream, mode should be\"same-origin\" or \"cors\""
	case ReasonInvalidHeader:
		return pre + "'" + f.Value + "' is not a valid HTTP header field name."
	case ReasonInvalidHeaderValue:
		if !IsByteString(f.Value) {
			// e2e/chromium recording hdr-value-non-latin1.
			return "TypeError: Failed to execute 'fetch' on 'Window': Failed to read the 'headers' property from 'RequestInit': String contains non ISO-8859-1 code point."
		}
		return pre + "'" + f.Value + "' is not a valid HTTP header field value."
	}
	return "TypeError: Failed to fetch"
}

// e2e/chromium recordings xhr-method-forbidden, xhr-method-invalid.
func (chromeMessages) xhrException(f *Failure) string {
	const pre = ": Failed to execute 'open' on 'XMLHttpRequest': '"
	switch f.Reason {
	case ReasonForbiddenMethod:
		return xhrSecurityError + pre + f.Value + "' HTTP method is unsupported."
	case ReasonInvalidMethod:
		return xhrSyntaxError + pre + f.Value + "' is not a valid HTTP method."
	case ReasonInvalidHeaderValue:
		if !IsByteString(f.Value) {
			// e2e/chromium recording xhr-header-non-latin1.
			return "TypeError: Failed to execute 'setRequestHeader' on 'XMLHttpRequest': String contains non ISO-8859-1 code point."
		}
	}
	return ""
}

func (chromeMessages) allowed(status int) []string {
	if status < 400 {
		return []string{}
	}
	return []string{"Failed to load resource: the server responded with a status of " + itoa(status) + " (" + StatusText(status) + ")"}
}

func (chromeMessages) authWarning(string) []string { return []string{} }

// Not recorded: e2e/chromium files console lines by the URL they name,
// and this one names none.
func (chromeMessages) refusedHeader(string) []string { return nil }

type firefoxMessages struct{}

// ffBlocked is Firefox's "Cross-Origin Request Blocked" line. It is not
// inlined: one concatenation instead of nineteen is 1.9 KB less of the
// page's wasm (raw).
//
//go:noinline
func ffBlocked(url, reason string) string {
	return "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at " + url + ". (Reason: " + reason + ")."
}

const ffDidNotSucceed = "CORS request did not succeed). Status code: (null"

func (firefoxMessages) console(f *Failure) []string {
	var lines []string
	url := f.URL
	st := " Status code: " + itoa(f.Status) + "."
	switch strings.TrimPrefix(f.Reason, preflightPrefix) {
	case ReasonMixedContent:
		// Not recorded (the Firefox harness serves no https page): the
		// BlockMixedActiveContent string of Firefox's
		// dom/locales/en-US/chrome/security/security.properties.
		return []string{"Blocked loading mixed active content “" + f.URL + "”"}
	case ReasonDisallowedByMode:
		return []string{"Security Error: Content at " + f.Origin + "/ may not load data from " + f.URL + "."}
	case ReasonMissingAllowOriginHeader:
		lines = append(lines, ffBlocked(url, "CORS header ‘Access-Control-Allow-Origin’ missing")+st)
	case ReasonMultipleAllowOriginValues:
		if f.Lines > 1 {
			lines = append(lines, ffBlocked(url, "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed"))
		} else {
			lines = append(lines, ffBlocked(url, "CORS header ‘Access-Control-Allow-Origin’ does not match ‘"+f.Value+"’"))
		}
	case ReasonAllowOriginMismatch, ReasonInvalidAllowOriginValue:
		lines = append(lines, ffBlocked(url, "CORS header ‘Access-Control-Allow-Origin’ does not match ‘"+f.Value+"’"))
	case ReasonWildcardOriginNotAllowed:
		lines = append(lines, ffBlocked("‘"+url+"’", "Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’"))
	case ReasonInvalidAllowCredentials:
		lines = append(lines, ffBlocked(url, "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’"))
	case reasonInvalidStatus:
		lines = append(lines, ffBlocked(url, "CORS preflight response did not succeed")+st)
	case reasonDisallowedRedirect:
		lines = append(lines, ffBlocked(url, "CORS request external redirect not allowed"),
			ffBlocked(url, "CORS preflight response did not succeed")+st)
	case ReasonInvalidAllowMethods:
		lines = append(lines, ffBlocked(url, "invalid token ‘"+f.Value+"’ in CORS header ‘Access-Control-Allow-Methods’"))
	case ReasonInvalidAllowHeaders:
		lines = append(lines, ffBlocked(url, "invalid token ‘"+f.Value+"’ in CORS header ‘Access-Control-Allow-Headers’"))
	case ReasonMethodDisallowed:
		lines = append(lines, ffBlocked(url, "Did not find method in CORS header ‘Access-Control-Allow-Methods’"))
	case ReasonHeaderDisallowed:
		lines = append(lines, ffBlocked(url, "header ‘"+f.Value+"’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response"))
	case ReasonCorsDisabledScheme:
		if f.Value == "file" {
			// e2e/firefox recording scheme-file.
			return []string{"Security Error: Content at " + f.Origin + "/ may not load or link to " + f.URL + "."}
		}
		lines = append(lines, ffBlocked(url, "CORS request not http"))
	case ReasonNetworkError, ReasonRedirectContainsCredentials, ReasonRedirectSchemeNotHTTP,
		ReasonTooManyRedirects, ReasonInvalidRedirectLocation:
		// e2e/firefox recordings net-fail-actual, redir-userinfo,
		// redir-bad-scheme, redir-loop: one "did not succeed" line.
		return []string{ffBlocked(url, ffDidNotSucceed)}
	case ReasonInvalidResponse:
		// e2e/firefox recording net-fail-preflight: the line twice.
		return []string{ffBlocked(url, ffDidNotSucceed), ffBlocked(url, ffDidNotSucceed)}
	default:
		// Type errors, redirect-mode and userinfo failures: Firefox logs
		// no CORS reason (reference §3, "Redirect Location with userinfo").
		return []string{}
	}
	// A failed preflight adds "did not succeed" (browser-cors.md side by
	// side); a failed redirect response adds it too, and a preflight that
	// failed its CORS check while redirecting adds it twice (e2e/firefox
	// recordings redir-302-no-acao, pf-redirect-no-acao).
	if f.Preflight || f.Redirect {
		lines = append(lines, ffBlocked(url, ffDidNotSucceed))
	}
	if f.Preflight && f.Redirect {
		lines = append(lines, ffBlocked(url, ffDidNotSucceed))
	}
	return lines
}

func (firefoxMessages) exception(f *Failure) string {
	switch f.Reason {
	case ReasonForbiddenMethod, ReasonInvalidMethod, ReasonNoCorsMethod:
		return "TypeError: Window.fetch: Invalid request method " + f.Value + "."
	case ReasonURLCredentials:
		return "TypeError: Window.fetch: " + f.Value + " is an url with embedded credentials."
	case ReasonBodyWithGetHead:
		return "TypeError: Window.fetch: HEAD or GET Request cannot have a body."
	case ReasonModeNavigate:
		// e2e/firefox recording req-mode-navigate.
		return "TypeError: Window.fetch: Invalid request mode navigate."
	case ReasonInvalidHeaderValue:
		if i, c, ok := notByte(f.Value); ok {
			// The scenario's headers are a list of pairs, which fetch()
			// takes as sequence<sequence<ByteString>> (e2e/firefox
			// recording hdr-value-non-latin1).
			return "TypeError: Window.fetch: Cannot convert element of element of sequence<sequence<ByteString>> branch of " +
				"(sequence<sequence<ByteString>> or record<ByteString, ByteString>) to ByteString because the character at index " +
				itoa(i) + " has value " + itoa(int(c)) + " which is greater than 255."
		}
		return "TypeError: Window.fetch: invalid request."
	case ReasonStreamNoCors, ReasonInvalidHeader:
		return "TypeError: Window.fetch: invalid request."
	}
	return "TypeError: NetworkError when attempting to fetch resource."
}

// e2e/firefox recordings xhr-method-forbidden, xhr-method-invalid.
func (firefoxMessages) xhrException(f *Failure) string {
	switch f.Reason {
	case ReasonForbiddenMethod:
		return xhrSecurityError + ": The operation is insecure."
	case ReasonInvalidMethod:
		return xhrSyntaxError + ": An invalid or illegal string was specified"
	case ReasonInvalidHeaderValue:
		if i, c, ok := notByte(f.Value); ok {
			// e2e/firefox recording xhr-header-non-latin1.
			return "TypeError: XMLHttpRequest.setRequestHeader: Cannot convert argument 2 to ByteString because the character at index " +
				itoa(i) + " has value " + itoa(int(c)) + " which is greater than 255."
		}
	}
	return ""
}

func (firefoxMessages) allowed(int) []string { return []string{} }

// Not recorded: Firefox's WebDriver BiDi reports errors only, and files
// them by the URL they name in e2e/firefox.
func (firefoxMessages) refusedHeader(string) []string { return nil }

func (firefoxMessages) authWarning(url string) []string {
	return []string{"Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at " + url + " soon. (Reason: When the `Access-Control-Allow-Headers` is `*`, the `Authorization` header is not covered. To include the `Authorization` header, it must be explicitly listed in CORS header `Access-Control-Allow-Headers`)."}
}

// webkitMessages words failures as WebKitGTK 2.50 prints them (the
// e2e/webkit recordings), from WebCore's and the network process's
// strings, which Safari shares: CrossOriginAccessControl.cpp
// (passesAccessControlCheck, validatePreflightResponse,
// validateCrossOriginRedirectionURL), CrossOriginPreflightResultCache.cpp
// and NetworkLoadChecker.cpp ("Cross-origin redirection to ... denied by
// Cross-Origin Resource Sharing policy: ..."). A CORS failure prints its
// reason, then "Fetch API cannot load URL due to access control checks."
// (for an XMLHttpRequest "XMLHttpRequest cannot load ..."), then the
// reason again after "Failed to load resource: ".
type webkitMessages struct{}

// webkitReason is WebKit's text for a CORS failure, "" for a failure it
// words otherwise.
func webkitReason(f *Failure) string {
	who := f.RequestOrigin
	if who == "" {
		who = f.Origin
	}
	var m string
	switch strings.TrimPrefix(f.Reason, preflightPrefix) {
	case ReasonMissingAllowOriginHeader, ReasonAllowOriginMismatch, ReasonInvalidAllowOriginValue, ReasonMultipleAllowOriginValues:
		// Only a comma makes "more than one origin"; a space-separated
		// list or "* null" is just another origin (e2e/webkit recordings
		// acao-multiple-space, acao-star-null).
		if strings.Contains(f.Value, ",") {
			m = "Access-Control-Allow-Origin cannot contain more than one origin."
		} else {
			m = "Origin " + who + " is not allowed by Access-Control-Allow-Origin. Status code: " + itoa(f.Status)
		}
	case ReasonWildcardOriginNotAllowed:
		m = "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."
	case ReasonInvalidAllowCredentials:
		m = "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\"."
	case reasonInvalidStatus, reasonDisallowedRedirect:
		m = "Preflight response is not successful. Status code: " + itoa(f.Status)
	case ReasonInvalidAllowMethods:
		// The whole header, not the bad token (e2e/webkit recording
		// pf-acam-invalid-paren).
		m = "Header Access-Control-Allow-Methods has an invalid value: " + f.Header
	case ReasonInvalidAllowHeaders:
		m = "Header Access-Control-Allow-Headers has an invalid value: " + f.Header
	case ReasonMethodDisallowed:
		m = "Method " + f.Value + " is not allowed by Access-Control-Allow-Methods."
	case ReasonHeaderDisallowed:
		m = "Request header field " + f.Value + " is not allowed by Access-Control-Allow-Headers."
	case ReasonRedirectContainsCredentials:
		m = "redirection URL " + f.Value + " has credentials"
		return webkitRedirection(withoutCredentials(f.Value), m)
	case ReasonRedirectSchemeNotHTTP:
		return webkitRedirection(f.Value, "not allowed to follow a cross-origin CORS redirection with non CORS scheme")
	case ReasonRedirectModeError:
		// e2e/webkit recording redir-mode-error.
		return "Not allowed to follow a redirection while loading " + f.URL
	case ReasonTooManyRedirects:
		// e2e/webkit recordings redir-loop, route-loop-two-urls.
		return "Load cannot follow more than 20 redirections"
	default:
		return ""
	}
	if f.Redirect && f.Location != "" && !f.Preflight {
		// A redirect that fails the CORS check names its target
		// (NetworkLoadChecker::checkRedirection; e2e/webkit recording
		// redir-302-no-acao).
		target := f.Location
		if base, err := origin.ParseURL(f.URL); err == nil {
			if u, err := base.Resolve(latin1(f.Location)); err == nil { // Profile.LocationLatin1
				target = u.String()
			}
		}
		return webkitRedirection(target, m)
	}
	return m
}

func webkitRedirection(target, why string) string {
	return "Cross-origin redirection to " + target + " denied by Cross-Origin Resource Sharing policy: " + why
}

// withoutCredentials is the URL s without its username and password.
func withoutCredentials(s string) string {
	u, err := origin.ParseURL(s)
	if err != nil {
		return s
	}
	u.Username, u.Password = "", ""
	return u.String()
}

func (webkitMessages) console(f *Failure) []string {
	api := "Fetch API"
	if f.XHR {
		api = "XMLHttpRequest"
	}
	cannot := api + " cannot load " + f.URL + " due to access control checks."
	switch f.Reason {
	case ReasonMixedContent:
		// Not recorded (the WebKit harness serves no https page): the
		// message of WebCore's MixedContentChecker (logWarning), whose
		// text ends in a newline the console shows as none.
		return []string{"[blocked] The page at " + f.Value + " requested insecure content from " + f.URL + ". This content was blocked and must be served over HTTPS."}
	case ReasonDisallowedByMode:
		// e2e/webkit recording mode-same-origin-cross.
		return []string{api + " cannot load " + f.URL + "."}
	case ReasonCorsDisabledScheme:
		// e2e/webkit recordings scheme-ftp, scheme-file.
		return []string{"Cross origin requests are only supported for HTTP.", cannot}
	case ReasonNoCorsRedirectModeNotFollow:
		// e2e/webkit recordings mode-no-cors-redirect-manual and -error.
		return []string{"No-Cors mode requires follow redirect mode", "Not allowed to request resource", cannot}
	}
	m := webkitReason(f)
	if m == "" {
		if f.TypeError() {
			return []string{}
		}
		return []string{cannot}
	}
	if f.RecheckedWithCredentials {
		// e2e/webkit recordings route-3hop-from-same-origin,
		// route-same-origin-to-cross-redirect-star,
		// route-same-origin-4hop-star.
		return []string{m, "Failed to load resource: " + m, cannot}
	}
	return []string{m, cannot, "Failed to load resource: " + m}
}

func (webkitMessages) exception(f *Failure) string {
	// e2e/webkit recordings req-*, rnd-025 and the like.
	switch f.Reason {
	case ReasonForbiddenMethod:
		return "TypeError: Method is forbidden."
	case ReasonInvalidMethod:
		return "TypeError: Method is not a valid HTTP token."
	case ReasonNoCorsMethod:
		return "TypeError: Method must be GET, POST or HEAD in no-cors mode."
	case ReasonURLCredentials:
		return "TypeError: URL is not valid or contains user credentials."
	case ReasonBodyWithGetHead:
		return "TypeError: Request has method '" + f.Value + "' and cannot have a body"
	case ReasonModeNavigate:
		return "TypeError: Request constructor does not accept navigate fetch mode."
	case ReasonStreamUnsupported, ReasonStreamNoCors:
		return "NotSupportedError: ReadableStream uploading is not supported"
	}
	if f.TypeError() {
		// An invalid header name or value: recorded for a value that is
		// not a ByteString (e2e/webkit recording hdr-value-non-latin1).
		return "TypeError: Type error"
	}
	return "TypeError: Load failed"
}

// e2e/webkit recordings xhr-method-forbidden, xhr-method-invalid; a value
// setRequestHeader() cannot take is fetch()'s "TypeError: Type error"
// (exception; e2e/webkit recording xhr-header-non-latin1).
func (webkitMessages) xhrException(f *Failure) string {
	switch f.Reason {
	case ReasonForbiddenMethod:
		return xhrSecurityError + ": The operation is insecure."
	case ReasonInvalidMethod:
		return xhrSyntaxError + ": The string did not match the expected pattern."
	}
	return ""
}

// A 4xx or 5xx response the page may read logs its status and the
// server's reason phrase (e2e/webkit recordings status-404, status-500,
// mode-no-cors-404).
func (webkitMessages) allowed(status int) []string {
	if status < 400 {
		return []string{}
	}
	return []string{"Failed to load resource: the server responded with a status of " + itoa(status) + " (" + ReasonPhrase(status) + ")"}
}

func (webkitMessages) authWarning(string) []string { return []string{} }

// e2e/webkit recording xhr-header-forbidden: the name as the page wrote
// it (WebCore's XMLHttpRequest::setRequestHeader).
func (webkitMessages) refusedHeader(name string) []string {
	return []string{"Refused to set unsafe header \"" + name + "\""}
}

// specMessages: the standard prescribes no console text; fetch() rejects
// with a TypeError whose message is up to the browser.
type specMessages struct{}

func (specMessages) console(*Failure) []string { return []string{} }
func (specMessages) exception(*Failure) string { return "TypeError" }
func (specMessages) allowed(int) []string      { return []string{} }

// The standard names the DOMException, not its message.
func (specMessages) xhrException(f *Failure) string {
	switch f.Reason {
	case ReasonForbiddenMethod:
		return xhrSecurityError
	case ReasonInvalidMethod:
		return xhrSyntaxError
	}
	return ""
}
func (specMessages) authWarning(string) []string { return []string{} }

func (specMessages) refusedHeader(string) []string { return nil }

// StatusText is the reason phrase for a status code as Chromium prints it
// in "Failed to load resource" lines: ReasonPhrase, or "status code N" for
// codes without one (observed with status 599).
func StatusText(code int) string {
	if t := ReasonPhrase(code); t != "" {
		return t
	}
	return "status code " + itoa(code)
}

// ReasonPhrase is the reason phrase for a status code, as a Go server
// sends it (RFC 9110 §15), or "" for a code without one. It is the
// engine's one table of them, kept as text and searched, which costs the
// page's wasm far less code than a switch.
func ReasonPhrase(code int) string {
	if line := StatusLine(code); len(line) > 4 {
		return line[4:]
	}
	return ""
}

// StatusLine is a status code and its reason phrase as a status line
// writes them ("204 No Content"), or the code alone when it has no
// phrase here; "" for a number that is not a status code. A known code
// costs no allocation: the explainer writes one for every reply it shows.
func StatusLine(code int) string {
	if code < 100 || code > 999 {
		return ""
	}
	d0, d1, d2 := byte('0'+code/100), byte('0'+code/10%10), byte('0'+code%10)
	s := reasonPhrases
	for i := 0; i+4 < len(s); {
		// s[i] is the newline before a line.
		if s[i+1] == d0 && s[i+2] == d1 && s[i+3] == d2 && s[i+4] == ' ' {
			end := strings.IndexByte(s[i+1:], '\n')
			return s[i+1 : i+1+end]
		}
		next := strings.IndexByte(s[i+1:], '\n')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return itoa(code)
}

// reasonPhrases holds one "code phrase" per line, each line preceded by a
// newline so that a search for "\n204 " finds only a whole code.
const reasonPhrases = "\n" +
	"200 OK\n" +
	"201 Created\n" +
	"202 Accepted\n" +
	"203 Non-Authoritative Information\n" +
	"204 No Content\n" +
	"205 Reset Content\n" +
	"206 Partial Content\n" +
	"300 Multiple Choices\n" +
	"301 Moved Permanently\n" +
	"302 Found\n" +
	"303 See Other\n" +
	"304 Not Modified\n" +
	"307 Temporary Redirect\n" +
	"308 Permanent Redirect\n" +
	"400 Bad Request\n" +
	"401 Unauthorized\n" +
	"402 Payment Required\n" +
	"403 Forbidden\n" +
	"404 Not Found\n" +
	"405 Method Not Allowed\n" +
	"406 Not Acceptable\n" +
	"407 Proxy Authentication Required\n" +
	"408 Request Timeout\n" +
	"409 Conflict\n" +
	"410 Gone\n" +
	"411 Length Required\n" +
	"412 Precondition Failed\n" +
	"413 Request Entity Too Large\n" +
	"414 Request URI Too Long\n" +
	"415 Unsupported Media Type\n" +
	"416 Requested Range Not Satisfiable\n" +
	"417 Expectation Failed\n" +
	"418 I'm a teapot\n" +
	"421 Misdirected Request\n" +
	"422 Unprocessable Entity\n" +
	"423 Locked\n" +
	"424 Failed Dependency\n" +
	"425 Too Early\n" +
	"426 Upgrade Required\n" +
	"428 Precondition Required\n" +
	"429 Too Many Requests\n" +
	"431 Request Header Fields Too Large\n" +
	"451 Unavailable For Legal Reasons\n" +
	"500 Internal Server Error\n" +
	"501 Not Implemented\n" +
	"502 Bad Gateway\n" +
	"503 Service Unavailable\n" +
	"504 Gateway Timeout\n" +
	"505 HTTP Version Not Supported\n" +
	"506 Variant Also Negotiates\n" +
	"507 Insufficient Storage\n" +
	"508 Loop Detected\n" +
	"510 Not Extended\n" +
	"511 Network Authentication Required\n"
