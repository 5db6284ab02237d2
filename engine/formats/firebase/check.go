package firebase

import (
	"regexp"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/hosthdr"
	"github.com/whycors/whycors/engine/portable"
)

// answers is what Firebase Hosting does with an OPTIONS request
// (superstatic 9.2.0, checked in e2e/hosting).
const answers = "an OPTIONS request is served as any other method, the file with 200 where one exists and a 404 elsewhere (an API path with no file), which fails the preflight"

var anchoredWord = regexp.MustCompile(`^\^[A-Za-z0-9_]`)

// common is what the shared checks and edits read of every site's
// entries, in order.
func (c *Config) common() []hosthdr.Entry {
	var out []hosthdr.Entry
	for si := range c.Sites {
		for i := range c.Sites[si].Entries {
			e := &c.Sites[si].Entries[i]
			pv, _ := e.obj.Get(e.Kind)
			h := hosthdr.Entry{Obj: e.obj, Arr: e.arr, Headers: e.Headers, Pattern: e.Pattern, PatternV: pv}
			switch {
			case e.Pattern == "":
				h.Never = "an empty pattern matches nothing"
			case e.Kind == "glob" && (!strings.HasPrefix(e.Pattern, "/") && !strings.ContainsAny(e.Pattern[:1], "*?[{!")):
				h.Never = "a \"glob\" is matched as written against a path that starts with \"/\"; \"source\" adds the slash"
			case e.Kind == "regex" && anchoredWord.MatchString(e.Pattern):
				h.Never = "the regex is anchored at the start, and a request path starts with \"/\""
			}
			h.All = true
			for _, p := range hosthdr.Probes {
				h.All = h.All && e.matches(p)
			}
			out = append(out, h)
		}
	}
	return out
}

// CheckText lists the traps of a firebase.json's headers (hosthdr.Check:
// several origins in one Access-Control-Allow-Origin, "*" with
// credentials, a pattern that matches no path, preflight headers that a
// 404 defeats).
func (*Format) CheckText(text string) []portable.Finding {
	c, err := Parse(text)
	if err != nil {
		return nil
	}
	out := c.doc.Check(c.common(), "Firebase Hosting", answers)
	for _, s := range c.Sites {
		if s.rewritesLine > 0 {
			out = append(out, portable.Finding{Severity: "info", Code: "rewrites-unread",
				Message: "a rewrite to a function or a Cloud Run service is not read: that service answers the path, and its own reply (and CORS headers) the verdict does not model; it takes Hosting's files and headers there",
				Pos:     portable.Pos{Path: s.Path + ".rewrites", Line: s.rewritesLine, Column: s.rewritesCol}})
		}
	}
	return out
}

// EditText makes e in a firebase.json: a method or header name joins the
// target entry's Access-Control-Allow-Methods or -Headers value (a new
// header object when it has none), credentials set
// Access-Control-Allow-Credentials to "true", Replace changes the
// Access-Control-Allow-Origin value. A second origin cannot be said with
// static headers: ErrUnsupported. The target is the entry at e.Line,
// else the first that sets Access-Control-Allow-Origin.
func (*Format) EditText(text string, e fix.Edit) (string, error) {
	c, err := Parse(text)
	if err != nil {
		return "", fix.ErrNotFound
	}
	return c.doc.EditEntries(c.common(), e, false)
}
