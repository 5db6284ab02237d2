//go:build js && wasm

// Package jsapi is the glue the two simulator programs (wasm/core and
// wasm/full) share: it registers a JS object of functions taking and
// returning JSON strings. It does not import encoding/json, which
// wasm/core leaves out.
package jsapi

import (
	"strconv"
	"syscall/js"

	"github.com/whycors/whycors/engine/limits"
)

// MaxInput bounds what one call decodes: a pasted HAR file is the largest
// input the page sends (the page itself keeps HAR files under 8 MB and
// sends only one entry).
const MaxInput = limits.PageHAR

// Func is one API function: its string argument (already bounded) in, a
// JSON string out.
type Func func(arg string) string

// Fail is the failure JSON for a fault of the call itself; the programs
// encode the engine's errors themselves ({"error": "...", "errors": [...]}).
func Fail(msg string) string { return `{"error":` + strconv.Quote(msg) + `}` }

// Register sets globalThis[name] to an object holding fns and then calls
// globalThis[name+"Ready"] when the page defined it (the page may have
// loaded before the program). Each function takes one string.
func Register(name string, fns map[string]Func) {
	api := js.Global().Get("Object").New()
	for fn, f := range fns {
		api.Set(fn, js.FuncOf(func(_ js.Value, args []js.Value) any {
			arg := ""
			if len(args) > 0 {
				if args[0].Type() != js.TypeString {
					return Fail(fn + " takes one string")
				}
				arg = args[0].String()
			}
			if len(arg) > MaxInput {
				return Fail(fn + ": input larger than 8 MB")
			}
			return f(arg)
		}))
	}
	js.Global().Set(name, api)
	if cb := js.Global().Get(name + "Ready"); cb.Type() == js.TypeFunction {
		cb.Invoke()
	}
}
