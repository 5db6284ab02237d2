package traefik_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/traefik"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// hdr is the reference read for every expected reply: Traefik v3.6.12
// pkg/middlewares/headers/header.go (processCorsHeaders for preflights,
// PostRequestModifyResponseHeaders for every other reply), checked by
// e2e/traefikmw against that code.
const hdr = "Traefik v3.6.12 pkg/middlewares/headers/header.go"

func yamlMW(fields string) string {
	return "http:\n  middlewares:\n    cors:\n      headers:\n" + fields
}

func request(method, origin, acrm string) policy.Request {
	var h headers.List
	if origin != "" {
		h.Add("Origin", origin)
	}
	if acrm != "" {
		h.Add("Access-Control-Request-Method", acrm)
	}
	return policy.Request{Method: method, URL: "https://api.example/v1", Header: h}
}

func TestRespond(t *testing.T) {
	tests := []struct {
		desc, text string
		req        policy.Request
		app        policy.Reply
		status     int
		want       map[string]string // header: value ("-" absent)
		source     string
	}{
		{desc: "preflight from a listed origin: Traefik answers 200 itself, lists joined with a comma, Max-Age always",
			text:   yamlMW("        accessControlAllowOriginList: [https://app.example]\n        accessControlAllowMethods: [GET, PUT]\n        accessControlAllowHeaders: [Content-Type, X-Token]\n"),
			req:    request("OPTIONS", "https://app.example", "PUT"),
			app:    policy.Reply{Status: 404},
			status: 200,
			want:   map[string]string{"Access-Control-Allow-Origin": "https://app.example", "Access-Control-Allow-Methods": "GET,PUT", "Access-Control-Allow-Headers": "Content-Type,X-Token", "Access-Control-Max-Age": "0", "Content-Length": "0", "Vary": "-"},
			source: hdr + " processCorsHeaders"},
		{desc: "preflight from another origin: still 200, no Allow-Origin",
			text:   yamlMW("        accessControlAllowOriginList: [https://app.example]\n        accessControlAllowCredentials: true\n        accessControlMaxAge: 600\n"),
			req:    request("OPTIONS", "https://evil.example", "GET"),
			app:    policy.Reply{Status: 404},
			status: 200,
			want:   map[string]string{"Access-Control-Allow-Origin": "-", "Access-Control-Allow-Credentials": "true", "Access-Control-Max-Age": "600"},
			source: hdr + " processCorsHeaders"},
		{desc: "OPTIONS without Access-Control-Request-Method is no preflight: the service answers",
			text:   yamlMW("        accessControlAllowOriginList: [https://app.example]\n"),
			req:    request("OPTIONS", "https://app.example", ""),
			app:    policy.Reply{Status: 405},
			status: 405,
			want:   map[string]string{"Access-Control-Allow-Origin": "https://app.example", "Access-Control-Max-Age": "-"},
			source: hdr + " processCorsHeaders (reqAcMethod != \"\")"},
		{desc: "a regex match sends the request's origin back",
			text:   yamlMW("        accessControlAllowOriginListRegex: ['^https://[a-z]+\\.app\\.example$']\n"),
			req:    request("GET", "https://eu.app.example", ""),
			app:    policy.Reply{Status: 200},
			status: 200,
			want:   map[string]string{"Access-Control-Allow-Origin": "https://eu.app.example"},
			source: hdr + " isOriginAllowed"},
		{desc: "\"*\" in the list is sent as \"*\", even with credentials and without Origin",
			text:   yamlMW("        accessControlAllowOriginList: ['*']\n        accessControlAllowCredentials: true\n"),
			req:    request("GET", "", ""),
			app:    policy.Reply{Status: 200},
			status: 200,
			want:   map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true"},
			source: hdr + " isOriginAllowed (item == \"*\")"},
		{desc: "a refused origin keeps the service's own Allow-Origin; credentials and expose headers are set anyway",
			text:   yamlMW("        accessControlAllowOriginList: [https://app.example]\n        accessControlAllowCredentials: true\n        accessControlExposeHeaders: [X-Request-Id, ETag]\n"),
			req:    request("GET", "https://evil.example", ""),
			app:    policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}, {Name: "Access-Control-Expose-Headers", Value: "X-App"}}},
			status: 200,
			want:   map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true", "Access-Control-Expose-Headers": "X-Request-Id,ETag"},
			source: hdr + " PostRequestModifyResponseHeaders"},
		{desc: "addVaryHeader appends Origin to the service's first Vary value",
			text:   yamlMW("        accessControlAllowOriginList: [https://app.example]\n        addVaryHeader: true\n"),
			req:    request("GET", "https://app.example", ""),
			app:    policy.Reply{Status: 200, Header: headers.List{{Name: "Vary", Value: "Accept"}, {Name: "Vary", Value: "Cookie"}}},
			status: 200,
			want:   map[string]string{"Vary": "Accept,Origin"},
			source: hdr + " PostRequestModifyResponseHeaders (res.Header.Get(\"Vary\"), then Set)"},
		{desc: "customResponseHeaders set first; the list's value replaces a hand-set Allow-Origin for an allowed origin",
			text:   yamlMW("        accessControlAllowOriginList: [https://app.example]\n        customResponseHeaders:\n          Access-Control-Allow-Origin: https://fixed.example\n          X-Powered-By: ''\n"),
			req:    request("GET", "https://app.example", ""),
			app:    policy.Reply{Status: 200, Header: headers.List{{Name: "X-Powered-By", Value: "php"}}},
			status: 200,
			want:   map[string]string{"Access-Control-Allow-Origin": "https://app.example", "X-Powered-By": "-"},
			source: hdr + " PostRequestModifyResponseHeaders (\"\" deletes)"},
		{desc: "customResponseHeaders alone: no preflight answered, the hand-set header on the service's reply",
			text:   yamlMW("        customResponseHeaders:\n          Access-Control-Allow-Origin: https://fixed.example\n"),
			req:    request("OPTIONS", "https://app.example", "GET"),
			app:    policy.Reply{Status: 404},
			status: 404,
			want:   map[string]string{"Access-Control-Allow-Origin": "https://fixed.example", "Access-Control-Max-Age": "-"},
			source: hdr + " processCorsHeaders (hasCorsHeaders false)"},
		{desc: "TOML, a comma-separated string list, lower-case field names (traefik/paerser)",
			text:   "[http.middlewares.cors.headers]\naccesscontrolalloworiginlist = 'https://a.example, https://app.example'\naccessControlAllowMethods = ['GET']\n",
			req:    request("OPTIONS", "https://app.example", "GET"),
			status: 200,
			want:   map[string]string{"Access-Control-Allow-Origin": "https://app.example", "Access-Control-Allow-Methods": "GET"},
			source: "traefik/paerser v0.2.2 parser/element_fill.go setSlice, nodes_metadata.go (EqualFold)"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			ev, err := (&traefik.Format{}).Parse(tc.text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			o := ev.Respond(tc.req, tc.app)
			if o.Reply.Status != tc.status {
				t.Errorf("status %d, want %d (%s)", o.Reply.Status, tc.status, tc.source)
			}
			for name, want := range tc.want {
				got := strings.Join(o.Reply.Header.Values(name), "|")
				if want == "-" && got != "" || want != "-" && got != want {
					t.Errorf("%s: %q, want %q (%s)", name, got, want, tc.source)
				}
			}
			if o.Text() == "" {
				t.Error("no decision text")
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		desc, text string
		resource   string
		line, col  int
		msg        string
		source     string
	}{
		{desc: "unknown field, with the close one named", text: yamlMW("        accessControlAllowOrigin: [https://a.example]\n"), line: 5, col: 9,
			msg: "did you mean accessControlAllowOriginList", source: "traefik/paerser nodes_metadata.go: field not found"},
		{desc: "a regex Go refuses", text: yamlMW("        accessControlAllowOriginListRegex: ['^https://(a$']\n"), line: 5, col: 45,
			msg: "refuses the origin regex", source: "header.go NewHeader: regexp.Compile"},
		{desc: "a bool that is not one", text: yamlMW("        addVaryHeader: maybe\n"), line: 5, col: 24,
			msg: "must be true or false", source: "paerser: strconv.ParseBool"},
		{desc: "TOML key given twice", text: "[http.middlewares.cors.headers]\naddVaryHeader = true\naddVaryHeader = false\n", line: 3, col: 1,
			msg: "defined twice", source: "TOML v1.0.0: keys must not be defined twice"},
		{desc: "TOML syntax", text: "[http.middlewares.cors.headers]\naccessControlAllowOriginList = [\"a\"\n", line: 2, col: 36,
			msg: "array is incomplete", source: "go-toml/v2 v2.4.3 unstable parser: the error at the input's last byte"},
		{desc: "YAML syntax", text: "http:\n  middlewares:\n    cors:\n      headers:\n        addVaryHeader: [true\n", line: 5, col: 1,
			msg: "did not find expected ',' or ']'", source: "the line the flow sequence opens on, which go.yaml.in/yaml/v3 v3.0.6 names 0-based (yamlpos)"},
		{desc: "several middlewares with CORS fields, candidates listed", text: "http:\n  middlewares:\n    a:\n      headers:\n        addVaryHeader: true\n    b:\n      headers:\n        addVaryHeader: true\n", line: 4, col: 7,
			msg: "a (line 4), b (line 7)", source: "design: policy.resource chooses, as cloudformation"},
		{desc: "an unknown resource", text: yamlMW("        addVaryHeader: true\n"), resource: "nope", line: 1, col: 1,
			msg: "no headers middleware named \"nope\"", source: "design: policy.resource"},
		{desc: "Kubernetes: field names are exact", text: "apiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata:\n  name: c\nspec:\n  headers:\n    addvaryheader: true\n", line: 7, col: 5,
			msg: "unknown field", source: "Traefik CRD schema (traefik.io_middlewares.yaml): properties are case-sensitive"},
		{desc: "no middleware at all", text: "http:\n  routers: {}\n", line: 1, col: 1, msg: "no headers middleware", source: "doc.traefik.io/traefik/middlewares/http/headers/"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := (&traefik.Format{}).ParseSource(policy.Source{Text: tc.text, Resource: tc.resource})
			var es policy.Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("err = %v, want Errors (%s)", err, tc.source)
			}
			e := es[0]
			if e.Line != tc.line || e.Column != tc.col || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got %d:%d %q, want %d:%d containing %q (%s)", e.Line, e.Column, e.Msg, tc.line, tc.col, tc.msg, tc.source)
			}
		})
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestResourceChoice(t *testing.T) {
	text, _ := os.ReadFile("testdata/several.yaml")
	for _, name := range []string{"cors-a", "cors-b"} {
		ev, err := (&traefik.Format{}).ParseSource(policy.Source{Text: string(text), Resource: name})
		if err != nil {
			t.Fatal(err)
		}
		want := "https://" + name[len("cors-"):] + ".example"
		o := ev.Respond(request("GET", want, ""), policy.Reply{Status: 200})
		if got, _ := o.Reply.Header.Get("Access-Control-Allow-Origin"); got != want || o.DecidedBy == nil || o.DecidedBy.Resource != name {
			t.Errorf("%s: ACAO %q, decided by %+v; want %s from %s (policy.resource chooses)", name, got, o.DecidedBy, want, name)
		}
	}
	// Only one of two middlewares has CORS fields: it answers.
	k8s, _ := os.ReadFile("testdata/middleware-k8s.yaml")
	c, err := traefik.Read(policy.Source{Text: string(k8s)})
	if err != nil || c.Chosen().Name != "cors" || !c.Chosen().Kubernetes {
		t.Fatalf("chosen %+v, %v; want the Kubernetes Middleware cors", c, err)
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		desc, file string
		want       []string // codes, in order
		source     string
	}{
		{desc: "wildcard with credentials, unanchored regex, hand-set ACAO, no Vary, no max age", file: "traps.yaml",
			want:   []string{"vary-missing", "custom-cors-header", "max-age-zero", "app-headers-kept"},
			source: "header.go (Vary only with addVaryHeader; customResponseHeaders set on every reply; Max-Age always sent)"},
		{desc: "expose headers replace the service's own", file: "dynamic.toml",
			want: []string{"expose-replaced", "app-headers-kept"}, source: "header.go PostRequestModifyResponseHeaders: res.Header.Set(\"Access-Control-Expose-Headers\", ...)"},
		{desc: "a \"*\" inside an origin list entry, which Traefik compares exactly (found as a new user would: it linted clean)", file: "wildcard-list.yaml",
			want: []string{"origin-list-wildcard", "app-headers-kept"}, source: "header.go isOriginAllowed (item == \"*\" || item == origin)"},
		{desc: "a clean configuration has only the note on the service's own headers", file: "dynamic.yaml",
			want: []string{"app-headers-kept"}, source: "header.go PostRequestModifyResponseHeaders"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			text, _ := os.ReadFile("testdata/" + tc.file)
			var got []string
			for _, f := range (&traefik.Format{}).CheckText(string(text)) {
				got = append(got, f.Code)
				if f.Pos.Line == 0 {
					t.Errorf("%s has no position", f.Code)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("codes %v, want %v (%s)", got, tc.want, tc.source)
			}
		})
	}
}

// The rule-level traps come from engine/lint over ReadRules.
func TestLint(t *testing.T) {
	text, _ := os.ReadFile("testdata/traps.yaml")
	reg := policy.NewRegistry(all.Policies()...)
	fs, err := lint.Lint(reg, string(text), "traefik")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range fs {
		got[f.Code] = f.Line
	}
	for code, line := range map[string]int{
		"wildcard-credentials": 9,  // "*" with accessControlAllowCredentials (line 9): Fetch standard, CORS check (no * with credentials)
		"suffix-trap":          8,  // the regex at line 8 has no ^ and $ (Go regexp.MatchString finds a match anywhere)
		"vary-missing":         4,  // CheckText: no addVaryHeader
		"custom-cors-header":   12, // CheckText: customResponseHeaders' Access-Control-Allow-Origin
	} {
		if l, ok := got[code]; !ok || l != line {
			t.Errorf("%s at line %d, want line %d (all: %v)", code, l, line, got)
		}
	}
}

func TestEditText(t *testing.T) {
	tests := []struct {
		desc, file string
		edit       fix.Edit
		want       string // a line the result must hold
		check      policy.Request
		header     string // a header of the check request's reply...
		value      string // ...and its value
	}{
		{desc: "an origin joins a YAML block list, a line of its own", file: "dynamic.yaml",
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://new.example"}},
			want: "          - \"https://new.example\"\n", check: request("GET", "https://new.example", ""), header: "Access-Control-Allow-Origin", value: "https://new.example"},
		{desc: "a method joins a Kubernetes flow list, quoted as its items", file: "middleware-k8s.yaml",
			edit: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"DELETE"}},
			want: `["GET", "OPTIONS", "PATCH", "DELETE"]`, check: request("OPTIONS", "https://shop.example", "DELETE"), header: "Access-Control-Allow-Methods", value: "GET,OPTIONS,PATCH,DELETE"},
		{desc: "a header joins a TOML array", file: "dynamic.toml",
			edit: fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"X-Token"}},
			want: `["Content-Type", "Authorization", "X-Token"]`, check: request("OPTIONS", "https://shop.example", "GET"), header: "Access-Control-Allow-Headers", value: "Content-Type,Authorization,X-Token"},
		{desc: "a missing field is added before the first, in TOML's form", file: "dynamic.toml",
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://new.example"}},
			want: "  accessControlAllowOriginList = [\"https://new.example\"]\n", check: request("GET", "https://new.example", ""), header: "Access-Control-Allow-Origin", value: "https://new.example"},
		{desc: "credentials added in YAML", file: "dynamic.yaml",
			edit: fix.Edit{Op: fix.Enable, Field: fix.Credentials},
			want: "        accessControlAllowCredentials: true\n", check: request("GET", "https://shop.example", ""), header: "Access-Control-Allow-Credentials", value: "true"},
		{desc: "\"*\" replaced by the page's origin", file: "traps.yaml",
			edit: fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: "*", Values: []string{"https://shop.example"}},
			want: "          - \"https://shop.example\"\n", check: request("GET", "https://shop.example", ""), header: "Access-Control-Allow-Origin", value: "https://shop.example"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			text, _ := os.ReadFile("testdata/" + tc.file)
			out, err := fix.Apply(&traefik.Format{}, string(text), tc.edit)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("result lacks %q:\n%s", tc.want, out)
			}
			ev, err := (&traefik.Format{}).Parse(out)
			if err != nil {
				t.Fatalf("the edited text does not parse: %v\n%s", err, out)
			}
			o := ev.Respond(tc.check, policy.Reply{Status: 200})
			if got, _ := o.Reply.Header.Get(tc.header); got != tc.value {
				t.Errorf("after the edit %s = %q, want %q", tc.header, got, tc.value)
			}
		})
	}
}

func TestChooseEdit(t *testing.T) {
	text, _ := os.ReadFile("testdata/dynamic.yaml")
	ev, _ := (&traefik.Format{}).Parse(string(text))
	o := ev.Respond(request("GET", "https://new.example", ""), policy.Reply{Status: 200})
	e, why, ok := (&traefik.Format{}).ChooseEdit(fix.Blocked{Needs: "origin", Origin: "https://new.example", Rules: o.Rules})
	if !ok || e.Op != fix.Add || e.Field != fix.Origins || e.Line != 18 || why == "" {
		t.Errorf("ChooseEdit = %+v %q %v; want an origin added at line 18, the list's", e, why, ok)
	}
	// An entry with a trailing slash means the page's origin but never
	// equals an Origin (RFC 6454 §6.2): it is replaced, where the fix
	// added the origin beside it (tried as a new user would).
	mw := yamlMW("        accessControlAllowMethods: [\"GET\"]\n        accessControlAllowOriginList:\n          - \"https://app.test\"\n          - \"https://admin.test/\"\n")
	ev, _ = (&traefik.Format{}).Parse(mw)
	o = ev.Respond(request("GET", "https://admin.test", ""), policy.Reply{Status: 200})
	e, _, ok = (&traefik.Format{}).ChooseEdit(fix.Blocked{Needs: "origin", Origin: "https://admin.test", Rules: o.Rules})
	got, err := (&traefik.Format{}).EditText(mw, e)
	if !ok || e.Op != fix.Replace || e.Old != "https://admin.test/" || err != nil || strings.Contains(got, "admin.test/") || !strings.Contains(got, "- \"https://admin.test\"") {
		t.Errorf("ChooseEdit = %+v %v, edited (%v):\n%s\nwant the slash entry replaced", e, ok, err, got)
	}
}

// Every golden input of every format: the traefik ones are claimed by
// traefik alone, no other is claimed by traefik.
func TestDetectAgainstEveryFormat(t *testing.T) {
	reg := policy.NewRegistry(all.Policies()...)
	n := 0
	err := filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		sep := string(filepath.Separator)
		if err != nil || d.IsDir() || !strings.Contains(p, sep+"testdata"+sep) || strings.Contains(p, sep+"testdata"+sep+"fuzz"+sep) {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil || len(b) > 256<<10 {
			return err
		}
		n++
		var names []string
		for _, d := range reg.Detect(string(b)) {
			names = append(names, d.Format)
		}
		ours := strings.Contains(p, filepath.Join("traefik", "testdata"))
		switch {
		case ours && !slices.Equal(names, []string{"traefik"}):
			t.Errorf("%s: claimed by %v, want traefik alone", p, names)
		case !ours && slices.Contains(names, "traefik"):
			t.Errorf("%s: claimed by traefik too (%v)", p, names)
		}
		return nil
	})
	if err != nil || n < 50 {
		t.Fatalf("walked %d files: %v", n, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"dynamic.yaml", "dynamic.toml", "middleware-k8s.yaml", "traps.yaml", "several.yaml", "docker-compose.yml", "legacy-k8s.yaml"} {
		b, _ := os.ReadFile("testdata/" + name)
		f.Add(string(b))
	}
	f.Add("[http.middlewares.x.headers]\naddVaryHeader = 'x'\n")
	f.Fuzz(func(t *testing.T, text string) {
		ev, err := (&traefik.Format{}).Parse(text)
		if err != nil {
			var es policy.Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error is not Errors: %v", err)
			}
			lines := strings.Count(text, "\n") + 1
			for _, e := range es {
				if e.Line < 1 || e.Line > lines || e.Column < 1 {
					t.Fatalf("fault without a position in the text (%d lines): %+v", lines, e)
				}
			}
			return
		}
		ev.Respond(request("OPTIONS", "https://a.example", "GET"), policy.Reply{Status: 200})
		ev.Respond(request("GET", "https://a.example", ""), policy.Reply{Status: 200})
		(&traefik.Format{}).CheckText(text)
	})
}

func TestWriteRules(t *testing.T) {
	five := 5
	tests := []struct {
		desc    string
		p       portable.Policy
		refused string
		origin  string // an origin the written middleware must allow...
		acao    string // ...with this Access-Control-Allow-Origin
		other   string // an origin it must refuse ("" none)
		source  string
	}{
		{desc: "exact origins with credentials", p: portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://a.example", "https://b.example"}, Methods: []string{"PUT"}, Credentials: true, MaxAge: &five}}},
			origin: "https://b.example", acao: "https://b.example", other: "https://c.example", source: "header.go isOriginAllowed: an exact item"},
		{desc: "any origin without credentials is *", p: portable.Policy{Rules: []portable.Rule{{Origins: []string{"*"}}}},
			origin: "https://z.example", acao: "*", source: "header.go isOriginAllowed: item \"*\""},
		{desc: "any origin with credentials echoes through a regex", p: portable.Policy{Rules: []portable.Rule{{Origins: []string{"*"}, Credentials: true}}},
			origin: "https://z.example", acao: "https://z.example", source: "header.go isOriginAllowed: a regex match sends the origin"},
		{desc: "a subdomain pattern becomes one anchored regex", p: portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://*.a.example"}}}},
			origin: "https://x.a.example", acao: "https://x.a.example", other: "https://a.example.evil", source: "portable.OriginsRegexp"},
		{desc: "two rules are refused", p: portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://a.example"}}, {Origins: []string{"https://b.example"}}}},
			refused: "one rule", source: "a headers middleware has one configuration"},
		{desc: "paths are refused", p: portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://a.example"}, Paths: []string{"/api"}}}},
			refused: "PathPrefix", source: "a middleware covers every path of its routers"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			var n portable.Notes
			out, err := (&traefik.Format{}).WriteRules(tc.p, nil, &n)
			if tc.refused != "" {
				if err == nil || !strings.Contains(err.Error(), tc.refused) {
					t.Fatalf("err = %v, want a refusal naming %q (%s)", err, tc.refused, tc.source)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ev, err := (&traefik.Format{}).Parse(out)
			if err != nil {
				t.Fatalf("the written text does not parse: %v\n%s", err, out)
			}
			o := ev.Respond(request("GET", tc.origin, ""), policy.Reply{Status: 200})
			if got, _ := o.Reply.Header.Get("Access-Control-Allow-Origin"); got != tc.acao {
				t.Errorf("ACAO %q, want %q (%s)\n%s", got, tc.acao, tc.source, out)
			}
			if tc.other != "" {
				o = ev.Respond(request("GET", tc.other, ""), policy.Reply{Status: 200})
				if got, ok := o.Reply.Header.Get("Access-Control-Allow-Origin"); ok {
					t.Errorf("%s allowed with %q\n%s", tc.other, got, out)
				}
			}
		})
	}
}

// Edits keep what surrounds them: comments, an empty flow list, CRLF
// lines, TOML dotted keys, a comma-separated string.
func TestEditCorners(t *testing.T) {
	tests := []struct {
		desc, text string
		edit       fix.Edit
		want       string
		source     string
	}{
		{desc: "a comment after the last item stays on its line",
			text: yamlMW("        accessControlAllowOriginList:\n          - https://a.example # the shop\n        addVaryHeader: true\n"),
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example"}},
			want: "          - https://a.example # the shop\n          - https://b.example\n", source: "YAML 1.2 §6.6: a comment runs to the line's end"},
		{desc: "an empty flow list gets its first item",
			text: yamlMW("        accessControlAllowMethods: []\n        accessControlAllowOriginList: ['https://a.example']\n"),
			edit: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}},
			want: "accessControlAllowMethods: [PUT]", source: "YAML 1.2 §7.4.1 flow sequences"},
		{desc: "CRLF lines keep their CR",
			text: strings.ReplaceAll(yamlMW("        accessControlAllowOriginList:\n          - https://a.example\n        addVaryHeader: true\n"), "\n", "\r\n"),
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example"}},
			want: "          - https://a.example\r\n          - https://b.example\r\n", source: "YAML 1.2 §5.4 line breaks"},
		{desc: "TOML dotted keys: the new field takes the same prefix",
			text: "[http.middlewares.cors]\n  headers.accessControlAllowOriginList = [\"https://a.example\"]\n",
			edit: fix.Edit{Op: fix.Enable, Field: fix.Credentials},
			want: "  headers.accessControlAllowCredentials = true\n  headers.accessControlAllowOriginList", source: "TOML v1.0.0 dotted keys"},
		{desc: "a comma-separated string (paerser) grows by one value",
			text: yamlMW("        accessControlAllowMethods: 'GET,PUT'\n"),
			edit: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"DELETE"}},
			want: "accessControlAllowMethods: 'GET,PUT,DELETE'", source: "traefik/paerser setSlice splits a string on ','"},
		{desc: "credentials false becomes true in place",
			text: yamlMW("        accessControlAllowOriginList: [https://a.example]\n        accessControlAllowCredentials: false # for now\n"),
			edit: fix.Edit{Op: fix.Enable, Field: fix.Credentials},
			want: "accessControlAllowCredentials: true # for now", source: "header.go: AccessControlAllowCredentials"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			out, err := fix.Apply(&traefik.Format{}, tc.text, tc.edit)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("result lacks %q (%s):\n%q", tc.want, tc.source, out)
			}
			if _, err := (&traefik.Format{}).Parse(out); err != nil {
				t.Errorf("the edited text does not parse: %v\n%s", err, out)
			}
		})
	}
}

// A pasted headers block alone is read as the file provider reads it.
func TestBare(t *testing.T) {
	for _, text := range []string{
		"headers:\n  accessControlAllowOriginList: [https://a.example]\n",
		"accessControlAllowOriginList: [https://a.example]\naddVaryHeader: true\n",
		"accessControlAllowOriginList = ['https://a.example']\n",
	} {
		ev, err := (&traefik.Format{}).Parse(text)
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		o := ev.Respond(request("GET", "https://a.example", ""), policy.Reply{Status: 200})
		if got, _ := o.Reply.Header.Get("Access-Control-Allow-Origin"); got != "https://a.example" {
			t.Errorf("%q: ACAO %q, want https://a.example (header.go isOriginAllowed)", text, got)
		}
	}
}

// The older CRD group is read like the current one.
func TestLegacyGroup(t *testing.T) {
	ev, err := (&traefik.Format{}).Parse(readFile(t, "legacy-k8s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	o := ev.Respond(request("OPTIONS", "https://pr-12.preview.shop.example", "GET"), policy.Reply{Status: 404})
	// header.go processCorsHeaders: a regex match sends the origin, Max-Age as set.
	if got, _ := o.Reply.Header.Get("Access-Control-Allow-Origin"); got != "https://pr-12.preview.shop.example" || o.Reply.Status != 200 {
		t.Errorf("%d ACAO %q", o.Reply.Status, got)
	}
	if got, _ := o.Reply.Header.Get("Access-Control-Max-Age"); got != "3600" {
		t.Errorf("Max-Age %q, want 3600", got)
	}
}

// convert reads the middleware as a rule and writes one from another
// platform's rules.
func TestConvert(t *testing.T) {
	reg := policy.NewRegistry(all.Policies()...)
	// traefik to native: the origins, methods and max age carry over.
	out, _, err := convert.Convert(reg, readFile(t, "dynamic.yaml"), "traefik", "native")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"https://shop.example", "https://admin.shop.example", "600"} {
		if !strings.Contains(out, want) {
			t.Errorf("native lacks %q:\n%s", want, out)
		}
	}
	// S3 to traefik: one rule, written as a middleware Traefik answers with.
	s3 := `[{"AllowedOrigins": ["https://shop.example"], "AllowedMethods": ["GET", "HEAD", "POST", "PUT"], "AllowedHeaders": ["Content-Type"], "MaxAgeSeconds": 300}]`
	out, _, err = convert.Convert(reg, s3, "s3-json", "traefik")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := (&traefik.Format{}).Parse(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	o := ev.Respond(request("OPTIONS", "https://shop.example", "PUT"), policy.Reply{Status: 404})
	if got, _ := o.Reply.Header.Get("Access-Control-Allow-Methods"); !strings.Contains(got, "PUT") || o.Reply.Status != 200 {
		t.Errorf("%d methods %q (S3 allows PUT from the origin)\n%s", o.Reply.Status, got, out)
	}
}

// Docker labels: read as Traefik's label provider reads them (names
// without regard to case, lists as one comma-separated value), edited in
// the label's own line.
func TestLabels(t *testing.T) {
	text := readFile(t, "docker-compose.yml")
	ev, err := (&traefik.Format{}).Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	// header.go processCorsHeaders with the labels' values.
	o := ev.Respond(request("OPTIONS", "https://admin.shop.example", "PUT"), policy.Reply{Status: 404})
	if got, _ := o.Reply.Header.Get("Access-Control-Allow-Methods"); got != "GET,POST,PUT" || o.Reply.Status != 200 {
		t.Errorf("%d methods %q", o.Reply.Status, got)
	}
	if got, _ := o.Reply.Header.Get("Access-Control-Allow-Origin"); got != "https://admin.shop.example" {
		t.Errorf("ACAO %q", got)
	}
	// customresponseheaders.X-Powered-By= deletes the service's header.
	o = ev.Respond(request("GET", "https://shop.example", ""), policy.Reply{Status: 200, Header: headers.List{{Name: "X-Powered-By", Value: "php"}}})
	if _, ok := o.Reply.Header.Get("X-Powered-By"); ok {
		t.Error("X-Powered-By kept, want it deleted")
	}
	tests := []struct {
		desc string
		edit fix.Edit
		want string
	}{
		{desc: "an origin joins the comma list", edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://new.example"}},
			want: `      - "traefik.http.middlewares.api-cors.headers.accesscontrolalloworiginlist=https://shop.example,https://admin.shop.example,https://new.example"` + "\n"},
		{desc: "credentials: a label like the first", edit: fix.Edit{Op: fix.Enable, Field: fix.Credentials},
			want: `      - "traefik.http.middlewares.api-cors.headers.accessControlAllowCredentials=true"` + "\n"},
	}
	for _, tc := range tests {
		out, err := fix.Apply(&traefik.Format{}, text, tc.edit)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if !strings.Contains(out, tc.want) {
			t.Errorf("%s: lacks %q:\n%s", tc.desc, tc.want, out)
		}
		if _, err := (&traefik.Format{}).Parse(out); err != nil {
			t.Errorf("%s: %v", tc.desc, err)
		}
	}
}

// FuzzEdit: an edit of any text the reader reads either fails or gives
// a text the reader reads again.
func FuzzEdit(f *testing.F) {
	for _, name := range []string{"dynamic.yaml", "dynamic.toml", "middleware-k8s.yaml", "traps.yaml", "docker-compose.yml"} {
		b, _ := os.ReadFile("testdata/" + name)
		f.Add(string(b), uint8(0))
	}
	edits := []fix.Edit{
		{Op: fix.Add, Field: fix.Origins, Values: []string{"https://new.example"}},
		{Op: fix.Add, Field: fix.Methods, Values: []string{"PATCH"}},
		{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"X-New"}},
		{Op: fix.Enable, Field: fix.Credentials},
		{Op: fix.Replace, Field: fix.Origins, Old: "*", Values: []string{"https://new.example"}},
	}
	f.Fuzz(func(t *testing.T, text string, which uint8) {
		if _, err := (&traefik.Format{}).Parse(text); err != nil {
			return
		}
		out, err := fix.Apply(&traefik.Format{}, text, edits[int(which)%len(edits)])
		if err != nil {
			return
		}
		if _, err := (&traefik.Format{}).Parse(out); err != nil {
			t.Fatalf("the edited text is refused: %v\n%q\n%q", err, text, out)
		}
	})
}

// JSON (kubectl get -o json, a JSON dynamic configuration) is YAML to
// the reader, and detected by its field names.
func TestJSON(t *testing.T) {
	text := `{"apiVersion": "traefik.io/v1alpha1", "kind": "Middleware", "metadata": {"name": "cors"},
 "spec": {"headers": {
  "accessControlAllowOriginList": ["https://a.example"],
  "addVaryHeader": true}}}`
	if ok, _ := (&traefik.Format{}).Detect(text); !ok {
		t.Error("not detected")
	}
	ev, err := (&traefik.Format{}).Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	o := ev.Respond(request("GET", "https://a.example", ""), policy.Reply{Status: 200})
	if got, _ := o.Reply.Header.Get("Vary"); got != "Origin" { // header.go: addVaryHeader
		t.Errorf("Vary %q, want Origin", got)
	}
	out, err := fix.Apply(&traefik.Format{}, text, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example"}})
	if err != nil || !strings.Contains(out, `["https://a.example", "https://b.example"]`) {
		t.Errorf("edit: %v\n%s", err, out)
	}
}

// TestPreflightRefusalWords: a preflight from an origin the middleware
// does not allow is answered by the middleware alone (hdr:
// processCorsHeaders), so its step does not say the application's own
// header passes; an actual request's does.
func TestPreflightRefusalWords(t *testing.T) {
	ev, err := (&traefik.Format{}).Parse(yamlMW("        accessControlAllowMethods: [\"PUT\"]\n        accessControlAllowOriginList: [\"https://app.test\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		req        policy.Request
		want, lack string
	}{
		{request("OPTIONS", "https://evil.test", "PUT"), "the middleware answers the preflight without Access-Control-Allow-Origin", "passes"},
		{request("GET", "https://evil.test", ""), "the application's own, if any, passes", "answers the preflight"},
	} {
		out := ev.Respond(tc.req, policy.Reply{Status: 200})
		said := ""
		for _, r := range out.Rules {
			said += out.Words.Rule(r) + "\n"
		}
		if !strings.Contains(said, tc.want) || strings.Contains(said, tc.lack) {
			t.Errorf("%s: steps %q, want %q and not %q", tc.req.Method, said, tc.want, tc.lack)
		}
	}
}
