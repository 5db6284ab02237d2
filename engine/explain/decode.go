package explain

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// MaxScenarioBytes bounds the JSON a scenario may take.
const MaxScenarioBytes = 1 << 20

// Decode reads one scenario strictly: unknown fields, wrong types and
// missing required fields are errors, every one reported with its JSON path
// (for example "$.request.headers[1]") in a policy.Errors.
func Decode(data []byte) (Scenario, error) {
	var s Scenario
	var errs policy.Errors
	if len(data) > MaxScenarioBytes {
		return s, policy.Errors{{Path: "$", Msg: "scenario larger than " + strconv.Itoa(MaxScenarioBytes) + " bytes"}}
	}
	if err := syntaxCheck(data); err != nil {
		return s, policy.Errors{err}
	}
	d := &decoder{errs: &errs}
	top := d.object("$", data, "browser", "request", "preflight", "response", "policy", "fixes")
	d.str("$.browser", top["browser"], &s.Browser)
	if raw, ok := top["request"]; ok {
		d.request("$.request", raw, &s.Request)
	} else {
		errs = append(errs, &policy.Error{Path: "$.request", Msg: "missing: a scenario needs the request"})
	}
	if raw, ok := top["preflight"]; ok && !isNull(raw) {
		s.Preflight = d.reply("$.preflight", raw)
	}
	if raw, ok := top["response"]; ok && !isNull(raw) {
		s.Response = d.reply("$.response", raw)
	}
	if raw, ok := top["policy"]; ok && !isNull(raw) {
		pm := d.object("$.policy", raw, "format", "text")
		s.Policy = &Policy{}
		d.str("$.policy.format", pm["format"], &s.Policy.Format)
		d.str("$.policy.text", pm["text"], &s.Policy.Text)
		if s.Policy.Format == "" {
			errs = append(errs, &policy.Error{Path: "$.policy.format", Msg: "missing: a registered format name or \"auto\""})
		}
	}
	if raw, ok := top["fixes"]; ok && !isNull(raw) {
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			d.add("$.fixes", "want true or false")
		} else {
			s.Fixes = &b
		}
	}
	return s, errs.Err()
}

func syntaxCheck(data []byte) *policy.Error {
	var v any
	err := json.Unmarshal(data, &v)
	if err == nil {
		if _, ok := v.(map[string]any); !ok {
			return &policy.Error{Path: "$", Msg: "a scenario is a JSON object"}
		}
		return nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := policy.LineCol(string(data), int(se.Offset))
		return &policy.Error{Line: line, Column: col, Msg: se.Error()}
	}
	return &policy.Error{Path: "$", Msg: err.Error()}
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

type decoder struct{ errs *policy.Errors }

func (d *decoder) add(path, msg string) {
	*d.errs = append(*d.errs, &policy.Error{Path: path, Msg: msg})
}

// object splits a JSON object into its fields and reports unknown ones.
func (d *decoder) object(path string, raw json.RawMessage, known ...string) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		d.add(path, "want an object")
		return nil
	}
	// Report unknown fields in the order written, for stable output.
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.Token()
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			break
		}
		k, _ := t.(string)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			break
		}
		found := false
		for _, n := range known {
			if n == k {
				found = true
			}
		}
		if !found {
			d.add(path+"."+k, "unknown field")
		}
	}
	return m
}

func (d *decoder) str(path string, raw json.RawMessage, dst *string) {
	if raw == nil {
		return
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		d.add(path, "want a string")
	}
}

func (d *decoder) request(path string, raw json.RawMessage, r *Request) {
	m := d.object(path, raw, "origin", "url", "method", "headers", "credentials", "mode", "body", "body_type", "redirect")
	if m == nil {
		return
	}
	for _, req := range []string{"origin", "url"} {
		if _, ok := m[req]; !ok {
			d.add(path+"."+req, "missing")
		}
	}
	d.str(path+".origin", m["origin"], &r.Origin)
	d.str(path+".url", m["url"], &r.URL)
	d.str(path+".method", m["method"], &r.Method)
	d.str(path+".credentials", m["credentials"], &r.Credentials)
	d.str(path+".mode", m["mode"], &r.Mode)
	d.str(path+".body_type", m["body_type"], &r.BodyType)
	d.str(path+".redirect", m["redirect"], &r.Redirect)
	if raw, ok := m["body"]; ok && !isNull(raw) {
		var b string
		d.str(path+".body", raw, &b)
		r.Body = &b
	}
	r.Headers = d.headers(path+".headers", m["headers"])
}

func (d *decoder) reply(path string, raw json.RawMessage) *Reply {
	m := d.object(path, raw, "status", "headers", "body")
	if m == nil {
		return nil
	}
	r := &Reply{}
	if st, ok := m["status"]; ok {
		// 0 means the server closed the connection without answering, as
		// the e2e harnesses model a network failure.
		if err := json.Unmarshal(st, &r.Status); err != nil || r.Status != 0 && (r.Status < 100 || r.Status > 599) {
			d.add(path+".status", "want an HTTP status code from 100 to 599, or 0 for no response")
		}
	} else {
		d.add(path+".status", "missing")
	}
	d.str(path+".body", m["body"], &r.Body)
	r.Headers = d.headers(path+".headers", m["headers"])
	if r.Headers == nil {
		r.Headers = headers.List{}
	}
	return r
}

// headers reads [["Name","value"], ...] or {"Name": "value"}.
func (d *decoder) headers(path string, raw json.RawMessage) headers.List {
	if raw == nil || isNull(raw) {
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		var l headers.List
		if err := json.Unmarshal(raw, &l); err != nil {
			d.add(path, "want a list of [name, value] pairs or an object of strings")
			return nil
		}
		return l
	}
	out := make(headers.List, 0, len(items))
	for i, it := range items {
		var pair []string
		if err := json.Unmarshal(it, &pair); err != nil || len(pair) != 2 {
			d.add(path+"["+strconv.Itoa(i)+"]", "want [name, value], two strings")
			continue
		}
		out = append(out, headers.Field{Name: pair[0], Value: pair[1]})
	}
	return out
}
