package firebase

import (
	"regexp"
	"strconv"

	"github.com/whycors/whycors/engine/formats/internal/hosthdr"
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/policy"
)

// Config is a read firebase.json: its sites.
type Config struct {
	Sites []Site
	doc   *hosthdr.Doc
}

// Site is one element of "hosting".
type Site struct {
	Name      string // "site" or "target", "" when none
	Path      string
	Entries   []Entry
	Redirects []Redirect
	// Notes say what of the site is not modelled.
	Notes []string
	// rewritesLine and rewritesCol are where the site's first rewrite
	// to a function or a Cloud Run service is, which is not read
	// (CheckText says so); 0 when it has none.
	rewritesLine, rewritesCol int
}

// Redirect is one element of a site's "redirects": superstatic answers a
// matching path with it before the headers apply.
type Redirect struct {
	Pattern, Kind, Destination string
	Type                       int
	Path                       string
	Line                       int
	glob                       *glob
	re                         *regexp.Regexp
}

// Entry is one element of a site's "headers".
type Entry struct {
	Pattern string // as written
	Kind    string // "source", "glob" or "regex"
	Path    string
	Line    int
	Headers []hosthdr.Header
	glob    *glob
	re      *regexp.Regexp
	obj     *jsontext.Value
	arr     *jsontext.Value
}

// Parse reads text, listing every fault with its position.
func Parse(text string) (*Config, error) {
	d, perr := hosthdr.Parse(text)
	if perr != nil {
		return nil, policy.Errors{perr}
	}
	root := d.Root
	if root.Kind != jsontext.Object {
		return nil, policy.Errors{d.Err(root, "$", "want a JSON object (firebase.json), got "+root.Kind.String())}
	}
	hv, ok := root.Get("hosting")
	if !ok {
		return nil, policy.Errors{d.Err(root, "$", "no \"hosting\": a firebase.json sets Hosting's headers under \"hosting\"")}
	}
	var sites []*jsontext.Value
	var paths []string
	switch hv.Kind {
	case jsontext.Object:
		sites, paths = []*jsontext.Value{hv}, []string{"$.hosting"}
	case jsontext.Array:
		for i, s := range hv.Items {
			sites = append(sites, s)
			paths = append(paths, jsontext.Index("$.hosting", i))
		}
	default:
		return nil, policy.Errors{d.Err(hv, "$.hosting", "want an object or an array of sites, got "+hv.Kind.String())}
	}
	var errs policy.Errors
	c := &Config{doc: d}
	for k, sv := range sites {
		p := paths[k]
		if sv.Kind != jsontext.Object {
			errs = append(errs, d.Err(sv, p, "want a site object, got "+sv.Kind.String()))
			continue
		}
		s := Site{Path: p}
		for _, n := range []string{"site", "target"} {
			if v, ok := sv.Get(n); ok {
				if v.Kind != jsontext.String {
					errs = append(errs, d.Err(v, p+"."+n, "want a string, got "+v.Kind.String()))
				} else if s.Name == "" {
					s.Name = v.Str
				}
			}
		}
		if hs, ok := sv.Get("headers"); ok {
			s.Entries = entries(d, hs, p+".headers", &errs)
		}
		if rs, ok := sv.Get("redirects"); ok {
			s.Redirects, s.Notes = redirects(d, rs, p+".redirects", &errs)
		}
		if rw, ok := serviceRewrite(sv); ok {
			// Found as a new user would: a PUT to a path rewritten to
			// a function was "Firebase Hosting served 404 to OPTIONS",
			// and the verdict never said rewrites are not read.
			s.Notes = append(s.Notes, "the site's rewrites to functions and Cloud Run services ("+p+".rewrites) are not read: such a path is answered here as Hosting's own files are, so the service's own reply, and its CORS headers, are not modelled")
			s.rewritesLine, s.rewritesCol = policy.LineCol(d.Text, int(rw.Off))
		}
		c.Sites = append(c.Sites, s)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// serviceRewrite is the site's first rewrite to a function or a Cloud
// Run service (firebase.google.com/docs/hosting/full-config#rewrites),
// whose replies are that service's; a rewrite to a file is Hosting's.
func serviceRewrite(site *jsontext.Value) (*jsontext.Value, bool) {
	rw, ok := site.Get("rewrites")
	if !ok || rw.Kind != jsontext.Array {
		return nil, false
	}
	for _, it := range rw.Items {
		if it.Kind != jsontext.Object {
			continue
		}
		for _, k := range []string{"function", "run"} {
			if _, ok := it.Get(k); ok {
				return it, true
			}
		}
	}
	return nil, false
}

func entries(d *hosthdr.Doc, v *jsontext.Value, path string, errs *policy.Errors) []Entry {
	if v.Kind != jsontext.Array {
		*errs = append(*errs, d.Err(v, path, "want an array of header entries, got "+v.Kind.String()))
		return nil
	}
	var out []Entry
	for i, it := range v.Items {
		p := jsontext.Index(path, i)
		if it.Kind != jsontext.Object {
			*errs = append(*errs, d.Err(it, p, "want a header entry object, got "+it.Kind.String()))
			continue
		}
		e := Entry{Path: p, obj: it}
		e.Line, _ = policy.LineCol(d.Text, int(it.Off))
		d.Unknown(it, p, []string{"source", "glob", "regex", "headers"}, "a header entry", errs)
		good := true
		var kinds []string
		for _, k := range []string{"source", "glob", "regex"} {
			pv, ok := it.Get(k)
			if !ok {
				continue
			}
			kinds = append(kinds, k)
			if pv.Kind != jsontext.String {
				*errs = append(*errs, d.Err(pv, p+"."+k, "want a string, got "+pv.Kind.String()))
				good = false
				continue
			}
			e.Kind, e.Pattern = k, pv.Str
			if k == "regex" {
				re, err := regexp.Compile(pv.Str)
				if err != nil {
					*errs = append(*errs, d.Err(pv, p+".regex", "the regex \""+pv.Str+"\" is not an RE2 regular expression (Firebase Hosting reads RE2): "+err.Error()))
					good = false
				}
				e.re = re
				continue
			}
			if pv.Str == "" {
				// superstatic's configMatcher takes an empty pattern for
				// none: the entry matches nothing.
				continue
			}
			src := pv.Str
			if k == "source" {
				src = slash(src)
			}
			g, msg := compileGlob(src)
			if msg != "" {
				*errs = append(*errs, d.Err(pv, p+"."+k, "the glob \""+pv.Str+"\": "+msg))
				good = false
			}
			e.glob = g
		}
		switch {
		case len(kinds) == 0:
			*errs = append(*errs, d.Err(it, p, "a header entry needs \"source\" (a glob) or \"regex\""))
			good = false
		case len(kinds) > 1:
			*errs = append(*errs, d.Err(it, p, "a header entry has one of \"source\", \"glob\" and \"regex\", not several"))
			good = false
		}
		if av, ok := it.Get("headers"); ok {
			n := len(*errs)
			e.Headers = d.Headers(av, p+".headers", errs)
			e.arr = av
			good = good && len(*errs) == n
		} else {
			*errs = append(*errs, d.Err(it, p, "a header entry needs \"headers\""))
			good = false
		}
		if good {
			out = append(out, e)
		}
	}
	return out
}

// captures is superstatic's test for a destination with :parameters,
// which it fills from a path-to-regexp match of the source.
var captures = regexp.MustCompile(`(?:^|/):`)

// redirects reads a site's "redirects". One whose destination captures
// :parameters is left out, with a note: superstatic matches it with
// path-to-regexp too, which this reader does not model.
func redirects(d *hosthdr.Doc, v *jsontext.Value, path string, errs *policy.Errors) ([]Redirect, []string) {
	if v.Kind != jsontext.Array {
		*errs = append(*errs, d.Err(v, path, "want an array of redirects, got "+v.Kind.String()))
		return nil, nil
	}
	var out []Redirect
	var notes []string
	for i, it := range v.Items {
		p := jsontext.Index(path, i)
		if it.Kind != jsontext.Object {
			*errs = append(*errs, d.Err(it, p, "want a redirect object, got "+it.Kind.String()))
			continue
		}
		r := Redirect{Path: p, Type: 301}
		r.Line, _ = policy.LineCol(d.Text, int(it.Off))
		dv, ok := it.Get("destination")
		if !ok || dv.Kind != jsontext.String {
			*errs = append(*errs, d.Err(it, p, "a redirect needs a \"destination\" string"))
			continue
		}
		r.Destination = dv.Str
		if tv, ok := it.Get("type"); ok {
			n, isInt := tv.Int()
			if !isInt || n < 300 || n > 399 {
				*errs = append(*errs, d.Err(tv, p+".type", "a redirect's \"type\" is a 3xx status (301 or 302)"))
				continue
			}
			r.Type = n
		}
		good := true
		// superstatic reads glob || source, and regex only without one.
		for _, k := range []string{"glob", "source", "regex"} {
			pv, ok := it.Get(k)
			if !ok {
				continue
			}
			if pv.Kind != jsontext.String {
				*errs = append(*errs, d.Err(pv, p+"."+k, "want a string, got "+pv.Kind.String()))
				good = false
				continue
			}
			if r.Kind != "" {
				continue
			}
			r.Kind, r.Pattern = k, pv.Str
			if k == "regex" {
				re, err := regexp.Compile(pv.Str)
				if err != nil {
					*errs = append(*errs, d.Err(pv, p+".regex", "the regex \""+pv.Str+"\" is not an RE2 regular expression: "+err.Error()))
					good = false
				}
				r.re = re
				continue
			}
			if pv.Str == "" {
				continue
			}
			g, msg := compileGlob(slash(pv.Str))
			if msg != "" {
				*errs = append(*errs, d.Err(pv, p+"."+k, "the glob \""+pv.Str+"\": "+msg))
				good = false
			}
			r.glob = g
		}
		if !good {
			continue
		}
		if captures.MatchString(r.Destination) {
			notes = append(notes, "the redirect at line "+strconv.Itoa(r.Line)+" fills :parameters from a path-to-regexp match, which is not modelled: it may answer paths this evaluation sends on")
			continue
		}
		out = append(out, r)
	}
	return out, notes
}
