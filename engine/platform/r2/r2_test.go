package r2_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/platform/r2"
	"github.com/whycors/whycors/engine/policy"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		desc, text string
		form       r2.Form
		code, path string // "" code: accepted
		cites      string
	}{
		{desc: "one partial wildcard is accepted", form: r2.FormAPI,
			text:  `{"rules":[{"allowed":{"origins":["https://*-myapp.sub.workers.dev"],"methods":["GET"]}}]}`,
			cites: "cloud-policies.md §2 (cloudflare-docs#32888, tested on a real bucket)"},
		{desc: "wildcard port is MalformedXML", form: r2.FormAPI, code: "MalformedXML", path: "$.rules[0].allowed.origins[0]",
			text:  `{"rules":[{"allowed":{"origins":["http://localhost:*"],"methods":["GET"]}}]}`,
			cites: "cloud-policies.md §2 (cloudflare-docs#32888)"},
		{desc: "OPTIONS is not a method R2 accepts", form: r2.FormJSON, code: "InvalidRequest", path: "$[0].AllowedMethods[1]",
			text:  `[{"AllowedOrigins":["*"],"AllowedMethods":["GET","OPTIONS"]}]`,
			cites: "cloud-policies.md §2 (methods enum; cloudflare/workerd#4280)"},
		{desc: "MaxAgeSeconds above 86400", form: r2.FormAPI, code: "InvalidArgument", path: "$.rules[0]",
			text:  `{"rules":[{"allowed":{"origins":["*"],"methods":["GET"]},"maxAgeSeconds":86401}]}`,
			cites: "cloud-policies.md §2 (MaxAgeSeconds max 86400)"},
		{desc: "API reply wrapper", form: r2.FormAPI,
			text:  `{"success":true,"result":{"rules":[{"allowed":{"origins":["https://a.test"],"methods":["PUT"],"headers":["content-type"]},"id":"up","exposeHeaders":["ETag"],"maxAgeSeconds":3600}]}}`,
			cites: "developers.cloudflare.com/api r2 buckets cors (GET reply)"},
		{desc: "unknown field in allowed", form: r2.FormAPI, code: "", path: "$.rules[0].allowed.origin",
			text:  `{"rules":[{"allowed":{"origin":["*"],"methods":["GET"]}}]}`,
			cites: "API schema: allowed has origins, methods, headers"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := r2.Parse(tc.form, tc.text)
			if tc.code == "" && tc.path == "" {
				if err != nil {
					t.Fatalf("rejected: %v (%s)", err, tc.cites)
				}
				return
			}
			var es policy.Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("got %v, want %s at %s (%s)", err, tc.code, tc.path, tc.cites)
			}
			if es[0].Code != tc.code || es[0].Path != tc.path {
				t.Errorf("got %+v, want %s at %s (%s)", *es[0], tc.code, tc.path, tc.cites)
			}
		})
	}
}

// TestPartialWildcardMatch: cloudflare-docs#32888: "https://*-myapp..."
// matches "https://a1b2c3d4-myapp..." and not "https://other-worker...".
func TestPartialWildcardMatch(t *testing.T) {
	c, err := r2.Parse(r2.FormAPI, `{"rules":[{"allowed":{"origins":["https://*-myapp.acct.workers.dev"],"methods":["GET"]}},
 {"allowed":{"origins":["https://x.test"],"methods":["GET"]}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, origin string
		want         bool
		trace        []string
	}{
		{desc: "matches", origin: "https://a1b2c3d4-myapp.acct.workers.dev", want: true, trace: []string{""}},
		{desc: "other worker", origin: "https://other-worker.acct.workers.dev", want: false, trace: []string{"origin", "origin"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			out := r2.Bucket{CORS: c}.Respond(policy.Request{Method: "OPTIONS", URL: "https://pub.r2.dev/k", Header: headers.List{
				{Name: "Origin", Value: tc.origin}, {Name: "Access-Control-Request-Method", Value: "GET"}}}, policy.Reply{})
			if got := out.Reply.Status == 200; got != tc.want {
				t.Errorf("allowed %v (status %d), want %v", got, out.Reply.Status, tc.want)
			}
			if len(out.Rules) != len(tc.trace) {
				t.Fatalf("trace %+v", out.Rules)
			}
			for i, f := range tc.trace {
				if out.Rules[i].Failed != f {
					t.Errorf("rule %d failed %q, want %q", i, out.Rules[i].Failed, f)
				}
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	src := `{"rules":[{"allowed":{"origins":["https://a.test"],"methods":["GET","PUT"],"headers":["*"]},"id":"r","exposeHeaders":["ETag"],"maxAgeSeconds":600},{"allowed":{"origins":["*"],"methods":["HEAD"]}}]}`
	c, err := r2.Parse(r2.FormAPI, src)
	if err != nil {
		t.Fatal(err)
	}
	text, err := r2.Write(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := r2.Parse(r2.FormAPI, text)
	if err != nil {
		t.Fatal(err)
	}
	a, b := c.Rules, back.Rules
	for i := range a {
		if strings.Join(a[i].AllowedOrigins, ",") != strings.Join(b[i].AllowedOrigins, ",") || a[i].ID != b[i].ID ||
			strings.Join(a[i].AllowedHeaders, ",") != strings.Join(b[i].AllowedHeaders, ",") || (a[i].MaxAgeSeconds == nil) != (b[i].MaxAgeSeconds == nil) {
			t.Errorf("rule %d changed: %+v -> %+v", i, a[i], b[i])
		}
	}
	// Write refuses what R2 refuses instead of widening.
	bad, _ := r2.Parse(r2.FormAPI, src)
	bad.Rules[0].AllowedOrigins = []string{"http://localhost:*"}
	if _, err := r2.Write(bad); err == nil {
		t.Error("Write accepted a port wildcard")
	}
}

// FuzzParse: no input panics R2's readers, a rejected input carries the
// position of each fault (a line or a path), and whatever is accepted can
// be evaluated and written back in the API shape.
func FuzzParse(f *testing.F) {
	f.Add(uint8(0), `{"rules":[{"allowed":{"origins":["*"],"methods":["GET"]}}]}`)
	f.Add(uint8(1), `[{"AllowedOrigins":["http://localhost:*"],"AllowedMethods":["GET"]}]`)
	f.Add(uint8(2), `{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]}`)
	f.Add(uint8(3), `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`)
	forms := []r2.Form{r2.FormAPI, r2.FormJSON, r2.FormCLI, r2.FormXML}
	f.Fuzz(func(t *testing.T, which uint8, text string) {
		c, err := r2.Parse(forms[int(which)%len(forms)], text)
		if err != nil {
			postest.Rejected(t, err)
			return
		}
		r2.Bucket{CORS: c}.Respond(policy.Request{Method: "GET", URL: "/", Header: headers.List{{Name: "Origin", Value: "https://a"}}}, policy.Reply{Status: 200})
		if _, err := r2.Write(c); err != nil {
			t.Fatalf("accepted but not writable: %v", err)
		}
	})
}
