//go:build js && wasm

// Command full is the whole engine compiled for the simulator page: every
// policy format the page reads (internal/pageformats), the explainer's
// advisor (lint warnings and the fix search), lint and convert. The page
// runs it in a worker (site/engine-worker.js), started when it needs one
// of those (a policy, a fix, convert, a HAR file, a console line);
// wasm/core answers the first verdict. Its API is wasm/internal/fullapi's.
// Terraform, which the page reads with wasm/terraform, is named by
// whycorsFull.left (pageformats.LeftFor).
package main

import (
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/internal/pageformats"
	"github.com/whycors/whycors/wasm/internal/fullapi"
)

// version is set at link time by release builds.
var version = "dev"

func main() {
	fullapi.Register(fullapi.Program{Version: version, Options: advise.Options(pageformats.Registry()), Left: pageformats.LeftFor})
}
