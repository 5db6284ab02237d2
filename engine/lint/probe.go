package lint

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/formats/nginx"
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

// nginxText checks the nginx text itself: add_header lines without
// always, and the reader's own notes (reflection of $http_origin).
func (l *linter) nginxText(text string) {
	if c, err := nginx.Parse(text); err == nil {
		for _, n := range c.Notes {
			at := convert.Pos{}
			if rest, ok := strings.CutPrefix(n, "line "); ok {
				if i := strings.IndexByte(rest, ':'); i > 0 {
					if ln, err := strconv.Atoi(rest[:i]); err == nil {
						at.Line, at.Column, n = ln, 1, strings.TrimSpace(rest[i+1:])
					}
				}
			}
			if strings.Contains(n, "reflects any origin") {
				creds := strings.Contains(strings.ToLower(text), "access-control-allow-credentials")
				sev := Info
				if creds {
					sev = Error
				}
				l.add(sev, "reflect-any-origin", n+" (cloud-policies.md §6.1)", at)
			}
		}
	}
	for i, line := range strings.Split(text, "\n") {
		if i >= 100000 {
			break
		}
		t := strings.TrimSpace(line)
		if j := strings.IndexByte(t, '#'); j >= 0 {
			t = strings.TrimSpace(t[:j])
		}
		low := strings.ToLower(t)
		if !strings.HasPrefix(low, "add_header") || !strings.Contains(low, "access-control-") {
			continue
		}
		if !strings.HasSuffix(strings.TrimSuffix(low, ";"), "always") {
			col := strings.Index(line, strings.Fields(line)[0]) + 1
			l.add(Warning, "missing-always", "add_header without always applies only to 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308: on a 4xx or 5xx reply the header is missing and the browser reports a CORS error instead of the real status; add always (cloud-policies.md §6.1)", convert.Pos{Line: i + 1, Column: col})
		}
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
