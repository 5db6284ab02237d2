// Package s3 reads Amazon S3 bucket CORS configurations and answers
// requests exactly as S3 does (shared/reference/cloud-policies.md §1).
//
// Four forms of the same configuration are read into one model,
// Configuration, and registered with engine/policy:
//
//	s3-xml             the REST API document, <CORSConfiguration><CORSRule>...
//	                   (PutBucketCors body, GetBucketCors output)
//	s3-json            the S3 console's JSON: a bare array of rules
//	s3-cli             the AWS CLI / SDK JSON: {"CORSRules": [...]}
//	                   (put-bucket-cors --cors-configuration, get-bucket-cors)
//	s3-cloudformation  AWS::S3::Bucket's CorsConfiguration as JSON:
//	                   {"CorsRules": [...]} with ExposedHeaders, Id, MaxAge,
//	                   alone, under "CorsConfiguration", or inside a bucket
//	                   resource's "Properties"
//
// A Bucket evaluates requests: the first rule whose origin, method and
// every requested header match decides (§1.3), with S3's headers, its 403
// AccessForbidden body for a refused preflight and its pass-through of
// unmatched actual requests.
//
// Each form is a policy.Format (Formats, format.go) with what the rest of
// the engine asks of it by type assertion: its rules in the neutral model
// with S3's semantics and PutBucketCors's refusals (rules.go); S3's model
// from the neutral one, with every difference noted, and the same model
// between forms (write.go; CloudFormation is read only); an edit of the
// user's own text for a fix (edit.go); the platform's name and reference.
// R2, which stores this model, builds its formats on these functions.
package s3

import (
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/policy"
)

// Methods are the only AllowedMethod values S3 accepts, case-sensitive
// (cloud-policies.md §1.2, [AWS-REC]).
var methods = [...]string{"GET", "PUT", "HEAD", "POST", "DELETE"}

// Limits of PutBucketCors (cloud-policies.md §1.2).
const (
	MaxRules    = 100       // "up to 100 rules" [DOC]
	MaxDocBytes = 64 * 1024 // "The document is limited to 64 KB in size" [DOC]
	MaxIDLen    = 255       // CORSRule.ID "cannot be longer than 255 characters" [DOC]
)

// Error messages S3 returns, verbatim (cloud-policies.md §0 item 9, §1.2).
const (
	MsgMalformedXML = "The XML you provided was not well-formed or did not validate against our published schema"
	msgBadMethod    = "Found unsupported HTTP method in CORS config. Unsupported method is "
	// The codes and messages of the three limits are [UNVERIFIED] against
	// AWS: the rule count follows Scality's AWS-runnable suite, the size
	// AWS's generic MaxMessageLengthExceeded, the ID length a message of ours.
	msgTooManyRules = "The number of CORS rules should not exceed allowed limit of 100 rules."
	msgTooLarge     = "Your request was too big."
	msgLongID       = "The ID of a CORS rule cannot be longer than 255 characters."
)

// Configuration is a bucket's CORS configuration: its rules in order.
type Configuration struct {
	Rules []Rule
}

// Rule is one CORSRule, with the REST API's element names in plural.
// MaxAgeSeconds is nil when unset.
type Rule struct {
	ID             string
	AllowedOrigins []string
	AllowedMethods []string
	AllowedHeaders []string
	ExposeHeaders  []string
	MaxAgeSeconds  *int

	// At is where the rule is in the text it was read from, and Values
	// where each list item is, by list (OriginsList, ...) and index.
	// Readers fill them; both are zero for a rule built by hand. (An
	// array, not a map by list name: the map and its group were two of
	// a rule's allocations, a fifth of reading one.)
	At     Position
	Values [NumLists][]Position

	// The header values the rule's lists make, joined once by Read
	// (Configuration.Prepare), so that a reply costs no join;
	// wire.Joined checks them against the lists, so a rule changed
	// afterwards is joined anew.
	acam, aceh string
	maxAge     wire.Decimal
	// The rule's AllowedOrigins, each with the place of its '*', and its
	// AllowedHeaders lowercased, with that list joined, kept by Prepare
	// for the scan of a request without a trace (firstMatch), each item
	// beside the string it was made from (wire.Same), so that an item
	// replaced afterwards is matched as it is now.
	origins, allowHeaders []pattern
	acah                  string
}

// pattern is one item of a rule's list as Prepare read it: src, the
// item; text, what is compared (src, or src lowercased); star, the
// index of text's first '*', -1 when it has none; key, text's key
// (wire.Key), which an equal text has too.
type pattern struct {
	src, text string
	star      int
	key       uint64
}

// patterns are list's items as Prepare keeps them, lowercased when
// lower is set and lowered is strings.ToLower(strings.Join(list, ", ")):
// each item is cut from lowered while the items are ASCII (each then
// keeps its length there), where lowering each cost an allocation.
func patterns(list []string, lower bool, lowered string) []pattern {
	ps := make([]pattern, len(list))
	off := 0
	for i, s := range list {
		ps[i] = pattern{src: s, text: s}
		switch {
		case !lower:
		case off >= 0 && headers.IsASCII(s):
			ps[i].text = lowered[off : off+len(s)]
			off += len(s) + len(", ")
		default:
			off = -1
			ps[i].text = strings.ToLower(s)
		}
		ps[i].star, ps[i].key = strings.IndexByte(ps[i].text, '*'), wire.Key(ps[i].text)
	}
	return ps
}

// Prepare joins, once, the header values each rule's lists make
// (Access-Control-Allow-Methods, -Expose-Headers, -Max-Age), so that
// Bucket.Respond builds a reply without joining them. Read calls it; a
// reader of its own (R2's) calls it on what it built. It changes no
// answer: a rule built or changed without it is joined per reply.
func (c *Configuration) Prepare() {
	for i := range c.Rules {
		r := &c.Rules[i]
		r.acam = strings.Join(r.AllowedMethods, ", ")
		r.aceh = strings.Join(r.ExposeHeaders, ", ")
		if r.MaxAgeSeconds != nil {
			r.maxAge = wire.NewDecimal(*r.MaxAgeSeconds)
		}
		r.acah = strings.ToLower(strings.Join(r.AllowedHeaders, ", "))
		r.origins, r.allowHeaders = patterns(r.AllowedOrigins, false, ""), patterns(r.AllowedHeaders, true, r.acah)
	}
}

// Position is a place in the user's text: a JSON path or XML element
// path, and a 1-based line and column.
type Position struct {
	Path   string
	Line   int
	Column int
}

func (p Position) err(code, msg string) *policy.Error {
	return &policy.Error{Path: p.Path, Line: p.Line, Column: p.Column, Code: code, Msg: msg}
}

// List names one of a rule's four lists, as Rule.Values indexes them.
type List int

const (
	OriginsList List = iota // AllowedOrigins
	MethodsList             // AllowedMethods
	HeadersList             // AllowedHeaders
	ExposeList              // ExposeHeaders
	NumLists                // how many lists a rule has
)

// list is the rule's list l.
func (r *Rule) list(l List) *[]string {
	switch l {
	case OriginsList:
		return &r.AllowedOrigins
	case MethodsList:
		return &r.AllowedMethods
	case HeadersList:
		return &r.AllowedHeaders
	}
	return &r.ExposeHeaders
}

// ValueAt is where item i of list l is, or the rule's place when the
// reader did not say.
func (r *Rule) ValueAt(l List, i int) Position {
	if ps := r.Values[l]; i < len(ps) {
		return ps[i]
	}
	return r.At
}

// Validate checks c as PutBucketCors does and returns every fault, each at
// its position, with S3's code and message (cloud-policies.md §1.2). S3
// itself stops at the first; we list them all so the user fixes them at
// once.
func Validate(c *Configuration) policy.Errors {
	var errs policy.Errors
	if len(c.Rules) == 0 {
		// [AWS-REC] test_put_cors_invalid_rules: {"CORSRules": []}.
		errs = append(errs, &policy.Error{Path: "", Line: 1, Column: 1, Code: "MalformedXML", Msg: MsgMalformedXML + " (no CORSRule)"})
	}
	if len(c.Rules) > MaxRules {
		errs = append(errs, c.Rules[MaxRules].At.err("InvalidRequest", msgTooManyRules))
	}
	for i := range c.Rules {
		errs = append(errs, ValidateRule(&c.Rules[i], true)...)
	}
	if len(errs) == 0 && docBound(c) > MaxDocBytes {
		if doc, err := WriteXML(c); err == nil && len(doc) > MaxDocBytes {
			errs = append(errs, &policy.Error{Line: 1, Column: 1, Code: "MaxMessageLengthExceeded", Msg: msgTooLarge + " (the CORSConfiguration document is " + itoa(len(doc)) + " bytes; the limit is 65536)"})
		}
	}
	return errs
}

// docBound is an upper bound of len(WriteXML(c)), so that Validate
// writes the document to measure it only when it may be over the limit
// (the explainer parses a configuration many times while it searches for
// a fix). Each element costs at most 40 bytes of tags and indentation,
// and xmlEscape at most 6 bytes per input byte ("&quot;").
func docBound(c *Configuration) int {
	n := 200 // the XML declaration and the CORSConfiguration element
	for _, r := range c.Rules {
		n += 40 + 40 + 6*len(r.ID) + 40 // CORSRule tags, ID, MaxAgeSeconds
		for _, l := range [][]string{r.AllowedOrigins, r.AllowedMethods, r.AllowedHeaders, r.ExposeHeaders} {
			for _, v := range l {
				n += 40 + 6*len(v)
			}
		}
	}
	return n
}

// ValidateRule checks one rule. S3 refuses more than one '*' in an
// AllowedOrigin; oneStar=false skips that check for platforms with their
// own wildcard rules (R2).
func ValidateRule(r *Rule, oneStar bool) policy.Errors {
	var errs policy.Errors
	if len(r.AllowedOrigins) == 0 || len(r.AllowedMethods) == 0 {
		// versitygw#1863, Scality putCors.js: MalformedXML.
		what := "AllowedOrigin"
		if len(r.AllowedOrigins) > 0 {
			what = "AllowedMethod"
		} else if len(r.AllowedMethods) == 0 {
			what = "AllowedOrigin and AllowedMethod"
		}
		errs = append(errs, r.At.err("MalformedXML", MsgMalformedXML+" (the rule has no "+what+")"))
	}
	for i, m := range r.AllowedMethods {
		if !isMethod(m) {
			// [AWS-REC] snapshot L641; OPTIONS and lowercase are refused too.
			errs = append(errs, r.ValueAt(MethodsList, i).err("InvalidRequest", msgBadMethod+m))
		}
	}
	if oneStar {
		for i, o := range r.AllowedOrigins {
			if countStar(o) > 1 {
				// [AWS-REC] versitygw#1870.
				errs = append(errs, r.ValueAt(OriginsList, i).err("InvalidRequest", `AllowedOrigin "`+o+`" can not have more than one wildcard.`))
			}
		}
	}
	for i, h := range r.AllowedHeaders {
		if countStar(h) > 1 {
			// [DOC] "at most one * wildcard"; message [UNVERIFIED], shaped
			// as the AllowedOrigin one.
			errs = append(errs, r.ValueAt(HeadersList, i).err("InvalidRequest", `AllowedHeader "`+h+`" can not have more than one wildcard.`))
		}
	}
	for i, h := range r.ExposeHeaders {
		if countStar(h) > 0 {
			// libreliodev/javascript#53 (2014); code [UNVERIFIED].
			errs = append(errs, r.ValueAt(ExposeList, i).err("InvalidRequest", "ExposeHeader "+h+" contains a wildcard. Wildcards are currently not supported for ExposeHeader."))
		}
	}
	if len(r.ID) > MaxIDLen {
		errs = append(errs, r.At.err("InvalidArgument", msgLongID))
	}
	if r.MaxAgeSeconds != nil && *r.MaxAgeSeconds < 0 {
		// MaxAgeSeconds is an xsd:int; a negative age is [UNVERIFIED] and
		// we refuse it rather than guess how S3 would send it.
		errs = append(errs, r.At.err("MalformedXML", MsgMalformedXML+" (MaxAgeSeconds is negative)"))
	}
	return errs
}

func isMethod(m string) bool {
	for _, x := range methods {
		if m == x {
			return true
		}
	}
	return false
}

func countStar(s string) int { return strings.Count(s, "*") }
