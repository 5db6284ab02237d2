// Package gomwtest holds the test helpers the Go middleware formats
// (rscors, chicors, gincors, echocors) share: a table of exchanges, the
// detection check against every registered format, and the fuzz body.
package gomwtest

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/formats/chicors"
	"github.com/whycors/whycors/engine/formats/echocors"
	"github.com/whycors/whycors/engine/formats/gincors"
	"github.com/whycors/whycors/engine/formats/rscors"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/policy"
)

// Case is one exchange: a configuration, a request, what the application
// answers, and what the middleware sends.
type Case struct {
	Desc string
	// Source is where the expected values come from (the library's file
	// and line, or its docs).
	Source string
	Text   string
	Method string
	// Header are the request's headers, name then value.
	Header []string
	// App is the application's status (200 when 0).
	App    int
	Status int
	// Want are the reply's headers by name, values joined with " | ";
	// "" for a header that must be absent.
	Want map[string]string
}

// Request is c's request, to http://api.test/items.
func (c Case) Request() policy.Request {
	req := policy.Request{Method: c.Method, URL: "http://api.test/items"}
	for i := 0; i+1 < len(c.Header); i += 2 {
		req.Header.Add(c.Header[i], c.Header[i+1])
	}
	return req
}

// Run checks each case against f.
func Run(t *testing.T, f policy.Format, cases []Case) {
	t.Helper()
	for _, c := range cases {
		ev, err := f.Parse(c.Text)
		if err != nil {
			t.Errorf("%s: %v", c.Desc, err)
			continue
		}
		app := policy.Reply{Status: c.App}
		if app.Status == 0 {
			app.Status = 200
		}
		out := ev.Respond(c.Request(), app)
		if out.Reply.Status != c.Status {
			t.Errorf("%s: status %d, want %d (%s)", c.Desc, out.Reply.Status, c.Status, c.Source)
		}
		for name, want := range c.Want {
			if got := strings.Join(out.Reply.Header.Values(name), " | "); got != want {
				t.Errorf("%s: %s %q, want %q (%s)", c.Desc, name, got, want, c.Source)
			}
		}
		if out.Text() == "" {
			t.Errorf("%s: no decision in words", c.Desc)
		}
		for _, r := range out.Rules {
			if out.Detail(r) == "" {
				t.Errorf("%s: rule %d has no words", c.Desc, r.Index)
			}
		}
	}
}

// Formats are the four Go middleware formats.
func Formats() []policy.Format {
	return slices.Concat(rscors.Formats(), chicors.Formats(), gincors.Formats(), echocors.Formats())
}

// Detect checks that each testdata/*.go file of the calling package is
// claimed by name alone among every format of the engine (which lists the four).
func Detect(t *testing.T, name string) {
	t.Helper()
	reg := all.Registry()
	files, _ := filepath.Glob("testdata/*.go")
	if len(files) == 0 {
		t.Fatal("no testdata/*.go")
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ds := reg.Detect(string(b))
		if len(ds) != 1 || ds[0].Format != name {
			t.Errorf("%s: claimed by %v, want %s alone", p, ds, name)
		}
		f, _ := reg.Lookup(name)
		if _, err := f.Parse(string(b)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// Fuzz is the fuzz body of a reader: no panic, a refusal says where, and
// what is read answers a preflight and a GET.
func Fuzz(t *testing.T, f policy.Format, s string) {
	ev, err := f.Parse(s)
	if err != nil {
		postest.Rejected(t, err)
		var es policy.Errors
		errors.As(err, &es)
		lines := strings.Count(s, "\n") + 1
		for _, e := range es {
			if e.Line > lines || e.Line > 0 && e.Column < 1 {
				t.Fatalf("fault at %d:%d outside the text's %d lines: %v", e.Line, e.Column, lines, e)
			}
		}
		return
	}
	pre := policy.Request{Method: "OPTIONS", URL: "http://api.test/"}
	pre.Header.Add("Origin", "https://a.example")
	pre.Header.Add("Access-Control-Request-Method", "PUT")
	pre.Header.Add("Access-Control-Request-Headers", "x-a")
	ev.Respond(pre, policy.Reply{Status: 200})
	ev.Respond(policy.Request{Method: "GET", URL: "/x"}, policy.Reply{Status: 500})
	f.Detect(s)
}

// Explain runs a fetch of origin to url with method and the request
// header name (x-fix: 1) against text in format name, in Chrome, with
// every format and the fix search: the verdict's reason, the first rule's
// detail and the first fix's text.
func Explain(t *testing.T, name, text, origin, method, header string) (reason, detail, fixed string) {
	t.Helper()
	reg := all.Registry()
	s := explain.Scenario{
		Browser: "chrome",
		Request: explain.Request{Origin: origin, URL: "https://api.example.com/items/1", Init: fetch.Init{Method: method}},
		Policy:  &explain.Policy{Format: name, Text: text},
	}
	if header != "" {
		s.Request.Init.Headers = headers.List{{Name: header, Value: "1"}}
	}
	v, err := explain.Explain(s, advise.Options(reg))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Rules) > 0 {
		detail = v.Rules[0].Detail
	}
	if len(v.Fixes) > 0 {
		fixed = v.Fixes[0].Text
	}
	return v.Reason, detail, fixed
}
