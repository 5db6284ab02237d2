package formats_test

import (
	"testing"
)

// Every sample of the non-cloud formats is claimed by exactly one
// registered format, cloud and native formats included (the forms of
// shared/reference/cloud-policies.md §6).
func TestDetectAgainstEveryFormat(t *testing.T) {
	tests := []struct {
		desc, text, want string
	}{
		{desc: "curl -v preflight (§6.5)", want: "raw", text: "* Connected to api.test (127.0.0.1) port 80\n> OPTIONS / HTTP/1.1\n> Host: api.test\n>\n< HTTP/1.1 204 No Content\n< Access-Control-Allow-Origin: *\n<\n"},
		{desc: "HTTP/2 curl -i (§6.5)", want: "raw", text: "HTTP/2 200\naccess-control-allow-origin: *\n\n"},
		{desc: "DevTools header lines (§6.5)", want: "raw", text: "content-type: application/json\naccess-control-allow-origin: https://app.example\n"},
		{desc: "DevTools alternating lines (§6.5)", want: "raw", text: "access-control-allow-origin\nhttps://app.example\nvary\nOrigin\n"},
		{desc: "nginx location with if (§6.1)", want: "nginx", text: "location / {\n  if ($request_method = OPTIONS) {\n    add_header Access-Control-Allow-Origin *;\n    return 204;\n  }\n}\n"},
		{desc: "nginx map (§6.1)", want: "nginx", text: "map $http_origin $cors { default \"\"; \"~^https://a\\.test$\" $http_origin; }\nserver { add_header Access-Control-Allow-Origin $cors always; }\n"},
		{desc: "Express code (§6.3)", want: "express", text: "const cors = require('cors');\napp.use(cors({ origin: ['https://app.example'], credentials: true }));\n"},
		{desc: "Express options literal (§6.3)", want: "express", text: "{ origin: 'https://app.example', methods: ['GET', 'POST'] }"},
		{desc: "Express options JSON (§6.3)", want: "express", text: `{"origin": "https://app.example", "allowedHeaders": ["Content-Type"], "optionsSuccessStatus": 200}`},
		{desc: "Firefox HAR (§6.6)", want: "har", text: `{"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "120"}, "pages": [], "entries": [{"request": {"method": "GET", "url": "https://a/", "headers": [{"name": "Origin", "value": "https://b"}]}, "response": {"status": 200, "headers": []}}]}}`},
	}
	for _, tc := range tests {
		got := reg.Detect(tc.text)
		if len(got) != 1 || got[0].Format != tc.want {
			t.Errorf("%s: Detect = %+v, want only %s", tc.desc, got, tc.want)
		}
	}
}
