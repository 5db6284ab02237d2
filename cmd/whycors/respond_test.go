package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRespond runs the subcommand end to end; expected replies come from
// the S3 recordings (shared/reference/cloud-policies.md §1.5, vectors
// s3-08 and s3-10), the Azure documentation (§4) and the EC2 page (§5.3).
func TestRespond(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeTemp(t, dir, name, text) }
	s3A := write("a.json", `[{"AllowedOrigins":["https://localhost:4200"],"AllowedMethods":["GET","PUT"],"AllowedHeaders":["*"],"MaxAgeSeconds":3000}]`)
	azure := write("az.xml", `<Cors><CorsRule><AllowedOrigins>*</AllowedOrigins><AllowedMethods>GET</AllowedMethods><AllowedHeaders></AllowedHeaders><ExposedHeaders></ExposedHeaders><MaxAgeInSeconds>5</MaxAgeInSeconds></CorsRule></Cors>`)
	ec2 := write("ec2.txt", "ec2\n")
	bad := write("bad.json", "[{\"AllowedOrigins\":[\"*\"],\n \"AllowedMethods\":[\"OPTIONS\"]}]")
	tests := []struct {
		desc    string
		args    []string
		stdin   string
		code    int
		want    []string // lines the output must contain
		notWant []string
		stderr  string
	}{
		{desc: "S3 preflight matched (s3-08)", args: []string{"--policy", s3A},
			stdin: "OPTIONS /key HTTP/1.1\r\nHost: bucket.s3.amazonaws.com\r\nOrigin: https://localhost:4200\r\nAccess-Control-Request-Method: PUT\r\n\r\n",
			want: []string{"HTTP/1.1 200 OK\r\n", "Access-Control-Allow-Methods: GET, PUT\r\n", "Access-Control-Allow-Credentials: true\r\n", "Access-Control-Max-Age: 3000\r\n",
				"Vary: Origin, Access-Control-Request-Headers, Access-Control-Request-Method\r\n", "Content-Length: 0\r\n"}},
		{desc: "S3 preflight refused (s3-10), curl -v prefixes, LF line ends", args: []string{"--policy", s3A, "--format", "s3-json"},
			stdin:   "> OPTIONS /key HTTP/1.1\n> Host: bucket.s3.amazonaws.com\n> Origin: http://localhost:4200\n> Access-Control-Request-Method: PUT\n>\n",
			want:    []string{"HTTP/1.1 403 Forbidden\r\n", "<Code>AccessForbidden</Code>", "<Method>PUT</Method><ResourceType>OBJECT</ResourceType>"},
			notWant: []string{"Access-Control-Allow-Origin"}},
		{desc: "Azure actual request from any origin", args: []string{"--policy", azure},
			stdin: "GET /c/b HTTP/1.1\r\nHost: acct.blob.core.windows.net\r\nOrigin: https://a.test\r\n\r\n",
			want:  []string{"HTTP/1.1 200 OK\r\n", "Access-Control-Allow-Origin: *\r\n"}, notWant: []string{"Vary"}},
		// Tried as a new user would: "open -", and "HTTP/1.1 -1".
		{desc: "--policy - is refused: standard input holds the request", args: []string{"--policy", "-"}, code: 2, stderr: "standard input holds the request"},
		{desc: "--policy-format names the format, as elsewhere", args: []string{"--policy", ec2, "--policy-format", "ec2"},
			stdin: "OPTIONS / HTTP/1.1\r\nHost: ec2.amazonaws.com\r\nOrigin: https://a.test\r\nAccess-Control-Request-Method: POST\r\n\r\n",
			want:  []string{"HTTP/1.1 200 OK\r\n"}},
		{desc: "a status that is not three digits is refused", args: []string{"--policy", ec2, "--status", "-1"}, code: 2, stderr: "an HTTP status is three digits"},
		{desc: "EC2 preset", args: []string{"--policy", ec2},
			stdin: "OPTIONS / HTTP/1.1\r\nHost: ec2.amazonaws.com\r\nOrigin: https://a.test\r\nAccess-Control-Request-Method: POST\r\n\r\n",
			want:  []string{"Access-Control-Max-Age: 1800\r\n", "Access-Control-Allow-Methods: GET, POST, OPTIONS, DELETE, PUT\r\n"}},
		{desc: "policy S3 refuses: exit 2 with position", args: []string{"--policy", bad}, stdin: "GET / HTTP/1.1\r\n\r\n", code: 2,
			stderr: "line 2, column 20: $[0].AllowedMethods[0]: InvalidRequest: Found unsupported HTTP method in CORS config. Unsupported method is OPTIONS"},
		{desc: "bad request line", args: []string{"--policy", s3A}, stdin: "hello\r\n\r\n", code: 2, stderr: "line 1"},
		{desc: "no --policy: the missing flag is named", args: nil, code: 2, stderr: "missing --policy FILE"},
		{desc: "unknown format", args: []string{"--policy", s3A, "--format", "nope"}, code: 2, stderr: "unknown format"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := runRespond(tc.args, strings.NewReader(tc.stdin), &out, &errb)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, errb.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("output has %q:\n%s", w, out.String())
				}
			}
			if tc.stderr != "" && !strings.Contains(errb.String(), tc.stderr) {
				t.Errorf("stderr %q lacks %q", errb.String(), tc.stderr)
			}
		})
	}
}
