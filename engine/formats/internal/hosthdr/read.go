package hosthdr

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Semantics are the hosts' own (portable.Semantics): fixed header
// values, so Access-Control-Allow-Origin names one origin, compared by
// the browser byte for byte ("*" any), and "*" methods or headers are
// sent as written (no echo).
var Semantics = portable.Semantics{Origins: portable.OriginsExact}

// ReadEntry is one header entry as a reader states it (ReadRules): its
// CORS headers, where it is, and how its pattern matches a request path.
type ReadEntry struct {
	Index int
	Name  string // the pattern as written
	Pos   portable.Pos
	// Get returns the value of a header the entry sets, and where that
	// value is written.
	Get func(name string) (string, portable.Pos, bool)
	// Match reports whether the entry's pattern matches a request path.
	Match func(path string) bool
	// Prefixes are the paths the pattern is made of, each "" for every
	// path or the literal part before the pattern's first wildcard.
	Prefixes []string
	// Origin is the one origin a condition limits the entry to (Vercel's
	// has), "" for none; Cond says a condition the rule cannot state
	// (another has, a missing), "" for none.
	Origin, Cond string
	// Exclude are origins a condition keeps the entry from answering
	// (Vercel's missing on Origin).
	Exclude []string
	// OriginRegex is a condition's regular expression on the Origin
	// (anchored) whose match Access-Control-Allow-Origin sends back
	// (Vercel's has with a named capture): the rule's one origin entry,
	// a regular expression.
	OriginRegex string
}

// key is what makes consecutive entries one rule: the same CORS values
// and origin condition.
func (e ReadEntry) key() (string, bool) {
	var b strings.Builder
	cors := false
	for _, n := range corsNames {
		v, _, ok := e.Get(n)
		if ok {
			cors = true
		}
		b.WriteString(strconv.Quote(v) + strconv.FormatBool(ok))
	}
	return b.String() + "\x00" + e.Origin + "\x00" + e.Cond + "\x00" + strings.Join(e.Exclude, " "), cors
}

var corsNames = []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age"}

// ReadRules states entries as rules in the neutral model: consecutive
// entries with the same CORS headers (a path written as several
// patterns) are one rule, which needs an Access-Control-Allow-Origin,
// each value positioned where it is written. Its paths are the
// patterns' literal prefixes, probed with the host's own matcher: a
// prefix the patterns do not cover with all below it is a wider path
// (PathNote); one they also match beyond it ("/apix", another case)
// narrower. A rule that allows methods or headers hands its preflights
// to what the path serves (PreflightPass): the host answers none. Rules
// whose paths overlap an earlier entry that sets CORS headers differ:
// the host sets both, a later value replacing an earlier one. platform
// names the host in notes.
func ReadRules(format, platform string, entries []ReadEntry) *portable.Config {
	cfg := &portable.Config{Format: format, Semantics: Semantics}
	type group struct {
		paths  []string
		origin string // the has condition's, else the one it sends
		rule   int    // index in cfg.Rules, -1 when no rule
	}
	var groups []group
	for i := 0; i < len(entries); {
		e := entries[i]
		k, cors := e.key()
		j := i + 1
		for j < len(entries) {
			if k2, _ := entries[j].key(); k2 != k {
				break
			}
			j++
		}
		run := entries[i:j]
		i = j
		if !cors {
			continue
		}
		r := portable.ConfigRule{Index: e.Index, Name: e.Name, Pos: e.Pos}
		note := func(field, effect, msg string) {
			r.Notes = append(r.Notes, portable.Note{Rule: e.Index, Field: field, Effect: effect, Message: msg, Pos: e.Pos})
		}
		paths, wider, narrower := statePaths(run)
		r.Paths = paths
		if len(wider) > 0 {
			r.PathNote = "the pattern " + strconv.Quote(e.Name) + " does not cover every path below " + strings.Join(wider, ", ") + " (it leaves out the path itself or some below it), which the portable path does"
		}
		if len(narrower) > 0 {
			note("paths", portable.Narrower, platform+" also applies "+strconv.Quote(e.Name)+" to paths beside "+strings.Join(narrower, ", ")+" (a longer segment, another case), which the portable path leaves out")
		}
		g := group{paths: paths, origin: e.Origin, rule: -1}
		acao, at, ok := e.Get("Access-Control-Allow-Origin")
		if ok {
			g.rule = len(cfg.Rules)
			r.Origins = []portable.Value{{Text: acao, Pos: at}}
			if e.OriginRegex != "" {
				r.Origins[0].Text, r.Regex = e.OriginRegex, map[int]bool{0: true}
			}
			if acao == "*" {
				r.CredentialsImplied = true // "*" never carries credentials (Fetch §3.2.5)
			}
			if strings.ContainsAny(acao, ", \t") || acao == "" || e.Origin != "" && acao != "*" && acao != e.Origin {
				r.Disabled = true // no browser accepts it for any request
			}
			if e.Origin != "" && acao == "*" {
				r.Origins[0].Text = e.Origin // "*" sent to that origin alone
			}
			if e.Cond != "" {
				note("origins", portable.Wider, "the entry applies only when "+e.Cond+"; the portable rule always does")
			}
			// Origins left out are the portable form's too when an
			// earlier rule answers each of them on all these paths.
			for _, x := range e.Exclude {
				answered := false
				for _, o := range groups {
					answered = answered || o.rule >= 0 && o.origin == x && covers(o.paths, paths)
				}
				if !answered {
					note("origins", portable.Wider, "the entry does not answer "+strconv.Quote(x)+" (a missing condition), and no earlier rule answers it on all these paths; the portable rule does")
				}
			}
			if e.Origin == "" && acao != "*" {
				g.origin = acao
			}
			v, p, _ := e.Get("Access-Control-Allow-Credentials")
			r.Credentials, r.CredentialsPos = v == "true", p
			r.Methods = list(e, "Access-Control-Allow-Methods")
			r.AllowHeaders = list(e, "Access-Control-Allow-Headers")
			r.ExposeHeaders = list(e, "Access-Control-Expose-Headers")
			if v, p, ok := e.Get("Access-Control-Max-Age"); ok {
				r.MaxAgePos = p
				if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
					r.MaxAge = &n
				}
			}
			r.PreflightPass = len(r.Methods) > 0 || len(r.AllowHeaders) > 0
		}
		for _, o := range groups {
			if PathsOverlap(o.paths, paths) && (o.origin == "" || e.Origin == "" || o.origin == e.Origin) {
				note("paths", portable.Differs, platform+" applies every entry whose pattern matches, so where an earlier entry's paths meet these both set their headers, a later value replacing an earlier one; the portable form takes the first rule whose path and origin match")
				if o.rule >= 0 {
					cfg.Rules[o.rule].Notes = append(cfg.Rules[o.rule].Notes, portable.Note{Rule: cfg.Rules[o.rule].Index, Field: "paths", Effect: portable.Differs, Message: "a later entry, " + strconv.Quote(e.Name) + ", also matches some of these paths, and " + platform + " lets its values replace this entry's", Pos: cfg.Rules[o.rule].Pos})
				}
				break
			}
		}
		groups = append(groups, g)
		if ok {
			cfg.Rules = append(cfg.Rules, r)
		}
	}
	return cfg
}

// list is a comma-separated header value's items, each at the value.
func list(e ReadEntry, name string) []portable.Value {
	v, p, ok := e.Get(name)
	if !ok {
		return nil
	}
	var out []portable.Value
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, portable.Value{Text: x, Pos: p})
		}
	}
	return out
}

// statePaths are the portable paths of a run of entries (one rule), and
// the prefixes they cover wider or narrower than the portable form: a
// prefix P is exact when some entry of the run matches P, P/, P/x and
// P/x/y and none Px or P in another case.
func statePaths(run []ReadEntry) (paths, wider, narrower []string) {
	match := func(p string) bool {
		for _, e := range run {
			if e.Match(p) {
				return true
			}
		}
		return false
	}
	var prefixes []string
	for _, e := range run {
		for _, p := range e.Prefixes {
			prefixes = portable.AppendUnique(prefixes, strings.TrimSuffix(p, "/"))
		}
	}
	every := false
	for _, p := range prefixes {
		top := p
		if top == "" {
			top = "/"
		}
		if !match(top) || !match(p+"/") || !match(p+"/x") || !match(p+"/x/y") {
			wider = append(wider, top)
		} else if p != "" && (match(p+"x") || strings.ToUpper(p) != p && match(strings.ToUpper(p)+"/x") || strings.ToLower(p) != p && match(strings.ToLower(p)+"/x")) {
			narrower = append(narrower, p)
		}
		if p == "" {
			every = true
		}
		paths = append(paths, top)
	}
	if every {
		paths = nil
	}
	return paths, wider, narrower
}

// Prefix is the literal part of a path pattern before its first
// character in special (a wildcard or syntax), cut back to the last
// whole segment when that character is inside one: "/api/*" and
// "/api/:p*" give "/api", "/api*" gives "" (every path is probed).
// unescape reads a backslash as quoting the next character.
func Prefix(pattern, special string, unescape bool) string {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if unescape && c == '\\' && i+1 < len(pattern) {
			i++
			b.WriteByte(pattern[i])
			continue
		}
		if strings.IndexByte(special, c) >= 0 {
			s := b.String()
			if !strings.HasSuffix(s, "/") && c != '(' {
				s = s[:strings.LastIndexByte(s, '/')+1]
			}
			return strings.TrimSuffix(s, "/")
		}
		b.WriteByte(c)
	}
	return strings.TrimSuffix(b.String(), "/")
}

// ReadText is a format's convert.Reader: text parsed, then its rules
// stated (the format's StateRules).
func ReadText[C policy.Evaluator](text string, parse func(string) (C, error), state func(policy.Evaluator, string) (*portable.Config, bool)) (*portable.Config, error) {
	c, err := parse(text)
	if err != nil {
		return nil, err
	}
	cfg, _ := state(c, text)
	return cfg, nil
}

// Matched says how many header entries matched a request: "1 header
// entry matched", "2 header entries matched".
func Matched(n int) string {
	if n == 1 {
		return "1 header entry matched"
	}
	return strconv.Itoa(n) + " header entries matched"
}
