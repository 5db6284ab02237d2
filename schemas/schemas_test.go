// Package schemas_test checks the JSON Schemas in this folder against the
// Go readers they describe: scenario.schema.json against
// engine/explain.Decode, native-policy.schema.json against
// engine/native.Parse. The readers check more than a schema can say
// (URLs, origin patterns, header tokens, bounds between fields), so the
// agreement is one way: whatever a reader accepts, its schema validates;
// whatever the schema refuses, the reader refuses.
package schemas_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/internal/contract"
	"go.yaml.in/yaml/v3"
)

func compile(t *testing.T, file string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	s, err := c.Compile(file)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return s
}

func validate(s *jsonschema.Schema, data []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return s.Validate(v)
}

// Every scenario in examples/ is valid, by the schema and by the reader,
// and so is every native policy the examples' scenarios carry; a "$schema"
// key is accepted by both readers.
func TestExamplesValidate(t *testing.T) {
	sc := compile(t, "scenario.schema.json")
	np := compile(t, "native-policy.schema.json")
	files, _ := filepath.Glob("../examples/*.json")
	if len(files) < 5 {
		t.Fatalf("%d examples", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(sc, data); err != nil {
			t.Errorf("%s: schema: %v", f, err)
		}
		s, err := explain.Decode(data)
		if err != nil {
			t.Errorf("%s: reader: %v", f, err)
			continue
		}
		if s.Policy != nil && s.Policy.Format == "native" {
			if err := validate(np, []byte(s.Policy.Text)); err != nil {
				t.Errorf("%s: its native policy: %v", f, err)
			}
		}
	}
	withSchema := []byte(`{"$schema": "https://github.com/whycors/whycors/schemas/scenario.schema.json", "request": {"origin": "https://a.test", "url": "https://b.test/"}}`)
	if _, err := explain.Decode(withSchema); err != nil || validate(sc, withSchema) != nil {
		t.Errorf("a scenario with $schema: reader %v, schema %v", err, validate(sc, withSchema))
	}
	for _, p := range []string{
		`{"$schema": "https://github.com/whycors/whycors/schemas/native-policy.schema.json", "origins": ["https://a.test"]}`,
		`{"$schema": "https://github.com/whycors/whycors/schemas/native-policy.schema.json", "rules": [{"origins": ["https://a.test"]}]}`,
	} {
		if _, err := native.Parse(p); err != nil || validate(np, []byte(p)) != nil {
			t.Errorf("%s: reader %v, schema %v", p, err, validate(np, []byte(p)))
		}
	}
}

// seeds are documents each reader accepts, to mutate.
var (
	scenarioSeeds = []string{
		`{"browser": "firefox", "request": {"origin": "https://app.test", "url": "https://api.test/x", "method": "PUT", "headers": [["Content-Type", "application/json"], ["X-Key", "1"]], "credentials": "include", "mode": "cors", "body": "{}", "redirect": "follow", "api": "fetch"},
		  "preflight": {"status": 204, "headers": {"Access-Control-Allow-Origin": "https://app.test", "Access-Control-Allow-Methods": "PUT"}, "body": ""},
		  "response": {"status": 302, "headers": [["Location", "https://api2.test/y"]]},
		  "routes": [{"url": "https://api2.test/y", "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}}],
		  "then": [{"request": {"origin": "https://app.test", "url": "https://api.test/x"}, "after_seconds": 1.5}],
		  "cdn": {"key_headers": ["Origin"], "honours_vary": true}, "fixes": false}`,
		`{"request": {"origin": "https://app.test", "url": "https://b.s3.amazonaws.com/k"}, "policy": {"format": "s3-json", "text": "[{\"AllowedOrigins\":[\"*\"],\"AllowedMethods\":[\"GET\"]}]"}}`,
	}
	nativeSeeds = []string{
		`{"rules": [{"name": "api", "path": "/api/*", "origins": ["https://app.test", "https://*.app.test"], "methods": ["PUT", "DELETE"], "request_headers": ["X-Key"], "exposed_headers": ["ETag"], "credentials": true, "max_age": 600, "preflight_status": 204, "unmatched_preflight": "pass", "final": true},
		  {"path": "/*", "origins": ["*"]}]}`,
		`{"origins": ["http://localhost:3000"], "dangerously_allow_insecure_origins": true, "credentials": true}`,
	}
)

var expectationSeeds = []string{
	`{"$schema": "x", "url": "https://api.example.com", "cases": [
	  {"origin": "https://app.example.com", "method": "PUT", "path": "/u/1", "headers": ["content-type: image/png", "x-key"], "credentials": "include", "browser": "all", "expect": "allow"},
	  {"origin": "null", "expect": "deny", "browser": "firefox"}]}`,
}

// The example expectations files (YAML) validate by the schema and the
// reader.
func TestExpectationExamplesValidate(t *testing.T) {
	s := compile(t, "expectations.schema.json")
	files, _ := filepath.Glob("../examples/*.expect.yaml")
	if len(files) == 0 {
		t.Fatal("no examples/*.expect.yaml")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(s, j); err != nil {
			t.Errorf("%s: schema: %v", f, err)
		}
		if _, err := contract.Read(string(data)); err != nil {
			t.Errorf("%s: reader: %v", f, err)
		}
	}
}

// The schemas agree with the readers on a seeded random corpus: each
// seed mutated a few times over (a field removed, an unknown field added,
// a value replaced by one of another kind, a list emptied or grown). A
// document the reader accepts must validate; the reverse need not hold
// (the readers' checks go further), and the test logs how often the
// schema let through what the reader refused.
func TestSchemaAgreesWithReader(t *testing.T) {
	for _, tc := range []struct {
		schema string
		seeds  []string
		read   func([]byte) error
	}{
		{"scenario.schema.json", scenarioSeeds, func(b []byte) error { _, err := explain.Decode(b); return err }},
		{"native-policy.schema.json", nativeSeeds, func(b []byte) error { _, err := native.Parse(string(b)); return err }},
		{"expectations.schema.json", expectationSeeds, func(b []byte) error { _, err := contract.Read(string(b)); return err }},
	} {
		s := compile(t, tc.schema)
		r := rand.New(rand.NewPCG(7, 11))
		var accepted, refusedBoth, schemaOnly int
		n := 3000
		if testing.Short() {
			n = 300
		}
		for i := range n {
			var doc any
			seed := tc.seeds[i%len(tc.seeds)]
			d := json.NewDecoder(strings.NewReader(seed))
			d.UseNumber()
			if err := d.Decode(&doc); err != nil {
				t.Fatal(err)
			}
			for range 1 + r.IntN(3) {
				doc = mutate(r, doc, 0)
			}
			b, _ := json.Marshal(doc)
			readErr, schemaErr := tc.read(b), validate(s, b)
			switch {
			case readErr == nil && schemaErr != nil:
				t.Errorf("%s: the reader accepts what the schema refuses (%v):\n%s", tc.schema, schemaErr, b)
			case readErr == nil:
				accepted++
			case schemaErr != nil:
				refusedBoth++
			default:
				schemaOnly++
			}
		}
		t.Logf("%s: %d documents: %d accepted by both, %d refused by both, %d valid by the schema but refused by the reader's further checks", tc.schema, n, accepted, refusedBoth, schemaOnly)
		if accepted == 0 || refusedBoth == 0 {
			t.Errorf("%s: the corpus does not exercise both sides", tc.schema)
		}
	}
}

// others are values of every JSON kind, for replacing one.
var others = []any{nil, true, json.Number("0"), json.Number("204"), json.Number("1.5"), json.Number("-1"), "", "x", "https://a.test", []any{}, []any{"a"}, map[string]any{}}

// mutate changes one place of v, picked at random, and returns it.
func mutate(r *rand.Rand, v any, depth int) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		switch op := r.IntN(10); {
		case op == 0 && len(keys) > 0:
			delete(x, keys[r.IntN(len(keys))])
		case op == 1:
			x[fmt.Sprintf("unknown_%d", r.IntN(3))] = others[r.IntN(len(others))]
		case op == 2 || len(keys) == 0 || depth > 4:
			if len(keys) > 0 {
				x[keys[r.IntN(len(keys))]] = others[r.IntN(len(others))]
			}
		default:
			k := keys[r.IntN(len(keys))]
			x[k] = mutate(r, x[k], depth+1)
		}
		return x
	case []any:
		switch op := r.IntN(6); {
		case op == 0:
			return []any{}
		case op == 1 && len(x) > 0:
			return append(x, x[r.IntN(len(x))])
		case len(x) == 0 || depth > 4:
			return append(x, others[r.IntN(len(others))])
		default:
			i := r.IntN(len(x))
			x[i] = mutate(r, x[i], depth+1)
			return x
		}
	}
	return others[r.IntN(len(others))]
}
