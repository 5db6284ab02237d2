package explain

import "github.com/whycors/whycors/engine/internal/jsontext"

// AppendFixes appends l as JSON, the bytes json.Marshal writes for it
// (each fix as AppendVerdict writes a verdict's fixes), for the shells
// that return Fixes' result (wasm/full).
func AppendFixes(b []byte, l []Fix) []byte { return jsontext.AppendList(b, l, appendFix) }
