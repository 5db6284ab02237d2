package netlify

import (
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/hosthdr"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// ReadRules reads a _headers file or netlify.toml into the neutral model
// (convert.Reader): a rule per path whose headers set
// Access-Control-Allow-Origin (consecutive paths with the same CORS
// headers, as WriteRules spells one rule, are one), its values as Netlify
// sends them, each positioned at the value; the semantics and notes are
// hosthdr.ReadRules'. Netlify matches a path without regard to case, so
// a pattern is narrower than the portable path of its letters' case
// ("/api/*" also covers "/API/x" and "/apix").
func (f *Format) ReadRules(text string) (*portable.Config, error) {
	return hosthdr.ReadText(text, Parse, f.StateRules)
}

// StateRules implements convert.Stater: the rules of a Config Parse (or
// ParseSource) returned; values of files other than text are positioned
// at their line.
func (*Format) StateRules(ev policy.Evaluator, text string) (*portable.Config, bool) {
	c, ok := ev.(*Config)
	if !ok {
		return nil, false
	}
	lines := strings.Split(text, "\n")
	var entries []hosthdr.ReadEntry
	for i, r := range c.Rules {
		r := r
		entries = append(entries, hosthdr.ReadEntry{
			Index: i, Name: r.For, Pos: portable.Pos{Line: r.Line, Column: r.Column},
			Match:    r.Matches,
			Prefixes: []string{hosthdr.Prefix(r.For, ":*", false)},
			Get: func(name string) (string, portable.Pos, bool) {
				h, ok := r.Get(name)
				if !ok {
					return "", portable.Pos{}, false
				}
				p := portable.Pos{Line: h.Line, Column: h.Column}
				if r.file == c.main && h.Line >= 1 && h.Line <= len(lines) {
					// The value's column: after the name on its line.
					l := lines[h.Line-1]
					if k := strings.Index(l[min(h.Column, len(l)+1)-1:], h.Value); k >= 0 && h.Value != "" {
						p.Column = h.Column + k
					}
				}
				return h.Value, p, true
			},
		})
	}
	return hosthdr.ReadRules("netlify", "Netlify", entries), true
}
