package fetch_test

import (
	"reflect"
	"testing"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
)

// TestSameInEveryProfile holds Init.SameInEveryProfile to NewRequest:
// over every combination of the options below, an Init it accepts gets
// the same Request, Failure and error from every profile, so that a
// caller may build it once for all (explain's three browsers); and the
// Inits it refuses include some that profiles do build differently.
func TestSameInEveryProfile(t *testing.T) {
	var (
		methods = []string{"", "put", "PATCH", "trace", "bad method"}
		lists   = []headers.List{
			nil,
			{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Api-Key", Value: "k"}},
			{{Name: "DPR", Value: "2"}, {Name: "Accept", Value: "text/café"}},
			{{Name: "Content-Type", Value: "text/plain"}, {Name: "content-type", Value: "text/plain"}},
			{{Name: "Cookie", Value: "a=b"}, {Name: "Sec-Fetch-Mode", Value: "x"}, {Name: "X-HTTP-Method-Override", Value: "TRACE"}},
			{{Name: "Range", Value: "bytes=0-1"}, {Name: "Content-Language", Value: "en"}},
			{{Name: "X-Name", Value: "Āa"}},
			{{Name: "Bad Name", Value: "x"}},
		}
		credentials = []string{"", "include", "omit", "bogus"}
		modes       = []string{"", "cors", "no-cors", "same-origin", "navigate"}
		bodyTypes   = []string{"", "stream", "blob:Text/Plain", "formdata", "bogus"}
		apis        = []string{"", "xhr"}
		urls        = []string{"http://api.test/items/1", "https://u:p@api.test/"}
	)
	body := "{}"
	var profiles []*fetch.Profile
	for _, n := range fetch.Names() {
		profiles = append(profiles, profile(t, n))
	}
	// Every combination, counted in mixed radix: digit k picks from
	// option list k.
	sizes := []int{len(methods), len(lists), len(credentials), len(modes), len(bodyTypes), len(apis), len(urls)}
	total := 1
	for _, n := range sizes {
		total *= n
	}
	differ := 0
	for c := range total {
		var d [7]int
		for k, n := range sizes {
			d[k], c = c%n, c/n
		}
		in := fetch.Init{Method: methods[d[0]], Headers: lists[d[1]], Credentials: credentials[d[2]], Mode: modes[d[3]], BodyType: bodyTypes[d[4]], API: apis[d[5]]}
		if in.BodyType == "" {
			in.Body = &body
		}
		u := urls[d[6]]
		r0, f0, e0 := profiles[0].NewRequest("http://app.test", u, in)
		same := true
		for _, p := range profiles[1:] {
			r, f, e := p.NewRequest("http://app.test", u, in)
			same = same && reflect.DeepEqual(r, r0) && reflect.DeepEqual(f, f0) && reflect.DeepEqual(e, e0)
		}
		switch {
		case !same && in.SameInEveryProfile():
			t.Errorf("%+v at %s: SameInEveryProfile, but the profiles build it differently", in, u)
		case !same:
			differ++
		}
	}
	if differ == 0 {
		t.Error("no Init is built differently by two profiles: the test reaches none of the profiles' differences")
	}
}
