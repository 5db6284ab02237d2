package coretest_test

import (
	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
)

// The whole engine, as the shells build it.
var opts = explain.Options{Formats: all.Registry()}
