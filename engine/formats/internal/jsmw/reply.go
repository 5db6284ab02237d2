package jsmw

import (
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// Reply is the header list a middleware builds on a reply, with the
// operations the frameworks perform.
type Reply struct{ H headers.List }

// Set is Node's response.setHeader (Fastify's reply.header, Koa's
// ctx.set) and the Fetch Headers' set (Hono): the value replaces the
// field's, at the field's first position.
func (r *Reply) Set(name, value string) { r.H.Set(name, value) }

// Append is the Fetch Headers' append: a field already present gets ", "
// and the value (Fetch §2.2 combine).
func (r *Reply) Append(name, value string) {
	if cur, ok := r.H.Get(name); ok {
		r.H.Set(name, cur+", "+value)
		return
	}
	r.H.Add(name, value)
}

// Vary adds field to Vary unless it is listed (any case) or Vary is "*",
// as the vary module (Koa's ctx.vary) and @fastify/cors's vary.js do.
func (r *Reply) Vary(field string) {
	cur, ok := r.H.Get("Vary")
	if !ok || cur == "" {
		r.H.Set("Vary", field)
		return
	}
	for _, f := range strings.Split(cur, ",") {
		f = strings.TrimSpace(f)
		if f == "*" || strings.EqualFold(f, field) {
			return
		}
	}
	r.H.Set("Vary", cur+", "+field)
}

// Over returns base with top's fields over it: a field top has replaces
// base's (at base's position, setHeader), the rest are added in top's
// order.
func Over(base, top headers.List) headers.List {
	out := base.Clone()
	done := map[string]bool{}
	for _, f := range top {
		low := strings.ToLower(f.Name)
		if !done[low] && out.Has(f.Name) {
			out.Set(f.Name, f.Value)
		} else {
			out.Add(f.Name, f.Value)
		}
		done[low] = true
	}
	return out
}

// Outcome is the evaluators' answer: the decision's notes are the
// configuration's notes, then what each unresolved option assumes.
func Outcome(rep policy.Reply, rules []policy.Rule, d policy.Note, notes []string, unresolved []Unresolved, w policy.Words) policy.Outcome {
	d.List = append([]string{}, notes...)
	for _, u := range unresolved {
		d.List = append(d.List, u.Note())
	}
	return policy.Outcome{Reply: rep, Rules: rules, Decision: d, Words: w}
}
