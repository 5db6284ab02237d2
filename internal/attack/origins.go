// Package attack is the attacker's battery of `whycors probe --attack`:
// from the origin a server means to trust, it derives the origins that
// misconfigured servers trust too (Derive), sends each one to a live URL
// as Chromium builds the requests (internal/probe), and reports every
// origin the server accepts with its severity, what a page on that origin
// can read, and, given the server's configuration, the change that
// refuses it (Run, FixFor).
//
// Requests go only to the URL given: the probe never follows a redirect.
package attack

import (
	"errors"
	"net"
	"strings"

	"github.com/whycors/whycors/engine/origin"
)

// Kinds of candidate origin, each the trick a misconfigured check falls
// for.
const (
	KindNull         = "null"          // the opaque origin "null"
	KindArbitrary    = "arbitrary"     // any origin at all: the Origin header reflected
	KindPrefixDomain = "prefix-domain" // a registrable domain ending with the trusted one's
	KindPrefixHost   = "prefix-host"   // a host ending with the trusted host, under the same domain
	KindSuffix       = "suffix"        // the trusted origin followed by more labels
	KindUnescapedDot = "unescaped-dot" // a "." of a regular expression left unescaped
	KindUnderscore   = "underscore"    // "_" after the trusted host, before an attacker's domain
	KindBacktick     = "backtick"      // "`" after the trusted host, before an attacker's domain
	KindHTTP         = "http"          // the trusted host over plain http
	KindSubdomain    = "subdomain"     // a subdomain of the trusted host
)

// AttackerDomain is the domain the battery's attacker owns: the reserved
// TLD .test (RFC 2606), so that no candidate names a real site.
const AttackerDomain = "evil.test"

// Odd host characters. The URL Standard's forbidden domain code points
// (https://url.spec.whatwg.org/#forbidden-domain-code-point) include
// neither "_" nor "`", so a URL parser that follows it accepts both in a
// host. Corben Leo's "Advanced CORS Exploitation Techniques" (2018)
// reports Chrome and Firefox accepting "_" in a subdomain, and Safari
// accepting more characters, "`" among them; a server whose pattern lets
// any character but "." follow the trusted host then trusts
// https://app.example.com_.evil.test, a host of the attacker's domain.
// These browser facts come from that documentation, not from a browser
// run here: KindUnderscore is marked for every browser, KindBacktick for
// Safari only.

// Candidate is one origin of the battery.
type Candidate struct {
	Kind   string `json:"kind"`
	Origin string `json:"origin"`
	// Check is the server-side check that wrongly accepts Origin.
	Check string `json:"check"`
	// Needs is what an attacker needs besides a page of their own on a
	// domain they can register: "" (nothing more), "foothold" (a host
	// under the trusted domain: a subdomain takeover or an XSS) or
	// "network" (a position on the victim's network path).
	Needs string `json:"needs,omitempty"`
	// Browsers names the browsers that can load a page on Origin, when not
	// all of them.
	Browsers string `json:"browsers,omitempty"`
}

// Derive returns the battery for a server that means to trust legit (an
// http or https origin such as https://app.example.com), in a fixed
// order. A candidate that cannot be built for legit's host (an unescaped
// dot needs three labels; an IP address has no subdomain) is left out.
func Derive(legit string) ([]Candidate, error) {
	o, err := origin.Parse(legit)
	if err != nil {
		return nil, err
	}
	if o.Opaque() || (o.Scheme != "https" && o.Scheme != "http") {
		return nil, errors.New("the trusted origin must be an http or https origin, such as https://app.example.com")
	}
	host := o.Host
	port := ""
	if o.Port != "" && o.Port != origin.DefaultPort(o.Scheme) {
		port = ":" + o.Port
	}
	base := o.Scheme + "://"
	ip := net.ParseIP(strings.Trim(host, "[]")) != nil
	out := []Candidate{
		{Kind: KindNull, Origin: "null", Check: `"null" is in the allowed list (sandboxed iframes, data: URLs and some redirects send it, so any page can)`},
		{Kind: KindArbitrary, Origin: "https://attacker." + AttackerDomain, Check: "the Origin header is echoed without a check (or the check always passes)"},
	}
	if !ip {
		labels := strings.Split(host, ".")
		if len(labels) >= 2 {
			domain := strings.Join(labels[len(labels)-2:], ".")
			out = append(out, Candidate{Kind: KindPrefixDomain, Origin: base + "evil-" + domain + port,
				Check: `the origin is tested with "ends with ` + domain + `" (no dot before it)`})
		}
		if len(labels) >= 3 {
			out = append(out, Candidate{Kind: KindPrefixHost, Origin: base + "evil" + host + port,
				Check: `the origin is tested with "ends with ` + host + `" (no dot before it)`, Needs: "foothold"})
		}
	}
	out = append(out, Candidate{Kind: KindSuffix, Origin: base + host + "." + AttackerDomain + port,
		Check: `the origin is tested with "starts with ` + base + host + `" or an unanchored regular expression (no $)`})
	if !ip {
		if labels := strings.Split(host, "."); len(labels) >= 3 {
			// The dot before the registrable domain (approximated by the
			// last two labels) becomes a letter: app.example.com matches
			// appxexample.com, a domain anyone can register.
			n := len(labels)
			joined := append(append([]string{}, labels[:n-3]...), labels[n-3]+"x"+labels[n-2], labels[n-1])
			out = append(out, Candidate{Kind: KindUnescapedDot, Origin: base + strings.Join(joined, ".") + port,
				Check: `a regular expression with an unescaped "." ("` + host + `" where "` + strings.ReplaceAll(host, ".", `\.`) + `" was meant): "." matches any character`})
		}
	}
	out = append(out,
		Candidate{Kind: KindUnderscore, Origin: base + host + "_." + AttackerDomain + port,
			Check: `the origin is tested with a pattern such as "` + host + `[^.]*" that lets a character other than "." follow the trusted host`},
		Candidate{Kind: KindBacktick, Origin: base + host + "`." + AttackerDomain + port,
			Check: "the origin is tested with a pattern that lets a character other than \".\" follow the trusted host", Browsers: "Safari"},
	)
	if o.Scheme == "https" {
		out = append(out, Candidate{Kind: KindHTTP, Origin: "http://" + host + port,
			Check: "the scheme is not part of the check (http:// accepted for an https:// origin)", Needs: "network"})
	}
	if !ip {
		out = append(out, Candidate{Kind: KindSubdomain, Origin: base + "evil." + host + port,
			Check: `the origin is tested with "ends with ` + host + `" or a "*.` + host + `" wildcard`, Needs: "foothold"})
	}
	return out, nil
}
