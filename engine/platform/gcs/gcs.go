// Package gcs reads Google Cloud Storage bucket CORS configurations and
// answers requests as GCS's XML API endpoints document it
// (shared/reference/cloud-policies.md §3). Registered formats:
//
//	gcs-json  the gcloud / gsutil --cors-file list
//	          [{"origin": [...], "method": [...], "responseHeader": [...],
//	          "maxAgeSeconds": 3600}], or a bucket resource {"cors": [...]}
//	gcs-xml   the XML API's <CorsConfig><Cors>...</Cors></CorsConfig>
//
// Evaluation (documented, [DOC]): entries are tried in order and the first
// whose origin and method match the request decides; requested headers are
// not part of the selection. "*" in origin or method matches anything.
// What GCS sends is only partly documented; each choice below that rests
// on no capture is marked [UNVERIFIED].
package gcs

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/platform/internal/xmlpos"
	"github.com/whycors/whycors/engine/policy"
)

// Configuration is a bucket's CORS configuration: its entries in order.
type Configuration struct {
	Entries []Entry
}

// Entry is one CORS entry, with the JSON API's field names.
type Entry struct {
	Origin         []string
	Method         []string
	ResponseHeader []string
	MaxAgeSeconds  *int
	// Path, Line and Column locate the entry in the text it was read from.
	Path         string
	Line, Column int
}

// Source is cited on every trace entry.
const Source = "shared/reference/cloud-policies.md §3 (GCS: first entry matching Origin and Method, XML API put-bucket-cors doc)"

// The endpoint that never serves CORS (gsutil cors doc, §3).
const authenticatedHost = "storage.cloud.google.com"

// Bucket answers requests as a GCS bucket with configuration CORS (nil:
// none). It implements policy.Evaluator.
type Bucket struct {
	CORS *Configuration
}

// Respond implements policy.Evaluator.
func (b Bucket) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	host, _, _ := wire.SplitURL(req.URL)
	app.Header = app.Header.Clone()
	origin, hasOrigin := req.Header.Get("Origin")
	isPreflight := req.Method == "OPTIONS"
	noCORS := func(why string) policy.Outcome {
		if isPreflight {
			// The status of a refused preflight is [UNVERIFIED] (§3 and §9
			// item 3); we answer 200 without CORS headers.
			return policy.Outcome{Reply: policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Length", Value: "0"}}}, Decision: why + ": preflight answered without CORS headers [UNVERIFIED status]"}
		}
		return policy.Outcome{Reply: app, Decision: why + ": served without CORS headers"}
	}
	if !hasOrigin {
		return noCORS("no Origin header")
	}
	if strings.EqualFold(host, authenticatedHost) {
		return noCORS(authenticatedHost + " never allows CORS (gsutil cors doc)")
	}
	if b.CORS == nil || len(b.CORS.Entries) == 0 {
		return noCORS("the bucket has no CORS configuration")
	}
	method := req.Method
	if acrm, ok := req.Header.Get("Access-Control-Request-Method"); ok && isPreflight {
		method = acrm
	}
	var trace []policy.Rule
	for i := range b.CORS.Entries {
		e := &b.CORS.Entries[i]
		t := policy.Rule{Index: i, Path: e.Path}
		switch {
		case !matchAny(e.Origin, origin):
			t.Failed, t.Detail = "origin", "Origin "+strconv.Quote(origin)+" is not in origin "+quote(e.Origin)
		case !matchAny(e.Method, method):
			t.Failed, t.Detail = "method", "method "+method+" is not in method "+quote(e.Method)
		default:
			t.Matched, t.Source = true, Source
			t.Detail = "origin and method match; requested headers are not part of GCS's selection"
		}
		trace = append(trace, t)
		if !t.Matched {
			continue
		}
		// "the response includes Access-Control-Allow-Origin = the
		// request's Origin value" (cross-origin doc), also for "*"
		// ([UNVERIFIED] for "*"); no Access-Control-Allow-Credentials and
		// no Vary ([UNVERIFIED]).
		if isPreflight {
			h := headers.List{{Name: "Access-Control-Allow-Origin", Value: origin}}
			// "responds with the values of the allowed HTTP methods and
			// headers" (cross-origin doc); the exact lists [UNVERIFIED].
			methods := strings.Join(e.Method, ", ")
			if contains(e.Method, "*") {
				methods = method
			}
			h.Add("Access-Control-Allow-Methods", methods)
			if len(e.ResponseHeader) > 0 {
				h.Add("Access-Control-Allow-Headers", strings.Join(e.ResponseHeader, ", "))
			}
			if e.MaxAgeSeconds != nil {
				h.Add("Access-Control-Max-Age", strconv.Itoa(*e.MaxAgeSeconds))
			}
			h.Add("Content-Length", "0")
			return policy.Outcome{Reply: policy.Reply{Status: 200, Header: h}, Rules: trace, Decision: "preflight answered by entry " + strconv.Itoa(i+1)}
		}
		app.Header.Set("Access-Control-Allow-Origin", origin)
		if len(e.ResponseHeader) > 0 {
			app.Header.Set("Access-Control-Expose-Headers", strings.Join(e.ResponseHeader, ", "))
		}
		return policy.Outcome{Reply: app, Rules: trace, Decision: "actual request matched entry " + strconv.Itoa(i+1) + ": CORS headers added"}
	}
	out := noCORS("no entry matches origin and method")
	out.Rules = trace
	return out
}

// matchAny: "*" matches anything; other values compare exactly. Partial
// wildcards are not documented and are taken literally ([UNVERIFIED]).
func matchAny(list []string, s string) bool {
	for _, x := range list {
		if x == "*" || x == s {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quote(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// Form names one way of writing the configuration.
type Form string

// The forms this package reads; each is a policy format name.
const (
	FormJSON Form = "gcs-json"
	FormXML  Form = "gcs-xml"
)

// Parse reads text written in form; every fault comes back, positioned,
// in a policy.Errors.
func Parse(form Form, text string) (*Configuration, error) {
	if len(text) > wire.MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: wire.TooLarge}}
	}
	var c *Configuration
	var errs policy.Errors
	switch form {
	case FormJSON:
		c, errs = readJSON(text)
	case FormXML:
		c, errs = readXML(text)
	default:
		return nil, policy.Errors{{Msg: "gcs: unknown form " + strconv.Quote(string(form))}}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

var jsonKeys = []string{"origin", "method", "responseHeader", "maxAgeSeconds"}

func readJSON(text string) (*Configuration, policy.Errors) {
	doc, perr := jsonpos.Parse(text)
	if perr != nil {
		return nil, policy.Errors{perr}
	}
	list, path := doc.Root, "$"
	if v, ok := list.Get("cors"); ok {
		list, path = v, "$.cors"
	}
	if list.Kind != jsonpos.Array {
		return nil, policy.Errors{doc.Err(list, path, "", "want a list of CORS entries, got "+list.Kind.String())}
	}
	var errs policy.Errors
	c := &Configuration{Entries: []Entry{}}
	for i, item := range list.Items {
		p := jsonpos.Index(path, i)
		l, col := policy.LineCol(text, item.Off)
		e := Entry{Path: p, Line: l, Column: col}
		if item.Kind != jsonpos.Object {
			errs = append(errs, doc.Err(item, p, "", "want a CORS entry object, got "+item.Kind.String()))
			continue
		}
		for j, k := range item.Keys {
			if !contains(jsonKeys, k) {
				errs = append(errs, doc.Err(item.Fields[j], jsonpos.Key(p, k), "", "unknown field "+strconv.Quote(k)+"; must be one of: "+strings.Join(jsonKeys, ", ")))
			}
		}
		get := func(k string) []string {
			if v, ok := item.Get(k); ok {
				return doc.Strings(v, jsonpos.Key(p, k), &errs)
			}
			return nil
		}
		e.Origin, e.Method, e.ResponseHeader = get("origin"), get("method"), get("responseHeader")
		if v, ok := item.Get("maxAgeSeconds"); ok {
			if n, ok := v.Int(); ok && n >= 0 {
				e.MaxAgeSeconds = &n
			} else {
				errs = append(errs, doc.Err(v, p+".maxAgeSeconds", "", "want a whole, non-negative number of seconds"))
			}
		}
		c.Entries = append(c.Entries, e)
	}
	return c, errs
}

func readXML(text string) (*Configuration, policy.Errors) {
	root, perr := xmlpos.Parse(text)
	if perr != nil {
		return nil, policy.Errors{perr}
	}
	if root.Name != "CorsConfig" {
		return nil, policy.Errors{xmlpos.Err(root, root.Name, "", "the root element must be CorsConfig")}
	}
	var errs policy.Errors
	c := &Configuration{Entries: []Entry{}}
	for i, el := range root.Children {
		p := xmlpos.Path("CorsConfig", el.Name, i)
		if el.Name != "Cors" {
			errs = append(errs, xmlpos.Err(el, p, "", "unexpected element "+el.Name+"; want Cors"))
			continue
		}
		e := Entry{Path: p, Line: el.Line, Column: el.Column}
		for _, ch := range el.Children {
			cp := p + "/" + ch.Name
			list := func(item string) []string {
				var out []string
				for _, it := range ch.Children {
					if it.Name != item {
						errs = append(errs, xmlpos.Err(it, cp+"/"+it.Name, "", "unexpected element "+it.Name+"; want "+item))
						continue
					}
					out = append(out, strings.TrimSpace(it.Text))
				}
				return out
			}
			switch ch.Name {
			case "Origins":
				e.Origin = append(e.Origin, list("Origin")...)
			case "Methods":
				e.Method = append(e.Method, list("Method")...)
			case "ResponseHeaders":
				e.ResponseHeader = append(e.ResponseHeader, list("ResponseHeader")...)
			case "MaxAgeSec":
				n, err := strconv.Atoi(strings.TrimSpace(ch.Text))
				if err != nil || n < 0 {
					errs = append(errs, xmlpos.Err(ch, cp, "", "MaxAgeSec must be a whole, non-negative number, got "+strconv.Quote(ch.Text)))
				} else {
					e.MaxAgeSeconds = &n
				}
			default:
				errs = append(errs, xmlpos.Err(ch, cp, "", "unexpected element "+ch.Name+" in Cors"))
			}
		}
		c.Entries = append(c.Entries, e)
	}
	return c, errs
}

type jsonEntry struct {
	Origin         []string `json:"origin,omitempty"`
	Method         []string `json:"method,omitempty"`
	ResponseHeader []string `json:"responseHeader,omitempty"`
	MaxAgeSeconds  *int     `json:"maxAgeSeconds,omitempty"`
}

// Write writes c as the gcloud/gsutil JSON list.
func Write(c *Configuration) (string, error) {
	out := make([]jsonEntry, len(c.Entries))
	for i, e := range c.Entries {
		out[i] = jsonEntry{e.Origin, e.Method, e.ResponseHeader, e.MaxAgeSeconds}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	return string(b), err
}

type format Form

func (f format) Name() string { return string(f) }
func (f format) Detect(text string) (bool, string) {
	t := strings.TrimSpace(text)
	switch Form(f) {
	case FormJSON:
		if (strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{")) && strings.Contains(t, `"origin"`) && strings.Contains(t, `"method"`) {
			return true, `JSON entries with "origin" and "method" (the gcloud --cors-file list)`
		}
	case FormXML:
		if strings.HasPrefix(t, "<") && strings.Contains(t, "<CorsConfig") {
			return true, "an XML document with a CorsConfig element (the GCS XML API)"
		}
	}
	return false, ""
}
func (f format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(Form(f), text)
	if err != nil {
		return nil, err
	}
	return Bucket{CORS: c}, nil
}

// Formats are this package's formats, for a policy.Registry (engine/all lists them).
func Formats() []policy.Format { return []policy.Format{format(FormJSON), format(FormXML)} }
