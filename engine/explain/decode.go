package explain

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/policy"
)

// MaxScenarioBytes bounds the JSON a scenario may take (limits.Scenario).
const MaxScenarioBytes = limits.Scenario

// Decode reads one scenario strictly: unknown fields, wrong types and
// missing required fields are errors, every one reported with its JSON path
// (for example "$.request.headers[1]") in a policy.Errors; a syntax error
// carries its line and column. Values read as json.Unmarshal reads them
// into Scenario (null leaves a field unset; the last of duplicate keys
// wins); the reader is internal/jsontext, not encoding/json, so that the
// simulator's first wasm does not link encoding/json.
func Decode(data []byte) (Scenario, error) {
	if len(data) > MaxScenarioBytes {
		return Scenario{}, policy.Errors{{Path: "$", Msg: "scenario larger than " + strconv.Itoa(MaxScenarioBytes) + " bytes"}}
	}
	// Decode is done with the tree when it returns: every string and
	// list a Scenario keeps is the text's (a copy of data) or its own,
	// never the tree's (TestDecodeKeepsNoTree). Allocating the tree at
	// every call was 5.5 of the 6.9 KB a decode allocated, and most of
	// what the collector charged it (issue 23,
	// BenchmarkSpeed/part=decode).
	sc := jsontext.Borrow()
	defer sc.Return()
	var s Scenario
	text := string(data)
	root, serr := sc.ParseString(text, jsontext.MaxDepth)
	if serr != nil {
		line, col := policy.LineCol(text, serr.Off)
		return s, policy.Errors{{Line: line, Column: col, Msg: serr.Msg}}
	}
	if root.Kind != jsontext.Object {
		return s, policy.Errors{{Path: "$", Msg: "a scenario is a JSON object"}}
	}
	d := &decoder{}
	const (
		schemaKey = iota
		browserKey
		requestKey
		preflightKey
		responseKey
		routesKey
		thenKey
		cdnKey
		networkKey
		callerKey
		policyKey
		fixesKey
	)
	var top [12]*jsontext.Value
	d.object("$", root, top[:], "$schema", "browser", "request", "preflight", "response", "routes", "then", "cdn", "network", "caller", "policy", "fixes")
	// "$schema" names schemas/scenario.schema.json for an editor; it is
	// read as a string and otherwise ignored.
	var schema string
	d.str("$.$schema", top[schemaKey], &schema)
	d.str("$.browser", top[browserKey], &s.Browser)
	if v := top[requestKey]; v != nil {
		d.request("$.request", v, &s.Request)
	} else {
		d.add("$.request", "missing: a scenario needs the request")
	}
	if v := top[preflightKey]; !isNull(v) {
		s.Preflight = d.reply("$.preflight", v)
	}
	if v := top[responseKey]; !isNull(v) {
		s.Response = d.reply("$.response", v)
	}
	if v := top[routesKey]; !isNull(v) {
		s.Routes = d.routes("$.routes", v)
	}
	if v := top[thenKey]; !isNull(v) {
		s.Then = d.then("$.then", v)
	}
	if v := top[cdnKey]; !isNull(v) {
		s.CDN = d.cdn("$.cdn", v)
	}
	if v := top[networkKey]; !isNull(v) {
		s.Network = d.network("$.network", v)
	}
	if v := top[callerKey]; !isNull(v) {
		var f [1]*jsontext.Value
		if d.object("$.caller", v, f[:], "authorized") {
			s.Caller = &Caller{Authorized: true}
			if a := f[0]; !isNull(a) {
				if a.Kind != jsontext.Bool {
					d.add("$.caller.authorized", "want true or false")
				}
				s.Caller.Authorized = a.Bool
			}
		}
	}
	if v := top[policyKey]; !isNull(v) {
		var pm [5]*jsontext.Value
		d.object("$.policy", v, pm[:], "format", "text", "files", "resource", "params")
		s.Policy = &Policy{}
		d.str("$.policy.format", pm[0], &s.Policy.Format)
		d.str("$.policy.text", pm[1], &s.Policy.Text)
		d.str("$.policy.resource", pm[3], &s.Policy.Resource)
		if f := pm[2]; !isNull(f) {
			s.Policy.Files = d.files("$.policy.files", f)
		}
		if f := pm[4]; !isNull(f) {
			s.Policy.Params = d.params("$.policy.params", f)
		}
		if s.Policy.Format == "" {
			d.add("$.policy.format", "missing: a registered format name or \"auto\"")
		}
	}
	if v := top[fixesKey]; !isNull(v) {
		if v.Kind != jsontext.Bool {
			d.add("$.fixes", "want true or false")
		} else {
			b := v.Bool
			s.Fixes = &b
		}
	}
	// The URL-level faults of routes (bound, parse, duplicates) are
	// Explain's check too, for scenarios built in Go.
	if s.Routes != nil {
		d.errs = append(d.errs, checkRoutes(s)...)
	}
	if s.CDN != nil {
		d.errs = append(d.errs, checkCDN(s)...)
	}
	return s, d.errs.Err()
}

// isNull reports a missing value or JSON null.
func isNull(v *jsontext.Value) bool { return v == nil || v.Kind == jsontext.Null }

// decoder reads one scenario. It holds what decoding a scenario
// allocates beside its JSON tree, two replies, the request's body and
// sixteen header pairs (the parts of a scenario of a preflight, a
// response and their headers), in room: the decoder, which the parts
// point into, is one allocation where they took six (issue 23). What
// does not fit (routes' replies, later fetches' bodies, more header
// pairs) is allocated on its own. replies, fields and body count what
// was handed out.
type decoder struct {
	errs    policy.Errors
	replies int
	fields  int
	body    bool
	room    struct {
		replies [2]Reply
		body    string
		fields  [16]headers.Field
	}
}

// newReply is a new(Reply), from the room while it has one.
func (d *decoder) newReply() *Reply {
	if d.replies < len(d.room.replies) {
		d.replies++
		return &d.room.replies[d.replies-1]
	}
	return &Reply{}
}

// newBody is a new(string), from the room the first time.
func (d *decoder) newBody() *string {
	if !d.body {
		d.body = true
		return &d.room.body
	}
	return new(string)
}

// newFields is make(headers.List, 0, n), from the room while it has n
// fields left.
func (d *decoder) newFields(n int) headers.List {
	if i := d.fields; i+n <= len(d.room.fields) {
		d.fields += n
		return d.room.fields[i:i:d.fields]
	}
	return make(headers.List, 0, n)
}

// add, strField and str are not inlined: called at some eighty places,
// inlined they made the decoder 55 KB of the simulator's first wasm
// (2026-12-03: 3,083,464 -> 3,028,887 bytes, GOOS=js GOARCH=wasm go build
// -trimpath -ldflags=-s -w ./wasm/core); a scenario is decoded once per
// verdict.
//
//go:noinline
func (d *decoder) add(path, msg string) {
	d.errs = append(d.errs, &policy.Error{Path: path, Msg: msg})
}

// object checks that v is an object and reports its unknown fields, in
// the order written, and sets f[i] to its last field named known[i] (nil
// when it has none; json.Unmarshal keeps the last of duplicate keys). It
// reads each member once: looking each known field up with
// jsontext.Value.Get scanned the object's members again, a seventh of a
// scenario's decoding (issue 23). It reports false, f left nil, when v is
// not an object.
//
// A key is compared with the known names from the one after the last it
// matched, round to it: known lists them in the order a scenario writes
// them (the schema's, which AppendScenario writes), so that each key
// costs one comparison, where trying them from the first cost four on
// average (issue 23).
func (d *decoder) object(path string, v *jsontext.Value, f []*jsontext.Value, known ...string) bool {
	if v == nil || v.Kind != jsontext.Object {
		d.add(path, "want an object")
		return false
	}
	f = f[:len(known)]
	next := 0 // the known name after the last matched
	for i, k := range v.Keys {
		m := next
		for known[m] != k {
			if m++; m == len(known) {
				m = 0
			}
			if m == next {
				m = -1
				break
			}
		}
		if m < 0 {
			d.add(path+"."+k, "unknown field")
			continue
		}
		f[m] = v.Fields[i]
		if next = m + 1; next == len(known) {
			next = 0
		}
	}
	return true
}

// strField reads the field key, v, as str does; the field's path (path
// "." key) is built only for an error, as a scenario has dozens of
// fields and the paths were most of what reading it allocated.
//
//go:noinline
func (d *decoder) strField(path string, v *jsontext.Value, key string, dst *string) {
	if isNull(v) {
		return
	}
	if v.Kind != jsontext.String {
		d.add(path+"."+key, "want a string")
		return
	}
	*dst = v.Str
}

// str reads a string; null (or nothing) leaves dst alone.
//
//go:noinline
func (d *decoder) str(path string, v *jsontext.Value, dst *string) {
	if isNull(v) {
		return
	}
	if v.Kind != jsontext.String {
		d.add(path, "want a string")
		return
	}
	*dst = v.Str
}

func (d *decoder) request(path string, v *jsontext.Value, r *Request) {
	const (
		origin = iota
		url
		method
		hdrs
		credentials
		mode
		body
		bodyType
		redirect
		api
	)
	var m [10]*jsontext.Value
	if !d.object(path, v, m[:], "origin", "url", "method", "headers", "credentials", "mode", "body", "body_type", "redirect", "api") {
		return
	}
	if m[origin] == nil {
		d.add(path+".origin", "missing")
	}
	if m[url] == nil {
		d.add(path+".url", "missing")
	}
	d.strField(path, m[origin], "origin", &r.Origin)
	d.strField(path, m[url], "url", &r.URL)
	d.strField(path, m[method], "method", &r.Method)
	d.strField(path, m[credentials], "credentials", &r.Credentials)
	d.strField(path, m[mode], "mode", &r.Mode)
	d.strField(path, m[bodyType], "body_type", &r.BodyType)
	d.strField(path, m[redirect], "redirect", &r.Redirect)
	d.strField(path, m[api], "api", &r.API)
	if b := m[body]; !isNull(b) {
		r.Body = d.newBody()
		d.strField(path, b, "body", r.Body)
	}
	r.Headers = d.headers(path, ".headers", m[hdrs])
}

// network reads {"page", "target", "permission"}, each optional and one
// of its names.
func (d *decoder) network(path string, v *jsontext.Value) *Network {
	var m [3]*jsontext.Value
	if !d.object(path, v, m[:], "page", "target", "permission") {
		return nil
	}
	// CDP's Network.IPAddressSpace and Browser.PermissionSetting names.
	spaces := []string{fetch.SpacePublic, fetch.SpaceLocal, fetch.SpaceLoopback}
	permissions := []string{fetch.PermissionGranted, fetch.PermissionDenied, fetch.PermissionPrompt}
	n := &Network{}
	for i, f := range []struct {
		key string
		dst *string
		one []string
	}{
		{"page", &n.Page, spaces},
		{"target", &n.Target, spaces},
		{"permission", &n.Permission, permissions},
	} {
		d.str(path+"."+f.key, m[i], f.dst)
		if *f.dst != "" && !slices.Contains(f.one, *f.dst) {
			d.add(path+"."+f.key, "want one of "+strings.Join(f.one, ", "))
		}
	}
	return n
}

// files reads [{"name", "text"}, ...]: at most limits.PolicyFiles, each
// named once.
func (d *decoder) files(path string, v *jsontext.Value) []policy.File {
	if v.Kind != jsontext.Array {
		d.add(path, "want a list of files, [{\"name\", \"text\"}]")
		return nil
	}
	if len(v.Items) > limits.PolicyFiles {
		d.add(path, "at most "+strconv.Itoa(limits.PolicyFiles)+" files")
		return nil
	}
	out := make([]policy.File, len(v.Items))
	for i, it := range v.Items {
		p := path + "[" + strconv.Itoa(i) + "]"
		var m [2]*jsontext.Value
		if !d.object(p, it, m[:], "name", "text") {
			continue
		}
		d.strField(p, m[0], "name", &out[i].Name)
		d.strField(p, m[1], "text", &out[i].Text)
		if out[i].Name == "" {
			d.add(p+".name", "missing: each file needs its name")
		}
		for _, f := range out[:i] {
			if f.Name == out[i].Name && f.Name != "" {
				d.add(p+".name", "the file "+strconv.Quote(f.Name)+" is listed twice")
			}
		}
	}
	return out
}

// params reads {"Name": "value", ...}.
func (d *decoder) params(path string, v *jsontext.Value) map[string]string {
	if v.Kind != jsontext.Object {
		d.add(path, "want an object of parameter names and string values")
		return nil
	}
	out := make(map[string]string, len(v.Keys))
	for i, k := range v.Keys {
		var s string
		d.str(path+"."+k, v.Fields[i], &s)
		out[k] = s
	}
	return out
}

// routes reads [{"url", "preflight", "response"}, ...]; checkRoutes
// judges the URLs.
func (d *decoder) routes(path string, v *jsontext.Value) []Route {
	if v.Kind != jsontext.Array {
		d.add(path, "want a list of routes, [{\"url\", \"preflight\", \"response\"}]")
		return nil
	}
	if len(v.Items) > limits.Routes {
		// checkRoutes reports it; reading them all would only cost time.
		return make([]Route, len(v.Items))
	}
	out := make([]Route, len(v.Items))
	for i, it := range v.Items {
		p := path + "[" + strconv.Itoa(i) + "]"
		var m [3]*jsontext.Value
		if !d.object(p, it, m[:], "url", "preflight", "response") {
			continue
		}
		d.strField(p, m[0], "url", &out[i].URL)
		if r := m[1]; !isNull(r) {
			out[i].Preflight = d.reply(p+".preflight", r)
		}
		if r := m[2]; !isNull(r) {
			out[i].Response = d.reply(p+".response", r)
		}
	}
	return out
}

// then reads [{"request", "after_seconds"}, ...]: at most limits.Then,
// each request as $.request is read, each wait a number of seconds from 0
// to limits.AfterSeconds (0 when absent).
func (d *decoder) then(path string, v *jsontext.Value) []Later {
	if v.Kind != jsontext.Array {
		d.add(path, "want a list of later fetches, [{\"request\", \"after_seconds\"}]")
		return nil
	}
	if len(v.Items) > limits.Then {
		d.add(path, "at most "+strconv.Itoa(limits.Then)+" later fetches")
		return nil
	}
	out := make([]Later, len(v.Items))
	for i, it := range v.Items {
		p := path + "[" + strconv.Itoa(i) + "]"
		var m [2]*jsontext.Value
		if !d.object(p, it, m[:], "request", "after_seconds") {
			continue
		}
		if r := m[0]; r != nil {
			d.request(p+".request", r, &out[i].Request)
		} else {
			d.add(p+".request", "missing")
		}
		if w := m[1]; !isNull(w) {
			f, ok := readSeconds(w)
			if !ok || f < 0 || f > limits.AfterSeconds {
				d.add(p+".after_seconds", "want a number of seconds from 0 to "+strconv.Itoa(limits.AfterSeconds))
			} else {
				out[i].AfterSeconds = f
			}
		}
	}
	return out
}

// cdn reads {"key_headers": ["Origin", ...], "honours_vary": bool}, both
// optional (no key headers: the URL alone; Vary not honoured);
// checkCDN judges the names and their number.
func (d *decoder) cdn(path string, v *jsontext.Value) *CDN {
	var m [2]*jsontext.Value
	if !d.object(path, v, m[:], "key_headers", "honours_vary") {
		return nil
	}
	c := &CDN{}
	if k := m[0]; !isNull(k) {
		if k.Kind != jsontext.Array {
			d.add(path+".key_headers", "want a list of request header names")
		}
		c.KeyHeaders = make([]string, len(k.Items))
		for i, it := range k.Items {
			d.str(path+".key_headers["+strconv.Itoa(i)+"]", it, &c.KeyHeaders[i])
		}
	}
	if h := m[1]; !isNull(h) {
		c.HonoursVary = h.Bool
		if h.Kind != jsontext.Bool {
			d.add(path+".honours_vary", "want true or false")
		}
	}
	return c
}

// readSeconds reads a JSON number of seconds at most limits.AfterSeconds, to
// the microsecond: its digits as an integer and a power of ten. It parses
// no general float: strconv.ParseFloat would add about 30 KB to the
// simulator's first wasm, which links no other.
func readSeconds(v *jsontext.Value) (float64, bool) {
	if v.Kind != jsontext.Number {
		return 0, false
	}
	lit := v.Str
	if strings.HasPrefix(lit, "-") {
		return -1, true // negative: out of bounds
	}
	mant, exp := strings.ToLower(lit), 0
	if i := strings.IndexByte(mant, 'e'); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(mant[i+1:], "+"))
		mant = mant[:i]
		switch {
		case strings.Trim(mant, "0.") == "" || err == nil && e < -20:
			return 0, true // zero, or too small to count
		case err != nil || e > 20:
			return 0, false // far out of bounds
		}
		exp = e
	}
	whole, frac, _ := strings.Cut(mant, ".")
	// Six fractional digits are enough; more cannot move the result.
	frac += "000000"
	digits := strings.TrimLeft(whole+frac[:6], "0")
	exp -= 6
	if len(digits) > 18 {
		exp += len(digits) - 18
		digits = digits[:18]
	}
	n := int64(0)
	if digits != "" {
		var err error
		if n, err = strconv.ParseInt(digits, 10, 64); err != nil {
			return 0, false
		}
	}
	f := float64(n)
	for ; exp > 0; exp-- {
		f *= 10
	}
	for ; exp < 0; exp++ {
		f /= 10
	}
	return f, true
}

func (d *decoder) reply(path string, v *jsontext.Value) *Reply {
	var m [3]*jsontext.Value
	if !d.object(path, v, m[:], "status", "headers", "body") {
		return nil
	}
	r := d.newReply()
	if st := m[0]; st != nil {
		// 0 means the server closed the connection without answering, as
		// the e2e harnesses model a network failure.
		if st.Kind != jsontext.Null {
			n, err := strconv.Atoi(st.Str)
			if st.Kind != jsontext.Number || err != nil || n != 0 && (n < 100 || n > 599) {
				d.add(path+".status", "want an HTTP status code from 100 to 599, or 0 for no response")
			} else {
				r.Status = n
			}
		}
	} else {
		d.add(path+".status", "missing")
	}
	d.strField(path, m[2], "body", &r.Body)
	r.Header = d.headers(path, ".headers", m[1])
	if r.Header == nil {
		r.Header = headers.List{}
	}
	return r
}

// headers reads [["Name","value"], ...] or, for hand-written scenarios,
// {"Name": "value"} in the order written (headers.List's JSON forms).
// Its path is base+key, built only for an error.
func (d *decoder) headers(base, key string, v *jsontext.Value) headers.List {
	if isNull(v) {
		return nil
	}
	switch v.Kind {
	case jsontext.Array:
		out := d.newFields(len(v.Items))
		for i, it := range v.Items {
			if it.Kind != jsontext.Array || len(it.Items) != 2 || !strOrNull(it.Items[0]) || !strOrNull(it.Items[1]) {
				d.add(base+key+"["+strconv.Itoa(i)+"]", "want [name, value], two strings")
				continue
			}
			out = append(out, headers.Field{Name: it.Items[0].Str, Value: it.Items[1].Str})
		}
		return out
	case jsontext.Object:
		out := headers.List{}
		for i, k := range v.Keys {
			if !strOrNull(v.Fields[i]) {
				d.add(base+key, "want a list of [name, value] pairs or an object of strings")
				return nil
			}
			out = append(out, headers.Field{Name: k, Value: v.Fields[i].Str})
		}
		return out
	}
	d.add(base+key, "want a list of [name, value] pairs or an object of strings")
	return nil
}

// strOrNull: json.Unmarshal reads null into a string as "".
func strOrNull(v *jsontext.Value) bool { return v.Kind == jsontext.String || v.Kind == jsontext.Null }
