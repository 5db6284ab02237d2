package jsonapi_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/formats/har"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/jsonapi"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func same(t *testing.T, desc string, got []byte, v any) {
	t.Helper()
	if want := marshal(t, v); string(got) != want {
		t.Errorf("%s: wrote\n%s\njson.Marshal writes\n%s", desc, got, want)
	}
}

// odd are strings json.Marshal escapes: quotes, backslash, control
// characters, <>&, U+2028, invalid UTF-8.
const odd = "a\"b\\c\n\t\x01<&>\u2028\xff"

// TestAppendMatchesMarshal compares each writer with json.Marshal, on
// the engine's own results for the repository's examples and on values
// built by hand with empty, nil and escaped members.
func TestAppendMatchesMarshal(t *testing.T) {
	reg := all.Registry()
	policies := map[string]string{
		"s3-json": `[{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 600}]`,
		"nginx":   "location / {\n  add_header Access-Control-Allow-Origin *;\n  add_header Access-Control-Allow-Credentials true;\n}\n",
		"express": `{"origin": "*", "credentials": true, "methods": ["GET", "DELETE"]}`,
	}
	for name, text := range policies {
		same(t, name+" detect", jsonapi.AppendDetections(nil, reg.Detect(text)), reg.Detect(text))
		fs, err := lint.Lint(reg, text, name)
		if err != nil {
			t.Fatal(err)
		}
		same(t, name+" lint", jsonapi.AppendFindings(nil, fs), fs)
		for _, to := range convert.Targets(reg) {
			out, notes, err := convert.Convert(reg, text, name, to)
			if err != nil {
				continue // a target that cannot say any rule of the source
			}
			same(t, name+" to "+to, jsonapi.AppendConverted(nil, out, notes), struct {
				Text  string         `json:"text"`
				Notes []convert.Note `json:"notes"`
			}{out, notes})
		}
	}
	same(t, "no detection", jsonapi.AppendDetections(nil, []policy.Detection{}), []policy.Detection{})
	same(t, "nil detections", jsonapi.AppendDetections(nil, nil), []policy.Detection(nil))
	same(t, "odd detection", jsonapi.AppendDetections(nil, []policy.Detection{{Format: odd, Why: ""}}), []policy.Detection{{Format: odd}})
	same(t, "odd findings", jsonapi.AppendFindings(nil, []lint.Finding{{Severity: lint.Info, Code: odd, Message: ""}, {Path: odd, Line: 3, Column: -1}}),
		[]lint.Finding{{Severity: lint.Info, Code: odd, Message: ""}, {Path: odd, Line: 3, Column: -1}})
	notes := []convert.Note{{Rule: -1, Effect: "same", Message: odd}, {Rule: 2, Field: odd}}
	notes[1].Pos.Path, notes[1].Pos.Line = "$[2]", 7
	for _, l := range [][]convert.Note{nil, {}, notes} {
		same(t, "notes", jsonapi.AppendConverted(nil, odd, l), struct {
			Text  string         `json:"text"`
			Notes []convert.Note `json:"notes"`
		}{odd, l})
	}

	// Fixes and HAR pairs from the examples and a HAR built here.
	opts := advise.Options(reg)
	files, _ := filepath.Glob("../../examples/*.json")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := explain.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		fixes, err := explain.Fixes(s, opts)
		if err != nil {
			t.Fatal(err)
		}
		same(t, f+" fixes", explain.AppendFixes(nil, fixes), fixes)
	}
	ps, err := har.Pairs(`{"log": {"creator": {"name": "WebInspector", "version": "1"}, "entries": [
	  {"_resourceType": "preflight", "_initiator": {"type": "preflight", "requestId": "1"},
	   "request": {"method": "OPTIONS", "url": "https://api.test/a", "headers": [{"name": "Origin", "value": "https://app.test"}, {"name": "Access-Control-Request-Method", "value": "PUT"}]},
	   "response": {"status": 204, "statusText": "No Content", "headers": [{"name": "Access-Control-Allow-Origin", "value": "https://app.test"}]}},
	  {"_resourceType": "fetch", "startedDateTime": "2026-01-01T00:00:00Z",
	   "request": {"method": "PUT", "url": "https://api.test/a", "headers": [{"name": "Origin", "value": "https://app.test"}, {"name": "X-Odd", "value": "<\u2028>"}]},
	   "response": {"status": 0, "headers": [], "_error": "net::ERR_FAILED"}},
	  {"request": {"method": "GET", "url": "https://api.test/b", "headers": [{"name": "Origin", "value": "https://app.test"}, {"name": "Cookie", "value": "a=1"}]},
	   "response": {"status": 200, "statusText": "OK", "headers": [{"name": "Access-Control-Allow-Origin", "value": "*"}]}}]}}`)
	if err != nil || len(ps) != 2 {
		t.Fatalf("har.Pairs = %d pairs, %v", len(ps), err)
	}
	same(t, "har pairs", jsonapi.AppendPairs(nil, ps), ps)
	same(t, "no pairs", jsonapi.AppendPairs(nil, []har.Pair{}), []har.Pair{})
	hand := har.Pair{Candidate: har.Candidate{Method: odd}, Exchange: har.Exchange{Preflight: &policy.Reply{Body: odd, Header: headers.List{{Name: odd, Value: odd}}}, Notes: []string{odd, ""}}}
	same(t, "odd pair", jsonapi.AppendPairs(nil, []har.Pair{hand}), []har.Pair{hand})
}

// TestDecodeFields holds DecodeFields to json.Unmarshal into a struct of
// string fields, as the full engine read its requests before.
func TestDecodeFields(t *testing.T) {
	tests := []struct {
		desc string
		arg  string
		fail bool // json.Unmarshal fails too
	}{
		{desc: "lower-case keys", arg: `{"text": "a", "format": "s3-json"}`},
		{desc: "keys in any case", arg: `{"TEXT": "a", "Format": "b"}`},
		{desc: "the last of duplicate keys", arg: `{"text": "a", "Text": "b"}`},
		{desc: "unknown members ignored", arg: `{"text": "a", "other": [1, {"x": null}]}`},
		{desc: "null members", arg: `{"text": null, "format": "x"}`},
		{desc: "null", arg: `null`},
		{desc: "escapes", arg: `{"text": "\u00e9\n\"q\" \ud83c\udf89"}`},
		{desc: "empty object", arg: ` {} `},
		{desc: "a number for a string", arg: `{"text": 1}`, fail: true},
		{desc: "an array", arg: `["text"]`, fail: true},
		{desc: "a string", arg: `"text"`, fail: true},
		{desc: "invalid JSON", arg: `{"text": "a",}`, fail: true},
		{desc: "trailing data", arg: `{} {}`, fail: true},
		{desc: "empty", arg: ``, fail: true},
	}
	for _, tc := range tests {
		var want struct{ Text, Format string }
		werr := json.Unmarshal([]byte(tc.arg), &want)
		var got struct{ Text, Format string }
		err := jsonapi.DecodeFields(tc.arg, map[string]*string{"text": &got.Text, "format": &got.Format})
		if (werr != nil) != tc.fail || (err != nil) != tc.fail {
			t.Errorf("%s: err = %v, json.Unmarshal: %v, want failure %v", tc.desc, err, werr, tc.fail)
			continue
		}
		if err != nil {
			var es policy.Errors
			if !errors.As(err, &es) || len(es) == 0 || es[0].Line == 0 {
				t.Errorf("%s: error %v has no position", tc.desc, err)
			}
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: read %+v, json.Unmarshal reads %+v", tc.desc, got, want)
		}
	}
}
