package all_test

import (
	"testing"
)

// Every sample is claimed by exactly one registered format: auto-detection
// must not be ambiguous on the forms people paste.
func TestDetectIsUnambiguous(t *testing.T) {
	tests := []struct {
		desc, text, want string
	}{
		{desc: "S3 console JSON (cloud-policies.md §1.1)", want: "s3-json",
			text: `[{"AllowedOrigins":["https://app.example"],"AllowedMethods":["GET"]}]`},
		{desc: "S3 CLI JSON (cloud-policies.md §1.1)", want: "s3-cli",
			text: `{"CORSRules":[{"AllowedOrigins":["https://app.example"],"AllowedMethods":["GET"]}]}`},
		{desc: "S3 XML (cloud-policies.md §1.1)", want: "s3-xml",
			text: `<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`},
		{desc: "R2 API shape (cloud-policies.md §2)", want: "r2-api",
			text: `{"rules":[{"allowed":{"origins":["https://app.example"],"methods":["GET"]}}]}`},
		{desc: "GCS JSON (cloud-policies.md §3)", want: "gcs-json",
			text: `[{"origin":["https://app.example"],"method":["GET"],"responseHeader":["Content-Type"],"maxAgeSeconds":3600}]`},
		{desc: "Azure XML (cloud-policies.md §4)", want: "azure-xml",
			text: `<Cors><CorsRule><AllowedOrigins>https://app.example</AllowedOrigins><AllowedMethods>GET</AllowedMethods><AllowedHeaders></AllowedHeaders><ExposedHeaders></ExposedHeaders><MaxAgeInSeconds>0</MaxAgeInSeconds></CorsRule></Cors>`},
		{desc: "API Gateway HTTP API (cloud-policies.md §5.1)", want: "apigw-http",
			text: `{"AllowOrigins":["https://app.example"],"AllowMethods":["GET"]}`},
		{desc: "curl -i output (cloud-policies.md §6.5)", want: "raw",
			text: "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n\r\n"},
		{desc: "nginx add_header (cloud-policies.md §6.1)", want: "nginx",
			text: "add_header Access-Control-Allow-Origin https://app.example always;\n"},
		{desc: "HAR 1.2 (cloud-policies.md §6.6)", want: "har",
			text: `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[]}}`},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			got := reg.Detect(tc.text)
			if len(got) != 1 || got[0].Format != tc.want {
				t.Errorf("Detect = %+v, want only %s", got, tc.want)
			}
		})
	}
}
