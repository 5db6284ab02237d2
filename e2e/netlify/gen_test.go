package netlify

import (
	"math/rand"
	"strings"
)

var (
	paths = []string{"/*", "/", "/api/*", "/api/", "/api", "/api/:id", "/API/v1/*", "/fonts/*.woff2", "/*.json",
		"/a/*/b", "/data/:name/*", "/x y/*", "/files/*.(js)", "/trailing  ", "/a//b", "/*/payload.json", "/u/:user/:repo"}
	reqPaths = []string{"/", "/api", "/api/", "/api/users", "/API/Users/1", "/api/v1/x", "/fonts/a.woff2", "/fonts/awoff2",
		"/data.json", "/a/x/b", "/a/b", "/data/n/x", "/x y/z", "/u/me/r", "/u/me", "/files/m.js", "/trailing", "/a/b/payload.json"}
	names = []string{"Access-Control-Allow-Origin", "access-control-allow-origin", "Access-Control-Allow-Methods",
		"Access-Control-Allow-Headers", "Access-Control-Allow-Credentials", "Access-Control-Max-Age", "Vary", "Cache-Control", "X-Frame-Options"}
	values = []string{"*", "https://app.example", "https://a.example, https://b.example", "GET, POST ,OPTIONS", "GET,PUT",
		"true", "600", "Origin", "max-age=0,no-cache , no-store", "a:b:c", "  padded  ", "x,", "DENY"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }

// generate writes n files, _headers and netlify.toml alternately.
func generate(r *rand.Rand, n int) []tcase {
	out := make([]tcase, 0, n)
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			out = append(out, tcase{Kind: "headers", Text: genHeaders(r), Paths: reqPaths, desc: "generated _headers"})
		} else {
			out = append(out, tcase{Kind: "toml", Text: genTOML(r), Paths: reqPaths, desc: "generated netlify.toml"})
		}
	}
	return out
}

func genHeaders(r *rand.Rand) string {
	var b strings.Builder
	nl := "\n"
	if r.Intn(8) == 0 {
		nl = "\r\n"
	}
	if r.Intn(25) == 0 {
		b.WriteString(pick(r, names) + ": " + pick(r, values) + nl) // a header before any path
	}
	for k := r.Intn(4) + 1; k > 0; k-- {
		if r.Intn(4) == 0 {
			b.WriteString("# " + pick(r, paths) + nl)
		}
		b.WriteString(pick(r, paths) + nl)
		for m := r.Intn(4); m >= 0; m-- {
			ind := pick(r, []string{"  ", "\t", "    ", ""})
			switch r.Intn(40) {
			case 0:
				b.WriteString(ind + "# a comment: x" + nl)
			case 1:
				b.WriteString(ind + pick(r, names) + ":" + nl) // no value
			case 2:
				b.WriteString(ind + ": " + pick(r, values) + nl) // no name
			case 3:
				b.WriteString(ind + "not a header line" + nl)
			case 4:
				b.WriteString(nl)
			case 5:
				b.WriteString(ind + "undefined: x" + nl)
			default:
				b.WriteString(ind + pick(r, names) + ":" + pick(r, []string{" ", "", "  "}) + pick(r, values) + pick(r, []string{"", " ", "\t"}) + nl)
			}
		}
	}
	return b.String()
}

// tomlString quotes s in one of TOML's string forms.
func tomlString(r *rand.Rand, s string) string {
	switch r.Intn(4) {
	case 0:
		if !strings.Contains(s, "'") {
			return "'" + s + "'"
		}
	case 1:
		return "'''\n" + strings.ReplaceAll(s, ",", ",\n  ") + "'''"
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

func genTOML(r *rand.Rand) string {
	var b strings.Builder
	if r.Intn(6) == 0 {
		b.WriteString("[build]\n  publish = \"dist\"\n\n")
	}
	if r.Intn(30) == 0 {
		b.WriteString("[headers]\n  for = \"/*\"\n") // not an array
	}
	for k := r.Intn(3) + 1; k > 0; k-- {
		b.WriteString("[[headers]]\n")
		switch r.Intn(30) {
		case 0: // no for
		case 1:
			b.WriteString("  for = 42\n")
		default:
			b.WriteString("  for = " + tomlString(r, pick(r, paths)) + "\n")
		}
		used := map[string]bool{}
		vals := func(sep string) []string {
			var kv []string
			for m := r.Intn(3); m >= 0; m-- {
				n := pick(r, names)
				if used[n] && r.Intn(3) != 0 {
					continue
				}
				used[n] = true
				key := n
				if r.Intn(8) == 0 {
					key = `"` + n + ` "`
				}
				switch r.Intn(30) {
				case 0:
					kv = append(kv, key+" = 600")
				case 1:
					kv = append(kv, key+` = ["GET", " POST "]`)
				case 2:
					kv = append(kv, key+` = ["GET", 1]`)
				case 3:
					kv = append(kv, key+` = ""`)
				default:
					kv = append(kv, key+" = "+tomlString(r, pick(r, values)))
				}
			}
			return kv
		}
		switch r.Intn(8) {
		case 0, 7:
			v := vals(", ")
			for i := range v {
				v[i] = strings.ReplaceAll(v[i], "\n", " ")
				v[i] = strings.ReplaceAll(v[i], "'''", "\"")
			}
			b.WriteString("  values = { " + strings.Join(v, ", ") + " }\n")
		case 1:
			if r.Intn(4) == 0 {
				b.WriteString("  values = \"Access-Control-Allow-Origin: *\"\n")
			}
		case 2: // no values
		default:
			b.WriteString("  [headers.values]\n")
			for _, kv := range vals("\n") {
				b.WriteString("    " + kv + "\n")
			}
		}
	}
	switch r.Intn(20) {
	case 0:
		b.WriteString("[[headers\n") // a syntax error
	case 1:
		b.WriteString("[[redirects]]\n  from = \"/old\"\n  to = \"/new\"\n")
	}
	return b.String()
}

// corners are the documented forms (docs.netlify.com/manage/routing/headers/)
// and the parser's edge cases, written here.
func corners() []tcase {
	h := func(desc, text string) tcase { return tcase{Kind: "headers", Text: text, Paths: reqPaths, desc: desc} }
	tm := func(desc, text string) tcase { return tcase{Kind: "toml", Text: text, Paths: reqPaths, desc: desc} }
	return []tcase{
		h("docs: a path and indented headers, a comment", "# a path:\n/templates/index.html\n  # headers for that path:\n  X-Frame-Options: DENY\n"),
		h("docs: a multi-value header written twice", "/*\n  Cache-Control: max-age=0\n  Cache-Control: no-cache\n"),
		h("docs: a splat", "/api/*\n  Access-Control-Allow-Origin: *\n"),
		h("docs: a placeholder", "/:lang/docs/*\n  X-Robots-Tag: noindex\n"),
		h("an empty file", ""),
		h("only comments", "# nothing\n   # here\n"),
		h("a header before any path", "Access-Control-Allow-Origin: *\n/*\n  X: y\n"),
		h("a value with colons", "/*\n  Link: <https://a.example>; rel=preconnect\n"),
		h("a full URL as the path is a header line", "https://site.example/*\n  Access-Control-Allow-Origin: *\n"),
		h("a path without its slash is ignored", "/a\n  X: 1\napi/*\n  Access-Control-Allow-Origin: *\n"),
		h("a path with no headers", "/a\n/b\n  X: 1\n"),
		h("identical rules kept once", "/a\n  X: 1\n/b\n  Y: 2\n/a\n  X: 1\n"),
		h("the name undefined", "/a\n  undefined: 1\n/b\n  X: 2\n"),
		h("CRLF lines", "/a\r\n  X: 1\r\n  Y: 2\r\n"),
		h("a no-break space around the value", "/a\n  X:\u00a0v\u00a0\n"),
		h("an invalid pattern in a star segment", "/a(*\n  X: 1\n"),
		h("a star segment with a dot", "/*.js\n  X: 1\n"),
		tm("docs: [[headers]] and [headers.values]", "[[headers]]\n  for = \"/*\"\n  [headers.values]\n    X-Frame-Options = \"DENY\"\n"),
		tm("docs: a multi-line value", "[[headers]]\n  for = \"/*\"\n  [headers.values]\n    cache-control = '''\n    max-age=0,\n    no-cache,\n    no-store'''\n"),
		tm("an array value", "[[headers]]\n  for = \"/a\"\n  [headers.values]\n    Access-Control-Allow-Methods = [\"GET\", \"POST\"]\n"),
		tm("inline values", "[[headers]]\nfor = \"/a\"\nvalues = { X = \"1\", Y = \"a ,b\" }\n"),
		tm("headers as an inline array", "headers = [ { for = \"/a\", values = { X = \"1\" } } ]\n"),
		tm("a duplicate key", "[[headers]]\n  for = \"/a\"\n  [headers.values]\n    X = \"1\"\n    X = \"2\"\n"),
		tm("the same name in two cases", "[[headers]]\n  for = \"/a\"\n  [headers.values]\n    X-A = \"1\"\n    x-a = \"2\"\n"),
		tm("a number value", "[[headers]]\n  for = \"/a\"\n  [headers.values]\n    Access-Control-Max-Age = 600\n"),
		tm("no for", "[[headers]]\n  [headers.values]\n    X = \"1\"\n"),
		tm("headers is a table", "[headers]\n  for = \"/a\"\n"),
		tm("a syntax error", "[[headers]]\n  for = \"/a\n"),
		tm("an empty value", "[[headers]]\n  for = \"/a\"\n  [headers.values]\n    X = \"\"\n"),
		tm("a dotted key", "[[headers]]\n  for = \"/a\"\n  values.X = \"1\"\n"),
		tm("two rules, one bad", "[[headers]]\n  for = \"/a\"\n  values = { X = 1 }\n[[headers]]\n  for = \"/b\"\n  values = { Y = \"2\" }\n"),
		tm("headers of a deploy context are not the top-level headers", "[[context.production.headers]]\n  for = \"/a\"\n  values = { X = \"1\" }\n"),
		tm("a quoted key with a dot", "[[headers]]\n  for = \"/a\"\n  [headers.values]\n    \"X.Y\" = \"1\"\n"),
		tm("a redirect beside the headers", "[[redirects]]\n  from = \"/api/*\"\n  to = \"https://b.example/:splat\"\n  status = 200\n[[headers]]\n  for = \"/api/*\"\n  values = { Access-Control-Allow-Origin = \"*\" }\n"),
		h("a path with non-ASCII letters", "/café/*\n  X: 1\n"),
		tm("identical rules", "[[headers]]\nfor = \"/a\"\nvalues = { X = \"1\" }\n[[headers]]\nfor = \"/a\"\nvalues = { X = \"1\" }\n"),
	}
}
