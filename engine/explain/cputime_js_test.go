//go:build js || wasip1

package explain_test

import "testing"

// cpuClock reports nothing where the platform has no getrusage (the
// engine's tests also run as js/wasm under Node).
func cpuClock(*testing.B) func() { return func() {} }
