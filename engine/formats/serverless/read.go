package serverless

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
	"go.yaml.in/yaml/v3"
)

// MaxText bounds the text read, as the engine bounds every policy text.
const MaxText = 1 << 20

// The cors keys the framework takes (DocREST, DocHTTP).
var (
	restKeys = []string{"origin", "origins", "headers", "allowCredentials", "maxAge", "cacheControl"}
	httpKeys = []string{"allowedOrigins", "allowedHeaders", "allowedMethods", "allowCredentials", "exposedResponseHeaders", "maxAge"}
)

// Parse reads a serverless.yml. Every fault comes back, positioned, in a
// policy.Errors: YAML the parser cannot read (Unreadable), and cors
// settings the framework refuses or that hold a variable this reader
// cannot resolve.
func Parse(text string) (*Service, error) {
	return ParseParams(text, nil)
}

// ParseParams is Parse with values for the file's variables: params maps
// "source:name" or "name" (env:ORIGIN or ORIGIN) to a value.
func ParseParams(text string, params map[string]string) (*Service, error) {
	s, _, errs := read(text, params)
	if len(errs) > 0 {
		return nil, errs
	}
	return s, nil
}

func read(text string, params map[string]string) (*Service, *doc, policy.Errors) {
	if len(text) > MaxText {
		return nil, nil, policy.Errors{{Line: 1, Column: 1, Msg: "text longer than " + strconv.Itoa(MaxText) + " bytes"}}
	}
	d, perr := parseYAML(text)
	if perr != nil {
		return nil, nil, policy.Errors{perr}
	}
	r := &reader{d: d, params: params}
	if d.root.Kind != yaml.MappingNode {
		return nil, d, policy.Errors{errAt(d.root, "", "want a serverless.yml mapping (service, provider, functions)")}
	}
	s := &Service{}
	if p, ok := get(d.root, "provider"); ok {
		if h, ok := get(p, "httpApi"); ok {
			if c, ok := get(h, "cors"); ok {
				s.HTTPCORS = r.cors(c, "provider.httpApi.cors", true)
			}
		}
	}
	fns, _ := get(d.root, "functions")
	for _, f := range pairs(fns) {
		fpath := key("functions", f.key)
		evs, _ := get(f.v, "events")
		if evs == nil || evs.Kind != yaml.SequenceNode {
			continue
		}
		for i, ev := range evs.Content {
			ev = resolve(ev)
			epath := index(key(fpath, "events"), i)
			for _, e := range pairs(ev) {
				switch e.key {
				case "http":
					if ep, ok := r.endpoint(f.key, e.v, key(epath, "http")); ok {
						s.Endpoints = append(s.Endpoints, ep)
					}
				case "httpApi":
					if rt, ok := r.route(f.key, e.v, key(epath, "httpApi")); ok {
						s.Routes = append(s.Routes, rt)
					}
				}
			}
		}
	}
	return s, d, r.errs
}

type reader struct {
	d      *doc
	params map[string]string
	errs   policy.Errors
	// resolved counts the variables resolved (maxVariables).
	resolved int
}

func (r *reader) fail(n *yaml.Node, path, msg string) {
	r.errs = append(r.errs, errAt(n, path, msg))
}

// endpoint reads an http event: "METHOD path" or {path, method, cors,
// integration}.
func (r *reader) endpoint(fn string, n *yaml.Node, path string) (Endpoint, bool) {
	ep := Endpoint{Function: fn, Integration: apigw.LambdaProxy, At: pos(n, path)}
	switch n.Kind {
	case yaml.ScalarNode:
		m, p, ok := strings.Cut(strings.TrimSpace(r.value(n, path)), " ")
		if !ok {
			r.fail(n, path, `want "METHOD path" or an object with method and path`)
			return ep, false
		}
		ep.Method, ep.Path = method(m), slash(strings.TrimSpace(p))
		return ep, true
	case yaml.MappingNode:
	default:
		r.fail(n, path, "want an http event object")
		return ep, false
	}
	for _, p := range pairs(n) {
		pp := key(path, p.key)
		switch p.key {
		case "path":
			ep.Path = slash(r.value(p.v, pp))
		case "method":
			ep.Method = method(r.value(p.v, pp))
		case "integration":
			switch strings.ToLower(r.value(p.v, pp)) {
			case "lambda", "aws":
				ep.Integration = apigw.NonProxy
			case "http-proxy", "http_proxy":
				ep.Integration = apigw.HTTPProxy
			case "mock":
				ep.Integration = apigw.Mock
			}
		case "cors":
			ep.CORS = r.cors(p.v, pp, false)
		}
	}
	if ep.Path == "" || ep.Method == "" {
		r.fail(n, path, "an http event needs a path and a method")
		return ep, false
	}
	return ep, true
}

// route reads an httpApi event: "*", "METHOD path" or {method, path}.
func (r *reader) route(fn string, n *yaml.Node, path string) (Route, bool) {
	rt := Route{Function: fn, At: pos(n, path)}
	if n.Kind == yaml.ScalarNode {
		v := strings.TrimSpace(r.value(n, path))
		if v == "*" {
			rt.Method, rt.Path = "*", "*"
			return rt, true
		}
		m, p, ok := strings.Cut(v, " ")
		if !ok {
			r.fail(n, path, `want "*", "METHOD path" or an object with method and path`)
			return rt, false
		}
		rt.Method, rt.Path = strings.ToUpper(m), slash(strings.TrimSpace(p))
		return rt, true
	}
	for _, p := range pairs(n) {
		switch p.key {
		case "method":
			rt.Method = strings.ToUpper(r.value(p.v, key(path, p.key)))
		case "path":
			rt.Path = r.value(p.v, key(path, p.key))
			if rt.Path != "*" {
				rt.Path = slash(rt.Path)
			}
		}
	}
	if rt.Method == "" {
		rt.Method = "*"
	}
	if rt.Path == "" {
		rt.Path = "*"
	}
	return rt, true
}

// cors reads a cors value: true, false, or the object form (httpApi's
// keys when http is set), with the framework's defaults filled in.
func (r *reader) cors(n *yaml.Node, path string, http bool) *Cors {
	c := &Cors{At: pos(n, path), Values: map[string][]portable.Pos{}, node: n}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		if n.Value == "false" {
			return nil
		}
		c.True = true
		c.Origins, c.Headers = []string{"*"}, append([]string(nil), DefaultHeaders...)
		return c
	}
	if n.Kind != yaml.MappingNode {
		r.fail(n, path, "want true, false or a cors object")
		return nil
	}
	known := restKeys
	if http {
		known = httpKeys
	}
	for _, p := range pairs(n) {
		pp := key(path, p.key)
		if !contains(known, p.key) {
			r.fail(p.k, pp, "unknown cors key "+strconv.Quote(p.key)+"; the framework takes: "+strings.Join(known, ", "))
			continue
		}
		switch p.key {
		case "allowCredentials":
			if p.v.Kind != yaml.ScalarNode || p.v.Tag != "!!bool" {
				r.fail(p.v, pp, "want true or false")
			}
			c.AllowCredentials = p.v.Value == "true"
			c.Values[p.key] = []portable.Pos{pos(p.v, pp)}
		case "maxAge":
			n, err := strconv.Atoi(r.value(p.v, pp))
			if err != nil || n < 0 {
				r.fail(p.v, pp, "maxAge must be a whole number of seconds, 0 or more")
				continue
			}
			c.MaxAge = &n
			c.Values[p.key] = []portable.Pos{pos(p.v, pp)}
		case "cacheControl":
			c.CacheControl = r.value(p.v, pp)
			c.Values[p.key] = []portable.Pos{pos(p.v, pp)}
		default:
			list, ps := r.list(p.v, pp)
			if p.key == "origin" && len(list) == 1 {
				// "use comma separated origin field" (DocREST).
				list = splitComma(list[0])
				ps = repeat(ps[0], len(list))
			}
			c.Values[p.key] = ps
			switch p.key {
			case "origin", "origins", "allowedOrigins":
				c.Origins = append(c.Origins, list...)
			case "headers", "allowedHeaders":
				c.Headers = append(c.Headers, list...)
			case "allowedMethods":
				for _, m := range list {
					c.Methods = append(c.Methods, strings.ToUpper(m))
				}
			case "exposedResponseHeaders":
				c.ExposeHeaders = list
			}
		}
	}
	// The object form's defaults: origin '*' and the default headers when
	// not given (DocREST: "origin: '*'" in the expansion of true; the
	// framework fills both in, [UNVERIFIED] for a partial object).
	if len(c.Origins) == 0 {
		c.Origins = []string{"*"}
	}
	if c.Headers == nil {
		c.Headers = append([]string(nil), DefaultHeaders...)
	}
	return c
}

// value is scalar n's text, a Serverless variable resolved when it names
// a value of this file (${self:custom.x}); any other variable is a fault.
func (r *reader) value(n *yaml.Node, path string) string {
	n = r.self(n, path)
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		r.fail(n, path, "want a string")
		return ""
	}
	if !strings.Contains(n.Value, "${") {
		return n.Value
	}
	v, un := r.expand(n.Value, 0)
	if len(un) > 0 {
		r.fail(n, path, "unresolved Serverless variable "+strings.Join(un, ", ")+": give its value (--param NAME=value) or a fallback (${env:NAME, 'value'}); see "+DocVariables)
	}
	return v
}

// list is n as a list of strings, variables resolved as value does.
func (r *reader) list(n *yaml.Node, path string) ([]string, []portable.Pos) {
	n = r.self(n, path)
	if n == nil {
		return nil, nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{r.value(n, path)}, []portable.Pos{pos(n, path)}
	}
	if n.Kind == yaml.SequenceNode {
		var out []string
		var ps []portable.Pos
		for i, it := range n.Content {
			out = append(out, r.value(resolve(it), index(path, i)))
			ps = append(ps, pos(resolve(it), index(path, i)))
		}
		return out, ps
	}
	return scalars(n, path, &r.errs)
}

// self follows a value that is exactly "${self:a.b}" to that value of the
// file.
func (r *reader) self(n *yaml.Node, path string) *yaml.Node {
	for i := 0; n != nil && i < maxDepth; i++ {
		if n.Kind != yaml.ScalarNode || !strings.HasPrefix(n.Value, "${self:") || !strings.HasSuffix(n.Value, "}") || strings.Count(n.Value, "${") != 1 {
			return n
		}
		ref := strings.TrimSuffix(strings.TrimPrefix(n.Value, "${self:"), "}")
		t := r.d.root
		for _, k := range strings.Split(ref, ".") {
			var ok bool
			if t, ok = get(t, k); !ok {
				r.fail(n, path, "${self:"+ref+"} names no value of this file")
				return nil
			}
		}
		n = t
	}
	return n
}

func method(m string) string {
	m = strings.ToUpper(strings.TrimSpace(m))
	if m == "*" {
		return "ANY"
	}
	return m
}

func slash(p string) string {
	if !strings.HasPrefix(p, "/") {
		return "/" + p
	}
	return p
}

func splitComma(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func repeat(p portable.Pos, n int) []portable.Pos {
	out := make([]portable.Pos, n)
	for i := range out {
		out[i] = p
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
