package vercel

import (
	"regexp"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/hosthdr"
	"github.com/whycors/whycors/engine/portable"
)

// writeTarget is what vercel.json's headers can say (hosthdr.Plan):
// fixed values per source, case-sensitive, limited to one origin each
// by a "has" condition on the Origin header.
var writeTarget = hosthdr.Target{Platform: "Vercel", ByOrigin: true, Path: func(string) string { return "" }}

// WriteRules writes p as a vercel.json (write), noting in n what it
// leaves out (hosthdr.Plan).
func (*Format) WriteRules(p portable.Policy, _ []string, n *portable.Notes) (string, error) {
	return hosthdr.WriteRules(p, n, writeTarget, write)
}

// write renders planned entries as a vercel.json: one header entry per
// path and origin. A portable path "/api" is the source "/api(/.*)?"
// ("/api" and below, never "/apix"; sources are case-sensitive), every
// path "/(.*)"; characters path-to-regexp reads as syntax are escaped.
// An entry for one origin has the condition {"type": "header", "key":
// "origin", "value": the origin as a regular expression matching it
// alone}, and Vary: Origin; "*" has none, or a "missing" condition on
// the origins earlier rules answer on these paths. Vercel adds the headers to
// every reply of the deployment, under a Function's own of the same
// name, and answers OPTIONS as the deployment does (no preflight of its
// own).
func write(outs []hosthdr.Out) string {
	var b strings.Builder
	b.WriteString("{\n  \"headers\": [")
	first := true
	for _, o := range outs {
		for _, src := range sources(o.Paths) {
			if !first {
				b.WriteByte(',')
			}
			first = false
			b.WriteString("\n    {\n      \"source\": " + hosthdr.Quote(src) + ",\n")
			if o.Origin != "*" {
				b.WriteString("      \"has\": [{\"type\": \"header\", \"key\": \"origin\", \"value\": " + hosthdr.Quote(regexp.QuoteMeta(o.Origin)) + "}],\n")
			}
			if len(o.Exclude) > 0 {
				b.WriteString("      \"missing\": [{\"type\": \"header\", \"key\": \"origin\", \"value\": " + hosthdr.Quote(excludeRegexp(o.Exclude)) + "}],\n")
			}
			b.WriteString("      \"headers\": ")
			hosthdr.JSONHeaders(&b, o.Headers, "      ")
			b.WriteString("\n    }")
		}
	}
	if !first {
		b.WriteString("\n  ")
	}
	b.WriteString("]\n}\n")
	return b.String()
}

// sources are the path-to-regexp sources that cover the portable paths.
func sources(paths []string) []string {
	var out []string
	for _, p := range paths {
		p = strings.TrimSuffix(p, "/")
		if p == "" {
			return []string{"/(.*)"}
		}
		var b strings.Builder
		for i := 0; i < len(p); i++ {
			if strings.IndexByte("*+?\\{}:().", p[i]) >= 0 {
				b.WriteByte('\\')
			}
			b.WriteByte(p[i])
		}
		out = append(out, b.String()+"(/.*)?")
	}
	if len(paths) == 0 {
		return []string{"/(.*)"}
	}
	return out
}

// excludeRegexp is a missing condition's value for origins: their
// alternation (portable.OriginsRegexp without its anchors, as the
// value must match the whole header anyway).
func excludeRegexp(origins []string) string {
	return strings.TrimSuffix(strings.TrimPrefix(portable.OriginsRegexp(origins), "^"), "$")
}
