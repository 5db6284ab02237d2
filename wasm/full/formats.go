//go:build js && wasm

package main

import (
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/internal/pageformats"
)

// opts is the page's whole engine: every format but those the page
// leaves out (pageformats.Left, each with its reason), and the
// explainer's advisor.
var opts = advise.Options(pageformats.Registry())
