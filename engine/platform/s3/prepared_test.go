package s3_test

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
)

// TestPreparedAnswersAlike: what Prepare keeps (each origin's '*' and
// key, the lowercased AllowedHeaders, their join) changes no answer. A
// bucket whose rules were prepared, then had items replaced, answers
// every request as the same rules built by hand and never prepared, with
// and without a trace and with a lent header list, over generated rules
// (origins with and without '*', of equal and near lengths; headers in
// mixed case, with '*') and requests.
func TestPreparedAnswersAlike(t *testing.T) {
	rng := rand.New(rand.NewSource(23))
	pick := func(l []string) string { return l[rng.Intn(len(l))] }
	origins := []string{"https://app.test", "https://apq.test", "https://*.app.test", "https://x.app.test", "https://*", "*", "https://a*p.test",
		"http://app.test", "https://app.tes*", "*.test", "https://b*", "https://ab.app.test", "https://a.app.test"}
	hdrs := []string{"Content-Type", "content-type", "X-Api-Key", "x-*", "*", "X-Amz-*", "x-amz-date", "Authorization"}
	methods := []string{"GET", "PUT", "POST", "DELETE", "HEAD"}
	list := func(from []string, max int) []string {
		var out []string
		for n := rng.Intn(max + 1); n > 0; n-- {
			out = append(out, strings.Clone(pick(from)))
		}
		return out
	}
	scratch := make(headers.List, 0, 16)
	for round := 0; round < 300; round++ {
		var rules []s3.Rule
		for n := 1 + rng.Intn(6); n > 0; n-- {
			r := s3.Rule{AllowedOrigins: list(origins, 3), AllowedMethods: list(methods, 2), AllowedHeaders: list(hdrs, 3), ExposeHeaders: list([]string{"ETag", "x-amz-id"}, 2)}
			if len(r.AllowedOrigins) == 0 {
				r.AllowedOrigins = []string{pick(origins)}
			}
			if rng.Intn(3) == 0 {
				age := rng.Intn(100)
				r.MaxAgeSeconds = &age
			}
			rules = append(rules, r)
		}
		prepared := &s3.Configuration{Rules: clone(rules)}
		prepared.Prepare()
		// Items replaced after Prepare: a prepared bucket reads them anew.
		for i := range prepared.Rules {
			r := &prepared.Rules[i]
			if rng.Intn(4) == 0 && len(r.AllowedOrigins) > 0 {
				k := rng.Intn(len(r.AllowedOrigins))
				r.AllowedOrigins[k] = strings.Clone(pick(origins))
				rules[i].AllowedOrigins[k] = r.AllowedOrigins[k]
			}
			if rng.Intn(4) == 0 && len(r.AllowedHeaders) > 0 {
				k := rng.Intn(len(r.AllowedHeaders))
				r.AllowedHeaders[k] = strings.Clone(pick(hdrs))
				rules[i].AllowedHeaders[k] = r.AllowedHeaders[k]
			}
		}
		want, got := s3.Bucket{CORS: &s3.Configuration{Rules: rules}}, s3.Bucket{CORS: prepared}
		for j := 0; j < 40; j++ {
			var h headers.List
			origin := strings.Replace(pick(origins), "*", pick([]string{"", "x", "www.", "p"}), 1)
			h.Add("Origin", origin)
			if rng.Intn(4) > 0 {
				h.Add("Access-Control-Request-Method", pick(methods))
			}
			if names := list([]string{"content-type", "X-Api-Key", "x-amz-date", "authorization", "x-other", " content-type "}, 3); len(names) > 0 {
				h.Add("Access-Control-Request-Headers", strings.Join(names, pick([]string{",", ", "})))
			}
			req := policy.Request{Method: pick([]string{"OPTIONS", "GET", "PUT"}), URL: "https://b.s3.amazonaws.com/k", Header: h}
			app := policy.Reply{Status: 200, Header: headers.List{{Name: "ETag", Value: `"1"`}}}
			for _, mode := range []string{"trace", "no trace", "lent list"} {
				req.NoTrace, req.Scratch = mode != "trace", nil
				if mode == "lent list" {
					req.Scratch = scratch
				}
				a, b := want.Respond(req, app), got.Respond(req, app)
				desc := fmt.Sprintf("round %d, %s, %s %v, rules %+v", round, mode, req.Method, h, rules)
				if !reflect.DeepEqual(a.Reply, b.Reply) || a.Text() != b.Text() {
					t.Fatalf("%s: prepared %+v %q, by hand %+v %q", desc, b.Reply, b.Text(), a.Reply, a.Text())
				}
				if len(a.Rules) != len(b.Rules) {
					t.Fatalf("%s: prepared trace of %d rules, by hand %d", desc, len(b.Rules), len(a.Rules))
				}
				for k := range a.Rules {
					if a.Rules[k].Failed != b.Rules[k].Failed || a.Detail(a.Rules[k]) != b.Detail(b.Rules[k]) {
						t.Fatalf("%s: rule %d prepared %q, by hand %q", desc, k, b.Detail(b.Rules[k]), a.Detail(a.Rules[k]))
					}
				}
			}
		}
	}
}

// clone copies rules with lists of their own.
func clone(rules []s3.Rule) []s3.Rule {
	out := make([]s3.Rule, len(rules))
	for i, r := range rules {
		r.AllowedOrigins = append([]string(nil), r.AllowedOrigins...)
		r.AllowedMethods = append([]string(nil), r.AllowedMethods...)
		r.AllowedHeaders = append([]string(nil), r.AllowedHeaders...)
		r.ExposeHeaders = append([]string(nil), r.ExposeHeaders...)
		out[i] = r
	}
	return out
}

// FuzzPrepared: a configuration as read (its rules prepared) answers any
// request, with a trace, without one and with a lent header list, as
// the same rules built by hand and never prepared answer it with a trace.
func FuzzPrepared(f *testing.F) {
	f.Add(`[{"AllowedOrigins":["https://*.a.test","https://b.test"],"AllowedMethods":["GET","PUT"],"AllowedHeaders":["X-*","Content-Type"],"MaxAgeSeconds":5}]`,
		"https://x.a.test", "PUT", "x-y,content-type")
	f.Add(`[{"AllowedOrigins":["*"],"AllowedMethods":["GET"],"AllowedHeaders":["*"]},{"AllowedOrigins":["https://\u212a.test"],"AllowedMethods":["PUT"]}]`,
		"https://k.test", "GET", "A,b, c")
	f.Fuzz(func(t *testing.T, text, origin, method, acrh string) {
		c, err := s3.Parse(s3.FormJSON, text)
		if err != nil {
			return
		}
		byHand := &s3.Configuration{Rules: make([]s3.Rule, len(c.Rules))}
		for i, r := range c.Rules {
			byHand.Rules[i] = s3.Rule{ID: r.ID, AllowedOrigins: r.AllowedOrigins, AllowedMethods: r.AllowedMethods,
				AllowedHeaders: r.AllowedHeaders, ExposeHeaders: r.ExposeHeaders, MaxAgeSeconds: r.MaxAgeSeconds}
		}
		h := headers.List{{Name: "Origin", Value: origin}, {Name: "Access-Control-Request-Method", Value: method}, {Name: "Access-Control-Request-Headers", Value: acrh}}
		for _, m := range []string{"OPTIONS", "GET"} {
			req := policy.Request{Method: m, URL: "https://b.s3.amazonaws.com/k", Header: h}
			want := s3.Bucket{CORS: byHand}.Respond(req, policy.Reply{Status: 200})
			for _, mode := range []string{"trace", "no trace", "lent list"} {
				req.NoTrace, req.Scratch = mode != "trace", nil
				if mode == "lent list" {
					req.Scratch = make(headers.List, 0, 8)
				}
				got := s3.Bucket{CORS: c}.Respond(req, policy.Reply{Status: 200})
				if !reflect.DeepEqual(got.Reply, want.Reply) || got.Text() != want.Text() {
					t.Fatalf("%s %s: prepared %+v %q, by hand %+v %q", m, mode, got.Reply, got.Text(), want.Reply, want.Text())
				}
			}
		}
	})
}
