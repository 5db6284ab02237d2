package cloudfront

import (
	"strconv"

	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
	"github.com/whycors/whycors/engine/platform/internal/place"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/policy"
)

// fields are CorsConfig's members (SourceAPI), in the API's order.
var fields = []string{FieldAllowCredentials, FieldAllowHeaders, FieldAllowMethods, FieldAllowOrigins, FieldExposeHeaders, FieldMaxAgeSec, FieldOriginOverride}

// required are the members the API requires (SourceAPI: "Required: Yes").
var required = []string{FieldAllowCredentials, FieldAllowHeaders, FieldAllowMethods, FieldAllowOrigins, FieldOriginOverride}

// The wrappers around a CorsConfig, outermost first: get-response-headers-policy
// output, its ResponseHeadersPolicyConfig (get-response-headers-policy-config
// output, --cli-input-json), and the CorsConfig member of that.
var wrappers = []string{"ResponseHeadersPolicy", "ResponseHeadersPolicyConfig", "CorsConfig"}

// Parse reads a response headers policy's CORS settings in the CloudFront
// API's JSON: a ResponseHeadersPolicy, a ResponseHeadersPolicyConfig or an
// object with its CorsConfig, or the CorsConfig object itself, each list
// as {"Quantity": n, "Items": [...]} (the API's shape; CloudFormation's
// {"Items": [...]} without Quantity is read too). Every fault comes back,
// positioned, in a policy.Errors: what the JSON does not say as CloudFront
// reads it, and what CloudFront refuses (Validate). A policy without
// CorsConfig has no CORS settings: Parse returns nil and no error.
func Parse(text string) (*CorsConfig, error) {
	c, err := place.Parse(text, read, Validate)
	if c != nil && err == nil {
		c.joins = wire.JoinAll(c.methods(), c.AccessControlAllowHeaders, c.AccessControlExposeHeaders, c.AccessControlMaxAgeSec, ", ")
	}
	return c, err
}

func read(doc *jsonpos.Doc) (*CorsConfig, policy.Errors) {
	v, path := doc.Root, "$"
	wrapped := false
	for _, k := range wrappers {
		if v.Kind != jsonpos.Object {
			return nil, policy.Errors{doc.Err(v, path, "", "want an object, got "+v.Kind.String())}
		}
		if w, ok := v.Get(k); ok {
			v, path, wrapped = w, jsonpos.Key(path, k), true
		} else if wrapped && k == "CorsConfig" {
			// A policy without CORS settings.
			return nil, nil
		}
	}
	if v.Kind != jsonpos.Object {
		return nil, policy.Errors{doc.Err(v, path, "", "want a CorsConfig object, got "+v.Kind.String())}
	}
	c := &CorsConfig{At: place.Of(doc, v, path), Values: map[string][]place.Position{}}
	var errs policy.Errors
	place.Fields{
		Bools: map[string]*bool{FieldAllowCredentials: &c.AccessControlAllowCredentials, FieldOriginOverride: &c.OriginOverride},
		Ints:  map[string]**int{FieldMaxAgeSec: &c.AccessControlMaxAgeSec},
		Lists: map[string]*[]string{FieldAllowHeaders: &c.AccessControlAllowHeaders, FieldAllowMethods: &c.AccessControlAllowMethods,
			FieldAllowOrigins: &c.AccessControlAllowOrigins, FieldExposeHeaders: &c.AccessControlExposeHeaders},
		List: readItems,
	}.Read(doc, v, path, fields, c.Values, &errs)
	for _, k := range required {
		if _, ok := v.Get(k); !ok {
			errs = append(errs, doc.Err(v, path, codeInvalid, "missing "+k+", which CorsConfig requires ("+SourceAPI+")"))
		}
	}
	return c, errs
}

// readItems reads one of CorsConfig's lists, {"Quantity": n, "Items":
// [...]}: the items and their positions. A Quantity that is not the
// number of Items is CloudFront's InconsistentQuantities.
func readItems(doc *jsonpos.Doc, v *jsonpos.Value, path string, errs *policy.Errors) ([]string, []place.Position) {
	if v.Kind != jsonpos.Object {
		*errs = append(*errs, doc.Err(v, path, "", `want {"Quantity": n, "Items": [...]}, got `+v.Kind.String()))
		return nil, nil
	}
	var items []string
	var ps []place.Position
	var quantity *int
	var qv *jsonpos.Value
	for i, k := range v.Keys {
		f, fp := v.Fields[i], jsonpos.Key(path, k)
		switch k {
		case "Items":
			if f.Kind == jsonpos.Null {
				// The API's JSON shows an empty list so (Quantity 0).
				continue
			}
			items = doc.Strings(f, fp, errs)
			if f.Kind == jsonpos.Array {
				ps = place.Items(doc, f, fp)
			}
		case "Quantity":
			quantity, qv = place.Int(doc, f, fp, errs), f
		default:
			*errs = append(*errs, place.Unknown(doc, f, path, k, []string{"Quantity", "Items"}))
		}
	}
	if quantity != nil && *quantity != len(items) {
		*errs = append(*errs, doc.Err(qv, jsonpos.Key(path, "Quantity"), "InconsistentQuantities",
			"Quantity is "+strconv.Itoa(*quantity)+" but Items has "+strconv.Itoa(len(items))+": the value of Quantity and the size of Items don't match"))
	}
	return items, ps
}
