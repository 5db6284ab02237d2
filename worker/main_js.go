//go:build js && wasm

// Command worker is the whycors edge worker for Cloudflare Workers.
//
// The Go side only decides: the entry module (worker.mjs) keeps one Go
// instance per isolate and, for every request, makes one synchronous call
// with one string each way (Server.DecideWire), then answers, or forwards to
// the upstream and edits the reply's headers, with the runtime's own
// Request, Response and streams. No goroutine, timer or promise of a
// request lives in Go, so requests cannot mix state in the resident
// instance, and a request costs what the decision costs.
//
// That is also why it does not link github.com/syumai/workers: every one
// of its packages (the handler, cloudflare's env, fetch) imports net/http,
// which with its dependencies was most of the worker's wasm and start-up
// time, while the hot path needs none of it (worker/README.md has the
// measurements).
package main

import (
	"strings"
	"syscall/js"

	"github.com/whycors/whycors/engine/headers"
)

// bridgeName is the global object through which the entry module and Go
// meet: worker.mjs sets it to {env} before it starts Go; main adds the
// functions and the settings the entry module needs.
const bridgeName = "__whycors"

func main() {
	b := js.Global().Get(bridgeName)
	env := b.Get("env")
	getenv := func(name string) string {
		// Unlike syumai's cloudflare.Getenv, an unset or null binding
		// (workerd's fromEnvironment of an unset variable) reads as
		// empty rather than "<null>", and a JSON var (wrangler.toml [vars]
		// may hold a table) as its JSON text.
		v := env.Get(name)
		switch v.Type() {
		case js.TypeString:
			return v.String()
		case js.TypeObject:
			return js.Global().Get("JSON").Call("stringify", v).String()
		}
		return ""
	}
	cfg, errs := LoadConfig(getenv)
	// Logged once per isolate (console.log through wasm_exec.js); every
	// request also gets the list in its 500 body.
	if len(errs) > 0 {
		println("whycors worker: configuration invalid; answering 500 to every request:\n" + errs.Error())
	} else {
		for _, n := range cfg.Notes {
			println("whycors worker: " + cfg.Format + " policy converted to native: " + n.String())
		}
	}
	server = NewServer(cfg, errs)
	s := server
	if cfg != nil {
		b.Set("upstream", cfg.Upstream)
		b.Set("timeoutMs", cfg.TimeoutMs)
	}
	b.Set("owned", strings.Join(ownedHeaders, ","))
	b.Set("decide", js.FuncOf(func(_ js.Value, args []js.Value) (ans any) {
		defer func() {
			// A panic would end the resident instance and every request
			// in flight with it; this one request gets a 500 instead.
			if recover() != nil {
				ans = internalError
			}
		}()
		if len(args) != 1 || args[0].Type() != js.TypeString {
			return internalError
		}
		return s.DecideWire(args[0].String())
	}))
	b.Set("explain", js.FuncOf(func(_ js.Value, args []js.Value) (ans any) {
		defer func() {
			if recover() != nil {
				ans = internalError
			}
		}()
		// explain(method, url, "name\tvalue\n..."): the debug endpoint
		// needs every header line.
		if len(args) != 3 {
			return internalError
		}
		var h headers.List
		for _, l := range strings.Split(args[2].String(), "\n") {
			if k, v, ok := strings.Cut(l, "\t"); ok {
				h.Add(k, v)
			}
		}
		d := s.Explain(args[0].String(), args[1].String(), h)
		return d.Wire()
	}))
	// Stay resident: the functions above are called from JS until the
	// isolate goes away.
	select {}
}

// server is what the exported functions below decide with; main sets it
// before the entry module makes its first call.
var server *Server

// The hot path: whycors_decide, exported to the entry module with
// go:wasmexport, takes the request in wire form from wireIn and leaves the
// answer in wireOut. A plain call into the module costs about 1.4 µs where
// a js.FuncOf call, which wakes the Go scheduler and runs the function in
// an event goroutine, costs about 30 µs (Node 20, this machine: a
// constant answer either way), and the strings cross as bytes in linear
// memory instead of through syscall/js. JS is single-threaded and the
// call never blocks, so one buffer each way serves every request.
// bridge.decide (js.FuncOf) stays for requests longer than wireIn.
var (
	wireIn  [64 << 10]byte
	wireOut []byte
)

//go:wasmexport whycors_in
func wireInAddr() *[64 << 10]byte { return &wireIn }

//go:wasmexport whycors_out
func wireOutAddr() *byte {
	if len(wireOut) == 0 {
		return nil
	}
	return &wireOut[0]
}

// decideExport decides on the n bytes in wireIn and returns the length of
// the answer in wireOut.
//
//go:wasmexport whycors_decide
func decideExport(n int32) (m int32) {
	defer func() {
		if recover() != nil {
			wireOut = append(wireOut[:0], internalError...)
			m = int32(len(wireOut))
		}
	}()
	if n < 0 || int(n) > len(wireIn) {
		wireOut = append(wireOut[:0], internalError...)
	} else {
		wireOut = append(wireOut[:0], server.DecideWire(string(wireIn[:n]))...)
	}
	return int32(len(wireOut))
}

var internalError = func() string {
	d := Decision{Action: Reply, Status: 500, Header: plainText(), Body: "whycors worker: internal error\n"}
	return d.Wire()
}()
