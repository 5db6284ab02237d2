package nginx

import (
	"strings"

	"github.com/whycors/whycors/engine/portable"
)

// Targets implements engine/lint's Targeter: one request path for each
// location of the configuration (nested ones included), so that lint
// probes what every location answers and not only "/". A prefix or exact
// location is asked at its own path (a prefix ending in "/" at a path
// below it); a regular-expression location at the text of its
// expression when that is a plain string once the anchors and escapes
// are taken off (`~ ^/api/` at "/api/"), and otherwise is not asked: no
// path is made up to match an arbitrary expression. "/" comes first, for
// what the server level answers.
func (*Format) Targets(text string) []portable.Target {
	c, err := Parse(text)
	if err != nil {
		return nil
	}
	out := []portable.Target{{Path: "/whycors-probe"}}
	var walk func(ls []*location)
	walk = func(ls []*location) {
		for _, l := range ls {
			if p, ok := targetPath(l); ok {
				out = append(out, portable.Target{Path: p, Pos: portable.Pos{Line: l.line, Column: l.col}})
			}
			walk(l.conf.locations)
		}
	}
	for _, lvl := range append([]*level{c.http}, c.serverLevels()...) {
		if lvl != nil {
			walk(lvl.locations)
		}
	}
	return out
}

// targetPath is a request path location l answers, when one can be
// written without guessing.
func targetPath(l *location) (string, bool) {
	p := l.path
	if l.re != nil {
		p = strings.TrimPrefix(strings.TrimSuffix(p, "$"), "^")
		p = strings.ReplaceAll(p, `\/`, "/")
		p = strings.ReplaceAll(p, `\.`, ".")
		if strings.ContainsAny(p, `\.*+?()[]{}|^$`) {
			return "", false
		}
		if !strings.HasPrefix(p, "/") {
			p = "/whycors-probe" + p
		}
	}
	if !strings.HasPrefix(p, "/") {
		return "", false
	}
	if l.mod != "=" && strings.HasSuffix(p, "/") {
		p += "whycors-probe"
	}
	return p, true
}
