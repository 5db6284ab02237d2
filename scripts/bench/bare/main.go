//go:build js && wasm

// Command bare is the yardstick for the simulator's core wasm (issue 23):
// the smallest Go syscall/js program that does what wasm/core's frame
// does, one function registered on globalThis and a main that blocks.
// scripts/bench-site.sh builds it with the flags internal/build uses
// (-trimpath -ldflags='-s -w') and prints the core's size against it.
package main

import "syscall/js"

func main() {
	js.Global().Set("bare", js.FuncOf(func(js.Value, []js.Value) any { return "bare" }))
	select {}
}
