package gcs

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/platform/internal/xmlpos"
	"github.com/whycors/whycors/engine/policy"
)

// Form names one way of writing the configuration.
type Form string

// The forms this package reads; each is a policy format name.
const (
	FormJSON Form = "gcs-json"
	FormXML  Form = "gcs-xml"
)

// Parse reads text written in form; every fault comes back, positioned,
// in a policy.Errors.
func Parse(form Form, text string) (*Configuration, error) {
	if len(text) > wire.MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: wire.TooLarge}}
	}
	var c *Configuration
	var errs policy.Errors
	switch form {
	case FormJSON:
		c, errs = readJSON(text)
	case FormXML:
		c, errs = readXML(text)
	default:
		return nil, policy.Errors{{Msg: "gcs: unknown form " + strconv.Quote(string(form))}}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	c.prepare()
	return c, nil
}

var jsonKeys = []string{"origin", "method", "responseHeader", "maxAgeSeconds"}

func readJSON(text string) (*Configuration, policy.Errors) {
	doc, perr := jsonpos.Parse(text)
	if perr != nil {
		return nil, policy.Errors{perr}
	}
	list, path := doc.Root, "$"
	if v, ok := list.Get("cors"); ok {
		list, path = v, "$.cors"
	} else if v, ok := list.Get("cors_config"); ok {
		// gcloud storage buckets describe --format=json spells the
		// bucket's cors as cors_config (its entries as the API does).
		list, path = v, "$.cors_config"
	}
	if list.Kind != jsonpos.Array {
		what := "want a list of CORS entries"
		if list.Kind == jsonpos.Object {
			what += ", or an object with one under \"cors\" (the JSON API's bucket) or \"cors_config\" (gcloud storage buckets describe --format=json)"
		}
		return nil, policy.Errors{doc.Err(list, path, "", what+", got "+list.Kind.String())}
	}
	var errs policy.Errors
	c := &Configuration{Entries: []Entry{}, root: doc.Root}
	for i, item := range list.Items {
		p := jsonpos.Index(path, i)
		l, col := policy.LineCol(text, int(item.Off))
		e := Entry{Path: p, Line: l, Column: col}
		if item.Kind != jsonpos.Object {
			errs = append(errs, doc.Err(item, p, "", "want a CORS entry object, got "+item.Kind.String()))
			continue
		}
		for j, k := range item.Keys {
			if !slices.Contains(jsonKeys, k) {
				errs = append(errs, doc.Err(item.Fields[j], jsonpos.Key(p, k), "", "unknown field "+strconv.Quote(k)+"; must be one of: "+strings.Join(jsonKeys, ", ")))
			}
		}
		get := func(k string) []string {
			if v, ok := item.Get(k); ok {
				return doc.Strings(v, jsonpos.Key(p, k), &errs)
			}
			return nil
		}
		e.Origin, e.Method, e.ResponseHeader = get("origin"), get("method"), get("responseHeader")
		if v, ok := item.Get("maxAgeSeconds"); ok {
			if n, ok := v.Int(); ok && n >= 0 {
				e.MaxAgeSeconds = &n
			} else {
				errs = append(errs, doc.Err(v, p+".maxAgeSeconds", "", "want a whole, non-negative number of seconds"))
			}
		}
		c.Entries = append(c.Entries, e)
	}
	return c, errs
}

func readXML(text string) (*Configuration, policy.Errors) {
	root, perr := xmlpos.Parse(text)
	if perr != nil {
		return nil, policy.Errors{perr}
	}
	if root.Name != "CorsConfig" {
		return nil, policy.Errors{xmlpos.Err(root, root.Name, "", "the root element must be CorsConfig")}
	}
	var errs policy.Errors
	c := &Configuration{Entries: []Entry{}}
	for i, el := range root.Children {
		p := xmlpos.Path("CorsConfig", el.Name, i)
		if el.Name != "Cors" {
			errs = append(errs, xmlpos.Err(el, p, "", "unexpected element "+el.Name+"; want Cors"))
			continue
		}
		e := Entry{Path: p, Line: el.Line, Column: el.Column}
		for _, ch := range el.Children {
			cp := p + "/" + ch.Name
			list := func(item string) []string {
				var out []string
				for _, it := range ch.Children {
					if it.Name != item {
						errs = append(errs, xmlpos.Err(it, cp+"/"+it.Name, "", "unexpected element "+it.Name+"; want "+item))
						continue
					}
					out = append(out, strings.TrimSpace(it.Text))
				}
				return out
			}
			switch ch.Name {
			case "Origins":
				e.Origin = append(e.Origin, list("Origin")...)
			case "Methods":
				e.Method = append(e.Method, list("Method")...)
			case "ResponseHeaders":
				e.ResponseHeader = append(e.ResponseHeader, list("ResponseHeader")...)
			case "MaxAgeSec":
				n, err := strconv.Atoi(strings.TrimSpace(ch.Text))
				if err != nil || n < 0 {
					errs = append(errs, xmlpos.Err(ch, cp, "", "MaxAgeSec must be a whole, non-negative number, got "+strconv.Quote(ch.Text)))
				} else {
					e.MaxAgeSeconds = &n
				}
			default:
				errs = append(errs, xmlpos.Err(ch, cp, "", "unexpected element "+ch.Name+" in Cors"))
			}
		}
		c.Entries = append(c.Entries, e)
	}
	return c, errs
}
