package apigw

import (
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// ReadRules implements convert.Reader: an HTTP API's one CORS
// configuration as one rule of the neutral model, each value positioned
// at its JSON path. API Gateway compares origins exactly, or by scheme
// for "https://*" and "http://*" (cloud-policies.md §5.1), and sends "*"
// in AllowHeaders and AllowMethods as written.
func (*httpFormat) ReadRules(text string) (*portable.Config, error) {
	c, err := ParseHTTP(text)
	if err != nil {
		return nil, err
	}
	return httpRules(c, text), nil
}

// StateRules implements convert.Stater: the rule of an HTTPConfig
// ParseHTTP returned, placed with the tree it read.
func (*httpFormat) StateRules(ev policy.Evaluator, text string) (*portable.Config, bool) {
	c, ok := ev.(*HTTPConfig)
	if !ok {
		return nil, false
	}
	return httpRules(c, text), true
}

func httpRules(c *HTTPConfig, text string) *portable.Config {
	r := portable.ConfigRule{Pos: portable.Pos{Path: c.Path}, MaxAge: c.MaxAge, Credentials: c.AllowCredentials}
	r.Origins = portable.Values(c.Path, "AllowOrigins", c.AllowOrigins)
	r.Methods = portable.Values(c.Path, "AllowMethods", c.AllowMethods)
	r.AllowHeaders = portable.Values(c.Path, "AllowHeaders", c.AllowHeaders)
	r.ExposeHeaders = portable.Values(c.Path, "ExposeHeaders", c.ExposeHeaders)
	r.CredentialsPos = portable.Pos{Path: c.Path + ".AllowCredentials"}
	r.MaxAgePos = portable.Pos{Path: c.Path + ".MaxAge"}
	cfg := &portable.Config{Format: nameHTTP, Semantics: portable.Semantics{Origins: portable.OriginsScheme}, Rules: []portable.ConfigRule{r}}
	portable.LocatorOf(text, c.root).Fill(cfg.Rules)
	return cfg
}
