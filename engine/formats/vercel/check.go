package vercel

import (
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/hosthdr"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// answers is what Vercel does with an OPTIONS request (docs only:
// vercel.com/kb/guide/how-to-enable-cors).
const answers = "an OPTIONS request reaches the deployment like any other method, so the Function or route behind the path must answer it with a 2xx status"

// common is what the shared checks and edits read of the entries.
func (c *Config) common() []hosthdr.Entry {
	out := make([]hosthdr.Entry, 0, len(c.Entries))
	for i := range c.Entries {
		e := &c.Entries[i]
		sv, _ := e.obj.Get("source")
		h := hosthdr.Entry{Obj: e.obj, Arr: e.arr, Headers: e.Headers, Pattern: e.Source, PatternV: sv,
			Conditional: len(e.Has)+len(e.Missing) > 0}
		for _, cd := range e.Has {
			if cd.Type == "header" && cd.Key == "origin" {
				h.ByOrigin = true
			}
		}
		if parts, err := parse(e.Source); err == nil && len(parts) > 0 && !parts[0].isKey && !strings.HasPrefix(parts[0].lit, "/") {
			h.Never = "a request path starts with \"/\""
		}
		h.All = !h.Conditional
		for _, p := range hosthdr.Probes {
			h.All = h.All && e.re.MatchString(p)
		}
		out = append(out, h)
	}
	return out
}

// CheckText lists the traps of a vercel.json's headers (hosthdr.Check:
// several origins in one Access-Control-Allow-Origin, "*" with
// credentials, a source that matches no path, preflight headers that
// nothing answers, an origin-dependent header without Vary: Origin).
func (*Format) CheckText(text string) []portable.Finding {
	c, err := Parse(text)
	if err != nil {
		return nil
	}
	out := c.doc.Check(c.common(), "Vercel", answers)
	// trailingSlash redirects one form of every path before any header
	// entry applies; a preflight that meets the redirect fails.
	if v, ok := c.doc.Root.Get("trailingSlash"); ok && c.TrailingSlash != nil && c.setsCORS() {
		form := "with a trailing slash (/api/items/) get"
		if *c.TrailingSlash {
			form = "without a trailing slash (/api/items) get"
		}
		l, col := policy.LineCol(text, int(v.Off))
		out = append(out, portable.Finding{Severity: "warning", Code: "trailing-slash-redirect", Pos: portable.Pos{Path: "$.trailingSlash", Line: l, Column: col},
			Message: "trailingSlash is set: requests " + form + " a 308 redirect before any header entry applies, and a preflight that is redirected fails; fetch the exact form, or leave trailingSlash out"})
	}
	return out
}

// setsCORS reports whether an entry sets an Access-Control-* header.
func (c *Config) setsCORS() bool {
	for _, e := range c.Entries {
		for _, h := range e.Headers {
			if strings.HasPrefix(strings.ToLower(h.Key), "access-control-") {
				return true
			}
		}
	}
	return false
}

// EditText makes e in a vercel.json: a method or header name joins the
// target entry's Access-Control-Allow-Methods or -Headers value (a new
// header object when it has none), credentials set
// Access-Control-Allow-Credentials to "true", Replace changes the
// Access-Control-Allow-Origin value, and Add of an origin writes a new
// entry after the target with a "has" condition on that origin. The
// target is the entry at e.Line (an entry's or a header's line), else
// the first that sets Access-Control-Allow-Origin.
func (*Format) EditText(text string, e fix.Edit) (string, error) {
	c, err := Parse(text)
	if err != nil {
		return "", fix.ErrNotFound
	}
	return c.doc.EditEntries(c.common(), e, true)
}

// Traps lists what depends on the application's reply app: each
// Access-Control-* or Vary header the application sends that an entry
// sets too, for the application's wins
// (vercel.com/docs/concepts/functions/serverless-functions/edge-caching:
// a Function's headers override the route's).
func (*Format) Traps(text string, app headers.List) []portable.Finding {
	c, err := Parse(text)
	if err != nil {
		return nil
	}
	var out []portable.Finding
	seen := map[string]bool{}
	for _, e := range c.common() {
		for _, h := range e.Headers {
			k := strings.ToLower(h.Key)
			if seen[k] || !(strings.HasPrefix(k, "access-control-") || k == "vary") || !app.Has(h.Key) {
				continue
			}
			seen[k] = true
			l, col := policy.LineCol(text, int(h.KeyV.Off))
			v, _ := app.Get(h.Key)
			out = append(out, portable.Finding{Severity: "warning", Code: "app-overrides", Pos: portable.Pos{Path: h.Path, Line: l, Column: col},
				Message: "the application sends its own " + h.Key + " (" + v + "), which overrides vercel.json's where both apply: set it in one place"})
		}
	}
	return out
}
