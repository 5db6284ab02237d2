// Package contract reads a team's expectations of its CORS configuration
// (which origin may do what, in which browser) and checks a configuration
// against them through the engine: `whycors test POLICY EXPECTATIONS`
// (issue "Contract tests, semantic diff and an attacker's battery"). The
// file is YAML or JSON (JSON is YAML), schemas/expectations.schema.json
// describes it, and every fault is reported at its line and column.
package contract

import (
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/wire"
)

// MaxCases bounds the cases of one file: each runs the browser model
// once per browser.
const MaxCases = 5000

// DefaultURL is the base of a case's path when the file names none.
const DefaultURL = "https://api.example.com"

// allBrowsers are the browsers "all" (the default) stands for.
func allBrowsers() []string { return []string{"chrome", "firefox", "safari"} }

// File is an expectations file.
type File struct {
	// URL is the scheme and host the cases' paths are requested at.
	URL   string
	Cases []Case
}

// Case is one expectation: a request and whether it must be allowed.
type Case struct {
	Index       int
	Origin      string
	Method      string
	Path        string
	Headers     headers.List // a header given as "name" has the value "x"
	Credentials string       // include, same-origin (default) or omit
	Browsers    []string     // chrome, firefox, safari, spec; "all" is the first three
	Allow       bool         // expect: allow (true) or deny
	Line        int          // where the case starts in the file
	Column      int
}

// Read reads an expectations file. Every fault is a policy.Error with its
// JSON path ($.cases[2].expect) and line and column.
func Read(text string) (*File, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return nil, policy.Errors{yamlError(err)}
	}
	var errs policy.Errors
	fail := func(n *yaml.Node, path, msg string) {
		e := &policy.Error{Path: path, Msg: msg}
		if n != nil {
			e.Line, e.Column = n.Line, n.Column
		}
		errs = append(errs, e)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		fail(nil, "$", `want a mapping with "cases" (a list of expected requests)`)
		return nil, errs
	}
	f := &File{URL: DefaultURL}
	top := doc.Content[0]
	var cases *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch k.Value {
		case "$schema":
			// schemas/expectations.schema.json, for an editor: a string.
			if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
				fail(v, "$.$schema", "want the schema's URL, a string")
			}
		case "url":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!str" || !strings.HasPrefix(v.Value, "http://") && !strings.HasPrefix(v.Value, "https://") {
				fail(v, "$.url", "want the http(s) scheme and host the paths are requested at, e.g. https://api.example.com")
				continue
			}
			if strings.ContainsAny(v.Value, "?#") {
				// Each case's path is appended to it: after a query
				// or a fragment it would be neither path nor request
				// (found as a new user would: the cases went to the
				// url's own path).
				fail(v, "$.url", "want the scheme and host, with a path prefix at most: each case's path is appended to it, so it can have no query or fragment (put a query in each case's path)")
				continue
			}
			f.URL = strings.TrimSuffix(v.Value, "/")
		case "cases":
			cases = v
		default:
			fail(k, "$."+k.Value, `unknown field; an expectations file has "url" and "cases"`)
		}
	}
	switch {
	case cases == nil:
		fail(top, "$.cases", "missing: the list of expected requests")
	case cases.Kind != yaml.SequenceNode:
		fail(cases, "$.cases", "want a list of cases")
	case len(cases.Content) == 0:
		// A contract of no case checks nothing, and would pass in CI
		// (found as a new user would: "0 of 0 checks hold", exit 0).
		fail(cases, "$.cases", "empty: the file checks nothing; list at least one expected request")
	case len(cases.Content) > MaxCases:
		fail(cases, "$.cases", strconv.Itoa(len(cases.Content))+" cases; at most "+strconv.Itoa(MaxCases))
	default:
		for i, n := range cases.Content {
			c, ok := readCase(i, n, fail)
			if ok {
				f.Cases = append(f.Cases, c)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return f, nil
}

// readCase reads cases[i].
func readCase(i int, n *yaml.Node, fail func(*yaml.Node, string, string)) (Case, bool) {
	at := "$.cases[" + strconv.Itoa(i) + "]"
	c := Case{Index: i, Method: "GET", Path: "/", Credentials: "same-origin", Browsers: allBrowsers(), Line: n.Line, Column: n.Column}
	if n.Kind != yaml.MappingNode {
		fail(n, at, "want a case: {origin, method, path, headers, credentials, browser, expect}")
		return c, false
	}
	ok := true
	seen := map[string]bool{}
	str := func(v *yaml.Node, path string) (string, bool) {
		if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
			// A YAML number, boolean or null is not taken as text: quote it.
			fail(v, path, "want a string (quote it in YAML)")
			ok = false
			return "", false
		}
		return v.Value, true
	}
	for j := 0; j+1 < len(n.Content); j += 2 {
		k, v := n.Content[j], n.Content[j+1]
		p := at + "." + k.Value
		seen[k.Value] = true
		switch k.Value {
		case "origin":
			if s, good := str(v, p); good {
				c.Origin = s
				// A page's origin, checked here so that a typo is an
				// input error at its place (found as a new user
				// would: "app.example.com" was a case that "could
				// not be run", exit 1).
				if _, err := origin.Parse(s); err != nil || s != "null" && !strings.Contains(s, "://") {
					fail(v, p, "want a page's origin, scheme://host[:port] (such as https://app.example.com), or null")
					ok = false
				}
			}
		case "method":
			if s, good := str(v, p); good {
				c.Method = s
			}
		case "path":
			if s, good := str(v, p); good {
				if !strings.HasPrefix(s, "/") {
					fail(v, p, "want a path starting with /")
					ok = false
				}
				c.Path = s
			}
		case "headers":
			if v.Kind != yaml.SequenceNode {
				fail(v, p, `want a list of header names, or "Name: value"`)
				ok = false
				continue
			}
			for h, hn := range v.Content {
				s, good := str(hn, p+"["+strconv.Itoa(h)+"]")
				if !good {
					continue
				}
				name, value, found := strings.Cut(s, ":")
				if !found {
					value = "x"
				}
				c.Headers.Add(strings.TrimSpace(name), strings.TrimSpace(value))
			}
		case "credentials":
			if s, good := str(v, p); good {
				switch s {
				case "include", "same-origin", "omit":
					c.Credentials = s
				default:
					fail(v, p, `want include, same-origin or omit`)
					ok = false
				}
			}
		case "browser":
			// One browser, all, or a list of browsers (found as a new
			// user would: [chrome, firefox] was "want a string").
			items := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode && len(v.Content) > 0 {
				items = v.Content
				c.Browsers = nil
			}
			for j, it := range items {
				ip := p
				if v.Kind == yaml.SequenceNode {
					ip = p + "[" + strconv.Itoa(j) + "]"
				}
				s, good := str(it, ip)
				if !good {
					ok = false
					continue
				}
				switch s {
				case "all":
					if v.Kind == yaml.SequenceNode {
						fail(it, ip, "want chrome, firefox, safari or spec in a list (all is the whole list)")
						ok = false
					}
				case "chrome", "firefox", "safari", "spec":
					if v.Kind == yaml.SequenceNode {
						if !slices.Contains(c.Browsers, s) {
							c.Browsers = append(c.Browsers, s)
						}
					} else {
						c.Browsers = []string{s}
					}
				default:
					fail(it, ip, "want chrome, firefox, safari, spec or all")
					ok = false
				}
			}
		case "expect":
			if s, good := str(v, p); good {
				switch s {
				case "allow":
					c.Allow = true
				case "deny":
				default:
					fail(v, p, "want allow or deny")
					ok = false
				}
			}
		default:
			fail(k, p, "unknown field; a case has origin, method, path, headers, credentials, browser and expect")
			ok = false
		}
	}
	for _, req := range []string{"origin", "expect"} {
		if !seen[req] {
			fail(n, at+"."+req, "missing")
			ok = false
		}
	}
	return c, ok
}

// yamlError places a YAML syntax error ("yaml: line 3: ...").
func yamlError(err error) *policy.Error {
	msg := err.Error()
	e := &policy.Error{Msg: msg}
	if rest, found := strings.CutPrefix(msg, "yaml: line "); found {
		if num, tail, ok := strings.Cut(rest, ":"); ok {
			if n, err := strconv.Atoi(num); err == nil {
				e.Line, e.Column, e.Msg = n, 1, strings.TrimSpace(tail)
			}
		}
	}
	return e
}

// Result is one case in one browser.
type Result struct {
	Case    Case
	Browser string
	Allowed bool
	Reason  string // the browser's reason when blocked
	// Rule says which rule of the configuration decided, when its trace
	// names one ("rule 2 (line 5)").
	Rule string
	// Error is set when the engine could not run the case.
	Error string
}

// OK reports whether the browser did what the case expects.
func (r Result) OK() bool { return r.Error == "" && r.Allowed == r.Case.Allow }

// Run checks policyText, written in format (a registered name or auto),
// against f, case by case and browser by browser, through the browser
// model (explain.Run: no advice, no fix search). The policy is read
// once. The error is the policy's own (unreadable, unknown format).
func Run(f *File, policyText, format string, o explain.Options) ([]Result, error) {
	return RunPolicy(f, &explain.Policy{Format: format, Text: policyText}, o)
}

// RunPolicy is Run of a policy of several files, parameters or a chosen
// resource (a Terraform module with its .tfvars, a template with a
// parameter file), as explain's --policy reads them; its Format may be
// auto or "".
func RunPolicy(f *File, pol *explain.Policy, o explain.Options) ([]Result, error) {
	src := pol.Source()
	fm, err := o.Formats.Resolve(pol.Format, src)
	if err != nil {
		return nil, err
	}
	ev, err := policy.Parse(fm, src)
	if err != nil {
		return nil, err
	}
	o.Advisor = nil
	if src.OneText() {
		// Read once for every case.
		o = o.Read(fm, src.Main(), ev)
	}
	run := *pol
	run.Format = fm.Name()
	var out []Result
	for _, c := range f.Cases {
		for _, b := range c.Browsers {
			s := explain.Scenario{Browser: b, Policy: &run,
				Request: explain.Request{Origin: c.Origin, URL: f.URL + c.Path}}
			s.Request.Method = c.Method
			s.Request.Headers = c.Headers
			s.Request.Credentials = c.Credentials
			// fetch() normalizes get and head to GET and HEAD, which
			// send no body (found as a new user would: "method: get"
			// failed every case with BodyWithGetHead).
			if !strings.EqualFold(c.Method, "GET") && !strings.EqualFold(c.Method, "HEAD") {
				body := ""
				s.Request.Body = &body
			}
			r := Result{Case: c, Browser: b}
			v, err := explain.Run(s, o)
			if err != nil {
				r.Error = err.Error()
			} else {
				r.Allowed, r.Reason, r.Rule = v.Allowed, v.Reason, decidingRule(v.Rules, v.DecidedBy)
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// decidingRule names the rule of the trace that decided: the one that
// matched, else the last one tried.
func decidingRule(rules []explain.Rule, at *wire.Place) string {
	if len(rules) == 0 {
		return ""
	}
	r := rules[len(rules)-1]
	for _, x := range rules {
		if x.Matched {
			r = x
		}
	}
	s := "rule " + strconv.Itoa(r.Index+1)
	if r.ID != "" {
		s += " (" + r.ID + ")"
	}
	if r.Path != "" {
		s += " at " + r.Path
	}
	// The line, as explain's summary gives it: tried as a new user
	// would, a failed case named a JSON path alone.
	switch {
	case r.Line > 0:
		s += " (line " + strconv.Itoa(r.Line) + ")"
	case at != nil && at.Line > 0:
		s += " (line " + strconv.Itoa(at.Line) + ")"
	}
	switch {
	case !r.Matched && r.Detail != "":
		// The condition with the values compared names what to change
		// (the header, the method, the origin), where its kind alone
		// ("headers") did not.
		s += ", which did not match on " + r.Failed + ": " + r.Detail
	case !r.Matched && r.Failed != "":
		s += ", which did not match: " + r.Failed
	}
	return s
}
