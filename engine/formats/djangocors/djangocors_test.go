package djangocors_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/djangocors"
	"github.com/whycors/whycors/engine/formats/internal/pylit/pylittest"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// Expected values are from corsheaders/middleware.py and conf.py at
// 3.14.0 (Debian 12 python3-django-cors-headers), and agree with the
// real middleware in e2e/python; TestVersions has 4.7.0's differences.
func TestRespond(t *testing.T) {
	c, err := djangocors.ParseVersion(pylittest.Golden(t, "settings.py"), nil, djangocors.V3)
	if err != nil {
		t.Fatal(err)
	}
	ok := policy.Reply{Status: 200}
	acah := strings.Join(append(append([]string(nil), djangocors.DefaultHeaders(djangocors.V3)...), "x-request-id"), ", ")
	tests := []struct {
		desc, source string
		req          policy.Request
		app          policy.Reply
		status       int
		want         map[string]string
	}{
		{desc: "preflight answered 200 with the full lists", source: "middleware.py process_request (HttpResponse, Content-Length 0) and process_response (OPTIONS branch)",
			req: pylittest.Req("OPTIONS", "/api/x", "https://app.example", "Access-Control-Request-Method", "PROPFIND"), app: policy.Reply{Status: 405}, status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://app.example", "Access-Control-Allow-Methods": "DELETE, GET, OPTIONS, PATCH, POST, PUT", "Access-Control-Allow-Headers": acah, "Access-Control-Max-Age": "86400", "Access-Control-Allow-Credentials": "true", "Vary": "Origin"}},
		{desc: "regex matches from the start", source: "middleware.py regex_domain_match (re.match)",
			req: pylittest.Req("GET", "/api/x", "https://pr1.preview.example"), app: ok, status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://pr1.preview.example"}},
		{desc: "a refused origin still gets credentials and Vary", source: "middleware.py process_response (ACAC set before the origin check)",
			req: pylittest.Req("GET", "/api/x", "https://evil.example"), app: ok, status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Credentials": "true", "Vary": "Origin"}},
		{desc: "CORS_URLS_REGEX leaves other paths alone", source: "middleware.py is_enabled (re.match on path_info)",
			req: pylittest.Req("GET", "/admin/", "https://app.example"), app: ok, status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Vary": ""}},
		{desc: "a 500 from a view still gets the headers", source: "django/core/handlers/exception.py convert_exception_to_response (inside the middleware)",
			req: pylittest.Req("GET", "/api/x", "https://app.example"), app: policy.Reply{Status: 500}, status: 500,
			want: map[string]string{"Access-Control-Allow-Origin": "https://app.example"}},
	}
	for _, tt := range tests {
		pylittest.Check(t, tt.desc, tt.source, c, tt.req, tt.app, tt.status, tt.want)
	}
}

// Origins compare by scheme and host (urlsplit), so a trailing slash
// still matches at run time; CORS_ORIGIN_WHITELIST is the older name.
func TestURLSplit(t *testing.T) {
	c, err := djangocors.Parse(`CORS_ORIGIN_WHITELIST = ("https://b.example/",)` + "\n")
	if err != nil {
		t.Fatal(err)
	}
	out := c.Respond(pylittest.Req("GET", "/x", "https://b.example"), policy.Reply{Status: 200})
	if g, _ := out.Reply.Header.Get("Access-Control-Allow-Origin"); g != "https://b.example" {
		t.Errorf("ACAO %q (middleware.py _url_in_whitelist compares scheme and netloc)", g)
	}
}

func TestDetect(t *testing.T) {
	reg := all.Registry()
	if d := reg.Detect(pylittest.Golden(t, "settings.py")); len(d) != 1 || d[0].Format != "django-cors-headers" {
		t.Errorf("Detect = %v, want django-cors-headers alone", d)
	}
}

// EditText appends to the setting where it is written, and adds a
// missing setting with the defaults kept.
func TestEditText(t *testing.T) {
	f := postest.Lookup(t, djangocors.Formats(), "django-cors-headers").(fix.Editor)
	src := pylittest.Golden(t, "settings.py")
	tests := []struct {
		desc string
		e    fix.Edit
		want string
	}{
		{desc: "origin added to the multi-line list", e: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://new.example"}},
			want: strings.Replace(src, "    \"https://app.example\",\n", "    \"https://app.example\",\n    \"https://new.example\",\n", 1)},
		{desc: "header added after the user's own item of the unpacked tuple", e: fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"x-b"}},
			want: strings.Replace(src, `"x-request-id")`, `"x-request-id", "x-b")`, 1)},
		{desc: "methods absent: the defaults and the new one", e: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PURGE"}},
			want: src + "CORS_ALLOW_METHODS = [\"DELETE\", \"GET\", \"OPTIONS\", \"PATCH\", \"POST\", \"PUT\", \"PURGE\"]\n"},
	}
	for _, tt := range tests {
		got, err := f.EditText(src, tt.e)
		if err != nil || got != tt.want {
			t.Errorf("%s: err %v\n%s\nwant:\n%s", tt.desc, err, got, tt.want)
		}
	}
}

// CheckText finds the library's own traps, and lint's rule checks find
// the regex without $ in the rules ReadRules states.
func TestLint(t *testing.T) {
	src := "CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\nCORS_ALLOWED_ORIGIN_REGEXES = [r\"^https://app\\.example\"]\nMIDDLEWARE = []\n"
	f := postest.Lookup(t, djangocors.Formats(), "django-cors-headers")
	codes := map[string]int{}
	for _, x := range f.(lint.TextChecker).CheckText(src) {
		codes[x.Code] = x.Pos.Line
	}
	for code, line := range map[string]int{"reflect-any-origin": 1, "regex-without-end-anchor": 3, "middleware-missing": 4} {
		if codes[code] != line {
			t.Errorf("finding %s at line %d, want %d (all: %v)", code, codes[code], line, codes)
		}
	}
	reg := all.Registry()
	fs, err := lint.Lint(reg, "CORS_ALLOWED_ORIGIN_REGEXES = [r\"^https://app\\.example\"]\n", "django-cors-headers")
	if err != nil {
		t.Fatal(err)
	}
	// One finding for the one regex: the format's, in re.match's words,
	// in the place of lint's suffix-trap (tried as a new user would, it
	// was two errors at two places).
	n := 0
	for _, x := range fs {
		if x.Code == "suffix-trap" || x.Code == "regex-without-end-anchor" {
			n++
			if x.Code != "regex-without-end-anchor" || x.Line != 1 || x.Column != 32 {
				t.Errorf("finding %s at %d:%d, want regex-without-end-anchor at 1:32", x.Code, x.Line, x.Column)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d findings for a regex without $ under re.match, want 1: %v", n, fs)
	}
}

// TestTrailingSlashIsCheckedOnce: django-cors-headers compares an
// allowed origin by scheme and host (corsheaders/middleware.py 3.14.0,
// origin_found_in_white_lists: urlsplit), so a trailing slash still
// matches at run time, and its check E014 refuses it at manage.py
// runserver: lint says that (origin-with-path, at the entry), not the
// generic "never matches", which stood beside a verdict that matched it
// (tried as a new user would).
func TestTrailingSlashIsCheckedOnce(t *testing.T) {
	fs, err := lint.Lint(all.Registry(), "CORS_ALLOWED_ORIGINS = [\n    \"https://app.example.com/\",\n]\nCORS_ALLOW_CREDENTIALS = True\n", "django-cors-headers")
	if err != nil {
		t.Fatal(err)
	}
	path := false
	for _, f := range fs {
		if f.Code == "origin-never-matches" {
			t.Errorf("origin-never-matches: %s", f.Message)
		}
		path = path || f.Code == "origin-with-path" && f.Line == 2 && f.Column == 5
	}
	if !path {
		t.Errorf("no origin-with-path at line 2, column 5: %+v", fs)
	}
}

// TestMiddlewareOrder: CorsMiddleware below CommonMiddleware, whose
// APPEND_SLASH redirect leaves before CorsMiddleware runs (the
// django-cors-headers README's Setup: "as high as possible"); above it,
// or with no responder before it, nothing.
func TestMiddlewareOrder(t *testing.T) {
	for _, tc := range []struct {
		mw   string
		want int // line of middleware-order, 0 for none
	}{
		{"\"django.middleware.security.SecurityMiddleware\",\n    \"django.middleware.common.CommonMiddleware\",\n    \"corsheaders.middleware.CorsMiddleware\",\n", 4},
		{"\"corsheaders.middleware.CorsMiddleware\",\n    \"django.middleware.common.CommonMiddleware\",\n", 0},
		{"\"django.middleware.security.SecurityMiddleware\",\n    \"corsheaders.middleware.CorsMiddleware\",\n", 0},
	} {
		text := "MIDDLEWARE = [\n    " + tc.mw + "]\nCORS_ALLOWED_ORIGINS = ['https://app.example.com']\n"
		got := 0
		for _, f := range (&djangocors.Format{}).CheckText(text) {
			if f.Code == "middleware-order" {
				got = f.Pos.Line
			}
		}
		if got != tc.want {
			t.Errorf("%s: middleware-order at line %d, want %d", tc.mw, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	_, err := djangocors.Parse("CORS_ALLOWED_ORIGINS = os.environ['ORIGINS'].split(',')\nCORS_ALLOWED_ORIGIN_REGEXES = [r'^https://(?P<x>a)$']\n")
	postest.Positions(t, "computed value and unsupported regex", err, []policy.Error{{Line: 1, Column: 24}, {Line: 2, Column: 43}})
}

func FuzzParse(f *testing.F) {
	f.Add(pylittest.Golden(f, "settings.py"))
	f.Add("CORS_ALLOWED_ORIGINS = [*x, 'a']\nCORS_URLS_REGEX = '('\n")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := djangocors.Parse(s)
		postest.Rejected(t, err)
		if err == nil {
			c.Respond(pylittest.Req("OPTIONS", "/api/x", "https://a", "Access-Control-Request-Method", "GET"), policy.Reply{Status: 200})
		}
	})
}

// A whole settings module: the CORS settings are read among everything
// else, and the later `+=` under `if DEBUG:` is left out (an indented
// assignment depends on run time).
func TestFullSettings(t *testing.T) {
	c, err := djangocors.Parse(pylittest.Golden(t, "settings_full.py"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.AllowedOrigins.Items; strings.Join(got, " ") != "https://shop.example https://admin.shop.example" {
		t.Errorf("origins %q", got)
	}
	if c.AllowMethods.Join(",") != "DELETE,GET,OPTIONS,PATCH,POST,PUT,PROPFIND" || c.MaxAge != "3600" || !c.Credentials || c.URLsRegex != "^/api/.*$" {
		t.Errorf("methods %q max age %q credentials %v urls %q", c.AllowMethods.Join(","), c.MaxAge, c.Credentials, c.URLsRegex)
	}
	if len(c.Notes) != 1 || !strings.HasPrefix(c.Notes[0], "line 70: CORS_ALLOWED_ORIGINS is assigned inside a block") {
		t.Errorf("notes %q", c.Notes)
	}
	out := c.Respond(pylittest.Req("OPTIONS", "/api/orders", "https://pr-12.preview.shop.example", "Access-Control-Request-Method", "PATCH"), policy.Reply{Status: 200})
	if v, _ := out.Reply.Header.Get("Access-Control-Allow-Origin"); v != "https://pr-12.preview.shop.example" {
		t.Errorf("preview origin: ACAO %q", v)
	}
}

// The format names its library and the source its model rests on, and
// offers the capabilities the engine looks for.
func TestCapabilities(t *testing.T) {
	pylittest.Capabilities(t, postest.Lookup(t, djangocors.Formats(), "django-cors-headers"), "django-cors-headers", "settings.py", "3.14.0")
}

// TestVersions: where django-cors-headers 4.7.0 (Debian 13's, read
// unless a requirements.txt pins 3.x) answers otherwise than 3.14.0
// (Debian 12's): corsheaders/defaults.py's default_headers, middleware.py's
// add_response_headers (Vary "origin", credentials only to an allowed
// origin, CORS_ALLOW_PRIVATE_NETWORK). e2e/python runs both.
func TestVersions(t *testing.T) {
	const settings = "CORS_ALLOWED_ORIGINS = [\"https://app.example\"]\nCORS_ALLOW_CREDENTIALS = True\nCORS_ALLOW_PRIVATE_NETWORK = True\n"
	f := postest.Lookup(t, djangocors.Formats(), "django-cors-headers").(*djangocors.Format)
	tests := []struct {
		desc, source, requirements string
		want                       map[string]string // a preflight from https://app.example asking for private network access
		refused                    map[string]string // a GET from https://evil.example
	}{
		{desc: "no requirements file: 4.7.0", source: "4.7.0 middleware.py add_response_headers, defaults.py",
			want:    map[string]string{"Vary": "origin", "Access-Control-Allow-Headers": "accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with", "Access-Control-Allow-Private-Network": "true", "Access-Control-Allow-Credentials": "true"},
			refused: map[string]string{"Vary": "origin", "Access-Control-Allow-Credentials": ""}},
		{desc: "a pin of 4.7.0", source: "as above", requirements: "Django==4.2.28\ndjango-cors-headers==4.7.0  # CORS\n",
			want:    map[string]string{"Vary": "origin", "Access-Control-Allow-Private-Network": "true"},
			refused: map[string]string{"Access-Control-Allow-Credentials": ""}},
		{desc: "a pin of 3.14.0, the name written otherwise", source: "3.14.0 middleware.py process_response, defaults.py; PEP 503 names",
			requirements: "Django_Cors.Headers == 3.14.0 ; python_version >= \"3.8\"\n",
			want:         map[string]string{"Vary": "Origin", "Access-Control-Allow-Headers": "accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, x-requested-with", "Access-Control-Allow-Private-Network": ""},
			refused:      map[string]string{"Vary": "Origin", "Access-Control-Allow-Credentials": "true"}},
		{desc: "not pinned: 4.7.0", source: "as above", requirements: "django-cors-headers>=3.13\n",
			want: map[string]string{"Vary": "origin"}, refused: map[string]string{"Access-Control-Allow-Credentials": ""}},
	}
	for _, tt := range tests {
		src := policy.Source{Files: []policy.File{{Name: "proj/settings.py", Text: settings}}}
		if tt.requirements != "" {
			src.Files = append(src.Files, policy.File{Name: "requirements.txt", Text: tt.requirements})
		}
		ev, err := f.ParseSource(src)
		if err != nil {
			t.Errorf("%s: %v", tt.desc, err)
			continue
		}
		check := func(what string, req policy.Request, want map[string]string) {
			out := ev.Respond(req, policy.Reply{Status: 200})
			for name, w := range want {
				if got, _ := out.Reply.Header.Get(name); got != w {
					t.Errorf("%s (%s): %s: %s = %q, want %q", tt.desc, tt.source, what, name, got, w)
				}
			}
		}
		check("the preflight", pylittest.Req("OPTIONS", "/x", "https://app.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Private-Network", "true"), tt.want)
		check("the refused GET", pylittest.Req("GET", "/x", "https://evil.example"), tt.refused)
	}
	// An Origin urlsplit refuses ("Invalid IPv6 URL"): the middleware
	// returns before any CORS header, under CORS_ALLOW_ALL_ORIGINS too (a
	// HAR or a probe can hold one; found by a review against the real
	// 4.7.0 and 3.14.0).
	for _, v := range []string{djangocors.V3, djangocors.Latest} {
		c, err := djangocors.ParseVersion("CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n", nil, v)
		if err != nil {
			t.Fatal(err)
		}
		out := c.Respond(pylittest.Req("GET", "/x", "https://[::1"), policy.Reply{Status: 200})
		if h := out.Reply.Header; h.Has("Access-Control-Allow-Origin") || h.Has("Access-Control-Allow-Credentials") || !h.Has("Vary") {
			t.Errorf("%s, Origin https://[::1: %v, want Vary alone", v, h)
		}
	}
	// A requirements file that does not name the library, or comes first.
	for _, files := range [][]policy.File{
		{{Name: "settings.py", Text: settings}, {Name: "requirements.txt", Text: "Django==4.2\n"}},
		{{Name: "requirements.txt", Text: "django-cors-headers==4.7.0\n"}, {Name: "settings.py", Text: settings}},
	} {
		_, err := f.ParseSource(policy.Source{Files: files})
		if errs, ok := err.(policy.Errors); !ok || len(errs) != 1 || errs[0].File != "requirements.txt" || errs[0].Line != 1 {
			t.Errorf("%s then %s: %v, want one fault at requirements.txt:1", files[0].Name, files[1].Name, err)
		}
	}
}
