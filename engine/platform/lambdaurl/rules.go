package lambdaurl

import (
	"github.com/whycors/whycors/engine/platform/internal/place"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// semantics are a function URL's rules for the neutral model: an origin is
// "*" or compared exactly (API_Cors.html names no other pattern), and "*"
// in AllowHeaders or AllowMethods is sent as written ([UNVERIFIED]), so it
// is no echo. The method list does not select (the preflight answer
// carries the list and the browser decides, [UNVERIFIED]).
var semantics = portable.Semantics{Origins: portable.OriginsExact}

// ReadRules implements convert.Reader: the one Cors object as one rule,
// each value at its path, line and column. A configuration without Cors
// has no rule.
func (*format) ReadRules(text string) (*portable.Config, error) {
	return place.ReadRules(text, Parse, Rules)
}

// StateRules implements convert.Stater: the rule of a Function Parse
// returned.
func (*format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	f, ok := ev.(Function)
	if !ok {
		return nil, false
	}
	return Rules(f.CORS), true
}

// Rules is c in the neutral model (nil: no rule), positioned with the
// positions c keeps; the template readers state their function URLs with
// it.
func Rules(c *Cors) *portable.Config {
	cfg := &portable.Config{Format: Name, Semantics: semantics}
	if c == nil {
		return cfg
	}
	r := portable.ConfigRule{Pos: c.At.Portable(), MaxAge: c.MaxAge, Credentials: c.AllowCredentials}
	r.Origins = values(c, FieldAllowOrigins, c.AllowOrigins)
	r.Methods = values(c, FieldAllowMethods, c.AllowMethods)
	r.AllowHeaders = values(c, FieldAllowHeaders, c.AllowHeaders)
	r.ExposeHeaders = values(c, FieldExposeHeaders, c.ExposeHeaders)
	r.CredentialsPos = c.ValueAt(FieldAllowCredentials, 0).Portable()
	r.MaxAgePos = c.ValueAt(FieldMaxAge, 0).Portable()
	cfg.Rules = []portable.ConfigRule{r}
	return cfg
}

func values(c *Cors, field string, list []string) []portable.Value {
	return place.Values(c.Values[field], c.At, list)
}
