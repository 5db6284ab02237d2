package starlette_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
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
		{desc: "Flask: origin and method appended (headers are '*' already)", format: "flask-cors",
			text: "from flask_cors import CORS\nCORS(app, origins=['https://a.example'], methods=['GET'])\n",
			want: "CORS(app, origins=['https://a.example', 'https://b.example'], methods=['GET', 'PUT'])"},
	}
	for _, tt := range tests {
		s := explain.Scenario{Request: explain.Request{Origin: "https://b.example", URL: "https://api.example/items",
			Init: fetch.Init{Method: "PUT", Headers: headers.List{{Name: "X-Custom", Value: "1"}}}},
			Policy: &explain.Policy{Format: tt.format, Text: tt.text}}
		v, err := explain.Explain(s, advise.Options(reg))
		if err != nil {
			t.Fatalf("%s: %v", tt.desc, err)
		}
		if v.Allowed || len(v.Fixes) == 0 || v.Fixes[0].Format != tt.format || !strings.Contains(v.Fixes[0].Text, tt.want) {
			t.Errorf("%s: allowed %v, fixes %+v; want a %s fix with %q", tt.desc, v.Allowed, v.Fixes, tt.format, tt.want)
		}
	}
}
