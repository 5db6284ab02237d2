//go:build js && wasm

package main

import (
	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain/advise"
)

// opts is the whole engine: every format (engine/all's registry) and the
// explainer's advisor.
var opts = advise.Options(all.Registry())
