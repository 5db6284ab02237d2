// Package pylittest holds what the Python middleware formats' tests
// share: reading a golden file, building a request, and checking a
// reply against a keyed table's expected headers. Only test files
// import it.
package pylittest

import (
	"os"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// Golden returns the text of testdata/name.
func Golden(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Req is a request with an Origin (none when origin is "") and the
// header name/value pairs kv.
func Req(method, url, origin string, kv ...string) policy.Request {
	r := policy.Request{Method: method, URL: url}
	if origin != "" {
		r.Header.Add("Origin", origin)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Header.Add(kv[i], kv[i+1])
	}
	return r
}

// Check answers req with ev and app, and checks the status and each
// header of want ("" for absent); desc and source name the table row.
func Check(t *testing.T, desc, source string, ev policy.Evaluator, req policy.Request, app policy.Reply, status int, want map[string]string) {
	t.Helper()
	out := ev.Respond(req, app)
	if out.Reply.Status != status {
		t.Errorf("%s (%s): status %d, want %d", desc, source, out.Reply.Status, status)
	}
	for h, v := range want {
		got, ok := out.Reply.Header.Get(h)
		if v == "" && ok || v != "" && got != v {
			t.Errorf("%s (%s): %s = %q (present %v), want %q", desc, source, h, got, ok, v)
		}
	}
	if out.Text() == "" {
		t.Errorf("%s: no decision text", desc)
	}
}

// Capabilities checks that f offers what the engine asks a framework
// format for: its platform's name, the reference it rests on (naming
// version), rules stated from its own evaluator, traps for the explainer
// and lint, and edits of a file named file.
func Capabilities(t *testing.T, f policy.Format, platform, file, version string) {
	t.Helper()
	if p, ok := f.(lint.Platformer); !ok || p.Platform() != platform {
		t.Errorf("%s: lint.Platformer", f.Name())
	}
	if d, ok := f.(explain.Documented); !ok || !strings.Contains(d.Doc(), version) {
		t.Errorf("%s: explain.Documented naming %s", f.Name(), version)
	}
	if _, ok := f.(convert.Stater); !ok {
		t.Errorf("%s: convert.Stater", f.Name())
	}
	if _, ok := f.(advise.Trapper); !ok {
		t.Errorf("%s: advise.Trapper", f.Name())
	}
	if _, ok := f.(lint.TextChecker); !ok {
		t.Errorf("%s: lint.TextChecker", f.Name())
	}
	if e, ok := f.(fix.Editor); !ok || e.FileName() != file {
		t.Errorf("%s: fix.Editor for %s", f.Name(), file)
	}
}
