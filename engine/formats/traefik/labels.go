package traefik

import (
	"regexp"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Docker labels (and Swarm, Nomad, Consul tags): one header field a
// label, traefik.http.middlewares.NAME.headers.FIELD=VALUE, its name
// matched without regard to case and a list given as one
// comma-separated value (Traefik's pkg/config/label, through paerser).
// They are read wherever they stand, one a line: a docker-compose list
// item ("- traefik...=v", quoted or not), a compose map entry
// ("traefik...: v"), a --label flag, a plain line.

// labelRE finds a headers label on a line: its name, the middleware,
// the field (and a customResponseHeaders header), the separator.
var labelRE = regexp.MustCompile(`(?i)traefik\.http\.middlewares\.([^.\s"'=:]+)\.headers\.([a-z]+)(?:\.([^\s"'=:]+))?\s*([=:])`)

// isLabels reports whether text holds headers labels.
func isLabels(text string) bool {
	return labelRE.MatchString(text)
}

// labelTree reads the headers labels of text into one map per
// middleware, as the file provider's tree would hold them.
func labelTree(text string) (map[string]*node, []string) {
	mws := map[string]*node{}
	var order []string
	ls := lineStarts(text)
	for i, start := range ls {
		end := len(text)
		if i+1 < len(ls) {
			end = ls[i+1] - 1
		}
		line := text[start:end]
		m := labelRE.FindStringSubmatchIndex(line)
		if m == nil {
			continue
		}
		name, field := line[m[2]:m[3]], line[m[4]:m[5]]
		// The value: after the separator, without the quote that opened
		// the label or the line's own end.
		v := m[1]
		for v < len(line) && (line[v] == ' ' || line[v] == '\t') {
			v++
		}
		ve := len(strings.TrimRight(line, " \t\r"))
		if ve < v {
			ve = v
		}
		val := line[v:ve]
		open := byte(0)
		if k := m[0]; k > 0 && (line[k-1] == '"' || line[k-1] == '\'') {
			open = line[k-1]
		}
		switch {
		case open != 0 && strings.HasSuffix(val, string(open)):
			val, ve = val[:len(val)-1], ve-1
		case line[m[8]:m[9]] == ":" && len(val) >= 2 && (val[0] == '"' || val[0] == '\'') && val[len(val)-1] == val[0]:
			val, v, ve = val[1:len(val)-1], v+1, ve-1 // a compose map's quoted value
		}
		h := mws[name]
		if h == nil {
			l, c := policy.LineCol(text, start+m[0])
			h = &node{kind: 'm', line: l, col: c, off: -1, end: -1, keyOff: -1, path: "traefik.http.middlewares." + name + ".headers"}
			mws[name] = h
			order = append(order, name)
		}
		kl, kc := policy.LineCol(text, start+m[4])
		vl, vc := policy.LineCol(text, start+v)
		leaf := &node{kind: 's', tag: "str", str: val, key: field, keyOff: start + m[4], keyLine: kl, keyCol: kc,
			line: vl, col: vc, off: start + v, end: start + ve, path: h.path + "." + field, label: &labelAt{line: start, key: start + m[0]}}
		if m[6] >= 0 {
			// customResponseHeaders.NAME (or another map field)
			sub := getFold(h, field)
			if sub == nil {
				sub = &node{kind: 'm', key: field, keyOff: start + m[4], keyLine: kl, keyCol: kc, line: kl, col: kc, off: -1, end: -1, path: h.path + "." + field}
				h.kids = append(h.kids, sub)
			}
			leaf.key, leaf.path = line[m[6]:m[7]], sub.path+"."+line[m[6]:m[7]]
			sub.kids = append(sub.kids, leaf)
			continue
		}
		h.kids = append(h.kids, leaf)
	}
	return mws, order
}

// labelAt is where a label's line and name start, for an edit that adds
// a label like it.
type labelAt struct{ line, key int }

// readLabels reads the middlewares of a labels text.
func (c *Config) readLabels(text string) policy.Errors {
	mws, order := labelTree(text)
	var errs policy.Errors
	for _, name := range order {
		m, es := readHeaders(name, mws[name], true)
		errs = append(errs, es...)
		c.Middlewares = append(c.Middlewares, m)
	}
	return errs
}
