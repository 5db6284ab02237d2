package hosting

import (
	"encoding/json"
	"errors"
	"math/rand"
	"os/exec"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/internal/hosttest"
	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/formats/firebase"
	"github.com/whycors/whycors/engine/formats/vercel"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

type writtenCase struct {
	Kind     string           `json:"kind"`
	Config   json.RawMessage  `json:"config"`
	Requests []writtenRequest `json:"requests"`
}

type writtenRequest struct {
	Path   string `json:"path"`
	Origin string `json:"origin,omitempty"`
}

// TestWrittenFiles: the vercel.json and firebase.json files the formats
// write for 200 seeded portable policies each (those they do not
// refuse) are accepted by @vercel/routing-utils and read by
// superstatic's headers middleware (written.mjs), and the headers each
// gives a request (18 paths; for Vercel, from each of 5 origins and
// none) are the policy's: none, or the CORS headers of the first rule
// that covers the path for that origin (hosttest.Check). The formats'
// own readers give the same headers.
func TestWrittenFiles(t *testing.T) {
	needModules(t)
	rng := rand.New(rand.NewSource(proxytest.Seed(17)))
	var reqs []writtenRequest
	for _, p := range hosttest.AskPaths {
		reqs = append(reqs, writtenRequest{Path: p})
		for _, o := range hosttest.AskOrigin {
			reqs = append(reqs, writtenRequest{Path: p, Origin: o})
		}
	}
	type eval interface {
		Respond(policy.Request, policy.Reply) policy.Outcome
	}
	var cases []writtenCase
	var pols []portable.Policy
	var evs []eval
	written := map[string]int{}
	for range 200 {
		p := hosttest.Policy(rng)
		for _, kind := range []string{"vercel", "firebase"} {
			var text string
			var err error
			var ev eval
			if kind == "vercel" {
				if text, err = (&vercel.Format{}).WriteRules(p, nil, &portable.Notes{}); err == nil {
					ev, err = vercel.Parse(text)
				}
			} else {
				if text, err = (&firebase.Format{}).WriteRules(p, nil, &portable.Notes{}); err == nil {
					ev, err = firebase.Parse(text)
				}
			}
			var refusal *portable.Refusal
			if err != nil && !errors.As(err, &refusal) {
				t.Fatalf("%s: %v\n%s", kind, err, text)
			}
			if err != nil {
				continue
			}
			written[kind]++
			cases = append(cases, writtenCase{Kind: kind, Config: json.RawMessage(text), Requests: reqs})
			pols, evs = append(pols, p), append(evs, ev)
		}
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command("node", "written.mjs")
	cmd.Stdin = strings.NewReader(string(in))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("written.mjs: %v\n%s", err, stderr.String())
	}
	var got struct {
		Versions map[string]string `json:"versions"`
		Results  []struct {
			Error    string        `json:"error"`
			Requests [][][2]string `json:"requests"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out, &got); err != nil || len(got.Results) != len(cases) {
		t.Fatalf("written.mjs answered %d results for %d cases: %v", len(got.Results), len(cases), err)
	}
	answered := map[string]int{}
	for i, c := range cases {
		r := got.Results[i]
		if r.Error != "" {
			t.Errorf("written %s file %d refused: %s\n%s", c.Kind, i, r.Error, c.Config)
			continue
		}
		for k, q := range c.Requests {
			var real headers.List
			for _, kv := range r.Requests[k] {
				real.Set(kv[0], kv[1])
			}
			ask := q.Origin
			if c.Kind == "firebase" {
				ask = "" // fixed values: the same for every origin
			}
			// A request without Origin is no CORS request: what Vercel
			// sends it (a "*" entry whose missing condition holds) is
			// compared with the reader only.
			if msg := hosttest.Check(pols[i], q.Path, ask, real); msg != "" && (c.Kind != "vercel" || q.Origin != "") {
				t.Errorf("written %s file %d, %s from %q: %s\npolicy %+v\n%s", c.Kind, i, q.Path, q.Origin, msg, pols[i].Rules, c.Config)
			}
			if _, ok := real.Get("Access-Control-Allow-Origin"); ok {
				answered[c.Kind]++
			}
			req := policy.Request{Method: "GET", URL: "https://site.test" + q.Path}
			if q.Origin != "" {
				req.Header = headers.List{{Name: "Origin", Value: q.Origin}}
			}
			mine := evs[i].Respond(req, policy.Reply{Status: 200}).Reply.Header
			cors := func(n string) bool {
				return strings.HasPrefix(strings.ToLower(n), "access-control-") || strings.EqualFold(n, "vary")
			}
			if g, w := lines(mine, cors), lines(real, cors); strings.Join(g, "\n") != strings.Join(w, "\n") {
				t.Errorf("written %s file %d, %s from %q: reader %q, package %q", c.Kind, i, q.Path, q.Origin, g, w)
			}
		}
	}
	t.Logf("written of 200: %v; requests answered with CORS headers: %v; %v", written, answered, got.Versions)
	for _, kind := range []string{"vercel", "firebase"} {
		if written[kind] < 80 || answered[kind] < 500 {
			t.Errorf("%s: too few written (%d) or answered (%d) to say much", kind, written[kind], answered[kind])
		}
	}
}
