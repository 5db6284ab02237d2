package r2

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
)

// readAPI reads the Cloudflare API shape.
func readAPI(text string) (*Configuration, policy.Errors) {
	if len(text) > wire.MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: wire.TooLarge}}
	}
	doc, perr := jsonpos.Parse(text)
	if perr != nil {
		return nil, policy.Errors{perr}
	}
	root, path := doc.Root, "$"
	if res, ok := root.Get("result"); ok {
		root, path = res, "$.result"
	}
	rules, ok := root.Get("rules")
	if !ok || rules.Kind != jsonpos.Array {
		return nil, policy.Errors{doc.Err(root, path, "", `want an object with a "rules" array`)}
	}
	path += ".rules"
	var errs policy.Errors
	c := &Configuration{}
	for i, item := range rules.Items {
		p := jsonpos.Index(path, i)
		r := s3.Rule{At: position(doc, item, p)}
		if item.Kind != jsonpos.Object {
			errs = append(errs, doc.Err(item, p, "", "want a rule object, got "+item.Kind.String()))
			c.Rules = append(c.Rules, r)
			continue
		}
		errs = append(errs, unknown(doc, item, p, "allowed", "id", "exposeHeaders", "maxAgeSeconds")...)
		list := func(obj *jsonpos.Value, op, key string, l s3.List) []string {
			f, ok := obj.Get(key)
			if !ok {
				return nil
			}
			fp := jsonpos.Key(op, key)
			out := doc.Strings(f, fp, &errs)
			for j, it := range f.Items {
				r.Values[l] = append(r.Values[l], position(doc, it, jsonpos.Index(fp, j)))
			}
			return out
		}
		if al, ok := item.Get("allowed"); ok {
			ap := p + ".allowed"
			if al.Kind != jsonpos.Object {
				errs = append(errs, doc.Err(al, ap, "", "want an object with origins, methods, headers"))
			} else {
				errs = append(errs, unknown(doc, al, ap, "origins", "methods", "headers")...)
				r.AllowedOrigins = list(al, ap, "origins", s3.OriginsList)
				r.AllowedMethods = list(al, ap, "methods", s3.MethodsList)
				r.AllowedHeaders = list(al, ap, "headers", s3.HeadersList)
			}
		}
		r.ExposeHeaders = list(item, p, "exposeHeaders", s3.ExposeList)
		if f, ok := item.Get("id"); ok {
			if f.Kind != jsonpos.String {
				errs = append(errs, doc.Err(f, p+".id", "", "want a string, got "+f.Kind.String()))
			}
			r.ID = f.Str
		}
		if f, ok := item.Get("maxAgeSeconds"); ok {
			if n, ok := f.Int(); ok {
				r.MaxAgeSeconds = &n
			} else {
				errs = append(errs, doc.Err(f, p+".maxAgeSeconds", "", "want a whole number of seconds, got "+f.Kind.String()))
			}
		}
		c.Rules = append(c.Rules, r)
	}
	c.Prepare()
	return c, errs
}

func unknown(doc *jsonpos.Doc, obj *jsonpos.Value, path string, known ...string) policy.Errors {
	var errs policy.Errors
	for i, k := range obj.Keys {
		ok := false
		for _, n := range known {
			ok = ok || k == n
		}
		if !ok {
			errs = append(errs, doc.Err(obj.Fields[i], jsonpos.Key(path, k), "", "unknown field "+strconv.Quote(k)+"; must be one of: "+strings.Join(known, ", ")))
		}
	}
	return errs
}

func position(doc *jsonpos.Doc, v *jsonpos.Value, path string) s3.Position {
	l, c := policy.LineCol(doc.Text, int(v.Off))
	return s3.Position{Path: path, Line: l, Column: c}
}
