package starlette_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// TestExplainFix runs each Python format through the explainer as the
// engine will once engine/all lists it: a blocked PUT from another origin
// gets, as its first fix, an edit of the user's own source that the
// browser model then allows.
func TestExplainFix(t *testing.T) {
	reg := all.Registry()
	tests := []struct {
		desc, format, text, want string
	}{
		{desc: "FastAPI: origin, method and header added to the call", format: "starlette",
			text: "from fastapi import FastAPI\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=['https://a.example'], allow_methods=['GET'])\n",
			want: "allow_origins=['https://a.example', 'https://b.example'], allow_methods=['GET', 'PUT'], allow_headers=['x-custom'])"},
		{desc: "Django: origin appended, headers added with the defaults", format: "django-cors-headers",
			text: "from corsheaders.defaults import default_headers\nCORS_ALLOWED_ORIGINS = ['https://a.example']\n",
			want: "CORS_ALLOW_HEADERS = (*default_headers, 'x-custom')"},
		// django-cors-headers' README: extend the defaults with
		// list(default_headers) + [...]; tried as a new user would, the
		// fix was replies to write.
		{desc: "Django: a header appended to the list concatenated with default_headers", format: "django-cors-headers",
			text: "from corsheaders.defaults import default_headers\nCORS_ALLOWED_ORIGINS = ['https://b.example']\nCORS_ALLOW_HEADERS = list(default_headers) + [\n    'x-request-id',  # tracing\n]\n",
			want: "CORS_ALLOW_HEADERS = list(default_headers) + [\n    'x-request-id',  # tracing\n    'x-custom',\n]"},
		{desc: "Flask: origin and method appended (headers are '*' already)", format: "flask-cors",
			text: "from flask_cors import CORS\nCORS(app, origins=['https://a.example'], methods=['GET'])\n",
			want: "CORS(app, origins=['https://a.example', 'https://b.example'], methods=['GET', 'PUT'])"},
	}
	for _, tt := range tests {
		firstFix(t, reg, tt.desc, tt.format, tt.text, fetch.Init{Method: "PUT", Headers: headers.List{{Name: "X-Custom", Value: "1"}}}, tt.want)
	}
}

// firstFix explains a fetch from https://b.example with init against
// text in format, and holds its first fix to be an edit of that text
// holding want.
func firstFix(t *testing.T, reg *policy.Registry, desc, format, text string, init fetch.Init, want string) explain.Verdict {
	t.Helper()
	s := explain.Scenario{Request: explain.Request{Origin: "https://b.example", URL: "https://api.example/items", Init: init},
		Policy: &explain.Policy{Format: format, Text: text}}
	v, err := explain.Explain(s, advise.Options(reg))
	if err != nil {
		t.Fatalf("%s: %v", desc, err)
	}
	if v.Allowed || len(v.Fixes) == 0 || v.Fixes[0].Format != format || !strings.Contains(v.Fixes[0].Text, want) {
		t.Errorf("%s: allowed %v, fixes %+v; want a %s fix with %q", desc, v.Allowed, v.Fixes, format, want)
	}
	return v
}

// TestWildcardWithCredentials: FastAPI's documented allow_origins=["*"]
// with allow_credentials=True blocks a credentialed fetch when the
// browser holds no cookie for the API (starlette/middleware/cors.py send:
// "*" unless the request has a Cookie), which the verdict's step says;
// the fix replaces the "*" where it is written. Tried as a new user
// would, it got replies to write, and nothing said the verdict turns on
// a cookie.
func TestWildcardWithCredentials(t *testing.T) {
	reg := all.Registry()
	for _, tt := range []struct {
		desc, format, text, want, step string
	}{
		{desc: "FastAPI's allow_origins=[\"*\"]", format: "starlette",
			text: "from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(\n    CORSMiddleware,\n    allow_origins=[\"*\"],\n    allow_credentials=True,\n    allow_methods=[\"*\"],\n)\n",
			want: `allow_origins=["https://b.example"],`, step: "the verdict assumes the browser holds no cookie for this site"},
		{desc: "a named list holding \"*\"", format: "starlette",
			text: "origins = [\"*\"]\napp.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=True, allow_methods=[\"PUT\"])\n",
			want: `origins = ["https://b.example"]`, step: "the verdict assumes the browser holds no cookie for this site"},
	} {
		v := firstFix(t, reg, tt.desc, tt.format, tt.text, fetch.Init{Method: "PUT", Credentials: "include"}, tt.want)
		said := ""
		for _, st := range v.Steps {
			said += st.Detail + "\n"
		}
		if !strings.Contains(said, tt.step) {
			t.Errorf("%s: no step says %q:\n%s", tt.desc, tt.step, said)
		}
		// The headline too: the verdict turns on it.
		if !strings.Contains(v.Summary, "(the verdict assumes the browser holds no cookie for this site)") {
			t.Errorf("%s: the summary does not say the assumption: %s", tt.desc, v.Summary)
		}
	}
}

// TestFindingAtTheEntry: a finding about one origin of a list bound to a
// name (FastAPI's documented origins = [...]) is at that entry, where
// SARIF and GitHub annotations put it; tried as a new user would, it was
// at the list's "[".
func TestFindingAtTheEntry(t *testing.T) {
	const text = "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n\norigins = [\n    \"http://localhost:3000\",\n    \"https://app.example.com/\",\n]\n\napp.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=True)\n"
	fs, err := lint.Lint(all.Registry(), text, "starlette")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Code == "origin-never-matches" {
			if f.Line != 8 || f.Column != 5 {
				t.Errorf("origin-never-matches at %d:%d, want 8:5 (the entry)", f.Line, f.Column)
			}
			return
		}
	}
	t.Errorf("no origin-never-matches: %+v", fs)
}
