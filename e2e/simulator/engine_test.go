package simulator_test

import (
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/internal/pageformats"
)

// opts is the whole engine, as the page's wasm/full links it: every
// format and the explainer's advisor.
// opts is the page's full engine: every format but those it leaves out
// (internal/pageformats.Left).
var opts = advise.Options(pageformats.Registry())
