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
		c.Rules = append(c.Rules, r)
		at = append(at, w)
	}
	return c, at, errs
}

var jsonFields = []string{"allowedOrigins", "allowedMethods", "allowedHeaders", "exposedHeaders", "maxAgeInSeconds"}

func readJSON(text string) (*Configuration, []map[string]where, policy.Errors) {
	doc, perr := jsonpos.Parse(text)
	if perr != nil {
		return nil, nil, policy.Errors{perr}
	}
	v, path := doc.Root, "$"
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
		return nil, nil, policy.Errors{doc.Err(list, path, "", "want an array of CORS rules, got "+list.Kind.String())}
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
			errs = append(errs, doc.Err(item, p, "", "want a CORS rule object, got "+item.Kind.String()))
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
			switch f {
			case "allowedOrigins":
				r.AllowedOrigins = doc.Strings(fv, fp, &errs)
			case "allowedMethods":
				r.AllowedMethods = doc.Strings(fv, fp, &errs)
			case "allowedHeaders":
				r.AllowedHeaders = doc.Strings(fv, fp, &errs)
			case "exposedHeaders":
				r.ExposedHeaders = doc.Strings(fv, fp, &errs)
			case "maxAgeInSeconds":
				n, ok := fv.Int()
				if !ok {
					errs = append(errs, doc.Err(fv, fp, "", "want a whole number of seconds, got "+fv.Kind.String()))
				}
				r.MaxAgeInSeconds = n
			}
		}
		c.Rules = append(c.Rules, r)
		at = append(at, w)
	}
	return c, at, errs
}
