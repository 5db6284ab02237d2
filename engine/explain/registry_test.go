package explain_test

import (
	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/policy"
)

// The whole engine, as the shells build it, plus two made-up formats
// (explain_test.go's fake) for the tests of detection and positions.
var (
	reg  = policy.NewRegistry(append(all.Formats(), fake{"fake-test", "FAKE"}, fake{"fake-test-b", "FAKEB"})...)
	opts = explain.Options{Formats: reg, Advisor: advise.New()}
)
