//go:build js && wasm

// Command wasm is the engine compiled for the simulator page: it registers
// globalThis.whycors, a small API taking and returning JSON strings, and
// stays resident so that one instantiation serves every call of a page.
// It holds no logic of its own: each function decodes its argument, calls
// the engine, and encodes the answer.
//
// Every function returns a JSON string. On failure that string is an object
// {"error": "...", "errors": [...]} where "errors" lists the positioned
// faults (policy.Error) when the engine reported them.
//
//	whycors.version()            "dev" or the release version (a plain string)
//	whycors.formats()            ["raw", "s3-json", ...]: policy.Names()
//	whycors.detect(text)         [{"format", "why"}, ...]: policy.Detect
//	whycors.explain(scenario)    a Verdict (engine/explain/scenario.go)
//	whycors.lint(req)            {"text", "format"} -> [Finding, ...]: lint.Lint
//	whycors.convert(req)         {"text", "from", "to"} -> {"text", "notes"}: convert.Convert
//	whycors.targets()            the formats convert writes: convert.Targets()
package main

import (
	"encoding/json"
	"errors"
	"syscall/js"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// version is set at link time by release builds.
var version = "dev"

// maxInput bounds what one call decodes: a pasted HAR file is the largest
// input the page sends (the page itself keeps HAR files under 8 MB and
// sends only one entry).
const maxInput = 8 << 20

func main() {
	api := js.Global().Get("Object").New()
	api.Set("version", js.FuncOf(func(js.Value, []js.Value) any { return version }))
	api.Set("formats", js.FuncOf(func(js.Value, []js.Value) any {
		return encode(policy.Names())
	}))
	api.Set("detect", js.FuncOf(func(_ js.Value, args []js.Value) any {
		text, errJSON := stringArg("detect", args)
		if errJSON != "" {
			return errJSON
		}
		d := policy.Detect(text)
		if d == nil {
			d = []policy.Detection{}
		}
		return encode(d)
	}))
	api.Set("explain", js.FuncOf(func(_ js.Value, args []js.Value) any {
		text, errJSON := stringArg("explain", args)
		if errJSON != "" {
			return errJSON
		}
		var s explain.Scenario
		if err := json.Unmarshal([]byte(text), &s); err != nil {
			return errorJSON(err)
		}
		v, err := explain.Explain(s)
		if err != nil {
			return errorJSON(err)
		}
		return encode(v)
	}))
	api.Set("lint", js.FuncOf(func(_ js.Value, args []js.Value) any {
		var in struct{ Text, Format string }
		if errJSON := jsonArg("lint", args, &in); errJSON != "" {
			return errJSON
		}
		fs, err := lint.Lint(in.Text, in.Format)
		if err != nil {
			return errorJSON(err)
		}
		if fs == nil {
			fs = []lint.Finding{}
		}
		return encode(fs)
	}))
	api.Set("convert", js.FuncOf(func(_ js.Value, args []js.Value) any {
		var in struct{ Text, From, To string }
		if errJSON := jsonArg("convert", args, &in); errJSON != "" {
			return errJSON
		}
		out, notes, err := convert.Convert(in.Text, in.From, in.To)
		if err != nil {
			return errorJSON(err)
		}
		if notes == nil {
			notes = []convert.Note{}
		}
		return encode(struct {
			Text  string         `json:"text"`
			Notes []convert.Note `json:"notes"`
		}{out, notes})
	}))
	api.Set("targets", js.FuncOf(func(js.Value, []js.Value) any {
		return encode(convert.Targets())
	}))
	js.Global().Set("whycors", api)
	// Tell the page the API is there; it may have loaded before us.
	if cb := js.Global().Get("whycorsReady"); cb.Type() == js.TypeFunction {
		cb.Invoke()
	}
	select {}
}

func stringArg(fn string, args []js.Value) (string, string) {
	if len(args) != 1 || args[0].Type() != js.TypeString {
		return "", errorJSON(errors.New(fn + " takes one string"))
	}
	s := args[0].String()
	if len(s) > maxInput {
		return "", errorJSON(errors.New(fn + ": input larger than 8 MB"))
	}
	return s, ""
}

// jsonArg decodes the one JSON string argument into v; the field names
// match case-insensitively ({"text": ...} fills Text).
func jsonArg(fn string, args []js.Value, v any) string {
	text, errJSON := stringArg(fn, args)
	if errJSON != "" {
		return errJSON
	}
	if err := json.Unmarshal([]byte(text), v); err != nil {
		return errorJSON(err)
	}
	return ""
}

func encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return errorJSON(err)
	}
	return string(b)
}

// failure is the error object every function returns on failure.
type failure struct {
	Error  string          `json:"error"`
	Errors []*policy.Error `json:"errors,omitempty"`
}

func errorJSON(err error) string {
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
