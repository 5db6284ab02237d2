// Package explainhar explains every cross-origin fetch of a HAR file
// with the replies it captured: what `whycors explain FILE.har` prints
// and the simulator lists. It is apart from the har format so that a
// program that reads formats (the worker) links no explainer.
package explainhar

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/formats/har"
	"github.com/whycors/whycors/engine/internal/jsontext"
)

// Verdict is what the browser does with one cross-origin fetch of a HAR
// file: the entry (its index in log.entries) and the verdict of the
// scenario the file gives for it (Scenarios).
type Verdict struct {
	Entry   int             `json:"entry"`
	Verdict explain.Verdict `json:"verdict"`
	// Method and URL are the fetch's, as the file shows it.
	Method string `json:"-"`
	URL    string `json:"-"`
	// Scenario is the scenario explained (Scenarios), browser set: what
	// the simulator opens when the fetch is picked from the list.
	Scenario explain.Scenario `json:"-"`
}

// Scenarios reads a HAR file and returns each cross-origin fetch in it
// (har.Pairs, in file order) as a scenario: the request as the file shows
// it, the preflight's reply and the request's as captured (a request the
// file has no reply for, status 0, gets none: the browser blocked it or
// never sent it). Entries are parallel to the scenarios.
func Scenarios(text string) (entries []int, scenarios []explain.Scenario, err error) {
	l, err := har.Read(text)
	if err != nil {
		return nil, nil, err
	}
	entries, scenarios, _, _, err = read(l)
	return entries, scenarios, err
}

// read is Scenarios of a file read, with what the export lost for each
// fetch (har.Exchange's Notes).
func read(l *har.Log) (entries []int, scenarios []explain.Scenario, notes [][]string, netErrs []string, err error) {
	ps, err := l.Pairs()
	if err != nil {
		return nil, nil, nil, nil, err
	}
	for _, p := range ps {
		x := p.Exchange
		s := explain.Scenario{Request: explain.Request{Origin: x.Request.Origin, URL: x.Request.URL}}
		s.Request.Method = x.Request.Method
		s.Request.Headers = x.Request.Headers
		s.Request.Credentials = x.Request.Credentials
		s.Request.Mode = x.Request.Mode
		if p.Candidate.Type == "xhr" {
			s.Request.API = "xhr"
		}
		s.Preflight, s.Response = x.Preflight, x.Actual
		for _, h := range x.Hops {
			// The next hop's reply as captured; without one (status 0)
			// the route is left out, and the URL answers as a server
			// with no configuration.
			if h.Reply != nil {
				s.Routes = append(s.Routes, explain.Route{URL: h.URL, Response: h.Reply})
			}
		}
		entries = append(entries, p.Candidate.Index)
		scenarios = append(scenarios, s)
		notes = append(notes, x.Notes)
		netErrs = append(netErrs, x.NetError)
	}
	return entries, scenarios, notes, netErrs, nil
}

// Explain explains every cross-origin fetch of a HAR file (Scenarios)
// in browser ("" for the default, chrome) with o, the blocked ones
// first, each group in file order: what `whycors explain FILE.har` and
// the simulator list.
func Explain(text, browser string, o explain.Options) ([]Verdict, error) {
	vs, _, err := ExplainFile(text, browser, o)
	return vs, err
}

// ExplainFile is Explain, with the fetches that failed with no origin
// the file shows (har.Log.Unattributed), which it leaves out: the file
// is read once for both.
func ExplainFile(text, browser string, o explain.Options) ([]Verdict, []har.Candidate, error) {
	l, err := har.Read(text)
	if err != nil {
		return nil, nil, err
	}
	entries, ss, notes, netErrs, err := read(l)
	if err != nil {
		return nil, nil, err
	}
	unattributed := l.Unattributed()
	if len(ss) == 0 && len(unattributed) > 0 {
		// Nothing to explain, and a fetch failed: "0 blocked" would call
		// a file with a blocked fetch in it clean.
		return nil, nil, &UnattributedError{Candidate: unattributed[0]}
	}
	if browser == "" && strings.HasPrefix(strings.ToLower(l.Creator), "firefox") {
		// A Firefox export is Firefox's fetches (found as a new user
		// would: they were explained with Chrome's words).
		browser = "firefox"
	}
	out := make([]Verdict, 0, len(ss))
	for i, s := range ss {
		s.Browser = browser
		v, err := explain.Explain(s, o)
		if err != nil {
			return nil, nil, &EntryError{Entry: entries[i], Err: err}
		}
		// What the capture does not show, which the verdict rests on
		// (a reply Chrome did not export, an origin taken from the
		// preflight): tried as a new user would, these were read and
		// never said.
		for _, n := range notes[i] {
			v.Warnings = append(v.Warnings, explain.Warning{Code: "har-capture", Severity: "info", Message: n})
		}
		if e := netErrs[i]; e != "" {
			// The request never got a reply: DNS, the connection, an
			// extension that blocked it. No CORS check ran, and no
			// change of CORS headers makes it pass (found as a new
			// user would: "the response has no Access-Control-Allow-
			// Origin header", and a fix that sends one).
			// What the browser says is the network's error, and the
			// CORS steps re-derived from the headers do not apply.
			v.Allowed, v.Fixes, v.Reason, v.Steps, v.Browsers = false, []explain.Fix{}, e, nil, nil
			v.Console = []string{s.Request.Method + " " + s.Request.URL + " " + e}
			v.Summary = "The request failed at the network (" + e + "), not by CORS: it got no reply, so no CORS check ran and no CORS header would change it. " + netWhy(e)
			v.Warnings = append(v.Warnings, explain.Warning{Code: "har-network-error", Severity: "error", Message: v.Summary})
		}
		out = append(out, Verdict{Entry: entries[i], Verdict: v, Method: s.Request.Method, URL: s.Request.URL, Scenario: s})
	}
	slices.SortStableFunc(out, func(a, b Verdict) int {
		switch {
		case a.Verdict.Allowed == b.Verdict.Allowed:
			return 0
		case !a.Verdict.Allowed:
			return -1
		}
		return 1
	})
	return out, unattributed, nil
}

// UnattributedError is a HAR file with no fetch to explain but one that
// failed with no origin the file shows (har.Log.Unattributed): under referrer
// policy no-referrer, Chrome exports a fetch it blocked with neither
// Origin nor Referer.
type UnattributedError struct {
	Candidate har.Candidate
}

func (e *UnattributedError) Error() string {
	c := e.Candidate
	return "log.entries[" + strconv.Itoa(c.Index) + "]: " + c.Method + " " + c.URL + " failed" + Failure(c) +
		", and the file shows no Origin, preflight or cross-origin Referer for it (a page with referrer policy no-referrer sends none, and Chrome exports a request it blocked without Origin): its origin cannot be told, so it is not explained; give it as a scenario with the page's origin"
}

// Failure is how an entry failed, as the file says: " (net::ERR_FAILED)"
// from Chrome's _error, else "".
func Failure(c har.Candidate) string {
	if c.Error == "" {
		return ""
	}
	return " (" + c.Error + ")"
}

// AppendUnattributed appends the unattributed fetches of ExplainFile as a JSON list
// of {"entry", "method", "url", "error"}: what the simulator names under
// its list of a file's fetches.
func AppendUnattributed(b []byte, cs []har.Candidate) []byte {
	return jsontext.AppendList(b, cs, func(b []byte, c *har.Candidate) []byte {
		o := jsontext.Members{B: b}
		o.Int("entry", c.Index)
		o.Str("method", c.Method)
		o.Str("url", c.URL)
		o.StrOmit("error", c.Error)
		return o.End()
	})
}

// EntryError is a fetch of the file the engine cannot explain (a request
// no page could make), with its entry.
type EntryError struct {
	Entry int
	Err   error
}

func (e *EntryError) Error() string {
	return "log.entries[" + strconv.Itoa(e.Entry) + "]: " + e.Err.Error()
}

func (e *EntryError) Unwrap() error { return e.Err }

// AppendVerdicts appends {"exchanges": [{"entry": N, "verdict": {...}}]}
// (design.md, "The contract grows").
func AppendVerdicts(b []byte, vs []Verdict) []byte {
	w := jsontext.Members{B: b}
	w.Key("exchanges")
	w.B = jsontext.AppendList(w.B, vs, func(b []byte, v *Verdict) []byte {
		o := jsontext.Members{B: b}
		o.Int("entry", v.Entry)
		o.Key("verdict")
		o.B = explain.AppendVerdict(o.B, &v.Verdict)
		return o.End()
	})
	return w.End()
}

// netWhy says what a Chrome network error means, for the summary.
func netWhy(e string) string {
	switch {
	case strings.Contains(e, "NAME_NOT_RESOLVED"):
		return "The host name did not resolve (DNS)."
	case strings.Contains(e, "CONNECTION_REFUSED"):
		return "Nothing listens on that host and port."
	case strings.Contains(e, "BLOCKED_BY_CLIENT"):
		return "An extension (an ad or privacy blocker) blocked it."
	case strings.Contains(e, "CERT") || strings.Contains(e, "SSL"):
		return "The TLS handshake failed (the certificate or the protocol)."
	case strings.Contains(e, "TIMED_OUT"):
		return "The connection timed out."
	case strings.Contains(e, "ABORTED"):
		return "The request was cancelled (the page navigated away, or the code aborted it)."
	}
	return "The failure is the network's, as the browser recorded it."
}
