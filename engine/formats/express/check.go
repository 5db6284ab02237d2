package express

import (
	"regexp"
	"strconv"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// The codes of CheckText.
const (
	codePreflightMismatch = "express-preflight-options"
	codeStarRoute         = "express5-star-route"
)

// CheckText implements lint.TextChecker: two traps of the expressjs/cors
// README's app.options('*', cors()) pattern.
//   - A cors() mounted for OPTIONS alone answers every preflight with its
//     own options (lib/index.js: the first middleware that ends the
//     preflight decides it), so when they differ from the cors() that
//     answers the requests (its default origin "*" beside credentials),
//     a fetch the second allows is refused at its preflight: the README
//     passes the same options to both.
//   - The path '*': Express 5's path-to-regexp 8 refuses it at start-up
//     ("Missing parameter name"); '/{*splat}' is every path there.
func (*Format) CheckText(text string) []portable.Finding {
	c, err := Parse(text)
	if err != nil {
		return nil
	}
	var out []portable.Finding
	for i, pre := range c.Middlewares {
		if pre.Method != "OPTIONS" || pre.PreflightContinue {
			continue
		}
		// The cors() for every method after it, which answers the
		// requests whose preflights this one answers.
		for _, mw := range c.Middlewares[i+1:] {
			if mw.Method != "" {
				continue
			}
			if !sameOrigins(&pre.Options, &mw.Options) || pre.Credentials != mw.Credentials {
				out = append(out, portable.Finding{Severity: "warning", Code: codePreflightMismatch, Pos: portable.Pos{Line: pre.Line, Column: pre.Column},
					Message: "this cors() answers every preflight on its route with its own options, which differ from those of the cors() at line " + strconv.Itoa(mw.Line) + " (origins or credentials): a fetch that one allows is refused at its preflight; pass the same options to both, as the expressjs/cors README does (app.options('*', cors(corsOptions)))"})
			}
			break
		}
	}
	for _, m := range starRoute.FindAllStringSubmatchIndex(text, -1) {
		line, col := policy.LineCol(text, m[2])
		out = append(out, portable.Finding{Severity: "info", Code: codeStarRoute, Pos: portable.Pos{Line: line, Column: col},
			Message: "the route path '*' is every path on Express 4; Express 5 (path-to-regexp 8) refuses it when the app starts (\"Missing parameter name\"): write '/{*splat}' there"})
	}
	return out
}

// starRoute finds a route mounted on the path '*'.
var starRoute = regexp.MustCompile(`\.(?:options|all|use|get|post|put|patch|delete)\(\s*(['"]\*['"])`)

// sameOrigins reports whether a and b allow the same origins the same
// way.
func sameOrigins(a, b *Options) bool {
	if a.AnyOrigin != b.AnyOrigin || a.ReflectAll != b.ReflectAll || a.Fixed != b.Fixed || a.Disabled != b.Disabled || len(a.Allowed) != len(b.Allowed) {
		return false
	}
	for i := range a.Allowed {
		if a.Allowed[i].Exact != b.Allowed[i].Exact || a.Allowed[i].Regex != b.Allowed[i].Regex {
			return false
		}
	}
	return true
}

// LintCodes implements lint.Coder: CheckText's codes.
func (*Format) LintCodes() []portable.Code {
	return []portable.Code{
		{Code: codePreflightMismatch, Severity: "warning",
			Summary: "A cors() mounted for OPTIONS alone with other options than the cors() that answers the requests: it decides every preflight, so a fetch the other allows is refused.",
			Source:  "github.com/expressjs/cors README (Enabling CORS Pre-Flight); lib/index.js (v2.8.6)"},
		{Code: codeStarRoute, Severity: "info",
			Summary: "The route path '*': every path on Express 4, refused at start-up by Express 5's path-to-regexp 8.",
			Source:  "expressjs.com/en/guide/migrating-5.html (path route matching syntax)"},
	}
}
