//go:build js && wasm

package main

// The policy formats the page can read register themselves from init
// (policy.Register). Until engine/all exists, the shell links the ones that
// have landed in main; replace these with a single import of engine/all
// then.
import (
	_ "github.com/whycors/whycors/engine/formats/raw"
	_ "github.com/whycors/whycors/engine/native"
	_ "github.com/whycors/whycors/engine/platform/gcs"
	_ "github.com/whycors/whycors/engine/platform/r2"
	_ "github.com/whycors/whycors/engine/platform/s3"
)
