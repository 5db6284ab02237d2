package cloudformation

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
	"github.com/whycors/whycors/engine/wire"
)

// A plain CloudFormation REST API (not SAM) is three resource types
// (AWS::ApiGateway::RestApi, ::Resource, ::Method): what the console's
// "Enable CORS" exports and what cdk synth writes for a RestApi with
// defaultCorsPreflightOptions. CORS is an OPTIONS method with a MOCK
// integration whose integration response maps static headers
// (ResponseParameters method.response.header.Access-Control-Allow-*:
// "'value'", a literal in single quotes), declared in that method's
// MethodResponses; each actual method answers with its integration:
// AWS_PROXY and HTTP_PROXY pass the back end's reply on as it is, AWS,
// HTTP and MOCK map headers through their integration responses
// (how-to-cors.md, how-to-cors-console.md; the CloudFormation
// reference's AWS::ApiGateway::Method, Integration and
// IntegrationResponse pages; cloud-policies.md §5.2).
const (
	TypeRestAPI      = "AWS::ApiGateway::RestApi"
	TypeRestResource = "AWS::ApiGateway::Resource"
	TypeRestMethod   = "AWS::ApiGateway::Method"
)

// headerParam starts a method response header's key in ResponseParameters
// and MethodResponses (aws-properties-apitgateway-method-integration-integrationresponse.html:
// "method.response.header.name").
const headerParam = "method.response.header."

// The codes of a plain REST API's findings: what API Gateway refuses
// when the stack deploys ("Invalid mapping expression specified",
// aws/aws-cdk#11306 and serverless/serverless-graphql#67 for an
// unquoted literal, deliveryhero/serverless-aws-documentation#91 for a
// header the method response does not declare,
// amazon-archives/aws-apigateway-importer#121 for a status without a
// method response).
const (
	codeUnquoted   = "cfn-apigw-unquoted-value"
	codeUndeclared = "cfn-apigw-undeclared-header"
	// codeStarCreds: '*' with credentials 'true' in an integration
	// response.
	codeStarCreds  = "cfn-apigw-star-credentials"
	codeNoMethodRe = "cfn-apigw-no-method-response"
)

// RestMethod is one AWS::ApiGateway::Method of a plain REST API: its
// path (the AWS::ApiGateway::Resource chain by ParentId and PathPart),
// its integration and where it is.
type RestMethod struct {
	ID         string // the method's logical ID
	HTTPMethod string // upper case; ANY for any
	Path       string // "/", "/items/{id}", "/{proxy+}"
	// Kind is apigw.Mock, apigw.NonProxy, apigw.LambdaProxy or
	// apigw.HTTPProxy, from Integration.Type (MOCK; AWS, HTTP;
	// AWS_PROXY; HTTP_PROXY).
	Kind string
	// Responses are the integration responses (non-proxy and mock),
	// with the headers API Gateway can deploy: a mapped header the
	// method response does not declare, or an unquoted literal, is left
	// out (and found: Template.Findings).
	Responses []apigw.IntegrationResponse
	// MockStatus is the status a MOCK integration's request template
	// asks for ({"statusCode": 200}), which selects its integration
	// response.
	MockStatus int
	// Authorizer is the method's AuthorizationType as an apigw kind
	// (apigw.Lambda for CUSTOM, apigw.Cognito, apigw.IAM), "" for NONE;
	// AuthorizerName is its AuthorizerId's logical ID (or AWS_IAM).
	Authorizer, AuthorizerName string
	AuthLine, AuthColumn       int
	// Line and Column are where the method's logical ID is.
	Line, Column int

	irs  []*node       // the IntegrationResponses' ResponseParameters, parallel to Responses (nil when absent)
	ir   []*node       // the IntegrationResponses themselves, parallel to Responses
	mrs  map[int]*node // the MethodResponses, by status
	path string        // the method's JSON path in the template
}

// restPiece is an AWS::ApiGateway::Resource: its parent ("" for the
// API's root) and its path part.
type restPiece struct {
	parent, part string
}

// restAPIs reads the template's plain REST APIs: each AWS::ApiGateway::RestApi
// with methods becomes a resource that answers by its methods' paths.
func (rd *reader) restAPIs() {
	pieces := map[string]restPiece{}
	byAPI := map[string][]*RestMethod{}
	for i, k := range rd.res.keys {
		rn := rd.res.vals[i]
		typ, _ := rd.r.str(rn.get("Type"))
		props := rn.get("Properties")
		switch typ {
		case TypeRestResource:
			part, _ := rd.r.str(props.get("PathPart"))
			_, parent := rootOf(props.get("ParentId"))
			pieces[k.str] = restPiece{parent: parent, part: part}
		case TypeRestMethod:
			if m := rd.restMethod(k, props); m != nil {
				api := refName(props.get("RestApiId"))
				_, res := rootOf(props.get("ResourceId"))
				m.Path = res // resolved below, once every piece is known
				byAPI[api] = append(byAPI[api], m)
			}
		}
	}
	for i, k := range rd.res.keys {
		typ, _ := rd.r.str(rd.res.vals[i].get("Type"))
		ms := byAPI[k.str]
		if typ != TypeRestAPI || len(ms) == 0 {
			continue
		}
		res := &Resource{ID: k.str, Type: TypeRestAPI, Line: k.line, Column: k.col, Path: k.path,
			REST: &apigw.RESTConfig{AllowOrigin: "*", AllowHeaders: apigw.DefaultAllowHeaders, Integration: apigw.LambdaProxy, Path: k.path}}
		for _, m := range ms {
			m.Path = restPath(pieces, m.Path)
			res.Routes = append(res.Routes, Route{Method: m.HTTPMethod, Path: m.Path})
		}
		res.Methods = ms
		rd.t.Resources = append(rd.t.Resources, res)
	}
}

// rootOf reads a ParentId or ResourceId: !GetAtt API.RootResourceId is
// API's root (api set), !Ref R the resource R.
func rootOf(n *node) (api, resource string) {
	name, arg, ok := intrinsic(n)
	if !ok {
		return "", ""
	}
	switch name {
	case "Ref":
		return "", refName(n)
	case "GetAtt":
		var parts []string
		switch arg.kind {
		case scalarK:
			parts = strings.SplitN(arg.str, ".", 2)
		case seqK:
			for _, it := range arg.items {
				parts = append(parts, it.str)
			}
		}
		if len(parts) == 2 && parts[1] == "RootResourceId" {
			return parts[0], ""
		}
	}
	return "", ""
}

// restPath is the path of the resource named id: its parts from the
// root, "/" for the root itself ("" id).
func restPath(pieces map[string]restPiece, id string) string {
	var parts []string
	for i := 0; id != "" && i < maxDepth; i++ {
		p, ok := pieces[id]
		if !ok {
			break
		}
		parts = append(parts, p.part)
		id = p.parent
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return "/" + strings.Join(parts, "/")
}

// restMethod reads one AWS::ApiGateway::Method: its HttpMethod,
// AuthorizationType, Integration and MethodResponses.
func (rd *reader) restMethod(k, props *node) *RestMethod {
	hm, _ := rd.r.str(props.get("HttpMethod"))
	if hm == "" {
		return nil
	}
	m := &RestMethod{ID: k.str, HTTPMethod: normMethod(hm), Line: k.line, Column: k.col, MockStatus: 200, path: k.path}
	if a := props.get("AuthorizationType"); a != nil {
		typ, _ := rd.r.str(a)
		m.Authorizer = map[string]string{"CUSTOM": apigw.Lambda, "COGNITO_USER_POOLS": apigw.Cognito, "AWS_IAM": apigw.IAM}[strings.ToUpper(typ)]
		m.AuthorizerName = refName(props.get("AuthorizerId"))
		if m.AuthorizerName == "" {
			m.AuthorizerName = typ
		}
		m.AuthLine, m.AuthColumn = a.line, a.col
	}
	in := props.get("Integration")
	typ, _ := rd.r.str(in.get("Type"))
	switch strings.ToUpper(typ) {
	case "AWS_PROXY":
		m.Kind = apigw.LambdaProxy
		return m
	case "HTTP_PROXY":
		m.Kind = apigw.HTTPProxy
		return m
	case "AWS", "HTTP":
		m.Kind = apigw.NonProxy
	default:
		m.Kind = apigw.Mock
	}
	if t := in.get("RequestTemplates").get("application/json"); t != nil {
		if s, ok := rd.r.str(t); ok {
			if sm := mockStatus.FindStringSubmatch(s); sm != nil {
				m.MockStatus, _ = strconv.Atoi(sm[1])
			}
		}
	}
	declared, mrs := rd.methodResponses(props.get("MethodResponses"))
	m.mrs = mrs
	m.Responses = []apigw.IntegrationResponse{}
	for _, ir := range rd.mappings(in.get("IntegrationResponses")) {
		code, _ := rd.r.str(ir.get("StatusCode"))
		r := apigw.IntegrationResponse{}
		r.StatusCode, _ = strconv.Atoi(code)
		r.SelectionPattern, _ = rd.r.str(ir.get("SelectionPattern"))
		params := ir.get("ResponseParameters")
		decl, hasMR := declared[r.StatusCode]
		if !hasMR && code != "" {
			rd.t.Findings = append(rd.t.Findings, finding(ir.get("StatusCode"), codeNoMethodRe,
				k.str+": the integration response maps to status "+code+", which MethodResponses does not declare: API Gateway refuses the method (\"No method response exists for method.\"); add a MethodResponse with StatusCode "+code))
		}
		var star *node // an Access-Control-Allow-Origin of '*'
		creds := false
		if params != nil && params.kind == mapK {
			for i, pk := range params.keys {
				name, ok := strings.CutPrefix(pk.str, headerParam)
				if !ok {
					continue
				}
				v, _ := rd.r.str(params.vals[i])
				switch {
				case !quotedOrExpression(v):
					rd.t.Findings = append(rd.t.Findings, finding(params.vals[i], codeUnquoted,
						k.str+": "+pk.str+" "+strconv.Quote(v)+" is not in single quotes: API Gateway reads it as a mapping expression and refuses the deploy (\"Invalid mapping expression specified: "+v+"\"); a literal is written \"'"+v+"'\""))
					continue
				case hasMR && !decl[strings.ToLower(name)]:
					rd.t.Findings = append(rd.t.Findings, finding(pk, codeUndeclared,
						k.str+": the integration response maps "+name+", which the method response "+code+" does not declare: API Gateway refuses the deploy (\"Invalid mapping expression parameter specified: "+pk.str+"\"); add "+pk.str+": true to its MethodResponses ResponseParameters"))
					continue
				}
				r.Headers.Add(name, v)
				switch strings.ToLower(name) {
				case "access-control-allow-origin":
					if v == "'*'" {
						star = params.vals[i]
					}
				case "access-control-allow-credentials":
					creds = v == "'true'"
				}
			}
		}
		if star != nil && creds {
			// API Gateway deploys it; every browser refuses it for a
			// fetch with credentials (found as a new user would: SAM's
			// Cors said so, the same mock written out linted clean).
			rd.t.Findings = append(rd.t.Findings, finding(star, codeStarCreds,
				k.str+": the integration response sends Access-Control-Allow-Origin '*' with Access-Control-Allow-Credentials 'true': a browser refuses '*' for a fetch with credentials (the Fetch standard's CORS check), so every such fetch is blocked; send the page's origin, e.g. \"'https://app.example.com'\""))
		}
		m.Responses = append(m.Responses, r)
		m.irs, m.ir = append(m.irs, params), append(m.ir, ir)
	}
	return m
}

// mappings are the mappings of the list n (IntegrationResponses,
// MethodResponses), an !If's chosen branch taken, AWS::NoValue dropped.
func (rd *reader) mappings(n *node) []*node {
	var out []*node
	if n = rd.pick(n); n == nil || n.kind != seqK || n.tag != "" {
		return nil
	}
	for _, it := range n.items {
		if it = rd.pick(it); it != nil && it.kind == mapK && it.tag == "" {
			out = append(out, it)
		}
	}
	return out
}

// mockStatus reads a MOCK integration's request template
// ({"statusCode": 200}, or cdk's "{ statusCode: 200 }").
var mockStatus = regexp.MustCompile(`"?statusCode"?\s*:\s*(\d{3})`)

// methodResponses are the header names each status's MethodResponse
// declares (ResponseParameters method.response.header.NAME: true or
// false), lowercased, by status, and the MethodResponses by status.
func (rd *reader) methodResponses(n *node) (map[int]map[string]bool, map[int]*node) {
	out, at := map[int]map[string]bool{}, map[int]*node{}
	for _, mr := range rd.mappings(n) {
		code, _ := rd.r.str(mr.get("StatusCode"))
		st, err := strconv.Atoi(code)
		if err != nil {
			continue
		}
		decl := map[string]bool{}
		if p := mr.get("ResponseParameters"); p != nil && p.kind == mapK {
			for _, pk := range p.keys {
				if name, ok := strings.CutPrefix(pk.str, headerParam); ok {
					decl[strings.ToLower(name)] = true
				}
			}
		}
		out[st], at[st] = decl, mr
	}
	return out, at
}

// quotedOrExpression reports a ResponseParameters value API Gateway
// takes: a literal in single quotes, or a mapping expression
// (integration.response.header.NAME, integration.response.body...,
// method.request..., context..., stageVariables...). A value that comes
// from a parameter nobody gave is not judged.
func quotedOrExpression(v string) bool {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' || strings.HasPrefix(v, unresolvedPrefix) {
		return true
	}
	for _, p := range []string{"integration.response.", "method.request.", "context.", "stageVariables."} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

func finding(n *node, code, msg string) portable.Finding {
	f := portable.Finding{Severity: "error", Code: code, Message: msg}
	if n != nil {
		f.Pos = portable.Pos{Path: n.path, Line: n.line, Column: n.col}
	}
	return f
}

// methodFor is the index of the method of r that takes a request of
// method to path, or -1: the most specific resource path that holds it
// (a literal segment before {param}, before {proxy+}), then its method
// of that name, else its ANY. A REST API's default endpoint has the
// stage first (/prod/items), a custom domain's base path mapping not:
// an execute-api host drops it.
func (r *Resource) methodFor(method, url string) int {
	path := urlPath(url)
	if strings.Contains(urlHost(url), ".execute-api.") {
		path = dropStage(path)
	}
	best, bestScore := "", -1
	for _, m := range r.Methods {
		for _, p := range []string{path, dropStage(path)} {
			if sc, ok := pathScore(m.Path, p); ok && sc > bestScore {
				best, bestScore = m.Path, sc
			}
		}
	}
	found := -1
	for i, m := range r.Methods {
		if m.Path != best {
			continue
		}
		if m.HTTPMethod == method {
			return i
		}
		if m.HTTPMethod == "ANY" {
			found = i
		}
	}
	return found
}

// pathScore is how specifically the resource path tmpl holds path: 4
// for each literal segment, 2 for each {param}, 1 for {proxy+}; ok
// false when it does not hold it.
func pathScore(tmpl, path string) (int, bool) {
	if !pathMatches(tmpl, path) {
		return 0, false
	}
	sc := 0
	for _, seg := range strings.Split(strings.Trim(tmpl, "/"), "/") {
		switch {
		case strings.HasSuffix(seg, "+}"):
			sc++
		case strings.HasPrefix(seg, "{"):
			sc += 2
		case seg != "":
			sc += 4
		}
	}
	return sc, true
}

// config is the apigw model of method m of r: the API's gateway
// responses, m's integration, its responses and its authorizer; for a
// MOCK OPTIONS method the headers its selected integration response maps.
func (r *Resource) config(m *RestMethod) *apigw.RESTConfig {
	c := *r.REST
	c.Integration, c.Responses, c.Path = m.Kind, m.Responses, m.path
	c.Method, c.MethodLine, c.MethodColumn = m.ID, m.Line, m.Column
	c.Authorizer, c.AuthorizerLine, c.AuthorizerColumn = m.Authorizer, m.AuthLine, m.AuthColumn
	// The method's own authorizer runs on whatever request it takes,
	// the preflight included when it is the OPTIONS (or ANY) method.
	c.AuthorizerOnOptions = m.Authorizer != ""
	c.AllowMethods = []string{"OPTIONS"}
	if m.Kind == apigw.Mock {
		if j, _ := apigw.SelectResponse(m.Responses, m.MockStatus); j >= 0 {
			ir := m.Responses[j]
			c.OptionsStatus = ir.StatusCode
			c.OptionsHeaders = headers.List{}
			for _, h := range ir.Headers {
				if v, ok := apigw.MappedValue(h.Value, policy.Reply{}); ok {
					c.OptionsHeaders.Add(h.Name, v)
				}
			}
		}
	}
	return &c
}

// respondREST answers req with the method of r's plain REST API that
// takes it: its authorizer, its OPTIONS mock, or its integration;
// API Gateway's 403 Missing Authentication Token when no method does.
// The trace's rule is the method's index in r.Methods, which a fix's
// edit names (EditSource).
func (t *Template) respondREST(r *Resource, req policy.Request, app policy.Reply) policy.Outcome {
	i := r.methodFor(req.Method, req.URL)
	if i < 0 {
		return t.missingToken(r, req, restMethodsOf(r))
	}
	m := r.Methods[i]
	c := r.config(m)
	var o policy.Outcome
	switch {
	case c.Refuses(req):
		refusal := c.Refusal(req)
		if g := t.gatewayResponse(r, refusal); g != nil {
			return g.respond(refusal, t.File)
		}
		c.GatewayResponses = nil
		o = c.Respond(req, app)
		o.DecidedBy = &wire.Place{Layer: "authorizer", Resource: m.AuthorizerName, File: t.File, Line: m.AuthLine, Column: m.AuthColumn}
	case req.Method == "OPTIONS" && m.HTTPMethod == "OPTIONS" && m.Kind == apigw.Mock && c.OptionsHeaders != nil:
		o = c.Respond(req, app)
	case m.Kind == apigw.Mock:
		// A mock calls no back end: its request template's status
		// selects the integration response.
		o = c.Integrate(req, policy.Reply{Status: m.MockStatus})
	case req.Method == "OPTIONS":
		// A method other than the mock takes the preflight (ANY).
		o = c.Integrate(req, app)
	default:
		// API Gateway's own errors first, then the integration.
		o = c.Respond(req, app)
	}
	for j := range o.Rules {
		o.Rules[j].Index = i
	}
	switch {
	case o.DecidedBy == nil && app.Status >= 400 && app.Header.Has("x-amzn-ErrorType") && req.Method != "OPTIONS":
		// API Gateway's own error, which no gateway response of the
		// template gives headers (Template.Respond answered those).
		o.DecidedBy = &wire.Place{Layer: "gateway-response", Resource: r.ID, File: t.File, Line: r.Line, Column: r.Column}
	case o.DecidedBy == nil:
		o.DecidedBy = &wire.Place{Layer: "cors-rule", Resource: m.ID, File: t.File, Line: m.Line, Column: m.Column}
	case o.DecidedBy.Layer == "integration":
		o.DecidedBy.File = t.File
	}
	return o
}

// missingToken is API Gateway's answer to a resource or method the API
// does not have: 403 Missing Authentication Token
// (supported-gateway-response-types.html, MISSING_AUTHENTICATION_TOKEN
// 403), with CORS headers only from a gateway response. methods lists
// what the API has, for the step's words.
func (t *Template) missingToken(r *Resource, req policy.Request, methods []string) policy.Outcome {
	reply, _ := apigw.AuthorizerRefusal(apigw.IAM, true)
	if g := t.gatewayResponse(r, reply); g != nil {
		return g.respond(reply, t.File)
	}
	return policy.Outcome{Reply: reply, Decision: policy.Note{Case: caseNoMethod, Args: [4]string{req.Method, urlPath(req.URL), r.ID}, List: methods}, Words: words{},
		DecidedBy: &wire.Place{Layer: "gateway-response", Resource: r.ID, File: t.File, Line: r.Line, Column: r.Column}}
}

// routed reports whether a SAM REST API whose routes are all it has
// (routesAll) has a method for req: its route, or for a preflight any
// route of its path (SAM's Cors adds OPTIONS to each path of its
// events).
func (r *Resource) routed(req policy.Request) bool {
	path := urlPath(req.URL)
	if req.Method != "OPTIONS" {
		return r.routeFor(req.Method, path) != nil
	}
	for _, rt := range r.Routes {
		for _, p := range []string{path, dropStage(path)} {
			if _, ok := pathScore(rt.Path, p); ok {
				return true
			}
		}
	}
	return false
}

// routeList is r.Routes as "METHOD PATH", sorted.
func routeList(r *Resource) []string {
	var out []string
	for _, rt := range r.Routes {
		out = append(out, rt.Method+" "+rt.Path)
	}
	sort.Strings(out)
	return out
}

// restMethodsOf lists r's methods for a message, sorted.
func restMethodsOf(r *Resource) []string {
	var out []string
	for _, m := range r.Methods {
		out = append(out, m.HTTPMethod+" "+m.Path)
	}
	sort.Strings(out)
	return out
}

// restHeaders are the method response headers a fix's field edits.
var restHeaders = map[string]string{fix.Origins: "Access-Control-Allow-Origin", fix.Methods: "Access-Control-Allow-Methods",
	fix.AllowHeaders: "Access-Control-Allow-Headers", fix.Credentials: "Access-Control-Allow-Credentials"}

// restMethod makes e in the method e.Rule of a plain REST API (the
// index respondREST gives its trace): in the ResponseParameters of the
// integration response that answers (an OPTIONS mock's, selected by its
// request template's status; a non-proxy method's default, or the one
// of the method response status e.Old names), the static
// value of the header e's field names, inside its single quotes: the
// one origin replaced by the page's, a name added to a comma list,
// credentials 'true'. A proxy method's headers are its back end's, not
// the template's (ErrUnsupported: the fix is the reply to return).
func (ed *editor) restMethod(r *Resource, e fix.Edit) (string, error) {
	if e.Rule < 0 || e.Rule >= len(r.Methods) {
		return "", fix.ErrNotFound
	}
	m := r.Methods[e.Rule]
	name := restHeaders[e.Field]
	if m.Kind == apigw.LambdaProxy || m.Kind == apigw.HTTPProxy || name == "" || len(e.Values) == 0 && e.Field != fix.Credentials {
		return "", fix.ErrUnsupported
	}
	j, _ := apigw.SelectResponse(m.Responses, m.MockStatus)
	if st, err := strconv.Atoi(e.Old); err == nil && e.Op == fix.Add {
		// chooseIntegrationEdit: the integration response of that
		// method response status.
		j = -1
		for i, r := range m.Responses {
			if r.StatusCode == st && j < 0 {
				j = i
			}
		}
	}
	if j < 0 {
		return "", fix.ErrNotFound
	}
	if m.irs[j] == nil {
		return ed.restInsert(m, j, name, e)
	}
	var v *node
	for i, k := range m.irs[j].keys {
		if strings.EqualFold(k.str, headerParam+name) {
			v = m.irs[j].vals[i]
		}
	}
	if v == nil {
		return ed.restInsert(m, j, name, e)
	}
	switch e.Field {
	case fix.Credentials:
		return ed.samReplace(v, "true")
	case fix.Origins:
		// One static origin: the page's replaces it.
		return ed.samReplace(v, e.Values[0])
	}
	if e.Op != fix.Add {
		return "", fix.ErrUnsupported
	}
	return ed.addToQuoted(v, e.Values)
}

// routeFor is r's route of method for path (a SAM function's Api
// event): the most specific path, the method's own route before ANY;
// nil when none holds the path.
func (r *Resource) routeFor(method, path string) *Route {
	var best *Route
	bestScore := -1
	for i := range r.Routes {
		rt := &r.Routes[i]
		if rt.Method != method && rt.Method != "ANY" {
			continue
		}
		for _, p := range []string{path, dropStage(path)} {
			sc, ok := pathScore(rt.Path, p)
			sc *= 2
			if rt.Method == method {
				sc++ // the method's own route before ANY at the same path
			}
			if ok && sc > bestScore {
				best, bestScore = rt, sc
			}
		}
	}
	return best
}

// restInsert maps the header name, which the integration response j of
// m does not, with the edit's values as a static literal ("'x-a,x-b'";
// for credentials 'true'), and declares it in the method response of
// that status, without which API Gateway refuses the mapping ("Invalid
// mapping expression parameter specified"): two splices, the second in
// the template as the first left it.
func (ed *editor) restInsert(m *RestMethod, j int, name string, e fix.Edit) (string, error) {
	lit := strings.Join(e.Values, ",")
	if e.Field == fix.Credentials {
		lit = "true"
	}
	mr := m.mrs[m.Responses[j].StatusCode]
	if mr == nil || lit == "" {
		return "", fix.ErrUnsupported
	}
	key := headerParam + name
	quoted := strconv.Quote("'" + lit + "'")
	var text string
	var err error
	if params := m.irs[j]; params != nil {
		text, err = ed.insertEntry(params, key, ed.sep()+quoted)
	} else {
		text, err = ed.insertEntry(m.ir[j], "ResponseParameters", ed.nested(m.ir[j], key, quoted))
	}
	if err != nil {
		return "", err
	}
	if declared(mr, key) {
		return text, nil
	}
	ed2 := &editor{d: ed.reread(text)}
	if ed2.d == ed.d {
		return "", fix.ErrUnsupported
	}
	mr2 := findPath(ed2.d.root, mr.path)
	if mr2 == nil || mr2.kind != mapK {
		return "", fix.ErrUnsupported
	}
	if p := mr2.get("ResponseParameters"); p != nil {
		return ed2.insertEntry(p, key, ed2.sep()+"true")
	}
	return ed2.insertEntry(mr2, "ResponseParameters", ed2.nested(mr2, key, "true"))
}

// declared reports whether the method response mr declares key.
func declared(mr *node, key string) bool {
	for _, k := range mr.get("ResponseParameters").keysOf() {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// keysOf is a mapping's key names (none for nil or another kind).
func (n *node) keysOf() []string {
	if n == nil || n.kind != mapK {
		return nil
	}
	out := make([]string, len(n.keys))
	for i, k := range n.keys {
		out[i] = k.str
	}
	return out
}

// sep is what goes between a key and its value as insertEntry writes
// them: JSON's ": " is insertEntry's own, YAML's value starts with its
// space.
func (ed *editor) sep() string {
	if ed.d.json {
		return ""
	}
	return " "
}

// nested is the value text of a new mapping {key: val} under m, as
// insertEntry writes it: a JSON object, or a YAML block one level
// deeper than m's keys.
func (ed *editor) nested(m *node, key, val string) string {
	if ed.d.json {
		return "{" + strconv.Quote(key) + ": " + val + "}"
	}
	if len(m.keys) == 0 {
		return ""
	}
	return "\n" + strings.Repeat(" ", m.keys[0].col+1) + key + ": " + val
}

// chooseIntegrationEdit is the fix of a blocked exchange a non-proxy
// (or mock) method's integration response answered without the page's
// origin: that response maps Access-Control-Allow-Origin to the page's
// origin (declared in its method response when it was not). A proxy's
// headers are its back end's: no edit of the template (ok false), the
// fix is the reply to return.
func chooseIntegrationEdit(b fix.Blocked) (fix.Edit, string, bool) {
	for _, r := range b.Rules {
		if r.Failed != "integration" || r.Note.Args[0] != apigw.NonProxy && r.Note.Args[0] != apigw.Mock {
			continue
		}
		// Old names the method response status (the integration
		// response's StatusCode) whose mapping the edit changes.
		return fix.Edit{Op: fix.Add, Rule: r.Index, Field: fix.Origins, Values: []string{b.Origin}, Old: strconv.Itoa(b.Status)},
			"map Access-Control-Allow-Origin '" + b.Origin + "' in the integration response that answered status " + strconv.Itoa(b.Status) + " (and declare it in its method response)", true
	}
	return fix.Edit{}, "", false
}
