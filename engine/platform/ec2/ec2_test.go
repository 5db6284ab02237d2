package ec2_test

import (
	"errors"
	"testing"

	"github.com/whycors/whycors/engine/convert"
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
	_, err := ec2.Parse("\n  []")
	var es policy.Errors
	if !errors.As(err, &es) || es[0].Line != 2 || es[0].Column != 3 {
		t.Errorf("other text: %v, want a fault at 2:3, where the text starts", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("ec2")
	f.Add(" \n\t[]")
	reader := ec2.Formats()[0].(convert.Reader)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ec2.Parse(s)
		_, rerr := reader.ReadRules(s)
		if (err == nil) != (rerr == nil) {
			t.Fatalf("Parse: %v; ReadRules: %v", err, rerr)
		}
		// The one fault of a text that is not the preset is where the
		// text starts.
		var es policy.Errors
		if err != nil && (!errors.As(err, &es) || len(es) != 1 || es[0].Line < 1) {
			t.Fatalf("fault %v, want one positioned policy.Errors", err)
		}
		if err != nil {
			return
		}
		p.Respond(policy.Request{Method: "OPTIONS", Header: headers.List{{Name: "Access-Control-Request-Method", Value: s}}}, policy.Reply{})
	})
}
