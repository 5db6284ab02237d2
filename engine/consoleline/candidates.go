package consoleline

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
)

// Candidate is one scenario that prints the line, and what it assumes,
// in words.
type Candidate struct {
	Desc     string           `json:"desc"`
	Scenario explain.Scenario `json:"scenario"`
}

// MaxCandidates is how many candidates Candidates returns at most.
const MaxCandidates = 5

// Placeholders stand for what a line does not name.
const (
	PlaceholderOrigin = "https://your-site.example"
	PlaceholderURL    = "https://your-api.example/resource"
)

// Candidates returns the few scenarios (at most MaxCandidates) whose
// fetch prints the line in its browser: the page's origin (the line's,
// or PlaceholderOrigin, said so in Desc), a request whose method and
// headers reach the failing check, and raw replies carrying the value
// the line names. For Chrome's "(redirected from URL)" the fetch starts
// there and its server redirects to the line's URL, a route; for
// Safari's "Cross-origin redirection to URL denied" the failing reply is
// a redirect to that URL. It returns none when no scenario of the model
// prints the line (a nil line).
func Candidates(l *Line) []Candidate {
	if l == nil {
		return nil
	}
	b := &builder{l: l, origin: l.Origin, url: l.URL}
	if b.url == "" {
		b.url = PlaceholderURL
		switch {
		case strings.HasPrefix(l.RedirectTo, "http:") || l.Reason == fetch.ReasonStreamNeedsHTTP2:
			b.url = "http" + strings.TrimPrefix(PlaceholderURL, "https")
		case l.Reason == fetch.ReasonCorsDisabledScheme:
			b.url = "ftp" + strings.TrimPrefix(PlaceholderURL, "https")
		}
		b.note = " (the line names no URL: " + b.url + " stands for yours)"
	}
	if b.origin == "" {
		// An https page cannot fetch http at all (mixed content), so the
		// placeholder page has the URL's scheme.
		b.origin = PlaceholderOrigin
		if !strings.HasPrefix(b.url, "https:") && l.Reason != fetch.ReasonMixedContent {
			b.origin = "http" + strings.TrimPrefix(PlaceholderOrigin, "https")
		}
		if l.Value == b.origin {
			b.origin = strings.Replace(b.origin, "your-site", "your-other-site", 1)
		}
		b.note += " (the line names no origin: " + b.origin + " stands for your page's)"
	}
	b.add(l.Reason)
	for _, r := range l.Also {
		b.add(r)
	}
	if l.RedirectedFrom != "" {
		b.redirected()
	}
	if l.RedirectTo != "" {
		b.redirecting()
	}
	if len(b.out) > MaxCandidates {
		b.out = b.out[:MaxCandidates]
	}
	return b.out
}

// redirecting keeps the candidates whose response fails the check and
// makes that response a redirect to RedirectTo, as Safari's line says.
func (b *builder) redirecting() {
	out := b.out[:0]
	for _, c := range b.out {
		s := c.Scenario
		if s.Preflight != nil || s.Response == nil || s.Network != nil {
			continue
		}
		r := *s.Response
		r.Header = r.Header.Clone()
		if r.Status < 300 || r.Status > 399 {
			r.Status = 302
		}
		if !r.Header.Has("Location") {
			r.Header.Add("Location", b.l.RedirectTo)
		}
		s.Response = &r
		c.Desc = "A redirect (" + itoa(r.Status) + ") to " + b.l.RedirectTo + ": " + c.Desc
		c.Scenario = s
		out = append(out, c)
	}
	b.out = out
}

// redirected moves each candidate's replies to a route at the line's URL
// and sends the fetch to RedirectedFrom instead, whose server redirects
// there (307 keeps the method and body) and passes the CORS checks of
// that first hop, so that the check the line names fails on the target.
func (b *builder) redirected() {
	out := b.out[:0]
	for _, c := range b.out {
		s := c.Scenario
		if s.Network != nil {
			continue
		}
		route := explain.Route{URL: b.url, Preflight: s.Preflight, Response: s.Response}
		if route.Response == nil {
			route.Response = reply(200)
		}
		s.Request.URL = b.l.RedirectedFrom
		s.Routes = []explain.Route{route}
		s.Response = reply(307, acao, b.origin, acac, "true", "Location", b.url)
		names := make([]string, 0, len(s.Request.Headers))
		for _, h := range s.Request.Headers {
			names = append(names, h.Name)
		}
		method := s.Request.Method
		if method == "" {
			method = "GET"
		}
		s.Preflight = reply(204, acao, b.origin, acac, "true", acam, method, acah, strings.Join(names, ", "))
		c.Desc = "The fetch of " + b.l.RedirectedFrom + " is redirected (307) to " + b.url + ", which fails the check: " + c.Desc
		c.Scenario = s
		out = append(out, c)
	}
	b.out = out
}

type builder struct {
	l                 *Line
	origin, url, note string
	out               []Candidate
}

// other is an origin that is not the page's.
func (b *builder) other() string {
	if b.origin == "https://other.example" {
		return "https://another.example"
	}
	return "https://other.example"
}

func (b *builder) emit(desc string, s explain.Scenario) {
	s.Browser = b.l.Browser
	s.Request.Origin, s.Request.URL = b.origin, b.url
	if b.l.API == "xhr" {
		s.Request.API = "xhr"
	}
	off := false
	s.Fixes = &off
	// Two readings of a line (a mismatch, a value that is no origin) may
	// come to the same reply.
	for _, c := range b.out {
		if reflect.DeepEqual(c.Scenario, s) {
			return
		}
	}
	b.out = append(b.out, Candidate{Desc: desc + b.note, Scenario: s})
}

// status is the line's status code, else def.
func (b *builder) status(def int) int {
	if b.l.Status != 0 {
		return b.l.Status
	}
	return def
}

func reply(status int, kv ...string) *explain.Reply {
	r := &explain.Reply{Status: status, Header: headers.List{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Header.Add(kv[i], kv[i+1])
	}
	return r
}

func itoa(n int) string { return strconv.Itoa(n) }

// A PUT with a JSON body: the most common fetch that needs a preflight.
func put() explain.Request {
	return explain.Request{Init: fetch.Init{Method: "PUT", Headers: headers.List{{Name: "Content-Type", Value: "application/json"}}}}
}

func include(r explain.Request) explain.Request {
	r.Credentials = "include"
	return r
}

const (
	acao = "Access-Control-Allow-Origin"
	acac = "Access-Control-Allow-Credentials"
	acam = "Access-Control-Allow-Methods"
	acah = "Access-Control-Allow-Headers"
)

func (b *builder) add(reason string) {
	l, o := b.l, b.origin
	pf := strings.HasPrefix(reason, "Preflight") && reason != fetch.ReasonPreflightInvalidStatus && reason != fetch.ReasonPreflightDisallowedRedirect
	base := strings.TrimPrefix(reason, "Preflight")
	if !pf && reason != base {
		base = reason
	}
	// okPreflight passes every preflight check for put().
	okPreflight := func(status int, kv ...string) *explain.Reply {
		return reply(status, append([]string{acao, o, acam, "PUT", acah, "Content-Type"}, kv...)...)
	}
	switch {
	case pf && base == fetch.ReasonMissingAllowOriginHeader:
		st := b.status(0)
		if l.Browser == "safari" && (st < 200 || st > 299) {
			return // Safari checks the status first.
		}
		if st != 0 {
			b.emit("A PUT with a JSON body needs a preflight; the server answers the OPTIONS request "+itoa(st)+" without Access-Control-Allow-Origin", explain.Scenario{Request: put(), Preflight: reply(st)})
			return
		}
		b.emit("A PUT with a JSON body needs a preflight; the server answers OPTIONS 403 without CORS headers, as S3 does when no CORS rule matches the origin, method or headers", explain.Scenario{Request: put(), Preflight: reply(403)})
		b.emit("A PUT with a JSON body needs a preflight; the server has no OPTIONS route and answers 404 without CORS headers", explain.Scenario{Request: put(), Preflight: reply(404)})
		b.emit("A PUT with a JSON body needs a preflight; the server answers OPTIONS 204 but sends CORS headers only on other methods", explain.Scenario{Request: put(), Preflight: reply(204)})
	case base == fetch.ReasonMissingAllowOriginHeader:
		st := b.status(200)
		b.emit("A GET answered "+itoa(st)+" without Access-Control-Allow-Origin", explain.Scenario{Response: reply(st)})
		if l.Browser == "chrome" && l.Status == 0 {
			b.emit("A GET answered by an error page (500) without CORS headers, as many frameworks' error handlers send", explain.Scenario{Response: reply(500)})
		}
		if l.Browser == "firefox" && st >= 200 && st <= 299 {
			b.emit("A PUT with a JSON body needs a preflight; the server answers the OPTIONS request "+itoa(st)+" without Access-Control-Allow-Origin", explain.Scenario{Request: put(), Preflight: reply(st)})
		}
	case base == fetch.ReasonAllowOriginMismatch || base == fetch.ReasonInvalidAllowOriginValue:
		v := l.Value
		what := "the value " + strconv.Quote(v)
		if l.Browser == "safari" { // Safari's line does not name it.
			v, what = b.other(), "another origin, "+b.other()
		}
		if pf {
			st := b.status(204)
			if st < 200 || st > 299 {
				return
			}
			b.emit("A PUT with a JSON body needs a preflight; the OPTIONS reply ("+itoa(st)+")'s Access-Control-Allow-Origin is "+what+", not the page's origin", explain.Scenario{Request: put(), Preflight: okPreflightWith(okPreflight(st), acao, v)})
			return
		}
		st := b.status(200)
		if l.Browser == "safari" && reason == base && l.Value == "" && base == fetch.ReasonInvalidAllowOriginValue {
			return // The same reply as the mismatch.
		}
		b.emit("A GET answered "+itoa(st)+" with Access-Control-Allow-Origin "+what+", not the page's origin", explain.Scenario{Response: reply(st, acao, v)})
		if l.Browser == "firefox" {
			// Firefox's line does not say whether the preflight failed.
			b.emit("A PUT with a JSON body needs a preflight; the OPTIONS reply's Access-Control-Allow-Origin is "+what+", not the page's origin", explain.Scenario{Request: put(), Preflight: okPreflightWith(okPreflight(204), acao, v)})
		}
	case base == fetch.ReasonMultipleAllowOriginValues:
		if l.Browser == "firefox" && l.Reason != reason {
			return // "does not match": the mismatch's reply already covers a list.
		}
		switch {
		case l.Browser == "firefox" && l.Value == "":
			b.emit("A GET answered with two Access-Control-Allow-Origin header lines (a proxy and the application both add one)", explain.Scenario{Response: reply(200, acao, o, acao, o)})
			return
		case l.Value == "":
			v := o + ", " + b.other()
			b.emit("A GET answered with a list of origins in one Access-Control-Allow-Origin, "+strconv.Quote(v), explain.Scenario{Response: reply(200, acao, v)})
			return
		}
		if pf {
			b.emit("A PUT with a JSON body needs a preflight; the OPTIONS reply's Access-Control-Allow-Origin lists several values, "+strconv.Quote(l.Value), explain.Scenario{Request: put(), Preflight: okPreflightWith(okPreflight(204), acao, l.Value)})
			return
		}
		b.emit("A GET answered with Access-Control-Allow-Origin listing several values, "+strconv.Quote(l.Value), explain.Scenario{Response: reply(200, acao, l.Value)})
	case base == fetch.ReasonWildcardOriginNotAllowed:
		if pf {
			b.emit("A PUT with credentials: \"include\"; the preflight answers Access-Control-Allow-Origin: *, which credentials forbid", explain.Scenario{Request: include(put()), Preflight: okPreflightWith(okPreflight(204, acac, "true"), acao, "*")})
			return
		}
		b.emit("A GET with credentials: \"include\" answered with Access-Control-Allow-Origin: *, which credentials forbid", explain.Scenario{Request: include(explain.Request{}), Response: reply(200, acao, "*", acac, "true")})
		if l.Browser != "chrome" {
			b.emit("A PUT with credentials: \"include\"; the preflight answers Access-Control-Allow-Origin: *, which credentials forbid", explain.Scenario{Request: include(put()), Preflight: okPreflightWith(okPreflight(204, acac, "true"), acao, "*")})
		}
	case base == fetch.ReasonInvalidAllowCredentials:
		values := []string{l.Value}
		if l.Browser != "chrome" {
			values = []string{"", "True"}
		}
		for _, v := range values {
			kv, what := []string{acao, o}, "without Access-Control-Allow-Credentials"
			if v != "" {
				kv, what = append(kv, acac, v), "with Access-Control-Allow-Credentials: "+v+" (only the exact value true counts)"
			}
			if pf {
				b.emit("A PUT with credentials: \"include\"; the preflight allows the origin but answers "+what, explain.Scenario{Request: include(put()), Preflight: okPreflightWith(reply(204, append([]string{acam, "PUT", acah, "Content-Type"}, kv...)...), acao, o)})
				continue
			}
			b.emit("A GET with credentials: \"include\" answered with the page's origin in Access-Control-Allow-Origin but "+what, explain.Scenario{Request: include(explain.Request{}), Response: reply(200, kv...)})
		}
	case reason == fetch.ReasonPreflightInvalidStatus:
		statuses := []int{l.Status}
		if l.Status == 0 {
			statuses = []int{403, 404, 500}
		}
		for _, st := range statuses {
			if st >= 200 && st <= 299 {
				continue // An ok status passes this check.
			}
			if st >= 300 && st <= 399 {
				b.emit("A PUT with a JSON body needs a preflight; the server answers OPTIONS "+itoa(st)+" without a Location, which is no ok status", explain.Scenario{Request: put(), Preflight: okPreflight(st)})
				continue
			}
			b.emit("A PUT with a JSON body needs a preflight; the server answers OPTIONS "+itoa(st)+" (an authentication or routing layer rejects it) with CORS headers but no ok status", explain.Scenario{Request: put(), Preflight: okPreflight(st)})
		}
	case reason == fetch.ReasonPreflightDisallowedRedirect:
		st := b.status(301)
		if st < 300 || st > 399 {
			return
		}
		b.emit("A PUT with a JSON body needs a preflight; the server redirects the OPTIONS request ("+itoa(st)+"), which a preflight never follows", explain.Scenario{Request: put(), Preflight: okPreflight(st, "Location", "/elsewhere")})
	case reason == fetch.ReasonInvalidAllowMethods:
		v := l.Value
		if v == "" {
			v = "PUT, (bad)"
		}
		b.emit("A PUT with a JSON body needs a preflight; its Access-Control-Allow-Methods, "+strconv.Quote(v)+", is not a list of methods", explain.Scenario{Request: put(), Preflight: okPreflightWith(okPreflight(204), acam, v)})
	case reason == fetch.ReasonInvalidAllowHeaders:
		v := l.Value
		if v == "" {
			v = "Content-Type;"
		}
		b.emit("A PUT with a JSON body needs a preflight; its Access-Control-Allow-Headers, "+strconv.Quote(v)+", is not a list of header names", explain.Scenario{Request: put(), Preflight: okPreflightWith(okPreflight(204), acah, v)})
	case reason == fetch.ReasonMethodDisallowed:
		methods := []string{l.Value}
		if l.Value == "" {
			methods = []string{"PUT", "DELETE", "PATCH"}
		}
		for _, m := range methods {
			if fetch.SafelistedMethod(strings.ToUpper(m)) {
				continue // A CORS-safelisted method needs no preflight.
			}
			b.emit("A "+m+" request needs a preflight; the preflight allows the origin but its Access-Control-Allow-Methods does not list "+m, explain.Scenario{Request: explain.Request{Init: fetch.Init{Method: m}}, Preflight: reply(204, acao, o, acam, "GET, POST")})
		}
	case reason == fetch.ReasonHeaderDisallowed:
		name := l.Value
		if name == "" {
			name = "X-Requested-With"
		}
		r := explain.Request{Init: fetch.Init{Headers: headers.List{{Name: name, Value: unsafeValue(name)}}}}
		b.emit("The request header "+name+" needs a preflight; the preflight allows the origin but its Access-Control-Allow-Headers does not list "+name, explain.Scenario{Request: r, Preflight: reply(204, acao, o)})
		r.Method = "PUT"
		b.emit("A PUT with the request header "+name+"; the preflight allows the origin and PUT but not the header", explain.Scenario{Request: r, Preflight: reply(204, acao, o, acam, "PUT")})
	case reason == fetch.ReasonInsecureLocalNetwork:
		b.emit("A page on plain http fetches a URL in the "+l.Value+" address space, which only a secure context may reach", explain.Scenario{Network: &explain.Network{Page: fetch.SpacePublic, Target: addressSpace(l.Value)}, Response: reply(200, acao, "*")})
	case reason == fetch.ReasonLocalNetworkAccessPermissionDenied:
		b.emit("A public page fetches a URL in the "+l.Value+" address space, and the local-network permission is denied", explain.Scenario{Network: &explain.Network{Page: fetch.SpacePublic, Target: addressSpace(l.Value), Permission: fetch.PermissionDenied}, Response: reply(200, acao, "*")})
	case reason == fetch.ReasonRedirectContainsCredentials:
		target := l.Value
		if target == "" { // Chrome's line names none.
			u, err := origin.ParseURL(b.url)
			if err != nil {
				return
			}
			u.Username, u.Password = "user", "secret"
			target = u.String()
		}
		b.emit("The server redirects to a URL with a username and password, which a CORS request may not follow", explain.Scenario{Response: reply(302, acao, o, "Location", target)})
	case reason == fetch.ReasonRedirectSchemeNotHTTP:
		target := l.Value
		if target == "" { // Chrome's line names none.
			target = "data:text/plain,hi"
		}
		b.emit("The server redirects to "+target+", which is not http or https", explain.Scenario{Response: reply(302, acao, o, "Location", target)})
	case reason == fetch.ReasonTooManyRedirects:
		b.emit("The server redirects the URL to itself, a loop the browser stops", explain.Scenario{Response: reply(302, acao, o, "Location", b.url)})
	case reason == fetch.ReasonRedirectModeError:
		b.emit("The page fetches with redirect: \"error\" and the server redirects", explain.Scenario{Request: explain.Request{Init: fetch.Init{Redirect: "error"}}, Response: reply(302, acao, o, "Location", "/elsewhere")})
	case reason == fetch.ReasonInvalidRedirectLocation:
		b.emit("The server redirects to a Location that is not a URL", explain.Scenario{Response: reply(302, acao, o, "Location", "http://[bad")})
	case reason == fetch.ReasonStreamNeedsHTTP2:
		body := "x"
		b.emit("The page uploads a ReadableStream body, which Chromium sends only over HTTP/2, to an http URL; the preflight passed",
			explain.Scenario{Request: explain.Request{Init: fetch.Init{Method: "POST", Body: &body, BodyType: "stream"}}, Preflight: reply(204, acao, o, acam, "POST")})
	case reason == fetch.ReasonNoCorsRedirectModeNotFollow:
		b.emit("The page fetches with mode: \"no-cors\" and redirect: \"manual\"", explain.Scenario{Request: explain.Request{Init: fetch.Init{Mode: "no-cors", Redirect: "manual"}}})
	case reason == fetch.ReasonMixedContent:
		b.emit("An https page fetches an http URL", explain.Scenario{})
	case reason == fetch.ReasonDisallowedByMode:
		b.emit("The page fetches another origin with mode: \"same-origin\"", explain.Scenario{Request: explain.Request{Init: fetch.Init{Mode: "same-origin"}}})
	case reason == fetch.ReasonCorsDisabledScheme:
		b.emit("The page fetches a URL that is not http or https", explain.Scenario{})
	case reason == fetch.ReasonNetworkError:
		b.emit("The server closes the connection without a reply", explain.Scenario{Response: reply(0)})
	case reason == fetch.ReasonInvalidResponse:
		b.emit("A PUT with a JSON body needs a preflight; the server closes the connection without answering it", explain.Scenario{Request: put(), Preflight: reply(0)})
	case reason == "":
		b.emit("A GET answered 200 without Access-Control-Allow-Origin (Safari prints the failing check on the line before this one)", explain.Scenario{Response: reply(200)})
	}
}

// okPreflightWith is r with the header name set to value.
func okPreflightWith(r *explain.Reply, name, value string) *explain.Reply {
	r.Header.Set(name, value)
	return r
}

// unsafeValue is a value that makes the header CORS-unsafe
// (https://fetch.spec.whatwg.org/#cors-safelisted-request-header), so
// that the request needs a preflight.
func unsafeValue(name string) string {
	switch strings.ToLower(name) {
	case "content-type":
		return "application/json"
	case "range":
		return "bytes=0-1, 4-5"
	case "authorization":
		return "Bearer token"
	case "accept", "accept-language", "content-language", "dpr", "downlink", "save-data", "viewport-width", "width":
		return "(x)"
	}
	return "1"
}

// addressSpace is the scenario's name of an address space a console
// line names: Chrome's Private Network Access lines (before Local
// Network Access) call the local one "private" (found as a new user
// would: the scenario took "private" as given, which no space is, and
// the fetch was ALLOWED).
func addressSpace(v string) string {
	if v == "private" {
		return fetch.SpaceLocal
	}
	return v
}
