package vercel

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/formats/internal/hosthdr"
	"github.com/whycors/whycors/engine/formats/internal/requrl"
	"github.com/whycors/whycors/engine/policy"
)

// request is what the entries' conditions read.
type request struct {
	path, host string
	header     map[string][]string
	query      url.Values
	cookies    map[string]string
}

func newRequest(req policy.Request) request {
	p := requrl.Split(req)
	r := request{path: p.Path, host: p.Host, header: p.Header, cookies: map[string]string{}}
	if i := strings.IndexByte(req.URL, '?'); i >= 0 {
		q := req.URL[i+1:]
		if j := strings.IndexByte(q, '#'); j >= 0 {
			q = q[:j]
		}
		r.query, _ = url.ParseQuery(q)
	}
	for _, line := range p.Header["Cookie"] {
		for _, c := range strings.Split(line, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(c), "=")
			if _, seen := r.cookies[k]; !seen && k != "" {
				r.cookies[k] = v
			}
		}
	}
	return r
}

// element returns the request's element a condition reads.
func (r request) element(c Cond) (string, bool) {
	switch c.Type {
	case "host":
		return r.host, true
	case "header":
		vs := r.header[gohdr.Canonical(c.Key)]
		if vs == nil {
			return "", false
		}
		return strings.Join(vs, ", "), true
	case "cookie":
		v, ok := r.cookies[c.Key]
		return v, ok
	case "query":
		if !r.query.Has(c.Key) {
			return "", false
		}
		return r.query.Get(c.Key), true
	}
	return "", false
}

// matches reports whether e applies to r, the first failed condition
// otherwise, and the values ":name" stands for.
func (e *Entry) matches(r request) (string, map[string]string) {
	m := e.re.FindStringSubmatch(r.path)
	if m == nil {
		return "source", nil
	}
	vals := map[string]string{}
	for i, n := range e.names {
		if n != "" && i+1 < len(m) {
			vals[n] = m[i+1]
		}
	}
	for _, c := range e.Has {
		v, ok := r.element(c)
		if !ok {
			return "has", nil
		}
		if c.re != nil {
			sm := c.re.FindStringSubmatch(v)
			if sm == nil {
				return "has", nil
			}
			for i, n := range c.re.SubexpNames() {
				if n != "" {
					vals[n] = sm[i]
				}
			}
			if c.Type == "host" {
				vals["host"] = v
			}
		} else if c.Key != "" {
			vals[c.Key] = v
		}
	}
	for _, c := range e.Missing {
		v, ok := r.element(c)
		if ok && (c.re == nil || c.re.MatchString(v)) {
			return "missing", nil
		}
	}
	return "", vals
}

// Set returns the headers the entries set for req, each field from the
// last entry that set it, and the trace.
func (c *Config) Set(req policy.Request) (hosthdr.Set, []policy.Rule) {
	r := newRequest(req)
	var s hosthdr.Set
	var rules []policy.Rule
	for i := range c.Entries {
		e := &c.Entries[i]
		failed, vals := e.matches(r)
		rule := policy.Rule{Index: i, ID: e.Source, Path: e.Path, Source: source}
		if failed != "" {
			rule.Failed = failed
			rule.Note = policy.Note{Case: caseSkip, Args: [4]string{e.Source, r.path, failed}, M: e.Line}
			rules = append(rules, rule)
			continue
		}
		rule.Matched = true
		rule.Note = policy.Note{Case: caseApply, Args: [4]string{e.Source, r.path}, N: len(e.Headers), M: e.Line}
		rules = append(rules, rule)
		for _, h := range routeHeaders(e.Headers) {
			if e.segs {
				h.Key = substitute(h.Key, vals)
				h.Value = substitute(h.Value, vals)
			}
			s.Put(i, h)
		}
	}
	return s, rules
}

// routeHeaders is the entry's headers as the route's headers object
// holds them (convertHeaders: obj[key] = value): one per key as written,
// at the place of its first, with the value of its last. Keys that
// differ in case only are two fields of the object; the later in that
// order replaces the earlier on the reply.
func routeHeaders(hs []hosthdr.Header) []hosthdr.Header {
	out := make([]hosthdr.Header, 0, len(hs))
	at := map[string]int{}
	for _, h := range hs {
		if i, ok := at[h.Key]; ok {
			out[i].Value, out[i].ValV = h.Value, h.ValV
			continue
		}
		at[h.Key] = len(out)
		out = append(out, h)
	}
	return out
}

// Respond answers req as a Vercel deployment whose application answers
// app: the matching entries' headers, under the application's own where
// it sends one of the same name; the application's status, OPTIONS too.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	s, rules := c.Set(req)
	return s.Outcome(req, app, rules, true, words{})
}

const (
	caseSkip     = "skip"
	caseApply    = "apply"
	caseDecision = hosthdr.CaseDecision
)

type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	at := " (line " + strconv.Itoa(n.M) + ")"
	switch n.Case {
	case caseSkip:
		switch n.Args[2] {
		case "source":
			return "the source " + strconv.Quote(n.Args[0]) + at + " does not match the path " + n.Args[1]
		case "has":
			return "the source " + strconv.Quote(n.Args[0]) + at + " matches, but a \"has\" condition does not hold"
		case "missing":
			return "the source " + strconv.Quote(n.Args[0]) + at + " matches, but a \"missing\" condition finds its element"
		}
	case caseApply:
		return "the source " + strconv.Quote(n.Args[0]) + at + " matches " + n.Args[1] + ": its " + strconv.Itoa(n.N) + " header(s) apply, a later entry's key replacing an earlier one's"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	if n.Case != caseDecision {
		return ""
	}
	s := strconv.Itoa(n.M) + " header entr(ies) matched; the application answered " + strconv.Itoa(n.N)
	if n.Args[0] == "options" {
		s += " to OPTIONS: Vercel answers no preflight itself"
	}
	if len(n.List) > 0 {
		s += " (its own " + strings.Join(n.List, ", ") + " overrode vercel.json's)"
	}
	return s
}
