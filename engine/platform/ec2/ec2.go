// Package ec2 is the Amazon EC2 API's fixed CORS policy, a preset: the
// text of format "ec2" is empty or "ec2" (seed "Cross-Origin Resource
// Sharing Support", EC2 API Reference, and cloud-policies.md §5.3).
//
// Simple and actual requests: Access-Control-Allow-Origin is "always
// returned with a * value"; Access-Control-Allow-Credentials is "never
// returned". Preflights: ACAO *, no ACAC, no Access-Control-Expose-Headers,
// Access-Control-Max-Age 1800, Access-Control-Allow-Methods GET, POST,
// OPTIONS, DELETE and PUT, and "accepts any headers" (the requested ones
// are allowed).
package ec2

import (
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"strings"
	"unicode"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Source is cited on the trace entry.
const Source = "EC2 API Reference, Cross-Origin Resource Sharing Support (shared/seeds; cloud-policies.md §5.3)"

// Policy is the EC2 API's fixed policy. It implements policy.Evaluator.
type Policy struct{}

// Respond implements policy.Evaluator.
func (Policy) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	t := policy.Rule{Index: 0, ID: "ec2", Matched: true, Source: Source}
	acrm, hasACRM := req.Header.Get("Access-Control-Request-Method")
	if req.Method == "OPTIONS" && hasACRM {
		// The status of the preflight reply is not documented; 200.
		// The fields below: lent (policy.Request.Scratch), or one allocation.
		h := append(wire.NewList(req.Scratch, 4),
			headers.Field{Name: "Access-Control-Allow-Origin", Value: "*"},
			headers.Field{Name: "Access-Control-Max-Age", Value: "1800"},
			// "The following methods are allowed: GET, POST, OPTIONS,
			// DELETE, and PUT."
			headers.Field{Name: "Access-Control-Allow-Methods", Value: "GET, POST, OPTIONS, DELETE, PUT"})
		// "Amazon EC2 accepts any headers in preflight requests": the
		// requested names are allowed, echoed as sent.
		if acrh, ok := req.Header.Get("Access-Control-Request-Headers"); ok && strings.TrimSpace(acrh) != "" {
			h.Add("Access-Control-Allow-Headers", acrh)
		}
		t.Note = policy.Note{Case: casePreflight, Args: [4]string{acrm}}
		return policy.Outcome{Reply: policy.Reply{Status: 200, Header: h}, Rules: wire.One(req, t), Decision: policy.Note{Case: "EC2 API preflight: fixed policy"}, Words: words{}}
	}
	reply := app
	reply.Header = app.Header.Clone()
	reply.Header.Set("Access-Control-Allow-Origin", "*")
	t.Note.Case = "actual request: Access-Control-Allow-Origin * and never Access-Control-Allow-Credentials"
	return policy.Outcome{Reply: reply, Rules: wire.One(req, t), Decision: policy.Note{Case: "EC2 API actual request: ACAO *"}}
}

// Parse accepts the preset's text: empty or "ec2". Anything else is
// refused at its first character that is not white space.
func Parse(text string) (Policy, error) {
	if t := strings.TrimSpace(text); t != "" && !strings.EqualFold(t, "ec2") {
		line, col := policy.LineCol(text, len(text)-len(strings.TrimLeftFunc(text, unicode.IsSpace)))
		return Policy{}, policy.Errors{{Line: line, Column: col, Msg: `the EC2 API's CORS policy is fixed: the text must be empty or "ec2"`}}
	}
	return Policy{}, nil
}

// format is the EC2 API's fixed policy as a policy.Format; it reads into
// the neutral model (ReadRules) so the policy can be converted and linted.
type format struct{}

func (*format) Name() string { return "ec2" }

// Title implements policy.Titled.
func (*format) Title() string { return "Amazon EC2 API: its fixed CORS" }
func (*format) Detect(text string) (bool, string) {
	if strings.EqualFold(strings.TrimSpace(text), "ec2") {
		return true, `the word "ec2": the EC2 API's fixed CORS policy`
	}
	return false, ""
}
func (*format) Parse(text string) (policy.Evaluator, error) { return Parse(text) }

// ReadRules implements convert.Reader: the fixed policy as one rule of
// the neutral model (the package doc): ACAO *, the methods GET, POST,
// OPTIONS, DELETE and PUT, any requested header echoed, max-age 1800,
// never credentials. Its values have no position: no text states them.
func (f *format) ReadRules(text string) (*portable.Config, error) {
	if _, err := Parse(text); err != nil {
		return nil, err
	}
	c, _ := f.StateRules(Policy{}, text)
	return c, nil
}

// StateRules implements convert.Stater: the fixed policy's one rule.
func (*format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	if _, ok := ev.(Policy); !ok {
		return nil, false
	}
	age := 1800
	r := portable.ConfigRule{Origins: portable.Values("", "", []string{"*"}), Methods: portable.Values("", "", []string{"GET", "POST", "OPTIONS", "DELETE", "PUT"}),
		AllowHeaders: portable.Values("", "", []string{"*"}), MaxAge: &age}
	return &portable.Config{Format: "ec2", Semantics: portable.Semantics{EchoHeaders: true}, Rules: []portable.ConfigRule{r}}, true
}

// Platform implements lint.Platformer: who answers, in the summary's
// and lint's sentences ("ec2 answered the request" named the format).
func (*format) Platform() string { return "The EC2 API" }

// FixedPolicy implements explain.Fixed: AWS sets the EC2 API's CORS, so
// a fix is a change of the page, never of this policy.
func (*format) FixedPolicy() {}

// Formats are this package's formats, for a policy.Registry (engine/all lists them).
func Formats() []policy.Format { return []policy.Format{&format{}} }

// casePreflight is the note of a preflight (words).
const casePreflight = "preflight"

// words says EC2's notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	if n.Case == casePreflight {
		return "preflight for " + n.Args[0] + ": any origin, any headers, never credentials"
	}
	return ""
}

func (words) Decision(policy.Note) string { return "" }
