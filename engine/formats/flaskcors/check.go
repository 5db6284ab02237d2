package flaskcors

import (
	"github.com/whycors/whycors/engine/headers"
	"strconv"

	"github.com/whycors/whycors/engine/portable"
)

// CheckText lists flask-cors' known traps (lint.TextChecker): the
// default "*" echoing every origin with supports_credentials, origin
// regexes without an end anchor (re.match), and resource paths that are
// regexes matched from the start ("/api/*" covers /apiary).
func (*Format) CheckText(text string) []portable.Finding {
	c, err := Parse(text)
	if err != nil {
		return nil
	}
	var out []portable.Finding
	check := func(o *Options, line int) {
		at := portable.Pos{Line: line, Column: 1}
		for _, p := range o.Origins {
			pos := at
			if p.Value.Line > 0 {
				pos = portable.Pos{Line: p.Value.Line, Column: p.Value.Col}
			}
			switch {
			case p.Text == ".*" && !p.Compiled && o.Credentials:
				out = append(out, portable.Finding{Severity: "error", Code: "reflect-any-origin",
					Message: "origins '*' (the default) with supports_credentials=True echoes every Origin with Access-Control-Allow-Credentials: true: any site can read your users' credentialed replies; list the origins (flask_cors/core.py 3.0.10, get_cors_origins)",
					Pos:     pos})
			case p.Regex && p.Text != ".*" && !endAnchored(p.Text):
				out = append(out, portable.Finding{Severity: "error", Code: "regex-without-end-anchor",
					Message: "the origin " + strconv.Quote(p.Text) + " is a regex to flask-cors (it has one of * \\ ] ? $ ^ [ ( )), matched with re.match from the start only and ignoring case: it also allows any origin that merely starts like it, such as one followed by .attacker.test; escape the dots and end it with $",
					Pos:     pos})
			}
		}
	}
	for i := range c.Resources {
		res := &c.Resources[i]
		check(&res.Options, c.Line)
		if res.Path.Regex && res.Path.Text != "/*" && res.Path.Text != ".*" && !endAnchored(res.Path.Text) && res.Path.Value.Line > 0 {
			out = append(out, portable.Finding{Severity: "info", Code: "resource-prefix",
				Message: "the resource " + strconv.Quote(res.Path.Text) + " is a regex matched from the start of the path (re.match): it covers every path that starts like it, /apiary as well as /api/x",
				Pos:     portable.Pos{Line: res.Path.Value.Line, Column: res.Path.Value.Col}})
		}
	}
	for i := range c.Routes {
		check(&c.Routes[i].Options, c.Routes[i].Line)
	}
	return out
}

func endAnchored(s string) bool {
	return len(s) > 0 && s[len(s)-1] == '$' && (len(s) < 2 || s[len(s)-2] != '\\')
}

// Traps implements advise.Trapper: the same traps, for the explainer's
// warnings.
func (f *Format) Traps(text string, _ headers.List) []portable.Finding { return f.CheckText(text) }
