package ec2_test

import (
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/ec2"
	"github.com/whycors/whycors/engine/policy"
)

// TestPolicy: every expected value is a sentence of the EC2 API Reference
// page "Cross-Origin Resource Sharing Support" (shared/seeds).
func TestPolicy(t *testing.T) {
	tests := []struct {
		desc   string
		req    policy.Request
		want   map[string]string // "" = must be absent
		source string
	}{
		{desc: "preflight", req: policy.Request{Method: "OPTIONS", URL: "https://ec2.amazonaws.com/", Header: headers.List{
			{Name: "Origin", Value: "https://mywebsite.example.com"}, {Name: "Access-Control-Request-Method", Value: "POST"},
			{Name: "Access-Control-Request-Headers", Value: "x-other-header, authorization"}}},
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Max-Age": "1800",
				"Access-Control-Allow-Methods": "GET, POST, OPTIONS, DELETE, PUT", "Access-Control-Allow-Headers": "x-other-header, authorization",
				"Access-Control-Allow-Credentials": "", "Access-Control-Expose-Headers": ""},
			source: "Preflight Response Header Values"},
		{desc: "simple request", req: policy.Request{Method: "GET", URL: "https://ec2.amazonaws.com/?Action=DescribeRegions", Header: headers.List{{Name: "Origin", Value: "https://mywebsite.example.com"}}},
			want:   map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": ""},
			source: "Simple/Actual Response Header Values"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			out := ec2.Policy{}.Respond(tc.req, policy.Reply{Status: 200})
			for name, want := range tc.want {
				got, ok := out.Reply.Header.Get(name)
				if want == "" && ok || want != "" && got != want {
					t.Errorf("%s = %q (present %v), want %q (%s)", name, got, ok, want, tc.source)
				}
			}
		})
	}
}

func TestParse(t *testing.T) {
	for _, ok := range []string{"", "ec2", " EC2\n"} {
		if _, err := ec2.Parse(ok); err != nil {
			t.Errorf("%q rejected: %v", ok, err)
		}
	}
	if _, err := ec2.Parse("[]"); err == nil {
		t.Error("other text accepted")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("ec2")
	f.Fuzz(func(t *testing.T, s string) {
		if p, err := ec2.Parse(s); err == nil {
			p.Respond(policy.Request{Method: "OPTIONS", Header: headers.List{{Name: "Access-Control-Request-Method", Value: s}}}, policy.Reply{})
		}
	})
}
