package terraform

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/whycors/whycors/engine/platform/apigw"
)

// routeAuth is what an HTTP API's routes say of its preflights: the
// authorizer of its $default route (kind "" for none) and where that
// authorization is written, and whether an OPTIONS /{proxy+} route
// without authorization takes the preflights first
// (docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html,
// "Configuring CORS for an HTTP API with a $default route and an
// authorizer").
type routeAuth struct {
	kind        string
	at          pos
	optionsOpen bool
	// others: the API has routes besides $default, whose own
	// authorization a request to them meets, which is not read.
	others bool
}

// routeAuths reads the module's aws_apigatewayv2_route and
// aws_apigatewayv2_authorizer resources, by the address of the API
// their api_id names. Tried as a new user would, a $default route with
// a JWT authorizer was not read and a fetch its 401 blocks was allowed.
func (m *module) routeAuths() map[string]*routeAuth {
	kinds := map[string]string{} // authorizer address -> kind
	for _, r := range m.res {
		if r.Type != "aws_apigatewayv2_authorizer" {
			continue
		}
		kind := apigw.Lambda
		if v, ok := m.attrString(r, "authorizer_type"); ok && v == "JWT" {
			kind = apigw.JWT
		}
		kinds[r.address()] = kind
	}
	out := map[string]*routeAuth{}
	for _, r := range m.res {
		if r.Type != "aws_apigatewayv2_route" {
			continue
		}
		api := refAddress(r.Block.Body.Attributes["api_id"])
		if api == "" {
			continue
		}
		ra := out[api]
		if ra == nil {
			ra = &routeAuth{}
			out[api] = ra
		}
		key, _ := m.attrString(r, "route_key")
		typ, _ := m.attrString(r, "authorization_type")
		switch {
		case key == "$default" && (typ == "JWT" || typ == "CUSTOM" || typ == "AWS_IAM"):
			ra.kind = apigw.IAM
			if typ != "AWS_IAM" {
				ra.kind = kinds[refAddress(r.Block.Body.Attributes["authorizer_id"])]
				if ra.kind == "" {
					ra.kind = apigw.Lambda
				}
			}
			a := r.Block.Body.Attributes["authorization_type"]
			ra.at = posOf(a.Expr.Range(), r.address()+".authorization_type")
		case key == "OPTIONS /{proxy+}" && (typ == "" || typ == "NONE"):
			ra.optionsOpen = true
		case key != "$default":
			ra.others = true
		}
	}
	return out
}

// attrString is r's attribute name as a string, when it is one known
// here.
func (m *module) attrString(r *resBlock, name string) (string, bool) {
	a, ok := r.Block.Body.Attributes[name]
	if !ok {
		return "", false
	}
	v, _ := m.evalQuiet(a.Expr)
	if !v.IsWhollyKnown() {
		return "", false
	}
	return asString(v)
}

// refAddress is the resource address an attribute refers to
// (aws_apigatewayv2_api.api.id: aws_apigatewayv2_api.api), or "".
func refAddress(a *hclsyntax.Attribute) string {
	if a == nil {
		return ""
	}
	st, ok := a.Expr.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(st.Traversal) < 2 {
		return ""
	}
	name, ok := st.Traversal[1].(hcl.TraverseAttr)
	if !ok {
		return ""
	}
	return st.Traversal.RootName() + "." + name.Name
}
