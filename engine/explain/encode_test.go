package explain_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/wire"
)

// corpus is every scenario the package's tests know: the reason cases,
// the examples/ files and seeded random policies in seven formats.
func corpus(t *testing.T) []explain.Scenario {
	var out []explain.Scenario
	for _, tc := range reasonCases {
		s, err := explain.Decode([]byte(tc.scenario))
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		out = append(out, s)
	}
	for _, tc := range routeCases {
		s, err := explain.Decode([]byte(tc.scenario))
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		out = append(out, s)
	}
	for _, tc := range thenCases {
		s, err := explain.Decode([]byte(tc.scenario))
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		out = append(out, s)
	}
	files, _ := filepath.Glob("../../examples/*.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := explain.Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, s)
	}
	r := rand.New(rand.NewPCG(7, 12))
	for range 300 {
		s := explain.Scenario{Browser: pick(r, []string{"chrome", "firefox", "safari", "spec"}), Request: randomRequest(r)}
		p := randomPolicy(r)
		s.Policy = &p
		if r.IntN(2) == 0 {
			s.Preflight = &explain.Reply{Status: pick(r, []int{200, 204, 403}), Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "<&>\u2028"}}}
		}
		out = append(out, s)
	}
	return out
}

// AppendVerdict writes what json.Marshal writes for every verdict of the
// corpus (with fixes, rules, warnings, detections) and for one with every
// field set: the same JSON value, field order included. (Bytes may differ
// only in how a header value's control characters are escaped:
// headers.List.MarshalJSON writes \u0008 where json.Marshal writes \b.)
func TestAppendVerdictMatchesMarshal(t *testing.T) {
	n := 0
	for _, s := range corpus(t) {
		v, err := explain.Explain(s, opts)
		if err != nil {
			continue
		}
		n++
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := explain.AppendVerdict(nil, &v); !sameJSON(got, want) {
			t.Fatalf("AppendVerdict differs from json.Marshal:\n got %s\nwant %s", got, want)
		}
	}
	if n < 100 {
		t.Fatalf("only %d verdicts compared", n)
	}
	body := ""
	full := explain.Verdict{Browser: "chrome", Preflight: explain.PreflightTrace{Sent: true, Headers: map[string]string{"b": "2", "a": "<1>"},
		Request: &policy.Request{Method: "OPTIONS", URL: "http://x.test/"}, Reply: &explain.Reply{Status: 204, Body: "b\x00"}},
		ActualSent: true, ActualRequest: &policy.Request{Header: headers.List{{Name: "A", Value: "\xff\b\f<"}}}, Reply: &explain.Reply{},
		Exception: "TypeError", PreflightCacheSeconds: -5, Rules: []explain.Rule{{Rule: policy.Rule{Index: 2, ID: "i", Path: "p", Line: 7, Matched: true, Failed: "f", Source: "s"}, Detail: "d"}},
		Fixes: []explain.Fix{{Where: "client", Steps: []string{"x"}, Request: &explain.Request{Origin: "o", Init: fetch.Init{Headers: headers.List{{Name: "n", Value: "v"}}, Body: &body, BodyType: "blob:", Redirect: "manual"}},
			Preflight: &explain.Reply{Status: 1}, Response: &explain.Reply{Status: 2}, AllowedIn: []string{},
			Files: []explain.FileFix{{Name: "terraform.tfvars", Diff: "--- a\n", Text: "x = [\"<\"]"}, {}}, Params: map[string]string{"b": "[]", "a": "\"<\""}}, {}},
		Warnings: []explain.Warning{{Code: "c", Line: 1, Column: 2, Path: "$", Severity: "info"}}, Browsers: []explain.BrowserResult{{Browser: "x", Console: []string{}}},
		DecidedBy: &wire.Place{Layer: "gateway-response", Resource: "Api", File: "t.yaml", Line: 3, Column: 5},
		Detected:  &policy.Detection{Format: "f", Why: "w"}, BrowsersDiffer: true,
		Requests: []explain.SentRequest{{Preflight: true, Method: "OPTIONS", URL: "u", Origin: "null", ACRM: "PUT", ACRH: "x", Status: 204}, {}},
		Then:     []explain.Verdict{{Browser: "b", Preflight: explain.PreflightTrace{Cached: true}, Requests: []explain.SentRequest{}}, {}}, Steps: []explain.Step{{ID: "i", Header: "h", Spec: "s"}}, ReadableHeaders: []string{}}
	for _, v := range []explain.Verdict{full, {}} {
		want, _ := json.Marshal(v)
		if got := explain.AppendVerdict(nil, &v); !sameJSON(got, want) {
			t.Errorf("AppendVerdict differs from json.Marshal:\n got %s\nwant %s", got, want)
		}
	}
}

// sameJSON reports two texts holding the same JSON value with the same
// object keys in the same order.
func sameJSON(a, b []byte) bool {
	return json.Valid(a) && reflect.DeepEqual(tokens(a), tokens(b))
}

// tokens lists a JSON text's tokens in order (keys, values, delimiters).
func tokens(b []byte) []any {
	d := json.NewDecoder(bytes.NewReader(b))
	var out []any
	for {
		t, err := d.Token()
		if err != nil {
			return out
		}
		out = append(out, t)
	}
}

// The wasm API's failure object: {"error", "errors"} as json.Marshal
// writes it for a policy.Errors, a single *policy.Error and a plain error.
func TestAppendError(t *testing.T) {
	type failure struct {
		Error  string          `json:"error"`
		Errors []*policy.Error `json:"errors,omitempty"`
	}
	one := &policy.Error{File: "main.tf", Path: "$.a", Line: 1, Column: 2, Code: "C", Msg: "<m>"}
	for _, tc := range []struct {
		desc string
		err  error
		list []*policy.Error
	}{
		{desc: "positioned list", err: policy.Errors{one, {Msg: "second"}}, list: []*policy.Error{one, {Msg: "second"}}},
		{desc: "one positioned error", err: one, list: []*policy.Error{one}},
		{desc: "plain error", err: errors.New("plain \"x\"")},
		// AppendError finds the positioned faults as errors.As does, along
		// Unwrap() error and, depth first, Unwrap() []error (the errors
		// package's documentation of As), without its reflection.
		{desc: "a list wrapped by %w", err: fmt.Errorf("reading: %w", policy.Errors{one}), list: []*policy.Error{one}},
		{desc: "one error wrapped twice", err: fmt.Errorf("a: %w", fmt.Errorf("b: %w", one)), list: []*policy.Error{one}},
		{desc: "joined: a single error found depth first", err: errors.Join(errors.New("plain"), fmt.Errorf("x: %w", one)), list: []*policy.Error{one}},
		{desc: "joined: a list is looked for first, wherever it is", err: errors.Join(errors.New("plain"), fmt.Errorf("x: %w", one), policy.Errors{{Msg: "later"}}), list: []*policy.Error{{Msg: "later"}}},
	} {
		want, _ := json.Marshal(failure{Error: tc.err.Error(), Errors: tc.list})
		if got := explain.AppendError(nil, tc.err); !bytes.Equal(got, want) {
			t.Errorf("%s: AppendError = %s, json.Marshal %s", tc.desc, got, want)
		}
	}
}

// Decode reads what json.Unmarshal reads into a Scenario, for every
// scenario of the corpus written by json.Marshal.
func TestDecodeMatchesUnmarshal(t *testing.T) {
	for _, s := range corpus(t) {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := explain.Decode(b)
		if err != nil {
			t.Fatalf("Decode(%s): %v", b, err)
		}
		var want explain.Scenario
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Decode(%s) = %+v, json.Unmarshal %+v", b, got, want)
		}
	}
}

// FuzzDecode: no input panics, a syntax error has a line, and every
// scenario Decode accepts is what json.Unmarshal reads from the same text.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(designExample))
	f.Add([]byte(`{"request":{"origin":"a","url":"b","headers":{"X":null,"Y":"1"},"body":null},"response":{"status":null,"headers":[[null,"v"]]},"fixes":false}`))
	f.Add([]byte(`{"request":{"origin":"a","url":"b"},"request":{"origin":"c","url":"d"}}`))
	f.Add([]byte(`{"request":{"origin":"\ud83d","url":"\u00e9"},"preflight":{"status":204.0}}`))
	f.Add([]byte(`{"request":{"origin":"a","url":"http://a.test/"},"then":[{"request":{"origin":"b","url":"c","headers":[["X","1"]]},"after_seconds":1.5},{"request":{"origin":"d","url":"e"},"after_seconds":null}]}`))
	f.Add([]byte(`{"request":{"origin":"a","url":"http://a.test/"},"routes":[{"url":"http://b.test/","preflight":{"status":204},"response":null},{"url":"http://c.test/"}]}`))
	f.Add([]byte(`{"request":{"origin":"a","url":"http://a.test/"},"cdn":{"key_headers":["Origin",null],"honours_vary":true},"then":[{"request":{"origin":"b","url":"http://a.test/"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := explain.Decode(data)
		if err != nil {
			var es policy.Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %v is not a policy.Errors", err)
			}
			return
		}
		var want explain.Scenario
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("Decode accepts %q, json.Unmarshal says %v", data, err)
		}
		if want.Preflight != nil && want.Preflight.Header == nil {
			want.Preflight.Header = headers.List{}
		}
		if want.Response != nil && want.Response.Header == nil {
			want.Response.Header = headers.List{}
		}
		for _, r := range want.Routes {
			for _, p := range []*explain.Reply{r.Preflight, r.Response} {
				if p != nil && p.Header == nil {
					p.Header = headers.List{}
				}
			}
		}
		// Decode reads a wait to the microsecond (readSeconds).
		for i := range want.Then {
			if i < len(s.Then) && math.Abs(want.Then[i].AfterSeconds-s.Then[i].AfterSeconds) <= 1e-6*max(1, want.Then[i].AfterSeconds) {
				want.Then[i].AfterSeconds = s.Then[i].AfterSeconds
			}
		}
		if !reflect.DeepEqual(s, want) {
			t.Fatalf("Decode(%q) = %+v, json.Unmarshal %+v", data, s, want)
		}
	})
}

// TestAppendScenario: what AppendScenario writes, Decode reads back as
// the same scenario (the console-line candidates the page loads).
func TestAppendScenario(t *testing.T) {
	body := "hi"
	s := explain.Scenario{Browser: "firefox",
		Request:   explain.Request{Origin: "https://a.test", URL: "https://b.test/x", Init: fetch.Init{Method: "PUT", Headers: headers.List{{Name: "X-A", Value: "1\"<"}}, Credentials: "include", Body: &body, API: "xhr"}},
		Preflight: &explain.Reply{Status: 204, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://a.test"}}},
		Response:  &explain.Reply{Status: 307, Header: headers.List{{Name: "Location", Value: "https://c.test/y"}}, Body: "b"},
		Routes:    []explain.Route{{URL: "https://c.test/y", Response: &explain.Reply{Status: 200, Header: headers.List{}}}},
		Network:   &explain.Network{Page: "public", Target: "local", Permission: "granted"},
		Caller:    &explain.Caller{Authorized: false},
	}
	b := explain.AppendScenario(nil, &s)
	got, err := explain.Decode(b)
	if err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	want, _ := json.Marshal(s)
	back, _ := json.Marshal(got)
	if string(want) != string(back) {
		t.Errorf("round trip:\n got %s\nwant %s\nfrom %s", back, want, b)
	}
}

// TestDecodeCaller: the scenario's caller (design.md, "The contract
// grows") is read with its faults at their paths, and absent authorised
// means authorised.
func TestDecodeCaller(t *testing.T) {
	req := `"request":{"origin":"https://a.test","url":"https://b.test/"}`
	for _, tc := range []struct {
		desc, caller, path string
		want               *explain.Caller
	}{
		{desc: "refused", caller: `{"authorized":false}`, want: &explain.Caller{Authorized: false}},
		{desc: "accepted", caller: `{"authorized":true}`, want: &explain.Caller{Authorized: true}},
		{desc: "an empty caller is authorised", caller: `{}`, want: &explain.Caller{Authorized: true}},
		{desc: "null is no caller", caller: `null`},
		{desc: "authorized is a boolean", caller: `{"authorized":"no"}`, path: "$.caller.authorized"},
		{desc: "no other field", caller: `{"authorised":false}`, path: "$.caller.authorised"},
	} {
		s, err := explain.Decode([]byte(`{` + req + `,"caller":` + tc.caller + `}`))
		if tc.path != "" {
			if err == nil || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("%s: error %v, want one at %s", tc.desc, err, tc.path)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(s.Caller, tc.want) {
			t.Errorf("%s: got %+v, %v; want %+v", tc.desc, s.Caller, err, tc.want)
		}
	}
}
