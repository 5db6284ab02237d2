//go:build whycors_bare && whycors_explain

package main

// The explain endpoint is served on syumai's handler path, which the bare
// build leaves out: the two tags together do not build.
var _ int = "whycors_bare has no explain endpoint: build without whycors_explain"
