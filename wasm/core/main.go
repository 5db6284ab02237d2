//go:build js && wasm

// Command core is the part of the engine the simulator page loads first:
// the browser model, the explainer and the raw-replies reader, and nothing
// else (no other policy format, no fix search, no lint, no convert), so
// that the first verdict comes fast. The page fetches wasm/full when it
// needs more. It registers globalThis.whycors and stays resident. It holds
// no logic of its own.
//
// Every function returns a JSON string; on failure an object
// {"error": "...", "errors": [...]} (wasm/internal/jsapi).
//
//	whycors.version()          "dev" or the release version (a plain string)
//	whycors.formats()          every format name the full engine reads (fullFormats)
//	whycors.linked()           the formats this program reads: policy.Names()
//	whycors.explain(scenario)  a Verdict (engine/explain/scenario.go); no fixes
package main

import (
	"github.com/whycors/whycors/engine/explain"
	_ "github.com/whycors/whycors/engine/formats/raw"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/wasm/internal/jsapi"
)

// version is set at link time by release builds.
var version = "dev"

func main() {
	jsapi.Register("whycors", map[string]jsapi.Func{
		"version": func(string) string { return version },
		"formats": func(string) string { return jsapi.Encode(fullFormats) },
		"linked":  func(string) string { return jsapi.Encode(policy.Names()) },
		"explain": func(arg string) string {
			var s explain.Scenario
			if e := jsapi.Decode(arg, &s); e != "" {
				return e
			}
			v, err := explain.Explain(s)
			if err != nil {
				return jsapi.Error(err)
			}
			return jsapi.Encode(v)
		},
	})
	select {}
}
