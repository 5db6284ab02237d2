package probe

import (
	"net"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
)

// User-Agent strings sent for each profile, unless Options.UserAgent says
// otherwise. Chrome's is the one Chromium 156 sent in the harness of
// e2e/chromium (testdata/observed-chromium.json) without "Headless";
// Firefox's and Safari's follow their engines' published formats and were
// not observed here.
var userAgents = map[string]string{
	"chrome":  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
	"spec":    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
	"firefox": "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0",
	"safari":  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
}

// WireHeaders returns every header field the browser sends with req, in
// the order Chromium 156 sends them (observed in e2e/chromium's
// recordings):
//
//	preflight: Connection, Accept, Access-Control-Request-Method,
//	           Access-Control-Request-Headers, Origin, User-Agent,
//	           Sec-Fetch-Mode, [Sec-Fetch-Site, Sec-Fetch-Dest],
//	           Referer, Accept-Encoding, Accept-Language
//	actual:    Connection, the page's headers, User-Agent, Content-Type,
//	           Accept, Origin, [Sec-Fetch-Site, Sec-Fetch-Mode, Sec-Fetch-Dest],
//	           Referer, Accept-Encoding, Accept-Language
//
// The CORS fields (Accept, Access-Control-Request-*, Origin) come from the
// engine's profile, as explain computes them. The rest are Chromium's:
// Sec-Fetch-Site and Sec-Fetch-Dest (and the actual request's
// Sec-Fetch-Mode) only to a potentially trustworthy URL (https, localhost,
// loopback), as Fetch Metadata is sent
// (https://w3c.github.io/webappsec-fetch-metadata/#fetch-integration: Chromium
// observed over plain http sent only the preflight's Sec-Fetch-Mode);
// Referer is the page's origin, the default strict-origin-when-cross-origin
// policy's value for a cross-origin request; Accept-Encoding adds br and
// zstd over https only (Chromium advertises them on secure connections).
// Host is the transport's, first on the wire; Content-Length right after
// Connection. Chromium orders the page's own fields in a way of its own
// (not the page's order); they go out here in the page's order. Client
// hints (Sec-CH-UA...) and cookies are not sent. Repeated names the page set are combined into
// one line with ", ", as the Fetch header list does
// (https://fetch.spec.whatwg.org/#concept-header-list-combine) and as
// Chromium sent them.
func WireHeaders(browser, userAgent string, pageOrigin origin.Origin, req policy.Request, preflight bool) headers.List {
	u, err := origin.ParseURL(req.URL)
	trustworthy := err == nil && potentiallyTrustworthy(u)
	out := headers.List{{Name: "Connection", Value: "keep-alive"}}
	if userAgent == "" {
		userAgent = userAgents[browser]
		if userAgent == "" {
			userAgent = userAgents["chrome"]
		}
	}
	ua := headers.Field{Name: "User-Agent", Value: userAgent}
	if preflight {
		out = append(out, combine(req.Header)...)
		out = append(out, ua)
	} else {
		// The page's fields, then User-Agent, then Content-Type, Accept
		// and Origin (recordings pf-header-order-acrh and
		// mode-no-cors-post-header).
		var late headers.List
		for _, f := range combine(req.Header) {
			switch strings.ToLower(f.Name) {
			case "content-type", "accept", "origin":
				late = append(late, f)
			default:
				out = append(out, f)
			}
		}
		out = append(out, ua)
		out = append(out, late...)
	}
	site := ""
	if err == nil {
		site = fetchSite(pageOrigin, u)
	}
	if preflight {
		out = append(out, headers.Field{Name: "Sec-Fetch-Mode", Value: "cors"})
		if trustworthy {
			out = append(out, headers.Field{Name: "Sec-Fetch-Site", Value: site}, headers.Field{Name: "Sec-Fetch-Dest", Value: "empty"})
		}
	} else if trustworthy {
		out = append(out, headers.Field{Name: "Sec-Fetch-Site", Value: site},
			headers.Field{Name: "Sec-Fetch-Mode", Value: "cors"}, headers.Field{Name: "Sec-Fetch-Dest", Value: "empty"})
	}
	if s := pageOrigin.String(); s != "null" {
		out = append(out, headers.Field{Name: "Referer", Value: s + "/"})
	}
	enc := "gzip, deflate"
	if err == nil && u.Scheme == "https" {
		enc = "gzip, deflate, br, zstd"
	}
	out = append(out, headers.Field{Name: "Accept-Encoding", Value: enc}, headers.Field{Name: "Accept-Language", Value: "en-US,en;q=0.9"})
	return out
}

// combine joins repeated names into the first occurrence, keeping its
// case.
func combine(h headers.List) headers.List {
	out := make(headers.List, 0, len(h))
	for _, f := range h {
		merged := false
		for i := range out {
			if strings.EqualFold(out[i].Name, f.Name) {
				out[i].Value += ", " + f.Value
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, f)
		}
	}
	return out
}

// potentiallyTrustworthy is the Secure Contexts test for a URL
// (https://w3c.github.io/webappsec-secure-contexts/#potentially-trustworthy-url)
// as far as an HTTP(S) URL goes: https, or a loopback host.
func potentiallyTrustworthy(u origin.URL) bool {
	if u.Scheme == "https" {
		return true
	}
	h := strings.Trim(u.Host, "[]")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// fetchSite is Sec-Fetch-Site
// (https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header).
// "Same site" needs the registrable domain, which needs the Public Suffix
// List; this approximates it with the last two labels of the host (exact
// for example.com, wrong for example.co.uk), and an IP address is only
// same-site with itself.
func fetchSite(page origin.Origin, u origin.URL) string {
	if page.Opaque() {
		return "cross-site"
	}
	if origin.SameOrigin(page, u.Origin()) {
		return "same-origin"
	}
	if page.Scheme == u.Scheme && site(page.Host) == site(u.Host) {
		return "same-site"
	}
	return "cross-site"
}

func site(host string) string {
	if net.ParseIP(strings.Trim(host, "[]")) != nil {
		return host
	}
	labels := strings.Split(host, ".")
	if len(labels) <= 2 {
		return host
	}
	return strings.Join(labels[len(labels)-2:], ".")
}
