package chromium

import (
	"encoding/json"
	"os"
	"strings"

	"github.com/whycors/whycors/engine/explain"
)

// Observation is what a browser without DevTools' network events
// (e2e/firefox, e2e/webkit) did with one exchange, in the fields of
// explain.Verdict plus the raw console entries of type L they were read
// from. Definitions are those of this package's harness.
type Observation[L any] struct {
	Allowed         bool                   `json:"allowed"`
	Exception       string                 `json:"exception,omitempty"`
	Status          int                    `json:"status"`
	Type            string                 `json:"type"`
	ReadableHeaders []string               `json:"readable_headers"`
	Console         []string               `json:"console"`
	ConsoleRaw      []L                    `json:"console_raw,omitempty"`
	Preflight       explain.PreflightTrace `json:"preflight"`
	ActualSent      bool                   `json:"actual_sent"`
	Requests        []Received             `json:"requests"`
	// Then is what each later fetch of a session did (scenario "then"),
	// in order.
	Then []Observation[L] `json:"then,omitempty"`
}

// Observe reads one fetch: what the page saw (res), the console entries
// filed under it (logs, text giving each entry's line) and the requests
// the server received for it.
func Observe[L any](res PageResult, logs []L, text func(L) string, reqs []Received) Observation[L] {
	ob := Observation[L]{Allowed: res.Resolved, Exception: res.Exception, Status: res.Status, Type: res.Type,
		ReadableHeaders: res.Headers, Console: []string{}, ConsoleRaw: logs, Requests: reqs}
	if ob.ReadableHeaders == nil {
		ob.ReadableHeaders = []string{}
	}
	if !res.Resolved {
		ob.Type = "error"
	}
	for _, l := range logs {
		ob.Console = append(ob.Console, text(l))
	}
	ob.Preflight, ob.ActualSent = PreflightOf(reqs)
	return ob
}

// Seen is what the harnesses compare of ob, later fetches included; a
// browser without DevTools names no reason.
func (ob Observation[L]) Seen() Seen {
	out := Seen{Allowed: ob.Allowed, Exception: ob.Exception, Status: ob.Status, Type: ob.Type,
		ReadableHeaders: ob.ReadableHeaders, Console: ob.Console, Preflight: ob.Preflight, ActualSent: ob.ActualSent,
		Requests: SentRequests(ob.Requests)}
	for _, t := range ob.Then {
		out.Then = append(out.Then, t.Seen())
	}
	return out
}

// PreflightOf reads the preflight the server received (the first; its
// Access-Control-Request-* headers) and whether any actual request
// reached it (Received.IsPreflight tells them apart).
func PreflightOf(reqs []Received) (pf explain.PreflightTrace, actualSent bool) {
	for _, r := range reqs {
		if !r.IsPreflight() {
			actualSent = true
			continue
		}
		if pf.Sent {
			continue
		}
		pf.Sent = true
		pf.Headers = map[string]string{}
		if v, ok := r.Header.Get("Access-Control-Request-Method"); ok {
			pf.Headers["access-control-request-method"] = v
		}
		if v, ok := r.Header.Get("Access-Control-Request-Headers"); ok {
			pf.Headers["access-control-request-headers"] = v
		}
	}
	return pf, actualSent
}

// RequestSpec is the argument FetchJS's function takes for request r.
func RequestSpec(r explain.Request) []byte {
	pairs := make([][2]string, 0, len(r.Headers))
	for _, f := range r.Headers {
		pairs = append(pairs, [2]string{f.Name, f.Value})
	}
	b, _ := json.Marshal(map[string]any{
		"url": r.URL, "method": r.Method, "headers": pairs,
		"credentials": r.Credentials, "mode": r.Mode, "redirect": r.Redirect, "api": r.API,
		"body": r.Body, "body_type": r.BodyType,
	})
	return b
}

// WriteRecords writes a recording: a JSON array with one record per line,
// so that two recordings diff line by line.
func WriteRecords[R any](path string, records []R) error {
	var b strings.Builder
	b.WriteString("[\n")
	for i, r := range records {
		line, err := json.Marshal(r)
		if err != nil {
			return err
		}
		b.Write(line)
		if i < len(records)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
