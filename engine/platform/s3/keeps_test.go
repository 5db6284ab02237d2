package s3_test

import (
	"reflect"
	"testing"

	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
)

// TestReadKeepsNoTree: Read parses JSON on memory it lends again to the
// next parse (jsontext.Borrow), so a Configuration and its errors must
// keep nothing of the tree. Each text's reading, made before the other
// texts' readings reused that memory, must equal a fresh reading of it
// after, in each JSON form: the recorded vectors' configurations, and
// rules with every field, wrong types and unknown keys.
func TestReadKeepsNoTree(t *testing.T) {
	texts := []string{
		`[{"ID":"a","AllowedOrigins":["https://*.a.test","http://b.test"],"AllowedMethods":["GET","PUT"],"AllowedHeaders":["x-*","Content-Type"],"ExposeHeaders":["ETag"],"MaxAgeSeconds":5}]`,
		`{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["PUT"],"ExposeHeaders":["ETag","x-\u00e9"]},{"AllowedOrigins":[1],"AllowedMethods":"GET","Odd":true}]}`,
		`{"CORSConfiguration":{"CORSRules":[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"],"MaxAgeSeconds":"x"}]}}`,
		`{"Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{"CorsConfiguration":{"CorsRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"],"MaxAge":10,"Id":"r"}]}}}}}`,
		`[{"AllowedOrigins":["*"] "AllowedMethods":["GET"]}]`,
	}
	for _, v := range loadVectors(t) {
		if len(v.Config) > 0 {
			texts = append(texts, string(v.Config))
		}
	}
	forms := []s3.Form{s3.FormJSON, s3.FormCLI, s3.FormCloudFormation}
	type reading struct {
		c    *s3.Configuration
		errs policy.Errors
	}
	first := make([][]reading, len(texts))
	for i, text := range texts {
		for _, f := range forms {
			c, errs := s3.Read(f, text)
			first[i] = append(first[i], reading{c, errs})
		}
	}
	for i := len(texts) - 1; i >= 0; i-- {
		for _, f := range forms {
			s3.Read(f, texts[i])
		}
	}
	read := 0
	for i, text := range texts {
		for j, f := range forms {
			c, errs := s3.Read(f, text)
			if c != nil {
				read++
			}
			if got := (reading{c, errs}); !reflect.DeepEqual(got, first[i][j]) {
				t.Errorf("text %d as %s: read before the others it was\n%+v\nand after them\n%+v", i, f, first[i][j], got)
			}
		}
	}
	if read < len(texts)/2 {
		t.Fatalf("only %d readings of %d texts in three forms gave a configuration", read, len(texts))
	}
}
