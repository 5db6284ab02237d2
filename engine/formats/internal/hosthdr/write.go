package hosthdr

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/portable"
)

// Target says what a hosting headers file can state, for Plan.
type Target struct {
	// Platform names the host in notes ("Netlify").
	Platform string
	// ByOrigin: an entry can be limited to requests with one Origin (a
	// Vercel "has" condition), so a path can name several origins, one
	// entry each. Otherwise a path's headers are the same for every
	// request and name one origin or "*".
	ByOrigin bool
	// Path says why the host cannot match the portable path p exactly
	// ("/api" and below, case-sensitive), or "" when it can.
	Path func(p string) string
}

// Out is one header entry of a written file: the portable paths it
// covers (none: every path), the origin it names ("*" or one exact
// origin) and the headers it sets, in order.
type Out struct {
	Rule    int
	Paths   []string
	Origin  string
	Headers []Field
	// Exclude are origins (portable patterns too) the entry must not
	// answer, for Origin "*" on a host that limits entries by origin.
	Exclude []string
}

// Field is one header an Out sets.
type Field struct{ Name, Value string }

// WriteRules is a hosting format's convert.Writer: p validated, values
// with a line break or NUL refused, then planned for t (Plan) and
// rendered by write.
func WriteRules(p portable.Policy, n *portable.Notes, t Target, write func([]Out) string) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	portable.RefuseChars(p, n, "\r\n\x00", "a header value")
	if err := n.Err(); err != nil {
		return "", err
	}
	outs := Plan(p, n, t)
	if err := n.Err(); err != nil {
		return "", err
	}
	return write(outs), nil
}

// Plan maps p onto entries of fixed headers that never answer a request
// p refuses. A host sets every matching entry's headers, a later one's
// replacing an earlier one's; Plan keeps entries that no one request can
// match twice, so that order never matters. Noted in n as narrower, the
// entries left out: paths the host cannot match exactly, subdomain
// patterns (fixed values name whole origins), origins an earlier rule
// answers on an overlapping path (the portable form stops at it), and,
// without ByOrigin, every origin of a rule but the first it can say.
// Refused: any origin with credentials (the host cannot echo the
// request's Origin) and a policy left with nothing to write. Each rule
// whose methods or headers need a preflight is noted: the host answers
// none itself. p must be valid (portable.Policy.Validate).
func Plan(p portable.Policy, n *portable.Notes, t Target) []Out {
	var outs []Out
	for j, r := range p.Rules {
		if r.AnyOrigin() && r.Credentials {
			n.Refuse(j, "origins", "\"*\" with credentials needs the request's Origin sent back, and "+t.Platform+" sends fixed header values; list the origins")
			continue
		}
		paths, ok := r.Paths, true
		if len(r.Paths) > 0 {
			paths = nil
			for _, q := range r.Paths {
				if why := t.Path(q); why != "" {
					n.Note(j, "paths", portable.Narrower, why+", so the path "+strconv.Quote(q)+" is left out")
					continue
				}
				paths = append(paths, q)
			}
			ok = len(paths) > 0
		}
		if !ok {
			continue
		}
		var origins []string
		candidates := r.Origins
		if r.AnyOrigin() {
			candidates = []string{"*"} // the others add nothing
		}
		var exclude []string
		for _, o := range candidates {
			if _, _, pat := portable.SplitWildcard(o); pat {
				n.Note(j, "origins", portable.Narrower, t.Platform+" sends fixed header values, which name whole origins, so "+strconv.Quote(o)+" is left out")
				continue
			}
			if ex, ok := clash(p, j, paths, o, n, t); !ok {
				continue
			} else if ex != nil {
				exclude = ex
			}
			if !t.ByOrigin {
				if i, ok := planned(outs, paths); ok {
					n.Note(j, "origins", portable.Narrower, "rule "+strconv.Itoa(n.Src(i)+1)+" already names its origin on some of these paths, and "+t.Platform+" sends one fixed Access-Control-Allow-Origin per path, so "+strconv.Quote(o)+" is left out there")
					continue
				}
				if len(origins) == 1 {
					n.Note(j, "origins", portable.Narrower, t.Platform+" sends one fixed Access-Control-Allow-Origin per path, so only "+strconv.Quote(origins[0])+" is written and "+strconv.Quote(o)+" is left out")
					continue
				}
			}
			origins = append(origins, o)
		}
		if len(origins) == 0 {
			continue
		}
		if len(r.Methods) > 0 || len(r.AllowHeaders) > 0 {
			n.Note(j, "methods", portable.Narrower, t.Platform+" answers no preflight itself: an OPTIONS request gets what the path serves, so the methods and headers that need a preflight work only where that reply is a 2xx (a file served for OPTIONS); a 404, a redirect or a function that does not answer OPTIONS fails the preflight")
		}
		if r.Credentials && (portable.Contains(r.Methods, "*") || portable.Contains(r.AllowHeaders, "*")) {
			n.Note(j, "methods", portable.Narrower, t.Platform+" sends \"*\" methods or headers as written, which browsers read as the name \"*\" with credentials; list them")
		} else if portable.Contains(r.AllowHeaders, "*") {
			n.NoteLiteral(j, portable.Narrower, t.Platform+" sends Access-Control-Allow-Headers: * as written: browsers do not apply it to Authorization (Fetch §4.8)")
		}
		for _, o := range origins {
			x := Out{Rule: j, Paths: paths, Origin: o, Headers: fields(r, o, t.ByOrigin)}
			if o == "*" {
				x.Exclude = exclude
			}
			outs = append(outs, x)
		}
	}
	if len(outs) == 0 && len(p.Rules) > 0 && n.Err() == nil {
		n.Refuse(0, "", "nothing of the policy is left that "+t.Platform+" can say exactly (see the notes)")
	}
	return outs
}

// clash says whether rule j's entry for origin o on paths can be
// written (ok), and which origins it must leave out (exclude, for "*"
// on a host that can limit an entry by origin). The portable form
// stops at the first rule whose path and origin match: an earlier rule
// that may answer o on some of these paths leaves this entry out for
// o, exactly when that rule covers all of them (the entry would never
// answer), else narrower. "*" after rules of listed origins, with
// ByOrigin, is written without those origins (a missing condition):
// exactly when each such rule covers these paths.
func clash(p portable.Policy, j int, paths []string, o string, n *portable.Notes, t Target) (exclude []string, ok bool) {
	var rules []int
	for i := 0; i < j; i++ {
		if r := p.Rules[i]; PathsOverlap(r.Paths, paths) && (o == "*" || r.MatchOrigin(o)) {
			rules = append(rules, i)
		}
	}
	if len(rules) == 0 {
		return nil, true
	}
	all, any, star := true, false, false
	for _, i := range rules {
		c := covers(p.Rules[i].Paths, paths)
		all, any = all && c, any || c
		star = star || p.Rules[i].AnyOrigin()
	}
	first := strconv.Itoa(n.Src(rules[0]) + 1)
	if o != "*" || star || !t.ByOrigin {
		if !any {
			n.Note(j, "origins", portable.Narrower, "rule "+first+" answers "+strconv.Quote(o)+" on some of these paths first, and "+t.Platform+" applies every matching entry, so this rule's entry for it is left out")
		}
		return nil, false
	}
	for _, i := range rules {
		for _, x := range p.Rules[i].Origins {
			exclude = portable.AppendUnique(exclude, x)
		}
	}
	if !all {
		n.Note(j, "origins", portable.Narrower, "\"*\" is written without the origins of rule "+first+" (and any other earlier rule on these paths), which answer them first on some of these paths only")
	}
	return exclude, true
}

// covers reports whether portable paths a cover every path b covers.
func covers(a, b []string) bool {
	if len(a) == 0 {
		return true
	}
	if len(b) == 0 {
		return false
	}
	for _, y := range b {
		in := false
		for _, x := range a {
			in = in || portable.UnderPath(y, x)
		}
		if !in {
			return false
		}
	}
	return true
}

// planned reports an entry already planned on a path overlapping paths,
// and its rule.
func planned(outs []Out, paths []string) (int, bool) {
	for _, x := range outs {
		if PathsOverlap(x.Paths, paths) {
			return x.Rule, true
		}
	}
	return 0, false
}

// PathsOverlap reports whether some request path is covered by both
// portable path lists (none covers every path).
func PathsOverlap(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, x := range a {
		for _, y := range b {
			if portable.UnderPath(x, y) || portable.UnderPath(y, x) {
				return true
			}
		}
	}
	return false
}

// fields are the CORS headers of rule r for origin o, as fixed values;
// vary adds Vary: Origin to an entry that names one origin among others.
func fields(r portable.Rule, o string, vary bool) []Field {
	fs := []Field{{"Access-Control-Allow-Origin", o}}
	if r.Credentials {
		fs = append(fs, Field{"Access-Control-Allow-Credentials", "true"})
	}
	if len(r.Methods) > 0 {
		fs = append(fs, Field{"Access-Control-Allow-Methods", strings.Join(r.Methods, ", ")})
	}
	if len(r.AllowHeaders) > 0 {
		fs = append(fs, Field{"Access-Control-Allow-Headers", strings.Join(r.AllowHeaders, ", ")})
	}
	if len(r.ExposeHeaders) > 0 {
		fs = append(fs, Field{"Access-Control-Expose-Headers", strings.Join(r.ExposeHeaders, ", ")})
	}
	if r.MaxAge != nil {
		fs = append(fs, Field{"Access-Control-Max-Age", strconv.Itoa(*r.MaxAge)})
	}
	if vary && o != "*" {
		fs = append(fs, Field{"Vary", "Origin"})
	}
	return fs
}

// Quote is s as a JSON string.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&15])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// JSONHeaders writes fs as a JSON list of {"key", "value"} objects, one
// a line, each line starting with indent.
func JSONHeaders(b *strings.Builder, fs []Field, indent string) {
	b.WriteString("[\n")
	for i, f := range fs {
		b.WriteString(indent + "  {\"key\": " + Quote(f.Name) + ", \"value\": " + Quote(f.Value) + "}")
		if i < len(fs)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(indent + "]")
}
