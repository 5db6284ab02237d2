package traefik

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/policy"
)

// The headers middleware's fields (Traefik v3.6 pkg/config/dynamic
// Headers), by their written name; the CORS ones are read, the others
// accepted and left alone.
const (
	fOriginList  = "accessControlAllowOriginList"
	fOriginRegex = "accessControlAllowOriginListRegex"
	fMethods     = "accessControlAllowMethods"
	fHeaders     = "accessControlAllowHeaders"
	fCredentials = "accessControlAllowCredentials"
	fExpose      = "accessControlExposeHeaders"
	fMaxAge      = "accessControlMaxAge"
	fVary        = "addVaryHeader"
	fCustomResp  = "customResponseHeaders"
	fCustomReq   = "customRequestHeaders"
)

var listFields = []string{fOriginList, fOriginRegex, fMethods, fHeaders, fExpose}

// otherFields are the security fields of the same middleware, with their
// kind: 'b' bool, 'l' list, 'm' map, 's' string, 'i' integer.
var otherFields = map[string]byte{
	"allowedHosts": 'l', "hostsProxyHeaders": 'l', "sslProxyHeaders": 'm', "stsSeconds": 'i',
	"stsIncludeSubdomains": 'b', "stsPreload": 'b', "forceSTSHeader": 'b', "frameDeny": 'b',
	"customFrameOptionsValue": 's', "contentTypeNosniff": 'b', "browserXssFilter": 'b',
	"customBrowserXSSValue": 's', "contentSecurityPolicy": 's', "contentSecurityPolicyReportOnly": 's',
	"publicKey": 's', "referrerPolicy": 's', "permissionsPolicy": 's', "isDevelopment": 'b',
	"featurePolicy": 's', "sslRedirect": 'b', "sslTemporaryRedirect": 'b', "sslHost": 's', "sslForceHost": 'b',
}

// statusFields change the reply's status for some requests (a host not
// allowed, a redirect to HTTPS), which this model does not follow.
var statusFields = []string{"allowedHosts", "sslRedirect", "sslTemporaryRedirect", "sslForceHost"}

// Header is one customResponseHeaders entry: a name and its value ("" deletes it).
type Header struct {
	Name, Value string
	Line, Col   int
}

// Middleware is one headers middleware as Traefik reads it.
type Middleware struct {
	Name string
	// Kubernetes is set for a Middleware resource (spec.headers), unset
	// for the file provider's http.middlewares.NAME.headers.
	Kubernetes bool
	Line, Col  int // where its headers block is

	OriginList    []string
	OriginRegex   []string
	Methods       []string
	AllowHeaders  []string
	Credentials   bool
	ExposeHeaders []string
	MaxAge        int64
	AddVary       bool
	// CustomResponse are customResponseHeaders, in Traefik's order of
	// application: a Go map's, which is random, so names that are one
	// header in different case are a finding (CheckText).
	CustomResponse []Header
	customRequest  bool
	// Untracked names the fields that change the status (allowedHosts,
	// sslRedirect...), which the model does not follow.
	Untracked []string

	headers *node
	fields  map[string]*node // the CORS fields as written, by name
	regexes []*regexp.Regexp
}

func (m *Middleware) hasCors() bool {
	return m.Credentials || len(m.AllowHeaders) > 0 || len(m.Methods) > 0 || len(m.OriginList) > 0 ||
		len(m.OriginRegex) > 0 || len(m.ExposeHeaders) > 0 || m.MaxAge != 0 || m.AddVary
}

// corsy reports whether the middleware takes part in CORS: CORS fields,
// or an Access-Control- header set by hand.
func (m *Middleware) corsy() bool {
	if m.hasCors() {
		return true
	}
	for _, h := range m.CustomResponse {
		if strings.HasPrefix(gohdr.Canonical(h.Name), "Access-Control-") {
			return true
		}
	}
	return false
}

// Config is a parsed dynamic configuration: its headers middlewares and
// the one that answers.
type Config struct {
	Middlewares []*Middleware
	// Notes are what the model leaves out (fields that change the status).
	Notes  []string
	chosen *Middleware
	toml   bool
	labels bool // Docker labels (labels.go)
}

// Chosen is the middleware that answers.
func (c *Config) Chosen() *Middleware { return c.chosen }

// isTOML tells TOML from YAML: a [table] header or a key = value line
// before any "key:" line.
func isTOML(text string) bool {
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' {
			continue
		}
		if t[0] == '[' && strings.HasSuffix(t, "]") && !strings.Contains(t, ",") && !strings.Contains(t, ": ") {
			return true
		}
		eq, colon := strings.IndexByte(t, '='), strings.IndexByte(t, ':')
		if eq > 0 && (colon < 0 || eq < colon) {
			return true
		}
		return false
	}
	return false
}

// Read reads src's text and chooses the middleware src.Resource names;
// "" chooses the one that takes part in CORS when there is one.
func Read(src policy.Source) (*Config, error) {
	c, err := readAll(src)
	if err != nil {
		return nil, err
	}
	if err := c.choose(src.Resource); err != nil {
		return nil, err
	}
	return c, nil
}

// readAll reads every headers middleware of src's text.
func readAll(src policy.Source) (*Config, error) {
	text := src.Main()
	c := &Config{toml: isTOML(text), labels: isLabels(text)}
	var errs policy.Errors
	var root0 *node // the first document, for a bare headers block
	if c.labels {
		c.toml = false
		errs = c.readLabels(text)
	} else if c.toml {
		root, es := readTOML(text)
		if root == nil {
			clamp(text, es)
			return nil, es
		}
		root0 = root
		errs = append(errs, es...)
		errs = append(errs, c.fileProvider(root)...)
	} else {
		docs, es := readYAML(text)
		if es != nil {
			clamp(text, es)
			return nil, es
		}
		if len(docs) > 0 {
			root0 = docs[0]
		}
		for _, d := range docs {
			if d.kind == 'm' && d.get("kind") != nil {
				errs = append(errs, c.kubernetes(d)...)
				continue
			}
			errs = append(errs, c.fileProvider(d)...)
		}
	}
	if len(errs) == 0 && len(c.Middlewares) == 0 {
		errs = c.bare(root0)
	}
	if len(errs) > 0 {
		clamp(text, errs)
		return nil, errs
	}
	if len(c.Middlewares) == 0 {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "no headers middleware: Traefik's CORS settings live under http.middlewares.NAME.headers (file provider) or spec.headers of a kind: Middleware resource", Unreadable: true}}
	}
	for _, m := range c.Middlewares {
		for _, f := range m.Untracked {
			c.Notes = append(c.Notes, m.Name+": "+f+" can change the reply's status (a refused host, a redirect), which is not modelled")
		}
	}
	return c, nil
}

func (c *Config) choose(name string) error {
	if name != "" {
		for _, m := range c.Middlewares {
			if m.Name == name {
				c.chosen = m
				return nil
			}
		}
		return policy.Errors{{Line: 1, Column: 1, Msg: "no headers middleware named " + strconv.Quote(name) + "; " + candidates(c.Middlewares)}}
	}
	var cors []*Middleware
	for _, m := range c.Middlewares {
		if m.corsy() {
			cors = append(cors, m)
		}
	}
	switch {
	case len(c.Middlewares) == 1:
		c.chosen = c.Middlewares[0]
	case len(cors) == 1:
		c.chosen = cors[0]
	default:
		list := cors
		if len(list) == 0 {
			list = c.Middlewares
		}
		return policy.Errors{{Line: list[0].Line, Column: list[0].Col, Msg: "several headers middlewares; " + candidates(list)}}
	}
	return nil
}

// candidates lists the middlewares and how to choose one.
func candidates(ms []*Middleware) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name + " (line " + strconv.Itoa(m.Line) + ")"
	}
	return "choose one with --resource NAME (policy.resource): " + strings.Join(names, ", ")
}

// fileProvider reads http.middlewares of the file provider. Traefik's
// file provider (traefik/paerser) matches field names without regard to
// case and refuses unknown ones.
func (c *Config) fileProvider(root *node) policy.Errors {
	if root.kind != 'm' {
		return policy.Errors{errAt(root, "the dynamic configuration is not a map")}
	}
	var errs policy.Errors
	http := getFold(root, "http")
	if http == nil {
		return nil
	}
	mws := getFold(http, "middlewares")
	if mws == nil {
		return nil
	}
	if mws.kind != 'm' {
		return policy.Errors{errAt(mws, "http.middlewares is not a map of middlewares")}
	}
	for _, mw := range mws.kids {
		if mw.kind != 'm' {
			errs = append(errs, errAt(mw, "the middleware "+strconv.Quote(mw.key)+" is not a map"))
			continue
		}
		h := getFold(mw, "headers")
		if h == nil {
			continue
		}
		m, es := readHeaders(mw.key, h, true)
		errs = append(errs, es...)
		c.Middlewares = append(c.Middlewares, m)
	}
	return errs
}

// kubernetes reads a Middleware resource of Traefik's CRD.
func (c *Config) kubernetes(d *node) policy.Errors {
	kind := d.get("kind")
	if kind.kind != 's' || kind.str != "Middleware" {
		return nil
	}
	api := d.get("apiVersion")
	if api == nil || api.kind != 's' || api.str != "traefik.io/v1alpha1" && api.str != "traefik.containo.us/v1alpha1" {
		if api != nil && api.kind == 's' && strings.HasPrefix(api.str, "traefik.") {
			return policy.Errors{errAt(api, "apiVersion "+strconv.Quote(api.str)+" is not Traefik's: traefik.io/v1alpha1 (or the older traefik.containo.us/v1alpha1)")}
		}
		return nil
	}
	name := ""
	if md := d.get("metadata"); md != nil {
		if n := md.get("name"); n != nil && n.kind == 's' {
			name = n.str
		}
	}
	spec := d.get("spec")
	if spec == nil {
		return policy.Errors{errAt(d, "the Middleware "+strconv.Quote(name)+" has no spec")}
	}
	h := spec.get("headers")
	if h == nil {
		return nil
	}
	if name == "" {
		return policy.Errors{errAt(d, "the Middleware has no metadata.name")}
	}
	m, errs := readHeaders(name, h, false)
	m.Kubernetes = true
	c.Middlewares = append(c.Middlewares, m)
	return errs
}

// clamp keeps each fault's position in the text: YAML can place an
// empty last document after the text's last line.
func clamp(text string, errs policy.Errors) {
	last := strings.Count(text, "\n") + 1
	for _, e := range errs {
		if e.Line > last {
			e.Line, e.Column = last, 1
		}
		if e.Line < 1 {
			e.Line, e.Column = 1, 1
		}
		if e.Column < 1 {
			e.Column = 1
		}
	}
}

// bare reads a snippet: a headers block alone ("headers:" and its
// fields, or the fields themselves), as users paste them, read as the
// file provider reads its fields.
func (c *Config) bare(root *node) policy.Errors {
	if root == nil || root.kind != 'm' {
		return nil
	}
	if h := getFold(root, "headers"); h != nil && len(root.kids) == 1 {
		m, errs := readHeaders("headers", h, true)
		c.Middlewares = append(c.Middlewares, m)
		return errs
	}
	for _, k := range root.kids {
		if strings.HasPrefix(strings.ToLower(k.key), "accesscontrol") || strings.EqualFold(k.key, fVary) {
			m, errs := readHeaders("headers", root, true)
			c.Middlewares = append(c.Middlewares, m)
			return errs
		}
	}
	return nil
}

// getFold is a map's entry by a name compared without regard to case,
// as paerser matches field names.
func getFold(n *node, key string) *node {
	if n == nil || n.kind != 'm' {
		return nil
	}
	for _, k := range n.kids {
		if strings.EqualFold(k.key, key) {
			return k
		}
	}
	return nil
}

func errAt(n *node, msg string) *policy.Error {
	return &policy.Error{Line: n.line, Column: n.col, Path: n.path, Msg: msg}
}

// readHeaders reads the headers block h of the middleware name. fold
// matches field names without regard to case (the file provider); the
// Kubernetes CRD's are exact.
func readHeaders(name string, h *node, fold bool) (*Middleware, policy.Errors) {
	m := &Middleware{Name: name, Line: h.line, Col: h.col, headers: h, fields: map[string]*node{}}
	var errs policy.Errors
	if h.kind == 's' && h.tag == "null" {
		return m, nil
	}
	if h.kind != 'm' {
		return m, policy.Errors{errAt(h, "headers is not a map")}
	}
	secure := false
	known := append(append([]string{fCredentials, fMaxAge, fVary, fCustomResp, fCustomReq}, listFields...), sortedKeys(otherFields)...)
	for _, f := range h.kids {
		canon := ""
		for _, k := range known {
			if f.key == k || fold && strings.EqualFold(f.key, k) {
				canon = k
				break
			}
		}
		if canon == "" {
			msg := "unknown field " + strconv.Quote(f.key) + " of the headers middleware"
			if s := suggest(f.key, known); s != "" {
				msg += "; did you mean " + s + "?"
			}
			errs = append(errs, keyErr(f, msg))
			continue
		}
		if _, dup := m.fields[canon]; dup {
			errs = append(errs, keyErr(f, canon+" is given twice"))
			continue
		}
		m.fields[canon] = f
		switch canon {
		case fOriginList, fOriginRegex, fMethods, fHeaders, fExpose:
			vs, es := strList(f, fold)
			errs = append(errs, es...)
			switch canon {
			case fOriginList:
				m.OriginList = vs
			case fOriginRegex:
				m.OriginRegex = vs
				for i, v := range vs {
					re, err := regexp.Compile(v)
					if err != nil {
						at := f
						if f.kind == 'l' && i < len(f.kids) {
							at = f.kids[i]
						}
						errs = append(errs, errAt(at, "Traefik refuses the origin regex "+strconv.Quote(v)+": "+strings.TrimPrefix(err.Error(), "error parsing regexp: ")))
						continue
					}
					m.regexes = append(m.regexes, re)
				}
			case fMethods:
				m.Methods = vs
			case fHeaders:
				m.AllowHeaders = vs
			case fExpose:
				m.ExposeHeaders = vs
			}
		case fCredentials, fVary:
			b, ok := boolean(f, fold)
			if !ok {
				errs = append(errs, errAt(f, canon+" must be true or false, not "+describe(f)))
			}
			if canon == fCredentials {
				m.Credentials = b
			} else {
				m.AddVary = b
			}
		case fMaxAge:
			n, ok := integer(f, fold)
			if !ok {
				errs = append(errs, errAt(f, canon+" must be a whole number of seconds, not "+describe(f)))
			}
			m.MaxAge = n
		case fCustomResp, fCustomReq:
			if f.kind == 's' && f.tag == "null" {
				continue
			}
			if f.kind != 'm' {
				errs = append(errs, errAt(f, canon+" must be a map of header names to values"))
				continue
			}
			for _, kv := range f.kids {
				if kv.kind != 's' {
					errs = append(errs, errAt(kv, canon+"."+kv.key+" must be a string"))
					continue
				}
				v := kv.str
				if kv.tag == "null" {
					v = ""
				}
				if canon == fCustomReq {
					m.customRequest = true
					continue
				}
				m.CustomResponse = append(m.CustomResponse, Header{Name: kv.key, Value: v, Line: kv.line, Col: kv.col})
			}
		default:
			secure = true
			for _, s := range statusFields {
				if s == canon && !(f.kind == 's' && (f.tag == "null" || f.tag == "bool" && f.str == "false")) {
					m.Untracked = append(m.Untracked, canon)
				}
			}
		}
	}
	if len(errs) == 0 && !m.hasCors() && len(m.CustomResponse) == 0 && !m.customRequest && !secure {
		errs = append(errs, errAt(h, "Traefik refuses a headers middleware with nothing set (\"headers configuration not valid\")"))
	}
	return m, errs
}

func keyErr(f *node, msg string) *policy.Error {
	e := errAt(f, msg)
	if f.keyLine > 0 {
		e.Line, e.Column = f.keyLine, f.keyCol
	}
	return e
}

func sortedKeys(m map[string]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// suggest names the known field closest to key: the same letters in
// another case, or one of the CORS fields that key starts like.
func suggest(key string, known []string) string {
	lk := strings.ToLower(key)
	best, score := "", 0
	for _, k := range known {
		lc := strings.ToLower(k)
		n := 0
		for n < len(lk) && n < len(lc) && lk[n] == lc[n] {
			n++
		}
		if n > score && n >= 8 {
			best, score = k, n
		}
	}
	return best
}

// strList reads a list of strings. The file provider (paerser) also
// takes one string of comma-separated values, and trims each value.
func strList(f *node, fold bool) ([]string, policy.Errors) {
	switch {
	case f.kind == 's' && f.tag == "null":
		return nil, nil
	case f.kind == 's' && fold:
		if f.str == "" {
			return nil, nil
		}
		parts := strings.Split(f.str, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return parts, nil
	case f.kind != 'l':
		return nil, policy.Errors{errAt(f, f.key+" must be a list of strings")}
	}
	var out []string
	var errs policy.Errors
	for _, k := range f.kids {
		if k.kind != 's' || k.tag == "null" && !fold {
			errs = append(errs, errAt(k, f.key+" must be a list of strings"))
			continue
		}
		v := k.str
		if k.tag == "null" {
			v = ""
		}
		if fold {
			v = strings.TrimSpace(v)
		} else if k.tag != "str" {
			errs = append(errs, errAt(k, f.key+" must be a list of strings, not "+describe(k)))
		}
		out = append(out, v)
	}
	return out, errs
}

// boolean reads a bool; the file provider also takes the strings
// strconv.ParseBool takes.
func boolean(f *node, fold bool) (bool, bool) {
	if f.kind != 's' {
		return false, false
	}
	if f.tag == "null" {
		return false, true
	}
	if f.tag != "bool" && !(fold && (f.tag == "str" || f.tag == "int")) {
		return false, false
	}
	b, err := strconv.ParseBool(f.str)
	if err != nil && f.tag == "bool" {
		b, err = strconv.ParseBool(strings.ToLower(f.str))
	}
	return b, err == nil
}

// integer reads an int64; the file provider also takes a string of digits.
func integer(f *node, fold bool) (int64, bool) {
	if f.kind != 's' {
		return 0, false
	}
	if f.tag == "null" {
		return 0, true
	}
	if f.tag != "int" && !(fold && f.tag == "str") {
		return 0, false
	}
	n, err := strconv.ParseInt(f.str, 0, 64)
	return n, err == nil
}

func describe(f *node) string {
	switch f.kind {
	case 'm':
		return "a map"
	case 'l':
		return "a list"
	}
	return strconv.Quote(f.str)
}
