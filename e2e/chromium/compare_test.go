package chromium

import (
	"errors"
	"testing"

	"github.com/whycors/whycors/engine/explain"
)

// The comparison is what makes the differential tests able to fail: each
// field that differs must be reported, and only those.
func TestCompareVerdict(t *testing.T) {
	base := func() (Seen, explain.Verdict) {
		pf := explain.PreflightTrace{Sent: true, Headers: map[string]string{"access-control-request-method": "PUT"}}
		return Seen{Allowed: false, Exception: "TypeError: Failed to fetch", Type: "error", ReadableHeaders: []string{},
				Reason: "PreflightInvalidStatus", ReasonKnown: true, Console: []string{"a", "b"}, Preflight: pf},
			explain.Verdict{Allowed: false, Exception: "TypeError: Failed to fetch", Type: "error",
				Reason: "PreflightInvalidStatus", Console: []string{"a", "b"}, Preflight: pf}
	}
	tests := []struct {
		desc   string
		change func(*Seen, *explain.Verdict)
		keep   func(string) bool
		want   []string
	}{
		{desc: "equal: nothing reported", change: func(*Seen, *explain.Verdict) {}},
		{desc: "a request's Origin and status differ: one diff each, by index", change: func(s *Seen, v *explain.Verdict) {
			s.Requests = []explain.SentRequest{{Method: "GET", URL: "u", Origin: "null", Status: 302}, {Method: "GET", URL: "v", Status: 200}}
			v.Requests = []explain.SentRequest{{Method: "GET", URL: "u", Origin: "null", Status: 302}, {Method: "GET", URL: "v", Origin: "null", Status: 0}}
		}, want: []string{"requests[1].origin", "requests[1].status"}},
		{desc: "another number of requests: the whole list", change: func(s *Seen, v *explain.Verdict) {
			v.Requests = []explain.SentRequest{{Method: "GET"}}
		}, want: []string{"requests"}},
		{desc: "allowed and status differ", change: func(s *Seen, v *explain.Verdict) { v.Allowed, v.Status, v.Exception = true, 200, "" },
			want: []string{"allowed", "status", "exception"}},
		{desc: "a preflight header differs", change: func(s *Seen, v *explain.Verdict) {
			v.Preflight.Headers = map[string]string{"access-control-request-method": "put"}
		}, want: []string{"preflight.headers"}},
		{desc: "a console line differs", change: func(s *Seen, v *explain.Verdict) { v.Console = []string{"a", "c"} },
			want: []string{"console"}},
		{desc: "a warning the harness cannot see is filtered out", change: func(s *Seen, v *explain.Verdict) { v.Console = []string{"a", "warn", "b"} },
			keep: func(l string) bool { return l != "warn" }},
		{desc: "reasons compared when the browser names them", change: func(s *Seen, v *explain.Verdict) { v.Reason = "MissingAllowOriginHeader" },
			want: []string{"reason"}},
		{desc: "not when it cannot", change: func(s *Seen, v *explain.Verdict) { s.ReasonKnown, v.Reason = false, "MissingAllowOriginHeader" }},
		{desc: "readable headers differ", change: func(s *Seen, v *explain.Verdict) { v.ReadableHeaders = []string{"x-a"} },
			want: []string{"readable_headers"}},
		{desc: "a later fetch of a session differs: its fields under then[i]", change: func(s *Seen, v *explain.Verdict) {
			s.Then = []Seen{{Type: "cors", Allowed: true, Status: 200, ReadableHeaders: []string{}, Console: []string{}, ReasonKnown: true}}
			v.Then = []explain.Verdict{{Type: "cors", Allowed: true, Status: 200, Console: []string{"x"}, Preflight: explain.PreflightTrace{Sent: true}}}
		}, want: []string{"then[0].preflight.sent", "then[0].console"}},
		{desc: "another number of later fetches", change: func(s *Seen, v *explain.Verdict) { v.Then = []explain.Verdict{{}} },
			want: []string{"then"}},
	}
	for _, tc := range tests {
		s, v := base()
		tc.change(&s, &v)
		var got []string
		for _, d := range CompareVerdict(s, v, nil, tc.keep) {
			got = append(got, d.Field)
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: fields %v, want %v", tc.desc, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: fields %v, want %v", tc.desc, got, tc.want)
			}
		}
	}
	s, v := base()
	if d := CompareVerdict(s, v, errors.New("bad scenario"), nil); len(d) != 1 || d[0].Field != "error" {
		t.Errorf("an engine error must be one mismatch, got %v", d)
	}
}

func TestReport(t *testing.T) {
	rows := []Row{
		{"a", Diff{"allowed", true, false}},
		{"a", Diff{"status", 200, 0}},
		{"b", Diff{"console", []string{"x"}, []string{}}},
	}
	text, n := Report("chromium", rows, 1)
	want := "\n  a [allowed]\n      chromium: true\n      explain:  false\n  a [status]\n      chromium: 200\n      explain:  0"
	if text != want || n != 1 {
		t.Errorf("Report = %q, %d; want %q, 1 (only the first exchange in detail, all its fields)", text, n, want)
	}
}

// A session's later fetches run under the exchange's prefix: the same
// URL as the first meets its preflight cache entries, and no other
// exchange's.
func TestEffectiveThen(t *testing.T) {
	c := Case{ID: "sess-x", Scenario: explain.Scenario{Request: explain.Request{Origin: "http://app.test", URL: "http://api.test/a"},
		Then: []explain.Later{{Request: explain.Request{Origin: "http://app2.test", URL: "http://api.test/a"}, AfterSeconds: 1.5},
			{Request: explain.Request{Origin: "http://app.test", URL: "http://api.test/b?q"}}}}}
	s, _, err := Effective(c)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{s.Request.URL, s.Then[0].Request.URL, s.Then[1].Request.URL}
	want := []string{"http://api.test/t/sess-x/a", "http://api.test/t/sess-x/a", "http://api.test/t/sess-x/b?q"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("URLs %q, want %q", got, want)
			break
		}
	}
	if s.Then[0].Request.Origin != "http://app2.test" || s.Then[0].AfterSeconds != 1.5 || c.Scenario.Then[0].Request.URL != "http://api.test/a" {
		t.Errorf("then %+v (the case's own scenario must stay as written: %+v)", s.Then, c.Scenario.Then)
	}
}
