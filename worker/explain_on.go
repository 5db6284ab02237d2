//go:build !whycors_noexplain

package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/explain"
)

// The debug explain endpoint links the whole browser model and explainer
// (about 1.4 MB of the wasm). Build with -tags whycors_noexplain to leave
// it out; the endpoint then answers 404 (explain_off.go).

// explain answers the debug endpoint: the engine's explanation of the
// request as the worker saw it, against the configured policy.
func (s *server) explain(w http.ResponseWriter, r *http.Request) {
	u := *r.URL
	u.Path = strings.TrimPrefix(r.URL.Path, explainPath)
	u.RawPath = ""
	if u.Path == "" {
		u.Path = "/"
	}
	if !u.IsAbs() {
		u.Scheme, u.Host = "http", r.Host
	}
	req := explain.Request{Origin: r.Header.Get("Origin"), URL: u.String(), Method: r.Method}
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		// A preflight sent to the endpoint stands for the fetch() it
		// precedes: its method and the names of its headers.
		req.Method = r.Header.Get("Access-Control-Request-Method")
		for _, n := range strings.Split(r.Header.Get("Access-Control-Request-Headers"), ",") {
			if n = strings.TrimSpace(n); n != "" {
				req.Headers.Add(n, "")
			}
		}
	} else {
		for _, f := range headerList(r.Header) {
			switch strings.ToLower(f.Name) {
			case "origin", "host", "content-length", "connection", "cookie", "referer", "user-agent", "accept-encoding":
				// Set by the browser, not by the page's fetch() call.
				continue
			}
			req.Headers.Add(f.Name, f.Value)
		}
	}
	if r.Header.Get("Cookie") != "" || r.Header.Get("Authorization") != "" {
		req.Credentials = "include"
	}
	sc := explain.Scenario{Request: req, Policy: &explain.Policy{Format: s.cfg.Format, Text: s.cfg.PolicyText}}
	v, err := explain.Explain(sc)
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
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.Write(append(b, '\n'))
}
