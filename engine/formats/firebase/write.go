package firebase

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/hosthdr"
	"github.com/whycors/whycors/engine/portable"
)

// writeTarget is what firebase.json's headers can say (hosthdr.Plan):
// fixed values per path, one origin each; a path as an RE2 regex,
// matched case-sensitively, except one that covers the 404 page.
var writeTarget = hosthdr.Target{Platform: "Firebase Hosting", Path: pathWhy}

// pathWhy refuses a portable path that covers /404.html without
// covering every path: superstatic gives every 404 the headers of the
// entries matching /404.html, so the entry would answer on other paths.
func pathWhy(p string) string {
	if strings.TrimSuffix(p, "/") != "" && portable.UnderPath(errorPage, p) {
		return "Firebase Hosting gives every 404 reply the headers of the entries that match " + errorPage + ", so an entry for " + strconv.Quote(p) + " would answer on other paths"
	}
	return ""
}

// WriteRules writes p as a firebase.json (write), noting in n what it
// leaves out (hosthdr.Plan).
func (*Format) WriteRules(p portable.Policy, _ []string, n *portable.Notes) (string, error) {
	return hosthdr.WriteRules(p, n, writeTarget, write)
}

// write renders planned entries as a firebase.json whose hosting has one
// header entry each: "source": "**" for every path, else a "regex"
// anchored at both ends ("/api" is "/api" and below, case-sensitive:
// portable.PathsRegexp). Firebase Hosting adds them to the files it
// serves and answers OPTIONS as the path serves it (no preflight of its
// own).
func write(outs []hosthdr.Out) string {
	var b strings.Builder
	b.WriteString("{\n  \"hosting\": {\n    \"public\": \"public\",\n    \"headers\": [")
	for i, o := range outs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n      {\n        ")
		if re := portable.PathsRegexp(o.Paths); re == "^/" {
			b.WriteString("\"source\": \"**\"")
		} else {
			b.WriteString("\"regex\": " + hosthdr.Quote(re))
		}
		b.WriteString(",\n        \"headers\": ")
		hosthdr.JSONHeaders(&b, o.Headers, "        ")
		b.WriteString("\n      }")
	}
	if len(outs) > 0 {
		b.WriteString("\n    ")
	}
	b.WriteString("]\n  }\n}\n")
	return b.String()
}
