package netlify

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/requrl"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// How a request is served, the decision's Args[0].
const (
	servedStatic   = "static"   // a file Netlify serves: custom headers apply
	servedProxy    = "proxy"    // a 200 rewrite to another site: not applied
	servedFunction = "function" // /.netlify/functions/...: not applied
	servedRedirect = "redirect" // a 3xx redirect answers
)

// The cases of the notes (words).
const (
	caseSet      = "set"      // a matching rule's header; Args: path, name, value
	caseReplaced = "replaced" // set, replacing an earlier rule's value; Args[3] the old
	caseNoMatch  = "no-match" // the rule's path does not match; Args: path, request path
	caseSkipped  = "skipped"  // matches, but the reply is not a served file; Args[0] path, [1] how
	caseDecision = "decision"
)

// isFunction reports whether a path or a rewrite target is a Netlify
// function's.
func isFunction(p string) bool {
	return strings.HasPrefix(p, "/.netlify/functions/") || strings.HasPrefix(p, "/.netlify/edge-functions/") || strings.HasPrefix(p, "/.netlify/builders/")
}

// route says how Netlify serves path: the first [[redirects]] rule that
// applies (a proxy or a function rewrite always; a redirect or a rewrite
// to a file when forced, or when there is no file at the path, as app's
// 404 says), else a function path, else the file.
func (c *Config) route(path string, fileExists bool) (string, *Redirect) {
	for i := range c.Redirects {
		r := &c.Redirects[i]
		if !r.re.match(path) {
			continue
		}
		// A proxy or a function: app is its reply, so whether a file
		// exists at the path is not known; taken as none (an API path).
		switch {
		case r.Status == 200 && (strings.HasPrefix(r.To, "http://") || strings.HasPrefix(r.To, "https://")):
			return servedProxy, r
		case r.Status == 200 && isFunction(r.To):
			return servedFunction, r
		}
		if fileExists && !r.Force {
			continue // shadowing: a file at the path wins over an unforced rule
		}
		if r.Status >= 300 && r.Status < 400 {
			return servedRedirect, r
		}
		return servedStatic, r // a rewrite to another file of the site
	}
	if isFunction(path) {
		return servedFunction, nil
	}
	return servedStatic, nil
}

// Respond answers req as Netlify does. app is what answers the path: the
// file Netlify serves (its status: 200, or 404 when there is none, and
// its headers), or the function's or proxied site's reply.
//
// A file gets every matching rule's headers, each replacing the file's
// own field of that name and an earlier rule's (netlify-cli's
// headersForPath: Object.assign of the matching rules' values, each
// entry then set on the reply with setHeader, in the object's order).
// Netlify answers OPTIONS for a file as for any method, its docs say
// nothing else: app stands for that reply. A function's or proxied reply
// goes out as it is (docs: Limitations). A redirect answers its status
// with Location, without the custom headers.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	p := requrl.Split(req).Path
	how, redir := c.route(p, app.Status != 404)
	d := policy.Note{Case: caseDecision, Args: [4]string{how, p}, N: app.Status}
	if redir != nil {
		d.M = redir.Line
		d.Args[2] = redir.To
	}
	var rules []policy.Rule
	var set headers.List // the matching rules' values merged: Object.assign, names as written
	setBy := map[string]int{}
	for i, r := range c.Rules {
		// A rule that gives the reply nothing has no Path: lint places
		// its probe's findings at the lines of the rules that answered.
		rule := policy.Rule{Index: i, ID: r.For, Source: source}
		if !r.re.match(p) {
			rule.Failed = "path"
			rule.Note = policy.Note{Case: caseNoMatch, Args: [4]string{r.For, p}, N: r.Line}
			rules = append(rules, rule)
			continue
		}
		if how != servedStatic {
			rule.Failed = how
			rule.Note = policy.Note{Case: caseSkipped, Args: [4]string{r.For, how}, N: r.Line}
			rules = append(rules, rule)
			continue
		}
		for _, h := range r.Values {
			n := policy.Note{Case: caseSet, Args: [4]string{r.For, h.Name, h.Value}, N: h.Line}
			for _, f := range set {
				if strings.EqualFold(f.Name, h.Name) {
					n.Case, n.Args[3], n.M = caseReplaced, f.Value, setBy[strings.ToLower(h.Name)]
				}
			}
			assign(&set, h.Name, h.Value)
			setBy[strings.ToLower(h.Name)] = r.Line
			rules = append(rules, policy.Rule{Index: i, ID: h.Name, Path: c.where(r, h.Line), Matched: true, Note: n, Source: source})
		}
	}
	// The header a name ends with is the merge's last entry of it
	// (setHeader in order); the trace's earlier ones were replaced.
	winner := map[string]string{}
	for _, f := range set {
		winner[strings.ToLower(f.Name)] = f.Name
	}
	seen := map[string]bool{}
	for i := len(rules) - 1; i >= 0; i-- {
		r := &rules[i]
		if !r.Matched {
			continue
		}
		if r.ID != winner[strings.ToLower(r.ID)] || seen[r.ID] {
			r.Matched, r.Failed, r.Path = false, "replaced", ""
		}
		seen[r.ID] = true
	}
	var reply policy.Reply
	switch how {
	case servedRedirect:
		reply = policy.Reply{Status: redir.Status, Header: headers.List{{Name: "Location", Value: redir.To}}}
		d.N = redir.Status
	case servedProxy, servedFunction:
		reply = policy.Reply{Status: app.Status, Header: app.Header.Clone(), Body: app.Body}
	default:
		h := app.Header.Clone()
		for _, f := range set {
			h.Set(f.Name, f.Value)
		}
		reply = policy.Reply{Status: app.Status, Header: h, Body: app.Body}
	}
	return policy.Outcome{Reply: reply, Rules: rules, Decision: d, Words: words{}}
}

// where is a header's place in the trace: "line N", with its file's
// name first when it is not the first of several.
func (c *Config) where(r Rule, line int) string {
	if r.file != c.main {
		return r.file + ", line " + strconv.Itoa(line)
	}
	return "line " + strconv.Itoa(line)
}

// assign is Object.assign of one key: a name written the same way keeps
// its place and takes the new value, another is added at the end.
func assign(l *headers.List, name, value string) {
	for i := range *l {
		if (*l)[i].Name == name {
			(*l)[i].Value = value
			return
		}
	}
	l.Add(name, value)
}

// words says Netlify's notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	if r.Failed == "replaced" {
		return n.Args[0] + " sets " + n.Args[1] + ": " + n.Args[2] + " (line " + strconv.Itoa(n.N) + "), which a later matching rule replaces"
	}
	switch n.Case {
	case caseSet:
		return n.Args[0] + " sets " + n.Args[1] + ": " + n.Args[2]
	case caseReplaced:
		return n.Args[0] + " sets " + n.Args[1] + ": " + n.Args[2] + ", replacing " + strconv.Quote(n.Args[3]) + " from the rule at line " + strconv.Itoa(n.M) + " (Netlify's own implementation keeps the later rule's value)"
	case caseNoMatch:
		return "the path " + n.Args[0] + " (line " + strconv.Itoa(n.N) + ") does not match " + n.Args[1]
	case caseSkipped:
		return "the path " + n.Args[0] + " (line " + strconv.Itoa(n.N) + ") matches, but the reply is a " + servedWhat(n.Args[1]) + ": Netlify applies custom headers only to the files it serves"
	}
	return ""
}

func servedWhat(how string) string {
	switch how {
	case servedProxy:
		return "proxied site's"
	case servedFunction:
		return "function's"
	case servedRedirect:
		return "redirect"
	}
	return how
}

func (words) Decision(n policy.Note) string {
	if n.Case != caseDecision {
		return ""
	}
	s := strconv.Itoa(n.N)
	switch n.Args[0] {
	case servedRedirect:
		return "the redirect at line " + strconv.Itoa(n.M) + " answers " + n.Args[1] + " with " + s + " to " + n.Args[2] + ", without custom headers"
	case servedProxy:
		return "the rewrite at line " + strconv.Itoa(n.M) + " proxies " + n.Args[1] + " to " + n.Args[2] + ": its reply (" + s + ") goes out without Netlify's custom headers; the proxied site must send CORS headers itself"
	case servedFunction:
		return "a function answers " + n.Args[1] + " (" + s + "): Netlify's custom headers do not apply, the function must send CORS headers itself"
	}
	if n.N == 404 {
		return "no file at " + n.Args[1] + ": Netlify answers 404, here with the matching rules' headers as for a file (its docs do not say)"
	}
	return "Netlify serves the file at " + n.Args[1] + " (" + s + ") with the headers of every rule whose path matches"
}
