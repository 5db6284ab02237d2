package netlify_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/netlify"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// Sources of the expected values.
const (
	docHeaders = "docs.netlify.com/manage/routing/headers/"
	parser     = "@netlify/headers-parser 7.3.0 lib/line_parser.js, normalize.js (checked by e2e/netlify)"
	cliMatch   = "netlify-cli src/utils/headers.mjs headersForPath (Object.assign of the matching rules' values)"
	toml05     = "@iarna/toml 2.2.5 (TOML 0.5: arrays of one type)"
)

func positions(err error) []string {
	var es policy.Errors
	if !errors.As(err, &es) {
		return nil
	}
	var out []string
	for _, e := range es {
		out = append(out, strconv.Itoa(e.Line)+":"+strconv.Itoa(e.Column))
	}
	return out
}

func TestParseFaults(t *testing.T) {
	tests := []struct {
		desc, text string
		want       []string // line:column of every fault
		rules      int      // rules kept
		source     string
	}{
		{desc: "a clean _headers file", text: "/*\n  X-Frame-Options: DENY\n", rules: 1, source: docHeaders},
		{desc: "every faulty line listed", text: "X: 1\n/a\n  : v\n  Y:\n  Z: ok\n", want: []string{"1:1", "3:3", "4:5"}, rules: 1, source: parser},
		{desc: "a line neither path nor header is ignored", text: "/a\n  just words\n  X: 1\n", rules: 1, source: parser},
		{desc: "the name undefined refuses its rule", text: "/a\n  undefined: 1\n/b\n  X: 2\n", want: []string{"2:3"}, rules: 1, source: parser},
		{desc: "an invalid pattern in a star segment", text: "/a(*\n  X: 1\n", want: []string{"1:1"}, source: "the parser's getForRegExp keeps a * segment as a regular expression"},
		{desc: "TOML: a number value, a missing for", text: "[[headers]]\n  for = \"/a\"\n  [headers.values]\n    X = 1\n[[headers]]\n  values = { Y = \"2\" }\n", want: []string{"4:9", "5:3"}, source: parser},
		{desc: "TOML: a syntax error", text: "[[headers]]\n  for = \"/a\n", want: []string{"2:12"}, source: "TOML 1.0 basic strings end on their line; go-toml v2.4.3 points at the line's end"},
		{desc: "TOML: a mixed array refuses the file", text: "[[headers]]\n  for = \"/a\"\n  values = { X = [\"a\", 1] }\n", want: []string{"3:24"}, source: toml05},
		{desc: "TOML: headers as a table", text: "[headers.values]\n  X = \"1\"\n", want: []string{"1:2"}, source: "normalize.js: headers must be an array"},
	}
	for _, tc := range tests {
		c, err := netlify.Parse(tc.text)
		got := positions(err)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: faults at %v (%v), want %v (%s)", tc.desc, got, err, tc.want, tc.source)
		}
		if c != nil && len(c.Rules) != tc.rules {
			t.Errorf("%s: %d rules, want %d (%s)", tc.desc, len(c.Rules), tc.rules, tc.source)
		}
	}
}

func TestRespond(t *testing.T) {
	file := headers.List{{Name: "Content-Type", Value: "application/json"}}
	fnReply := headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://fn.example"}}
	tests := []struct {
		desc, text, method, url string
		app                     policy.Reply
		status                  int
		want                    map[string][]string // header: values (nil: absent)
		source                  string
	}{
		{desc: "a splat rule on a file", text: "/api/*\n  Access-Control-Allow-Origin: *\n", method: "GET", url: "https://site.example/api/x.json",
			app: policy.Reply{Status: 200, Header: file}, status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"*"}, "Content-Type": {"application/json"}}, source: docHeaders},
		{desc: "the path does not match", text: "/api/*\n  Access-Control-Allow-Origin: *\n", method: "GET", url: "https://site.example/other",
			app: policy.Reply{Status: 200}, status: 200, want: map[string][]string{"Access-Control-Allow-Origin": nil}, source: docHeaders},
		{desc: "case and trailing slash do not matter", text: "/API/v1\n  X: 1\n", method: "GET", url: "https://s/api/v1/",
			app: policy.Reply{Status: 200}, status: 200, want: map[string][]string{"X": {"1"}}, source: "the parser's forRegExp: flags iu, /?$"},
		{desc: "a placeholder is one segment", text: "/u/:id\n  X: 1\n", method: "GET", url: "https://s/u/a/b",
			app: policy.Reply{Status: 200}, status: 200, want: map[string][]string{"X": nil}, source: "the parser's forRegExp: ([^/]+)"},
		{desc: "two matching rules: the later value", text: "/*\n  Access-Control-Allow-Origin: *\n/api/*\n  Access-Control-Allow-Origin: https://app.example\n", method: "GET", url: "https://s/api/a",
			app: policy.Reply{Status: 200}, status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"https://app.example"}}, source: cliMatch},
		{desc: "a header twice under one path is joined", text: "/*\n  Vary: Origin\n  Vary: Accept\n", method: "GET", url: "https://s/",
			app: policy.Reply{Status: 200}, status: 200, want: map[string][]string{"Vary": {"Origin, Accept"}}, source: parser},
		{desc: "OPTIONS on a file: the file's reply with the headers", text: "/*\n  Access-Control-Allow-Origin: *\n", method: "OPTIONS", url: "https://s/a",
			app: policy.Reply{Status: 200}, status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"*"}}, source: "undocumented: the reply given for the path stands"},
		{desc: "a function's reply goes out as it is", text: "[[headers]]\n  for = \"/*\"\n  values = { Access-Control-Allow-Origin = \"*\" }\n", method: "GET", url: "https://s/.netlify/functions/hello",
			app: policy.Reply{Status: 200, Header: fnReply}, status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"https://fn.example"}}, source: docHeaders + " Limitations"},
		{desc: "a proxied path goes out as the target answers", text: "[[headers]]\n  for = \"/api/*\"\n  values = { Access-Control-Allow-Origin = \"*\" }\n[[redirects]]\n  from = \"/api/*\"\n  to = \"https://backend.example/:splat\"\n  status = 200\n", method: "GET", url: "https://s/api/a",
			app: policy.Reply{Status: 502}, status: 502, want: map[string][]string{"Access-Control-Allow-Origin": nil}, source: docHeaders + " Limitations"},
		{desc: "a redirect answers without the headers", text: "[[headers]]\n  for = \"/old\"\n  values = { Access-Control-Allow-Origin = \"*\" }\n[[redirects]]\n  from = \"/old\"\n  to = \"/new\"\n", method: "GET", url: "https://s/old",
			app: policy.Reply{Status: 404}, status: 301, want: map[string][]string{"Location": {"/new"}, "Access-Control-Allow-Origin": nil}, source: "docs.netlify.com/manage/routing/redirects/redirect-options/ (301 by default; a file shadows an unforced rule)"},
		{desc: "a file shadows an unforced redirect", text: "[[headers]]\n  for = \"/old\"\n  values = { Access-Control-Allow-Origin = \"*\" }\n[[redirects]]\n  from = \"/old\"\n  to = \"/new\"\n", method: "GET", url: "https://s/old",
			app: policy.Reply{Status: 200}, status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"*"}}, source: "docs.netlify.com/manage/routing/redirects/rewrites-proxies/ (shadowing)"},
	}
	for _, tc := range tests {
		c, err := netlify.Parse(tc.text)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		out := c.Respond(policy.Request{Method: tc.method, URL: tc.url, Header: headers.List{{Name: "Origin", Value: "https://app.example"}}}, tc.app)
		if out.Reply.Status != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.desc, out.Reply.Status, tc.status, tc.source)
		}
		for name, want := range tc.want {
			if got := out.Reply.Header.Values(name); !slices.Equal(got, want) {
				t.Errorf("%s: %s = %q, want %q (%s)", tc.desc, name, got, want, tc.source)
			}
		}
		if out.Text() == "" {
			t.Errorf("%s: the outcome says nothing", tc.desc)
		}
		for _, r := range out.Rules {
			if out.Detail(r) == "" {
				t.Errorf("%s: rule %+v says nothing", tc.desc, r)
			}
		}
	}
	if len(tests[0].app.Header) != 1 {
		t.Error("Respond changed the application's headers")
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		desc, text, code string
		line             int // 0: the code must not be found
		source           string
	}{
		{desc: "two origins in one value", text: "/*\n  Access-Control-Allow-Origin: https://a.example https://b.example\n", code: "several-origins", line: 2, source: "fetch.spec.whatwg.org CORS check: one origin"},
		{desc: "the header written twice is joined", text: "/*\n  Access-Control-Allow-Origin: https://a.example\n  Access-Control-Allow-Origin: https://b.example\n", code: "several-origins", line: 3, source: parser},
		{desc: "one origin is fine", text: "/*\n  Access-Control-Allow-Origin: https://a.example\n", code: "several-origins", source: parser},
		{desc: "* with credentials", text: "[[headers]]\n  for = \"/*\"\n  [headers.values]\n    Access-Control-Allow-Origin = \"*\"\n    Access-Control-Allow-Credentials = \"true\"\n", code: "wildcard-credentials", line: 4, source: "fetch.spec.whatwg.org: * is not allowed with credentials"},
		{desc: "a folder path without its splat", text: "/api/\n  Access-Control-Allow-Origin: *\n", code: "path-never-matches", line: 1, source: "the parser's forRegExp: /api/ is ^/api/?$"},
		{desc: "a path without its slash", text: "/a\n  X: 1\napi/*\n  Access-Control-Allow-Origin: *\n", code: "path-never-matches", line: 3, source: parser},
		{desc: "a URL as the path", text: "/a\n  X: 1\nhttps://site.example/api/*\n  Access-Control-Allow-Origin: *\n", code: "path-never-matches", line: 3, source: parser},
		{desc: "headers on a redirected path", text: "[[headers]]\n  for = \"/old/*\"\n  values = { Access-Control-Allow-Origin = \"*\" }\n[[redirects]]\n  from = \"/old/*\"\n  to = \"/new/:splat\"\n", code: "not-applied", line: 2, source: docHeaders + " Limitations"},
		{desc: "headers on a proxied path", text: "[[headers]]\n  for = \"/api/*\"\n  values = { Access-Control-Allow-Origin = \"*\" }\n[[redirects]]\n  from = \"/api/*\"\n  to = \"https://b.example/:splat\"\n  status = 200\n", code: "not-applied", line: 2, source: docHeaders + " Limitations"},
		{desc: "a rewrite to a file keeps the headers", text: "[[headers]]\n  for = \"/app/*\"\n  values = { Access-Control-Allow-Origin = \"*\" }\n[[redirects]]\n  from = \"/app/*\"\n  to = \"/index.html\"\n  status = 200\n", code: "not-applied", source: docHeaders},
		{desc: "preflight headers", text: "/api/*\n  Access-Control-Allow-Origin: *\n  Access-Control-Allow-Headers: Content-Type\n", code: "no-preflight", line: 3, source: docHeaders + " (says nothing of OPTIONS)"},
		{desc: "overlapping rules with two origins", text: "/*\n  Access-Control-Allow-Origin: *\n/api/*\n  Access-Control-Allow-Origin: https://app.example\n", code: "origin-overlap", line: 4, source: cliMatch},
		{desc: "disjoint rules", text: "/a/*\n  Access-Control-Allow-Origin: *\n/b/*\n  Access-Control-Allow-Origin: https://app.example\n", code: "origin-overlap", source: cliMatch},
	}
	f := &netlify.Format{}
	for _, tc := range tests {
		line := 0
		for _, fd := range f.CheckText(tc.text) {
			if fd.Code == tc.code {
				line = fd.Pos.Line
			}
		}
		if line != tc.line {
			t.Errorf("%s: %s at line %d, want %d (%s)", tc.desc, tc.code, line, tc.line, tc.source)
		}
	}
}

func TestEditText(t *testing.T) {
	tests := []struct {
		desc, text string
		edit       fix.Edit
		want       string
		err        error
	}{
		{desc: "_headers: a method joins the list", text: "/api/*\n  Access-Control-Allow-Origin: *\n  Access-Control-Allow-Methods: GET\n",
			edit: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}}, want: "/api/*\n  Access-Control-Allow-Origin: *\n  Access-Control-Allow-Methods: GET, PUT\n"},
		{desc: "_headers: a new header after the rule's last", text: "/a\n\tX: 1\n/api/*\n\tAccess-Control-Allow-Origin: *\n\n/b\n\tY: 2\n",
			edit: fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"Content-Type"}, Line: 4}, want: "/a\n\tX: 1\n/api/*\n\tAccess-Control-Allow-Origin: *\n\tAccess-Control-Allow-Headers: Content-Type\n\n/b\n\tY: 2\n"},
		{desc: "_headers: * becomes the origin", text: "/*\n  Access-Control-Allow-Origin: *\n",
			edit: fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: "*", Values: []string{"https://app.example"}}, want: "/*\n  Access-Control-Allow-Origin: https://app.example\n"},
		{desc: "_headers: a second origin cannot be fixed", text: "/*\n  Access-Control-Allow-Origin: https://a.example\n",
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example"}}, err: fix.ErrUnsupported},
		{desc: "TOML: credentials in [headers.values]", text: "[[headers]]\n  for = \"/*\"\n  [headers.values]\n    Access-Control-Allow-Origin = \"https://app.example\" # the app\n",
			edit: fix.Edit{Op: fix.Enable, Field: fix.Credentials}, want: "[[headers]]\n  for = \"/*\"\n  [headers.values]\n    Access-Control-Allow-Origin = \"https://app.example\" # the app\n    Access-Control-Allow-Credentials = \"true\"\n"},
		{desc: "TOML: a method joins a multi-line value", text: "[[headers]]\n  for = \"/*\"\n  [headers.values]\n    Access-Control-Allow-Methods = '''\n    GET,\n    POST'''\n",
			edit: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}}, want: "[[headers]]\n  for = \"/*\"\n  [headers.values]\n    Access-Control-Allow-Methods = \"GET, POST, PUT\"\n"},
		{desc: "TOML: an inline table gets one more key", text: "[[headers]]\nfor = \"/*\"\nvalues = { Access-Control-Allow-Origin = \"*\" }\n",
			edit: fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"X-Token"}}, want: "[[headers]]\nfor = \"/*\"\nvalues = { Access-Control-Allow-Origin = \"*\", Access-Control-Allow-Headers = \"X-Token\" }\n"},
		{desc: "TOML: an array value is rewritten", text: "[[headers]]\nfor = \"/*\"\nvalues = { Access-Control-Allow-Methods = [\"GET\"] }\n",
			edit: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}}, want: "[[headers]]\nfor = \"/*\"\nvalues = { Access-Control-Allow-Methods = \"GET, PUT\" }\n"},
		{desc: "answering OPTIONS is not a Netlify setting", text: "/*\n  Access-Control-Allow-Origin: *\n", edit: fix.Edit{Op: fix.AnswerOptions}, err: fix.ErrUnsupported},
	}
	f := &netlify.Format{}
	for _, tc := range tests {
		got, err := f.EditText(tc.text, tc.edit)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%s: error %v, want %v", tc.desc, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %v\n got %q\nwant %q", tc.desc, err, got, tc.want)
			continue
		}
		if _, err := netlify.Parse(got); err != nil {
			t.Errorf("%s: the edited text does not parse: %v", tc.desc, err)
		}
	}
}

// TestDetect: every golden file of every other format is not claimed as
// netlify, and ours are claimed by netlify alone.
func TestDetect(t *testing.T) {
	reg := policy.NewRegistry(all.Policies()...)
	root := filepath.Join("..", "..", "..")
	var files []string
	for _, dir := range []string{"engine/formats", "engine/platform", "engine/native", "examples"} {
		_ = filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.Contains(filepath.ToSlash(p), "/testdata/") || err == nil && !d.IsDir() && strings.HasPrefix(filepath.ToSlash(p), filepath.ToSlash(filepath.Join(root, "examples"))) {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) < 20 {
		t.Fatalf("only %d golden files found", len(files))
	}
	ours := 0
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil || len(b) > 1<<20 {
			continue
		}
		got := reg.Detect(string(b))
		claimed := slices.ContainsFunc(got, func(d policy.Detection) bool { return d.Format == "netlify" })
		if strings.Contains(filepath.ToSlash(p), "/netlify/testdata/") {
			ours++
			if len(got) != 1 || !claimed {
				t.Errorf("%s: Detect = %+v, want netlify alone", p, got)
			}
		} else if claimed {
			t.Errorf("%s: claimed as netlify (%+v)", p, got)
		}
	}
	if ours == 0 {
		t.Error("no netlify golden file read")
	}
	t.Logf("%d files", len(files))
}

// TestDetectForms: the texts nearest to Netlify's, written here, are told
// apart.
func TestDetectForms(t *testing.T) {
	reg := policy.NewRegistry(all.Policies()...)
	tests := []struct {
		desc, text string
		netlify    bool
	}{
		{desc: "_headers with a comment first", text: "# CORS\n/api/*\n  Access-Control-Allow-Origin: *\n", netlify: true},
		{desc: "_headers with CRLF and tabs", text: "/*\r\n\tX-Frame-Options: DENY\r\n", netlify: true},
		{desc: "netlify.toml [[headers]]", text: "[[headers]]\n  for = \"/*\"\n  [headers.values]\n    X = \"1\"\n", netlify: true},
		{desc: "netlify.toml headers array", text: "headers = [ { for = \"/a\", values = { X = \"1\" } } ]\n", netlify: true},
		{desc: "Traefik TOML headers middleware", text: "[http.middlewares]\n  [http.middlewares.cors.headers]\n    accessControlAllowOriginList = [\"https://a.example\"]\n    addVaryHeader = true\n"},
		{desc: "Traefik TOML custom response headers", text: "[http.middlewares.cors.headers.customResponseHeaders]\n  Access-Control-Allow-Origin = \"*\"\n"},
		{desc: "a raw reply", text: "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\n"},
		{desc: "DevTools header lines", text: "access-control-allow-origin: *\nvary: Origin\n"},
		{desc: "an nginx location", text: "location /api/ {\n    add_header Access-Control-Allow-Origin *;\n}\n"},
		{desc: "an Apache Location", text: "<Location /api>\n  Header set Access-Control-Allow-Origin \"*\"\n</Location>\n"},
		{desc: "a Caddyfile path matcher", text: "example.com {\n\theader /api/* Access-Control-Allow-Origin *\n}\n"},
	}
	for _, tc := range tests {
		got := reg.Detect(tc.text)
		claimed := slices.ContainsFunc(got, func(d policy.Detection) bool { return d.Format == "netlify" })
		if claimed != tc.netlify || tc.netlify && len(got) != 1 {
			t.Errorf("%s: Detect = %+v, netlify wanted %v (alone)", tc.desc, got, tc.netlify)
		}
	}
}

func TestGolden(t *testing.T) {
	for _, name := range []string{"api_headers", "netlify.toml", "traps_headers"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		c, err := netlify.Parse(string(b))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		out := c.Respond(policy.Request{Method: "GET", URL: "https://site.example/api/v1"}, policy.Reply{Status: 200})
		acao, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
		if acao == "" {
			t.Errorf("%s: /api/v1 gets no Access-Control-Allow-Origin", name)
		}
	}
}

// fuzzPositions checks that a refused text's faults are all positioned
// inside it.
func fuzzPositions(t *testing.T, text string, err error) {
	if err == nil {
		return
	}
	var es policy.Errors
	if !errors.As(err, &es) || len(es) == 0 {
		t.Fatalf("error %v is not policy.Errors", err)
	}
	lines := strings.Count(text, "\n") + 1
	for _, e := range es {
		if e.Line < 1 || e.Line > lines || e.Column < 1 {
			t.Fatalf("fault %q at %d:%d outside the text's %d lines:\n%q", e.Msg, e.Line, e.Column, lines, text)
		}
	}
}

// fuzzEdit checks that an edit of a text that parses parses too.
func fuzzEdit(t *testing.T, text string, err error) {
	if err != nil {
		return
	}
	for _, e := range []fix.Edit{
		{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}},
		{Op: fix.Enable, Field: fix.Credentials},
		{Op: fix.Add, Field: fix.Origins, Values: []string{"https://app.example"}},
	} {
		got, err := (&netlify.Format{}).EditText(text, e)
		if err != nil {
			continue
		}
		if _, err := netlify.Parse(got); err != nil {
			t.Fatalf("%+v made %q of %q, which does not parse: %v", e, got, text, err)
		}
	}
}

// fuzzRead reads text with read and checks the faults' positions, that
// answering and linting do not fail, and that edits parse.
func fuzzRead(t *testing.T, text string, read func(string) (*netlify.Config, error)) {
	c, err := read(text)
	fuzzPositions(t, text, err)
	c.Respond(policy.Request{Method: "GET", URL: "https://s/a"}, policy.Reply{Status: 200})
	(&netlify.Format{}).CheckText(text)
	fuzzEdit(t, text, err)
}

func FuzzParseHeaders(f *testing.F) {
	for _, s := range []string{"/*\n  X: 1\n", "X: 1\n/a\n  : v\n  Y:\n", "/a(*\n  X: 1\n", "/a\n  undefined: 1\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) { fuzzRead(t, text, netlify.ParseHeaders) })
}

func FuzzParseTOML(f *testing.F) {
	for _, s := range []string{"[[headers]]\n  for = \"/a\"\n  [headers.values]\n    X = 1\n", "[[headers]]\n  for = \"/a\n", "headers = [ { for = \"/a\", values = { X = [\"a\", 1] } } ]\n", "[headers]\nfor=1\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) { fuzzRead(t, text, netlify.ParseTOML) })
}

// TestParseSource: a site's _headers and netlify.toml read together, as
// the parser's mergeHeaders keeps them (the file's rules, then the
// configuration's, an identical rule once), faults naming their file.
func TestParseSource(t *testing.T) {
	src := policy.Source{Files: []policy.File{
		{Name: "public/_headers", Text: "/a\n  X: 1\n/*\n  Access-Control-Allow-Origin: *\n  Y:\n"},
		{Name: "netlify.toml", Text: "[[headers]]\n  for = \"/a\"\n  values = { X = \"1\" }\n[[headers]]\n  for = \"/api/*\"\n  values = { Access-Control-Allow-Origin = \"https://app.example\" }\n"},
	}}
	c, err := netlify.ParseFiles(src.Files)
	var es policy.Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].File != "public/_headers" || es[0].Line != 5 {
		t.Errorf("faults %v, want one at public/_headers line 5 (%s)", err, parser)
	}
	var fors []string
	for _, r := range c.Rules {
		fors = append(fors, r.For)
	}
	if want := []string{"/*", "/a", "/api/*"}; !slices.Equal(fors, want) {
		t.Errorf("rules %q, want %q (merge.js: the last of identical rules kept)", fors, want)
	}
	out := c.Respond(policy.Request{Method: "GET", URL: "https://s/api/x"}, policy.Reply{Status: 200})
	if v, _ := out.Reply.Header.Get("Access-Control-Allow-Origin"); v != "https://app.example" {
		t.Errorf("Access-Control-Allow-Origin %q, want netlify.toml's, the later rule (%s)", v, cliMatch)
	}
	at := ""
	for _, r := range out.Rules {
		if r.Matched && r.ID == "Access-Control-Allow-Origin" {
			at = r.Path
		}
	}
	if at != "netlify.toml, line 6" {
		t.Errorf("the answering header is at %q, want netlify.toml, line 6", at)
	}
	if _, err := (&netlify.Format{}).ParseSource(src); err == nil {
		t.Error("ParseSource accepted a file with a fault")
	}
}

// TestTrace: the trace names the header that answered at its line, the
// value a later rule replaced as replaced, an unmatched path as failed,
// without a Path (lint places its findings at the Paths).
func TestTrace(t *testing.T) {
	c, err := netlify.Parse("/*\n  Access-Control-Allow-Origin: *\n/api/*\n  Access-Control-Allow-Origin: https://app.example\n/other\n  X: 1\n")
	if err != nil {
		t.Fatal(err)
	}
	out := c.Respond(policy.Request{Method: "GET", URL: "https://s/api/a"}, policy.Reply{Status: 200})
	var got []string
	for _, r := range out.Rules {
		got = append(got, r.ID+"|"+r.Path+"|"+strconv.FormatBool(r.Matched)+"|"+r.Failed)
	}
	want := []string{"Access-Control-Allow-Origin||false|replaced", "Access-Control-Allow-Origin|line 4|true|", "/other||false|path"}
	if !slices.Equal(got, want) {
		t.Errorf("trace %q, want %q (%s)", got, want, cliMatch)
	}
}
