package netlify

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/portable"
)

// CheckText lists the traps of Netlify's headers that one reply does not
// show, for engine/lint and the explainer's warnings:
//   - "several-origins": Access-Control-Allow-Origin holding more than
//     one origin (a comma or space list, or the header written twice
//     under one path, which the parser joins with ", "): browsers accept
//     one origin or *, and Netlify's headers are fixed (no echo of the
//     request's Origin);
//   - "wildcard-credentials": * with Access-Control-Allow-Credentials
//     true for the same path, which browsers refuse;
//   - "path-never-matches": a _headers line meant as a path that the
//     parser does not read as one (no leading /, or a full URL, which
//     becomes a header named https), and a path ending in / that matches
//     that folder only, not the files under it (add *);
//   - "not-applied": a path that netlify.toml's [[redirects]] answer by
//     a redirect, a proxy or a function, whose replies get no custom
//     headers (docs: Limitations);
//   - "no-preflight" (info): preflight headers (Allow-Methods or
//     -Headers), which help only if Netlify answers the OPTIONS request
//     for the path with a 2xx, which its docs do not say it does;
//   - "origin-overlap": two rules whose paths overlap giving
//     Access-Control-Allow-Origin different values: one replaces the
//     other (the later, in Netlify's own implementation).
func (*Format) CheckText(text string) []portable.Finding {
	c, _ := Parse(text)
	if c == nil {
		return nil
	}
	var out []portable.Finding
	add := func(sev, code string, line, col int, msg string) {
		out = append(out, portable.Finding{Severity: sev, Code: code, Pos: portable.Pos{Line: line, Column: col}, Message: msg})
	}
	for _, r := range c.Rules {
		o, hasO := r.Get("Access-Control-Allow-Origin")
		cr, hasC := r.Get("Access-Control-Allow-Credentials")
		creds := hasC && strings.EqualFold(strings.TrimSpace(cr.Value), "true")
		if hasO && len(strings.FieldsFunc(o.Value, func(r rune) bool { return r == ',' || r == ' ' })) > 1 {
			add("error", "several-origins", o.Line, o.Column, "Access-Control-Allow-Origin for "+r.For+" is "+strconv.Quote(o.Value)+": browsers accept one origin (or *) and refuse this reply (\"contains multiple values\"); Netlify's headers are fixed, so serve one origin per path, or answer from an edge function that echoes the allowed Origin")
		}
		if hasO && strings.TrimSpace(o.Value) == "*" && creds {
			add("error", "wildcard-credentials", o.Line, o.Column, "Access-Control-Allow-Origin * with Access-Control-Allow-Credentials true for "+r.For+": browsers refuse credentialed replies with a wildcard origin; name the one origin instead")
		}
		if hasO && len(r.For) > 1 && strings.HasSuffix(r.For, "/") {
			add("warning", "path-never-matches", r.Line, r.Column, "the path "+r.For+" matches "+strings.TrimSuffix(r.For, "/")+" and "+r.For+" only, not the files under it: write "+r.For+"* to cover them")
		}
		for _, d := range c.Redirects {
			if !d.re.match(example(r.For)) {
				continue
			}
			how := "redirects it with " + strconv.Itoa(d.Status)
			switch {
			case d.Status >= 300 && d.Status < 400:
			case strings.HasPrefix(d.To, "http://") || strings.HasPrefix(d.To, "https://"):
				how = "proxies it to " + d.To
			case isFunction(d.To):
				how = "sends it to the function " + d.To
			default:
				continue
			}
			add("warning", "not-applied", r.Line, r.Column, "the [[redirects]] rule at line "+strconv.Itoa(d.Line)+" "+how+": Netlify applies custom headers only to files it serves, so "+r.For+"'s headers are not sent there (docs.netlify.com/manage/routing/headers/, Limitations); send them from the target")
			break
		}
	}
	// Pairs of the rules that set Access-Control-Allow-Origin (the first
	// maxOverlap of them: the pairs grow as their square).
	var acao []Rule
	var ex []string
	for _, r := range c.Rules {
		if _, ok := r.Get("Access-Control-Allow-Origin"); ok && len(acao) < maxOverlap {
			acao = append(acao, r)
			ex = append(ex, example(r.For))
		}
	}
	for i, a := range acao {
		oa, _ := a.Get("Access-Control-Allow-Origin")
		for j := i + 1; j < len(acao); j++ {
			b := acao[j]
			ob, _ := b.Get("Access-Control-Allow-Origin")
			if ob.Value == oa.Value || !a.re.match(ex[j]) && !b.re.match(ex[i]) {
				continue
			}
			add("warning", "origin-overlap", ob.Line, ob.Column, "the paths "+a.For+" (line "+strconv.Itoa(a.Line)+") and "+b.For+" both match some requests and give Access-Control-Allow-Origin different values ("+strconv.Quote(oa.Value)+", "+strconv.Quote(ob.Value)+"): only one is sent (the later rule's in Netlify's own implementation); keep one rule per path for this header")
		}
	}
	for _, r := range c.Rules {
		h, ok := r.Get("Access-Control-Allow-Methods")
		if !ok {
			h, ok = r.Get("Access-Control-Allow-Headers")
		}
		if ok {
			add("info", "no-preflight", h.Line, h.Column, "Netlify's docs do not say how it answers a preflight (OPTIONS) for a file: "+h.Name+" helps only if that reply's status is 2xx; a function or an edge function on the path can answer OPTIONS itself")
			break
		}
	}
	if c.Syntax == HeadersFile {
		out = append(out, ignoredPaths(text)...)
	}
	return out
}

// example is a request path a rule's path matches.
func example(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "x"
		}
	}
	return strings.ReplaceAll(strings.Join(parts, "/"), "*", "x")
}

// maxOverlap bounds the rules the origin-overlap check pairs.
const maxOverlap = 200

// ignoredPaths finds _headers lines meant as paths that the parser reads
// otherwise: a URL (a header named http or https) or a path without its
// leading slash (ignored, so its headers go to the path above).
func ignoredPaths(text string) []portable.Finding {
	var out []portable.Finding
	for i, raw := range strings.Split(text, "\n") {
		line := jsTrim(raw)
		col := strings.Index(raw, line) + 1
		lower := strings.ToLower(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "/"):
		case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
			out = append(out, portable.Finding{Severity: "error", Code: "path-never-matches", Pos: portable.Pos{Line: i + 1, Column: col},
				Message: "a _headers path is the URL's path alone (/api/*): Netlify reads " + strconv.Quote(line) + " as a header named " + strings.SplitN(line, ":", 2)[0] + ", and the headers below it go to the path above"})
		case !strings.Contains(line, ":") && (strings.Contains(line, "/") || strings.Contains(line, "*")):
			out = append(out, portable.Finding{Severity: "error", Code: "path-never-matches", Pos: portable.Pos{Line: i + 1, Column: col},
				Message: "a _headers path starts with /: Netlify ignores " + strconv.Quote(line) + ", and the headers below it go to the path above; write /" + strings.TrimLeft(line, "/")})
		}
	}
	return out
}

// Targets lists a request path for each rule, at the rule's path, so
// that lint probes every rule and not only "/" (lint.Targeter).
func (*Format) Targets(text string) []portable.Target {
	c, _ := Parse(text)
	if c == nil {
		return nil
	}
	var out []portable.Target
	for _, r := range c.Rules {
		out = append(out, portable.Target{Path: example(r.For), Pos: portable.Pos{Line: r.Line, Column: r.Column}})
	}
	return out
}
