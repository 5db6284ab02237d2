package advise

import (
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// headersFix changes the server's replies instead of a policy text: the
// header lines (and status) the server must send, for raw replies and for
// formats without rules to edit. The replies start as what the server sent
// (the scenario's raw replies, or the policy's answers).
func (se *searcher) headersFix(s explain.Scenario, v *explain.Verdict) (explain.Fix, bool) {
	pre := &explain.Reply{Status: 404, Header: headers.List{}}
	act := &explain.Reply{Status: 200, Header: headers.List{}}
	if s.Preflight != nil {
		pre = cloneReply(s.Preflight)
	}
	if s.Response != nil {
		act = cloneReply(s.Response)
	}
	if s.Policy != nil {
		if v.Preflight.Reply != nil {
			pre = cloneReply(v.Preflight.Reply)
		}
		if v.Reply != nil {
			act = cloneReply(v.Reply)
		}
	}
	pre0, act0 := cloneReply(pre), cloneReply(act)
	cs := s
	cs.Policy, cs.Preflight, cs.Response = nil, pre, act
	cur := *v
	// ran is cur when it is the chosen browser's verdict of cs as it is
	// now (for AllowedIn).
	var ran *explain.Verdict
	if s.Policy != nil {
		var ok bool
		if cur, ok = se.once(cs); !ok {
			return explain.Fix{}, false
		}
		ran = &cur
	}
	// A policy whose preflight reply failed was never asked the actual
	// request, so the verdict has no reply to it: act is the contract's
	// placeholder (200, no headers) until a fixed preflight lets the
	// request through, and then what the policy answers it, so that the
	// fix keeps that reply's lines and adds only what it lacks.
	askActual := s.Policy != nil && v.Reply == nil
	var steps []string
	for i := 0; i < maxEditsPerFix && !cur.Allowed; i++ {
		why, ok := editReplies(&cur, s, pre, act)
		if !ok {
			return explain.Fix{}, false
		}
		steps = append(steps, why)
		if cur, ok = se.once(cs); !ok {
			return explain.Fix{}, false
		}
		if askActual && cur.ActualRequest != nil {
			askActual = false
			r, ok := se.answerActual(s, *cur.ActualRequest)
			if !ok {
				return explain.Fix{}, false
			}
			*act, act0 = *r, cloneReply(r)
			if cur, ok = se.once(cs); !ok {
				return explain.Fix{}, false
			}
		}
		ran = &cur
	}
	if !cur.Allowed || s.Policy != nil && noRoute(act) {
		return explain.Fix{}, false
	}
	f := explain.Fix{Where: "server", Format: "headers", Steps: steps, Summary: upperFirst(strings.Join(steps, "; ")) + "."}
	// A fix of a policy's replies replaces the policy (explain.Fix: the
	// scenario fields to replace; the page's "Use this fix" writes Text
	// as the raw replies): it names every reply the policy gave, changed
	// or not, so that none is lost.
	gavePre := s.Policy != nil && v.Preflight.Reply != nil
	// act is the policy's reply when the verdict had it, or once the
	// search asked for it: the fetch passes, so the request was sent.
	gaveAct := s.Policy != nil && !askActual
	var before, after []string
	if gavePre || !sameReply(pre, pre0) {
		f.Preflight = pre
		before = append(before, "# reply to the preflight (OPTIONS)", replyText(pre0))
		after = append(after, "# reply to the preflight (OPTIONS)", replyText(pre))
	}
	if gaveAct || !sameReply(act, act0) {
		f.Response = act
		before = append(before, "# reply to the "+requestMethod(v, s)+" request", replyText(act0))
		after = append(after, "# reply to the "+requestMethod(v, s)+" request", replyText(act))
	}
	f.Text = strings.Join(after, "\n")
	f.Diff = fix.Diff("a/replies", "b/replies", strings.Join(before, "\n"), f.Text)
	if s.Policy != nil && se.pasted(s.Policy.Format) {
		// The replies the user pasted are the text the fix replaces
		// ("Use this fix" writes Text in their place): the diff is from
		// that text, so that it applies to it (found as a new user
		// would: patch refused a diff whose context lines, the notes
		// above each reply, were not in the pasted text).
		f.Diff = fix.Diff("a/replies", "b/replies", s.Policy.Source().Main(), f.Text)
	}
	f.AllowedIn = se.allowedIn(cs, ran, se.browser)
	return f, true
}

// noRoute reports API Gateway's reply to a request no route or method
// takes (403 with x-amzn-ErrorType MissingAuthenticationTokenException):
// CORS headers on it would only let the page read that error, so replies
// that add them are no fix (the verdict's summary names the missing
// route). Tried as a new user would, a URL that matched no resource got
// a diff of replies turning the 403 into a readable one.
func noRoute(r *explain.Reply) bool {
	v, _ := r.Header.Get("x-amzn-ErrorType")
	return r.Status == 403 && strings.HasPrefix(v, "MissingAuthenticationTokenException")
}

// answerActual is what s's policy answers req, the actual request as the
// browser sends it, as the verdict's server asks it (explain's
// server.answer).
func (se *searcher) answerActual(s explain.Scenario, req policy.Request) (*explain.Reply, bool) {
	ev, ok := se.evaluator(s)
	if !ok {
		return nil, false
	}
	req.Unauthorized = s.Caller != nil && !s.Caller.Authorized
	req.NoTrace = true // only the reply is read
	out := ev.Respond(req, appReply(s))
	return cloneReply(&out.Reply), true
}

func cloneReply(r *explain.Reply) *explain.Reply {
	h := r.Header.Clone()
	if h == nil {
		h = headers.List{}
	}
	return &explain.Reply{Status: r.Status, Header: h, Body: r.Body}
}

func sameReply(a, b *explain.Reply) bool {
	return a.Status == b.Status && replyText(a) == replyText(b)
}

func replyText(r *explain.Reply) string {
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + explain.StatusText(r.Status) + "\n")
	for _, f := range r.Header {
		b.WriteString(f.Name + ": " + f.Value + "\n")
	}
	return b.String()
}

// editReplies makes the one change the verdict asks for in the reply that
// failed: the exact origin, credentials, an ok status, the method or the
// header names (Fetch §4.8 CORS-preflight fetch and §4.9 CORS check).
func editReplies(cur *explain.Verdict, s explain.Scenario, pre, act *explain.Reply) (string, bool) {
	f := cur.Failure()
	if f == nil {
		return "", false
	}
	r, which := act, "the reply"
	if f.Preflight {
		r, which = pre, "the preflight reply"
	}
	page := pageOrigin(cur, s)
	switch baseReason(f.Reason) {
	case fetch.ReasonMissingAllowOriginHeader, fetch.ReasonAllowOriginMismatch, fetch.ReasonMultipleAllowOriginValues,
		fetch.ReasonInvalidAllowOriginValue, fetch.ReasonWildcardOriginNotAllowed:
		if page == "null" || page == "" {
			return "", false
		}
		r.Header.Del("Access-Control-Allow-Origin")
		r.Header.Add("Access-Control-Allow-Origin", page)
		why := "send Access-Control-Allow-Origin: " + page + " in " + which
		if !f.Preflight && !headers.VaryHas(joined(r.Header, "Vary"), "origin") {
			r.Header.Add("Vary", "Origin")
			why += " with Vary: Origin"
		}
		return why, true
	case fetch.ReasonInvalidAllowCredentials:
		r.Header.Set("Access-Control-Allow-Credentials", "true")
		return "send Access-Control-Allow-Credentials: true in " + which, true
	case fetch.ReasonPreflightInvalidStatus, fetch.ReasonPreflightDisallowedRedirect, fetch.ReasonInvalidResponse:
		pre.Status = 204
		pre.Header.Del("Location")
		// A 204 has no content: a server sends no Content-Length
		// with it, nor the body's type or length in chunks (RFC 9110
		// §8.6, §15.3.5; found as a new user would: the 403's
		// Content-Length: 9 stayed on the 204).
		for _, h := range []string{"Content-Length", "Content-Type", "Transfer-Encoding"} {
			pre.Header.Del(h)
		}
		pre.Body = ""
		return "answer the preflight with 204 No Content (any 2xx, no redirect)", true
	case fetch.ReasonMethodDisallowed, fetch.ReasonInvalidAllowMethods:
		m := requestMethod(cur, s)
		pre.Header.Set("Access-Control-Allow-Methods", appendList(goodTokens(joined(pre.Header, "Access-Control-Allow-Methods")), m))
		return "add " + m + " to Access-Control-Allow-Methods in the preflight reply", true
	case fetch.ReasonHeaderDisallowed, fetch.ReasonInvalidAllowHeaders:
		miss := replyMissingHeaders(cur)
		if baseReason(f.Reason) == fetch.ReasonInvalidAllowHeaders {
			miss = requestedHeaders(cur)
		}
		if len(miss) == 0 {
			return "", false
		}
		pre.Header.Set("Access-Control-Allow-Headers", appendList(goodTokens(joined(pre.Header, "Access-Control-Allow-Headers")), miss...))
		return "add " + strings.Join(miss, ", ") + " to Access-Control-Allow-Headers in the preflight reply", true
	case fetch.ReasonNetworkError:
		act.Status = 200
		return "answer the request (the connection closed without a reply)", true
	case fetch.ReasonRedirectContainsCredentials, fetch.ReasonInvalidRedirectLocation, fetch.ReasonRedirectSchemeNotHTTP,
		fetch.ReasonTooManyRedirects, fetch.ReasonRedirectModeError:
		act.Status = 200
		act.Header.Del("Location")
		return "answer the request at this URL instead of redirecting (status 200, no Location)", true
	}
	return "", false
}

func joined(h headers.List, name string) string {
	v, _ := h.Get(name)
	return v
}

// goodTokens keeps the items of a list value that are tokens, dropping
// what made the browser refuse the list.
func goodTokens(v string) []string {
	var out []string
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" && fetch.IsToken(x) && x != "*" {
			out = append(out, x)
		}
	}
	return out
}

func appendList(l []string, add ...string) string {
	for _, a := range add {
		found := false
		for _, x := range l {
			if strings.EqualFold(x, a) {
				found = true
			}
		}
		if !found {
			l = append(l, a)
		}
	}
	return strings.Join(l, ", ")
}

// pasted reports a format whose text is the server's replies as pasted
// (explain.Pasted).
func (se *searcher) pasted(format string) bool {
	pf, ok := se.reads.lookup(format)
	if !ok {
		return false
	}
	_, is := pf.(explain.Pasted)
	return is
}
