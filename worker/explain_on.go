//go:build whycors_explain

package main

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
)

// The debug explain endpoint links the whole browser model and explainer,
// which roughly doubles the worker's wasm and its start-up time, so it is
// only in builds with -tags whycors_explain (WORKER_TAGS in
// scripts/worker-build.sh). Without the tag the endpoint answers 404
// (explain_off.go).

const canExplain = true

// Explain answers the debug endpoint: the engine's explanation of the
// request as the worker saw it (url is the request's absolute URL, h its
// header lines), against the policy the worker enforces.
//
// What it shows of the request is bounded (maxExplainHeaderBytes), the
// values of credentials and secrets are redacted (secretHeader), and the
// URL's origin is the configured upstream's, not the request's Host,
// which a caller chooses (issue "The edge enforces the user's own
// config", security review). A native policy decides by path alone; an
// nginx policy's server_name would see the upstream's host here, where
// the worker's decision sees the request's Host.
func (s *Server) Explain(method, url string, h headers.List) Decision {
	if s.refusal != nil {
		return *s.refusal
	}
	size := 0
	for _, f := range h {
		size += len(f.Name) + len(f.Value) + 4
	}
	if size > maxExplainHeaderBytes {
		return Decision{Action: Reply, Status: 431, Header: plainText(), Body: "whycors worker: the explain endpoint reads at most " + strconv.Itoa(maxExplainHeaderBytes) + " bytes of header lines\n"}
	}
	_, rest, _ := strings.Cut(url, "://")
	target := "/"
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		target = rest[i:]
	}
	target = strings.TrimPrefix(target, explainPath)
	if target == "" || target[0] != '/' {
		target = "/" + target
	}
	origin, _ := h.Get("Origin")
	req := explain.Request{Origin: origin, URL: upstreamOrigin(s.cfg.Upstream) + target, Init: fetch.Init{Method: method}}
	if acrm, ok := h.Get("Access-Control-Request-Method"); method == "OPTIONS" && ok {
		// A preflight sent to the endpoint stands for the fetch() it
		// precedes: its method and the names of its headers.
		req.Method = acrm
		acrh, _ := h.Get("Access-Control-Request-Headers")
		for _, n := range strings.Split(acrh, ",") {
			if n = strings.TrimSpace(n); n != "" {
				req.Headers.Add(n, "")
			}
		}
	} else {
		for _, f := range h {
			switch strings.ToLower(f.Name) {
			case "origin", "host", "content-length", "connection", "cookie", "referer", "user-agent", "accept-encoding":
				// Set by the browser, not by the page's fetch() call.
				continue
			}
			v := f.Value
			if secretHeader(f.Name) {
				v = redacted
			}
			req.Headers.Add(f.Name, v)
		}
	}
	if h.Has("Cookie") || h.Has("Authorization") {
		req.Credentials = "include"
	}
	// The configured policy in its own format: the evaluator the worker
	// enforces with (platform.go).
	sc := explain.Scenario{Request: req, Policy: &explain.Policy{Format: s.cfg.Format, Text: s.cfg.PolicyText}}
	v, err := explain.Explain(sc, explain.Options{Formats: explainFormats()})
	out := struct {
		Scenario explain.Scenario `json:"scenario"`
		Verdict  explain.Verdict  `json:"verdict"`
		Error    string           `json:"error,omitempty"`
	}{Scenario: sc, Verdict: v}
	if err != nil {
		out.Error = err.Error()
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return Decision{Action: Reply, Status: 500, Header: plainText(), Body: err.Error() + "\n"}
	}
	return Decision{Action: Reply, Status: 200, Body: string(b) + "\n", Header: headers.List{
		{Name: "Content-Type", Value: "application/json"},
		{Name: "Cache-Control", Value: "no-store"},
	}}
}

// maxExplainHeaderBytes bounds the header lines the explain endpoint
// reads (name, value and separators): an explanation needs far less, and
// a request above it is answered 431 without building anything.
const maxExplainHeaderBytes = 16 << 10

// redacted stands for a secret's value in what the endpoint shows.
const redacted = "[redacted]"

// secretHeader reports whether a header's value is a credential or a
// secret that the endpoint must not echo: the credentials the Fetch
// standard names (Authorization, Cookie, Proxy-Authorization) and the
// API keys and tokens people send in their own headers (X-Api-Key,
// X-Amz-Security-Token, X-Auth-Token, X-CSRF-Token, ...). No CORS
// decision reads their values: none is CORS-safelisted.
func secretHeader(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "authorization", "cookie", "proxy-authorization", "x-amz-security-token":
		return true
	}
	for _, part := range []string{"auth", "token", "secret", "key", "session", "password", "passwd", "credential", "signature", "cookie"} {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// upstreamOrigin is the scheme and authority of the configured upstream
// (parseUpstream validated it), without its path prefix.
func upstreamOrigin(upstream string) string {
	scheme, rest, _ := strings.Cut(upstream, "://")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	return scheme + "://" + rest
}
