package main

// The policy formats the worker reads, registered by their init: our native
// policy (enforced with engine/middleware) and the cloud platforms' CORS
// configurations (enforced with their own Evaluator, so the edge answers as
// that platform would). Raw recorded replies are not a policy to enforce.
// When the lead's engine/all lands, the list may move there.
import (
	_ "github.com/whycors/whycors/engine/native"
	_ "github.com/whycors/whycors/engine/platform/gcs"
	_ "github.com/whycors/whycors/engine/platform/r2"
	_ "github.com/whycors/whycors/engine/platform/s3"
)
