package azure

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/platform/internal/xmlpos"
	"github.com/whycors/whycors/engine/policy"
)

// Form names one way of writing the rules; each is a policy format name.
type Form string

// The forms this package reads.
const (
	FormXML  Form = "azure-xml"
	FormJSON Form = "azure-json"
)

// where is the position of one field of a rule, for validation errors.
type where struct {
	path      string
	line, col int
}

// Parse reads text written in form and validates it with Azure's limits.
// Every fault comes back, positioned, in a policy.Errors.
func Parse(form Form, text string) (*Configuration, error) {
	if len(text) > wire.MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: wire.TooLarge}}
	}
	var c *Configuration
	var at []map[string]where
	var errs policy.Errors
	switch form {
	case FormXML:
		c, at, errs = readXML(text)
	case FormJSON:
		c, at, errs = readJSON(text)
	default:
		return nil, policy.Errors{{Msg: "azure: unknown form " + strconv.Quote(string(form))}}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if errs := validate(c, at); len(errs) > 0 {
		return nil, errs
	}
	for i := range c.Rules {
		c.Rules[i].maxAge = wire.NewDecimal(c.Rules[i].MaxAgeInSeconds)
	}
	return c, nil
}

// Validate checks c against Azure's limits (cloud-policies.md §4). Which
// error code Azure gives each fault is [UNVERIFIED]; we use
// InvalidXmlNodeValue, Azure's code for a value in the wrong format.
func Validate(c *Configuration) policy.Errors { return validate(c, nil) }

func validate(c *Configuration, at []map[string]where) policy.Errors {
	var errs policy.Errors
	fail := func(i int, field, msg string) {
		e := &policy.Error{Code: errNodeValue, Msg: msgNodeValue + " (" + msg + ")"}
		r := &c.Rules[i]
		e.Path, e.Line, e.Column = r.Path, r.Line, r.Column
		if i < len(at) {
			if w, ok := at[i][field]; ok {
				e.Path, e.Line, e.Column = w.path, w.line, w.col
			}
		}
		errs = append(errs, e)
	}
	if len(c.Rules) > MaxRules {
		r := c.Rules[MaxRules]
		errs = append(errs, &policy.Error{Path: r.Path, Line: r.Line, Column: r.Column, Code: errNodeValue,
			Msg: msgNodeValue + " (" + strconv.Itoa(len(c.Rules)) + " CORS rules; a service allows at most 5)"})
	}
	for i := range c.Rules {
		r := &c.Rules[i]
		if len(r.AllowedOrigins) == 0 {
			fail(i, "AllowedOrigins", "AllowedOrigins is empty")
		}
		if len(r.AllowedMethods) == 0 {
			fail(i, "AllowedMethods", "AllowedMethods is empty")
		}
		for _, m := range r.AllowedMethods {
			if !slices.Contains(methods, m) {
				fail(i, "AllowedMethods", "method "+strconv.Quote(m)+" is not one of "+strings.Join(methods, ", "))
			}
		}
		for _, o := range r.AllowedOrigins {
			if len(o) > MaxValueLen {
				fail(i, "AllowedOrigins", "an origin is longer than 256 characters")
			}
		}
		for _, l := range []struct {
			field string
			list  []string
		}{{"AllowedHeaders", r.AllowedHeaders}, {"ExposedHeaders", r.ExposedHeaders}} {
			lit, pre := 0, 0
			for _, h := range l.list {
				if len(h) > MaxValueLen {
					fail(i, l.field, "a header is longer than 256 characters")
				}
				if strings.HasSuffix(h, "*") && h != "*" {
					pre++
				} else {
					lit++
				}
			}
			if lit > MaxLiteral {
				fail(i, l.field, l.field+" has "+strconv.Itoa(lit)+" literal headers; at most 64")
			}
			if pre > MaxPrefixed {
				fail(i, l.field, l.field+" has "+strconv.Itoa(pre)+" prefixed headers; at most 2")
			}
		}
		if r.MaxAgeInSeconds < 0 {
			fail(i, "MaxAgeInSeconds", "MaxAgeInSeconds is negative")
		}
	}
	return errs
}

// splitComma splits one XML list value: "http://a.com, http://b.com".
func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var fields = []string{"AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposedHeaders", "MaxAgeInSeconds"}

func readXML(text string) (*Configuration, []map[string]where, policy.Errors) {
	root, perr := xmlpos.Parse(text)
	if perr != nil {
		perr.Code = errDocument
		perr.Msg = msgXMLDocument + " (" + perr.Msg + ")"
		return nil, nil, policy.Errors{perr}
	}
	cors, base := root, root.Name
	if root.Name == "StorageServiceProperties" {
		cors = nil
		for _, ch := range root.Children {
			if ch.Name == "Cors" {
				cors, base = ch, "StorageServiceProperties/Cors"
			}
		}
		if cors == nil {
			return nil, nil, policy.Errors{xmlpos.Err(root, root.Name, errDocument, "StorageServiceProperties has no Cors element")}
		}
	}
	if cors.Name != "Cors" {
		return nil, nil, policy.Errors{xmlpos.Err(root, root.Name, errDocument, "the root element must be Cors or StorageServiceProperties")}
	}
	var errs policy.Errors
	c := &Configuration{}
	var at []map[string]where
	for i, el := range cors.Children {
		p := xmlpos.Path(base, el.Name, i)
		if el.Name != "CorsRule" {
			errs = append(errs, xmlpos.Err(el, p, errDocument, "unexpected element "+el.Name+"; want CorsRule"))
			continue
		}
		r := Rule{Path: p, Line: el.Line, Column: el.Column}
		w := map[string]where{}
		for _, ch := range el.Children {
			cp := p + "/" + ch.Name
			if _, dup := w[ch.Name]; dup {
				errs = append(errs, xmlpos.Err(ch, cp, errDocument, "more than one "+ch.Name))
			}
			w[ch.Name] = where{cp, ch.Line, ch.Column}
			switch ch.Name {
			case "AllowedOrigins":
				r.AllowedOrigins = splitComma(ch.Text)
			case "AllowedMethods":
				r.AllowedMethods = splitComma(ch.Text)
			case "AllowedHeaders":
				r.AllowedHeaders = splitComma(ch.Text)
			case "ExposedHeaders":
				r.ExposedHeaders = splitComma(ch.Text)
			case "MaxAgeInSeconds":
				n, err := strconv.Atoi(strings.TrimSpace(ch.Text))
				if err != nil {
					errs = append(errs, xmlpos.Err(ch, cp, errNodeValue, msgNodeValue+" (MaxAgeInSeconds must be a whole number)"))
				}
				r.MaxAgeInSeconds = n
			default:
				errs = append(errs, xmlpos.Err(ch, cp, errDocument, "unexpected element "+ch.Name+" in CorsRule"))
			}
		}
		// Every element of a CorsRule is required (Set Blob Service
		// Properties: "Required if CorsRule element is present").
		for _, f := range fields {
			if _, ok := w[f]; !ok {
				errs = append(errs, xmlpos.Err(el, p, errDocument, "CorsRule lacks "+f+" (required)"))
			}
		}
		r.at = w
		c.Rules = append(c.Rules, r)
		at = append(at, w)
	}
	return c, at, errs
}

var jsonFields = []string{"allowedOrigins", "allowedMethods", "allowedHeaders", "exposedHeaders", "maxAgeInSeconds"}

// blobServices is the ARM resource type whose properties hold a storage
// account's Blob CORS rules (Microsoft.Storage/storageAccounts/
// blobServices, properties.cors.corsRules); nested in a storage account's
// own "resources", its type is the last segment alone.
const blobServices = "Microsoft.Storage/storageAccounts/blobServices"

// readJSON reads the JSON forms: the rules as ARM, Bicep's compiled
// template and `az storage account blob-service-properties show` spell
// them ({"corsRules": [...]}, under "cors" and "properties"), a whole ARM
// template (its blobServices resource), or the list `az storage cors
// list` prints.
func readJSON(text string) (*Configuration, []map[string]where, policy.Errors) {
	doc, perr := jsonpos.Parse(text)
	if perr != nil {
		if looksBicep(text) {
			perr.Msg = "this is Bicep, which whycors does not read: `az bicep build --file FILE` writes the ARM template it deploys, and whycors reads that (" + perr.Msg + ")"
		}
		return nil, nil, policy.Errors{perr}
	}
	v, path := doc.Root, "$"
	if v.Kind == jsonpos.Array {
		return readCLIList(doc, text)
	}
	if res, ok := v.Get("resources"); ok {
		var err *policy.Error
		if v, path, err = armBlobService(doc, res, "$.resources"); err != nil {
			return nil, nil, policy.Errors{err}
		}
	}
	if p, ok := v.Get("properties"); ok {
		v, path = p, path+".properties"
	}
	if p, ok := v.Get("cors"); ok {
		v, path = p, path+".cors"
	}
	list, ok := v.Get("corsRules")
	if !ok {
		return nil, nil, policy.Errors{doc.Err(v, path, "", `want an object with "corsRules"`)}
	}
	path += ".corsRules"
	if list.Kind != jsonpos.Array {
		return nil, nil, policy.Errors{doc.Err(list, path, "", "want an array of CORS rules, got "+got(list))}
	}
	var errs policy.Errors
	c := &Configuration{root: doc.Root}
	var at []map[string]where
	for i, item := range list.Items {
		p := jsonpos.Index(path, i)
		l, col := policy.LineCol(text, int(item.Off))
		r := Rule{Path: p, Line: l, Column: col}
		w := map[string]where{}
		if item.Kind != jsonpos.Object {
			errs = append(errs, doc.Err(item, p, "", "want a CORS rule object, got "+got(item)))
			continue
		}
		for j, k := range item.Keys {
			if !slices.Contains(jsonFields, k) {
				errs = append(errs, doc.Err(item.Fields[j], jsonpos.Key(p, k), "", "unknown field "+strconv.Quote(k)+"; must be one of: "+strings.Join(jsonFields, ", ")))
			}
		}
		for fi, f := range jsonFields {
			fv, ok := item.Get(f)
			if !ok {
				// All five are required in the ARM CorsRule schema.
				errs = append(errs, doc.Err(item, p, "", "missing required field "+strconv.Quote(f)))
				continue
			}
			fp := jsonpos.Key(p, f)
			fl, fc := policy.LineCol(text, int(fv.Off))
			w[fields[fi]] = where{fp, fl, fc}
			if armHint(fv) != "" {
				e := doc.Err(fv, fp, "", "want the rule's values, got "+armHint(fv))
				e.LintCode = codeARMExpression
				errs = append(errs, e)
				continue
			}
			switch f {
			case "allowedOrigins":
				r.AllowedOrigins = armStrings(doc, fv, fp, &errs)
			case "allowedMethods":
				r.AllowedMethods = armStrings(doc, fv, fp, &errs)
			case "allowedHeaders":
				r.AllowedHeaders = armStrings(doc, fv, fp, &errs)
			case "exposedHeaders":
				r.ExposedHeaders = armStrings(doc, fv, fp, &errs)
			case "maxAgeInSeconds":
				n, ok := fv.Int()
				if !ok {
					errs = append(errs, doc.Err(fv, fp, "", "want a whole number of seconds, got "+fv.Kind.String()))
				}
				r.MaxAgeInSeconds = n
			}
		}
		r.at = w
		c.Rules = append(c.Rules, r)
		at = append(at, w)
	}
	return c, at, errs
}

// armStrings is doc.Strings, with each item that is an ARM template
// expression ("[parameters('origins')]") a fault of its own: whycors
// does not evaluate a template's parameters.
func armStrings(doc *jsonpos.Doc, v *jsonpos.Value, path string, errs *policy.Errors) []string {
	out := doc.Strings(v, path, errs)
	for i, it := range v.Items {
		if h := armHint(it); h != "" {
			e := doc.Err(it, jsonpos.Index(path, i), "", "want a value, got "+h)
			e.LintCode = codeARMExpression
			*errs = append(*errs, e)
		}
	}
	return out
}

// armHint says why a string is not read when it is an ARM template
// expression (a string in brackets; "[[" escapes a literal bracket), and
// is "" otherwise.
func armHint(v *jsonpos.Value) string {
	if v.Kind != jsonpos.String || !strings.HasPrefix(v.Str, "[") || strings.HasPrefix(v.Str, "[[") || !strings.HasSuffix(v.Str, "]") {
		return ""
	}
	return "the ARM template expression " + strconv.Quote(v.Str) + ", which whycors does not evaluate: write the values in the template, or give it the deployed rules (`az storage account blob-service-properties show`)"
}

// got names what v is, for a fault: its ARM expression, or its kind.
func got(v *jsonpos.Value) string {
	if h := armHint(v); h != "" {
		return h
	}
	return v.Kind.String()
}

// armBlobService finds, in an ARM template's resources, the one
// blobServices resource, at the top level or nested in a storage
// account, and returns it and its path.
func armBlobService(doc *jsonpos.Doc, res *jsonpos.Value, path string) (*jsonpos.Value, string, *policy.Error) {
	if res.Kind != jsonpos.Array {
		return nil, "", doc.Err(res, path, "", "want the template's resources as an array, got "+res.Kind.String())
	}
	var found *jsonpos.Value
	var foundPath string
	for i, r := range res.Items {
		p := jsonpos.Index(path, i)
		t, _ := r.Get("type")
		if t == nil || t.Kind != jsonpos.String {
			continue
		}
		var hit *jsonpos.Value
		var hitPath string
		switch {
		case strings.EqualFold(t.Str, blobServices):
			hit, hitPath = r, p
		case strings.EqualFold(t.Str, "Microsoft.Storage/storageAccounts"):
			if kids, ok := r.Get("resources"); ok && kids.Kind == jsonpos.Array {
				for j, k := range kids.Items {
					if kt, _ := k.Get("type"); kt != nil && kt.Kind == jsonpos.String && (strings.EqualFold(kt.Str, "blobServices") || strings.EqualFold(kt.Str, blobServices)) {
						if hit != nil {
							return nil, "", doc.Err(k, jsonpos.Index(p+".resources", j), "", "a second "+blobServices+" resource; whycors reads one service's CORS rules: give it a template with one")
						}
						hit, hitPath = k, jsonpos.Index(p+".resources", j)
					}
				}
			}
		}
		if hit == nil {
			continue
		}
		if found != nil {
			return nil, "", doc.Err(hit, hitPath, "", "a second "+blobServices+" resource (the first is at "+foundPath+"); whycors reads one service's CORS rules: give it a template with one")
		}
		found, foundPath = hit, hitPath
	}
	if found == nil {
		return nil, "", doc.Err(res, path, "", "no "+blobServices+" resource: a storage account's Blob CORS rules are in that resource's properties.cors.corsRules")
	}
	return found, foundPath, nil
}

// looksBicep reports a text that is Bicep, not JSON: a resource
// declaration with a type in quotes.
func looksBicep(text string) bool {
	return strings.Contains(text, "resource ") && strings.Contains(text, "'Microsoft.")
}

// cliFields are the keys of an item of `az storage cors list`'s output,
// each a CorsRule element: the lists comma-separated strings, as in the
// XML.
var cliFields = []string{"AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposedHeaders", "MaxAgeInSeconds"}

// readCLIList reads what `az storage cors list` prints: a list of every
// service's rules, each with its Service. The Blob service's are read;
// another service's rules answer that service's requests, not a blob's,
// and are left out.
func readCLIList(doc *jsonpos.Doc, text string) (*Configuration, []map[string]where, policy.Errors) {
	var errs policy.Errors
	c := &Configuration{cli: true}
	var at []map[string]where
	var others []string
	// A list without Service names is of the blob service alone.
	service := "blob"
	for i, item := range doc.Root.Items {
		p := jsonpos.Index("$", i)
		if item.Kind != jsonpos.Object {
			errs = append(errs, doc.Err(item, p, "", "want a CORS rule object, got "+item.Kind.String()))
			continue
		}
		if s, ok := item.Get("Service"); ok {
			if s.Kind != jsonpos.String {
				errs = append(errs, doc.Err(s, jsonpos.Key(p, "Service"), "", "want a service name (blob, file, queue, table), got "+s.Kind.String()))
				continue
			}
			// azure-cli prints the service on a service's first rule
			// and "" on the ones after it (found by a review): an
			// empty one is the service before it.
			if s.Str != "" {
				service = s.Str
			}
		}
		if !strings.EqualFold(service, "blob") && !strings.EqualFold(service, "b") {
			if !slices.Contains(others, service) {
				others = append(others, service)
			}
			continue
		}
		for j, k := range item.Keys {
			// Rule numbers the service's rules (azure-cli's
			// transform_cors_list_output).
			if k != "Service" && k != "Rule" && !slices.Contains(cliFields, k) {
				errs = append(errs, doc.Err(item.Fields[j], jsonpos.Key(p, k), "", "unknown field "+strconv.Quote(k)+"; must be one of: Service, Rule, "+strings.Join(cliFields, ", ")))
			}
		}
		l, col := policy.LineCol(text, int(item.Off))
		r := Rule{Path: p, Line: l, Column: col}
		w := map[string]where{}
		for _, f := range cliFields {
			fv, ok := item.Get(f)
			fp := jsonpos.Key(p, f)
			if !ok {
				errs = append(errs, doc.Err(item, p, "", "missing required field "+strconv.Quote(f)))
				continue
			}
			fl, fc := policy.LineCol(text, int(fv.Off))
			w[f] = where{fp, fl, fc}
			if f == "MaxAgeInSeconds" {
				n, ok := fv.Int()
				if !ok {
					errs = append(errs, doc.Err(fv, fp, "", "want a whole number of seconds, got "+fv.Kind.String()))
				}
				r.MaxAgeInSeconds = n
				continue
			}
			if fv.Kind != jsonpos.String {
				errs = append(errs, doc.Err(fv, fp, "", "want a comma-separated string, as `az storage cors list` prints it, got "+fv.Kind.String()))
				continue
			}
			switch list := splitComma(fv.Str); f {
			case "AllowedOrigins":
				r.AllowedOrigins = list
			case "AllowedMethods":
				r.AllowedMethods = list
			case "AllowedHeaders":
				r.AllowedHeaders = list
			case "ExposedHeaders":
				r.ExposedHeaders = list
			}
		}
		r.at = w
		c.Rules = append(c.Rules, r)
		at = append(at, w)
	}
	if len(errs) == 0 && len(c.Rules) == 0 && len(others) > 0 {
		errs = append(errs, doc.Err(doc.Root, "$", "", "no rule of the Blob service: these rules are for "+strings.Join(others, ", ")))
	}
	return c, at, errs
}
