package traefikmw_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/traefik/paerser/file"
	"github.com/traefik/traefik/v3/pkg/config/dynamic"
	"github.com/traefik/traefik/v3/pkg/middlewares/headers"

	"github.com/whycors/whycors/engine/formats/traefik"
	"github.com/whycors/whycors/engine/portable"
)

// traefikRefuses reports whether Traefik's file provider or the headers
// middleware refuses the YAML text.
func traefikRefuses(text string) bool { return refuses(text, ".yaml") }

// refuses reports whether Traefik refuses text of the file extension ext.
func refuses(text, ext string) bool {
	cfg := &dynamic.Configuration{}
	if err := file.DecodeContent(text, ext, cfg); err != nil {
		return true
	}
	if cfg.HTTP == nil || cfg.HTTP.Middlewares["gen"] == nil || cfg.HTTP.Middlewares["gen"].Headers == nil {
		return true
	}
	_, err := headers.New(context.Background(), http.NotFoundHandler(), *cfg.HTTP.Middlewares["gen"].Headers, "gen")
	return err != nil
}

// TestRefusals: the reader refuses what Traefik refuses, and reads what
// it reads.
func TestRefusals(t *testing.T) {
	tests := []struct {
		desc, fields string
	}{
		{desc: "an unknown field (paerser: field not found)", fields: "        accessControlAllowOrigin: [https://a.example]\n"},
		{desc: "a regex Go refuses (NewHeader: regexp.Compile)", fields: "        accessControlAllowOriginListRegex: ['^(a$']\n"},
		{desc: "nothing set (New: headers configuration not valid)", fields: "        accessControlAllowCredentials: false\n"},
		{desc: "a bool that is not one (strconv.ParseBool)", fields: "        addVaryHeader: maybe\n"},
		{desc: "a max age that is no number (strconv.ParseInt)", fields: "        accessControlMaxAge: soon\n"},
		{desc: "a field in another case is read", fields: "        ADDVARYHEADER: true\n"},
		{desc: "a boolean as a string is read", fields: "        addVaryHeader: 'true'\n"},
		{desc: "a max age as a string is read", fields: "        accessControlMaxAge: '60'\n"},
		{desc: "a security field alone is read", fields: "        frameDeny: true\n"},
		{desc: "a boolean as 1 is read (strconv.ParseBool)", fields: "        addVaryHeader: 1\n"},
		{desc: "a boolean as 2 is refused", fields: "        addVaryHeader: 2\n"},
		{desc: "one string for a list is read", fields: "        accessControlAllowMethods: GET, PUT\n"},
		{desc: "a list of maps is refused", fields: "        accessControlAllowMethods:\n          - a: b\n"},
		{desc: "a map for a bool is refused", fields: "        addVaryHeader: {a: b}\n"},
		{desc: "customResponseHeaders as a list is refused", fields: "        customResponseHeaders: [a]\n"},
		{desc: "a negative max age is read", fields: "        accessControlMaxAge: -1\n"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			text := "http:\n  middlewares:\n    gen:\n      headers:\n" + tc.fields
			_, err := (&traefik.Format{}).Parse(text)
			if real := traefikRefuses(text); real != (err != nil) {
				t.Errorf("Traefik refuses: %v; the reader: %v", real, err)
			}
		})
	}
}

// TestRefusalsTOML: the same in TOML, with TOML's own rules.
func TestRefusalsTOML(t *testing.T) {
	tests := []struct {
		desc, fields string
	}{
		{desc: "a key given twice", fields: "addVaryHeader = true\naddVaryHeader = true\n"},
		{desc: "a string for a bool is read", fields: "addVaryHeader = 'true'\n"},
		{desc: "an inline table of custom headers is read", fields: "customResponseHeaders = { X-A = 'b' }\n"},
		{desc: "an unknown field", fields: "accessControlAllowOrigin = ['https://a.example']\n"},
		{desc: "a lower-case field is read", fields: "addvaryheader = true\n"},
		{desc: "a comma string for a list is read", fields: "accessControlAllowMethods = 'GET,PUT'\n"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			text := "[http.middlewares.gen.headers]\n" + tc.fields
			_, err := (&traefik.Format{}).Parse(text)
			if real := refuses(text, ".toml"); real != (err != nil) {
				t.Errorf("Traefik refuses: %v; the reader: %v", real, err)
			}
		})
	}
}

// TestWriter: what WriteRules writes, Traefik reads and answers as the
// portable rule says: an allowed origin gets itself back ("*" for any
// origin without credentials), any other none.
func TestWriter(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 17))
	pool := []string{"https://a.example", "https://b.example", "https://*.c.example", "*", "http://localhost:3000"}
	asked := []string{"https://a.example", "https://b.example", "https://x.c.example", "https://c.example", "https://x.c.example.evil", "http://localhost:3000", "null"}
	for i := range 200 {
		var rule portable.Rule
		for range 1 + r.IntN(3) {
			rule.Origins = append(rule.Origins, pool[r.IntN(len(pool))])
		}
		rule.Credentials = r.IntN(2) == 0
		rule.Methods = []string{"GET", "PUT"}[:r.IntN(3)]
		p := portable.Policy{Rules: []portable.Rule{rule}}
		if p.Validate() != nil {
			continue
		}
		var n portable.Notes
		text, err := (&traefik.Format{}).WriteRules(p, nil, &n)
		if err != nil {
			t.Fatalf("%d: %+v: %v", i, rule, err)
		}
		cfg := &dynamic.Configuration{}
		if err := file.DecodeContent(text, ".yaml", cfg); err != nil {
			t.Fatalf("paerser refuses the written text:\n%s\n%v", text, err)
		}
		mw, err := headers.New(context.Background(), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) }), *cfg.HTTP.Middlewares["cors"].Headers, "cors")
		if err != nil {
			t.Fatalf("headers.New refuses the written text:\n%s\n%v", text, err)
		}
		for _, o := range asked {
			req := httptest.NewRequest("GET", "http://api.example/", nil)
			req.Header.Set("Origin", o)
			rec := httptest.NewRecorder()
			mw.ServeHTTP(rec, req)
			got, has := rec.Result().Header["Access-Control-Allow-Origin"]
			want := ""
			if rule.MatchOrigin(o) {
				want = o
				if rule.AnyOrigin() && !rule.Credentials {
					want = "*"
				}
			}
			if want == "" && has || want != "" && (len(got) != 1 || got[0] != want) {
				t.Errorf("%+v, Origin %s: Traefik sends %q, the rule says %q\n%s", rule, o, got, want, text)
			}
		}
	}
}
