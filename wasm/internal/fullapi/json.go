//go:build js && wasm

package fullapi

import (
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/jsonapi"
)

// decode reads the JSON argument of lint and convert into the named
// strings; member names match case-insensitively ({"Text": ...} fills
// "text"), as they did through json.Unmarshal. It returns the failure
// JSON, or "" on success. Scenarios are read by explain.Decode, as every
// shell reads them: it refuses unknown fields with their path.
func decode(arg string, fields map[string]*string) string {
	if err := jsonapi.DecodeFields(arg, fields); err != nil {
		return errorJSON(err)
	}
	return ""
}

// errorJSON is the failure object {"error": "...", "errors": [...]}, the
// same in both programs (explain.AppendError).
func errorJSON(err error) string { return string(explain.AppendError(nil, err)) }
