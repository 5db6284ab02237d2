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
	// Unauthorized is set when an authorizer beside CORS at the server
	// refuses the caller of this request (the scenario's caller, with
	// "authorized": false; design.md, "The contract grows"). It is not
	// on the wire: a platform with an authorizer (API Gateway's) decides
	// with it, every other platform ignores it. The zero value is an
	// authorised caller, as every scenario without a caller has.
	Unauthorized bool `json:"-"`
	// NoTrace says the caller reads only the Outcome's Reply and
	// Decision, never its Rules: an evaluator may then leave Rules nil
	// and skip building the per-rule trace, which on a long rule list
	// costs more than the decision itself (issue 23). The reply and the
	// decision must be the same with or without it. Not on the wire.
	NoTrace bool `json:"-"`
	// Scratch lends an evaluator room for the reply's header list: an
	// evaluator may build the reply's Header in Scratch's backing array
	// (from length 0) when it has the room, instead of allocating a list,
	// so that a caller evaluating many requests in turn allocates none
	// (issue 23). The reply's Header may then share it: lend it again
	// only when done with that reply. nil: the evaluator allocates. The
	// reply is the same either way. Not on the wire.
	Scratch headers.List `json:"-"`
}

// Reply is what the server answers.
type Reply struct {
	Status int          `json:"status"`
	Header headers.List `json:"headers"`
	Body   string       `json:"body,omitempty"`
}

// Rule is the trace of one configured rule for one request: whether it
// matched and, when it did not, the first condition that failed, in the
// platform's own order of checks. What was compared is kept as data in
// Note; the sentence is built only when someone reads it (Detail).
type Rule struct {
	Index   int    `json:"index"`            // position in the user's config, from 0
	ID      string `json:"id,omitempty"`     // the rule's own ID or name, when it has one
	Path    string `json:"path,omitempty"`   // where the rule is in the user's text (JSON path or line)
	Line    int    `json:"line,omitempty"`   // the line the rule starts on in the user's text, when the format knows it (XML, YAML)
	Matched bool   `json:"matched"`          // this rule decided the reply
	Failed  string `json:"failed,omitempty"` // first failed condition: "origin", "method", "headers", ...
	Note    Note   `json:"-"`                // the condition and the values compared, as data
	Source  string `json:"source,omitempty"` // document or reference the matching rule rests on
}

// Note is one sentence of a server's trace kept as data: which sentence
// of the format's Words it is, and the values it names. Evaluating a
// request fills it without building a string (the worker and the
// middleware never read it); Outcome.Detail builds the sentence when
// steps are shown.
type Note struct {
	// Case names the sentence among the format's Words. A sentence with
	// no values is its own case: it is said as it is when the Words
	// have no sentence for it.
	Case string
	// Args are the values compared or named: the request's and the
	// configuration's, as the case defines them.
	Args [4]string
	// N and M are numbers the sentence names: a rule's position, a
	// line, a status.
	N, M int
	// List is a configured list the request was compared with: the
	// policy's own slice, read only.
	List []string
}

// Words turns a format's notes into sentences. They are a value without
// state; an Outcome carries the ones its notes need. Each method returns
// "" when n.Case is itself the sentence.
type Words interface {
	// Rule says rule r's note (the rest of r, its index, path and failed
	// condition, goes with it).
	Rule(r Rule) string
	// Decision says an outcome's decision.
	Decision(n Note) string
}

// SourcedWords are Words that also name the document a decision rests
// on, for a decision no rule carries (API Gateway's own refusal of a
// path no route takes, where the format's document is its bucket's);
// "" leaves the format's.
type SourcedWords interface {
	Words
	DecisionSource(n Note) string
}

// Outcome is an Evaluator's answer: the reply, plus how it was reached.
type Outcome struct {
	Reply Reply `json:"reply"`
	// Rules lists the rules in evaluation order, up to and including the
	// one that decided (a platform that stops early lists no later ones).
	Rules []Rule `json:"rules,omitempty"`
	// Decision names what happened in the platform's words, for example
	// "preflight answered by rule 2" or "no rule matched: 403
	// AccessForbidden", as data (Text renders it).
	Decision Note `json:"-"`
	// Words renders Decision and every rule's Note; nil when every note
	// is a constant sentence.
	Words Words `json:"-"`
	// DecidedBy is the layer and place that decided the reply, when the
	// configuration has more than one (a template's resources, a gateway
	// response in front of the CORS rule); nil when the one rule list of
	// Rules decided.
	DecidedBy *Place `json:"decided_by,omitempty"`
}

// Place is where a reply was decided: the layer and, in the user's
// text, the resource, file, line and column (design.md, "The contract
// grows": the verdict's decided_by).
type Place struct {
	// Layer is one of browser, cors-rule, gateway-response, authorizer,
	// integration, cdn (or a platform's own layer named the same way).
	Layer    string `json:"layer"`
	Resource string `json:"resource,omitempty"` // a template's logical ID or address
	File     string `json:"file,omitempty"`     // the file of several
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
}

// Text is the decision in words.
func (o Outcome) Text() string { return DecisionText(o.Words, o.Decision) }

// Detail is rule r's note in words.
func (o Outcome) Detail(r Rule) string { return RuleText(o.Words, r) }

// DecisionText says decision n with w (nil: n.Case).
func DecisionText(w Words, n Note) string {
	if w != nil {
		if s := w.Decision(n); s != "" {
			return s
		}
	}
	return n.Case
}

// RuleText says rule r's note with w (nil: its Case).
func RuleText(w Words, r Rule) string {
	if w != nil {
		if s := w.Rule(r); s != "" {
			return s
		}
	}
	return r.Note.Case
}
