package postest

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/policy"
)

// DefaultAuthorizer holds a template of an HTTP API whose $default route
// has an authorizer (text, in format) to what the other commands say of
// it, open telling whether an OPTIONS /{proxy+} route without
// authorization takes the preflights first: convert refuses to write
// rules that answer the preflights the authorizer refuses, and lint
// reports apigw.CodeDefaultAuthorizer, an error, unless open. Found as a
// new user would: explain blocked the fetch at the authorizer's 401,
// while convert wrote the rules (exit 0) and lint said nothing.
func DefaultAuthorizer(t *testing.T, reg *policy.Registry, desc, text, format string, open bool) {
	t.Helper()
	_, _, err := convert.Convert(reg, text, format, "native")
	if refused := err != nil && strings.Contains(err.Error(), "authorizer's 401"); refused == open {
		t.Errorf("%s: convert to native: %v", desc, err)
	}
	fs, err := lint.Lint(reg, text, format)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fs {
		found = found || f.Code == apigw.CodeDefaultAuthorizer && f.Severity == "error"
	}
	if found == open {
		t.Errorf("%s: lint's %s %v, want %v: %+v", desc, apigw.CodeDefaultAuthorizer, found, !open, fs)
	}
}
