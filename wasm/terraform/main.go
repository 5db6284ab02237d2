//go:build js && wasm

// Command terraform is the simulator's engine for Terraform: HashiCorp's
// HCL and the plan JSON `terraform show -json` writes, with the platforms
// a Terraform resource configures (internal/pageformats/tfpage). The
// HCL parser and go-cty are large, so the page fetches this program only
// when the pasted policy is Terraform (wasm/full's whycorsFull.left says
// so) and runs it in a worker of its own, with wasm/full's API
// (wasm/internal/fullapi).
package main

import (
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/internal/pageformats/tfpage"
	"github.com/whycors/whycors/wasm/internal/fullapi"
)

// version is set at link time by release builds.
var version = "dev"

func main() {
	fullapi.Register(fullapi.Program{Version: version, Options: advise.Options(tfpage.Registry())})
}
