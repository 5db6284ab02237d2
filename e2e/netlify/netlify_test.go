// Package netlify is the differential test of the netlify format's reader
// against @netlify/headers-parser (package.json in this folder, pinned):
// a seeded generator writes _headers files and netlify.toml files, one
// Node process (parse.mjs) parses them all with the real package, and the
// rules (paths, header names and values, which request paths each rule's
// pattern matches), the headers each request path gets (netlify-cli's
// headersForPath: the matching rules' values merged with Object.assign)
// and whether each file is refused are compared with
// engine/formats/netlify.
//
// The package covers parsing, and the pattern its forRegExp gives each
// path (what Netlify's CLI matches with); how the CDN combines several
// matching rules and answers OPTIONS follows Netlify's documentation.
//
// Without node_modules here the test skips, unless WHYCORS_REQUIRE_BROWSER
// is set: then it runs `npm ci` in this folder first.
package netlify

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/internal/npmtest"
	"github.com/whycors/whycors/engine/formats/netlify"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// recorded are the versions the reader was checked against.
var recorded = map[string]string{"@netlify/headers-parser": "7.3.0", "@iarna/toml": "2.2.5"}

type tcase struct {
	Kind  string   `json:"kind"` // "headers", "toml", or "both" (Text a _headers file, TOML netlify.toml)
	Text  string   `json:"text"`
	TOML  string   `json:"toml,omitempty"`
	Paths []string `json:"paths"`
	desc  string
}

type result struct {
	Rules []struct {
		For     string            `json:"for"`
		Values  map[string]string `json:"values"`
		Matches []bool            `json:"matches"`
	} `json:"rules"`
	Merged [][][2]string `json:"merged"`
	Errors []string      `json:"errors"`
}

// TestParserAgrees parses every generated and documented case with the
// real parser, once, and compares.
func TestParserAgrees(t *testing.T) {
	npmtest.Ensure(t, ".", "e2e/netlify")
	r := rand.New(rand.NewSource(17))
	cases := append(corners(), generate(r, 400)...)
	for range 60 {
		cases = append(cases, tcase{Kind: "both", Text: genHeaders(r), TOML: genTOML(r), Paths: reqPaths, desc: "generated _headers and netlify.toml"})
	}
	got := runParser(t, cases)
	for n, v := range recorded {
		if got.Versions[n] != v {
			t.Errorf("%s is %s, the reader was checked against %s", n, got.Versions[n], v)
		}
	}
	refused, agreed := map[string]int{}, 0
	for i, c := range cases {
		want := got.Results[i]
		var cfg *netlify.Config
		var err error
		switch c.Kind {
		case "both":
			cfg, err = netlify.ParseFiles([]policy.File{{Name: "_headers", Text: c.Text}, {Name: "netlify.toml", Text: c.TOML}})
		case "toml":
			cfg, err = netlify.ParseTOML(c.Text)
		default:
			cfg, err = netlify.ParseHeaders(c.Text)
		}
		if (err != nil) != (len(want.Errors) > 0) {
			t.Errorf("case %d (%s): refused by the reader: %v; by the parser: %q\n%s", i, c.desc, err, want.Errors, c.Text)
			continue
		}
		if err != nil {
			refused[c.Kind]++
		}
		if len(cfg.Rules) != len(want.Rules) {
			t.Errorf("case %d (%s): %d rules, the parser has %d\nreader: %+v (%v)\nparser: %+v %q\n%s", i, c.desc, len(cfg.Rules), len(want.Rules), cfg.Rules, err, want.Rules, want.Errors, c.Text)
			continue
		}
		ok := true
		for j, r := range cfg.Rules {
			w := want.Rules[j]
			vals := map[string]string{}
			for _, h := range r.Values {
				vals[h.Name] = h.Value
			}
			if r.For != w.For || !reflect.DeepEqual(vals, w.Values) {
				t.Errorf("case %d (%s) rule %d: reader %q %q, parser %q %q\n%s", i, c.desc, j, r.For, vals, w.For, w.Values, c.Text)
				ok = false
			}
			for k, p := range c.Paths {
				if r.Matches(p) != w.Matches[k] {
					t.Errorf("case %d (%s) rule %q, path %q: reader matches %v, the parser's forRegExp %v", i, c.desc, r.For, p, r.Matches(p), w.Matches[k])
					ok = false
				}
			}
		}
		for k, p := range c.Paths {
			if len(cfg.Redirects) > 0 {
				break // the CLI sets them on proxied replies too; the docs say Netlify does not
			}
			// setHeader of each merged entry in order: the last of a name wins.
			var want headers.List
			for _, kv := range got.Results[i].Merged[k] {
				want.Set(kv[0], kv[1])
			}
			out := cfg.Respond(policy.Request{Method: "GET", URL: "https://site.example" + p}, policy.Reply{Status: 200})
			if !sameHeaders(out.Reply.Header, want) {
				t.Errorf("case %d (%s) path %q: reader sends %q, netlify-cli's headersForPath %q\n%s", i, c.desc, p, out.Reply.Header, want, c.Text)
				ok = false
			}
		}
		if ok {
			agreed++
		}
	}
	kinds := map[string]int{}
	for _, c := range cases {
		kinds[c.Kind]++
	}
	t.Logf("%d cases (%v, refused by both: %v), %d agree; %s", len(cases), kinds, refused, agreed, fmt.Sprint(got.Versions))
	for k, n := range kinds {
		if refused[k] < n/10 || refused[k] > n*3/4 {
			t.Errorf("the %s cases should be mostly accepted, some refused: %d of %d refused", k, refused[k], n)
		}
	}
}

// sameHeaders compares two header lists, names without regard to case.
func sameHeaders(a, b headers.List) bool {
	if len(a) != len(b) {
		return false
	}
	for _, f := range a {
		if v, ok := b.Get(f.Name); !ok || v != f.Value {
			return false
		}
	}
	return true
}

// parsed is what parse.mjs answers: the package versions, and a result
// per case.
type parsed struct {
	Versions map[string]string `json:"versions"`
	Results  []result          `json:"results"`
}

// runParser parses cases with the real parser (parse.mjs), once.
func runParser(t *testing.T, cases []tcase) parsed {
	t.Helper()
	file := filepath.Join(t.TempDir(), "cases.json")
	b, _ := json.Marshal(cases)
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", "parse.mjs", file)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("parse.mjs: %v\n%s", err, stderr.String())
	}
	var got parsed
	if err := json.Unmarshal(out, &got); err != nil || len(got.Results) != len(cases) {
		t.Fatalf("parse.mjs answered %d results for %d cases: %v", len(got.Results), len(cases), err)
	}
	return got
}
