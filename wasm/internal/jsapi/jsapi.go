//go:build js && wasm

// Package jsapi is the glue the two simulator programs (wasm/core and
// wasm/full) share: it registers a JS object of functions taking and
// returning JSON strings, and encodes failures the same way in both.
package jsapi

import (
	"encoding/json"
	"errors"
	"syscall/js"

	"github.com/whycors/whycors/engine/policy"
)

// MaxInput bounds what one call decodes: a pasted HAR file is the largest
// input the page sends (the page itself keeps HAR files under 8 MB and
// sends only one entry).
const MaxInput = 8 << 20

// Func is one API function: its string argument (already bounded) in, a
// JSON string out.
type Func func(arg string) string

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
					return Error(errors.New(fn + " takes one string"))
				}
				arg = args[0].String()
			}
			if len(arg) > MaxInput {
				return Error(errors.New(fn + ": input larger than 8 MB"))
			}
			return f(arg)
		}))
	}
	js.Global().Set(name, api)
	if cb := js.Global().Get(name + "Ready"); cb.Type() == js.TypeFunction {
		cb.Invoke()
	}
}

// Decode reads the JSON argument into v; field names match
// case-insensitively ({"text": ...} fills Text). It returns the failure
// JSON, or "" on success.
func Decode(arg string, v any) string {
	if err := json.Unmarshal([]byte(arg), v); err != nil {
		return Error(err)
	}
	return ""
}

// Encode returns v as JSON.
func Encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return Error(err)
	}
	return string(b)
}

// failure is the error object every function returns on failure.
type failure struct {
	Error  string          `json:"error"`
	Errors []*policy.Error `json:"errors,omitempty"`
}

// Error is the failure JSON {"error": "...", "errors": [...]}, with the
// positioned faults (policy.Error) when the engine reported them.
func Error(err error) string {
	f := failure{Error: err.Error()}
	var pe policy.Errors
	if errors.As(err, &pe) {
		f.Errors = pe
	}
	var one *policy.Error
	if f.Errors == nil && errors.As(err, &one) {
		f.Errors = []*policy.Error{one}
	}
	b, _ := json.Marshal(f)
	return string(b)
}
