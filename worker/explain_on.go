//go:build whycors_explain

package main

import (
	"encoding/json"
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
)

// The debug explain endpoint links the whole browser model and explainer,
// which roughly doubles the worker's wasm and its start-up time, so it is
// only in builds with -tags whycors_explain (WORKER_TAGS in
// scripts/worker-build.sh). Without the tag the endpoint answers 404
// (explain_off.go).

const canExplain = true

// Explain answers the debug endpoint: the engine's explanation of the
// request as the worker saw it (url is the request's absolute URL, h its
// header lines), against the native policy the worker enforces.
func (s *Server) Explain(method, url string, h headers.List) Decision {
	if s.refusal != nil {
		return *s.refusal
	}
	scheme, rest, _ := strings.Cut(url, "://")
	host, target := rest, "/"
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host, target = rest[:i], rest[i:]
	}
	target = strings.TrimPrefix(target, explainPath)
	if target == "" || target[0] != '/' {
		target = "/" + target
	}
	origin, _ := h.Get("Origin")
	req := explain.Request{Origin: origin, URL: scheme + "://" + host + target, Init: fetch.Init{Method: method}}
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
			req.Headers.Add(f.Name, f.Value)
		}
	}
	if h.Has("Cookie") || h.Has("Authorization") {
		req.Credentials = "include"
	}
	sc := explain.Scenario{Request: req, Policy: &explain.Policy{Format: "native", Text: s.cfg.NativeText}}
	v, err := explain.Explain(sc, explain.Options{Formats: policy.NewRegistry(native.Formats()...)})
	out := struct {
		Scenario explain.Scenario `json:"scenario"`
		Verdict  explain.Verdict  `json:"verdict"`
		// Converted says which format the configured policy was in when
		// the worker enforces its conversion to native.
		Converted string `json:"converted_from,omitempty"`
		Error     string `json:"error,omitempty"`
	}{Scenario: sc, Verdict: v}
	if s.cfg.Format != "native" {
		out.Converted = s.cfg.Format
	}
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
