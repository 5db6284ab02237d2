package lint_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/lint"
)

// TestErrors: Errors is Read's errors, in Read's order, whether or not
// the checks it leaves out would have filled MaxFindings.
func TestErrors(t *testing.T) {
	rule := `{"AllowedOrigins":["https://*.com","http://a.test","null"],"AllowedMethods":["GET","OPTIONS"],"AllowedHeaders":["Cookie","x-*-*"],"MaxAgeSeconds":90000}`
	many := func(n int) string { return "[" + strings.TrimSuffix(strings.Repeat(rule+",", n), ",") + "]" }
	tests := []struct{ desc, format, text string }{
		{"S3, one rule of every kind of finding", "s3-json", many(1)},
		{"S3, rules repeated: duplicate-rule on each", "s3-json", many(40)},
		{"S3, findings past MaxFindings", "s3-json", many(120)},
		{"GCS, findings past MaxFindings", "gcs-json", `[` + strings.TrimSuffix(strings.Repeat(`{"origin":["https://*.com","http://a.test","null","https://x.test/"],"method":["GET","bad method"],"responseHeader":["Set-Cookie"],"maxAgeSeconds":90000},`, 150), ",") + `]`},
		{"native", "native", `{"origins":["*"],"credentials":true,"methods":["PUT","OPTIONS"]}`},
		{"Express", "express", `app.use(cors({origin: true, credentials: true}))`},
		{"nginx", "nginx", "location / {\n    add_header Access-Control-Allow-Origin $http_origin;\n    add_header Access-Control-Allow-Credentials true always;\n}\n"},
		{"unreadable", "s3-json", `[{"AllowedOrigins":`},
	}
	for _, tt := range tests {
		f, ok := reg.Lookup(tt.format)
		if !ok {
			t.Fatalf("%s: no format %s", tt.desc, tt.format)
		}
		src, err := convert.Read(reg, tt.text, tt.format)
		want := []lint.Finding{}
		for _, x := range lint.Read(f, tt.text, src, err) {
			if x.Severity == lint.Error {
				want = append(want, x)
			}
		}
		if got := lint.Errors(f, tt.text, src, err); !reflect.DeepEqual(got, want) && (len(got) > 0 || len(want) > 0) {
			t.Errorf("%s: Errors = %v, want Read's errors %v", tt.desc, got, want)
		}
	}
}

// FuzzErrors: for any text in any format, Errors is Read's errors.
func FuzzErrors(f *testing.F) {
	f.Add("s3-json", `[{"AllowedOrigins":["https://*.com"],"AllowedMethods":["GET"]},{"AllowedOrigins":["https://*.com"],"AllowedMethods":["GET"]}]`)
	f.Add("native", `{"origins":["*"],"credentials":true}`)
	f.Add("nginx", "location / {\n    add_header Access-Control-Allow-Origin $http_origin;\n}\n")
	f.Fuzz(func(t *testing.T, format, text string) {
		fm, ok := reg.Lookup(format)
		if !ok {
			return
		}
		src, err := convert.Read(reg, text, format)
		var want []lint.Finding
		for _, x := range lint.Read(fm, text, src, err) {
			if x.Severity == lint.Error {
				want = append(want, x)
			}
		}
		if got := lint.Errors(fm, text, src, err); len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Fatalf("Errors = %v, want Read's errors %v", got, want)
		}
	})
}
