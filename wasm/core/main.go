//go:build js && wasm

// Command core is the part of the engine the simulator page loads first:
// the browser model, the explainer and the raw-replies reader, and nothing
// else (no other policy format, no fix search, no lint, no convert, and
// no encoding/json: explain.Decode and explain.AppendVerdict read and
// write the JSON), so that the first verdict comes fast. The page fetches
// wasm/full when it needs more. It registers globalThis.whycors and stays
// resident. It holds no logic of its own.
//
// Every function returns a JSON string; on failure an object
// {"error": "...", "errors": [...]} (explain.AppendError).
//
//	whycors.version()          "dev" or the release version (a plain string)
//	whycors.formats()          every format name the full engine reads (fullFormats)
//	whycors.titles()           their titles (policy.Titled), in the same order (fullTitles)
//	whycors.linked()           the formats this program reads
//	whycors.explain(scenario)  a Verdict (engine/explain/scenario.go)
//	whycors.limits()           the input bounds of engine/limits: {"scenario", "policy_text", "har", "page_har", "link"}
//	whycors.sdkPresets()       the requests real SDKs make (engine/sdkpreset): [{"name", "operation", "method", "headers", "reads", "needs", ...}]
//	whycors.sdkWarnings(lines) the response headers a preset's SDK needs or reads that a reply does not expose (sdk.go)
package main

import (
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/formats/raw"
	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/wasm/internal/jsapi"
)

// version is set at link time by release builds.
var version = "dev"

// fullFormats is every format name wasm/full reads, comma-separated, set
// at link time by internal/build from engine/all's registry (this program
// links none of them but raw).
var fullFormats = ""

// fullTitles are their titles (policy.Title), in the same order and
// comma-separated too, set with them.
var fullTitles = ""

func main() {
	// One output buffer, reused: a verdict is a few KB and the page calls
	// explain on every keystroke.
	var buf []byte
	opts := explain.Options{Formats: policy.NewRegistry(raw.Formats()...)}
	full := strings.Split(fullFormats, ",")
	titles := strings.Split(fullTitles, ",")
	if fullFormats == "" {
		full = []string{}
	}
	if len(titles) != len(full) {
		titles = full // a build without titles: the names say it
	}
	jsapi.Register("whycors", map[string]jsapi.Func{
		"version":     func(string) string { return version },
		"limits":      func(string) string { return limits.JSON },
		"sdkPresets":  sdkPresets,
		"sdkWarnings": sdkWarnings,
		"formats":     func(string) string { return string(explain.AppendStrings(nil, full)) },
		"titles":      func(string) string { return string(explain.AppendStrings(nil, titles)) },
		"linked":      func(string) string { return string(explain.AppendStrings(nil, opts.Formats.Names())) },
		"explain": func(arg string) string {
			s, err := explain.Decode([]byte(arg))
			if err == nil {
				var v explain.Verdict
				if v, err = explain.Explain(s, opts); err == nil {
					buf = explain.AppendVerdict(buf[:0], &v)
					return string(buf)
				}
			}
			return string(explain.AppendError(nil, err))
		},
	})
	select {}
}
