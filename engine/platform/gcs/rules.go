package gcs

import (
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// semantics are GCS's rules for reading entries (cloud-policies.md §3):
// the first entry whose origin and method match decides, requested
// headers play no part in the choice ([DOC], XML API put-bucket-cors), and
// an origin other than "*" is compared literally: partial wildcards are
// not documented ([UNVERIFIED]).
var semantics = portable.Semantics{MethodSelects: true, Origins: portable.OriginsLiteral}

// ReadRules implements convert.Reader: the entries in order, in the
// neutral model, each value at its JSON path (base.origin[i]) and, in
// the JSON form, at its line and column (portable.Locator). The XML
// form's values keep the entry's element path with the JSON field name
// and no line; the entry itself has its line.
func (f *format) ReadRules(text string) (*portable.Config, error) {
	c, err := Parse(f.form, text)
	if err != nil {
		return nil, err
	}
	return f.rules(c, text), nil
}

// StateRules implements convert.Stater: the rules of a Bucket Parse
// returned, placed with the tree it read.
func (f *format) StateRules(ev policy.Evaluator, text string) (*portable.Config, bool) {
	b, ok := ev.(Bucket)
	if !ok || b.CORS == nil {
		return nil, false
	}
	return f.rules(b.CORS, text), true
}

func (f *format) rules(c *Configuration, text string) *portable.Config {
	cfg := &portable.Config{Format: string(f.form), Semantics: semantics, Platform: "GCS"}
	for i, e := range c.Entries {
		r := portable.ConfigRule{Index: i, Pos: portable.Pos{Path: e.Path, Line: e.Line, Column: e.Column}, MaxAge: e.MaxAgeSeconds}
		r.Origins = portable.Values(e.Path, "origin", e.Origin)
		r.Methods = portable.Values(e.Path, "method", e.Method)
		// responseHeader is sent as both Access-Control-Allow-Headers
		// and -Expose-Headers (cloud-policies.md §3, [UNVERIFIED]).
		r.AllowHeaders = portable.Values(e.Path, "responseHeader", e.ResponseHeader)
		r.ExposeHeaders = portable.Values(e.Path, "responseHeader", e.ResponseHeader)
		r.MaxAgePos = portable.Pos{Path: e.Path + ".maxAgeSeconds"}
		cfg.Rules = append(cfg.Rules, r)
	}
	portable.LocatorOf(text, c.root).Fill(cfg.Rules)
	return cfg
}
