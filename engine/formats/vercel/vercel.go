// Package vercel reads the headers of a vercel.json (format name
// "vercel") and answers requests as Vercel adds them to a deployment's
// replies.
//
// Understood (vercel.com/docs/project-configuration#headers; the
// conversion to routes read in @vercel/routing-utils 6.6.0,
// dist/superstatic.js convertHeaders and sourceToRegex, and checked
// against it in e2e/hosting):
//   - "headers": a list of {"source", "headers", "has", "missing"}
//     entries; source is a path-to-regexp 6.1.0 pattern, case sensitive,
//     anchored, no optional trailing slash; every matching entry applies,
//     in order, and a later one's key replaces an earlier one's (each
//     becomes a route with continue: true);
//   - ":name" in a header's key or value is the source's named segment
//     (or a has condition's captured key or named group), as
//     routing-utils turns it into "$1" and the edge fills it in;
//   - has / missing: header (key lower-cased), cookie, query with an
//     optional value, host with a value; a string value is a regular
//     expression that must match the whole element (Next.js's matchHas,
//     nextjs.org/docs/app/api-reference/config/next-config-js/headers);
//     an object value ({"eq": ...}) is reported, not guessed;
//   - the routes that come before the headers in routing-utils' list:
//     cleanUrls' and trailingSlash's redirects (308), trailingSlash's
//     /.well-known pass-through, and "redirects" (permanent 308 or 307,
//     statusCode, 308 by default); the first matching route without
//     continue ends the routing, so a redirected request gets none of
//     the header entries (a redirected preflight fails), and a
//     passed-through one neither
//     (vercel.com/docs/build-output-api/v3/configuration#routes).
//
// What rests on Vercel's documentation alone: a Function's own header
// overrides the route's of the same name
// (vercel.com/docs/concepts/functions/serverless-functions/edge-caching:
// "if you return headers in a Vercel Function, it will override the
// headers defined for the same route"), and Vercel answers no preflight
// itself: an OPTIONS request reaches the deployment like any other, and
// its status is the application's (vercel.com/kb/guide/how-to-enable-cors:
// Functions do not add CORS headers; the preflight must be answered).
//
// Conversion: ReadRules states each entry's Access-Control-* headers as
// a rule of the neutral model (read.go, hosthdr.ReadRules), and
// WriteRules writes a portable policy as a vercel.json (write.go,
// hosthdr.Plan): one entry per origin, limited to it by a has condition on Origin, never answering what the policy refuses.
package vercel

import (
	"regexp"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

const source = "vercel.com/docs/project-configuration#headers; @vercel/routing-utils 6.6.0 convertHeaders"

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "vercel" policy format.
type Format struct{}

// Name returns "vercel".
func (*Format) Name() string { return "vercel" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Vercel: vercel.json headers" }

// Platform names Vercel in messages.
func (*Format) Platform() string { return "Vercel" }

// Doc is the reference the evaluation rests on.
func (*Format) Doc() string { return source }

// FileName is "vercel.json".
func (*Format) FileName() string { return "vercel.json" }

// Detect claims a JSON object with a top-level "headers" list of
// {"source", "headers": [{"key", "value"}]} entries: not Firebase's
// (under "hosting"), nor a CloudFormation, serverless or bucket CORS
// document.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 256<<10 {
		text = text[:256<<10]
	}
	t := strings.TrimLeft(text, " \t\r\n\ufeff")
	if !strings.HasPrefix(t, "{") {
		return false, ""
	}
	for _, no := range []string{`"hosting"`, `"Resources"`, `"AWSTemplateFormatVersion"`, `"provider"`, `"CORSRules"`, `"cors"`, `"AllowedOrigins"`, `"log"`} {
		if strings.Contains(t, no) {
			return false, ""
		}
	}
	if detectKeys.MatchString(t) {
		return true, `a JSON object whose "headers" entries have "source" and {"key", "value"} headers (vercel.json)`
	}
	return false, ""
}

// detectKeys finds "headers", "source", "key" and "value" written as
// object keys, in that order (an entry's source comes before or after its
// headers: both orders).
var detectKeys = regexp.MustCompile(`(?s)"headers"\s*:.*(?:"source"\s*:.*"key"\s*:.*"value"\s*:|"key"\s*:.*"value"\s*:.*"source"\s*:)`)

// Parse reads a vercel.json.
func (*Format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return c, nil
}
