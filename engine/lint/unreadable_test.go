package lint_test

import (
	"errors"
	"testing"

	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// TestUnreadableIsAnInputError: a text its format's reader cannot read at
// all is Lint's error (the command exits 2), with the position of the
// fault; a text the platform reads and refuses stays a "rejected" (or
// options-method) finding.
func TestUnreadableIsAnInputError(t *testing.T) {
	tests := []struct {
		desc, source, format, text string
		unreadable                 bool
		line                       int
	}{
		{desc: "S3 JSON cut short", source: "RFC 8259", format: "s3-json", text: "[{\"AllowedOrigins\": [\"https://a.test\"]\n", unreadable: true, line: 2},
		{desc: "S3 XML not well-formed", source: "XML 1.0 §2.1 well-formed documents", format: "s3-xml", text: "<CORSConfiguration><CORSRule>", unreadable: true, line: 1},
		{desc: "Azure XML not well-formed", source: "XML 1.0 §2.1", format: "azure-xml", text: "<Cors><CorsRule>", unreadable: true, line: 1},
		{desc: "native JSON cut short", source: "RFC 8259", format: "native", text: "{\"origins\": [", unreadable: true, line: 1},
		{desc: "nginx directive without ;", source: "nginx.org/en/docs/beginners_guide.html#conf_structure", format: "nginx", text: "location / {\n  add_header X y\n}\n", unreadable: true, line: 2},
		{desc: "Express options the reader cannot evaluate offline", source: "engine/formats/express: literal values only", format: "express", text: "app.use(cors({methods: pick()}))", unreadable: true, line: 1},
		{desc: "raw text that is not an HTTP reply", source: "RFC 9112 §4 status-line", format: "raw", text: "hello world", unreadable: true, line: 1},
		{desc: "HAR that is not JSON", source: "HAR 1.2 is JSON", format: "har", text: "{\"log\":", unreadable: true, line: 1},
		{desc: "S3 reads OPTIONS and refuses it: a finding", source: "cloud-policies.md §1.2", format: "s3-json", text: `[{"AllowedOrigins":["https://a.test"],"AllowedMethods":["OPTIONS"]}]`},
		{desc: "native reads * with credentials and refuses it: a finding", source: "native doc", format: "native", text: `{"origins": ["*"], "credentials": true}`},
	}
	for _, tc := range tests {
		fs, err := lint.Lint(reg, tc.text, tc.format)
		var es policy.Errors
		switch {
		case tc.unreadable && !errors.As(err, &es):
			t.Errorf("%s (%s): no input error; findings %+v", tc.desc, tc.source, fs)
		case tc.unreadable && (es[0].Line != tc.line || !es[0].Unreadable):
			t.Errorf("%s: first fault %+v, want line %d, unreadable", tc.desc, es[0], tc.line)
		case !tc.unreadable && (err != nil || !hasError(fs)):
			t.Errorf("%s (%s): err %v findings %+v, want an error finding", tc.desc, tc.source, err, fs)
		}
	}
}

func hasError(fs []lint.Finding) bool {
	for _, f := range fs {
		if f.Severity == lint.Error {
			return true
		}
	}
	return false
}
