package explain_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
)

// TestLaterFetchFixes: a later fetch of a session that fails gets its
// own fixes, each checked on the whole session: applied, the scenario
// explained again passes every fetch. A CDN that served one site the
// reply stored for another (the scenario's own "cdn") is fixed in the
// cdn (Fix.CDN), never by allowing more in the policy; another cause
// gets the fetch's own policy fix, which allows no origin but that
// page's.
func TestLaterFetchFixes(t *testing.T) {
	for _, tc := range []struct {
		desc, source, scenario string
		// want are the fixes of then[0]: the format, and for a cdn fix
		// its key headers and whether it honours Vary.
		want []string
		// says is a word the first fix's summary must hold.
		says string
	}{
		{desc: "origin A's reply served to B: Origin in the key, or honouring Vary (S3 sent Vary: Origin with A's match)",
			source:   "RFC 9111 §4, §4.1; CloudFront header-caching.html (the cache key); S3 adds Vary: Origin on a match",
			scenario: `{"cdn":{},"policy":` + s3Two + `,"request":` + fetchFrom("http://a.test", "") + `,"then":[{"request":` + fetchFrom("http://b.test", "") + `}]}`,
			want:     []string{"cdn [Origin] false", "cdn [] true"}, says: "Origin to the CDN's cache key"},
		{desc: "an <img>'s no-cors reply served to a CORS fetch: only the key, since S3's reply to a request without Origin has no Vary",
			source:   "RFC 9111 §4.1 (a stored reply without Vary matches every request); S3 sends Vary only on a match",
			scenario: `{"cdn":{"key_headers":["Accept"]},"policy":` + s3Two + `,"request":` + fetchFrom("http://a.test", "no-cors") + `,"then":[{"request":` + fetchFrom("http://a.test", "") + `,"after_seconds":1}]}`,
			want:     []string{"cdn [Accept Origin] false"}, says: "Honouring Vary would not do"},
		{desc: "a CDN that already honours Vary: the key alone",
			source:   "RFC 9111 §4.1",
			scenario: `{"cdn":{"honours_vary":true},"policy":` + s3Two + `,"request":` + fetchFrom("http://a.test", "no-cors") + `,"then":[{"request":` + fetchFrom("http://a.test", "") + `}]}`,
			want:     []string{"cdn [Origin] true"}, says: "cache key"},
		{desc: "no CDN: a later page the bucket does not allow gets the fetch's own fix, its origin added, checked on the session",
			source:   "S3 CORS: an origin no rule lists gets no CORS headers (cloud-policies.md §1)",
			scenario: `{"policy":` + s3Two + `,"request":` + fetchFrom("http://a.test", "") + `,"then":[{"request":` + fetchFrom("http://c.test", "") + `}]}`,
			want:     []string{"s3-json"}, says: "http://c.test"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			v := mustExplain(t, tc.scenario)
			if !v.Allowed || len(v.Then) != 1 || v.Then[0].Allowed {
				t.Fatalf("want the first fetch to pass and the later to fail (%s)", tc.source)
			}
			if len(v.Fixes) != 0 {
				t.Errorf("the passing first fetch has fixes: %+v", v.Fixes)
			}
			var got []string
			for _, f := range v.Then[0].Fixes {
				d := f.Format
				if f.CDN != nil {
					d += " [" + strings.Join(f.CDN.KeyHeaders, " ") + "] " + map[bool]string{true: "true", false: "false"}[f.CDN.HonoursVary]
				}
				got = append(got, d)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("fixes %q, want %q (%s)", got, tc.want, tc.source)
			}
			if s := v.Then[0].Fixes[0].Summary; !strings.Contains(s, tc.says) {
				t.Errorf("summary %q lacks %q", s, tc.says)
			}
			want, _ := json.Marshal(v)
			if got := explain.AppendVerdict(nil, &v); string(got) != string(want) {
				t.Errorf("AppendVerdict differs from json.Marshal:\n%s\n%s", got, want)
			}
			for _, f := range v.Then[0].Fixes {
				s, err := explain.Decode([]byte(tc.scenario))
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(f.AllowedIn, "chrome") || f.Diff == "" {
					t.Errorf("fix %q: allowed in %v, diff %q", f.Summary, f.AllowedIn, f.Diff)
				}
				if f.CDN != nil {
					// The cdn alone changes: the policy is not widened.
					if f.Format != "cdn" || f.Text == s.Policy.Text {
						t.Errorf("cdn fix %+v", f)
					}
					s.CDN = f.CDN
				} else {
					before := s.Policy.Text
					s.Policy.Text = f.Text
					for _, o := range []string{"http://a.test", "http://b.test", "http://c.test"} {
						if strings.Contains(f.Text, o) != (strings.Contains(before, o) || o == "http://c.test") {
							t.Errorf("fix %q: origin %s", f.Text, o)
						}
					}
				}
				w, err := explain.Explain(s, opts)
				if err != nil {
					t.Fatal(err)
				}
				if !w.Allowed || !w.Then[0].Allowed {
					t.Errorf("with %q: first %v, later %v (%s)", f.Summary, w.Allowed, w.Then[0].Allowed, w.Then[0].Summary)
				}
			}
		})
	}
}

// TestLaterFixesOff: "fixes": false searches none, for the first fetch
// nor the later ones.
func TestLaterFixesOff(t *testing.T) {
	v := mustExplain(t, `{"fixes":false,"cdn":{},"policy":`+s3Two+`,"request":`+fetchFrom("http://a.test", "")+`,"then":[{"request":`+fetchFrom("http://b.test", "")+`}]}`)
	if v.Then[0].Allowed || len(v.Then[0].Fixes) != 0 {
		t.Errorf("later fetch: allowed %v, %d fixes", v.Then[0].Allowed, len(v.Then[0].Fixes))
	}
}
