package lint

import (
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// probeOrigin is an origin no configuration lists on purpose (.invalid is
// reserved, RFC 2606): a server that allows it allows every origin.
const probeOrigin = "https://whycors-probe.invalid"

// probe asks an evaluator what it answers a made-up origin, for formats
// whose reader keeps no rules (nginx, raw replies, HAR).
func (l *linter) probe(ev policy.Evaluator, text string) {
	req := policy.Request{Method: "GET", URL: "https://api.example/whycors-probe", Header: headers.List{{Name: "Origin", Value: probeOrigin}}}
	out := ev.Respond(req, policy.Reply{Status: 200})
	acao, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
	acac, _ := out.Reply.Header.Get("Access-Control-Allow-Credentials")
	at := findLine(text, "access-control-allow-origin")
	for _, f := range l.out {
		if f.Code == "reflect-any-origin" {
			return // the text check already said it, at its line
		}
	}
	switch {
	case acao == probeOrigin && acac == "true":
		l.add(Error, "reflect-any-origin", "the server echoes any Origin (it answered "+probeOrigin+") with Access-Control-Allow-Credentials: true: any website can read your users' data; check the origin against a list (server-peers.md §4 item 1)", at)
	case acao == probeOrigin:
		l.add(Info, "reflect-any-origin", "the server echoes any Origin (it answered "+probeOrigin+"); without credentials that is the same as \"*\"", at)
	case acao == "*" && acac == "true":
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
