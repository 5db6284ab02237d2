package lint

import (
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// ProbeOrigin is an origin no configuration lists on purpose (.invalid is
// reserved, RFC 2606): a server that allows it allows every origin.
const ProbeOrigin = "https://whycors-probe.invalid"

// Foreign is what a server answered a page on ProbeOrigin: the
// Access-Control-Allow-Origin and -Credentials of its reply.
type Foreign struct{ ACAO, ACAC string }

// AskForeign sends req to ev as a page on ProbeOrigin would (its Origin
// header replaced by ProbeOrigin), app being what the application behind
// the policy answers, and returns the CORS headers that came back. The
// engine's one foreign-origin probe: lint asks it of evaluators without a
// rule model, the fix search of every fix it offers.
func AskForeign(ev policy.Evaluator, req policy.Request, app policy.Reply) Foreign {
	h := headers.List{{Name: "Origin", Value: ProbeOrigin}}
	for _, f := range req.Header {
		if !strings.EqualFold(f.Name, "Origin") {
			h = append(h, f)
		}
	}
	req.Header = h
	out := ev.Respond(req, app)
	var f Foreign
	f.ACAO, _ = out.Reply.Header.Get("Access-Control-Allow-Origin")
	f.ACAC, _ = out.Reply.Header.Get("Access-Control-Allow-Credentials")
	return f
}

// Echoes reports a reply that names the foreign origin itself.
func (f Foreign) Echoes() bool { return f.ACAO == ProbeOrigin }

// Credentialed reports a reply that lets the foreign page read a
// credentialed response: "*" or its own origin, with
// Access-Control-Allow-Credentials: true (Fetch §3.2.5, CORS check; a
// browser refuses "*" with credentials, but a server that sends it would
// echo the origin the moment someone "fixes" it).
func (f Foreign) Credentialed() bool {
	return (f.ACAO == "*" || f.Echoes()) && strings.TrimSpace(f.ACAC) == "true"
}

// probe asks an evaluator what it answers a made-up origin, for formats
// whose reader keeps no rules (nginx, raw replies, HAR).
func (l *linter) probe(ev policy.Evaluator, text string) {
	f := AskForeign(ev, policy.Request{Method: "GET", URL: "https://api.example/whycors-probe"}, policy.Reply{Status: 200})
	at := findLine(text, "access-control-allow-origin")
	for _, f := range l.out {
		if f.Code == "reflect-any-origin" {
			return // the text check already said it, at its line
		}
	}
	switch {
	case f.Echoes() && f.Credentialed():
		l.add(Error, "reflect-any-origin", "the server echoes any Origin (it answered "+ProbeOrigin+") with Access-Control-Allow-Credentials: true: any website can read your users' data; check the origin against a list (server-peers.md §4 item 1)", at)
	case f.Echoes():
		l.add(Info, "reflect-any-origin", "the server echoes any Origin (it answered "+ProbeOrigin+"); without credentials that is the same as \"*\"", at)
	case f.Credentialed():
		l.add(Error, "wildcard-credentials", "Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true: browsers refuse it on credentialed requests, and echoing the origin instead would let every site read your users' data; list the origins ("+refJub0bs+")", at)
	}
}

// findLine returns the position of the first line containing needle
// (compared in lowercase), or nothing.
func findLine(text, needle string) convert.Pos {
	low := strings.ToLower(text)
	i := strings.Index(low, needle)
	if i < 0 {
		return convert.Pos{}
	}
	line, col := policy.LineCol(text, i)
	return convert.Pos{Line: line, Column: col}
}
