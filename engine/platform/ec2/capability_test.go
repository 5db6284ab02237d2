package ec2_test

import (
	"errors"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/platform/ec2"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// TestCapabilities calls the capability of ec2 through the format value
// of ec2.Formats(). The expected rule is the EC2 API Reference page
// "Cross-Origin Resource Sharing Support" (cloud-policies.md §5.3).
func TestCapabilities(t *testing.T) {
	fs := ec2.Formats()
	if len(fs) != 1 || fs[0].Name() != "ec2" {
		t.Fatalf("Formats() = %v", fs)
	}
	rd, ok := fs[0].(convert.Reader)
	if !ok {
		t.Fatal("not a convert.Reader")
	}
	cfg, err := rd.ReadRules("ec2")
	if err != nil {
		t.Fatal(err)
	}
	// "accepts any headers in preflight requests": the requested names
	// are echoed, so "*" here covers Authorization and credentials.
	if cfg.Format != "ec2" || cfg.Semantics != (portable.Semantics{EchoHeaders: true}) || len(cfg.Rules) != 1 {
		t.Fatalf("ReadRules = %+v", cfg)
	}
	r := cfg.Rules[0]
	texts := func(vs []portable.Value) string {
		s := ""
		for _, v := range vs {
			s += v.Text + " "
		}
		return s
	}
	if got := texts(r.Origins); got != "* " {
		t.Errorf("origins %q, want * (Access-Control-Allow-Origin is always *)", got)
	}
	if got := texts(r.Methods); got != "GET POST OPTIONS DELETE PUT " {
		t.Errorf("methods %q, want GET, POST, OPTIONS, DELETE and PUT", got)
	}
	if got := texts(r.AllowHeaders); got != "* " {
		t.Errorf("headers %q, want * (any header accepted)", got)
	}
	if r.Credentials || r.MaxAge == nil || *r.MaxAge != 1800 {
		t.Errorf("credentials %v, max-age %v: want never credentials, Access-Control-Max-Age 1800", r.Credentials, r.MaxAge)
	}
	_, err = rd.ReadRules(`{"AllowOrigins": ["*"]}`)
	var es policy.Errors
	if !errors.As(err, &es) || es[0].Line != 1 {
		t.Errorf("ReadRules of a text that is not the preset: %v, want a positioned policy.Errors", err)
	}
}
