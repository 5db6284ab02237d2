//go:build js && wasm && whycors_bare

// The bare build (-tags whycors_bare), for measuring: the same entry
// module and the same exported call, without github.com/syumai/workers and
// so without net/http, which every syumai package imports (and with it
// crypto/tls, crypto/x509 and their package initializers). It reads the
// configuration from the runtime context's env directly (syscall/js) and
// tells the entry module it is ready through the same "workers.ready"
// import syumai's Ready calls. What it cannot do: syumai's handler path,
// so no explain endpoint (whycors_explain is refused with it below).
// scripts/worker-bench.sh measures its cold start beside the default and
// native-only builds (worker/README.md).

package main

import (
	"strings"
	"syscall/js"
)

//go:wasmimport workers ready
func ready()

func main() {
	context := js.Global().Get("context")
	env := context.Get("env")
	b := context.Get("whycors")
	getenv := func(name string) string {
		if name == envPolicyFile {
			if f := b.Get("policyFile"); f.Type() == js.TypeString {
				return f.String()
			}
			return ""
		}
		switch v := env.Get(name); v.Type() {
		case js.TypeString:
			return v.String()
		case js.TypeObject:
			return js.Global().Get("JSON").Call("stringify", v).String()
		}
		return ""
	}
	cfg, errs := LoadConfig(getenv)
	if len(errs) > 0 {
		println("whycors worker: configuration invalid; answering 500 to every request:\n" + errs.Error())
	}
	server = NewServer(cfg, errs, DebugRequested(getenv))
	if cfg != nil {
		b.Set("upstream", cfg.Upstream)
		b.Set("timeoutMs", cfg.TimeoutMs)
		b.Set("full", cfg.Eval != nil)
	}
	b.Set("owned", strings.Join(ownedHeaders, ","))
	ready()
	select {}
}
