package djangocors

import (
	"github.com/whycors/whycors/engine/headers"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/pylit"
	"github.com/whycors/whycors/engine/portable"
)

// CheckText lists django-cors-headers' known traps (lint.TextChecker):
// CORS_ALLOW_ALL_ORIGINS with credentials, a regex without an end anchor
// (re.match), origins Django's system checks refuse, and a MIDDLEWARE
// without CorsMiddleware.
func (*Format) CheckText(text string) []portable.Finding {
	c, err := Parse(text)
	if err != nil {
		return nil
	}
	var out []portable.Finding
	at := func(names ...string) portable.Pos {
		for _, n := range names {
			if v, ok := c.At[n]; ok && v.Line > 0 {
				return portable.Pos{Line: v.Line, Column: v.Col}
			}
		}
		return portable.Pos{Line: 1, Column: 1}
	}
	if c.AllowAll && c.Credentials {
		out = append(out, portable.Finding{Severity: "error", Code: "reflect-any-origin",
			Message: "CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS echoes every Origin with Access-Control-Allow-Credentials: true: any site can read your users' credentialed replies; list the origins in CORS_ALLOWED_ORIGINS (corsheaders/middleware.py, add_response_headers)",
			Pos:     at("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")})
	}
	if v, ok := c.At["CORS_ALLOWED_ORIGIN_REGEXES"]; ok || c.At["CORS_ORIGIN_REGEX_WHITELIST"].Line > 0 {
		if !ok {
			v = c.At["CORS_ORIGIN_REGEX_WHITELIST"]
		}
		for _, it := range v.Items {
			if !strings.HasSuffix(it.S, "$") && !strings.HasSuffix(it.S, `\Z`) {
				out = append(out, portable.Finding{Severity: "error", Code: "regex-without-end-anchor",
					Message: "the regex " + strconv.Quote(it.S) + " has no $: django-cors-headers uses re.match, which anchors only the start, so " + strconv.Quote(it.S) + " also allows an origin that merely starts like it (https://app.example.attacker.test); end it with $",
					Pos:     portable.Pos{Line: it.Line, Column: it.Col}})
			}
		}
	}
	if v, ok := c.At["CORS_ALLOWED_ORIGINS"]; ok || c.At["CORS_ORIGIN_WHITELIST"].Line > 0 {
		if !ok {
			v = c.At["CORS_ORIGIN_WHITELIST"]
		}
		for _, it := range v.Items {
			if it.Kind != pylit.Str || it.S == "null" || it.S == "file://" {
				continue
			}
			s, n, _ := urlsplit(it.S)
			switch {
			case s == "" || n == "":
				out = append(out, portable.Finding{Severity: "warning", Code: "origin-never-matches",
					Message: "Origin " + strconv.Quote(it.S) + " in CORS_ALLOWED_ORIGINS is missing scheme or netloc (Django's check corsheaders.E013 refuses it at manage.py runserver); write scheme://host",
					Pos:     portable.Pos{Line: it.Line, Column: it.Col}})
			case it.S[strings.Index(it.S, "//")+2+len(n):] != "":
				out = append(out, portable.Finding{Severity: "warning", Code: "origin-with-path",
					Message: "Origin " + strconv.Quote(it.S) + " in CORS_ALLOWED_ORIGINS should not have a path, query or fragment, even a trailing slash (Django's check corsheaders.E014 refuses it at manage.py runserver; at run time only scheme and host are compared)",
					Pos:     portable.Pos{Line: it.Line, Column: it.Col}})
			}
		}
	}
	if v, ok := c.At["MIDDLEWARE"]; ok && c.Installed {
		// django-cors-headers' README: "CorsMiddleware should be placed
		// as high as possible, especially before any middleware that can
		// generate responses such as Django's CommonMiddleware or
		// Whitenoise's WhiteNoiseMiddleware": their replies (APPEND_SLASH's
		// 301, a static file) leave before it runs, without CORS headers.
		var before string
		for _, it := range v.Items {
			if it.S == Middleware {
				if before != "" {
					out = append(out, portable.Finding{Severity: "warning", Code: "middleware-order",
						Message: strconv.Quote(Middleware) + " comes after " + strconv.Quote(before) + ", which answers some requests itself (CommonMiddleware's APPEND_SLASH redirect of /api/items to /api/items/, WhiteNoise's static files) before CorsMiddleware runs, so those replies carry no CORS headers and the browser blocks them; move it above",
						Pos:     portable.Pos{Line: it.Line, Column: it.Col}})
				}
				break
			}
			if before == "" && responders[it.S] {
				before = it.S
			}
		}
	}
	if c.HasMiddleware && !c.Installed {
		out = append(out, portable.Finding{Severity: "error", Code: "middleware-missing",
			Message: "MIDDLEWARE does not list " + strconv.Quote(Middleware) + ": the CORS_* settings do nothing; add it, above CommonMiddleware",
			Pos:     at("MIDDLEWARE")})
	}
	return out
}

// responders are the middlewares django-cors-headers' README names as
// answering requests themselves, which CorsMiddleware must precede.
var responders = map[string]bool{
	"django.middleware.common.CommonMiddleware":  true,
	"whitenoise.middleware.WhiteNoiseMiddleware": true,
}

// Traps implements advise.Trapper: the same traps, for the explainer's
// warnings.
func (f *Format) Traps(text string, _ headers.List) []portable.Finding { return f.CheckText(text) }
