// Package hartest builds HAR files for the har packages' tests and
// benchmarks.
package hartest

import (
	"strconv"
	"strings"
)

// Capture builds a DevTools HAR of n cross-origin PUTs, each with its
// preflight: every third preflight answered 403 with no CORS header and
// its PUT recorded as status 0 (the commonest failing capture, issue
// 20), the others allowed.
func Capture(n int) string {
	var b strings.Builder
	b.WriteString(`{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		url := `"https://api.example/items/` + strconv.Itoa(i) + `"`
		pre, status, acao := `204`, `200`, `[{"name":"Access-Control-Allow-Origin","value":"https://app.example"},{"name":"Access-Control-Allow-Methods","value":"PUT"},{"name":"Access-Control-Allow-Headers","value":"content-type"}]`
		if i%3 == 0 {
			pre, status, acao = `403`, `0`, `[]`
		}
		b.WriteString(`{"_resourceType":"preflight","_initiator":{"type":"preflight"},"request":{"method":"OPTIONS","url":` + url +
			`,"headers":[{"name":"Origin","value":"https://app.example"},{"name":"Access-Control-Request-Method","value":"PUT"},{"name":"Access-Control-Request-Headers","value":"content-type"}]},"response":{"status":` + pre + `,"headers":` + acao + `}},`)
		b.WriteString(`{"_resourceType":"fetch","request":{"method":"PUT","url":` + url +
			`,"headers":[{"name":"Origin","value":"https://app.example"},{"name":"Content-Type","value":"application/json"}]},"response":{"status":` + status + `,"headers":` + acao + `}}`)
	}
	b.WriteString(`]}}`)
	return b.String()
}
