package azure

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Write writes c as the <Cors> element of Set Blob Service Properties.
// Azure's lists are comma-separated strings, so an item holding a comma
// cannot be written: Write refuses it rather than split it in two.
func Write(c *Configuration) (string, error) {
	if errs := Validate(c); len(errs) > 0 {
		return "", errs
	}
	var b strings.Builder
	b.WriteString("<Cors>\n")
	for i, r := range c.Rules {
		b.WriteString("  <CorsRule>\n")
		for _, f := range []struct {
			name string
			list []string
		}{{"AllowedOrigins", r.AllowedOrigins}, {"AllowedMethods", r.AllowedMethods}, {"AllowedHeaders", r.AllowedHeaders}, {"ExposedHeaders", r.ExposedHeaders}} {
			for _, v := range f.list {
				if strings.Contains(v, ",") {
					return "", policy.Errors{{Path: "rule " + strconv.Itoa(i+1), Msg: f.name + " item " + strconv.Quote(v) + " holds a comma, which Azure's comma-separated list cannot express"}}
				}
			}
			b.WriteString("    <" + f.name + ">" + escape(strings.Join(f.list, ",")) + "</" + f.name + ">\n")
		}
		b.WriteString("    <MaxAgeInSeconds>" + strconv.Itoa(r.MaxAgeInSeconds) + "</MaxAgeInSeconds>\n")
		b.WriteString("  </CorsRule>\n")
	}
	b.WriteString("</Cors>\n")
	return b.String(), nil
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// SelectsByMethod implements convert.MethodSelector.
func (*propertiesFormat) SelectsByMethod() {}

// WriteRules implements convert.Writer for the service properties XML:
// p's rules become CorsRules, and n says where Azure cannot say the same
// thing. Write's validation (five rules at most, Azure's limits) has the
// last word.
func (*propertiesFormat) WriteRules(p portable.Policy, _ []string, n *portable.Notes) (string, error) {
	c := fromPortable(n, p)
	if err := n.Err(); err != nil {
		return "", err
	}
	return Write(c)
}

// fromPortable maps p onto CorsRules. Azure has no paths, exact origins
// or "*" only, a method list of its own, and sends credentials with every
// echoed origin; each difference is a Note, and a rule left with no
// origin is refused.
func fromPortable(n *portable.Notes, p portable.Policy) *Configuration {
	portable.NoPaths(n, p, "Azure")
	c := &Configuration{}
	for i, r := range p.Rules {
		ar := Rule{AllowedHeaders: r.AllowHeaders, ExposedHeaders: r.ExposeHeaders}
		var ok bool
		if ar.AllowedOrigins, ok = portable.WholeOrigins(n, i, r.Origins, "Azure", "Azure documents exact origins or \"*\" only", ""); !ok {
			continue
		}
		ar.AllowedMethods = portable.WithSimple(n, i, r, methods, "Azure")
		if r.MaxAge != nil {
			ar.MaxAgeInSeconds = *r.MaxAge
		}
		star := slices.Contains(ar.AllowedOrigins, "*")
		switch {
		case star && r.Credentials:
			n.Note(i, "credentials", portable.Narrower, "Azure answers a \"*\" rule with Access-Control-Allow-Origin: *, so credentialed requests fail")
		case !star && !r.Credentials:
			n.Note(i, "credentials", portable.Wider, "Azure sends Access-Control-Allow-Credentials: true with an echoed origin (as Azurite does; not yet checked against Azure)")
		}
		c.Rules = append(c.Rules, ar)
	}
	portable.FallThrough(n, p, "Azure", false)
	return c
}
