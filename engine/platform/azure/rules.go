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
// reply, [UNVERIFIED] for Azure); a "*" or a prefix in ExposedHeaders
// is expanded against the reply's header names (ExposeExpands, Azurite's
// reply, the same); origins are exact or "*", a "*" inside an entry
// compared as it is written (OriginsLiteral: the evaluator's
// allowsOrigin; the documentation names no other pattern).
var semantics = portable.Semantics{MethodSelects: true, EchoHeaders: true, ExposeExpands: true, Origins: portable.OriginsLiteral}

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
	cfg := &portable.Config{Format: string(f.form), Semantics: semantics, Platform: "Azure"}
	for i, ar := range c.Rules {
		r := portable.ConfigRule{Index: i, Pos: portable.Pos{Path: ar.Path, Line: ar.Line, Column: ar.Column}}
		r.Origins = f.values(c, &ar, "AllowedOrigins", ar.AllowedOrigins)
		r.Methods = f.values(c, &ar, "AllowedMethods", ar.AllowedMethods)
		r.AllowHeaders = f.values(c, &ar, "AllowedHeaders", ar.AllowedHeaders)
		r.ExposeHeaders = f.values(c, &ar, "ExposedHeaders", ar.ExposedHeaders)
		age := ar.MaxAgeInSeconds
		r.MaxAge = &age
		if w, ok := ar.at["MaxAgeInSeconds"]; ok {
			r.MaxAgePos = portable.Pos{Path: w.path, Line: w.line, Column: w.col}
		}
		// Azure echoes the origin with credentials for a non-"*"
		// rule (Azurite, [UNVERIFIED] for Azure; cloud-policies.md §4).
		r.Credentials, r.CredentialsImplied = !slices.Contains(ar.AllowedOrigins, "*"), true
		cfg.Rules = append(cfg.Rules, r)
	}
	portable.LocatorOf(text, c.root).Fill(cfg.Rules)
	return cfg
}

// values are a rule's list named by its XML element, each at its path.
// A comma-separated list (the XML, `az storage cors list`) has one
// position for all its values, its element's or field's; the JSON
// arrays' values are placed one by one (LocatorOf).
func (f *format) values(c *Configuration, ar *Rule, element string, list []string) []portable.Value {
	vs := portable.Values(ar.Path, f.field(c, element), list)
	if w, ok := ar.at[element]; ok && (c.root == nil || c.cli) {
		for i := range vs {
			vs[i].Pos.Line, vs[i].Pos.Column = w.line, w.col
		}
	}
	return vs
}

// field is the name form gives a CorsRule element: the ARM JSON spells
// each in lowerCamelCase (allowedOrigins), the XML and the list `az
// storage cors list` prints as the element.
func (f *format) field(c *Configuration, element string) string {
	if f.form == FormJSON && !c.cli {
		return strings.ToLower(element[:1]) + element[1:]
	}
	return element
}
