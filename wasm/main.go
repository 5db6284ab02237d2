//go:build js && wasm

// Command wasm is the engine compiled for the simulator page: it registers
// globalThis.whycors, a small API taking and returning JSON strings, and
// stays resident so that one instantiation serves every call of a page.
// It holds no logic of its own.
package main

import (
	"encoding/json"
	"syscall/js"

	"github.com/whycors/whycors/engine/explain"
)

// version is set at link time by release builds.
var version = "dev"

func main() {
	api := js.Global().Get("Object").New()
	api.Set("version", js.FuncOf(func(js.Value, []js.Value) any { return version }))
	api.Set("explain", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 1 || args[0].Type() != js.TypeString {
			return errorJSON("explain takes one JSON string")
		}
		var s explain.Scenario
		if err := json.Unmarshal([]byte(args[0].String()), &s); err != nil {
			return errorJSON(err.Error())
		}
		v, err := explain.Explain(s)
		if err != nil {
			return errorJSON(err.Error())
		}
		b, _ := json.Marshal(v)
		return string(b)
	}))
	js.Global().Set("whycors", api)
	// Tell the page the API is there; it may have loaded before us.
	if cb := js.Global().Get("whycorsReady"); cb.Type() == js.TypeFunction {
		cb.Invoke()
	}
	select {}
}

func errorJSON(msg string) string {
	b, _ := json.Marshal(map[string]string{"error": msg})
	return string(b)
}
