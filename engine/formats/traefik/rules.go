package traefik

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// ReadRules reads the chosen middleware as one rule of the neutral
// model, each value where it is written: the origin list (exact, "*"
// alone any origin) and the regexes (Regex), methods, headers, expose
// headers, credentials and max age. Traefik sends "*" methods or
// headers as written (no echo), and Access-Control-Max-Age 0 when unset.
func (f *Format) ReadRules(text string) (*portable.Config, error) {
	ev, err := f.Parse(text)
	if err != nil {
		return nil, err
	}
	cfg, _ := f.StateRules(ev, text)
	return cfg, nil
}

// StateRules implements convert.Stater.
func (*Format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	c, ok := ev.(*Config)
	if !ok {
		return nil, false
	}
	m := c.chosen
	r := portable.ConfigRule{Name: m.Name, Pos: at(m.headers), CredentialsPos: at(m.headers), MaxAgePos: at(m.headers), Regex: map[int]bool{}}
	vals := func(field string, vs []string) []portable.Value {
		out := make([]portable.Value, len(vs))
		for i, v := range vs {
			out[i] = portable.Value{Text: v, Pos: m.item(field, i)}
		}
		return out
	}
	r.Origins = vals(fOriginList, m.OriginList)
	for i, re := range m.OriginRegex {
		r.Regex[len(r.Origins)] = true
		r.Origins = append(r.Origins, portable.Value{Text: re, Pos: m.item(fOriginRegex, i)})
	}
	r.Methods = vals(fMethods, m.Methods)
	r.AllowHeaders = vals(fHeaders, m.AllowHeaders)
	r.ExposeHeaders = vals(fExpose, m.ExposeHeaders)
	r.Credentials = m.Credentials
	if f := m.fields[fCredentials]; f != nil {
		r.CredentialsPos = at(f)
	}
	if m.hasCors() {
		n := int(m.MaxAge)
		r.MaxAge = &n
		if f := m.fields[fMaxAge]; f != nil {
			r.MaxAgePos = at(f)
		}
	}
	r.Disabled = !m.hasCors()
	return &portable.Config{Format: Name, Semantics: portable.Semantics{Origins: portable.OriginsExact}, Rules: []portable.ConfigRule{r}}, true
}

// WriteRules writes p as one headers middleware of the file provider's
// YAML (Write), refusing what one middleware cannot say.
func (*Format) WriteRules(p portable.Policy, _ []string, n *portable.Notes) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	switch {
	case len(p.Rules) > 1:
		n.Refuse(1, "", "a headers middleware is one rule; write one middleware per router (a router's rule chooses the paths)")
	case len(p.Rules) == 1 && len(p.Rules[0].Paths) > 0:
		n.Refuse(0, "paths", "a headers middleware covers every path of the routers it is attached to; attach it to a router whose rule is PathPrefix("+strconv.Quote(p.Rules[0].Paths[0])+")")
	}
	portable.RefuseChars(p, n, "\r\n", "a YAML string")
	if err := n.Err(); err != nil {
		return "", err
	}
	if len(p.Rules) == 1 {
		r := p.Rules[0]
		if r.Credentials && (portable.Contains(r.Methods, "*") || portable.Contains(r.AllowHeaders, "*")) {
			n.Note(0, "methods", portable.Narrower, "Traefik sends \"*\" methods or headers as written, which browsers read as the name \"*\" with credentials; list them")
		}
		if r.MaxAge == nil {
			n.Note(0, "max_age", portable.Same, "Traefik sends Access-Control-Max-Age: 0 when accessControlMaxAge is unset, so preflights are not cached at all (browsers default to 5 seconds without it)")
		}
	}
	return Write(p), nil
}

// Write renders a valid policy of at most one rule, without paths, as a
// headers middleware named cors in the file provider's YAML: exact
// origins in accessControlAllowOriginList ("*" alone there without
// credentials), subdomain patterns as one anchored regex, any origin
// with credentials as the regex ^.+$ (Traefik echoes a regex match, so
// the reply carries the origin, not "*"); addVaryHeader whenever the
// reply names an origin; the lists joined by Traefik with ",".
func Write(p portable.Policy) string {
	var b strings.Builder
	b.WriteString("# CORS (whycors): attach the middleware to the routers that serve the API\n" +
		"# (http.routers.NAME.middlewares: [cors]). Traefik answers preflights itself.\n" +
		"http:\n  middlewares:\n    cors:\n      headers:\n")
	if len(p.Rules) == 0 {
		b.WriteString("        customResponseHeaders:\n          Access-Control-Allow-Origin: \"\"\n")
		return b.String()
	}
	r := p.Rules[0]
	list := func(key string, xs []string) {
		if len(xs) == 0 {
			return
		}
		b.WriteString("        " + key + ":\n")
		for _, x := range xs {
			b.WriteString("          - " + strconv.Quote(x) + "\n")
		}
	}
	var exact, patterns []string
	for _, o := range r.Origins {
		if _, _, ok := portable.SplitWildcard(o); ok {
			patterns = append(patterns, o)
		} else {
			exact = append(exact, o)
		}
	}
	star := r.AnyOrigin()
	switch {
	case star && !r.Credentials:
		list(fOriginList, []string{"*"})
	case star:
		list(fOriginRegex, []string{"^.+$"})
	default:
		list(fOriginList, exact)
		if len(patterns) > 0 {
			list(fOriginRegex, []string{portable.OriginsRegexp(patterns)})
		}
	}
	list(fMethods, r.Methods)
	list(fHeaders, r.AllowHeaders)
	list(fExpose, r.ExposeHeaders)
	if r.Credentials {
		b.WriteString("        " + fCredentials + ": true\n")
	}
	if r.MaxAge != nil {
		b.WriteString("        " + fMaxAge + ": " + strconv.Itoa(*r.MaxAge) + "\n")
	}
	if !star || r.Credentials {
		b.WriteString("        " + fVary + ": true\n")
	}
	return b.String()
}
