// Package hosting holds the differential tests of the hosting
// headers-file formats against the real npm packages (package.json here,
// pinned): vercel against @vercel/routing-utils (routes.mjs turns each
// generated vercel.json into routes and matches them), firebase against
// superstatic, Firebase Hosting's local server (serve.mjs serves a
// generated firebase.json of many entries once on loopback; globs.mjs
// asks superstatic's own matcher about every pattern and path).
//
// Without node_modules here the tests skip, unless WHYCORS_REQUIRE_BROWSER
// is set: then they run `npm ci` in this folder first.
package hosting

import (
	"sort"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/internal/npmtest"
	"github.com/whycors/whycors/engine/headers"
)

// needModules skips without node or node_modules, unless
// WHYCORS_REQUIRE_BROWSER is set: then it runs npm ci (.npmrc here omits
// superstatic's optional re2, a native addon that compiles from source
// for minutes; superstatic then reads regexes with JavaScript's RegExp).
func needModules(t *testing.T) { npmtest.Ensure(t, ".", "e2e/hosting") }

// lines renders fields as sorted "name: value" lines, names lower case,
// keeping only those relevant says.
func lines(l headers.List, relevant func(string) bool) []string {
	var out []string
	for _, f := range l {
		if relevant(f.Name) {
			out = append(out, strings.ToLower(f.Name)+": "+f.Value)
		}
	}
	sort.Strings(out)
	return out
}
