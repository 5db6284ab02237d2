package firebase

import (
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/hosthdr"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// ReadRules reads a firebase.json's headers into the neutral model
// (convert.Reader): a rule per entry whose headers set
// Access-Control-Allow-Origin (consecutive entries with the same CORS
// headers are one), its values as superstatic sets them, each
// positioned at the value; the semantics and notes are
// hosthdr.ReadRules'. A regex written as WriteRules spells portable paths
// ("^(?:/api(?:/.*)?)$") states them exactly. With several sites, the
// first site's entries are stated, with a note (the portable form has
// no host).
func (f *Format) ReadRules(text string) (*portable.Config, error) {
	return hosthdr.ReadText(text, Parse, f.StateRules)
}

// StateRules implements convert.Stater: the rules of a Config Parse
// returned.
func (*Format) StateRules(ev policy.Evaluator, text string) (*portable.Config, bool) {
	c, ok := ev.(*Config)
	if !ok {
		return nil, false
	}
	if len(c.Sites) == 0 {
		return &portable.Config{Format: "firebase", Semantics: hosthdr.Semantics}, true
	}
	s := &c.Sites[0]
	var entries []hosthdr.ReadEntry
	for i := range s.Entries {
		e := &s.Entries[i]
		line, col := policy.LineCol(text, 0)
		if e.obj != nil {
			line, col = policy.LineCol(text, int(e.obj.Off))
		}
		entries = append(entries, hosthdr.ReadEntry{
			Index: i, Name: e.Pattern, Pos: portable.Pos{Path: e.Path, Line: line, Column: col},
			Match:    func(p string) bool { return e.matches(normalize(p)) },
			Prefixes: prefixes(e),
			Get:      hosthdr.Getter(text, e.Headers),
		})
	}
	cfg := hosthdr.ReadRules("firebase", "Firebase Hosting", entries)
	if len(c.Sites) > 1 {
		for i := range cfg.Rules {
			r := &cfg.Rules[i]
			r.Notes = append(r.Notes, portable.Note{Rule: r.Index, Field: "paths", Effect: portable.Differs, Pos: r.Pos,
				Message: "the file has several sites and the portable form no host: these are the first site's entries, which Firebase Hosting applies to its own host only"})
		}
	}
	return cfg, true
}

// prefixes are the literal paths an entry's pattern starts with: a
// glob's part before its first wildcard, a regex's after "^" (each
// alternative of "^(?:A|B)$" on its own), "" (every path, to probe) for
// a pattern that is not anchored at the start of the path.
func prefixes(e *Entry) []string {
	if e.Kind != "regex" {
		if !strings.HasPrefix(e.Pattern, "/") {
			return []string{""}
		}
		return []string{hosthdr.Prefix(e.Pattern, "*?[]{}()!+@", false)}
	}
	p := e.Pattern
	if strings.HasPrefix(p, "^(?:") && strings.HasSuffix(p, ")$") {
		var out []string
		depth, start := 0, 4
		inner := p[:len(p)-2]
		for i := 4; i <= len(inner); i++ {
			if i == len(inner) || inner[i] == '|' && depth == 0 {
				out = append(out, hosthdr.Prefix(inner[start:i], `.+*?()|[]{}^$`, true))
				start = i + 1
				continue
			}
			switch inner[i] {
			case '\\':
				i++
			case '(':
				depth++
			case ')':
				depth--
			}
		}
		return out
	}
	if strings.HasPrefix(p, "^") {
		return []string{hosthdr.Prefix(p[1:], `.+*?()|[]{}^$`, true)}
	}
	return []string{""}
}
