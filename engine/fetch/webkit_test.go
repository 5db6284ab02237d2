package fetch_test

import (
	"slices"
	"testing"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
)

// TestSafariPreflightLines: the safari profile's judgement of a preflight
// and the console lines WebKit prints for it, each expected value from the
// e2e/webkit recording named in desc (WebKitGTK 2.50.6).
func TestSafariPreflightLines(t *testing.T) {
	const url = "http://api.test/items"
	tests := []struct {
		desc     string
		method   string
		header   headers.List
		pfHeader headers.List
		want     string // the first console line
	}{
		{
			desc:     "pf-header-not-listed: the refused name as the page spelled it",
			method:   "PUT",
			header:   headers.List{{Name: "X-Test", Value: "1"}},
			pfHeader: headers.List{{Name: "Access-Control-Allow-Origin", Value: "http://app.test"}, {Name: "Access-Control-Allow-Methods", Value: "PUT"}},
			want:     "Request header field X-Test is not allowed by Access-Control-Allow-Headers.",
		},
		{
			desc:     "rnd-143: a name WebKit knows (Range) comes before the others, whatever the page's order",
			method:   "HEAD",
			header:   headers.List{{Name: "X-Api-Key", Value: "k"}, {Name: "DPR", Value: "2"}, {Name: "Range", Value: "bytes=-10"}},
			pfHeader: headers.List{{Name: "Access-Control-Allow-Origin", Value: "http://app.test"}},
			want:     "Request header field Range is not allowed by Access-Control-Allow-Headers.",
		},
		{
			desc:     "pf-acam-invalid-paren: the whole Access-Control-Allow-Methods value, not the bad token",
			method:   "PUT",
			pfHeader: headers.List{{Name: "Access-Control-Allow-Origin", Value: "http://app.test"}, {Name: "Access-Control-Allow-Methods", Value: "PUT, (bad)"}},
			want:     "Header Access-Control-Allow-Methods has an invalid value: PUT, (bad)",
		},
		{
			desc:     "acao-multiple-space (on a preflight here): a space-separated list is just not allowed, only a comma is more than one origin",
			method:   "PUT",
			pfHeader: headers.List{{Name: "Access-Control-Allow-Origin", Value: "http://app.test http://other.test"}},
			want:     "Origin http://app.test is not allowed by Access-Control-Allow-Origin. Status code: 204",
		},
	}
	p, _ := fetch.Lookup("safari")
	for _, tc := range tests {
		r, pre, err := p.NewRequest("http://app.test", url, fetch.Init{Method: tc.method, Headers: tc.header})
		if err != nil || pre != nil {
			t.Fatalf("%s: NewRequest: %v %v", tc.desc, err, pre)
		}
		out := p.CheckPreflight(r, r.Method, r.Header, 204, tc.pfHeader, "http://app.test", false)
		if out.Failure == nil {
			t.Errorf("%s: the preflight passed", tc.desc)
			continue
		}
		out.Failure.URL, out.Failure.Origin = url, "http://app.test"
		lines := p.Console(out.Failure)
		want := []string{tc.want, "Fetch API cannot load " + url + " due to access control checks.", "Failed to load resource: " + tc.want}
		if !slices.Equal(lines, want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.desc, lines, want)
		}
	}
}
