package native

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// semantics are native's rules of evaluation in the neutral model's
// terms (the package doc): "*" in request_headers or methods echoes what
// the preflight asks for, so it covers Authorization and works with
// credentials, and an origin pattern is exact, "*", or one "scheme://*."
// subdomain wildcard, as the portable form's. The first rule whose path
// and origins match answers, as in the portable form; a policy whose
// rules match on method (and headers) is stated as S3's are
// (policySemantics).
var semantics = portable.Semantics{EchoHeaders: true, EchoMethods: true, OriginSelects: true, Origins: portable.OriginsSubdomain}

// policySemantics are p's semantics: MethodSelects when a rule matches on
// method (its list is then exact, GET, HEAD and POST included), and
// HeaderFallThrough when one matches on request headers. The neutral
// model holds one choice for every rule, so in a policy that mixes rules
// with and without "match", the rules without it are stated with the
// safelisted methods listed (what they allow), and the fall-through the
// model then assumes for them is the only inexactness.
func policySemantics(p *Policy) portable.Semantics {
	sem := semantics
	for i := range p.c {
		sem.MethodSelects = sem.MethodSelects || p.c[i].matchMethod
		sem.HeaderFallThrough = sem.HeaderFallThrough || p.c[i].matchHeaders
	}
	return sem
}

// ReadRules implements convert.Reader: the policy's rules in the neutral
// model, each value positioned at its JSON path ($.rules[i].origins[j],
// or $.origins[j] in the one-rule form).
func (f *format) ReadRules(text string) (*portable.Config, error) {
	p, err := Parse(text)
	if err != nil {
		return nil, err
	}
	c, _ := f.StateRules(p, text)
	return c, nil
}

// StateRules implements convert.Stater: the rules of a Policy Parse
// returned, placed where Parse found them.
func (*format) StateRules(ev policy.Evaluator, text string) (*portable.Config, bool) {
	p, ok := ev.(*Policy)
	if !ok {
		return nil, false
	}
	c := &portable.Config{Format: FormatName, Semantics: policySemantics(p)}
	for i, nr := range p.Rules() {
		at := p.base[i]
		r := portable.ConfigRule{Index: i, Name: nr.Name, Pos: portable.Pos{Path: at}, Credentials: nr.Credentials, MaxAge: nr.MaxAge}
		r.Origins = portable.Values(at, "origins", nr.Origins)
		r.Methods = portable.Values(at, "methods", nr.Methods)
		if c.Semantics.MethodSelects && !p.c[i].matchMethod && !p.c[i].anyMethod {
			for _, m := range []string{"GET", "HEAD", "POST"} {
				if !contains(nr.Methods, m) {
					r.Methods = append(r.Methods, portable.Value{Text: m})
				}
			}
		}
		r.AllowHeaders = portable.Values(at, "request_headers", nr.RequestHeaders)
		r.ExposeHeaders = portable.Values(at, "exposed_headers", nr.ExposedHeaders)
		r.CredentialsPos = portable.Pos{Path: at + ".credentials"}
		r.MaxAgePos = portable.Pos{Path: at + ".max_age"}
		r.PreflightPass = nr.UnmatchedPreflight == Pass
		r.Paths, r.PathNote = portablePaths(nr.Path)
		c.Rules = append(c.Rules, r)
	}
	loc := portable.LocatorAt(text, p.at)
	if p.at == nil {
		loc = portable.NewLocator(text) // a Policy built, not parsed
	}
	loc.Fill(c.Rules)
	return c, true
}

// portablePaths maps a native path pattern onto the portable form's
// Paths, which cover a path and every path below it segment by segment,
// with a note when the two cover different paths.
func portablePaths(p string) ([]string, string) {
	switch {
	case p == "" || p == "/*":
		return nil, ""
	case strings.HasSuffix(p, "/*"):
		base := strings.TrimSuffix(p, "/*")
		return []string{base}, "native " + strconv.Quote(p) + " covers paths under " + strconv.Quote(base+"/") + " but not " + strconv.Quote(base) + " itself; the portable form covers both"
	case strings.HasSuffix(p, "*"):
		// "/api*" is a raw prefix; the portable form works by segments.
		base := strings.TrimSuffix(p, "*")
		return []string{base}, "native " + strconv.Quote(p) + " is a raw prefix (it covers " + strconv.Quote(base+"x") + "); the portable form covers whole segments only"
	}
	return []string{p}, "native " + strconv.Quote(p) + " covers exactly that path; the portable form also covers the paths below it"
}
