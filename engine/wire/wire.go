// Package wire is what crosses the wire between a browser and a server
// in one exchange: the request as the server receives it, the reply, and
// the server's own account of how it decided that reply (the trace of its
// configured rules). The browser model (engine/fetch) records them per
// request; the policies (engine/policy and the format packages) produce
// them. It depends on nothing but the header list.
package wire

import "github.com/whycors/whycors/engine/headers"

// Request is an HTTP request as the server receives it.
type Request struct {
	Method string       `json:"method"`
	URL    string       `json:"url"`
	Header headers.List `json:"headers"`
}

// Reply is what the server answers.
type Reply struct {
	Status int          `json:"status"`
	Header headers.List `json:"headers"`
	Body   string       `json:"body,omitempty"`
}

// Rule is the trace of one configured rule for one request: whether it
// matched and, when it did not, the first condition that failed, in the
// platform's own order of checks.
type Rule struct {
	Index   int    `json:"index"`            // position in the user's config, from 0
	ID      string `json:"id,omitempty"`     // the rule's own ID or name, when it has one
	Path    string `json:"path,omitempty"`   // where the rule is in the user's text (JSON path or line)
	Matched bool   `json:"matched"`          // this rule decided the reply
	Failed  string `json:"failed,omitempty"` // first failed condition: "origin", "method", "headers", ...
	Detail  string `json:"detail,omitempty"` // the condition in words, with the values compared
	Source  string `json:"source,omitempty"` // document or reference the matching rule rests on
}

// Outcome is an Evaluator's answer: the reply, plus how it was reached.
type Outcome struct {
	Reply Reply `json:"reply"`
	// Rules lists the rules in evaluation order, up to and including the
	// one that decided (a platform that stops early lists no later ones).
	Rules []Rule `json:"rules,omitempty"`
	// Decision names what happened in the platform's words, for example
	// "preflight answered by rule 2" or "no rule matched: 403 AccessForbidden".
	Decision string `json:"decision,omitempty"`
}
