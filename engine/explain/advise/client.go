package advise

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/headers"
)

// clientOnly are the reasons only the page can fix: fetch() throws before
// any request, or the request's own mode refuses it.
var clientOnly = map[string]bool{
	fetch.ReasonInvalidMethod: true, fetch.ReasonForbiddenMethod: true, fetch.ReasonNoCorsMethod: true,
	fetch.ReasonURLCredentials: true, fetch.ReasonModeNavigate: true, fetch.ReasonBodyWithGetHead: true,
	fetch.ReasonStreamNoCors: true, fetch.ReasonInvalidHeader: true, fetch.ReasonInvalidHeaderValue: true,
	fetch.ReasonDisallowedByMode: true, fetch.ReasonNoCorsRedirectModeNotFollow: true,
	fetch.ReasonStreamNeedsHTTP2: true, fetch.ReasonCorsDisabledScheme: true,
	fetch.ReasonStreamUnsupported: true,
}

// clientChange is the change to the fetch() call for reasons the page
// causes (engine/fetch's reasons; Fetch §5.3 Request constructor).
func clientChange(s explain.Scenario, v *explain.Verdict) (explain.Request, string, bool) {
	r := s.Request
	r.Headers = r.Headers.Clone()
	f := v.Failure()
	switch f.Reason {
	case fetch.ReasonInvalidMethod, fetch.ReasonForbiddenMethod:
		m := "GET"
		if r.Body != nil || r.BodyType != "" {
			m = "POST"
		}
		r.Method = m
		return r, "fetch() refuses the method " + strconv.Quote(f.Value) + "; send " + m + " (or another method the server allows)", true
	case fetch.ReasonMethodDisallowed:
		// fetch() uppercases only DELETE, GET, HEAD, OPTIONS, POST and
		// PUT (Fetch "normalize a method"), and the preflight compares
		// methods byte for byte: a lowercase "patch" is not "PATCH"
		// (found as a new user would: no fix was offered).
		if up := strings.ToUpper(r.Method); up != r.Method && fetch.NormalizeMethod(r.Method) == r.Method {
			r.Method = up
			return r, "write the method " + strconv.Quote(up) + ": fetch() sends " + strconv.Quote(f.Value) + " as written (it uppercases only DELETE, GET, HEAD, OPTIONS, POST and PUT), and the preflight's answer is compared byte for byte", true
		}
	case fetch.ReasonNoCorsMethod, fetch.ReasonModeNavigate, fetch.ReasonStreamNoCors, fetch.ReasonDisallowedByMode:
		r.Mode = "cors"
		return r, "use mode \"cors\" (the default), the only mode that lets the page read another origin's response", true
	case fetch.ReasonNoCorsRedirectModeNotFollow:
		r.Redirect = "follow"
		return r, "mode \"no-cors\" needs redirect \"follow\" (the default)", true
	case fetch.ReasonURLCredentials:
		u := r.URL
		if i := strings.Index(u, "://"); i >= 0 {
			if at := strings.IndexByte(u[i+3:], '@'); at >= 0 {
				if sl := strings.IndexAny(u[i+3:], "/?#"); sl < 0 || at < sl {
					r.URL = u[:i+3] + u[i+3+at+1:]
				}
			}
		}
		return r, "remove the username and password from the URL (send them in an Authorization header instead)", r.URL != s.Request.URL
	case fetch.ReasonBodyWithGetHead:
		r.Body, r.BodyType = nil, ""
		return r, "a " + r.Method + " request cannot carry a body: drop the body (or use POST)", true
	case fetch.ReasonInvalidHeader, fetch.ReasonInvalidHeaderValue:
		kept := headers.List{}
		var dropped []string
		for _, h := range r.Headers {
			if !fetch.IsToken(h.Name) || strings.ContainsAny(h.Value, "\x00\r\n") || !fetch.IsByteString(h.Value) {
				dropped = append(dropped, h.Name)
				continue
			}
			kept = append(kept, h)
		}
		r.Headers = kept
		return r, "remove the header " + strings.Join(dropped, ", ") + ", which is not valid HTTP", len(dropped) > 0
	case fetch.ReasonCorsDisabledScheme:
		if i := strings.Index(r.URL, "://"); i > 0 {
			r.URL = "https" + r.URL[i:]
			return r, "CORS works only for http and https URLs: fetch the resource over https", true
		}
	case fetch.ReasonStreamUnsupported:
		// Safari has no streaming uploads (Profile.NoStreamUploads): the
		// same bytes as a Blob or a string go.
		r.BodyType = "blob:" // a Blob with no type adds no Content-Type, as a stream adds none
		return r, "this browser cannot upload a ReadableStream: send the body as a Blob (await new Response(stream).blob()) or a string", true
	case fetch.ReasonStreamNeedsHTTP2:
		if strings.HasPrefix(r.URL, "http://") {
			r.URL = "https://" + strings.TrimPrefix(r.URL, "http://")
			return r, "stream the upload over https (HTTP/2), which Chromium needs for a ReadableStream body", true
		}
	}
	return r, "", false
}

// clientFix is the fix that changes before's fetch() call into after's;
// its caller sets AllowedIn (none when the change passes only together
// with a server fix).
func (se *searcher) clientFix(before, after explain.Scenario, why string) explain.Fix {
	a, b := fetchCall(before.Request), fetchCall(after.Request)
	req := after.Request
	format := "fetch"
	if req.API == "xhr" {
		format = "xhr"
	}
	return explain.Fix{Where: "client", Summary: upperFirst(why) + ".", Format: format,
		Diff: fix.Diff("a/"+format+".js", "b/"+format+".js", a, b), Text: b, Steps: []string{why}, Request: &req}
}

// fetchCall renders a request as the fetch() call a page makes, or as
// its XMLHttpRequest calls (request.api "xhr").
func fetchCall(r explain.Request) string {
	if r.API == "xhr" {
		return xhrCalls(r)
	}
	var opts []string
	if r.Method != "" && r.Method != "GET" {
		opts = append(opts, "  method: "+strconv.Quote(r.Method)+",")
	}
	if len(r.Headers) > 0 {
		opts = append(opts, "  headers: [")
		for _, h := range r.Headers {
			opts = append(opts, "    ["+strconv.Quote(h.Name)+", "+strconv.Quote(h.Value)+"],")
		}
		opts = append(opts, "  ],")
	}
	if r.Body != nil {
		opts = append(opts, "  body: "+strconv.Quote(*r.Body)+",")
	} else if r.BodyType != "" {
		opts = append(opts, "  body: /* "+r.BodyType+" */,")
	}
	for _, kv := range [][2]string{{"credentials", r.Credentials}, {"mode", r.Mode}, {"redirect", r.Redirect}} {
		if kv[1] != "" {
			opts = append(opts, "  "+kv[0]+": "+strconv.Quote(kv[1])+",")
		}
	}
	if len(opts) == 0 {
		return "fetch(" + strconv.Quote(r.URL) + ")\n"
	}
	return "fetch(" + strconv.Quote(r.URL) + ", {\n" + strings.Join(opts, "\n") + "\n})\n"
}

// xhrCalls renders a request as the XMLHttpRequest calls a page makes
// (https://xhr.spec.whatwg.org/): withCredentials only when credentials
// are "include".
func xhrCalls(r explain.Request) string {
	m := r.Method
	if m == "" {
		m = "GET"
	}
	out := "const xhr = new XMLHttpRequest();\nxhr.open(" + strconv.Quote(m) + ", " + strconv.Quote(r.URL) + ");\n"
	if r.Credentials == "include" {
		out += "xhr.withCredentials = true;\n"
	}
	for _, h := range r.Headers {
		out += "xhr.setRequestHeader(" + strconv.Quote(h.Name) + ", " + strconv.Quote(h.Value) + ");\n"
	}
	switch {
	case r.Body != nil:
		return out + "xhr.send(" + strconv.Quote(*r.Body) + ");\n"
	case r.BodyType != "":
		return out + "xhr.send(/* " + r.BodyType + " */);\n"
	}
	return out + "xhr.send();\n"
}
