package fetch

import (
	"bytes"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/words"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/wire"
)

// Limits on a fetch() description; anything larger is bad input, so that a
// hostile scenario or server cannot make the model slow. Browsers set no
// such limits in the Fetch standard; these are far above what a page sends.
const (
	// MaxHeaders is the most header lines a request (Init.Headers) may
	// have, and the most lines of a reply the model reads.
	MaxHeaders = 256
	// MaxHeaderBytes is the most bytes of names and values a request's
	// headers may add up to.
	MaxHeaderBytes = 64 << 10
)

// Init is a fetch(url, init) call as the page makes it. Empty strings take
// fetch()'s defaults: credentials "same-origin", mode "cors", redirect
// "follow", method "GET" (https://fetch.spec.whatwg.org/#requestinit).
type Init struct {
	// Method is init.method as the page writes it; NewRequest checks and
	// normalizes it (https://fetch.spec.whatwg.org/#concept-method-normalize).
	Method string `json:"method,omitempty"`
	// Headers is init.headers in the page's order; repeated names stay
	// repeated lines.
	Headers     headers.List `json:"headers,omitempty"`
	Credentials string       `json:"credentials,omitempty"` // omit, same-origin (default), include
	Mode        string       `json:"mode,omitempty"`        // cors (default), no-cors, same-origin (navigate throws)
	// Body is a string body, or nil.
	Body *string `json:"body,omitempty"`
	// BodyType names a non-string body: "blob:<type>", "urlsearchparams",
	// "formdata", "arraybuffer" or "stream" (a ReadableStream with
	// duplex: "half"). Its kind decides the Content-Type the body adds
	// (https://fetch.spec.whatwg.org/#concept-bodyinit-extract).
	BodyType string `json:"body_type,omitempty"`
	Redirect string `json:"redirect,omitempty"` // follow (default), error, manual
	// API is the page's API: "fetch" (the default) or "xhr", an
	// asynchronous XMLHttpRequest (https://xhr.spec.whatwg.org/): always
	// mode "cors" and redirect "follow", so Mode and Redirect must be
	// empty; Credentials "include" is withCredentials true, any other
	// value withCredentials false, credentials mode "same-origin"
	// (https://xhr.spec.whatwg.org/#the-send()-method). Upload
	// listeners and synchronous requests are not modelled.
	API string `json:"api,omitempty"`
}

// InputError is a fetch() description the model cannot run: a field with
// a value no page could pass (an unknown mode) or that does not parse (the
// page's origin). Field names the Init or Explain field ("url", "mode",
// "headers[2]").
type InputError struct {
	// Field is the field at fault, as the scenario names it.
	Field string
	// Msg says what is wrong with it.
	Msg string
}

// Error returns "field: message".
func (e *InputError) Error() string { return e.Field + ": " + e.Msg }

// Dropped is a header the page set that the browser does not send: a
// forbidden request-header (https://fetch.spec.whatwg.org/#forbidden-request-header),
// or in mode "no-cors" one that is not no-CORS-safelisted
// (https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header).
// fetch() drops it without an error, which is why the model reports it.
type Dropped struct {
	// Name and Value are the header as the page set it (the value
	// trimmed of HTTP whitespace).
	Name, Value string
	// Why says which rule dropped it, in words.
	Why string
}

// Request is a fetch() after the Request constructor ran: method
// normalized, forbidden headers dropped, the body's Content-Type added.
type Request struct {
	Origin origin.Origin // the page's origin
	URL    origin.URL    // the parsed request URL
	// Method is the normalized method (https://fetch.spec.whatwg.org/#concept-method-normalize).
	Method string
	Header headers.List // author headers the browser keeps, in order
	// Dropped are the headers the page set that are not sent, in order.
	Dropped []Dropped
	// Credentials, Mode and Redirect are the request's modes with
	// fetch()'s defaults filled in (https://fetch.spec.whatwg.org/#requestinit).
	Credentials string // omit, same-origin (the default), include
	Mode        string // cors (the default), no-cors, same-origin, navigate
	Redirect    string // follow (the default), error, manual
	// XHR is set for an XMLHttpRequest (Init.API "xhr").
	XHR bool
	// Network is where the page and the target live, for Local Network
	// Access; nil when the scenario does not say (every engine then
	// fetches as if both were in one address space).
	Network *Network
	// HasBody is set when the page passed a body of any kind.
	HasBody bool
	// UseCORSPreflight is the use-CORS-preflight flag: a stream body sets it
	// (https://fetch.spec.whatwg.org/#use-cors-preflight-flag).
	UseCORSPreflight bool
	// Checks traces the construction.
	Checks []Check
	// originText and urlText are Origin and URL serialized, worked out
	// once with the request (originText from the page's origin as
	// NewRequest was given it, when it is written so: serializedFrom):
	// every run writes them into its requests and sentences, and a
	// request the same in every profile (Init.SameInEveryProfile) is run
	// by several. Both are "" in a Request not built by NewRequest, whose
	// runs serialize them.
	originText, urlText string
}

// Network places a fetch for Local Network Access
// (https://wicg.github.io/local-network-access/): the IP address spaces
// of the page and of the request's target, in CDP's names (public,
// local, loopback), and the page's permission to reach a less public
// space (granted, denied, prompt: a prompt nobody answers).
type Network struct {
	Page, Target, Permission string
}

// The IP address spaces, most public first, and the permission settings
// (CDP's Network.IPAddressSpace and Browser.PermissionSetting).
const (
	SpacePublic       = "public"
	SpaceLocal        = "local"
	SpaceLoopback     = "loopback"
	PermissionGranted = "granted"
	PermissionDenied  = "denied"
	PermissionPrompt  = "prompt"
)

// lessPublic reports whether space a is less public than b (loopback <
// local < public).
func lessPublic(a, b string) bool { return spaceRank(a) < spaceRank(b) }

func spaceRank(s string) int {
	switch s {
	case SpaceLoopback:
		return 0
	case SpaceLocal:
		return 1
	}
	return 2
}

// Include reports whether the credentials mode is "include", the only mode
// under which the CORS check asks for Access-Control-Allow-Credentials.
func (r *Request) Include() bool { return r.Credentials == "include" }

const (
	specRequest   = "https://fetch.spec.whatwg.org/#dom-request"
	specNormalize = "https://fetch.spec.whatwg.org/#concept-method-normalize"
	specForbidden = "https://fetch.spec.whatwg.org/#forbidden-request-header"
	specNoCors    = "https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header"
	specBody      = "https://fetch.spec.whatwg.org/#concept-bodyinit-extract"
)

// NewRequest runs the Request constructor for fetch(url, init) from a page
// whose origin is pageOrigin. It returns an *InputError for input no page
// could produce, or a *Failure whose Reason is one of the TypeError reasons
// when fetch() itself throws before any request.
func (p *Profile) NewRequest(pageOrigin, rawURL string, in Init) (*Request, *Failure, error) {
	o, err := origin.Parse(pageOrigin)
	if err != nil {
		return nil, nil, &InputError{"origin", err.Error()}
	}
	u, err := origin.ParseURL(rawURL)
	if err != nil {
		return nil, nil, &InputError{"url", err.Error()}
	}
	return p.newRequest(pageOrigin, o, u, rawURL, &in)
}

// NewRequestParsed is NewRequest for a page origin and a URL already
// parsed (o is origin.Parse(pageOrigin), u origin.ParseURL(rawURL); both
// are values of strings, which no run changes): a fix search that runs
// one request in several browsers and for several candidate policies
// parses them once.
func (p *Profile) NewRequestParsed(pageOrigin string, o origin.Origin, u origin.URL, rawURL string, in Init) (*Request, *Failure, error) {
	return p.newRequest(pageOrigin, o, u, rawURL, &in)
}

// SameInEveryProfile reports whether NewRequest builds the same Request,
// Failure and error for in in every profile, so that a caller running
// one fetch in several browsers may build it once: only a ReadableStream
// body (Profile.NoStreamUploads, Profile.NoRequestStreams) and mode
// "no-cors" (its safelist, SafelistedRequestHeader) read the profile.
// TestSameInEveryProfile holds NewRequest to it.
func (in *Init) SameInEveryProfile() bool { return in.BodyType != "stream" && in.Mode != "no-cors" }

// newRequest is NewRequest's work once the origin and URL are parsed; in
// is the caller's own copy, by pointer so that it is not copied again.
func (p *Profile) newRequest(pageOrigin string, o origin.Origin, u origin.URL, rawURL string, in *Init) (*Request, *Failure, error) {
	r := &Request{Origin: o, URL: u}
	var bad []error
	r.Credentials = pick(&bad, "credentials", in.Credentials, "same-origin", "omit", "same-origin", "include")
	r.XHR = pick(&bad, "api", in.API, "fetch", "fetch", "xhr") == "xhr"
	if r.XHR {
		bad = append(bad, xhrFaults(*in)...)
		in.Mode, in.Redirect = "", ""
		if r.Credentials != "include" {
			r.Credentials = "same-origin"
		}
		if m := NormalizeMethod(in.Method); m == "GET" || m == "HEAD" || in.Method == "" {
			// send() ignores a body for GET and HEAD
			// (https://xhr.spec.whatwg.org/#the-send()-method).
			in.Body, in.BodyType = nil, ""
		}
	}
	r.Mode = pick(&bad, "mode", in.Mode, "cors", "cors", "no-cors", "same-origin", "navigate")
	r.Redirect = pick(&bad, "redirect", in.Redirect, "follow", "follow", "error", "manual")
	if len(in.Headers) > MaxHeaders {
		bad = append(bad, &InputError{"headers", "more than " + itoa(MaxHeaders) + " headers"})
	}
	size := 0
	for _, f := range in.Headers {
		size += len(f.Name) + len(f.Value)
	}
	if size > MaxHeaderBytes {
		bad = append(bad, &InputError{"headers", "more than " + itoa(MaxHeaderBytes) + " bytes of headers"})
	}
	contentType := ""
	switch bt := in.BodyType; {
	case bt == "":
		if in.Body != nil {
			// A string body is a USVString: text/plain;charset=UTF-8
			// (https://fetch.spec.whatwg.org/#concept-bodyinit-extract).
			contentType = "text/plain;charset=UTF-8"
		}
	case bt == "urlsearchparams":
		contentType = "application/x-www-form-urlencoded;charset=UTF-8"
	case bt == "formdata":
		// The boundary is random in browsers; any boundary keeps the
		// value safelisted.
		contentType = "multipart/form-data; boundary=----whycorsFormBoundary"
	case bt == "arraybuffer":
	case bt == "stream" && p.NoStreamUploads:
		// fetch() throws below, before any request.
	case bt == "stream" && p.NoRequestStreams:
		contentType = "text/plain;charset=UTF-8"
	case bt == "stream":
		r.UseCORSPreflight = true
	case strings.HasPrefix(bt, "blob:"):
		// Blob's type is lowercased when it is printable ASCII, else ""
		// (File API, Blob constructor).
		t := bt[len("blob:"):]
		if isPrintableASCII(t) {
			contentType = strings.ToLower(t)
		}
	default:
		bad = append(bad, &InputError{"body_type", "unknown value " + quote(bt) + "; want blob:<type>, urlsearchparams, formdata, arraybuffer or stream"})
	}
	if len(bad) > 0 {
		return nil, nil, joinErrors(bad)
	}
	r.HasBody = in.Body != nil || in.BodyType != ""

	// A header value is a ByteString: a character above U+00FF throws a
	// TypeError while fetch()'s init dictionary is converted, before any
	// step of the Request constructor (https://webidl.spec.whatwg.org/#es-ByteString;
	// the e2e recordings hdr-value-non-latin1). XMLHttpRequest's
	// setRequestHeader() throws too, after open() (below).
	if !r.XHR {
		for _, f := range in.Headers {
			if !IsByteString(f.Value) {
				return r, throws(ReasonInvalidHeaderValue, f.Value, u), nil
			}
		}
	}

	// URL with credentials throws (https://fetch.spec.whatwg.org/#dom-request, step 5.3).
	// XMLHttpRequest takes them as the request's username and password
	// (https://xhr.spec.whatwg.org/#the-open()-method).
	if u.HasCredentials() && !r.XHR {
		return r, throws(ReasonURLCredentials, rawURL, u), nil
	}
	if u.HasCredentials() {
		// They are no part of the request line: a request whose
		// credentials mode includes credentials sends them as
		// Authorization (https://fetch.spec.whatwg.org/#http-network-or-cache-fetch),
		// one without does not send them (the e2e recordings
		// xhr-url-credentials: a GET of the URL without them).
		u.Username, u.Password = "", ""
		r.URL = u
	}
	if r.Mode == "navigate" {
		return r, throws(ReasonModeNavigate, "", u), nil
	}
	method := in.Method
	if method == "" {
		method = "GET"
	}
	if !IsToken(method) {
		return r, throws(ReasonInvalidMethod, method, u), nil
	}
	if ForbiddenMethod(method) {
		return r, throws(ReasonForbiddenMethod, method, u), nil
	}
	r.Method = NormalizeMethod(method)
	if r.Method != method {
		r.Checks = append(r.Checks, Check{ID: "request.method", Title: "Method normalized", Status: Info,
			Detail: quote(method) + " is sent as " + quote(r.Method) + ": only DELETE, GET, HEAD, OPTIONS, POST and PUT are uppercased (PATCH is not).", Spec: specNormalize})
	}
	if r.Mode == "no-cors" && !SafelistedMethod(r.Method) {
		return r, throws(ReasonNoCorsMethod, r.Method, u), nil
	}
	for _, f := range in.Headers {
		if r.XHR && !IsByteString(f.Value) {
			// setRequestHeader(name, value) converts its arguments to
			// ByteStrings before it checks the name
			// (https://xhr.spec.whatwg.org/#the-setrequestheader()-method;
			// the e2e recordings xhr-header-non-latin1).
			return r, throws(ReasonInvalidHeaderValue, f.Value, u), nil
		}
		if !IsToken(f.Name) {
			return r, throws(ReasonInvalidHeader, f.Name, u), nil
		}
		v := trimHTTPWS(f.Value)
		if strings.IndexByte(v, 0) >= 0 || strings.IndexByte(v, '\r') >= 0 || strings.IndexByte(v, '\n') >= 0 {
			return r, throws(ReasonInvalidHeaderValue, f.Value, u), nil
		}
		if why := forbiddenHeader(f.Name, v); why != "" {
			r.Dropped = append(r.Dropped, Dropped{f.Name, v, why})
			continue
		}
		if r.Header == nil {
			// Room for every line and a Content-Type from the body.
			r.Header = make(headers.List, 0, len(in.Headers)+1)
		}
		r.Header = append(r.Header, headers.Field{Name: f.Name, Value: v})
	}
	if contentType != "" && !r.Header.Has("Content-Type") {
		r.Header = append(r.Header, headers.Field{Name: "Content-Type", Value: contentType})
		r.Checks = append(r.Checks, Check{ID: "request.body-content-type", Title: "Content-Type from the body", Status: Info,
			Detail: "The body adds Content-Type: " + contentType + " because the page set none.", Spec: specBody})
	}
	if r.Mode == "no-cors" {
		// The request-no-cors guard keeps only no-CORS-safelisted
		// request-headers and removes Range
		// (https://fetch.spec.whatwg.org/#concept-headers-append).
		kept := r.Header[:0:0]
		for _, f := range r.Header {
			if p.noCorsSafelisted(f.Name, f.Value) {
				kept = append(kept, f)
			} else {
				r.Dropped = append(r.Dropped, Dropped{f.Name, f.Value, "not a no-CORS-safelisted request-header: the request-no-cors guard drops it"})
			}
		}
		r.Header = kept
		if r.UseCORSPreflight {
			return r, throws(ReasonStreamNoCors, "", u), nil
		}
	}
	if in.BodyType == "stream" && p.NoStreamUploads {
		return r, throws(ReasonStreamUnsupported, "", u), nil
	}
	if r.HasBody && (r.Method == "GET" || r.Method == "HEAD") {
		return r, throws(ReasonBodyWithGetHead, r.Method, u), nil
	}
	for _, d := range r.Dropped {
		r.Checks = append(r.Checks, Check{ID: "request.header-dropped", Title: "Header dropped", Status: Warn,
			Detail: d.Name + " is not sent: " + d.Why + ". fetch() drops it silently.", Header: d.Name + ": " + d.Value, Spec: specForbidden})
	}
	r.originText, r.urlText = serializedFrom(o, pageOrigin), rawURL
	if !r.URL.Serializes(rawURL) {
		r.urlText = r.URL.String()
	}
	return r, nil, nil
}

// pick is the value of an option of fetch()'s init, v, which allowed
// lists, or def when v is "" or not allowed, which adds an *InputError
// to *bad. (Not inlined: at its four calls it cost the page's wasm KBs.)
//
//go:noinline
func pick(bad *[]error, field, v, def string, allowed ...string) string {
	if v == "" {
		return def
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	*bad = append(*bad, &InputError{field, "unknown value " + quote(v) + "; want one of " + strings.Join(allowed, ", ")})
	return def
}

// throws is the Failure of a fetch() that throws for reason: the value
// at fault and the URL. (Not inlined: its dozen calls in newRequest, each
// an allocation and a URL's serialization, cost the page's wasm KBs.)
//
//go:noinline
func throws(reason, value string, u origin.URL) *Failure {
	return &Failure{Reason: reason, Value: value, URL: u.String()}
}

// xhrFaults are the options of in an XMLHttpRequest has no way to set:
// its request is always mode "cors" and redirect "follow", and send()
// takes no ReadableStream (https://xhr.spec.whatwg.org/#the-send()-method).
func xhrFaults(in Init) []error {
	var bad []error
	if in.Mode != "" {
		bad = append(bad, &InputError{"mode", "XMLHttpRequest has no mode (it is always cors); remove mode or use api fetch"})
	}
	if in.Redirect != "" {
		bad = append(bad, &InputError{"redirect", "XMLHttpRequest has no redirect option (it always follows); remove redirect or use api fetch"})
	}
	if in.BodyType == "stream" {
		bad = append(bad, &InputError{"body_type", "XMLHttpRequest cannot send a ReadableStream; use api fetch"})
	}
	return bad
}

func (p *Profile) noCorsSafelisted(name, value string) bool {
	var buf [32]byte
	switch string(lowerInto(buf[:0], name)) {
	case "accept", "accept-language", "content-language", "content-type":
		return p.SafelistedRequestHeader(name, value)
	}
	return false
}

// SafelistedMethod reports a CORS-safelisted method: GET, HEAD or POST,
// byte for byte (https://fetch.spec.whatwg.org/#cors-safelisted-method).
func SafelistedMethod(m string) bool { return m == "GET" || m == "HEAD" || m == "POST" }

// ForbiddenMethod reports CONNECT, TRACE and TRACK in any case
// (https://fetch.spec.whatwg.org/#forbidden-method).
func ForbiddenMethod(m string) bool {
	return headers.EqualFold(m, "CONNECT") || headers.EqualFold(m, "TRACE") || headers.EqualFold(m, "TRACK")
}

// NormalizeMethod uppercases DELETE, GET, HEAD, OPTIONS, POST and PUT and
// leaves every other method alone, so "patch" stays "patch"
// (https://fetch.spec.whatwg.org/#concept-method-normalize).
func NormalizeMethod(m string) string {
	for _, n := range [...]string{"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"} {
		if headers.EqualFold(m, n) {
			return n
		}
	}
	return m
}

// forbiddenNames are the forbidden request-header names, lowercase,
// other than those starting with "proxy-" or "sec-"
// (https://fetch.spec.whatwg.org/#forbidden-request-header). A table,
// not a map: a map is built when the package starts, which costs the
// page's start-up (issue 23).
var forbiddenNames = [...]string{
	"accept-charset", "accept-encoding", "access-control-request-headers",
	"access-control-request-method", "connection", "content-length",
	"cookie", "cookie2", "date", "dnt", "expect", "host",
	"keep-alive", "origin", "referer", "set-cookie", "te",
	"trailer", "transfer-encoding", "upgrade", "via",
}

// forbiddenHeader returns why (name, value) is a forbidden request-header,
// or "" (https://fetch.spec.whatwg.org/#forbidden-request-header).
func forbiddenHeader(name, value string) string {
	var buf [32]byte
	n := lowerInto(buf[:0], name) // compared, not kept: no copy
	switch {
	case indexName(forbiddenNames[:], string(n)) >= 0:
		return "a forbidden request-header name"
	case bytes.HasPrefix(n, []byte("proxy-")), bytes.HasPrefix(n, []byte("sec-")):
		return "names starting with " + quote(string(n[:bytes.IndexByte(n, '-')+1])) + " are forbidden request-headers"
	case string(n) == "x-http-method" || string(n) == "x-http-method-override" || string(n) == "x-method-override":
		for _, m := range strings.Split(value, ",") {
			if ForbiddenMethod(strings.Trim(m, httpWS)) {
				return "it names the forbidden method " + quote(strings.Trim(m, httpWS))
			}
		}
	}
	return ""
}

// RequestUnsafeNames returns the request's CORS-unsafe request-header names.
func (p *Profile) RequestUnsafeNames(r *Request) []string { return p.UnsafeNames(r.Header) }

// NeedsPreflight reports whether a cross-origin cors-mode request needs a
// CORS-preflight fetch (https://fetch.spec.whatwg.org/#main-fetch, step 12
// "use-CORS-preflight flag ... or unsafe-request flag and (method is not a
// CORS-safelisted method or CORS-unsafe request-header names is not
// empty)"), and why, in words.
func (p *Profile) NeedsPreflight(r *Request) (bool, []string) {
	var w words.Arena
	names := p.unsafeNames(r.Header, &w, nil)
	if !needsPreflight(r, r.Method, names) {
		return false, nil
	}
	why, n := p.preflightReasons(r, r.Method, names, &w)
	return true, append(make([]string, 0, len(why)), why[:n]...)
}

// needsPreflight is NeedsPreflight for method and the CORS-unsafe names
// of the header list as sent at this hop (UnsafeNames), which the caller
// has already worked out.
func needsPreflight(r *Request, method string, names []string) bool {
	return r.UseCORSPreflight || !SafelistedMethod(method) || len(names) > 0
}

// preflightReasons are the reasons of needsPreflight in words, written
// in w: n of them, at most three.
func (p *Profile) preflightReasons(r *Request, method string, names []string, w *words.Arena) (why [3]string, n int) {
	if r.UseCORSPreflight {
		why[n] = "the body is a ReadableStream, which sets the use-CORS-preflight flag"
		n++
	}
	if !SafelistedMethod(method) {
		why[n] = w.Cat("the method ", method, " is not GET, HEAD or POST")
		n++
	}
	if len(names) > 0 {
		start := w.Mark()
		w.Write("these headers are not CORS-safelisted: ")
		w.WriteJoin(names, ", ")
		why[n] = w.Since(start)
		n++
	}
	return why, n
}

// PreflightRequest builds the OPTIONS request the browser sends before r
// (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0): Accept: */*,
// Access-Control-Request-Method with the method as is,
// Access-Control-Request-Headers with the CORS-unsafe names lowercased,
// sorted and joined by "," without spaces (only when there are any), and
// Origin. serializedOrigin is "null" after a tainting redirect.
func (p *Profile) PreflightRequest(r *Request, url origin.URL, method string, h headers.List, serializedOrigin string) wire.Request {
	var w words.Arena
	return preflightRequest(url.String(), method, p.unsafeNames(h, &w, nil), serializedOrigin, &w, nil)
}

// preflightRequest is PreflightRequest for the URL serialized and the
// CORS-unsafe names already worked out; what it builds is written in w,
// its lines in m.
func preflightRequest(url, method string, names []string, serializedOrigin string, w *words.Arena, m *lists) wire.Request {
	out := m.takeLines(4)
	out = append(out, headers.Field{Name: "Accept", Value: "*/*"}, headers.Field{Name: "Access-Control-Request-Method", Value: method})
	if len(names) > 0 {
		out = append(out, headers.Field{Name: "Access-Control-Request-Headers", Value: w.Join(names, ",")})
	}
	out = append(out, headers.Field{Name: "Origin", Value: serializedOrigin})
	return wire.Request{Method: "OPTIONS", URL: url, Header: out}
}

// ActualRequest builds the request as sent: the page's headers in order,
// Accept: */* when the page set no Accept (https://fetch.spec.whatwg.org/#fetching,
// step 12), and Origin when the fetch is CORS or the method is not
// GET or HEAD (https://fetch.spec.whatwg.org/#append-a-request-origin-header).
func ActualRequest(url origin.URL, method string, h headers.List, serializedOrigin string, cors bool) wire.Request {
	return actualRequest(url.String(), method, h, serializedOrigin, cors, nil)
}

// actualRequest is ActualRequest for the URL serialized, its lines in m.
func actualRequest(url, method string, h headers.List, serializedOrigin string, cors bool, m *lists) wire.Request {
	// The page's lines and room for the two the browser adds.
	out := append(m.takeLines(len(h)+2), h...)
	if !out.Has("Accept") {
		out = append(out, headers.Field{Name: "Accept", Value: "*/*"})
	}
	if cors || (method != "GET" && method != "HEAD") {
		out = append(out, headers.Field{Name: "Origin", Value: serializedOrigin})
	}
	return wire.Request{Method: method, URL: url, Header: out}
}

// IsByteString reports whether every character of s is at most U+00FF,
// so that WebIDL converts it to a ByteString
// (https://webidl.spec.whatwg.org/#es-ByteString).
func IsByteString(s string) bool {
	for _, c := range s {
		if c > 0xFF {
			return false
		}
	}
	return true
}

// notByte returns the UTF-16 index and code unit of the first character of
// s above U+00FF, as a JavaScript string indexes it (a character outside
// the BMP is its high surrogate); ok is false when there is none.
func notByte(s string) (index int, unit rune, ok bool) {
	for _, c := range s {
		if c > 0xFF {
			if c > 0xFFFF {
				c = 0xD800 + (c-0x10000)>>10
			}
			return index, c, true
		}
		index++
		if c > 0xFFFF {
			index++
		}
	}
	return 0, 0, false
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

// quote is s in double quotes. It is not inlined: one concatenation
// instead of one per message is 0.5 KB less of the page's wasm (brotli).
//
//go:noinline
func quote(s string) string { return "\"" + s + "\"" }
