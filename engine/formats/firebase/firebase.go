// Package firebase reads the headers of a firebase.json's "hosting"
// (format name "firebase") and answers requests as Firebase Hosting adds
// them to its replies.
//
// Understood (firebase.google.com/docs/hosting/full-config#headers; the
// matching read in superstatic 9.2.0, Firebase Hosting's local server,
// lib/middleware/headers.js and lib/utils/patterns.js, and checked
// against it in e2e/hosting):
//   - "hosting" as one site's object or a list of sites (each with
//     "site" or "target"); the site is chosen by the request's host
//     (SITE.web.app, SITE.firebaseapp.com), else the first one;
//   - "headers": entries with a "source" glob (minimatch, made absolute),
//     a "glob" (as written) or a "regex" (RE2, searched anywhere in the
//     path), and a "headers" list of {"key", "value"};
//   - every matching entry applies, in order: each header is set with
//     setHeader when the reply's header is written, so a later entry's
//     key replaces an earlier one's, and the configured headers replace
//     the served file's own of the same name;
//   - no preflight is answered specially: an OPTIONS request is served
//     as any other (superstatic serves the file, 200, or its 404), with
//     the same headers; a 404 also gets the headers of the entries
//     matching /404.html;
//   - "redirects" (source, glob or regex; destination; type) answer
//     before any header applies: a 3xx with Location and none of the
//     headers; a destination that captures :parameters is left out, with
//     a note.
//
// What rests on Firebase's documentation alone: that the production CDN
// behaves as superstatic there (firebase.google.com/docs/hosting/full-config
// gives the header entries' syntax and the glob and RE2 matching, not the
// OPTIONS reply).
//
// Conversion: ReadRules states each entry's Access-Control-* headers as
// a rule of the neutral model (read.go, hosthdr.ReadRules), and
// WriteRules writes a portable policy as a firebase.json (write.go,
// hosthdr.Plan): one origin per path, paths as anchored regexes, never answering what the policy refuses.
package firebase

import (
	"regexp"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

const source = "firebase.google.com/docs/hosting/full-config#headers; superstatic 9.2.0 lib/middleware/headers.js"

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "firebase" policy format.
type Format struct{}

// Name returns "firebase".
func (*Format) Name() string { return "firebase" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Firebase Hosting: firebase.json headers" }

// Platform names Firebase Hosting in messages.
func (*Format) Platform() string { return "Firebase Hosting" }

// Doc is the reference the evaluation rests on.
func (*Format) Doc() string { return source }

// FileName is "firebase.json".
func (*Format) FileName() string { return "firebase.json" }

// Detect claims a JSON object with a top-level "hosting" whose headers
// entries have "source", "glob" or "regex" and {"key", "value"} headers.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 256<<10 {
		text = text[:256<<10]
	}
	t := strings.TrimLeft(text, " \t\r\n\ufeff")
	if !strings.HasPrefix(t, "{") || !strings.Contains(t, `"hosting"`) {
		return false, ""
	}
	for _, no := range []string{`"Resources"`, `"AWSTemplateFormatVersion"`, `"CORSRules"`, `"AllowedOrigins"`} {
		if strings.Contains(t, no) {
			return false, ""
		}
	}
	if detectKeys.MatchString(t) {
		return true, `a JSON object whose "hosting" has "headers" entries with a source, glob or regex (firebase.json)`
	}
	return false, ""
}

// detectKeys finds "hosting", then "headers", then a pattern key and a
// header's "key", written as object keys.
var detectKeys = regexp.MustCompile(`(?s)"hosting"\s*:.*"headers"\s*:.*(?:"(?:source|glob|regex)"\s*:.*"key"\s*:|"key"\s*:.*"(?:source|glob|regex)"\s*:)`)

// Parse reads a firebase.json.
func (*Format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return c, nil
}
