package lambdaurl

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/portable"
)

// Write writes c as {"Cors": {...}}, the shape of get-function-url-config's
// output and of update-function-url-config's --cli-input-json (add
// "FunctionName"); its inner object is what --cors takes. Unset members
// are left out. It refuses what Lambda refuses (Validate).
func Write(c *Cors) (string, error) {
	if errs := Validate(c); len(errs) > 0 {
		return "", errs
	}
	var w jsontext.Indented
	w.Open('{')
	w.Key("Cors")
	w.Open('{')
	if c.AllowCredentials {
		w.Key(FieldAllowCredentials)
		w.Bool(true)
	}
	w.StringsOmitEmpty(FieldAllowHeaders, c.AllowHeaders)
	w.StringsOmitEmpty(FieldAllowMethods, c.AllowMethods)
	w.StringsOmitEmpty(FieldAllowOrigins, c.AllowOrigins)
	w.StringsOmitEmpty(FieldExposeHeaders, c.ExposeHeaders)
	w.IntOmitNil(FieldMaxAge, c.MaxAge)
	w.Close('}')
	w.Close('}')
	return w.Text(), nil
}

// WriteRules implements convert.Writer: p's one rule as a function URL's
// Cors, noting in n what a function URL cannot say as p does and refusing
// what it cannot say without allowing more.
func (*format) WriteRules(p portable.Policy, _ []string, n *portable.Notes) (string, error) {
	if len(p.Rules) == 0 {
		return "", &portable.Refusal{Msg: "no rule to write: a function URL's CORS configuration is one rule"}
	}
	c := fromPortable(n, p)
	if err := n.Err(); err != nil {
		return "", err
	}
	return Write(c)
}

// fromPortable maps p onto a Cors. A function URL has one CORS
// configuration for every path, takes "*" or exact origins only, six
// methods from a fixed list, 100 items a list and a max age up to 86400
// (API_Cors.html): a policy beyond that is refused or narrowed, with a
// note, never widened.
func fromPortable(n *portable.Notes, p portable.Policy) *Cors {
	portable.NoPaths(n, p, platform)
	if len(p.Rules) > 1 {
		n.Refuse(1, "", "a function URL has one CORS configuration; the source has "+strconv.Itoa(len(p.Rules))+" rules")
	}
	r := p.Rules[0]
	c := &Cors{AllowHeaders: r.AllowHeaders, ExposeHeaders: r.ExposeHeaders, AllowCredentials: r.Credentials}
	c.AllowOrigins, _ = portable.WholeOrigins(n, 0, r.Origins, platform, "a function URL takes \"*\" or exact origins ("+sourceAPICors+")", "")
	if r.AnyOrigin() && r.Credentials {
		n.Refuse(0, "origins", "a function URL sends \"*\" as written (not yet checked against AWS), which browsers refuse with credentials; list the origins")
	}
	for _, m := range r.Methods {
		switch {
		case slices.Contains(Methods, m):
			c.AllowMethods = portable.AppendUnique(c.AllowMethods, m)
		case m == "OPTIONS":
			n.Note(0, "methods", portable.Narrower, "a function URL's AllowMethods takes no OPTIONS ("+sourceCFNMethod+"), so an OPTIONS request that needs a preflight is refused")
		default:
			n.Note(0, "methods", portable.Narrower, "a function URL's AllowMethods takes only "+strings.Join(Methods, ", ")+" ("+sourceCFNMethod+"), so "+strconv.Quote(m)+" is left out")
		}
	}
	if slices.Contains(c.AllowMethods, "*") && r.Credentials {
		n.NoteLiteralMethods(0, portable.Narrower, "a function URL sends \"*\" as written, which is not a wildcard for credentialed requests")
	}
	portable.NoteLiteralHeaderStar(p, n, platform)
	for _, l := range []struct {
		field string
		list  []string
	}{{"origins", c.AllowOrigins}, {"allow_headers", c.AllowHeaders}, {"expose_headers", c.ExposeHeaders}} {
		if len(l.list) > MaxItems {
			n.Refuse(0, l.field, "a function URL takes at most "+strconv.Itoa(MaxItems)+" items a list ("+sourceAPICors+"); the rule has "+strconv.Itoa(len(l.list)))
		}
	}
	if r.MaxAge != nil {
		age := *r.MaxAge
		switch {
		case age > MaxMaxAge:
			n.Note(0, "max_age", portable.Same, "a function URL's MaxAge is at most 86400 ("+sourceAPICors+"); written as 86400")
			age = MaxMaxAge
		case age < 0:
			n.Note(0, "max_age", portable.Same, "a function URL's MaxAge is 0 or more ("+sourceAPICors+"); left out, so the preflight is not cached")
			age = -1
		}
		if age >= 0 {
			c.MaxAge = &age
		}
	}
	return c
}
