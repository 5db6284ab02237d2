package raw_test

import (
	"slices"
	"testing"

	"github.com/whycors/whycors/engine/formats/raw"
)

// TestNotes pins the notes Read writes, word for word, as the page and
// the CLI show them: each branch of the grouping writes one.
func TestNotes(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"HTTP/1.1 100 Continue\n\nHTTP/1.1 201 Created\nAccess-Control-Allow-Origin: http://app.test\n\n",
			[]string{"line 1: skipped interim reply 100", "line 3: read as the actual reply: no OPTIONS request line and no preflight-only headers"}},
		{"HTTP/1.1 200 Connection established\n\nHTTP/1.1 204 No Content\nAccess-Control-Allow-Methods: PUT\n\n",
			[]string{"line 1: skipped the proxy's reply to CONNECT", "line 3: read as the preflight reply: it has Access-Control-Allow-Methods, -Allow-Headers or -Max-Age"}},
		{"> OPTIONS /a HTTP/1.1\n> Host: api.test\n>\n< HTTP/1.1 204 No Content\n< Access-Control-Allow-Origin: *\n<\n",
			[]string{"line 4: the preflight reply (it answers an OPTIONS request)"}},
		{"> PUT /a HTTP/1.1\n> Host: api.test\n>\n< HTTP/1.1 200 OK\n< Access-Control-Allow-Origin: *\n<\n",
			[]string{"line 4: the actual reply (it answers a PUT request)"}},
		{"HTTP/1.1 204 No Content\nAccess-Control-Allow-Methods: PUT\n\nHTTP/1.1 302 Found\nLocation: /b\n\nHTTP/1.1 200 OK\n\n",
			[]string{"line 1: the preflight reply; line 7: the actual reply", "line 7: reached after 1 redirect(s) that curl followed"}},
		{"Access-Control-Allow-Origin: *\n",
			[]string{"line 1: read as the actual reply: no OPTIONS request line and no preflight-only headers", "line 1: no status line: assumed 200"}},
	}
	for _, tt := range tests {
		c, err := raw.Read(tt.text)
		if err != nil {
			t.Errorf("Read(%q): %v", tt.text, err)
			continue
		}
		if !slices.Equal(c.Notes, tt.want) {
			t.Errorf("Read(%q) notes:\n got %q\nwant %q", tt.text, c.Notes, tt.want)
		}
	}
}
