package cloudformation

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/platform/cloudfront"
	"github.com/whycors/whycors/engine/platform/lambdaurl"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// The resource types whose CORS configuration this format reads.
const (
	TypeBucket    = "AWS::S3::Bucket"
	TypeHTTPAPI   = "AWS::ApiGatewayV2::Api"
	TypeSAMHTTP   = "AWS::Serverless::HttpApi"
	TypeSAMAPI    = "AWS::Serverless::Api"
	TypeGatewayRe = "AWS::ApiGateway::GatewayResponse"
)

// The logical IDs SAM gives the APIs it creates for functions' events
// that name no API (sam-resource-api.html, sam-resource-httpapi.html:
// "ServerlessRestApi", "ServerlessHttpApi").
const (
	implicitREST = "ServerlessRestApi"
	implicitHTTP = "ServerlessHttpApi"
)

// Template is a CloudFormation or SAM template read for its CORS
// configurations: each resource that has one, mapped onto its
// platform's model, and what the template alone could not tell.
type Template struct {
	// File is the template's file name, when it came as one of several.
	File string
	// Resources are the resources with a CORS configuration, in the
	// template's order.
	Resources []*Resource
	// GatewayResponses are the AWS::ApiGateway::GatewayResponse
	// resources and SAM GatewayResponses entries, kept with their
	// positions.
	GatewayResponses []GatewayResponse
	// Distributions are the AWS::CloudFront::Distribution resources:
	// the caches in front of the template's buckets (CDNFor).
	Distributions []Distribution
	// Findings are what API Gateway refuses when the stack deploys, in
	// a plain REST API's methods (an unquoted ResponseParameters
	// literal, a header or status no method response declares), each at
	// its position (restapi.go).
	Findings []portable.Finding
	// Assumptions are the values the template leaves unresolved (a
	// parameter without Default nor --param, !GetAtt, a pseudo
	// parameter), each at its position, with what the verdict assumes.
	Assumptions []portable.Finding

	doc    *doc
	chosen *Resource // the resource that answers; nil: by URL (route)
}

// Resource is one resource's CORS configuration on its platform's model:
// exactly one of S3, HTTP, REST, Lambda and CloudFront is set.
type Resource struct {
	ID   string // logical ID
	Type string // TypeBucket, TypeHTTPAPI, ...
	// Line and Column are where the CORS block (CorsConfiguration, Cors)
	// is; Path its JSON path in the template.
	Line, Column int
	Path         string

	S3 *s3.Configuration
	// unknownMethods are the S3 rules (by index) whose every method is a
	// value nobody gave, with that value's placeholder: such a rule
	// answers nothing here, and no conversion can write its methods.
	unknownMethods map[int]string
	BucketName     string // "" when not set or not resolved
	HTTP           *apigw.HTTPConfig
	REST           *apigw.RESTConfig
	Lambda         *lambdaurl.Cors
	CloudFront     *cloudfront.CorsConfig
	// Methods are a plain REST API's AWS::ApiGateway::Method resources
	// (restapi.go), nil for every other resource: each request is
	// answered by the method that takes it.
	Methods []*RestMethod
	// RESTMethodsDefault: SAM computes the OPTIONS reply's
	// Access-Control-Allow-Methods from the path's methods when Cors
	// names none.
	RESTMethodsDefault bool
	// Routes are the methods and paths the template gives the API.
	Routes []Route
	// routesAll marks a SAM REST API whose Routes are all it has: the
	// implicit one, or one without a DefinitionBody or DefinitionUri
	// (SAM makes its methods from the functions' events alone).
	routesAll bool
	// Auth is a SAM API's authorizers (its Auth property, or the
	// Globals' Api Auth), nil when it has none.
	Auth *Auth

	block *node                     // the CORS block
	props *node                     // the mapping that holds it (a SAM API's Properties)
	rules []*node                   // an S3 configuration's rule nodes, in its Rules' order
	pos   map[string][]portable.Pos // an HTTP API's list values, by property
}

// Route is one method and path of an API (a SAM event, an
// AWS::ApiGatewayV2::Route RouteKey).
type Route struct {
	Method string // upper case; "ANY" for any
	Path   string // "/items/{id}", "/{proxy+}", "$default"
	// Authorizer is the event's Auth.Authorizer: "" for the API's
	// DefaultAuthorizer, "NONE" for none, or an authorizer's name.
	Authorizer string
	// Function is the SAM function whose Api event this is (its Lambda
	// proxy integration answers the route), and Line, Column where the
	// event is; "" and 0 for other routes.
	Function     string
	Line, Column int
}

// Auth is a SAM API's Auth property (sam-property-api-apiauth.html):
// its DefaultAuthorizer, the authorizers by name, and whether SAM adds
// the default authorizer to the OPTIONS method it makes for CORS
// (AddDefaultAuthorizerToCorsPreflight, true when not written).
type Auth struct {
	Default     string
	Authorizers map[string]Authorizer
	OnOptions   bool

	at *node // the Auth mapping, for an edit
}

// Authorizer is one authorizer of a SAM API: its name, its kind
// (apigw.Lambda, apigw.Cognito or apigw.IAM) and where it is defined.
type Authorizer struct {
	Name, Kind   string
	Line, Column int
}

// GatewayResponse is an API Gateway gateway response with the headers
// it sets (ResponseParameters gatewayresponse.header.*, values as
// written, single quotes included), positioned.
type GatewayResponse struct {
	ID           string // the resource's logical ID, or the SAM API's
	RestAPI      string // the API it belongs to (RestApiId's !Ref), when known
	ResponseType string // DEFAULT_4XX, UNAUTHORIZED, ...
	StatusCode   string
	Headers      headers.List // in the template's order
	Line, Column int
	Path         string
}

// reader reads one template.
type reader struct {
	d    *doc
	r    *resolver
	errs policy.Errors
	res  *node // Resources
	glob *node // Globals
	t    *Template
	// unknownMethods counts the methods left out as unresolved
	// (stringsOf), and lastUnknown is the last one's placeholder.
	unknownMethods int
	lastUnknown    string
}

func (rd *reader) fail(n *node, msg string) {
	rd.errs = append(rd.errs, rd.d.errAt(n, msg))
}

// Read reads a template from src: its main text (src.Text, else the
// first file), parameter files among the other files, src.Params over
// both, and src.Resource, the resource that answers ("" to choose by
// the request's URL, or the only one).
func Read(src policy.Source) (*Template, error) {
	return read(src, true)
}

// read is Read; choose false leaves the answering resource unchosen
// (Resources lists them all).
func read(src policy.Source, choose bool) (*Template, error) {
	text, file, rest := src.Text, "", src.Files
	if text == "" && len(src.Files) > 0 {
		text, file, rest = src.Files[0].Text, src.Files[0].Name, src.Files[1:]
	}
	if len(text) > limits.PolicyText {
		return nil, policy.Errors{{File: file, Line: 1, Column: 1, Msg: "configuration text is larger than 1 MiB"}}
	}
	given := map[string]string{}
	var errs policy.Errors
	for _, f := range rest {
		errs = append(errs, paramFile(f, given)...)
	}
	for k, v := range src.Params {
		given[k] = v
	}
	d, perr := readDoc(text, file)
	if perr != nil {
		return nil, append(errs, perr)
	}
	rd := &reader{d: d, t: &Template{File: file, doc: d}, errs: errs}
	root := d.root
	if root.kind != mapK {
		rd.fail(root, "want a template: a mapping with Resources, got "+root.kindName())
		return nil, rd.errs
	}
	rd.r = &resolver{d: d, params: root.get("Parameters"), mappings: root.get("Mappings"), conds: root.get("Conditions"), given: given}
	rd.glob = root.get("Globals")
	rd.res = root.get("Resources")
	if rd.res == nil || rd.res.kind != mapK {
		rd.fail(root, "want a template with a Resources mapping")
		return nil, rd.errs
	}
	for name := range given {
		if rd.r.params.get(name) == nil && !strings.HasPrefix(name, "AWS::") {
			at := root.keyNode("Parameters")
			if at == nil {
				at = root
			}
			rd.errs = append(rd.errs, &policy.Error{File: file, Path: "$.Parameters", Line: at.line, Column: at.col, Msg: "--param " + name + ": the template has no parameter " + strconv.Quote(name)})
		}
	}
	rd.resources()
	// The reader's notes, then what the resources' reading assumed (a
	// cache policy it does not know).
	rd.t.Assumptions = append(rd.r.notes, rd.t.Assumptions...)
	if choose {
		if err := rd.choose(src.Resource); err != nil {
			rd.errs = append(rd.errs, err)
		}
	}
	if len(rd.errs) > 0 {
		// In the template's order, as the user reads it.
		sort.SliceStable(rd.errs, func(i, j int) bool {
			a, b := rd.errs[i], rd.errs[j]
			return a.File < b.File || a.File == b.File && (a.Line < b.Line || a.Line == b.Line && a.Column < b.Column)
		})
		return nil, rd.errs
	}
	return rd.t, nil
}

// paramFile reads a parameter file: the CLI's [{"ParameterKey": k,
// "ParameterValue": v}] or a template configuration file
// {"Parameters": {k: v}} (CodePipeline's).
func paramFile(f policy.File, given map[string]string) policy.Errors {
	v, serr := jsontext.ParseString(f.Text, maxDepth)
	bad := func(off int, msg string) policy.Errors {
		l, c := policy.LineCol(f.Text, off)
		return policy.Errors{{File: f.Name, Line: l, Column: c, Msg: msg}}
	}
	if serr != nil {
		return bad(serr.Off, "a parameter file must be JSON: "+serr.Msg)
	}
	if p, ok := v.Get("Parameters"); ok && p.Kind == jsontext.Object {
		for i, k := range p.Keys {
			given[k] = p.Fields[i].Str
		}
		return nil
	}
	if v.Kind != jsontext.Array {
		return bad(int(v.Off), `want a parameter file: [{"ParameterKey": ..., "ParameterValue": ...}] or {"Parameters": {...}}`)
	}
	var errs policy.Errors
	for _, it := range v.Items {
		k, ok1 := it.Get("ParameterKey")
		val, ok2 := it.Get("ParameterValue")
		if !ok1 || !ok2 {
			errs = append(errs, bad(int(it.Off), "want ParameterKey and ParameterValue")...)
			continue
		}
		given[k.Str] = val.Str
	}
	return errs
}

// resources reads every resource: CORS configurations, routes and
// gateway responses.
func (rd *reader) resources() {
	routes := map[string][]Route{}
	// A plain HTTP API's authorizers (AWS::ApiGatewayV2::Authorizer),
	// by API and logical ID, which its routes name in AuthorizerId.
	authz := map[string]map[string]Authorizer{}
	for i, k := range rd.res.keys {
		rn := rd.res.vals[i]
		if typ, _ := rd.r.str(rn.get("Type")); typ == "AWS::ApiGatewayV2::Authorizer" {
			props := rn.get("Properties")
			api := refName(props.get("ApiId"))
			kind := apigw.Lambda
			if t, _ := rd.r.str(props.get("AuthorizerType")); t == "JWT" {
				kind = apigw.JWT
			}
			if api != "" {
				if authz[api] == nil {
					authz[api] = map[string]Authorizer{}
				}
				authz[api][k.str] = Authorizer{Name: k.str, Kind: kind, Line: k.line, Column: k.col}
			}
		}
	}
	for i, k := range rd.res.keys {
		rn := rd.res.vals[i]
		typ, _ := rd.r.str(rn.get("Type"))
		props := rn.get("Properties")
		switch typ {
		case "AWS::Serverless::Function":
			rd.events(k.str, props, routes)
		case "AWS::ApiGatewayV2::Route":
			key, _ := rd.r.str(props.get("RouteKey"))
			api := refName(props.get("ApiId"))
			// Its authorization, as a SAM event's Auth.Authorizer
			// says it: tried as a new user would, a $default route
			// with a JWT authorizer (CDK's defaultAuthorizer) was read
			// without it, and its 401 to every preflight went unseen.
			auth := "NONE"
			switch t, _ := rd.r.str(props.get("AuthorizationType")); t {
			case "AWS_IAM":
				auth = "AWS_IAM"
				if authz[api] == nil {
					authz[api] = map[string]Authorizer{}
				}
				authz[api]["AWS_IAM"] = Authorizer{Name: "AWS_IAM", Kind: apigw.IAM, Line: k.line, Column: k.col}
			case "JWT", "CUSTOM":
				if id := refName(props.get("AuthorizerId")); id != "" {
					auth = id
				}
			}
			if m, p, ok := strings.Cut(key, " "); ok && api != "" {
				routes[api] = append(routes[api], Route{Method: strings.ToUpper(m), Path: p, Authorizer: auth})
			} else if key == "$default" && api != "" {
				routes[api] = append(routes[api], Route{Method: "ANY", Path: "$default", Authorizer: auth})
			}
		case TypeGatewayRe:
			rd.gatewayResponse(k, props)
		case TypeDistribution:
			rd.distribution(k, props)
		}
	}
	for i, k := range rd.res.keys {
		id, rn := k.str, rd.res.vals[i]
		typ, _ := rd.r.str(rn.get("Type"))
		props := rn.get("Properties")
		var res *Resource
		switch typ {
		case TypeBucket:
			res = rd.bucket(props)
		case TypeHTTPAPI:
			res = rd.httpAPI(props, "CorsConfiguration", typ)
			if res != nil && len(authz[id]) > 0 {
				res.Auth = &Auth{Authorizers: authz[id]}
			}
		case TypeSAMHTTP:
			parent := props
			if g := rd.glob.get("HttpApi").get("CorsConfiguration"); g != nil {
				parent = withProperty(props, "CorsConfiguration", samMerged(g, props.get("CorsConfiguration")))
			}
			res = rd.httpAPI(parent, "CorsConfiguration", typ)
			if res != nil {
				res.Auth = rd.samAuth(props, "HttpApi")
			}
		case TypeSAMAPI:
			parent := props
			if g := rd.glob.get("Api").get("Cors"); g != nil {
				parent = withProperty(props, "Cors", samMerged(g, props.get("Cors")))
			}
			res = rd.restAPI(parent)
			if res != nil {
				res.routesAll = props.get("DefinitionBody") == nil && props.get("DefinitionUri") == nil
				res.Auth = rd.samAuth(props, "Api")
			}
			rd.samGatewayResponses(id, props.get("GatewayResponses"))
		case TypeLambdaURL:
			res = rd.lambdaURL(props)
		case TypeSAMFunction:
			fu := samMerged(rd.glob.get("Function").get("FunctionUrlConfig"), props.get("FunctionUrlConfig"))
			res = rd.lambdaURL(fu)
		case TypeCFPolicy:
			res = rd.responseHeadersPolicy(props)
		}
		if res != nil {
			res.ID, res.Type, res.Routes = id, typ, routes[id]
			rd.t.Resources = append(rd.t.Resources, res)
		}
	}
	// SAM's implicit APIs take the Globals' CORS configuration.
	if rs := routes[implicitREST]; len(rs) > 0 && rd.res.get(implicitREST) == nil {
		if rd.glob.get("Api").get("Cors") != nil {
			if res := rd.restAPI(rd.glob.get("Api")); res != nil {
				res.ID, res.Type, res.Routes = implicitREST, TypeSAMAPI, rs
				res.routesAll = true
				res.Auth = rd.samAuth(nil, "Api")
				rd.t.Resources = append(rd.t.Resources, res)
			}
		}
	}
	if rs := routes[implicitHTTP]; len(rs) > 0 && rd.res.get(implicitHTTP) == nil {
		if rd.glob.get("HttpApi").get("CorsConfiguration") != nil {
			if res := rd.httpAPI(rd.glob.get("HttpApi"), "CorsConfiguration", TypeSAMHTTP); res != nil {
				res.ID, res.Type, res.Routes = implicitHTTP, TypeSAMHTTP, rs
				res.Auth = rd.samAuth(nil, "HttpApi")
				rd.t.Resources = append(rd.t.Resources, res)
			}
		}
	}
	rd.restAPIs()
	// Gateway responses of DEFAULT_4XX and DEFAULT_5XX that set
	// Access-Control-Allow-Origin give API Gateway's own errors CORS
	// headers (cloud-policies.md §5.2).
	for _, g := range rd.t.GatewayResponses {
		if g.ResponseType != "DEFAULT_4XX" && g.ResponseType != "DEFAULT_5XX" || !g.Headers.Has("Access-Control-Allow-Origin") {
			continue
		}
		for _, res := range rd.t.Resources {
			if res.REST != nil && (g.RestAPI == res.ID || g.ID == res.ID) && !slices.Contains(res.REST.GatewayResponses, g.ResponseType) {
				res.REST.GatewayResponses = append(res.REST.GatewayResponses, g.ResponseType)
			}
		}
	}
}

// pick is n, or the branch an !If (Fn::If) whose condition the template
// tells chooses; nil for AWS::NoValue.
func (rd *reader) pick(n *node) *node {
	for i := 0; i < 8; i++ {
		if noValue(n) {
			return nil
		}
		name, arg, ok := intrinsic(n)
		if !ok || name != "If" || arg.kind != seqK || len(arg.items) != 3 {
			return n
		}
		c, known := rd.r.cond(arg.items[0].str, arg.items[0], 0)
		if !known {
			return n
		}
		if c {
			n = arg.items[1]
		} else {
			n = arg.items[2]
		}
	}
	return n
}

// refName is the logical ID a !Ref (or {"Ref": ...}) names.
func refName(n *node) string {
	if name, arg, ok := intrinsic(n); ok && name == "Ref" && arg.kind == scalarK {
		return arg.str
	}
	return ""
}

// events collects a SAM function's Api and HttpApi events
// (sam-property-function-api.html, sam-property-function-httpapi.html).
func (rd *reader) events(fn string, props *node, routes map[string][]Route) {
	evs := props.get("Events")
	if evs == nil || evs.kind != mapK {
		return
	}
	for i, ev := range evs.vals {
		typ, _ := rd.r.str(ev.get("Type"))
		p := ev.get("Properties")
		path, _ := rd.r.str(p.get("Path"))
		method, _ := rd.r.str(p.get("Method"))
		switch typ {
		case "Api":
			api := refName(p.get("RestApiId"))
			if api == "" {
				api = implicitREST
			}
			if path != "" {
				auth, _ := rd.r.str(p.get("Auth").get("Authorizer"))
				at := evs.keys[i]
				routes[api] = append(routes[api], Route{Method: normMethod(method), Path: path, Authorizer: auth, Function: fn, Line: at.line, Column: at.col})
			}
		case "HttpApi":
			api := refName(p.get("ApiId"))
			if api == "" {
				api = implicitHTTP
			}
			if path == "" {
				path = "$default" // an HttpApi event without Path is the $default route
			}
			auth, _ := rd.r.str(p.get("Auth").get("Authorizer"))
			at := evs.keys[i]
			routes[api] = append(routes[api], Route{Method: normMethod(method), Path: path, Authorizer: auth, Function: fn, Line: at.line, Column: at.col})
		}
	}
}

func normMethod(m string) string {
	m = strings.ToUpper(m)
	if m == "" || m == "X-AMAZON-APIGATEWAY-ANY-METHOD" {
		return "ANY"
	}
	return m
}

func (rd *reader) gatewayResponse(k, props *node) {
	g := GatewayResponse{ID: k.str, RestAPI: refName(props.get("RestApiId")), Line: k.line, Column: k.col, Path: k.path}
	g.ResponseType, _ = rd.r.str(props.get("ResponseType"))
	g.StatusCode, _ = rd.r.str(props.get("StatusCode"))
	if rp := props.get("ResponseParameters"); rp != nil && rp.kind == mapK {
		for i, k := range rp.keys {
			if name, ok := strings.CutPrefix(k.str, "gatewayresponse.header."); ok {
				v, _ := rd.r.str(rp.vals[i])
				g.Headers.Add(name, v)
			}
		}
	}
	rd.t.GatewayResponses = append(rd.t.GatewayResponses, g)
}

// samGatewayResponses reads a SAM API's GatewayResponses property
// (sam-property-api-gatewayresponse.html): ResponseParameters.Headers.
func (rd *reader) samGatewayResponses(id string, gr *node) {
	if gr == nil || gr.kind != mapK {
		return
	}
	for i, k := range gr.keys {
		v := gr.vals[i]
		g := GatewayResponse{ID: id, RestAPI: id, ResponseType: k.str, Line: k.line, Column: k.col, Path: v.path}
		g.StatusCode, _ = rd.r.str(v.get("StatusCode"))
		if h := v.get("ResponseParameters").get("Headers"); h != nil && h.kind == mapK {
			for j, hk := range h.keys {
				v, _ := rd.r.str(h.vals[j])
				g.Headers.Add(hk.str, v)
			}
		}
		rd.t.GatewayResponses = append(rd.t.GatewayResponses, g)
	}
}

// samAuth reads a SAM API's Auth property, or the Globals' (global is
// "Api" or "HttpApi") merged in (sam-property-api-apiauth.html,
// sam-property-httpapi-httpapiauth.html): DefaultAuthorizer names one of
// Authorizers (a Lambda authorizer has FunctionArn, a Cognito one
// UserPoolArn, an HTTP API's JWT authorizer JwtConfiguration) or
// AWS_IAM. nil when no authorizer is set.
func (rd *reader) samAuth(props *node, global string) *Auth {
	// Merged as SAM merges the Globals (samMerged).
	an := samMerged(rd.glob.get(global).get("Auth"), props.get("Auth"))
	if an == nil || an.kind != mapK {
		return nil
	}
	a := &Auth{Authorizers: map[string]Authorizer{}, OnOptions: true, at: an}
	a.Default, _ = rd.r.str(an.get("DefaultAuthorizer"))
	if v := an.get("AddDefaultAuthorizerToCorsPreflight"); v != nil {
		a.OnOptions, _ = rd.r.boolean(v)
	}
	if k := an.keyNode("DefaultAuthorizer"); k != nil && a.Default == "AWS_IAM" {
		a.Authorizers["AWS_IAM"] = Authorizer{Name: "AWS_IAM", Kind: apigw.IAM, Line: k.line, Column: k.col}
	}
	if as := an.get("Authorizers"); as != nil && as.kind == mapK {
		for i, k := range as.keys {
			kind := apigw.Lambda
			switch {
			case as.vals[i].get("UserPoolArn") != nil:
				kind = apigw.Cognito
			case as.vals[i].get("JwtConfiguration") != nil:
				kind = apigw.JWT
			}
			a.Authorizers[k.str] = Authorizer{Name: k.str, Kind: kind, Line: k.line, Column: k.col}
		}
	}
	if _, ok := a.Authorizers[a.Default]; !ok && len(a.Authorizers) == 0 {
		return nil
	}
	return a
}

// authorizerFor is the authorizer that runs on a request to path: the
// route's own (its Auth.Authorizer, NONE for none), else the API's
// DefaultAuthorizer; ok false when none runs.
func (r *Resource) authorizerFor(path string) (a Authorizer, ok bool) {
	if r.Auth == nil {
		return Authorizer{}, false
	}
	name := r.Auth.Default
	// A route of the path's own before the $default route, which takes
	// what no other route does.
	for _, catchAll := range []bool{false, true} {
		found := false
		for _, rt := range r.Routes {
			if (rt.Path == "$default") == catchAll && (pathMatches(rt.Path, path) || pathMatches(rt.Path, dropStage(path))) {
				if rt.Authorizer != "" {
					name = rt.Authorizer
				}
				found = true
				break
			}
		}
		if found {
			break
		}
	}
	a, ok = r.Auth.Authorizers[name]
	return a, ok && name != "NONE"
}

// newResource is a resource whose CORS block is parent's key: placed
// at the key (Cors:, CorsConfiguration:), where the user looks for it.
func newResource(parent *node, key string) *Resource {
	k, block := parent.keyNode(key), parent.get(key)
	return &Resource{Line: k.line, Column: k.col, Path: block.path, block: block, props: parent}
}

// s3Keys are AWS::S3::Bucket CorsRule's properties
// (aws-properties-s3-bucket-corsrule.html).
var s3Keys = []string{"AllowedHeaders", "AllowedMethods", "AllowedOrigins", "ExposedHeaders", "Id", "MaxAge"}

// bucket maps AWS::S3::Bucket's CorsConfiguration onto S3's model
// (aws-properties-s3-bucket-corsconfiguration.html), validated as
// PutBucketCors would (s3.Validate).
func (rd *reader) bucket(props *node) *Resource {
	cc := props.get("CorsConfiguration")
	if cc == nil || noValue(cc) {
		return nil
	}
	res := newResource(props, "CorsConfiguration")
	res.BucketName, _ = rd.r.str(props.get("BucketName"))
	if strings.HasPrefix(res.BucketName, unresolvedPrefix) {
		res.BucketName = ""
	}
	rules := cc.get("CorsRules")
	if cc.kind != mapK || rules == nil {
		rd.fail(cc, "CorsConfiguration wants CorsRules, a list of CORS rules")
		return nil
	}
	if rules.kind != seqK || rules.tag != "" {
		rd.fail(rules, "CorsRules wants a list of CORS rules, got "+rules.kindName())
		return nil
	}
	c := &s3.Configuration{}
	for _, rn := range rules.items {
		if rn = rd.pick(rn); rn == nil {
			continue // AWS::NoValue: the rule is not there
		}
		r := s3.Rule{At: s3Pos(rn)}
		if rn.kind != mapK || rn.tag != "" {
			rd.fail(rn, "want a CORS rule (a mapping), got "+rn.kindName())
			continue
		}
		rd.unknownKeys(rn, s3Keys)
		r.AllowedOrigins = rd.strList(rn, "AllowedOrigins", s3.OriginsList, &r)
		unknown := rd.unknownMethods
		r.AllowedMethods = rd.strList(rn, "AllowedMethods", s3.MethodsList, &r)
		if len(r.AllowedMethods) == 0 && rd.unknownMethods > unknown {
			if res.unknownMethods == nil {
				res.unknownMethods = map[int]string{}
			}
			res.unknownMethods[len(c.Rules)] = rd.lastUnknown
		}
		r.AllowedHeaders = rd.strList(rn, "AllowedHeaders", s3.HeadersList, &r)
		r.ExposeHeaders = rd.strList(rn, "ExposedHeaders", s3.ExposeList, &r)
		if v := rn.get("Id"); v != nil {
			r.ID, _ = rd.r.str(v)
		}
		if v := rn.get("MaxAge"); v != nil && !noValue(v) {
			if n, ok := rd.r.integer(v); ok {
				r.MaxAgeSeconds = &n
			} else {
				rd.fail(v, "MaxAge wants a whole number of seconds, got "+v.kindName())
			}
		}
		c.Rules = append(c.Rules, r)
		res.rules = append(res.rules, rn)
	}
	if len(c.Rules) == 0 {
		rd.fail(rules, "CorsRules is empty: S3 refuses a CORS configuration without rules ("+s3.MsgMalformedXML+")")
		return nil
	}
	// A rule whose every method is a value nobody gave (a parameter
	// without a Default) keeps no method in c, so it answers nothing, as
	// the resolver's finding says of every unresolved value; S3 would
	// refuse a rule without a method, which this template, given its
	// parameters, does not have: it is validated with a stand-in.
	valid := c
	if len(res.unknownMethods) > 0 {
		v := *c
		v.Rules = slices.Clone(c.Rules)
		for i := range res.unknownMethods {
			v.Rules[i].AllowedMethods = []string{"GET"}
		}
		valid = &v
	}
	for _, e := range s3.Validate(valid) {
		e.File = rd.d.file
		rd.errs = append(rd.errs, e)
	}
	res.S3 = c
	return res
}

func s3Pos(n *node) s3.Position { return s3.Position{Path: n.path, Line: n.line, Column: n.col} }

// strList reads rn's list key into the rule's list l, each value
// positioned.
func (rd *reader) strList(rn *node, key string, l s3.List, r *s3.Rule) []string {
	out, at := rd.strings(rn, key)
	if out == nil {
		return nil
	}
	ps := make([]s3.Position, len(at))
	for i, n := range at {
		ps[i] = s3Pos(n)
	}
	r.Values[l] = ps
	return out
}

// strings reads m's list key: each value resolved, with the node it
// came from; nil when m has no such key (or it is AWS::NoValue).
func (rd *reader) strings(m *node, key string) ([]string, []*node) {
	return rd.stringsOf(m, key, key)
}

// stringsOf is strings of m's key, a list of the property named field
// (CloudFront's Items of AccessControlAllowMethods).
func (rd *reader) stringsOf(m *node, key, field string) ([]string, []*node) {
	v := m.get(key)
	if v == nil || noValue(v) {
		return nil, nil
	}
	items, ok := rd.r.list(v)
	if !ok {
		rd.fail(v, key+" wants a list of strings, got "+v.kindName())
		return nil, nil
	}
	out, at := make([]string, 0, len(items)), make([]*node, 0, len(items))
	for _, it := range items {
		if strings.Contains(field, "Methods") && strings.HasPrefix(it.s, unresolvedPrefix) {
			// A method nobody gave is left out (its finding says so):
			// the platform would refuse the placeholder as a method.
			rd.unknownMethods++
			rd.lastUnknown = it.s
			continue
		}
		out, at = append(out, it.s), append(at, it.n)
	}
	return out, at
}

func (rd *reader) unknownKeys(n *node, known []string) {
	for _, k := range n.keys {
		if slices.Contains(known, k.str) {
			continue
		}
		msg := "unknown property " + strconv.Quote(k.str) + "; must be one of: " + strings.Join(known, ", ")
		for _, x := range known {
			if strings.EqualFold(x, k.str) {
				msg = "unknown property " + strconv.Quote(k.str) + "; property names are case-sensitive: did you mean " + strconv.Quote(x) + "?"
			}
		}
		rd.fail(k, msg)
	}
}

// httpKeys are an HTTP API's Cors properties
// (aws-properties-apigatewayv2-api-cors.html,
// sam-property-httpapi-httpapicorsconfiguration.html).
var httpKeys = []string{"AllowCredentials", "AllowHeaders", "AllowMethods", "AllowOrigins", "ExposeHeaders", "MaxAge"}

// httpAPI maps an HTTP API's CorsConfiguration onto apigw.HTTPConfig,
// refused as API Gateway refuses it (credentials with "*", MaxAge out
// of -1..86400: cloud-policies.md §5.1).
func (rd *reader) httpAPI(parent *node, key, typ string) *Resource {
	cc := parent.get(key)
	if cc == nil || noValue(cc) {
		return nil
	}
	res := newResource(parent, key)
	c := &apigw.HTTPConfig{Path: cc.path}
	if typ == TypeSAMHTTP && cc.kind == scalarK && cc.tag == "" {
		// SAM takes CorsConfiguration: true as every origin [UNVERIFIED]:
		// the property's documentation names the object form only.
		if b, ok := rd.r.boolean(cc); ok && b {
			c.AllowOrigins = []string{"*"}
			res.HTTP = c
			return res
		}
	}
	if cc.kind != mapK {
		rd.fail(cc, "CorsConfiguration wants a mapping of AllowOrigins, AllowMethods, ..., got "+cc.kindName())
		return nil
	}
	rd.unknownKeys(cc, httpKeys)
	list := func(key string) []string {
		out, at := rd.strings(cc, key)
		if out == nil {
			return nil
		}
		ps := make([]portable.Pos, len(at))
		for i, n := range at {
			ps[i] = portable.Pos{Path: n.path, Line: n.line, Column: n.col}
		}
		if res.pos == nil {
			res.pos = map[string][]portable.Pos{}
		}
		res.pos[key] = ps
		return out
	}
	c.AllowOrigins, c.AllowMethods = list("AllowOrigins"), list("AllowMethods")
	c.AllowHeaders, c.ExposeHeaders = list("AllowHeaders"), list("ExposeHeaders")
	if v := cc.get("MaxAge"); v != nil && !noValue(v) {
		n, ok := rd.r.integer(v)
		if !ok || n < -1 || n > 86400 {
			rd.errs = append(rd.errs, &policy.Error{File: rd.d.file, Path: v.path, Line: v.line, Column: v.col, Code: "BadRequestException", Msg: "MaxAge must be a whole number from -1 to 86400"})
		}
		c.MaxAge = &n
	}
	if v := cc.get("AllowCredentials"); v != nil && !noValue(v) {
		b, ok := rd.r.boolean(v)
		if !ok {
			rd.fail(v, "AllowCredentials wants true or false, got "+v.kindName())
		}
		c.AllowCredentials = b
		if b && slices.Contains(c.AllowOrigins, "*") {
			// API Gateway's words (aws/aws-cdk#9076, cloud-policies.md §5.1).
			rd.errs = append(rd.errs, &policy.Error{File: rd.d.file, Path: v.path, Line: v.line, Column: v.col, Code: "BadRequestException", Msg: "allow-credentials is not supported if 'allow-origin' is *"})
		}
	}
	res.HTTP = c
	return res
}

// samCorsKeys are AWS::Serverless::Api's Cors properties
// (sam-property-api-corsconfiguration.html).
var samCorsKeys = []string{"AllowCredentials", "AllowHeaders", "AllowMethods", "AllowOrigin", "MaxAge"}

// restAPI maps AWS::Serverless::Api's Cors onto the REST model: SAM adds
// to each path of the API an OPTIONS method with a MOCK integration whose
// response parameters are the Cors values as written
// (sam-property-api-corsconfiguration.html; the expansion is SAM's
// add_cors, whose output aws/serverless-application-model#464 shows:
// "type": "mock", method.response.header.Access-Control-Allow-Origin:
// "'*'"). The API's other methods are Lambda proxy integrations
// (sam-property-function-api.html): the function's reply carries its
// own CORS headers.
func (rd *reader) restAPI(parent *node) *Resource {
	cors := parent.get("Cors")
	if cors == nil || noValue(cors) {
		return nil
	}
	res := newResource(parent, "Cors")
	c := &apigw.RESTConfig{Integration: apigw.LambdaProxy, Path: cors.path}
	var originAt, credsAt *node
	if cors.kind == mapK && cors.tag == "" {
		rd.unknownKeys(cors, samCorsKeys)
		originAt = cors.get("AllowOrigin")
		if originAt == nil {
			rd.fail(cors, "Cors wants AllowOrigin (SAM: \"'https://www.example.com'\")")
		}
		if v := cors.get("AllowMethods"); v != nil {
			if s, ok := rd.samValue(v, "AllowMethods"); ok {
				for _, m := range strings.Split(s, ",") {
					c.AllowMethods = append(c.AllowMethods, strings.TrimSpace(m))
				}
			}
		} else {
			res.RESTMethodsDefault = true
		}
		if v := cors.get("AllowHeaders"); v != nil {
			c.AllowHeaders, _ = rd.samValue(v, "AllowHeaders")
		}
		if v := cors.get("MaxAge"); v != nil {
			if s, ok := rd.samValue(v, "MaxAge"); ok {
				n, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil || n < 0 {
					rd.fail(v, "MaxAge wants a whole number of seconds in single quotes, as \"'600'\"")
				}
				c.MaxAge = &n
			}
		}
		if v := cors.get("AllowCredentials"); v != nil {
			b, ok := rd.r.boolean(v)
			if !ok {
				rd.fail(v, "AllowCredentials wants true or false, got "+v.kindName())
			}
			c.AllowCredentials, credsAt = b, v
		}
	} else {
		originAt = cors // Cors: "'https://www.example.com'" is AllowOrigin alone
		res.RESTMethodsDefault = true
	}
	if originAt != nil {
		c.AllowOrigin, _ = rd.samValue(originAt, "AllowOrigin")
	}
	if c.AllowCredentials && c.AllowOrigin == "*" {
		// SAM refuses it when it translates the template
		// (aws/serverless-application-model#464: credentials with the
		// wildcard origin are invalid).
		rd.fail(credsAt, "SAM refuses AllowCredentials: true with AllowOrigin \"'*'\" (or no AllowOrigin): browsers refuse credentials with Access-Control-Allow-Origin: *; name the origin, as \"'https://www.example.com'\"")
	}
	res.REST = c
	return res
}

// samValue reads one of SAM's Cors values: a string that SAM writes as
// an API Gateway response-parameter mapping value, where a literal is in
// single quotes (sam-property-api-corsconfiguration.html: AllowOrigin
// "'www.example.com'"). An unquoted value is a mapping expression API
// Gateway refuses when the stack deploys: reported at its position.
// The value comes back without its quotes.
func (rd *reader) samValue(v *node, key string) (string, bool) {
	s, ok := rd.r.str(v)
	if !ok {
		rd.fail(v, key+" wants a string in single quotes, as \"'*'\", got "+v.kindName())
		return "", false
	}
	if strings.HasPrefix(s, unresolvedPrefix) {
		return s, true
	}
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		rd.errs = append(rd.errs, &policy.Error{File: rd.d.file, Path: v.path, Line: v.line, Column: v.col,
			Msg: key + " " + strconv.Quote(s) + " is not in single quotes: SAM passes the value to API Gateway as a response-parameter mapping, where a literal must be quoted; write \"'" + s + "'\""})
		return s, true
	}
	return s[1 : len(s)-1], true
}

// choose sets the resource that answers: name, or the only one, or none
// (the request's URL chooses: route) when every resource can be told
// apart by URL.
func (rd *reader) choose(name string) *policy.Error {
	rs := rd.t.Resources
	if name != "" {
		for _, r := range rs {
			if r.ID == name {
				rd.t.chosen = r
				return nil
			}
		}
		if k := rd.res.keyNode(name); k != nil {
			typ, _ := rd.r.str(rd.res.get(name).get("Type"))
			return rd.d.errAt(k, "resource "+name+" ("+typ+") has no CORS configuration this format reads; "+candidates(rs))
		}
		return rd.d.errAt(rd.res, "the template has no resource "+strconv.Quote(name)+"; "+candidates(rs))
	}
	switch {
	case len(rs) == 0 && len(rd.errs) > 0:
		return nil // the faults say why
	case len(rs) == 0:
		// What this reader found, not what AWS refuses (Unreadable:
		// an input error, where lint said "AWS refuses this" of a
		// deployable template, tried as a new user would).
		if e := rd.openAPIBody(); e != nil {
			return e
		}
		e := rd.d.errAt(rd.res, "no resource has a CORS configuration (AWS::S3::Bucket CorsConfiguration, AWS::ApiGatewayV2::Api or AWS::Serverless::HttpApi CorsConfiguration, AWS::Serverless::Api Cors, AWS::ApiGateway::RestApi with AWS::ApiGateway::Method resources, AWS::Lambda::Url Cors, AWS::Serverless::Function FunctionUrlConfig.Cors, AWS::CloudFront::ResponseHeadersPolicy CorsConfig, or Globals)")
		e.Unreadable = true
		return e
	case len(rs) == 1:
		rd.t.chosen = rs[0]
		return nil
	}
	for _, r := range rs {
		if !rd.t.routable(r) {
			return rd.d.errAt(rd.res, "several resources have a CORS configuration and the request's URL cannot tell which answers; "+candidates(rs))
		}
	}
	return nil
}

// openAPIBody is the fault of a template whose API defines its methods
// in an OpenAPI document (a RestApi's Body or BodyS3Location, a SAM Api's
// DefinitionBody or DefinitionUri), which this reader does not read:
// an input error at that key, saying what to do; nil when there is none.
func (rd *reader) openAPIBody() *policy.Error {
	if rd.res == nil {
		return nil
	}
	for i, v := range rd.res.vals {
		props := v.get("Properties")
		for _, key := range [...]string{"Body", "BodyS3Location", "DefinitionBody", "DefinitionUri"} {
			if k := props.keyNode(key); k != nil {
				typ, _ := rd.r.str(v.get("Type"))
				e := rd.d.errAt(k, rd.res.keys[i].str+" ("+typ+") defines its methods in an OpenAPI document ("+key+"), which whycors does not read: explain the API's replies instead (curl -i of a preflight and of the request, or a HAR file), or write its methods as AWS::ApiGateway::Method resources")
				e.Unreadable = true
				return e
			}
		}
	}
	return nil
}

func candidates(rs []*Resource) string {
	if len(rs) == 0 {
		return "no resource has a CORS configuration"
	}
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.ID + " (" + r.Type + ", line " + strconv.Itoa(r.Line) + ")"
	}
	return "choose one with --resource NAME (policy.resource): " + strings.Join(names, ", ")
}

// Chosen is the resource that answers every request, or nil when the
// request's URL chooses.
func (t *Template) Chosen() *Resource { return t.chosen }

// restMethods are the methods SAM lists in the OPTIONS reply of path
// when Cors names none: the path's methods and OPTIONS, sorted; "any"
// stands for every method (SAM's swagger editor,
// _make_cors_allowed_methods_for_path).
func restMethods(routes []Route, path string) []string {
	set := map[string]bool{"OPTIONS": true}
	matched := false
	for _, r := range routes {
		if path != "" && !pathMatches(r.Path, path) && !pathMatches(r.Path, dropStage(path)) {
			continue
		}
		matched = true
		if r.Method == "ANY" {
			for _, m := range []string{"DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"} {
				set[m] = true
			}
			continue
		}
		set[r.Method] = true
	}
	if !matched && path != "" {
		return restMethods(routes, "")
	}
	out := make([]string, 0, len(set))
	for m := range set {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}
