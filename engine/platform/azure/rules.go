package azure

import (
	"slices"
	"strings"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// semantics are Azure's rules for reading CorsRules (cloud-policies.md
// §4): the first rule whose origin and method match is selected, and a
// requested header it does not allow fails the request without trying
// later rules (no HeaderFallThrough, the documentation's worked example);
// a "*" in AllowedHeaders lets any requested header through and the
// preflight answers with the request's list (EchoHeaders, Azurite's
// reply, [UNVERIFIED] for Azure); origins are exact or "*".
var semantics = portable.Semantics{MethodSelects: true, EchoHeaders: true}

// ReadRules implements convert.Reader: the rules in order, in the
// neutral model, each value at its path (base.allowedOrigins[i] in the
// JSON form, base.AllowedOrigins[i] in the XML form) and, in the JSON
// form, at its line and column (portable.Locator).
func (f *format) ReadRules(text string) (*portable.Config, error) {
	c, err := Parse(f.form, text)
	if err != nil {
		return nil, err
	}
	return f.rules(c, text), nil
}

// StateRules implements convert.Stater: the rules of a Service Parse
// returned, placed with the tree it read.
func (f *format) StateRules(ev policy.Evaluator, text string) (*portable.Config, bool) {
	s, ok := ev.(Service)
	if !ok || s.CORS == nil {
		return nil, false
	}
	return f.rules(s.CORS, text), true
}

func (f *format) rules(c *Configuration, text string) *portable.Config {
	cfg := &portable.Config{Format: string(f.form), Semantics: semantics}
	for i, ar := range c.Rules {
		r := portable.ConfigRule{Index: i, Pos: portable.Pos{Path: ar.Path, Line: ar.Line, Column: ar.Column}}
		r.Origins = portable.Values(ar.Path, f.field("AllowedOrigins"), ar.AllowedOrigins)
		r.Methods = portable.Values(ar.Path, f.field("AllowedMethods"), ar.AllowedMethods)
		r.AllowHeaders = portable.Values(ar.Path, f.field("AllowedHeaders"), ar.AllowedHeaders)
		r.ExposeHeaders = portable.Values(ar.Path, f.field("ExposedHeaders"), ar.ExposedHeaders)
		age := ar.MaxAgeInSeconds
		r.MaxAge = &age
		// Azure echoes the origin with credentials for a non-"*"
		// rule (Azurite, [UNVERIFIED] for Azure; cloud-policies.md §4).
		r.Credentials, r.CredentialsImplied = !slices.Contains(ar.AllowedOrigins, "*"), true
		cfg.Rules = append(cfg.Rules, r)
	}
	portable.LocatorOf(text, c.root).Fill(cfg.Rules)
	return cfg
}

// field is the name form gives a CorsRule element: the ARM JSON spells
// each in lowerCamelCase (allowedOrigins), the XML as the element.
func (f *format) field(element string) string {
	if f.form == FormJSON {
		return strings.ToLower(element[:1]) + element[1:]
	}
	return element
}
