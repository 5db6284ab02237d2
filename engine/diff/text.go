package diff

import (
	"regexp"
	"strings"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// A configuration without rules (nginx, raw replies, a HAR, API
// Gateway's REST headers) states its decisions in code or in captured
// header lines, not in a rule list the neutral model can read. Its
// literals are taken from its text instead: whatever has the shape of an
// origin, the methods it spells, the header names on its
// Access-Control-Allow-Headers and -Expose-Headers lines, and nginx's
// location paths. What the text names only through a regular expression
// (an nginx map of patterns) stays unnamed; the probe origins still ask
// it the usual traps.
var (
	textOrigin = regexp.MustCompile(`(?i)\bhttps?://[a-z0-9*][a-z0-9.*-]*(?::[0-9]{1,5})?`)
	// Methods in any case: a SAM event's "Method: post".
	textMethod = regexp.MustCompile(`(?i)\b(GET|HEAD|POST|PUT|DELETE|PATCH)\b`)
	// Header lists on a header line, and under the keys templates use
	// (SAM's AllowHeaders, API Gateway's mapped
	// method.response.header.Access-Control-Allow-Headers), whose value
	// may be quoted twice ("'Content-Type,X-Api-Key'").
	textHeaders  = regexp.MustCompile(`(?i)(?:access-control-|\b)(allow|expose)-?headers["']*\s*[:\s]\s*["'\[]*([^"';\r\n\]]*)`)
	textLocation = regexp.MustCompile(`\blocation\s+(?:[=^~]+\s*)?(/[^\s{;]*)`)
)

// textLiterals are the literals of a configuration without rules.
type textLiterals struct {
	origins, methods, allow, expose, paths []string
	// pathNoted: a rule limits its paths in a way its portable form
	// does not hold (PathNote), so the paths asked are not all that
	// matter and the report names them.
	pathNoted bool
	hosts     []string // routed by name: a request must name one to reach its rules
}

func literalsOf(text string) textLiterals {
	var l textLiterals
	l.origins = textOrigin.FindAllString(text, -1)
	for _, m := range textMethod.FindAllStringSubmatch(text, -1) {
		l.methods = append(l.methods, strings.ToUpper(m[1]))
	}
	for _, m := range textHeaders.FindAllStringSubmatch(text, -1) {
		for _, h := range strings.FieldsFunc(m[2], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if strings.EqualFold(m[1], "allow") {
				l.allow = append(l.allow, h)
			} else {
				l.expose = append(l.expose, h)
			}
		}
	}
	for _, m := range textLocation.FindAllStringSubmatch(text, -1) {
		l.paths = append(l.paths, strings.TrimSuffix(m[1], "/"))
	}
	return l
}

// literals are the side's literals (ruleLiterals), with the paths of an
// API's routes (policy.Routed).
func (s *side) literals() textLiterals {
	l := s.ruleLiterals()
	if rt, ok := s.eval.(policy.Routed); ok {
		// An API answers its routes' paths alone: asked only at "/",
		// both sides gave API Gateway's 403 and every change of a REST
		// API's CORS was "the same decisions" (tried as a new user
		// would).
		for _, p := range rt.RoutePaths() {
			if p = concretePath(p); p != "" {
				l.paths = append(l.paths, p)
			}
		}
	}
	return l
}

// concretePath is a request path a route pattern takes: each "{...}"
// segment (a parameter, "{proxy+}") made "x"; "" for a route that is no
// path ("$default", "*").
func concretePath(p string) string {
	if !strings.HasPrefix(p, "/") {
		return ""
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = "x"
		}
	}
	return strings.Join(segs, "/")
}

// ruleLiterals are the side's literals: its rules' through the neutral
// model, else its text's.
func (s *side) ruleLiterals() textLiterals {
	if s.cfg == nil {
		return literalsOf(s.text)
	}
	l := textLiterals{hosts: s.cfg.Hosts}
	for _, r := range s.cfg.Rules {
		for j, v := range r.Origins {
			if !r.Regex[j] { // a regular expression names no origin
				l.origins = append(l.origins, v.Text)
			}
		}
		l.methods = append(l.methods, texts(r.Methods)...)
		l.allow = append(l.allow, texts(r.AllowHeaders)...)
		l.expose = append(l.expose, texts(r.ExposeHeaders)...)
		l.paths = append(l.paths, r.Paths...)
		l.pathNoted = l.pathNoted || r.PathNote != ""
	}
	return l
}

func texts(v []portable.Value) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = x.Text
	}
	return out
}
