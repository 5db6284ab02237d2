package main

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

// TestExplainPreset: --preset makes the request the recorded SDK's
// (engine/sdkpreset); the verdict names the headers to allow, and an
// allowed fetch whose response hides a header the SDK needs still
// exits 1, naming the header to expose (issue 16: ETag for multipart).
func TestExplainPreset(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeTemp(t, dir, name, text) }
	narrow := write("narrow.json", `[{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["content-type"], "ExposeHeaders": ["ETag"]}]`)
	hidden := write("hidden.json", `[{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["*"]}]`)
	good := write("good.json", `[{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"]}]`)
	url := "https://uploads.s3.us-east-1.amazonaws.com/big.bin?partNumber=1&uploadId=up-1"
	for _, tc := range []struct {
		desc   string
		args   []string
		code   int
		output []string
	}{
		// Tried as a new user would: the page's first scenario, a POST
		// with a body, under GetObject was BodyWithGetHead.
		{desc: "a GET preset over a scenario with a body: the SDK sends none", code: 0,
			args:   []string{"--preset", "s3-getobject", write("post.json", `{"request":{"origin":"https://app.example.com","url":"https://uploads.s3.amazonaws.com/k","method":"POST","body":"x"}}`), "--policy", write("get.json", `[{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET"], "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag", "x-amz-version-id"]}]`)},
			output: []string{"ALLOWED"}},
		{desc: "the SDK's signing headers are not allowed: the fix lists them", code: 1,
			args:   []string{"--preset", "s3-uploadpart", "--policy", narrow, "--origin", "https://app.example.com", "--url", url},
			output: []string{"PreflightMissingAllowOriginHeader", "amz-sdk-invocation-id", "x-amz-checksum-crc32", "x-amz-content-sha256"}},
		{desc: "allowed, but ETag is not exposed: UploadPart's ETag is needed", code: 1,
			args:   []string{"--preset", "s3-uploadpart", "--policy", hidden, "--origin", "https://app.example.com", "--url", url},
			output: []string{"ALLOWED", "The SDK still fails", "sdk-needs-header", "add ETag"}},
		{desc: "allowed, ETag not exposed: fix 1 exposes it in the policy's own syntax, and --patch prints it (the seed JS SDK document: multipart uploads read ETag; tried as a new user would, there was no fix and --patch said the fetch was allowed)", code: 0,
			args:   []string{"--preset", "s3-uploadpart", "--policy", hidden, "--origin", "https://app.example.com", "--url", url, "--patch", "1"},
			output: []string{`+[{"AllowedOrigins": ["https://app.example.com"], "ExposeHeaders": ["ETag"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["*"]}]`}},
		{desc: "the same in a CloudFormation bucket, whose key is ExposedHeaders", code: 0,
			args: []string{"--preset", "s3-uploadpart", "--policy", write("bucket.yaml", "Resources:\n  Uploads:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: [\"https://app.example.com\"]\n            AllowedMethods: [PUT, POST]\n            AllowedHeaders: [\"*\"]\n"),
				"--origin", "https://app.example.com", "--url", "https://uploads.s3.amazonaws.com/big.bin?partNumber=1&uploadId=up-1", "--patch", "1"},
			output: []string{`+            ExposedHeaders: ["ETag"]`}},
		{desc: "the same in a Terraform module", code: 0,
			args: []string{"--preset", "s3-uploadpart", "--policy", write("main.tf", "resource \"aws_s3_bucket_cors_configuration\" \"b\" {\n  bucket = \"uploads\"\n  cors_rule {\n    allowed_headers = [\"*\"]\n    allowed_methods = [\"PUT\"]\n    allowed_origins = [\"https://app.example.com\"]\n  }\n}\n"),
				"--origin", "https://app.example.com", "--url", url, "--patch", "1"},
			output: []string{`+    expose_headers  = ["ETag"]`}},
		{desc: "allowed and ETag exposed", code: 0,
			args:   []string{"--preset", "s3-uploadpart", "--policy", good, "--origin", "https://app.example.com", "--url", url},
			output: []string{"ALLOWED"}},
		{desc: "lib-storage's Upload on a bucket that allows PUT alone: its CreateMultipartUpload (POST) is blocked, and the fix adding POST makes every request pass (found as a new user would: the preset's UploadPart alone was checked, ALLOWED)", code: 1,
			args: []string{"--preset", "s3-lib-storage-upload", "--policy", good, "--origin", "https://app.example.com", "--url", url},
			output: []string{"CreateMultipartUpload (POST ?uploads), request 1 of @aws-sdk/lib-storage Upload: S3 answered the preflight 403",
				"The operation fails at CreateMultipartUpload", "CompleteMultipartUpload (POST ?uploadId) blocked", `"AllowedMethods": ["PUT", "POST"]`, "(every request of the operation then passes)"}},
		{desc: "lib-storage's Upload where the allowed headers are UploadPart's: CreateMultipartUpload's x-amz-checksum-algorithm is refused", code: 1,
			args: []string{"--preset", "s3-lib-storage-upload", "--policy", write("parts.json", `[{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT", "POST"], "ExposeHeaders": ["ETag"],
				"AllowedHeaders": ["amz-sdk-invocation-id", "amz-sdk-request", "authorization", "content-type", "x-amz-checksum-crc32", "x-amz-content-sha256", "x-amz-date", "x-amz-sdk-checksum-algorithm", "x-amz-user-agent"]}]`),
				"--origin", "https://app.example.com", "--url", url},
			output: []string{"CreateMultipartUpload (POST ?uploads), request 1", "x-amz-checksum-algorithm", "(every request of the operation then passes)"}},
		{desc: "lib-storage's Upload on a bucket that allows each of its requests", code: 0,
			args: []string{"--preset", "s3-lib-storage-upload", "--policy", write("all.json", `[{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT", "POST"], "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"]}]`),
				"--origin", "https://app.example.com", "--url", url},
			output: []string{"ALLOWED", "info sdk-operation", "CreateMultipartUpload (POST ?uploads) allowed, UploadPart (PUT ?partNumber&uploadId&x-id) allowed, CompleteMultipartUpload (POST ?uploadId) allowed"}},
		{desc: "lib-storage's Upload with raw replies, which answer one request: the others are named as not checked", code: 0,
			args: []string{"--preset", "s3-lib-storage-upload", write("replies.json", `{"request": {"origin": "https://app.example.com", "url": "`+url+`"},
				"preflight": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example.com"], ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Headers", "*"]]},
				"response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example.com"], ["Access-Control-Expose-Headers", "ETag"], ["ETag", "\"1\""]]}}`)},
			output: []string{"ALLOWED", "also sends CreateMultipartUpload (POST ?uploads) and CompleteMultipartUpload (POST ?uploadId), which this scenario's replies do not answer"}},
		{desc: "an unknown preset names the presets", code: 2,
			args:   []string{"--preset", "s3-nothing", "--policy", good, "--origin", "https://app.example.com", "--url", url},
			output: []string{"s3-putobject"}},
	} {
		t.Run(tc.desc, func(t *testing.T) { checkExplain(t, append([]string{"explain"}, tc.args...), tc.code, tc.output) })
	}
}

// TestExplainLink: a link the page shares (#s= and the base64url of the
// scenario, &sdk= and the SDK preset of "Request made by") is explained
// as the page shows it, the preset's headers and warnings included;
// a link that does not read is an input error at its column.
func TestExplainLink(t *testing.T) {
	sc := `{"request": {"origin": "https://app.example.com", "url": "https://uploads.s3.us-east-1.amazonaws.com/big.bin?partNumber=1&uploadId=up-1", "method": "PUT"},
	  "policy": {"format": "s3-json", "text": "[{\"AllowedOrigins\": [\"https://app.example.com\"], \"AllowedMethods\": [\"PUT\"], \"AllowedHeaders\": [\"*\"]}]"}}`
	frag := "#s=" + base64.RawURLEncoding.EncodeToString([]byte(sc))
	for _, tc := range []struct {
		desc   string
		link   string
		code   int
		output []string
	}{
		{desc: "a whole link with the UploadPart preset: ETag is not exposed (site/words.mjs fragmentOf)", link: "http://localhost:8080/" + frag + "&sdk=s3-uploadpart", code: 1,
			output: []string{"ALLOWED", "sdk-needs-header", "add ETag", "x-amz-checksum-crc32"}},
		{desc: "the fragment alone, no preset: the scenario's own PUT passes", link: frag, code: 0, output: []string{"ALLOWED"}},
		{desc: "an unknown preset in the link", link: frag + "&sdk=s3-nothing", code: 2, output: []string{"no such SDK preset", "s3-putobject"}},
		{desc: "a link whose state is not base64url", link: "#s=ab+c", code: 2, output: []string{"column 6"}},
	} {
		t.Run(tc.desc, func(t *testing.T) { checkExplain(t, []string{"explain", "--no-fixes", tc.link}, tc.code, tc.output) })
	}
}

// checkExplain runs the command line with args and wants exit code and
// each of output in what it printed (standard output and error).
func checkExplain(t *testing.T, args []string, code int, output []string) {
	t.Helper()
	var out, errb bytes.Buffer
	got := run(args, strings.NewReader(""), &out, &errb)
	all := out.String() + errb.String()
	if got != code {
		t.Errorf("exit %d, want %d\n%s", got, code, all)
	}
	// The text wraps long lines: a phrase may span two.
	flat := strings.Join(strings.Fields(all), " ")
	for _, w := range output {
		if !strings.Contains(all, w) && !strings.Contains(flat, w) {
			t.Errorf("no %q in:\n%s", w, all)
		}
	}
}

// TestExplainRequestFlags: --method, -H and --credentials make the
// request without a scenario file (as probe takes them), and replace
// the scenario's; tried as a new user would, a PUT or an Authorization
// header needed a scenario file ("flag provided but not defined:
// -method").
func TestExplainRequestFlags(t *testing.T) {
	dir := t.TempDir()
	pol := writeTemp(t, dir, "cors.json", `[{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["content-type"]}]`)
	url := "https://uploads.s3.us-east-1.amazonaws.com/x"
	// Origins computed by !Split and !Join: no edit of the template
	// passes, and S3 answers its replies itself.
	split := writeTemp(t, dir, "split.yaml", "Parameters:\n  Extra:\n    Type: CommaDelimitedList\n    Default: \"https://app.example.com, https://admin.example.com\"\nResources:\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: !Split [\",\", !Join [\",\", [\"https://www.example.com\", !Join [\",\", !Ref Extra]]]]\n            AllowedMethods: [GET, HEAD]\n")
	nginx := writeTemp(t, dir, "site.conf", "server {\n  server_name api.example.com;\n  location / {\n    add_header Access-Control-Allow-Origin https://app.example.com;\n    add_header Access-Control-Allow-Methods \"GET, PUT\";\n    proxy_pass http://app:8080;\n  }\n}\n")
	nginxScenario := writeTemp(t, dir, "n.json", `{"request": {"origin": "https://app.example.com", "url": "https://api.example.com/x", "method": "PUT"}, "preflight": {"status": 404, "headers": [["X-App", "1"]]}, "policy": {"format": "nginx", "text": "server {\n  server_name api.example.com;\n  location / {\n    add_header Access-Control-Allow-Origin https://app.example.com;\n    add_header Access-Control-Allow-Methods \"GET, PUT\";\n    proxy_pass http://app:8080;\n  }\n}\n"}}`)
	sc := writeTemp(t, dir, "s.json", `{"request": {"origin": "https://app.example.com", "url": "`+url+`", "method": "PUT"}, "policy": {"format": "s3-json", "text": "[{\"AllowedOrigins\": [\"https://app.example.com\"], \"AllowedMethods\": [\"PUT\"]}]"}}`)
	for _, tc := range []struct {
		desc   string
		args   []string
		code   int
		output []string
	}{
		{desc: "a PUT with a listed header is allowed", code: 0,
			args:   []string{"--policy", pol, "--origin", "https://app.example.com", "--url", url, "--method", "PUT", "-H", "Content-Type: application/json"},
			output: []string{"ALLOWED"}},
		{desc: "an Authorization header the rule does not list is refused, and named", code: 1,
			args:   []string{"--policy", pol, "--origin", "https://app.example.com", "--url", url, "--method", "PUT", "-H", "Authorization: Bearer t"},
			output: []string{"BLOCKED", "authorization"}},
		{desc: "--method replaces the scenario file's", code: 1,
			args:   []string{sc, "--method", "DELETE"},
			output: []string{"method DELETE is not in AllowedMethods"}},
		{desc: "--credentials include with S3: the reply carries credentials true", code: 0,
			args:   []string{"--policy", pol, "--origin", "https://app.example.com", "--url", url, "--credentials", "include"},
			output: []string{"ALLOWED"}},
		{desc: "blocked and no fix found: the verdict says so (found as a new user would: it ended after its steps)", code: 1,
			args:   []string{"--policy", split, "--origin", "https://shop.example.org", "--url", "https://assets.s3.amazonaws.com/x"},
			output: []string{"BLOCKED", "No fix found: no change of the configuration"}},
		{desc: "with --no-fixes it says nothing of fixes", code: 1,
			args:   []string{"--policy", split, "--origin", "https://shop.example.org", "--url", "https://assets.s3.amazonaws.com/x", "--no-fixes"},
			output: []string{"BLOCKED"}},
		{desc: "a header flag that is not Name: value", code: 2,
			args:   []string{"--policy", pol, "--origin", "https://app.example.com", "--url", url, "-H", "Authorization"},
			output: []string{`-H #1 "Authorization": want 'Name: value'`}},
		// The application's answer to OPTIONS behind nginx lines that pass
		// it on (add_header without always reaches a 2xx only): taken as
		// 404 without the flag, given with it.
		{desc: "without --options-status the application is taken to answer OPTIONS 404", code: 1,
			args:   []string{"--policy", nginx, "--origin", "https://app.example.com", "--url", "https://api.example.com/x", "--method", "PUT"},
			output: []string{"BLOCKED (PreflightMissingAllowOriginHeader)", "taken to answer 404"}},
		{desc: "--options-status 200 is the application's answer", code: 0,
			args:   []string{"--policy", nginx, "--origin", "https://app.example.com", "--url", "https://api.example.com/x", "--method", "PUT", "--options-status", "200"},
			output: []string{"ALLOWED"}},
		{desc: "--options-status replaces a scenario file's preflight status", code: 0,
			args:   []string{nginxScenario, "--options-status", "204"},
			output: []string{"ALLOWED"}},
		{desc: "--options-status needs a status", code: 2,
			args:   []string{"--policy", nginx, "--origin", "https://app.example.com", "--url", url, "--options-status", "2000"},
			output: []string{"--options-status 2000: want the status of a final reply"}},
		{desc: "--options-status 100 is no final reply", code: 2,
			args:   []string{"--policy", nginx, "--origin", "https://app.example.com", "--url", url, "--options-status", "100"},
			output: []string{"--options-status 100: want the status of a final reply"}},
		{desc: "--options-status with a HAR file is refused", code: 2,
			args:   []string{"../../examples/capture-preflight-403.har", "--options-status", "200"},
			output: []string{"is a HAR file of the replies captured"}},
		{desc: "--options-status with raw replies is refused", code: 2,
			args:   []string{"../../examples/upload-preflight-cache.json", "--options-status", "200"},
			output: []string{"--options-status is the application's answer behind a policy"}},
		{desc: "--preset sets the method and headers itself", code: 2,
			args:   []string{"--preset", "s3-uploadpart", "--policy", pol, "--origin", "https://app.example.com", "--url", url, "--method", "PUT"},
			output: []string{"--preset sets the method and headers"}},
	} {
		t.Run(tc.desc, func(t *testing.T) { checkExplain(t, append([]string{"explain"}, tc.args...), tc.code, tc.output) })
	}
}
