package native_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
)

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		desc string
		text string
		want string // canonical form, "" to skip the comparison
	}{
		{
			desc: "short form becomes the long form, normalized",
			text: `{"origins": ["https://a.test"], "methods": ["put", "PATCH"], "request_headers": ["X-Custom"], "preflight_status": 204, "unmatched_preflight": "reject", "path": "/*"}`,
			want: "{\n  \"rules\": [\n    {\n      \"origins\": [\"https://a.test\"],\n      \"methods\": [\"PUT\", \"PATCH\"],\n      \"request_headers\": [\"x-custom\"]\n    }\n  ]\n}\n",
		},
		{desc: "test policy", text: testPolicy},
		{desc: "escapes", text: `{"name": "n", "path": "/a\"b\\c/*", "origins": ["https://a.test"], "max_age": 0, "dangerously_allow_insecure_origins": true}`},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			p := mustParse(t, tc.text)
			out := native.Write(p)
			if tc.want != "" && out != tc.want {
				t.Errorf("Write:\n%s\nwant:\n%s(the canonical form of native.Write's doc)", out, tc.want)
			}
			q, err := native.Parse(out)
			if err != nil {
				t.Fatalf("Parse(Write(p)): %v\n%s", err, out)
			}
			if !reflect.DeepEqual(p.Rules(), q.Rules()) {
				t.Errorf("rules differ after a round trip:\n%+v\n%+v", p.Rules(), q.Rules())
			}
			if again := native.Write(q); again != out {
				t.Errorf("Write is not stable:\n%s\n%s", out, again)
			}
		})
	}
}

func TestFormatRegistered(t *testing.T) {
	f, ok := reg.Lookup("native")
	if !ok {
		t.Fatal(`format "native" not registered`)
	}
	for _, mine := range []string{testPolicy, `{"origins": ["https://a.test"]}`, ` {"rules": [{"path": "/x/*", "origins" : []}]}`} {
		if ok, _ := f.Detect(mine); !ok {
			t.Errorf("Detect does not claim %s", mine)
		}
	}
	for _, other := range []string{
		`[{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]`,                        // S3 JSON (cloud-policies.md §1.1)
		`[{"origin": ["*"], "method": ["GET"], "maxAgeSeconds": 3600}]`,                 // GCS (cloud-policies.md §3)
		`{"AllowOrigins": ["*"]}`,                                                       // API Gateway HTTP (cloud-policies.md §5.1)
		`{"rules":[{"allowed":{"origins":["https://app.example"],"methods":["GET"]}}]}`, // R2 API (cloud-policies.md §2)
		`{"name": "origins"}`,                                                           // a value, not a field
	} {
		if ok, _ := f.Detect(other); ok {
			t.Errorf("Detect claims %s", other)
		}
	}
	ev, err := f.Parse(`{"origins": ["https://a.test"]}`)
	if err != nil || ev == nil {
		t.Fatalf("Parse through the registry: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(testPolicy)
	f.Add(`{"origins": ["https://a.test"]}`)
	f.Add(`{"origins": ["*"], "methods": ["*"], "request_headers": ["*"]}`)
	f.Add(`{"rules": [{"path": "/a/*", "origins": ["http://[::1]:*", "https://*.b.test:8443"]}]}`)
	f.Add(`{"origins": ["null", 1, true, null, {}], "max_age": 1e999}`)
	f.Add(`[`)
	f.Add(`{"a":"\ud800"}`)
	format, _ := reg.Lookup("native")
	reader := format.(convert.Reader)
	f.Fuzz(func(t *testing.T, text string) {
		format.Detect(text) // must not panic
		p, err := native.Parse(text)
		cfg, rerr := reader.ReadRules(text)
		if (err == nil) != (rerr == nil) {
			t.Fatalf("Parse: %v; ReadRules: %v", err, rerr)
		}
		if err != nil {
			var es policy.Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error is not a non-empty policy.Errors: %T %v", err, err)
			}
			for _, e := range es {
				if e.Line < 1 || e.Column < 1 || e.Msg == "" {
					t.Fatalf("fault without position or message: %+v", e)
				}
			}
			return
		}
		if len(cfg.Rules) != len(p.Rules()) {
			t.Fatalf("ReadRules: %d rules, Parse: %d", len(cfg.Rules), len(p.Rules()))
		}
		out := native.Write(p)
		q, err := native.Parse(out)
		if err != nil {
			t.Fatalf("Parse(Write(p)) failed: %v\n%s", err, out)
		}
		if native.Write(q) != out {
			t.Fatalf("Write not stable for %q", text)
		}
		// Evaluating never panics.
		var a native.Answer
		for _, o := range []string{"https://a.test", "null", "http://[::1]:80", ""} {
			p.Decide(&native.Input{Method: "OPTIONS", Path: "/a/x", Origin: o, HasOrigin: true, ACRM: "PUT", HasACRM: true, ACRH: []string{"x"}}, &a)
			p.Decide(&native.Input{Method: "GET", Path: strings.Repeat("/", len(o)), Origin: o, HasOrigin: true}, &a)
		}
	})
}

// reg holds this package's formats.
var reg = policy.NewRegistry(native.Formats()...)
