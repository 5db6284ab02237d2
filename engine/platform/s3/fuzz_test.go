package s3_test

import (
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
)

// FuzzParse: no input panics any reader, a rejected input carries the
// position of each fault (a line or a path: the user must be able to find
// it), and whatever is accepted can be evaluated and written back.
func FuzzParse(f *testing.F) {
	f.Add(uint8(0), `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`)
	f.Add(uint8(1), `[{"AllowedOrigins":["https://*.a.test"],"AllowedMethods":["GET"],"AllowedHeaders":["x-*"],"MaxAgeSeconds":5}]`)
	f.Add(uint8(2), `{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["PUT"],"ExposeHeaders":["ETag"]}]}`)
	f.Add(uint8(3), `{"CorsConfiguration":{"CorsRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"],"MaxAge":"10"}]}}`)
	f.Add(uint8(1), `[{"AllowedOrigins":["*"] "AllowedMethods":["GET"]}]`)
	f.Add(uint8(0), `<CORSConfiguration><CORSRule><MaxAgeSeconds>x</MaxAgeSeconds></CORSRule>`)
	forms := []s3.Form{s3.FormXML, s3.FormJSON, s3.FormCLI, s3.FormCloudFormation}
	f.Fuzz(func(t *testing.T, which uint8, text string) {
		form := forms[int(which)%len(forms)]
		c, err := s3.Parse(form, text)
		if err != nil {
			postest.Rejected(t, err)
			return
		}
		s3.Bucket{CORS: c}.Respond(policy.Request{Method: "OPTIONS", URL: "/k", Header: headers.List{
			{Name: "Origin", Value: "https://x.a.test"}, {Name: "Access-Control-Request-Method", Value: "GET"},
			{Name: "Access-Control-Request-Headers", Value: "x-y,,Z"}}}, policy.Reply{})
		for _, w := range []func(*s3.Configuration) (string, error){s3.WriteXML, s3.WriteJSON, s3.WriteCLI} {
			if _, err := w(c); err != nil {
				t.Fatal(err)
			}
		}
	})
}
