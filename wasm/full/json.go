//go:build js && wasm

package main

import (
	"encoding/json"

	"github.com/whycors/whycors/engine/explain"
)

// decode reads the JSON argument of lint and convert into v; field names
// match case-insensitively ({"text": ...} fills Text). It returns the
// failure JSON, or "" on success. Scenarios are read by explain.Decode,
// as every shell reads them: it refuses unknown fields with their path.
func decode(arg string, v any) string {
	if err := json.Unmarshal([]byte(arg), v); err != nil {
		return errorJSON(err)
	}
	return ""
}

// encode returns v as JSON.
func encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return errorJSON(err)
	}
	return string(b)
}

// errorJSON is the failure object {"error": "...", "errors": [...]}, the
// same in both programs (explain.AppendError).
func errorJSON(err error) string { return string(explain.AppendError(nil, err)) }
