package diff_test

import (
	"math/rand"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/whycors/whycors/engine/diff"
)

// TestDiffAgainstBruteForce: for 500 seeded pairs of small native and S3
// configurations, every request of the pair's space is explained with
// explain.Run against each configuration (diff.Evaluate, reading the
// configuration anew each time, with none of Diff's caching or pruning),
// and the report must hold exactly the changes found: every request a
// group lists changed that way, every request and header a group's words
// name (the product of its origins, credentials, methods and paths)
// changed, and no changed request is missing.
func TestDiffAgainstBruteForce(t *testing.T) {
	seed := int64(22)
	if v, err := strconv.ParseInt(os.Getenv("WHYCORS_DIFF_SEED"), 10, 64); err == nil {
		seed = v
	}
	pairs := 500
	if testing.Short() {
		pairs = 60
	}
	r := rand.New(rand.NewSource(seed))
	o := diff.Options{Formats: reg}
	var requests, changed, groups int
	for i := 0; i < pairs; i++ {
		a := randomConfig(r)
		b := a
		if r.Intn(4) != 0 {
			b = randomConfig(r)
		}
		rep, err := diff.Diff(a, b, o)
		if err != nil {
			t.Fatalf("pair %d: %v\nold: %s\nnew: %s", i, err, a.Text, b.Text)
		}
		sp, err := diff.SpaceOf(a, b, o)
		if err != nil {
			t.Fatal(err)
		}
		groups += len(rep.Groups)
		fail := func(format string, args ...any) {
			t.Helper()
			t.Errorf("pair %d: "+format+"\nold (%s): %s\nnew (%s): %s", append(append([]any{i}, args...), a.Format, a.Text, b.Format, b.Text)...)
		}
		// The brute force: every request, both configurations.
		truth := map[diff.Request]string{}              // allow changes
		exposed := map[diff.Request]map[string]string{} // exposure changes of requests without a header
		for _, req := range sp.Requests() {
			requests++
			oa, err := diff.Evaluate(a, req, sp, o)
			if err != nil {
				t.Fatal(err)
			}
			ob, err := diff.Evaluate(b, req, sp, o)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case !oa.Allowed && ob.Allowed:
				truth[req] = diff.Allows
			case oa.Allowed && !ob.Allowed:
				truth[req] = diff.NoLongerAllow
			case oa.Allowed && req.Header == "":
				m := map[string]string{}
				for _, h := range ob.Readable {
					if !slices.Contains(oa.Readable, h) {
						m[h] = diff.Exposes
					}
				}
				for _, h := range oa.Readable {
					if !slices.Contains(ob.Readable, h) {
						m[h] = diff.NoLongerExpose
					}
				}
				if len(m) > 0 {
					exposed[req] = m
				}
			}
		}
		if (a.Format == b.Format && a.Text == b.Text) && (len(truth) > 0 || len(exposed) > 0 || len(rep.Groups) > 0) {
			fail("a configuration differs from itself")
		}
		seenAllow := map[diff.Request]bool{}
		seenExpose := map[diff.Request]map[string]bool{}
		for _, g := range rep.Groups {
			if g.Count != len(g.Requests) || g.Count == 0 {
				fail("group %q counts %d requests and lists %d", g.Summary, g.Count, len(g.Requests))
			}
			switch g.Change {
			case diff.Allows, diff.NoLongerAllow:
				for _, req := range g.Requests {
					if truth[req] != g.Change {
						fail("group %q lists %+v, which explain says is %q", g.Summary, req, truth[req])
					}
					seenAllow[req] = true
				}
				for _, req := range product(g) {
					if truth[req] != g.Change {
						fail("group %q says %+v, which explain says is %q", g.Summary, req, truth[req])
					}
				}
			default:
				for _, req := range product(g) {
					for _, h := range g.Headers {
						if exposed[req][h] != g.Change {
							fail("group %q says %s for %+v, which explain says is %q", g.Summary, h, req, exposed[req][h])
						}
						if seenExpose[req] == nil {
							seenExpose[req] = map[string]bool{}
						}
						seenExpose[req][h] = true
					}
				}
			}
		}
		for req, c := range truth {
			changed++
			if !seenAllow[req] {
				fail("%+v %s, and no group says so; groups: %v", req, c, summaries(rep))
			}
		}
		for req, m := range exposed {
			for h, c := range m {
				changed++
				if !seenExpose[req][h] {
					fail("%+v %s %s, and no group says so; groups: %v", req, c, h, summaries(rep))
				}
			}
		}
	}
	if changed == 0 || groups == 0 {
		t.Fatalf("no pair changed anything: the test checks nothing")
	}
	t.Logf("%d pairs, %d requests explained twice, %d changes in %d groups", pairs, requests, changed, groups)
}

// product is every request a group's words name: its origins,
// credentials, methods and paths, each header of an allow change.
func product(g diff.Group) []diff.Request {
	creds := []bool{false, true}
	switch g.Credentials {
	case "omit":
		creds = []bool{false}
	case "include":
		creds = []bool{true}
	}
	// A shown path ("/v1/*") stands for the path sent ("/v1/x"): take
	// them from the requests the group lists.
	sent := map[string]bool{}
	for _, r := range g.Requests {
		sent[r.Path] = true
	}
	hdrs := []string{""}
	if (g.Change == diff.Allows || g.Change == diff.NoLongerAllow) && len(g.Headers) > 0 {
		hdrs = g.Headers
	}
	var out []diff.Request
	for _, o := range g.Origins {
		for _, c := range creds {
			for p := range sent {
				for _, m := range g.Methods {
					for _, h := range hdrs {
						out = append(out, diff.Request{Origin: o, Method: m, Header: h, Path: p, Credentials: c})
					}
				}
			}
		}
	}
	return out
}

func summaries(rep *diff.Report) []string {
	var out []string
	for _, g := range rep.Groups {
		out = append(out, g.Summary)
	}
	return out
}
