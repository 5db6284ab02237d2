//go:build js && wasm

package main

// Every policy format the engine reads registers itself from init
// (policy.Register), and the explainer's advisor with
// explain.RegisterAdvisor; engine/all imports them all.
import _ "github.com/whycors/whycors/engine/all"
