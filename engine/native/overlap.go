package native

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// CheckText implements engine/lint's TextChecker: "overlapping-paths", a
// rule whose path pattern covers some of an earlier rule's paths without
// being the same pattern, and which allows an origin the earlier rule
// does not. Since the first rule whose path and origins match answers
// (the package doc, "Which rule answers"), a request on a path both
// cover from such an origin is answered by the later rule, where a
// policy read path first (before issue 19) had the earlier rule refuse
// it: "/api/*" for one origin and "/api/admin/*" for another give the
// second origin /api/admin/ as intended, but a rule for every path after
// "/api/*" also opens /api/ to its origins. Rules with the same pattern
// (one rule per origin, S3's shape) are what origin selection is for,
// and are not reported, nor is a later rule after a "final" one, which
// stops every request on its paths. Positions: the later rule's path.
func (*format) CheckText(text string) []portable.Finding {
	p, err := Parse(text)
	if err != nil {
		return nil
	}
	var out []portable.Finding
	for j := 1; j < len(p.pathList); j++ {
		for i := 0; i < j; i++ {
			a, b := p.pathList[i], p.pathList[j]
			if a == b || p.rules[i].Final || !pathsOverlap(a, b) || !widens(p.rules[i].Origins, p.rules[j].Origins) {
				continue
			}
			ri, rj := "rule "+strconv.Itoa(i+1), "rule "+strconv.Itoa(j+1)
			msg := "this rule's path " + pathWritten(b) + " overlaps " + ri + "'s " + pathWritten(a) +
				": on the paths both cover, a request from an origin only this rule allows is answered by this rule (the first rule whose path and origins match answers; read path first, " + ri + " would have refused it); "
			switch {
			case p.rules[j].Final:
				// Its final keeps its paths from the rules after it
				// only (found by an adversarial review: the advice was
				// to make the broader rule final, which leaves this one
				// unreachable).
				msg += "its \"final\" keeps its paths only from the rules after it, and " + ri + " comes first and answers them for its own origins: put this rule before " + ri
			case pathCovers(a, b):
				msg += "if this rule's origins are meant for its paths alone, put it before " + ri + "; if " + ri + "'s paths are meant for its own origins only, give " + ri + " \"final\": true (" + rj + " is then never tried: " + ri + " covers all its paths)"
			default:
				msg += "to keep " + ri + "'s paths to its own origins, give it \"final\": true (no later rule is then tried on them), or make the paths disjoint, or give both rules the same origins"
			}
			out = append(out, portable.Finding{Severity: "warning", Code: "overlapping-paths", Message: msg, Pos: p.pos(text, j)})
			break
		}
	}
	return out
}

// pathCovers: every path b matches, a matches too.
func pathCovers(a, b pathEntry) bool {
	switch {
	case a.kind == pathAll:
		return true
	case b.kind == pathAll:
		return false
	case a.kind == pathExact:
		return b.kind == pathExact && a.path == b.path
	case b.kind == pathExact:
		return a.matches(b.path)
	}
	return strings.HasPrefix(b.path, a.path)
}

// pathsOverlap: some path matches both patterns.
func pathsOverlap(a, b pathEntry) bool {
	switch {
	case a.kind == pathAll || b.kind == pathAll:
		return true
	case a.kind == pathExact && b.kind == pathExact:
		return a.path == b.path
	case a.kind == pathExact:
		return b.matches(a.path)
	case b.kind == pathExact:
		return a.matches(b.path)
	}
	return len(a.path) <= len(b.path) && b.path[:len(a.path)] == a.path || len(b.path) < len(a.path) && a.path[:len(b.path)] == b.path
}

// widens: later allows an origin pattern earlier does not list (and
// earlier does not allow "*"). Patterns count as written.
func widens(earlier, later []string) bool {
	have := map[string]bool{}
	for _, o := range earlier {
		if o == "*" {
			return false
		}
		have[o] = true
	}
	for _, o := range later {
		if !have[o] {
			return true
		}
	}
	return false
}

func pathWritten(e pathEntry) string {
	switch e.kind {
	case pathAll:
		return "(every path)"
	case pathPrefix:
		return strconv.Quote(e.path + "*")
	}
	return strconv.Quote(e.path)
}

// pos is where rule i's path is written (its rule, when it has none).
func (p *Policy) pos(text string, i int) portable.Pos {
	at := p.base[i] + ".path"
	off, ok := p.at[at]
	if !ok {
		at = p.base[i]
		off, ok = p.at[at]
	}
	pos := portable.Pos{Path: at}
	if ok {
		pos.Line, pos.Column = policy.LineCol(text, off)
	}
	return pos
}
