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
	var s Scenario
	var errs policy.Errors
	if len(data) > MaxScenarioBytes {
		return s, policy.Errors{{Path: "$", Msg: "scenario larger than " + strconv.Itoa(MaxScenarioBytes) + " bytes"}}
	}
	root, serr := jsontext.Parse(data)
	if serr != nil {
		line, col := policy.LineCol(string(data), serr.Off)
		return s, policy.Errors{{Line: line, Column: col, Msg: serr.Msg}}
	}
	if root.Kind != jsontext.Object {
		return s, policy.Errors{{Path: "$", Msg: "a scenario is a JSON object"}}
	}
	d := &decoder{errs: &errs}
	top := d.object("$", root, "$schema", "browser", "request", "preflight", "response", "routes", "then", "cdn", "network", "caller", "policy", "fixes")
	// "$schema" names schemas/scenario.schema.json for an editor; it is
	// read as a string and otherwise ignored.
	var schema string
	d.str("$.$schema", field(top, "$schema"), &schema)
	d.str("$.browser", field(top, "browser"), &s.Browser)
	if v := field(top, "request"); v != nil {
		d.request("$.request", v, &s.Request)
	} else {
		errs = append(errs, &policy.Error{Path: "$.request", Msg: "missing: a scenario needs the request"})
	}
	if v := field(top, "preflight"); !isNull(v) {
		s.Preflight = d.reply("$.preflight", v)
	}
	if v := field(top, "response"); !isNull(v) {
		s.Response = d.reply("$.response", v)
	}
	if v := field(top, "routes"); !isNull(v) {
		s.Routes = d.routes("$.routes", v)
	}
	if v := field(top, "then"); !isNull(v) {
		s.Then = d.then("$.then", v)
	}
	if v := field(top, "cdn"); !isNull(v) {
		s.CDN = d.cdn("$.cdn", v)
	}
	if v := field(top, "network"); !isNull(v) {
		s.Network = d.network("$.network", v)
	}
	if v := field(top, "caller"); !isNull(v) {
		if m := d.object("$.caller", v, "authorized"); m != nil {
			s.Caller = &Caller{Authorized: true}
			if a := field(m, "authorized"); !isNull(a) {
				if a.Kind != jsontext.Bool {
					d.add("$.caller.authorized", "want true or false")
				}
				s.Caller.Authorized = a.Bool
			}
		}
	}
	if v := field(top, "policy"); !isNull(v) {
		pm := d.object("$.policy", v, "format", "text", "files", "resource", "params")
		s.Policy = &Policy{}
		d.str("$.policy.format", field(pm, "format"), &s.Policy.Format)
		d.str("$.policy.text", field(pm, "text"), &s.Policy.Text)
		d.str("$.policy.resource", field(pm, "resource"), &s.Policy.Resource)
		if f := field(pm, "files"); !isNull(f) {
			s.Policy.Files = d.files("$.policy.files", f)
		}
		if f := field(pm, "params"); !isNull(f) {
			s.Policy.Params = d.params("$.policy.params", f)
		}
		if s.Policy.Format == "" {
			errs = append(errs, &policy.Error{Path: "$.policy.format", Msg: "missing: a registered format name or \"auto\""})
		}
	}
	if v := field(top, "fixes"); !isNull(v) {
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
		errs = append(errs, checkRoutes(s)...)
	}
	errs = append(errs, checkCDN(s)...)
	return s, errs.Err()
}

// field is the object's last field named key, or nil. It, add and str
// are not inlined: called at some eighty places, inlined they made the
// decoder 55 KB of the simulator's first wasm (2026-12-03: 3,083,464 ->
// 3,028,887 bytes, GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s
// -w ./wasm/core); a scenario is decoded once per verdict.
//
//go:noinline
func field(obj *jsontext.Value, key string) *jsontext.Value {
	v, _ := obj.Get(key)
	return v
}

// isNull reports a missing value or JSON null.
func isNull(v *jsontext.Value) bool { return v == nil || v.Kind == jsontext.Null }

type decoder struct{ errs *policy.Errors }

//go:noinline
func (d *decoder) add(path, msg string) {
	*d.errs = append(*d.errs, &policy.Error{Path: path, Msg: msg})
}

// object checks that v is an object and reports its unknown fields, in
// the order written. It returns nil when v is not an object.
func (d *decoder) object(path string, v *jsontext.Value, known ...string) *jsontext.Value {
	if v == nil || v.Kind != jsontext.Object {
		d.add(path, "want an object")
		return nil
	}
	for _, k := range v.Keys {
		found := false
		for _, n := range known {
			if n == k {
				found = true
				break
			}
		}
		if !found {
			d.add(path+"."+k, "unknown field")
		}
	}
	return v
}

// strField reads obj's field key as str does; the field's path (path
// "." key) is built only for an error, as a scenario has dozens of
// fields and the paths were most of what reading it allocated.
//
//go:noinline
func (d *decoder) strField(path string, obj *jsontext.Value, key string, dst *string) {
	v := field(obj, key)
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
	m := d.object(path, v, "origin", "url", "method", "headers", "credentials", "mode", "body", "body_type", "redirect", "api")
	if m == nil {
		return
	}
	for _, req := range []string{"origin", "url"} {
		if _, ok := m.Get(req); !ok {
			d.add(path+"."+req, "missing")
		}
	}
	d.strField(path, m, "origin", &r.Origin)
	d.strField(path, m, "url", &r.URL)
	d.strField(path, m, "method", &r.Method)
	d.strField(path, m, "credentials", &r.Credentials)
	d.strField(path, m, "mode", &r.Mode)
	d.strField(path, m, "body_type", &r.BodyType)
	d.strField(path, m, "redirect", &r.Redirect)
	d.strField(path, m, "api", &r.API)
	if b := field(m, "body"); !isNull(b) {
		var s string
		d.strField(path, m, "body", &s)
		r.Body = &s
	}
	r.Headers = d.headers(path, ".headers", field(m, "headers"))
}

// network reads {"page", "target", "permission"}, each optional and one
// of its names.
func (d *decoder) network(path string, v *jsontext.Value) *Network {
	m := d.object(path, v, "page", "target", "permission")
	if m == nil {
		return nil
	}
	// CDP's Network.IPAddressSpace and Browser.PermissionSetting names.
	spaces := []string{fetch.SpacePublic, fetch.SpaceLocal, fetch.SpaceLoopback}
	permissions := []string{fetch.PermissionGranted, fetch.PermissionDenied, fetch.PermissionPrompt}
	n := &Network{}
	for _, f := range []struct {
		key string
		dst *string
		one []string
	}{
		{"page", &n.Page, spaces},
		{"target", &n.Target, spaces},
		{"permission", &n.Permission, permissions},
	} {
		d.str(path+"."+f.key, field(m, f.key), f.dst)
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
		m := d.object(p, it, "name", "text")
		if m == nil {
			continue
		}
		d.strField(p, m, "name", &out[i].Name)
		d.strField(p, m, "text", &out[i].Text)
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
		m := d.object(p, it, "url", "preflight", "response")
		if m == nil {
			continue
		}
		d.strField(p, m, "url", &out[i].URL)
		if r := field(m, "preflight"); !isNull(r) {
			out[i].Preflight = d.reply(p+".preflight", r)
		}
		if r := field(m, "response"); !isNull(r) {
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
		m := d.object(p, it, "request", "after_seconds")
		if m == nil {
			continue
		}
		if r := field(m, "request"); r != nil {
			d.request(p+".request", r, &out[i].Request)
		} else {
			d.add(p+".request", "missing")
		}
		if w := field(m, "after_seconds"); !isNull(w) {
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
	m := d.object(path, v, "key_headers", "honours_vary")
	if m == nil {
		return nil
	}
	c := &CDN{}
	if k := field(m, "key_headers"); !isNull(k) {
		if k.Kind != jsontext.Array {
			d.add(path+".key_headers", "want a list of request header names")
		}
		c.KeyHeaders = make([]string, len(k.Items))
		for i, it := range k.Items {
			d.str(path+".key_headers["+strconv.Itoa(i)+"]", it, &c.KeyHeaders[i])
		}
	}
	if h := field(m, "honours_vary"); !isNull(h) {
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
	m := d.object(path, v, "status", "headers", "body")
	if m == nil {
		return nil
	}
	r := &Reply{}
	if st, ok := m.Get("status"); ok {
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
	d.strField(path, m, "body", &r.Body)
	r.Header = d.headers(path, ".headers", field(m, "headers"))
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
		out := make(headers.List, 0, len(v.Items))
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
