package platform_test

import (
	"fmt"
	"reflect"
	"strconv"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/platform/azure"
	"github.com/whycors/whycors/engine/platform/cloudfront"
	"github.com/whycors/whycors/engine/platform/ec2"
	"github.com/whycors/whycors/engine/platform/gcs"
	"github.com/whycors/whycors/engine/platform/lambdaurl"
	"github.com/whycors/whycors/engine/platform/r2"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// platformFormats are the formats of every platform evaluator.
func platformFormats() []policy.Format {
	var fs []policy.Format
	for _, l := range [][]policy.Format{s3.Formats(), r2.Formats(), gcs.Formats(), azure.Formats(), apigw.Formats(),
		cloudfront.Formats(), lambdaurl.Formats(), ec2.Formats()} {
		fs = append(fs, l...)
	}
	return fs
}

// sized returns an evaluator of f whose policy has n rules, the last
// allowing https://app.test and its subdomains with PUT and two headers and the others one
// origin each with GET, as f's writer writes it (or n-1 origins and the
// last rule's, for a platform with one rule). ok is
// false for a format with no writer (EC2's fixed policy: one size); ev
// is nil for one with no writer that reads no empty text (a template
// form, which the same evaluator's own form covers).
func sized(f policy.Format, n int) (ev policy.Evaluator, ok bool, err error) {
	w, ok := f.(convert.Writer)
	if !ok {
		ev, err := f.Parse("")
		if err != nil {
			return nil, false, nil
		}
		return ev, false, nil
	}
	last := portable.Rule{Origins: []string{"https://app.test", "https://*.app.test"}, Methods: []string{"GET", "PUT"},
		AllowHeaders: []string{"content-type", "x-api-key"}, ExposeHeaders: []string{"etag"}}
	var p portable.Policy
	for i := 0; i < n-1; i++ {
		p.Rules = append(p.Rules, portable.Rule{Origins: []string{"https://o" + strconv.Itoa(i) + ".test"}, Methods: []string{"GET"}})
	}
	p.Rules = append(p.Rules, last)
	text, err := w.WriteRules(p, nil, &portable.Notes{})
	if err != nil {
		// One rule of n origins.
		one := last
		one.Origins = nil
		for i := 0; i < n-1; i++ {
			one.Origins = append(one.Origins, "https://o"+strconv.Itoa(i)+".test")
		}
		one.Origins = append(one.Origins, last.Origins...)
		if text, err = w.WriteRules(portable.Policy{Rules: []portable.Rule{one}}, nil, &portable.Notes{}); err != nil {
			return nil, true, err
		}
	}
	ev, err = f.Parse(text)
	return ev, true, err
}

// requests is a grid of requests: preflights and actual requests, from an
// allowed origin, an origin of an early rule and a refused one, with and
// without requested headers and Origin.
func requests() []policy.Request {
	var out []policy.Request
	for _, origin := range []string{"", "https://app.test", "https://x.app.test", "https://o0.test", "https://evil.test"} {
		for _, m := range []string{"OPTIONS", "GET", "PUT"} {
			for _, acrm := range []string{"", "PUT", "GET", "DELETE"} {
				for _, acrh := range []string{"", "content-type", "x-api-key,content-type", "x-other"} {
					var h headers.List
					if origin != "" {
						h.Add("Origin", origin)
					}
					if acrm != "" {
						h.Add("Access-Control-Request-Method", acrm)
					}
					if acrh != "" {
						h.Add("Access-Control-Request-Headers", acrh)
					}
					out = append(out, policy.Request{Method: m, URL: "https://b.s3.amazonaws.com/k", Header: h})
				}
			}
		}
	}
	return out
}

// TestNoTrace: policy.Request.NoTrace changes nothing but the trace. Every
// platform evaluator answers each request of the grid with the same reply,
// decision and deciding layer with and without it, and leaves Rules nil
// with it (a caller that asks for no trace gets none: the middleware, the
// worker and a verdict's summary browsers depend on both).
func TestNoTrace(t *testing.T) {
	app := policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Type", Value: "text/plain"}, {Name: "ETag", Value: `"1"`}}, Body: "ok"}
	scratch := make(headers.List, 0, 16) // policy.Request.Scratch, lent to every request in turn
	for _, f := range platformFormats() {
		for _, n := range []int{1, 10} {
			ev, _, err := sized(f, n)
			if err != nil {
				t.Fatalf("%s with %d rules: %v", f.Name(), n, err)
			}
			if ev == nil {
				continue
			}
			for _, req := range requests() {
				want := ev.Respond(req, app)
				req.NoTrace = true
				got := ev.Respond(req, app)
				desc := fmt.Sprintf("%s, %d rules, %s %v", f.Name(), n, req.Method, req.Header)
				if !reflect.DeepEqual(got.Reply, want.Reply) {
					t.Errorf("%s: reply with NoTrace %+v, without %+v", desc, got.Reply, want.Reply)
				}
				if !reflect.DeepEqual(got.Decision, want.Decision) || got.Text() != want.Text() {
					t.Errorf("%s: decision with NoTrace %q, without %q", desc, got.Text(), want.Text())
				}
				if !reflect.DeepEqual(got.DecidedBy, want.DecidedBy) {
					t.Errorf("%s: decided by %+v with NoTrace, %+v without", desc, got.DecidedBy, want.DecidedBy)
				}
				if got.Rules != nil {
					t.Errorf("%s: NoTrace still returns a trace of %d rules", desc, len(got.Rules))
				}
				// A lent list, reused from the last request, changes
				// nothing either.
				req.Scratch = scratch
				lent := ev.Respond(req, app)
				if !reflect.DeepEqual(lent.Reply, want.Reply) || lent.Text() != want.Text() || !reflect.DeepEqual(lent.DecidedBy, want.DecidedBy) {
					t.Errorf("%s: with a lent list %+v %q, without %+v %q", desc, lent.Reply, lent.Text(), want.Reply, want.Text())
				}
			}
		}
	}
}

// benchPreflight is the preflight BenchmarkRespond and
// TestNoTraceAllocations send: the last rule of sized's policies allows it.
var benchPreflight = policy.Request{Method: "OPTIONS", URL: "https://b.s3.amazonaws.com/k", Header: headers.List{{Name: "Origin", Value: "https://app.test"},
	{Name: "Access-Control-Request-Method", Value: "PUT"}, {Name: "Access-Control-Request-Headers", Value: "content-type,x-api-key"}}}

// BenchmarkRespond: every platform evaluator at 1, 10 and 100 rules (or
// allowed origins, for a platform with one rule), the last matching, with
// and without a trace; benchstat groups by platform=…/rules=…/trace=….
// The cost grows at most linearly with the rules. Without a trace the
// evaluators allocate only the reply's header list (trace=off), and
// nothing when the caller lends one (policy.Request.Scratch), as a caller
// evaluating request after request does (trace=off-lent).
func BenchmarkRespond(b *testing.B) {
	pre := benchPreflight
	seen := map[string]bool{} // one form per evaluator: S3's JSON and XML evaluate alike
	for _, f := range platformFormats() {
		if ev, _, _ := sized(f, 1); ev == nil || seen[fmt.Sprintf("%T", ev)] {
			continue
		} else {
			seen[fmt.Sprintf("%T", ev)] = true
		}
		for _, n := range []int{1, 10, 100} {
			ev, sizes, err := sized(f, n)
			if err != nil {
				b.Fatalf("%s with %d rules: %v", f.Name(), n, err)
			}
			if ev == nil || !sizes && n > 1 {
				continue
			}
			for _, trace := range []string{"on", "off", "off-lent"} {
				req := pre
				req.NoTrace = trace != "on"
				if trace == "off-lent" {
					req.Scratch = make(headers.List, 0, 16)
				}
				b.Run(fmt.Sprintf("platform=%s/rules=%d/trace=%s", f.Name(), n, trace), func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						ev.Respond(req, policy.Reply{})
					}
				})
			}
		}
	}
}
