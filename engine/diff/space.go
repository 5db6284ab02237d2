package diff

import (
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
)

// target is the server every request of the space goes to; a
// configuration's own host never matters to its CORS decisions (a
// captured reply answers the fetch's first URL whatever it is).
const target = "https://api.whycors.test"

// Probe values: hosts and names no configuration is expected to use.
const (
	probeLabel     = "whycors-probe"
	foreignOrig    = "https://whycors-attacker.test"
	unlistedHdr    = "x-whycors-unlisted"
	anyMethodProbe = "PATCH"
)

// path is a request path of the space: the one sent and the one shown.
type path struct{ sent, shown string }

// space is the request space: the product of its lists, with a header
// variant of each request for every header.
type space struct {
	origins []string
	creds   []bool
	paths   []path
	methods []string
	headers []string
	app     *explain.Reply // what the application behind a configuration answers
	// pathNoted: a side limits its paths beyond its rules' Paths
	// (textLiterals.pathNoted): groups name their paths even when only
	// "/" is asked.
	pathNoted bool
}

func newSpace(sides ...*side) *space {
	sp := &space{creds: []bool{false, true}}
	var lits, probes []string
	seen := map[string]bool{}
	add := func(list *[]string, o string) {
		if !seen[o] {
			seen[o] = true
			*list = append(*list, o)
		}
	}
	methods := map[string]bool{"GET": true}
	hdrs := map[string]bool{unlistedHdr: true}
	expose := map[string]bool{}
	paths := map[string]bool{}
	hosts := map[string]bool{}
	names := func(set map[string]bool, list []string) {
		for _, v := range list {
			h := strings.ToLower(strings.TrimSpace(v))
			if h != "*" && h != "" && isToken(h) {
				set[h] = true
			}
		}
	}
	for _, sd := range sides {
		l := sd.literals()
		for _, v := range l.origins {
			o, ps := originProbes(v)
			if o != "" {
				add(&lits, o)
			}
			for _, p := range ps {
				add(&probes, p)
			}
		}
		for _, v := range l.methods {
			m := strings.ToUpper(strings.TrimSpace(v))
			switch {
			case m == "*":
				methods[anyMethodProbe] = true
			case m != "" && m != "OPTIONS" && isToken(m) && !fetch.ForbiddenMethod(m):
				methods[m] = true
			}
		}
		names(hdrs, l.allow)
		names(expose, l.expose)
		sp.pathNoted = sp.pathNoted || l.pathNoted
		for _, p := range l.paths {
			if p = strings.TrimSuffix(p, "/"); strings.HasPrefix(p, "/") {
				paths[p] = true
			}
		}
		for _, h := range l.hosts {
			if h = strings.ToLower(strings.TrimSpace(h)); isHostName(h) {
				hosts[h] = true
			}
		}
	}
	add(&probes, "null")
	add(&probes, foreignOrig)
	sp.origins = append(lits, probes...)
	sp.methods = sortedKeys(methods)
	sp.headers = sortedKeys(hdrs)
	ps := sortedKeys(paths)
	sp.paths = []path{{"/", "/"}}
	for _, p := range ps {
		sp.paths = append(sp.paths, path{p, p}, path{p + "/x", p + "/*"})
	}
	// A configuration that routes by host (an Ingress's rules) answers the space's own host from its default
	// server: each host it names is asked the same paths, by URL.
	hs := sortedKeys(hosts)
	if len(hs) > maxHosts {
		hs = hs[:maxHosts]
	}
	for _, h := range hs {
		base := "https://" + h
		sp.paths = append(sp.paths, path{base + "/", h + "/"})
		for _, p := range ps {
			sp.paths = append(sp.paths, path{base + p, h + p}, path{base + p + "/x", h + p + "/*"})
		}
	}
	sp.app = &explain.Reply{Status: 200}
	for _, h := range sortedKeys(expose) {
		sp.app.Header = append(sp.app.Header, headers.Field{Name: h, Value: "x"})
	}
	return sp
}

// originProbes returns the origin a configuration's origin entry names
// (serialized, "" when it is a pattern or names none) and the probes it
// suggests: the prefix and suffix traps, http, a subdomain, and for a
// wildcard pattern a host it matches and one it must not.
func originProbes(text string) (lit string, probes []string) {
	text = strings.TrimSpace(text)
	if text == "" || text == "*" || text == "null" {
		return "", nil
	}
	if strings.Contains(text, "*") {
		// https://*.example.com: one host that matches, and the
		// suffix trap (the dot left out) and the bare domain that
		// must not.
		for _, t := range []string{
			strings.Replace(text, "*", probeLabel, 1),
			strings.Replace(text, "*.", probeLabel, 1),
			strings.Replace(text, "*.", "", 1),
		} {
			if o, err := origin.Parse(t); err == nil && !o.Opaque() && !strings.Contains(t, "*") {
				probes = append(probes, o.String())
			}
		}
		return "", probes
	}
	o, err := origin.Parse(text)
	if err != nil || o.Opaque() {
		return "", nil
	}
	port := ""
	if o.Port != "" {
		port = ":" + o.Port
	}
	probes = append(probes,
		o.Scheme+"://evil"+o.Host+port,            // prefix: evilexample.com
		o.Scheme+"://"+o.Host+".evil.test"+port,   // suffix: example.com.evil.test
		o.Scheme+"://"+probeLabel+"."+o.Host+port, // a subdomain
	)
	if o.Scheme == "https" {
		probes = append(probes, "http://"+o.Host+port)
	}
	var out []string
	for _, p := range probes {
		if q, err := origin.Parse(p); err == nil {
			out = append(out, q.String())
		}
	}
	return o.String(), out
}

func isToken(s string) bool { return headers.IsToken(s) }

// url is the URL of a path of the space: on the space's own host, or
// the URL itself for a path of a named host.
func (sp *space) url(p string) string {
	if strings.HasPrefix(p, "https://") {
		return p
	}
	return target + p
}

// maxHosts bounds the named hosts asked: each multiplies the space.
const maxHosts = 4

// isHostName reports a host name a request can name: no wildcard or
// regular expression (*.example.com, ~^api), no default "_".
func isHostName(h string) bool {
	if h == "" || h == "_" || strings.HasPrefix(h, "~") || strings.Contains(h, "*") {
		return false
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// size counts the requests of the space, header variants included.
func (sp *space) size() int {
	return len(sp.origins) * len(sp.creds) * len(sp.paths) * len(sp.methods) * (1 + len(sp.headers))
}

// each calls f on every request of the space, each request without a
// header followed by its header variants.
func (sp *space) each(f func(Request)) {
	sp.bases(func(r Request) {
		f(r)
		for _, h := range sp.headers {
			r.Header = h
			f(r)
		}
	})
}

// bases calls f on every request of the space without a header.
func (sp *space) bases(f func(Request)) {
	for _, o := range sp.origins {
		for _, c := range sp.creds {
			for _, p := range sp.paths {
				for _, m := range sp.methods {
					f(Request{Origin: o, Method: m, Path: p.sent, Credentials: c})
				}
			}
		}
	}
}

// pathsShown maps each sent path to the way the report shows it.
func (sp *space) pathsShown() map[string]string {
	m := map[string]string{}
	for _, p := range sp.paths {
		m[p.sent] = p.shown
	}
	return m
}

func headerField(name string) headers.Field { return headers.Field{Name: name, Value: "x"} }
