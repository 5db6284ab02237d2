package convert_test

import "github.com/whycors/whycors/engine/all"

// The whole engine, as the shells build it.
var reg = all.Registry()
