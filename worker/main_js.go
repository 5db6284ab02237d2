//go:build js && wasm && !whycors_bare

// Command worker is the whycors edge worker for Cloudflare Workers, built
// on github.com/syumai/workers.
//
// syumai's Go API is the foundation: the configuration is read with
// cloudflare.Getenv and cloudflare.GetBinding, the worker's http.Handler
// (handler.go) is served with workers.ServeNonBlock and workers.Ready, and
// that handler fetches the upstream with syumai's fetch client
// (fetch.NewClient().Do). The Go instance is resident: the entry module
// (worker.mjs) starts it once per isolate and main never returns.
//
// Two paths reach the decision (Server.Decide, decide.go):
//
//   - The hot path, every request whose decision input fits in wireIn (all
//     but pathological ones): one synchronous go:wasmexport call
//     (whycors_decide) with the request in wire form, answered with what to
//     do: reply (preflights, refusals), or forward and edit the reply's
//     headers; the entry module then does the I/O with the runtime's own
//     fetch(), Request, Response and streams. syumai's handler path converts
//     every request and reply between the runtime's objects and net/http's
//     (io.Pipe, goroutines, a promise per body chunk): about 1.4 ms of CPU
//     per forwarded request against 0.34 ms this way (worker/README.md).
//   - syumai's handler path (binding.handleRequest, promise-based): the
//     debug explain endpoint, which reads every request header. A request
//     too long for wireIn is refused by the entry module with 431 before
//     any conversion (converting it cost milliseconds and memory workerd
//     kept). Upstream fetches on it go through
//     fetch.NewClient(fetch.WithBinding(deadline)).Do, where deadline is the
//     entry module's fetch with the upstream timeout: a Go timer would
//     schedule a JS timeout in whichever request's context happens to run
//     Go when it is set (shared/reference/build-chain.md §3.4, "timers that
//     outlive a request would run in another request's I/O context").
package main

import (
	"net/http"
	"strings"
	"syscall/js"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"
	"github.com/syumai/workers/cloudflare/fetch"
)

// bridgeName is the property of syumai's runtime context (the object the
// entry module passes to go.run, which syumai's wasm_exec.js serves as the
// global "context") through which the entry module and Go share what
// syumai's API does not carry: Go sets the settings the entry module's I/O
// needs; the entry module sets deadlineFetch.
const bridgeName = "whycors"

func main() {
	cfg, errs := LoadConfig(getenv)
	// Logged once per isolate (console.log through wasm_exec.js); every
	// request also gets the list in its 500 body.
	if len(errs) > 0 {
		println("whycors worker: configuration invalid; answering 500 to every request:\n" + errs.Error())
	}
	server = NewServer(cfg, errs, DebugRequested(getenv))

	b := js.Global().Get("context").Get(bridgeName)
	if cfg != nil {
		b.Set("upstream", cfg.Upstream)
		b.Set("timeoutMs", cfg.TimeoutMs)
		// The platform's evaluator may read any request header and the
		// URL, and decides again on the upstream's reply (platform.go).
		b.Set("full", cfg.Eval != nil)
	}
	b.Set("owned", strings.Join(ownedHeaders, ","))
	// The entry module's fetch() with the upstream deadline, as the
	// namespace of syumai's client (the role a service binding plays).
	up := &fetchTransport{cli: fetch.NewClient(fetch.WithBinding(b.Get("deadlineFetch")))}

	workers.ServeNonBlock(recovering{NewHandler(server, up)})
	workers.Ready()
	// Stay resident, unlike workers.Serve, which returns when the first
	// reply's body is closed (syumai handler_js.go): the exported call and
	// binding.handleRequest serve every request of the isolate.
	select {}
}

// getenv reads a variable with syumai's cloudflare package. Unlike
// cloudflare.Getenv alone, an unset or null binding (workerd's
// fromEnvironment of an unset variable) reads as empty rather than
// "<null>", and a JSON var (wrangler.toml [vars] may hold a table) as its
// JSON text.
//
// envPolicyFile is the Text module the deploy build bundles (policy.txt),
// which the entry module imports and hands over on the bridge.
func getenv(name string) string {
	if name == envPolicyFile {
		if f := js.Global().Get("context").Get(bridgeName).Get("policyFile"); f.Type() == js.TypeString {
			return f.String()
		}
		return ""
	}
	v := cloudflare.GetBinding(name)
	switch v.Type() {
	case js.TypeString:
		return cloudflare.Getenv(name)
	case js.TypeObject:
		return js.Global().Get("JSON").Call("stringify", v).String()
	}
	return ""
}

// recovering answers 500 to a request whose handler panics: syumai runs
// the handler in a goroutine without recover (handler_js.go), and a panic
// would end the resident instance and every request in flight with it.
type recovering struct{ h http.Handler }

func (rh recovering) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if recover() != nil {
			// If the reply had started, this only ends its body.
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte("whycors worker: internal error\n"))
		}
	}()
	rh.h.ServeHTTP(w, r)
}

// fetchTransport is the handler's upstream on syumai's fetch client.
type fetchTransport struct{ cli *fetch.Client }

// timeoutName is the DOMException name the entry module's deadlineFetch
// rejects with when the upstream's status line does not come in time.
const timeoutName = "TimeoutError"

func (t *fetchTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	// Redirects go back to the client as the upstream sent them, as on
	// the hot path (worker.mjs forward).
	res, err := t.cli.Do(&fetch.Request{Request: r}, &fetch.RequestInit{Redirect: fetch.RedirectModeManual})
	if err != nil && strings.Contains(err.Error(), timeoutName) {
		return nil, &timeoutError{err}
	}
	return res, err
}
