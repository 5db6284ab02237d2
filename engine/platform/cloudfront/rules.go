package cloudfront

import (
	"github.com/whycors/whycors/engine/platform/internal/place"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// semantics are a response headers policy's rules for the neutral model:
// an origin is "*", exact, or "scheme://*." before a domain (SourceGuide:
// "*" as the leftmost part of the domain), and "*" in the header lists is
// sent as written ([UNVERIFIED]), so it is no echo.
var semantics = portable.Semantics{Origins: portable.OriginsSubdomain}

// ReadRules implements convert.Reader: the CorsConfig as one rule, each
// value at its path, line and column; ALL stands for the methods it
// covers, each at ALL's position. A policy without CorsConfig has no rule.
func (*format) ReadRules(text string) (*portable.Config, error) {
	return place.ReadRules(text, Parse, Rules)
}

// StateRules implements convert.Stater: the rule of a Distribution Parse
// returned.
func (*format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	d, ok := ev.(Distribution)
	if !ok {
		return nil, false
	}
	return Rules(d.CORS), true
}

// Rules is c in the neutral model (nil: no rule), positioned with the
// positions c keeps; the template readers state their policies with it.
func Rules(c *CorsConfig) *portable.Config {
	cfg := &portable.Config{Format: Name, Semantics: semantics}
	if c == nil {
		return cfg
	}
	r := portable.ConfigRule{Pos: c.At.Portable(), MaxAge: c.AccessControlMaxAgeSec, Credentials: c.AccessControlAllowCredentials}
	r.Origins = place.Values(c.Values[FieldAllowOrigins], c.At, c.AccessControlAllowOrigins)
	r.AllowHeaders = place.Values(c.Values[FieldAllowHeaders], c.At, c.AccessControlAllowHeaders)
	r.ExposeHeaders = place.Values(c.Values[FieldExposeHeaders], c.At, c.AccessControlExposeHeaders)
	for i, m := range c.AccessControlAllowMethods {
		at := c.ValueAt(FieldAllowMethods, i).Portable()
		if m == "ALL" {
			for _, x := range allMethods {
				r.Methods = append(r.Methods, portable.Value{Text: x, Pos: at})
			}
			continue
		}
		r.Methods = append(r.Methods, portable.Value{Text: m, Pos: at})
	}
	r.CredentialsPos = c.ValueAt(FieldAllowCredentials, 0).Portable()
	r.MaxAgePos = c.ValueAt(FieldMaxAgeSec, 0).Portable()
	// The preflight reaches the origin, whose status the browser sees
	// ([UNVERIFIED], package doc).
	r.PreflightPass = true
	cfg.Rules = []portable.ConfigRule{r}
	return cfg
}
