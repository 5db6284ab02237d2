//go:build js && wasm

// Command worker-floor is the edge worker without the engine: the same
// syumai setup (cloudflare env, fetch client, http.Handler served through
// workers.ServeNonBlock, resident) and the same exported call the entry
// module (worker/worker.mjs) makes, answering every request with one fixed
// preflight reply. scripts/worker-bench.sh runs it with the worker's own
// entry module, so that its cold start is what github.com/syumai/workers,
// net/http (which every syumai package imports) and Go's runtime cost
// before the engine adds anything: the floor under the worker's figure.
package main

import (
	"net/http"
	"syscall/js"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"
	"github.com/syumai/workers/cloudflare/fetch"
)

// reply is a fixed preflight answer in the worker's wire form
// (worker/decide.go, Decision.Wire): R, the status, header lines, an
// empty line, the body.
const reply = "R204\nAccess-Control-Allow-Origin\thttps://app.example.com\nVary\tOrigin\n\n"

var (
	wireIn  [64 << 10]byte
	wireOut = []byte(reply)
)

//go:wasmexport whycors_in
func wireInAddr() *[64 << 10]byte { return &wireIn }

//go:wasmexport whycors_out
func wireOutAddr() *byte { return &wireOut[0] }

//go:wasmexport whycors_decide
func decide(n int32) int32 { return int32(len(wireOut)) }

func main() {
	// What the worker's main does with syumai, minus the engine.
	_ = cloudflare.Getenv("WHYCORS_POLICY")
	bridge := js.Global().Get("context").Get("whycors")
	bridge.Set("owned", "")
	bridge.Set("timeoutMs", 1000)
	_ = fetch.NewClient(fetch.WithBinding(bridge.Get("deadlineFetch")))
	workers.ServeNonBlock(http.NotFoundHandler())
	workers.Ready()
	select {}
}
