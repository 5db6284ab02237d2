package simulator_test

import (
	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain/advise"
)

// opts is the whole engine, as the page's wasm/full links it: every
// format and the explainer's advisor.
var opts = advise.Options(all.Registry())
