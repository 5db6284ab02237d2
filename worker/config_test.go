//go:build !(js && wasm)

package main

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/headers"
)

const okPolicy = `{"origins": ["https://app.example.com"]}`

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		desc string
		env  map[string]string
		// want is a substring of each fault, in order; none means valid.
		want []string
	}{
		{desc: "minimal valid: native policy detected, https upstream", env: map[string]string{envPolicy: okPolicy, envUpstream: "https://api.example.com"}},
		{desc: "nothing set: both required variables named", env: map[string]string{},
			want: []string{envUpstream + ": missing", envPolicy + ": missing"}},
		{desc: "every fault at once, each with its variable", env: map[string]string{envPolicy: okPolicy, envUpstream: "ftp://x", envDebug: "maybe", envRefuse: "drop", envTimeoutMs: "0"},
			want: []string{envDebug + ": want true or false", envRefuse + ": want forward or refuse", envTimeoutMs + ": want a whole number", envUpstream + ": want an http or https URL"}},
		{desc: "upstream with query is refused (the worker appends the caller's)", env: map[string]string{envPolicy: okPolicy, envUpstream: "https://api.example.com/?a=1"},
			want: []string{envUpstream + ": no query or fragment"}},
		{desc: "upstream with credentials is refused", env: map[string]string{envPolicy: okPolicy, envUpstream: "https://u:p@api.example.com"},
			want: []string{envUpstream + ": credentials in the URL"}},
		{desc: "unknown format name lists the known ones", env: map[string]string{envPolicy: okPolicy, envUpstream: "https://a.example", envFormat: "yaml"},
			want: []string{envFormat + `: unknown format "yaml"; known: auto, `}},
		{desc: "text no format claims", env: map[string]string{envPolicy: "allow everything", envUpstream: "https://a.example"},
			want: []string{map[bool]string{true: envPolicy + ": not a policy in any known format", false: envPolicy + " (native): syntax"}[canPlatform]}},
		// Positions: the native reader reports line 1, column 13 for the
		// value of "origins" in {"origins": "x"} (1-based, as
		// policy.Error documents).
		{desc: "policy faults keep the reader's position and name the variable and format", env: map[string]string{envPolicy: `{"origins": "x"}`, envUpstream: "https://a.example", envFormat: "native"},
			want: []string{"line 1, column 13: " + envPolicy + " (native) $.origins"}},
	}
	for _, tc := range tests {
		cfg, errs := LoadConfig(envOf(tc.env))
		if len(tc.want) == 0 {
			if len(errs) > 0 || cfg == nil || cfg.Policy == nil && cfg.Eval == nil {
				t.Errorf("%s: errors %v", tc.desc, errs)
			}
			continue
		}
		if cfg != nil {
			t.Errorf("%s: got a config despite faults", tc.desc)
		}
		if len(errs) != len(tc.want) {
			t.Errorf("%s: %d faults, want %d:\n%v", tc.desc, len(errs), len(tc.want), errs)
			continue
		}
		for i, w := range tc.want {
			if !strings.Contains(errs[i].Error(), w) {
				t.Errorf("%s: fault %d is %q, want it to contain %q", tc.desc, i, errs[i].Error(), w)
			}
		}
	}
}

// TestUpstreamURL: the caller picks the path and query under the
// configured upstream, never the host (no open proxy).
func TestUpstreamURL(t *testing.T) {
	tests := []struct {
		desc, upstream, target, want string
	}{
		{desc: "path and query appended", upstream: "https://api.example.com", target: "/a/b?x=1", want: "https://api.example.com/a/b?x=1"},
		{desc: "prefix kept, trailing slash dropped", upstream: "https://api.example.com/v1/", target: "/items", want: "https://api.example.com/v1/items"},
		{desc: "percent-encoding kept as sent", upstream: "http://127.0.0.1:9", target: "/a%2Fb", want: "http://127.0.0.1:9/a%2Fb"},
		{desc: "a scheme-relative-looking path stays a path", upstream: "https://api.example.com", target: "//evil.example/x", want: "https://api.example.com//evil.example/x"},
		{desc: "absolute-form target: only its path and query are used", upstream: "https://api.example.com", target: "http://evil.example/p?q", want: "https://api.example.com/p?q"},
	}
	for _, tc := range tests {
		cfg, errs := LoadConfig(envOf(map[string]string{envPolicy: okPolicy, envUpstream: tc.upstream}))
		if errs != nil {
			t.Fatalf("%s: %v", tc.desc, errs)
		}
		// The target as worker.mjs and the non-js handler (requestOf) read it.
		r := httptest.NewRequest("GET", tc.target, nil)
		if got := cfg.Upstream + requestOf(r).Target; got != tc.want {
			t.Errorf("%s: %q, want %q", tc.desc, got, tc.want)
		}
	}
}

func FuzzLoadConfig(f *testing.F) {
	f.Add(okPolicy, "https://api.example.com", "auto", "true", "refuse", "100")
	f.Add(`{"rules":[{"path":"/api/*","origins":["*"]}]}`, "http://127.0.0.1:8080/p", "native", "", "", "")
	f.Add(`[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]`, "https://x", "s3-json", "0", "forward", "300000")
	f.Add("", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, pol, up, format, debug, refuse, timeout string) {
		env := map[string]string{envPolicy: pol, envUpstream: up, envFormat: format, envDebug: debug, envRefuse: refuse, envTimeoutMs: timeout}
		cfg, errs := LoadConfig(envOf(env))
		if (cfg == nil) == (len(errs) == 0) {
			t.Fatalf("config %v with errors %v: want exactly one", cfg, errs)
		}
		for _, e := range errs {
			if e.Path == "" {
				t.Errorf("fault without a variable: %v", e)
			}
		}
		if cfg != nil {
			if s := NewServer(cfg, nil, false); s.refusal != nil {
				t.Fatalf("valid config did not give a serving server")
			}
		}
	})
}

// TestPlatformAtStart: a policy in another format is read with its own
// reader when the worker starts, and answers as its platform does (the
// preflight compared with the platform's evaluator in platform_test.go).
// Sources of the expected outcomes: shared/reference/cloud-policies.md for
// each platform's meaning, and each format package's reader.
func TestPlatformAtStart(t *testing.T) {
	if !canPlatform {
		t.Skip("built with whycors_nativeonly")
	}
	const app = "https://app.test"
	tests := []struct {
		desc   string
		format string // WHYCORS_POLICY_FORMAT; "" for auto
		text   string
		env    map[string]string
		from   string   // the format the worker reports
		faults []string // substrings of each fault, in order; none means it serves
		// a preflight from app for PUT: allowed?
		allowsPUT bool
	}{
		{desc: "S3 JSON", text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET","HEAD","POST","PUT"]}]`, from: "s3-json", allowsPUT: true},
		{desc: "S3 JSON listing GET only, which converting to native would widen: served as S3 serves it, the PUT preflight refused (S3 matches the requested method)", text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"]}]`, from: "s3-json"},
		{desc: "S3 XML", text: `<CORSConfiguration><CORSRule><AllowedOrigin>https://app.test</AllowedOrigin><AllowedMethod>PUT</AllowedMethod></CORSRule></CORSConfiguration>`, from: "s3-xml", allowsPUT: true},
		{desc: "a named format is used as named", format: "gcs-json", text: `[{"origin":["https://app.test"],"method":["GET","HEAD","POST","PUT"]}]`, from: "gcs-json", allowsPUT: true},
		{desc: "API Gateway HTTP API CorsConfiguration", text: `{"AllowOrigins":["https://app.test"],"AllowMethods":["GET","HEAD","POST","PUT"]}`, from: "apigw-http", allowsPUT: true},
		{desc: "EC2's fixed policy (cloud-policies.md §5.3: ACAO *, methods GET, POST, OPTIONS, DELETE, PUT)", format: "ec2", text: "ec2", from: "ec2", allowsPUT: true},
		{desc: "nginx, read by its own reader (it has no rules to convert, and needs none)", format: "nginx", text: "location / {\n  if ($request_method = OPTIONS) {\n    add_header Access-Control-Allow-Origin https://app.test;\n    add_header Access-Control-Allow-Methods PUT;\n    return 204;\n  }\n}\n", from: "nginx", allowsPUT: true},
		{desc: "the platform's own refusal keeps its position (S3: at most one wildcard per origin)", text: `[{"AllowedOrigins":["https://*.*.test"],"AllowedMethods":["GET","HEAD","POST"]}]`,
			faults: []string{"line 1, column 21: WHYCORS_POLICY (s3-json)"}},
		{desc: "a raw reply is a capture, not a policy: refused, saying so", text: "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n\r\n",
			faults: []string{envPolicy + ": a captured reply (raw HTTP or HAR)"}},
		{desc: "a HAR file too", text: `{"log": {"version": "1.2", "entries": []}}`,
			faults: []string{envPolicy + ": a captured reply (raw HTTP or HAR)"}},
		{desc: "a capture named as such", format: "har", text: `{"log": {"entries": []}}`,
			faults: []string{envFormat + ": a captured reply (raw HTTP or HAR)"}},
		{desc: "WHYCORS_DISALLOWED=refuse is native's; another format answers as its platform does", text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["PUT"]}]`, env: map[string]string{envRefuse: "refuse"},
			faults: []string{envRefuse + ": refuse applies to native policies only"}},
	}
	for _, tc := range tests {
		env := map[string]string{envPolicy: tc.text, envUpstream: "https://a.example", envFormat: tc.format}
		for k, v := range tc.env {
			env[k] = v
		}
		cfg, errs := LoadConfig(envOf(env))
		if len(tc.faults) > 0 {
			if len(errs) != len(tc.faults) {
				t.Errorf("%s: faults %v, want %d", tc.desc, errs, len(tc.faults))
				continue
			}
			for i, w := range tc.faults {
				if !strings.Contains(errs[i].Error(), w) {
					t.Errorf("%s: fault %q lacks %q", tc.desc, errs[i].Error(), w)
				}
			}
			continue
		}
		if errs != nil {
			t.Errorf("%s: %v", tc.desc, errs)
			continue
		}
		if cfg.Format != tc.from || cfg.Eval == nil || cfg.Policy != nil {
			t.Errorf("%s: format %q (evaluator %v), want %q with its evaluator", tc.desc, cfg.Format, cfg.Eval != nil, tc.from)
			continue
		}
		q := Request{Method: "OPTIONS", Target: "/x", URL: "https://a.example", Header: headers.List{{Name: "origin", Value: app}, {Name: "access-control-request-method", Value: "PUT"}}}
		d := NewServer(cfg, nil, false).Decide(&q)
		if allowed := d.Action == Reply && d.Status/100 == 2; allowed != tc.allowsPUT {
			t.Errorf("%s: PUT preflight from %s answered %d (action %d), want allowed=%v", tc.desc, app, d.Status, d.Action, tc.allowsPUT)
		}
	}
}
