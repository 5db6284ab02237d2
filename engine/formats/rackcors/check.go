package rackcors

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/rblit"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// CheckText lists rack-cors' known traps (lint.TextChecker): a method
// written so that it never matches ("PUT": rack-cors compares the
// request's method lowercased), a header given as a symbol (never equal
// to a name), a resource without methods (rack-cors allows GET alone), a
// host without a scheme (allowed under every scheme, http:// too) and a
// resource path "/x/*" that covers /xy too.
func (*Format) CheckText(text string) []portable.Finding {
	c, err := Parse(text)
	if err != nil {
		return nil
	}
	return c.check()
}

// CheckSource implements lint.SourceChecker: CheckText of the Ruby with
// the values --param gives, as the version of the Gemfile.lock after it
// reads.
func (f *Format) CheckSource(src policy.Source) []portable.Finding {
	ev, err := f.ParseSource(src)
	if err != nil {
		return nil
	}
	return ev.(*Config).check()
}

// check lists c's traps.
func (c *Config) check() []portable.Finding {
	var out []portable.Finding
	for i := range c.Allows {
		a := &c.Allows[i]
		for _, o := range a.Origins {
			if o.Kind == "exact" && strings.Contains(o.Text, "*") {
				out = append(out, portable.Finding{Severity: "error", Code: "origin-pattern-literal",
					Message: "the origin " + strconv.Quote(o.Text) + " is compared as it is written, \"*\" and all: rack-cors has no wildcard inside a string, so it never matches; write a regex, such as " + wildcardRegex(o.Text) + " (Resources#origins, allow_origin?)",
					Pos:     posOf(o.V)})
				continue
			}
			if o.Kind == "host" && strings.Contains(o.Text, "*") {
				out = append(out, portable.Finding{Severity: "error", Code: "origin-pattern-literal",
					Message: "the origin " + strconv.Quote(o.Text) + " is a host name to rack-cors, \"*\" and all (under any scheme): it never matches; write a regex (Resources#origins)",
					Pos:     posOf(o.V)})
				continue
			}
			if o.Kind == "host" && o.Text == "null" {
				out = append(out, portable.Finding{Severity: "warning", Code: "null-as-host",
					Message: "the origin \"null\" is a host name to rack-cors, allowed under any scheme (scheme://null): it never matches the Origin null that sandboxed pages and file: URLs send (which any site can send by sandboxing itself; /\\Anull\\z/ would allow it)",
					Pos:     posOf(o.V)})
				continue
			}
			if o.Kind == "host" && strings.Contains(o.Text, "://") {
				msg := "rack-cors reads " + strconv.Quote(o.Text) + " as a host name under any scheme, which no Origin matches: it takes a scheme of lower-case letters, digits, \"+\", \"-\" and \".\" after a letter (Resources#origins); write " + strconv.Quote(strings.ToLower(o.Text))
				if c.v1() {
					msg = "rack-cors " + c.Version + " (your Gemfile.lock's) reads " + strconv.Quote(o.Text) + " as a host name under any scheme, which no Origin matches: 1.x compares only http:// and https:// origins exactly; 2.0.0 on compares any scheme's (CHANGELOG 2.0.0, \"Support declaring custom protocols in origin\"): update rack-cors, or write the origin as a regex, " + wildcardRegex(o.Text)
				}
				out = append(out, portable.Finding{Severity: "warning", Code: "origin-custom-scheme", Message: msg, Pos: posOf(o.V)})
				continue
			}
			if o.Kind == "host" {
				out = append(out, portable.Finding{Severity: "warning", Code: "origin-any-scheme",
					Message: "the origin " + strconv.Quote(o.Text) + " has no scheme: rack-cors allows it under every scheme (" + "http://" + o.Text + " too, which anyone on the network can act as); write the page's origin with its scheme, https://" + o.Text + " (http:// only for a development server on this machine) (Resources#origins)",
					Pos:     posOf(o.V)})
			}
		}
		for j := range a.Resources {
			r := &a.Resources[j]
			m, hasMethods := r.opt("methods")
			if !hasMethods {
				out = append(out, portable.Finding{Severity: "warning", Code: "default-methods",
					Message: "the resource " + strconv.Quote(r.Path) + " lists no methods: rack-cors then allows GET alone, so the preflight of a PUT, DELETE or JSON POST gets no CORS header; list them (methods: [:get, :post, :put, :patch, :delete, :options, :head])",
					Pos:     portable.Pos{Line: r.call.Line, Column: r.call.Col}})
			} else {
				for _, it := range m.Val.Flat() {
					if (it.Kind == rblit.Str || it.Kind == rblit.Sym) && (it.S != strings.ToLower(it.S) || !headers.IsToken(it.S) || it.S == "*") {
						out = append(out, portable.Finding{Severity: "error", Code: "method-never-matches",
							Message: "the method " + strconv.Quote(it.S) + " never matches: rack-cors compares the request's method lowercased (\"put\") with each entry as written; write :" + strings.ToLower(strings.Trim(it.S, " ")) + " (Resource#process_preflight)",
							Pos:     posOf(it)})
					}
				}
			}
			if h, ok := r.opt("headers"); ok && h.Val.Kind != rblit.Sym {
				for _, it := range h.Val.Flat() {
					if it.Kind == rblit.Str && it.S == "*" {
						out = append(out, portable.Finding{Severity: "error", Code: "header-star",
							Message: "headers \"*\" is a name to rack-cors, which no browser asks for: a preflight with any header of its own gets no CORS header; write headers: :any (rack-cors then answers with the requested names) or list them (Resource#allow_headers?)",
							Pos:     posOf(it)})
						continue
					}
					if it.Kind == rblit.Sym {
						out = append(out, portable.Finding{Severity: "error", Code: "header-symbol",
							Message: "the header :" + it.S + " is a symbol, which rack-cors never finds a requested name equal to (a preflight asking for it gets no CORS header); write it as a string, " + strconv.Quote(it.S) + " (Resource#allow_headers?)",
							Pos:     posOf(it)})
					}
				}
			}
			if p := r.Path; !r.PathRegex && len(p) > 1 && strings.HasSuffix(p, "/") {
				out = append(out, portable.Finding{Severity: "warning", Code: "resource-trailing-slash",
					Message: "the resource " + strconv.Quote(p) + " never matches: rack-cors matches the path after Rack's clean_path_info, which drops a trailing slash (" + strings.TrimSuffix(p, "/") + "/ is matched as " + strings.TrimSuffix(p, "/") + "); write " + strconv.Quote(strings.TrimSuffix(p, "/")) + " or " + strconv.Quote(p+"*") + " (Rack::Cors#evaluate_path)",
					Pos:     posOf(r.call.Args[0])})
			}
			if p := r.Path; !r.PathRegex && strings.HasSuffix(p, "/*") && len(p) > 2 {
				out = append(out, portable.Finding{Severity: "info", Code: "resource-prefix",
					Message: "the resource " + strconv.Quote(p) + " covers " + p[:len(p)-2] + " and every path that merely starts with it (" + p[:len(p)-2] + "x as well as " + p[:len(p)-1] + "x): rack-cors makes \"/*\" an optional slash and any text (Resource#compile)",
					Pos:     posOf(r.call.Args[0])})
			}
		}
	}
	return out
}

// Traps implements advise.Trapper: the same traps, for the explainer's
// warnings.
func (f *Format) Traps(text string, _ headers.List) []portable.Finding { return f.CheckText(text) }

// wildcardRegex is a regex for an origin written with a "*" for one
// label: https://*.example.com as /\Ahttps:\/\/[a-z0-9-]+\.example\.com\z/.
func wildcardRegex(o string) string {
	var b strings.Builder
	for _, part := range strings.SplitAfter(o, "*") {
		lit, star := strings.CutSuffix(part, "*")
		b.WriteString(strings.ReplaceAll(regexp.QuoteMeta(lit), "/", `\/`))
		if star {
			b.WriteString("[a-z0-9-]+")
		}
	}
	return "/\\A" + b.String() + "\\z/"
}

// LintCodes implements lint.Coder: the codes of rack-cors' known traps
// (CheckText), so that `whycors lint --codes`, the SARIF report and
// whycors:ignore know them.
func (*Format) LintCodes() []portable.Code {
	const src = "cyu/rack-cors lib/rack/cors.rb and lib/rack/cors/ (2.0.2, 3.0.0; 1.1.1)"
	return []portable.Code{
		{Code: "origin-any-scheme", Severity: "warning",
			Summary: "An origin without a scheme (\"app.example\") is allowed under every scheme, http:// too.",
			Source:  src + ", Resources#origins"},
		{Code: "null-as-host", Severity: "warning",
			Summary: "An origin \"null\" is a host name to rack-cors: it never matches the Origin null.",
			Source:  src + ", Resources#origins"},
		{Code: "origin-custom-scheme", Severity: "warning",
			Summary: "An origin whose scheme rack-cors does not take as one is a host name that never matches: capacitor://localhost in 1.x (2.0.0 on compares it exactly), an upper-case scheme in any version.",
			Source:  src + ", Resources#origins; CHANGELOG 2.0.0"},
		{Code: "origin-pattern-literal", Severity: "error",
			Summary: "An origin string with \"*\" (https://*.example.com) never matches: rack-cors has no wildcard in a string.",
			Source:  src + ", Resources#origins"},
		{Code: "header-star", Severity: "error",
			Summary: "headers \"*\" is a name no browser asks for: write headers: :any.",
			Source:  src + ", Resource#allow_headers?"},
		{Code: "resource-trailing-slash", Severity: "warning",
			Summary: "A resource path ending in \"/\" never matches: Rack drops a trailing slash before rack-cors matches.",
			Source:  src + ", Rack::Cors#evaluate_path; rack/utils.rb clean_path_info"},
		{Code: "default-methods", Severity: "warning",
			Summary: "A resource without methods allows GET alone: other methods' preflights get no CORS header.",
			Source:  src + ", Resource#initialize"},
		{Code: "method-never-matches", Severity: "error",
			Summary: "A method with a capital (\"PUT\") never matches: rack-cors compares the request's method lowercased.",
			Source:  src + ", Resource#process_preflight"},
		{Code: "header-symbol", Severity: "error",
			Summary: "A header given as a symbol (:authorization) never matches a requested name.",
			Source:  src + ", Resource#allow_headers?"},
		{Code: "resource-prefix", Severity: "info",
			Summary: "A resource \"/api/*\" covers /apiary as well as /api/x.",
			Source:  src + ", Resource#compile"},
	}
}
