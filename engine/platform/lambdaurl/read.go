package lambdaurl

import (
	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
	"github.com/whycors/whycors/engine/platform/internal/place"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/policy"
)

// fields are the Cors object's members (API_Cors.html), in the API's order.
var fields = []string{FieldAllowCredentials, FieldAllowHeaders, FieldAllowMethods, FieldAllowOrigins, FieldExposeHeaders, FieldMaxAge}

// urlConfigKeys mark a function URL configuration around the Cors object:
// the output of get-function-url-config and create-function-url-config,
// and update-function-url-config's --cli-input-json
// (https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionUrlConfig.html).
var urlConfigKeys = []string{"FunctionUrl", "FunctionArn", "FunctionName", "AuthType", "Qualifier", "InvokeMode", "CreationTime", "LastModifiedTime"}

// Parse reads a function URL's CORS configuration in the Lambda API's JSON:
// a function URL configuration with a "Cors" member (get-function-url-config
// output, --cli-input-json), or the Cors object itself (the CLI's --cors
// JSON), or the CLI's shorthand for --cors (AllowOrigins=https://a.example,
// AllowMethods=GET,POST; IsShorthand). Every fault comes back, positioned, in a policy.Errors: what the
// JSON does not say as Lambda reads it, and what Lambda refuses (Validate).
// A function URL configuration without Cors has no CORS: Parse returns nil
// and no error.
func Parse(text string) (*Cors, error) {
	var c *Cors
	var err error
	if IsShorthand(text) {
		c, err = parseShorthand(text)
	} else {
		c, err = place.Parse(text, read, Validate)
	}
	if c != nil && err == nil {
		c.joins = wire.JoinAll(c.AllowMethods, c.AllowHeaders, c.ExposeHeaders, c.MaxAge, ",")
	}
	return c, err
}

func read(doc *jsonpos.Doc) (*Cors, policy.Errors) {
	v, path := doc.Root, "$"
	if v.Kind != jsonpos.Object {
		return nil, policy.Errors{doc.Err(v, path, "", "want a function URL configuration or its Cors object, got "+v.Kind.String())}
	}
	if w, ok := v.Get("Cors"); ok {
		v, path = w, "$.Cors"
		if v.Kind == jsonpos.Null {
			return nil, nil
		}
		if v.Kind != jsonpos.Object {
			return nil, policy.Errors{doc.Err(v, path, "", "want a Cors object, got "+v.Kind.String())}
		}
	} else if hasAny(v, urlConfigKeys) {
		// A function URL configuration without CORS settings.
		return nil, nil
	}
	c := &Cors{At: place.Of(doc, v, path), Values: map[string][]place.Position{}}
	var errs policy.Errors
	place.Fields{
		Bools: map[string]*bool{FieldAllowCredentials: &c.AllowCredentials},
		Ints:  map[string]**int{FieldMaxAge: &c.MaxAge},
		Lists: map[string]*[]string{FieldAllowHeaders: &c.AllowHeaders, FieldAllowMethods: &c.AllowMethods, FieldAllowOrigins: &c.AllowOrigins, FieldExposeHeaders: &c.ExposeHeaders},
	}.Read(doc, v, path, fields, c.Values, &errs)
	return c, errs
}

func hasAny(v *jsonpos.Value, keys []string) bool {
	for _, k := range keys {
		if _, ok := v.Get(k); ok {
			return true
		}
	}
	return false
}
