package netlify

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/hosthdr"
	"github.com/whycors/whycors/engine/portable"
)

// writeTarget is what a _headers file can say (hosthdr.Plan): fixed values
// per path, one origin each, and paths without letters (Netlify matches
// a path without regard to case).
var writeTarget = hosthdr.Target{Platform: "Netlify", Path: pathWhy}

// pathWhy says why Netlify cannot match the portable path p ("p" and
// below, case-sensitive) exactly: a letter (the parser's forRegExp
// ignores case, so "/api" also covers "/API"), or a character the path
// syntax reads as a pattern.
func pathWhy(p string) string {
	for _, c := range p {
		switch {
		case c >= '0' && c <= '9', strings.ContainsRune("/-._~", c):
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			return "Netlify matches paths without regard to case, so it would also cover " + strconv.Quote(strings.ToUpper(p))
		default:
			return "Netlify's path syntax reads " + strconv.Quote(string(c)) + " as a pattern or cannot hold it"
		}
	}
	return ""
}

// WriteRules writes p as a _headers file (write), noting in n what it
// leaves out (hosthdr.Plan) and refusing values a line cannot carry.
func (*Format) WriteRules(p portable.Policy, _ []string, n *portable.Notes) (string, error) {
	return hosthdr.WriteRules(p, n, writeTarget, write)
}

// write renders planned entries as a _headers file: one block per path
// pattern. A portable path "/1" is the two patterns "/1" (the parser
// allows a trailing slash) and "/1/:seg/*" (one segment or more below
// it, never "/12"); every path is "/*".
func write(outs []hosthdr.Out) string {
	var b strings.Builder
	b.WriteString("# CORS (whycors): Netlify adds these headers to the files it serves,\n" +
		"# not to functions or proxied replies, and answers OPTIONS as the path\n" +
		"# serves it (no preflight of its own).\n")
	for _, o := range outs {
		for _, pat := range patterns(o.Paths) {
			b.WriteString(pat + "\n")
			for _, f := range o.Headers {
				b.WriteString("  " + f.Name + ": " + f.Value + "\n")
			}
		}
	}
	return b.String()
}

// patterns are the _headers paths that cover the portable paths.
func patterns(paths []string) []string {
	var out []string
	for _, p := range paths {
		p = strings.TrimSuffix(p, "/")
		if p == "" {
			return []string{"/*"}
		}
		out = append(out, p, p+"/:seg/*")
	}
	if len(paths) == 0 {
		return []string{"/*"}
	}
	return out
}
