package cloudformation

import (
	"strings"

	"github.com/whycors/whycors/engine/platform/cloudfront"
	"github.com/whycors/whycors/engine/platform/lambdaurl"
)

// The resource types of the two platforms engine/platform/lambdaurl and
// engine/platform/cloudfront model.
const (
	TypeLambdaURL   = "AWS::Lambda::Url"
	TypeSAMFunction = "AWS::Serverless::Function"
	TypeCFPolicy    = "AWS::CloudFront::ResponseHeadersPolicy"
)

// lambdaKeys are AWS::Lambda::Url Cors's properties
// (aws-properties-lambda-url-cors.html); SAM's FunctionUrlConfig.Cors
// takes the same (sam-property-function-functionurlconfig.html).
var lambdaKeys = []string{lambdaurl.FieldAllowCredentials, lambdaurl.FieldAllowHeaders, lambdaurl.FieldAllowMethods,
	lambdaurl.FieldAllowOrigins, lambdaurl.FieldExposeHeaders, lambdaurl.FieldMaxAge}

// lambdaURL maps a function URL's Cors (parent's key "Cors") onto
// lambdaurl.Cors, validated as CreateFunctionUrlConfig would
// (lambdaurl.Validate).
func (rd *reader) lambdaURL(parent *node) *Resource {
	res, cc := rd.mapping(parent, "Cors", lambdaKeys)
	if res == nil {
		return nil
	}
	c := &lambdaurl.Cors{At: lambdaurl.Position{Path: cc.path, Line: cc.line, Column: cc.col}, Values: map[string][]lambdaurl.Position{}}
	list := func(key string) []string {
		out, at := rd.strings(cc, key)
		for _, n := range at {
			c.Values[key] = append(c.Values[key], lambdaurl.Position{Path: n.path, Line: n.line, Column: n.col})
		}
		return out
	}
	c.AllowOrigins, c.AllowMethods = list(lambdaurl.FieldAllowOrigins), list(lambdaurl.FieldAllowMethods)
	c.AllowHeaders, c.ExposeHeaders = list(lambdaurl.FieldAllowHeaders), list(lambdaurl.FieldExposeHeaders)
	if v := cc.get(lambdaurl.FieldMaxAge); v != nil && !noValue(v) {
		c.Values[lambdaurl.FieldMaxAge] = []lambdaurl.Position{{Path: v.path, Line: v.line, Column: v.col}}
		if n, ok := rd.r.integer(v); ok {
			c.MaxAge = &n
		} else {
			rd.fail(v, "MaxAge wants a whole number of seconds, got "+v.kindName())
		}
	}
	if v := cc.get(lambdaurl.FieldAllowCredentials); v != nil && !noValue(v) {
		c.Values[lambdaurl.FieldAllowCredentials] = []lambdaurl.Position{{Path: v.path, Line: v.line, Column: v.col}}
		b, ok := rd.r.boolean(v)
		if !ok {
			rd.fail(v, "AllowCredentials wants true or false, got "+v.kindName())
		}
		c.AllowCredentials = b
	}
	for _, e := range lambdaurl.Validate(c) {
		e.File = rd.d.file
		rd.errs = append(rd.errs, e)
	}
	res.Lambda = c
	return res
}

// cfKeys are ResponseHeadersPolicyConfig.CorsConfig's properties
// (aws-properties-cloudfront-responseheaderspolicy-corsconfig.html): the
// lists are wrapped in {Items: [...]}.
var cfKeys = []string{cloudfront.FieldAllowCredentials, cloudfront.FieldAllowHeaders, cloudfront.FieldAllowMethods,
	cloudfront.FieldAllowOrigins, cloudfront.FieldExposeHeaders, cloudfront.FieldMaxAgeSec, cloudfront.FieldOriginOverride}

// responseHeadersPolicy maps ResponseHeadersPolicyConfig.CorsConfig onto
// cloudfront.CorsConfig, validated as CreateResponseHeadersPolicy would
// (cloudfront.Validate).
func (rd *reader) responseHeadersPolicy(props *node) *Resource {
	parent := props.get("ResponseHeadersPolicyConfig")
	res, cc := rd.mapping(parent, "CorsConfig", cfKeys)
	if res == nil {
		return nil
	}
	c := &cloudfront.CorsConfig{At: cloudfront.Position{Path: cc.path, Line: cc.line, Column: cc.col}, Values: map[string][]cloudfront.Position{}}
	list := func(key string) []string {
		w := cc.get(key)
		if w == nil || noValue(w) {
			return nil
		}
		if w.kind != mapK || w.get("Items") == nil {
			rd.fail(w, key+" wants a mapping with Items, a list of strings")
			return nil
		}
		rd.unknownKeys(w, []string{"Items"})
		out, at := rd.stringsOf(w, "Items", key)
		for _, n := range at {
			c.Values[key] = append(c.Values[key], cloudfront.Position{Path: n.path, Line: n.line, Column: n.col})
		}
		return out
	}
	c.AccessControlAllowOrigins, c.AccessControlAllowMethods = list(cloudfront.FieldAllowOrigins), list(cloudfront.FieldAllowMethods)
	c.AccessControlAllowHeaders, c.AccessControlExposeHeaders = list(cloudfront.FieldAllowHeaders), list(cloudfront.FieldExposeHeaders)
	boolean := func(key string) bool {
		v := cc.get(key)
		if v == nil || noValue(v) {
			rd.fail(cc, "CorsConfig wants "+key+" (true or false)")
			return false
		}
		c.Values[key] = []cloudfront.Position{{Path: v.path, Line: v.line, Column: v.col}}
		b, ok := rd.r.boolean(v)
		if !ok {
			rd.fail(v, key+" wants true or false, got "+v.kindName())
		}
		return b
	}
	c.AccessControlAllowCredentials = boolean(cloudfront.FieldAllowCredentials)
	c.OriginOverride = boolean(cloudfront.FieldOriginOverride)
	if v := cc.get(cloudfront.FieldMaxAgeSec); v != nil && !noValue(v) {
		c.Values[cloudfront.FieldMaxAgeSec] = []cloudfront.Position{{Path: v.path, Line: v.line, Column: v.col}}
		if n, ok := rd.r.integer(v); ok {
			c.AccessControlMaxAgeSec = &n
		} else {
			rd.fail(v, cloudfront.FieldMaxAgeSec+" wants a whole number of seconds, got "+v.kindName())
		}
	}
	for _, e := range cloudfront.Validate(c) {
		e.File = rd.d.file
		rd.errs = append(rd.errs, e)
	}
	res.CloudFront = c
	return res
}

// mapping is the CORS block under parent's key, a mapping of the known
// properties, as a new Resource; nil when there is none (or it is
// AWS::NoValue) and, reported, when it is not a mapping.
func (rd *reader) mapping(parent *node, key string, known []string) (*Resource, *node) {
	cc := parent.get(key)
	if cc == nil || noValue(cc) {
		return nil, nil
	}
	if cc.kind != mapK || cc.tag != "" {
		rd.fail(cc, key+" wants a mapping of "+strings.Join(known, ", ")+", got "+cc.kindName())
		return nil, nil
	}
	rd.unknownKeys(cc, known)
	return newResource(parent, key), cc
}
