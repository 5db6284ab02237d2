// Package all registers every policy format the engine reads and the
// explainer's advisor (engine/explain/advise: lint warnings and the fix
// search), for the shells that want the whole engine (the CLI, the
// simulator's full wasm, the tests).
// Import it for its side effect:
//
//	import _ "github.com/whycors/whycors/engine/all"
//
// A shell that must stay small (the worker, when it only enforces a native
// policy; the simulator's first wasm) may import the format packages it
// needs instead.
package all

import (
	_ "github.com/whycors/whycors/engine/explain/advise"
	_ "github.com/whycors/whycors/engine/formats/express"
	_ "github.com/whycors/whycors/engine/formats/har"
	_ "github.com/whycors/whycors/engine/formats/nginx"
	_ "github.com/whycors/whycors/engine/formats/raw"
	_ "github.com/whycors/whycors/engine/native"
	_ "github.com/whycors/whycors/engine/platform/apigw"
	_ "github.com/whycors/whycors/engine/platform/azure"
	_ "github.com/whycors/whycors/engine/platform/ec2"
	_ "github.com/whycors/whycors/engine/platform/gcs"
	_ "github.com/whycors/whycors/engine/platform/r2"
	_ "github.com/whycors/whycors/engine/platform/s3"
)
