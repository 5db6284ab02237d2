package main

import (
	"slices"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// A policy in another format than native is enforced with its platform's
// own evaluator (Config.Eval, platform_on.go): the worker's replies are
// what policy.Evaluator.Respond answers, the code `whycors explain` and
// `whycors respond` run, so the prediction and the edge cannot differ.
//
// Respond takes the request and the application's reply (app). The worker
// asks it twice at most:
//
//   - Before the upstream, with a stand-in app whose body is probeBody
//     (status 404 for OPTIONS, as the explainer's application answers a
//     preflight it was given no reply for; 200 otherwise). When the reply
//     does not carry probeBody, the platform answered by itself (S3's
//     preflight reply or its 403, Express ending a preflight with 204,
//     nginx's `return 204`): the worker replies with it at the edge and
//     the upstream is not asked.
//   - Otherwise the request goes to the upstream (AskAgain), and Respond
//     is asked again with the upstream's status and headers as app: the
//     platform's CORS headers for that reply, including those that
//     depend on it (nginx's add_header without `always` on an error
//     status, API Gateway's gateway responses). The reply keeps the
//     upstream's body unless the evaluator replaced it.
//
// The upstream's own CORS headers (ownedHeaders) are removed before
// Respond sees its reply: the policy is the one source of CORS headers
// at the edge, whatever the application sends.

// probeBody marks the stand-in application reply; no evaluator writes it.
const probeBody = "\x00whycors: the upstream's body\x00"

func (s *Server) decidePlatform(r *Request) Decision {
	// The rule trace is read only by the debug header (debugText); without
	// it the evaluator skips building one, which on a long rule list
	// costs more than the decision (policy.Request.NoTrace: the reply is
	// the same either way, engine/platform TestNoTrace).
	req := policy.Request{Method: r.Method, URL: r.URL + r.Target, Header: r.Header, NoTrace: !s.cfg.Debug}
	if !r.HasReply {
		app := policy.Reply{Status: 200, Body: probeBody}
		if r.Method == "OPTIONS" {
			app.Status = 404
		}
		out := s.cfg.Eval.Respond(req, app)
		if out.Reply.Body == probeBody {
			return Decision{Action: AskAgain}
		}
		return s.platformReply(&out)
	}
	app := policy.Reply{Status: r.Status, Header: r.ReplyHeader, Body: probeBody}
	out := s.cfg.Eval.Respond(req, app)
	if out.Reply.Body != probeBody {
		return s.platformReply(&out)
	}
	if !sendable(out.Reply.Header) || out.Reply.Status < 200 || out.Reply.Status > 999 {
		return unsendable
	}
	d := Decision{Action: Edit, Status: out.Reply.Status, Header: editOf(r.ReplyHeader, out.Reply.Header)}
	if s.cfg.Debug {
		d.Header = append(d.Header, headers.Field{Name: DebugHeader, Value: debugText(&out)})
	}
	return d
}

// platformReply is the evaluator's own reply, answered at the edge.
func (s *Server) platformReply(out *policy.Outcome) Decision {
	if !sendable(out.Reply.Header) || out.Reply.Status < 200 || out.Reply.Status > 999 {
		return unsendable
	}
	d := Decision{Action: Reply, Status: out.Reply.Status, Header: out.Reply.Header.Clone(), Body: out.Reply.Body}
	if s.cfg.Debug {
		d.Header = append(d.Header, headers.Field{Name: DebugHeader, Value: debugText(out)})
	}
	return d
}

// unsendable answers a reply the runtime could not send as the
// evaluator gave it (a header value with a line break, from a quoted
// string in an nginx configuration, say): no CORS header rather than a
// different one.
var unsendable = Decision{Action: Reply, Status: 500, Header: plainText(), Body: "whycors worker: the policy's reply has a header line the runtime cannot send (a line break, or a name that is not a token)\n"}

// sendable: every line is one the runtime's Headers class accepts (a
// token name, a value without CR, LF or NUL: Fetch §2.2 "header name",
// "header value"), so the wire form stays line by line.
func sendable(l headers.List) bool {
	for _, f := range l {
		if !headers.IsToken(f.Name) || strings.ContainsAny(f.Value, "\r\n\x00") {
			return false
		}
	}
	return true
}

// debugText is the evaluator's decision in words, on one line.
func debugText(out *policy.Outcome) string {
	t := out.Text()
	if len(t) > 1024 {
		t = t[:1024]
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, t)
}

// editOf is how to turn the header list from into to: for every name
// whose lines differ (compared case-insensitively by name, in order by
// value), a deletion (Name "", Value the name) and then each of to's
// lines of that name. Names whose lines are the same are left alone, so
// the upstream's own headers (Set-Cookie among them) never cross back.
func editOf(from, to headers.List) headers.List {
	var edit headers.List
	done := map[string]bool{}
	check := func(name string) {
		k := strings.ToLower(name)
		if done[k] {
			return
		}
		done[k] = true
		a, b := from.Values(name), to.Values(name)
		if slices.Equal(a, b) {
			return
		}
		edit = append(edit, headers.Field{Value: name})
		for _, v := range b {
			edit = append(edit, headers.Field{Name: name, Value: v})
		}
	}
	for _, f := range to {
		check(f.Name)
	}
	for _, f := range from {
		check(f.Name)
	}
	return edit
}
