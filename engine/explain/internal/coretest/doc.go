// Package coretest holds tests of engine/explain linked without its
// advisor (engine/explain/advise), as the simulator's first wasm links
// it: a test binary that imports engine/all anywhere would register the
// advisor for every test in it.
package coretest
