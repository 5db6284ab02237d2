package vercel

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/hosthdr"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// ReadRules reads a vercel.json's headers into the neutral model
// (convert.Reader): a rule per entry whose headers set
// Access-Control-Allow-Origin (consecutive entries with the same CORS
// headers and condition are one), its values as routing-utils keeps them
// (the last of a key), each positioned at the value; the semantics and
// notes are hosthdr.ReadRules'. A "has" condition on the Origin header
// whose value is one origin, quoted (as WriteRules spells it), limits the
// rule to that origin; any other condition, or a "missing", is noted
// (the portable rule applies always). A source "/api(/.*)?" is the
// portable path "/api" exactly.
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
	var entries []hosthdr.ReadEntry
	for i := range c.Entries {
		e := &c.Entries[i]
		line, col := policy.LineCol(text, int(e.obj.Off))
		re := e.re
		get := hosthdr.Getter(text, e.Headers)
		acao, _, _ := get("Access-Control-Allow-Origin")
		origin, exclude, cond, originRe := conditions(e.Match, acao)
		entries = append(entries, hosthdr.ReadEntry{
			Index: i, Name: e.Source, Pos: portable.Pos{Path: e.Path, Line: line, Column: col},
			Match:    func(p string) bool { return re != nil && re.MatchString(p) },
			Prefixes: []string{hosthdr.Prefix(e.Source, "(:*+?{", true)},
			Get:      get,
			Origin:   origin, Cond: cond, Exclude: exclude, OriginRegex: originRe,
		})
	}
	return hosthdr.ReadRules("vercel", "Vercel", entries), true
}

// conditions are an entry's has on the Origin header, when its value is
// one origin quoted, its missing on the Origin header, when its value is
// an alternation of origins quoted (as WriteRules spells it), and the
// rest of its has and missing in words.
//
// A has on the Origin header whose value is a regular expression with a
// named capture that Access-Control-Allow-Origin (acao) substitutes
// (":allowed", Vercel's has capture) is originRe: the rule echoes the
// origins it matches, anchored as Vercel matches a has value (parse.go).
// Tried as a new user would, ":allowed" was linted as an origin with no
// scheme, and the regex's unescaped dot went unseen.
func conditions(m Match, acao string) (origin string, exclude []string, cond, originRe string) {
	var rest []string
	for _, cd := range m.Has {
		if cd.Type == "header" && cd.Key == "origin" && cd.Value != nil && origin == "" {
			if o := unquoteMeta(*cd.Value); regexp.QuoteMeta(o) == *cd.Value {
				origin = o
				continue
			}
			if name, ok := strings.CutPrefix(acao, ":"); ok && name != "" && originRe == "" && (strings.Contains(*cd.Value, "(?<"+name+">") || strings.Contains(*cd.Value, "(?P<"+name+">")) {
				originRe = "^(?:" + *cd.Value + ")$"
				continue
			}
		}
		rest = append(rest, "has "+cd.Type+" "+strconv.Quote(cd.Key)+value(cd))
	}
	for _, cd := range m.Missing {
		if cd.Type == "header" && cd.Key == "origin" && cd.Value != nil && exclude == nil {
			if os := quotedOrigins(*cd.Value); os != nil {
				exclude = os
				continue
			}
		}
		rest = append(rest, "missing "+cd.Type+" "+strconv.Quote(cd.Key)+value(cd))
	}
	return origin, exclude, strings.Join(rest, " and "), originRe
}

func value(cd Cond) string {
	if cd.Value == nil {
		return ""
	}
	return " = " + strconv.Quote(*cd.Value)
}

// unquoteMeta undoes regexp.QuoteMeta.
func unquoteMeta(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// quotedOrigins reads "(?:A|B)" (excludeRegexp's form) back into the
// origins, nil when v is not of that form.
func quotedOrigins(v string) []string {
	inner, ok := strings.CutPrefix(v, "(?:")
	inner, ok2 := strings.CutSuffix(inner, ")")
	if !ok || !ok2 {
		return nil
	}
	var out []string
	for _, alt := range strings.Split(inner, "|") {
		o := unquoteMeta(strings.ReplaceAll(alt, ".+", "*"))
		if excludeRegexp([]string{o}) != "(?:"+alt+")" {
			return nil
		}
		out = append(out, o)
	}
	return out
}
