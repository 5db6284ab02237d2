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
//
// Each form is a policy.Format (Formats, format.go) with S3's
// capabilities in R2's name: its rules read with S3's semantics, written
// with S3's mapping and validated as R2 (write.go), the same model to and
// from every S3 and R2 form, and edits of the user's text (the API shape
// with its own key names, the other forms as S3's).
package r2

import (
	"strconv"
	"strings"

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
	out.Words = words{}
	return out
}

// words says S3's notes, and R2's decisions as S3's.
type words struct{ s3.Words }

// Decision implements policy.Words.
func (w words) Decision(n policy.Note) string {
	return "R2 (taken as S3, not yet checked against R2): " + policy.Outcome{Decision: n, Words: w.Words}.Text()
}

// Parse reads text written in form and validates it as R2 does.
func Parse(form Form, text string) (*Configuration, error) {
	var c *Configuration
	var errs policy.Errors
	switch sf := s3Form(form); {
	case form == FormAPI:
		c, errs = readAPI(text)
	case sf != "":
		c, errs = s3.Read(sf, text)
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
			at := r.ValueAt(s3.OriginsList, j)
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

func errAt(p s3.Position, code, msg string) *policy.Error {
	return &policy.Error{Path: p.Path, Line: p.Line, Column: p.Column, Code: code, Msg: msg}
}
