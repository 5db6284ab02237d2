package ingressnginx

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// ReadRules reads text into the neutral model (convert.Reader): one rule
// per Ingress with enable-cors "true" that serves some path, in the
// text's order, its values as the controller takes them (after its
// validation and defaults, as the evaluator uses them), each positioned
// at its annotation's value (the Ingress's kind: line for one left to
// its default).
//
// Semantics: origins are compared without regard to case and a
// "scheme://*." wildcard stands for one label (OriginsLabel: the
// template's ~* regex, [A-Za-z0-9-]+ in place of *); an origin list the
// validation refuses is stated as "*", which is what the controller
// then allows (CheckText says origin-refused). With "*" the controller
// sends Access-Control-Allow-Origin: * even with credentials on (their
// default), which no browser accepts for a credentialed request: the
// rule states the credentials as sent but implied (CredentialsImplied),
// so a conversion does not read "*" with credentials as an echo, and
// CheckText's wildcard-credentials speaks for it.
func (f *Format) ReadRules(text string) (*portable.Config, error) {
	m, err := Parse(text)
	if err != nil {
		return nil, err
	}
	cfg, _ := f.StateRules(m, text)
	return cfg, nil
}

// StateRules implements convert.Stater: the rules of a Manifest Parse
// returned.
func (*Format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	m, ok := ev.(*Manifest)
	if !ok {
		return nil, false
	}
	cfg := &portable.Config{Format: "ingress-nginx", Semantics: portable.Semantics{Origins: portable.OriginsLabel}}
	hosts := map[string]bool{}
	for _, in := range m.Ingresses {
		if in.Cors.Enabled {
			for _, r := range in.Rules {
				hosts[r.Host] = true
			}
		}
	}
	first := map[string]*Ingress{} // the first Ingress naming each host
	for _, in := range m.Ingresses {
		for _, r := range in.Rules {
			if first[r.Host] == nil {
				first[r.Host] = in
				if r.Host != "" {
					// The controller's servers are per host: a
					// request for another reaches none of them.
					cfg.Hosts = append(cfg.Hosts, r.Host)
				}
			}
		}
	}
	for i, in := range m.Ingresses {
		if !in.Cors.Enabled {
			continue // no CORS block (CheckText: cors-disabled)
		}
		r, ok := m.rule(i, in, len(hosts) > 1, first)
		if ok {
			cfg.Rules = append(cfg.Rules, r)
		}
	}
	return cfg, true
}

// rule states Ingress i. ok is false when it serves no path (no rules,
// no default backend).
func (m *Manifest) rule(i int, in *Ingress, manyHosts bool, first map[string]*Ingress) (portable.ConfigRule, bool) {
	c := in.Cors
	at := func(name string) portable.Pos {
		if a, ok := in.Get(name); ok {
			return a.ValuePos
		}
		return in.Pos
	}
	r := portable.ConfigRule{Index: i, Name: in.key(), Pos: in.Pos, Credentials: c.AllowCredentials, CredentialsPos: at("cors-allow-credentials"), MaxAgePos: at("cors-max-age")}
	note := func(field, effect, msg string) {
		r.Notes = append(r.Notes, portable.Note{Rule: i, Field: field, Effect: effect, Message: msg, Pos: in.Pos})
	}
	for _, o := range c.AllowOrigin {
		r.Origins = append(r.Origins, portable.Value{Text: o, Pos: at("cors-allow-origin")})
	}
	if len(c.AllowOrigin) == 1 && c.AllowOrigin[0] == "*" {
		r.CredentialsImplied = true
	}
	list := func(name, v string) []portable.Value {
		var out []portable.Value
		_, written := in.Get(name)
		for _, x := range strings.Split(v, ",") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, portable.Value{Text: x, Pos: at(name), Default: !written})
			}
		}
		return out
	}
	r.Methods = list("cors-allow-methods", c.AllowMethods)
	r.AllowHeaders = list("cors-allow-headers", c.AllowHeaders)
	r.ExposeHeaders = list("cors-expose-headers", c.ExposeHeaders)
	age := c.MaxAge
	r.MaxAge = &age
	_, written := in.Get("cors-max-age")
	r.MaxAgeDefault = !written

	every := false
	for _, ru := range in.Rules {
		if ru.Host != "" && (manyHosts || first[ru.Host] == in) {
			how := "the portable form has no host: this rule is for host " + strconv.Quote(ru.Host) + " only, where the converted one answers every host"
			effect := portable.Differs
			if !manyHosts {
				how = "the rules are those of host " + strconv.Quote(ru.Host) + "'s server: the portable form has no host"
				effect = portable.Same
			}
			if first[ru.Host] == in {
				// The host's / location is the default backend
				// with this Ingress's annotations (createServers).
				how += "; as the first Ingress naming the host, its CORS headers also answer every path of the host no location serves (the default backend's 404), which the converted rule does not cover"
				effect = portable.Differs
				if !manyHosts {
					effect = portable.Narrower
				}
			}
			note("paths", effect, how)
		}
		for _, p := range ru.Paths {
			switch {
			case in.regex(p.Path):
				note("paths", portable.Differs, "the path "+strconv.Quote(p.Path)+" is a case-insensitive regex location ~* \"^"+p.Path+"\" (use-regex or rewrite-target), stated as the path it starts with")
			case p.Type == "Exact":
				note("paths", portable.Wider, "the Exact path "+strconv.Quote(p.Path)+" covers that path alone; the portable form covers it and every path below it")
			case p.Type == "ImplementationSpecific" && p.Path != "/":
				note("paths", portable.Narrower, "the ImplementationSpecific path "+strconv.Quote(p.Path)+" is a plain nginx prefix (it covers "+strconv.Quote(p.Path+"x")+" too); the portable form covers it and the paths below it only")
			case strings.HasSuffix(p.Path, "/") && p.Path != "/":
				note("paths", portable.Differs, "the Prefix path "+strconv.Quote(p.Path)+" is the location "+p.Path+", which "+strconv.Quote(strings.TrimSuffix(p.Path, "/"))+" itself does not reach; the portable form covers both")
			}
			if p.Path == "/" && !in.regex(p.Path) {
				every = true
			}
			r.Paths = portable.AppendUnique(r.Paths, p.Path)
		}
	}
	if in.DefaultBackend && len(in.Rules) == 0 {
		every = true // the default server's / (the first such Ingress)
	}
	if len(r.Paths) == 0 && !every {
		return r, false
	}
	if every {
		r.Paths = nil
	}
	if other := m.overlapping(in); other != "" {
		note("paths", portable.Differs, "another Ingress's path "+other+" overlaps this one's: nginx answers each request from one location (the longest matching path; for a path two Ingresses name, the first's), where the portable form takes the first rule whose path and origins match")
	}
	return r, true
}

// overlapping names a path of another Ingress that is one of in's or
// lies below or above one, so that nginx's choice of one location and
// the portable form's first match may differ.
func (m *Manifest) overlapping(in *Ingress) string {
	for _, o := range m.Ingresses {
		if o == in {
			continue
		}
		for _, ro := range o.Rules {
			for _, po := range ro.Paths {
				for _, ri := range in.Rules {
					for _, pi := range ri.Paths {
						if portable.UnderPath(po.Path, pi.Path) || portable.UnderPath(pi.Path, po.Path) {
							return strconv.Quote(po.Path)
						}
					}
				}
			}
		}
	}
	return ""
}
