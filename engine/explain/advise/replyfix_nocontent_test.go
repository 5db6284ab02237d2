package advise_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
)

// TestNoContentHasNoLength: the fix that answers a refused preflight
// with 204 drops what only content has (Content-Length, Content-Type):
// a server sends no Content-Length with a 204 (RFC 9110 §8.6). Found as
// a new user would: the 403's Content-Length: 9 stayed on the 204.
func TestNoContentHasNoLength(t *testing.T) {
	s, err := explain.Decode([]byte(`{"request": {"origin": "https://app.test", "url": "https://api.test/x", "method": "PUT"},
	  "preflight": {"status": 403, "headers": [["Content-Type", "text/plain"], ["Content-Length", "9"], ["Access-Control-Allow-Origin", "https://app.test"], ["Access-Control-Allow-Methods", "PUT"]], "body": "Forbidden"},
	  "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.test"]]}}`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := explain.Explain(s, advise.Options(all.Registry()))
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed || len(v.Fixes) == 0 {
		t.Fatalf("allowed %v, fixes %d", v.Allowed, len(v.Fixes))
	}
	f := v.Fixes[0]
	if !strings.Contains(f.Text, "204") || strings.Contains(f.Text, "Content-Length") {
		t.Errorf("fix text:\n%s", f.Text)
	}
}
