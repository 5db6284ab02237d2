package firebase

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/hosthdr"
	"github.com/whycors/whycors/engine/formats/internal/requrl"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// matches reports whether e applies to path (already normalized).
func (e *Entry) matches(path string) bool {
	if e.re != nil {
		return e.re.MatchString(path)
	}
	return e.glob != nil && e.glob.match(path)
}

// site chooses the site serving host: the one named by SITE.web.app or
// SITE.firebaseapp.com, else the first.
func (c *Config) site(host string) (*Site, bool) {
	if len(c.Sites) == 0 {
		return nil, false
	}
	name, _, _ := strings.Cut(host, ".")
	for i := range c.Sites {
		s := &c.Sites[i]
		if s.Name != "" && s.Name == name && (strings.HasSuffix(host, ".web.app") || strings.HasSuffix(host, ".firebaseapp.com")) {
			return s, true
		}
	}
	return &c.Sites[0], false
}

// Set returns the headers the matching entries set for req, each field
// from the last entry that set it, and the trace.
func (c *Config) Set(req policy.Request) (hosthdr.Set, []policy.Rule, *Site) {
	p := requrl.Split(req)
	s, _ := c.site(p.Host)
	var set hosthdr.Set
	if s == nil {
		return set, nil, nil
	}
	set, rules := s.set(normalize(p.Path))
	return set, rules, s
}

// set is the headers s's entries set for a normalized path.
func (s *Site) set(path string) (hosthdr.Set, []policy.Rule) {
	var set hosthdr.Set
	var rules []policy.Rule
	for i := range s.Entries {
		e := &s.Entries[i]
		r := policy.Rule{Index: i, ID: e.Pattern, Path: e.Path, Source: source}
		if !e.matches(path) {
			r.Failed = e.Kind
			r.Note = policy.Note{Case: caseSkip, Args: [4]string{e.Kind, e.Pattern, path}, M: e.Line}
			rules = append(rules, r)
			continue
		}
		r.Matched = true
		r.Note = policy.Note{Case: caseApply, Args: [4]string{e.Kind, e.Pattern, path}, N: len(e.Headers), M: e.Line}
		rules = append(rules, r)
		for _, h := range e.Headers {
			set.Put(i, h)
		}
	}
	return set, rules
}

// errorPage is the page superstatic serves for a missing file (its
// config.errorPage default).
const errorPage = "/404.html"

// Respond answers req as Firebase Hosting serving app (the file, or its
// 404 when app's status is 404): the matching entries' headers replace the
// reply's own of the same name; the status is the file's, OPTIONS too. A
// 404 also gets the headers of the entries matching /404.html, under the
// path's own (superstatic's missing middleware sets those too, and its
// listener runs first).
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	if out, ok := c.redirect(req); ok {
		return out
	}
	set, rules, s := c.Set(req)
	if app.Status == 404 && s != nil {
		page, more := s.set(errorPage)
		for _, f := range set.Fields {
			page.Put(f.Entry, f.H)
		}
		set = page
		for _, r := range more {
			if r.Matched {
				r.Note.Case = caseErrorPage
				rules = append(rules, r)
			}
		}
	}
	out := set.Outcome(req, app, rules, false, words{})
	if s != nil {
		out.Decision.Args[1] = s.Name
		out.Decision.List = s.Notes
	}
	return out
}

// redirect answers req with the first of its site's redirects that
// matches the request's decoded path, as superstatic's redirects
// middleware does before the headers middleware: a 3xx with Location and
// none of the configured headers.
func (c *Config) redirect(req policy.Request) (policy.Outcome, bool) {
	p := requrl.Split(req)
	s, _ := c.site(p.Host)
	if s == nil || len(s.Redirects) == 0 {
		return policy.Outcome{}, false
	}
	path := p.Path
	if u, err := url.PathUnescape(path); err == nil {
		path = u
	}
	query := ""
	if i := strings.IndexByte(req.URL, '?'); i >= 0 {
		query = req.URL[i+1:]
		if j := strings.IndexByte(query, '#'); j >= 0 {
			query = query[:j]
		}
	}
	for i, r := range s.Redirects {
		hit := false
		switch {
		case r.glob != nil:
			hit = r.glob.match(path)
		case r.re != nil:
			hit = r.re.MatchString(path)
		}
		if !hit {
			continue
		}
		dest := r.Destination
		if query != "" {
			if strings.Contains(dest, "?") {
				dest += "&" + query
			} else {
				dest += "?" + query
			}
		}
		rule := policy.Rule{Index: i, ID: r.Pattern, Path: r.Path, Matched: true, Source: redirectSource,
			Note: policy.Note{Case: caseRedirect, Args: [4]string{r.Kind, r.Pattern, path, dest}, N: r.Type, M: r.Line}}
		h := headers.List{{Name: "Location", Value: dest}, {Name: "Content-Type", Value: "text/html; charset=utf-8"}}
		d := policy.Note{Case: caseDecision, N: r.Type, Args: [4]string{"redirect", s.Name}, List: s.Notes}
		return policy.Outcome{Reply: policy.Reply{Status: r.Type, Header: h, Body: "Redirecting to " + dest}, Rules: []policy.Rule{rule}, Decision: d, Words: words{}}, true
	}
	return policy.Outcome{}, false
}

const redirectSource = "firebase.google.com/docs/hosting/full-config#redirects; superstatic 9.2.0 lib/middleware/redirects.js (before the headers)"

const (
	caseSkip  = "skip"
	caseApply = "apply"
	// caseErrorPage: an entry matching /404.html, on a 404.
	caseErrorPage = "error-page"
	// caseRedirect: a redirect answered; Args kind, pattern, path,
	// Location; N the status; M the line.
	caseRedirect = "redirect"
	caseDecision = hosthdr.CaseDecision
)

type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	what := "the " + n.Args[0] + " " + strconv.Quote(n.Args[1]) + " (line " + strconv.Itoa(n.M) + ")"
	switch n.Case {
	case caseSkip:
		return what + " does not match the path " + n.Args[2]
	case caseApply:
		return what + " matches " + n.Args[2] + ": its " + strconv.Itoa(n.N) + " header(s) are set, replacing any earlier entry's or the file's own"
	case caseRedirect:
		return "the redirect " + what + " matches " + n.Args[2] + ": " + strconv.Itoa(n.N) + " to " + n.Args[3] + ", before any header entry applies"
	case caseErrorPage:
		return what + " matches the 404 page " + n.Args[2] + ": its header(s) go on the 404 too, under the request path's own"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	if n.Case != caseDecision {
		return ""
	}
	var s string
	if n.Args[0] == "redirect" {
		s = "Firebase Hosting redirected with " + strconv.Itoa(n.N) + ": redirects come before the headers, so the reply has none of them, and a preflight that is redirected fails"
	} else {
		s = hosthdr.Matched(n.M)
		if n.Args[1] != "" {
			s += " in the site " + n.Args[1]
		}
		s += "; Firebase Hosting served " + strconv.Itoa(n.N)
		if n.Args[0] == "options" {
			s += " to OPTIONS as to any method: it answers no preflight itself"
		}
	}
	if len(n.List) > 0 {
		s += " (note: " + strings.Join(n.List, "; ") + ")"
	}
	return s
}
