package attack

import (
	"errors"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// maxEdits bounds the edits of one fix.
const maxEdits = 8

// Fix is the change that makes a configuration refuse a finding's origin.
//
// The engine's fix search (explain's Advisor) only widens a configuration
// until a blocked fetch passes; the battery needs the opposite. FixFor
// narrows with the same editor (engine/fix's Replace of an origin entry
// by the trusted origin) and re-runs the engine on the changed text: the
// fix is Verified when the attacker's request is then refused and the
// trusted origin's still passes. When no such edit exists (a regular
// expression in code, an nginx "if", an echo of every origin), the fix is
// advice in words (Verified false).
type Fix struct {
	Format   string   `json:"format,omitempty"`
	Verified bool     `json:"verified"`
	Summary  string   `json:"summary"`
	Steps    []string `json:"steps,omitempty"`
	Diff     string   `json:"diff,omitempty"`
	Text     string   `json:"text,omitempty"`
	// Note says why a fix is not verified.
	Note string `json:"note,omitempty"`
}

// Config is the user's configuration of the server probed.
type Config struct {
	Name   string // the file's name, for the diff
	Text   string
	Format string // a registered format, or "auto"
}

// FixFor returns the change to cfg that refuses f's origin at url while
// the trusted origin keeps its access. o reads the configuration.
func FixFor(cfg Config, url, trusted string, f Finding, o explain.Options) *Fix {
	advice := &Fix{Summary: Advice(f.Kind, trusted)}
	fm, err := o.Formats.Resolve(cfg.Format, policy.Source{Text: cfg.Text})
	if err != nil {
		advice.Note = "the configuration cannot be read: " + err.Error()
		return advice
	}
	advice.Format = fm.Name()
	in := fetch.Init{Method: "GET", Credentials: "omit"}
	switch {
	case f.Read != nil && f.Read.Credentials:
		in.Credentials = "include"
	case f.Read == nil:
		in = fetch.Init{Method: "PUT", Credentials: "omit", Headers: headers.List{{Name: "Content-Type", Value: "application/json"}}}
	}
	allowed := func(text, org string) (bool, error) {
		v, err := explain.Run(explain.Scenario{Browser: "chrome", Request: explain.Request{Origin: org, URL: url, Init: in},
			Policy: &explain.Policy{Format: fm.Name(), Text: text}}, o)
		return v.Allowed, err
	}
	ok, err := allowed(cfg.Text, f.Origin)
	switch {
	case err != nil:
		advice.Note = "the configuration cannot be read: " + err.Error()
		return advice
	case !ok:
		advice.Note = "the configuration given refuses " + f.Origin + " for this request, but the server accepted it: the server does not run this configuration, or another layer answers"
		return advice
	}
	text, steps, err := narrow(fm, cfg.Text, trusted, f.Origin, allowed)
	if err != nil {
		advice.Note = "no edit of this " + fm.Name() + " text that refuses " + f.Origin + " and keeps " + trusted + " was found (" + err.Error() + "); the engine's fix search only widens, so this is advice in words, not verified"
		return advice
	}
	return &Fix{Format: fm.Name(), Verified: true, Summary: "refuse " + f.Origin + ": allow the exact origin " + trusted + " instead of the entry that matched it",
		Steps: steps, Diff: fix.Diff(cfg.Name, cfg.Name, cfg.Text, text), Text: text}
}

// narrow replaces, one at a time, the origin entries that accept attacker
// by trusted, keeping each edit after which trusted still passes, until
// attacker is refused.
func narrow(fm policy.Format, text, trusted, attacker string, allowed func(text, org string) (bool, error)) (string, []string, error) {
	rd, ok := fm.(convert.Reader)
	if !ok {
		return "", nil, errors.New("the format has no rules to edit")
	}
	var steps []string
	tried := map[string]bool{}
	for range maxEdits {
		cfg, err := rd.ReadRules(text)
		if err != nil {
			return "", nil, err
		}
		edited := false
		for _, r := range cfg.Rules {
			for j, v := range r.Origins {
				key := strconv.Itoa(r.Index) + "\x00" + v.Text
				// An entry may accept the attacker when it is a pattern (in
				// the platform's own syntax: the engine's verdict on the
				// edited text decides) or the attacker's origin itself.
				pattern := r.Regex[j] || strings.Contains(v.Text, "*") || (portable.Rule{Origins: []string{v.Text}}).MatchOrigin(attacker)
				if v.Text == trusted || tried[key] || !pattern {
					continue
				}
				tried[key] = true
				next, err := fix.Apply(fm, text, fix.Edit{Op: fix.Replace, Rule: r.Index, Field: fix.Origins, Old: v.Text, Values: []string{trusted}})
				if err != nil || next == text {
					continue
				}
				if ok, err := allowed(next, trusted); err != nil || !ok {
					continue
				}
				text, edited = next, true
				where := "rule " + strconv.Itoa(r.Index+1)
				if v.Pos.Line > 0 {
					where += " (line " + strconv.Itoa(v.Pos.Line) + ")"
				}
				step := where + ": replace the origin " + strconv.Quote(v.Text) + " by " + strconv.Quote(trusted)
				for _, w := range r.Origins {
					if w.Text == trusted {
						step += " (the rule has it already: deleting the entry does the same)"
						break
					}
				}
				steps = append(steps, step)
				break
			}
			if edited {
				break
			}
		}
		if !edited {
			return "", nil, errors.New("no origin entry of its rules matches " + attacker + " and can be replaced")
		}
		if ok, err := allowed(text, attacker); err == nil && !ok {
			return text, steps, nil
		}
	}
	return "", nil, errors.New("too many entries accept it")
}

// Advice is the fix of a finding of kind in words, for a server that
// means to trust the origin trusted.
func Advice(kind, trusted string) string {
	exact := "compare the Origin header with a list of exact origins (" + trusted + ")"
	switch kind {
	case KindNull:
		return `remove "null" from the allowed origins: any page can send it from a sandboxed iframe; ` + exact
	case KindArbitrary:
		return "stop echoing the Origin header: " + exact + ", and send Access-Control-Allow-Origin only when it is one of them"
	case KindPrefixDomain, KindPrefixHost, KindSubdomain:
		return exact + `; a pattern must match the whole host, anchored and with escaped dots (^` + regexOf(trusted) + `$), and a "*." wildcard trusts every host under it`
	case KindSuffix, KindUnderscore, KindBacktick:
		return exact + `; a pattern must end with $ right after the host (^` + regexOf(trusted) + `$)`
	case KindUnescapedDot:
		return `escape every "." of the pattern (^` + regexOf(trusted) + `$), or ` + exact
	case KindHTTP:
		return "put the scheme in the check: allow " + trusted + ` only, not "http://"`
	}
	return exact
}

// regexOf is origin as a regular expression: its dots escaped.
func regexOf(origin string) string {
	out := make([]byte, 0, len(origin)+4)
	for i := 0; i < len(origin); i++ {
		if origin[i] == '.' {
			out = append(out, '\\')
		}
		out = append(out, origin[i])
	}
	return string(out)
}
