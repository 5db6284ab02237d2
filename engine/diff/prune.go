package diff

import (
	"slices"
	"strings"

	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/portable"
)

// reach is what the rules of both configurations say about one origin of
// the space, read from the neutral model: whether any rule could answer
// it, and which request headers any such rule names. A rule only answers
// origins its entries match and only allows headers it lists (or all,
// with "*" or when it echoes them), so a request outside both is blocked
// by both and need not be asked. The over-approximation below never
// leaves out an origin a rule could match: "*" anywhere in an entry
// matches any run of characters (S3's glob, which covers native's
// subdomain and API Gateway's scheme patterns), and an exact entry is
// compared as text, case aside, and as a parsed origin.
type reach struct {
	asked   bool
	headers []string // nil: every header of the space
}

// reaches computes the reach of every origin of sp for configurations a
// and b. A configuration without rules, or whose origins are code
// (Express functions, regular expressions, reflection), reaches every
// origin with every header.
func (sp *space) reaches(a, b *portable.Config) map[string]reach {
	out := make(map[string]reach, len(sp.origins))
	if !prunable(a) || !prunable(b) {
		for _, o := range sp.origins {
			out[o] = reach{asked: true}
		}
		return out
	}
	idx := []*ruleIndex{indexRules(a), indexRules(b)}
	for _, o := range sp.origins {
		var r reach
		hdrs := map[string]bool{}
		all := false
		for _, x := range idx {
			for _, i := range x.matching(o) {
				ru := &x.cfg.Rules[i]
				r.asked = true
				all = all || ru.EchoAllHeaders
				for _, v := range ru.AllowHeaders {
					h := strings.ToLower(strings.TrimSpace(v.Text))
					all = all || h == "*"
					hdrs[h] = true
				}
			}
		}
		if r.asked && !all {
			r.headers = []string{}
			for _, h := range sp.headers {
				if hdrs[h] {
					r.headers = append(r.headers, h)
				}
			}
		}
		out[o] = r
	}
	return out
}

// ruleIndex finds the rules of a configuration whose origin entries may
// match an origin (mayMatch) without trying every entry: exact entries
// by their text and their parsed origin, patterns in a list.
type ruleIndex struct {
	cfg      *portable.Config
	exact    map[string][]int
	patterns []pattern
}

type pattern struct {
	glob string
	rule int
}

func indexRules(c *portable.Config) *ruleIndex {
	x := &ruleIndex{cfg: c, exact: map[string][]int{}}
	for i, r := range c.Rules {
		if r.Disabled {
			continue
		}
		for _, v := range r.Origins {
			e := strings.ToLower(strings.TrimSpace(v.Text))
			if strings.Contains(e, "*") {
				x.patterns = append(x.patterns, pattern{e, i})
				continue
			}
			x.exact[e] = append(x.exact[e], i)
			if p, err := origin.Parse(e); err == nil && p.String() != e {
				x.exact[p.String()] = append(x.exact[p.String()], i)
			}
		}
	}
	return x
}

// matching lists the rules that may match o, each once.
func (x *ruleIndex) matching(o string) []int {
	out := append([]int(nil), x.exact[o]...)
	for _, p := range x.patterns {
		if glob(p.glob, o) {
			out = append(out, p.rule)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// prunable reports whether c's rules say which origins they answer.
func prunable(c *portable.Config) bool {
	if c == nil {
		return false
	}
	switch c.Semantics.Origins {
	case portable.OriginsExact, portable.OriginsGlob, portable.OriginsSubdomain, portable.OriginsScheme, portable.OriginsLiteral:
	default:
		return false
	}
	for _, r := range c.Rules {
		if r.ReflectAny || len(r.Regex) > 0 || r.PreflightPass {
			return false
		}
	}
	return true
}

// mayMatch reports whether any origin entry of r could match o.
func mayMatch(r portable.ConfigRule, o string) bool {
	for _, v := range r.Origins {
		e := strings.ToLower(strings.TrimSpace(v.Text))
		switch {
		case strings.Contains(e, "*"):
			if glob(e, o) {
				return true
			}
		case e == o:
			return true
		default:
			if p, err := origin.Parse(e); err == nil && p.String() == o {
				return true
			}
		}
	}
	return false
}

// glob matches s against pattern, where each "*" matches any run of
// characters.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}
