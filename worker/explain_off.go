//go:build !whycors_explain

package main

import "github.com/whycors/whycors/engine/headers"

// Built without the explainer (the default; explain_on.go says why): the
// debug endpoint answers 404 from Decide, and Explain is never called.

const canExplain = false

// Explain answers the debug endpoint; this build has none.
func (s *Server) Explain(method, url string, h headers.List) Decision {
	return Decision{Action: Reply, Status: 404, Header: plainText(), Body: "whycors worker: built without the explain endpoint (build with -tags whycors_explain)\n"}
}
