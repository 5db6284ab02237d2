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
// JSON). Every fault comes back, positioned, in a policy.Errors: what the
// JSON does not say as Lambda reads it, and what Lambda refuses (Validate).
// A function URL configuration without Cors has no CORS: Parse returns nil
// and no error.
func Parse(text string) (*Cors, error) {
	if len(text) > wire.MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: wire.TooLarge}}
	}
	doc, perr := jsonpos.Parse(text)
	if perr != nil {
		return nil, policy.Errors{perr}
	}
	c, errs := read(doc)
	errs = append(errs, Validate(c)...)
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
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
	for i, k := range v.Keys {
		f, fp := v.Fields[i], jsonpos.Key(path, k)
		var list *[]string
		switch k {
		case FieldAllowCredentials:
			c.AllowCredentials = place.Bool(doc, f, fp, &errs)
		case FieldMaxAge:
			c.MaxAge = place.Int(doc, f, fp, &errs)
		case FieldAllowHeaders:
			list = &c.AllowHeaders
		case FieldAllowMethods:
			list = &c.AllowMethods
		case FieldAllowOrigins:
			list = &c.AllowOrigins
		case FieldExposeHeaders:
			list = &c.ExposeHeaders
		default:
			errs = append(errs, place.Unknown(doc, f, path, k, fields))
			continue
		}
		if list != nil {
			*list = doc.Strings(f, fp, &errs)
			if f.Kind == jsonpos.Array {
				c.Values[k] = place.Items(doc, f, fp)
			}
		} else {
			c.Values[k] = []place.Position{place.Of(doc, f, fp)}
		}
	}
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
