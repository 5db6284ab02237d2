// Package r2 reads Cloudflare R2 bucket CORS policies and answers requests
// as R2 does (shared/reference/cloud-policies.md §2).
//
// R2 takes the S3 shapes and one of its own, registered as:
//
//	r2-api   the Cloudflare API / wrangler shape
//	         {"rules": [{"allowed": {"origins", "methods", "headers"},
//	         "id", "exposeHeaders", "maxAgeSeconds"}]}, alone or inside an
//	         API reply's "result"
//	r2-json  the dashboard's JSON: the S3 console's bare array
//	r2-cli   the S3-compatible SDK/CLI JSON {"CORSRules": [...]}
//	r2-xml   the S3-compatible PutBucketCors XML document
//
// The last three have the same text as s3-json, s3-cli and s3-xml, so only
// r2-api claims a text in policy.Detect; choose the others by name.
//
// Validation is R2's: methods GET, PUT, POST, DELETE, HEAD; MaxAgeSeconds
// at most 86400; one wildcard in an origin, anywhere but the port
// (cloudflare/cloudflare-docs#32888, PR #33226).
//
// Evaluation: R2's rule selection, response headers, Vary and 403 body are
// [UNVERIFIED] (§2); they are taken to be S3's until a capture says
// otherwise, and every trace entry says so.
package r2

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
)

// Form names one way of writing an R2 policy; each is a policy format name.
type Form string

// The forms this package reads.
const (
	FormAPI  Form = "r2-api"
	FormJSON Form = "r2-json"
	FormCLI  Form = "r2-cli"
	FormXML  Form = "r2-xml"
)

// MaxAgeLimit is the largest MaxAgeSeconds R2 accepts (API and Terraform
// docs, cloud-policies.md §2).
const MaxAgeLimit = 86400

// Source is cited on every trace entry.
const Source = "shared/reference/cloud-policies.md §2 (R2; rule selection and headers [UNVERIFIED], taken as S3's §1.3)"

// Configuration is an R2 bucket's CORS policy: S3's model, as R2 stores
// the same fields.
type Configuration = s3.Configuration

// Bucket answers requests as an R2 bucket with policy CORS (nil: none).
type Bucket struct {
	CORS *Configuration
}

// Respond implements policy.Evaluator. R2 sends CORS headers only when
// the request has an Origin (cors.mdx); the rest follows S3.
func (b Bucket) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	out := s3.Bucket{CORS: b.CORS}.Respond(req, app)
	for i := range out.Rules {
		if out.Rules[i].Source != "" {
			out.Rules[i].Source = Source
		}
	}
	out.Decision = "R2 (as S3, [UNVERIFIED]): " + out.Decision
	return out
}

// Parse reads text written in form and validates it as R2 does.
func Parse(form Form, text string) (*Configuration, error) {
	var c *Configuration
	var errs policy.Errors
	switch form {
	case FormAPI:
		c, errs = readAPI(text)
	case FormJSON:
		c, errs = s3.Read(s3.FormJSON, text)
	case FormCLI:
		c, errs = s3.Read(s3.FormCLI, text)
	case FormXML:
		c, errs = s3.Read(s3.FormXML, text)
	default:
		return nil, policy.Errors{{Msg: "r2: unknown form " + strconv.Quote(string(form))}}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if errs := Validate(c); len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// Validate checks c as R2 does, reporting every fault at its position.
func Validate(c *Configuration) policy.Errors {
	var errs policy.Errors
	if len(c.Rules) == 0 {
		// An empty list is how the API removes a policy; as a policy to
		// evaluate it allows nothing. We refuse it as S3 does ([UNVERIFIED] for R2).
		errs = append(errs, &policy.Error{Line: 1, Column: 1, Code: "MalformedXML", Msg: s3.MsgMalformedXML + " (no rule)"})
	}
	for i := range c.Rules {
		r := &c.Rules[i]
		// R2's method enum is S3's (API schema, §2); the messages are S3's
		// ([UNVERIFIED] for R2).
		errs = append(errs, s3.ValidateRule(r, false)...)
		for j, o := range r.AllowedOrigins {
			at := valueAt(r, "AllowedOrigins", j)
			switch n := strings.Count(o, "*"); {
			case n > 1:
				errs = append(errs, errAt(at, "InvalidRequest", `AllowedOrigin "`+o+`" can not have more than one wildcard.`))
			case n == 1 && o != "*" && portWildcard(o):
				// cloudflare-docs#32888: "http://localhost:*" -> 400 MalformedXML.
				errs = append(errs, errAt(at, "MalformedXML", s3.MsgMalformedXML+" (R2 does not accept a wildcard in the port of "+strconv.Quote(o)+"; list each port)"))
			}
		}
		if r.MaxAgeSeconds != nil && *r.MaxAgeSeconds > MaxAgeLimit {
			// The limit is [DOC]; the error code is [UNVERIFIED].
			errs = append(errs, errAt(r.At, "InvalidArgument", "MaxAgeSeconds "+strconv.Itoa(*r.MaxAgeSeconds)+" is more than R2's limit of 86400"))
		}
	}
	return errs
}

// portWildcard reports whether the '*' of origin is in its port:
// after "scheme://host:".
func portWildcard(o string) bool {
	rest := o
	if i := strings.Index(o, "://"); i >= 0 {
		rest = o[i+3:]
	}
	colon := strings.LastIndexByte(rest, ':')
	return colon >= 0 && strings.Contains(rest[colon:], "*")
}

func valueAt(r *s3.Rule, list string, i int) s3.Position {
	if ps := r.Values[list]; i < len(ps) {
		return ps[i]
	}
	return r.At
}

func errAt(p s3.Position, code, msg string) *policy.Error {
	return &policy.Error{Path: p.Path, Line: p.Line, Column: p.Column, Code: code, Msg: msg}
}

// readAPI reads the Cloudflare API shape.
func readAPI(text string) (*Configuration, policy.Errors) {
	if len(text) > wire.MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: wire.TooLarge}}
	}
	doc, perr := jsonpos.Parse(text)
	if perr != nil {
		return nil, policy.Errors{perr}
	}
	root, path := doc.Root, "$"
	if res, ok := root.Get("result"); ok {
		root, path = res, "$.result"
	}
	rules, ok := root.Get("rules")
	if !ok || rules.Kind != jsonpos.Array {
		return nil, policy.Errors{doc.Err(root, path, "", `want an object with a "rules" array`)}
	}
	path += ".rules"
	var errs policy.Errors
	c := &Configuration{}
	for i, item := range rules.Items {
		p := jsonpos.Index(path, i)
		r := s3.Rule{At: position(doc, item, p), Values: map[string][]s3.Position{}}
		if item.Kind != jsonpos.Object {
			errs = append(errs, doc.Err(item, p, "", "want a rule object, got "+item.Kind.String()))
			c.Rules = append(c.Rules, r)
			continue
		}
		errs = append(errs, unknown(doc, item, p, "allowed", "id", "exposeHeaders", "maxAgeSeconds")...)
		list := func(obj *jsonpos.Value, op, key, model string) []string {
			f, ok := obj.Get(key)
			if !ok {
				return nil
			}
			fp := jsonpos.Key(op, key)
			out := doc.Strings(f, fp, &errs)
			for j, it := range f.Items {
				r.Values[model] = append(r.Values[model], position(doc, it, jsonpos.Index(fp, j)))
			}
			return out
		}
		if al, ok := item.Get("allowed"); ok {
			ap := p + ".allowed"
			if al.Kind != jsonpos.Object {
				errs = append(errs, doc.Err(al, ap, "", "want an object with origins, methods, headers"))
			} else {
				errs = append(errs, unknown(doc, al, ap, "origins", "methods", "headers")...)
				r.AllowedOrigins = list(al, ap, "origins", "AllowedOrigins")
				r.AllowedMethods = list(al, ap, "methods", "AllowedMethods")
				r.AllowedHeaders = list(al, ap, "headers", "AllowedHeaders")
			}
		}
		r.ExposeHeaders = list(item, p, "exposeHeaders", "ExposeHeaders")
		if f, ok := item.Get("id"); ok {
			if f.Kind != jsonpos.String {
				errs = append(errs, doc.Err(f, p+".id", "", "want a string, got "+f.Kind.String()))
			}
			r.ID = f.Str
		}
		if f, ok := item.Get("maxAgeSeconds"); ok {
			if n, ok := f.Int(); ok {
				r.MaxAgeSeconds = &n
			} else {
				errs = append(errs, doc.Err(f, p+".maxAgeSeconds", "", "want a whole number of seconds, got "+f.Kind.String()))
			}
		}
		c.Rules = append(c.Rules, r)
	}
	return c, errs
}

func unknown(doc *jsonpos.Doc, obj *jsonpos.Value, path string, known ...string) policy.Errors {
	var errs policy.Errors
	for i, k := range obj.Keys {
		ok := false
		for _, n := range known {
			ok = ok || k == n
		}
		if !ok {
			errs = append(errs, doc.Err(obj.Fields[i], jsonpos.Key(path, k), "", "unknown field "+strconv.Quote(k)+"; must be one of: "+strings.Join(known, ", ")))
		}
	}
	return errs
}

func position(doc *jsonpos.Doc, v *jsonpos.Value, path string) s3.Position {
	l, c := policy.LineCol(doc.Text, v.Off)
	return s3.Position{Path: path, Line: l, Column: c}
}

type apiRule struct {
	Allowed struct {
		Origins []string `json:"origins"`
		Methods []string `json:"methods"`
		Headers []string `json:"headers,omitempty"`
	} `json:"allowed"`
	ID            string   `json:"id,omitempty"`
	ExposeHeaders []string `json:"exposeHeaders,omitempty"`
	MaxAgeSeconds *int     `json:"maxAgeSeconds,omitempty"`
}

// Write writes c in the Cloudflare API shape. It refuses what R2 would
// refuse (Validate) instead of writing a policy R2 rejects.
func Write(c *Configuration) (string, error) {
	if errs := Validate(c); len(errs) > 0 {
		return "", errs
	}
	out := struct {
		Rules []apiRule `json:"rules"`
	}{make([]apiRule, len(c.Rules))}
	for i, r := range c.Rules {
		a := &out.Rules[i]
		a.Allowed.Origins, a.Allowed.Methods, a.Allowed.Headers = r.AllowedOrigins, r.AllowedMethods, r.AllowedHeaders
		a.ID, a.ExposeHeaders, a.MaxAgeSeconds = r.ID, r.ExposeHeaders, r.MaxAgeSeconds
	}
	b, err := json.MarshalIndent(out, "", "  ")
	return string(b), err
}

type format Form

func (f format) Name() string { return string(f) }
func (f format) Detect(text string) (bool, string) {
	if Form(f) != FormAPI {
		return false, ""
	}
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "{") && strings.Contains(t, `"rules"`) && strings.Contains(t, `"allowed"`) {
		return true, `a JSON object with "rules" whose items have "allowed" (the Cloudflare R2 API shape)`
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
func Formats() []policy.Format {
	return []policy.Format{format(FormAPI), format(FormJSON), format(FormCLI), format(FormXML)}
}
