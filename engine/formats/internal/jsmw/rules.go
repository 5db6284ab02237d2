package jsmw

import (
	"strings"

	"github.com/whycors/whycors/engine/portable"
)

// Portable is p in the neutral model's terms.
func (p Pos) Portable() portable.Pos { return portable.Pos{Line: p.Line, Column: p.Column} }

// Option returns where option key is written, else fallback (the call,
// for an option left to its default).
func Option(at map[string]Pos, key string, fallback Pos) portable.Pos {
	if p, ok := at[key]; ok {
		return p.Portable()
	}
	return fallback.Portable()
}

// Items splits a comma list (a joined option) into positioned values.
func Items(s string, pos portable.Pos) []portable.Value {
	var vs []portable.Value
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			vs = append(vs, portable.Value{Text: x, Pos: pos})
		}
	}
	return vs
}

// AddOrigins puts entries in r's origins, RegExps marked as such.
func AddOrigins(r *portable.ConfigRule, entries []Origin) {
	for _, o := range entries {
		if o.Regex != "" {
			if r.Regex == nil {
				r.Regex = map[int]bool{}
			}
			r.Regex[len(r.Origins)] = true
			r.Origins = append(r.Origins, portable.Value{Text: o.Regex, Pos: o.Pos.Portable()})
			continue
		}
		r.Origins = append(r.Origins, portable.Value{Text: o.Exact, Pos: o.Pos.Portable()})
	}
}
