package s3

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// target is a form conversion writes (every form but CloudFormation's):
// a format that also implements convert.Writer and convert.ModelWriter.
type target struct{ format }

// SelectsByMethod implements convert.MethodSelector.
func (*target) SelectsByMethod() {}

// WriteRules implements convert.Writer: p in S3's model (FromPortable),
// then in this form.
func (t *target) WriteRules(p portable.Policy, names []string, n *portable.Notes) (string, error) {
	c := FromPortable(n, p, names, "S3")
	if err := n.Err(); err != nil {
		return "", err
	}
	return t.write(c)
}

// WriteModel implements convert.ModelWriter: a *Configuration, read from
// any form of S3's model (S3's own, or R2's, which stores the same:
// engine/platform/r2 reads into this type), is written rule for rule.
func (t *target) WriteModel(m any) (string, bool, error) {
	c, ok := m.(*Configuration)
	if !ok {
		return "", false, nil
	}
	out, err := t.write(c)
	return out, true, err
}

// write refuses what PutBucketCors would refuse (Validate) instead of
// writing a document S3 rejects, then writes c in t's form.
func (t *target) write(c *Configuration) (string, error) {
	if errs := Validate(c); len(errs) > 0 {
		return "", errs
	}
	return Write(t.form, c)
}

// Write writes c in form with WriteXML, WriteJSON or WriteCLI; like them,
// it does not validate (a platform storing S3's model, R2, validates with
// its own limits first). CloudFormation's form is read only.
func Write(form Form, c *Configuration) (string, error) {
	switch form {
	case FormJSON:
		return WriteJSON(c)
	case FormCLI:
		return WriteCLI(c)
	case FormXML:
		return WriteXML(c)
	}
	return "", policy.Errors{{Msg: "s3: cannot write form " + strconv.Quote(string(form))}}
}

// FromPortable maps p onto S3's model, for S3 or for a platform that
// stores it (plat names it in the notes: "S3", "R2"). It notes, in n,
// each difference in meaning: the methods S3 cannot list, "*" in
// ExposeHeader (refused, §1.2), the credentials S3 decides by itself
// (§0 item 4), the fall-through to later rules (§1.3) and Vary (§0 item
// 5); it refuses per-path rules, since a bucket's CORS covers every key.
// A name (rule ID) longer than S3 accepts is left out.
func FromPortable(n *portable.Notes, p portable.Policy, names []string, plat string) *Configuration {
	portable.NoPaths(n, p, plat)
	c := &Configuration{}
	for i, r := range p.Rules {
		sr := Rule{AllowedOrigins: r.Origins, MaxAgeSeconds: r.MaxAge}
		if i < len(names) && len(names[i]) <= MaxIDLen {
			sr.ID = names[i]
		}
		sr.AllowedMethods = portable.WithSimple(n, i, r, methods[:], plat)
		for _, h := range r.AllowHeaders {
			sr.AllowedHeaders = portable.AppendUnique(sr.AllowedHeaders, h)
		}
		for _, h := range r.ExposeHeaders {
			if h == "*" {
				n.Note(i, "expose_headers", portable.Narrower, plat+" refuses \"*\" in ExposeHeader; left out, list the headers")
				continue
			}
			sr.ExposeHeaders = append(sr.ExposeHeaders, h)
		}
		switch {
		case r.AnyOrigin() && r.Credentials:
			n.Note(i, "credentials", portable.Narrower, plat+" answers a \"*\" origin with Access-Control-Allow-Origin: * and no credentials, so credentialed requests fail; list the origins to allow them")
		case !r.AnyOrigin() && !r.Credentials:
			// With what to do, as a dead end without one left the user
			// guessing (tried as a new user would).
			n.Note(i, "credentials", portable.Wider, plat+" sends Access-Control-Allow-Credentials: true whenever the origin is not \"*\", so credentialed requests from these origins are allowed too, which the source refuses; no "+plat+" rule can refuse them: if they should pass, allow credentials in the source (a native rule's \"credentials\": true) and convert again")
		}
		c.Rules = append(c.Rules, sr)
	}
	portable.FallThrough(n, p, plat, true)
	n.Note(-1, "", portable.Same, plat+" sends Vary only when a rule matches: behind a CDN, put Origin in the cache key")
	return c
}

// writeJSONRules writes c's rules as the console and the CLI show them:
// keys in the console's order (ManageCorsUsing.md), unset members left
// out, as GetBucketCors returns only set members ([AWS-REC]
// test_put_cors).
func writeJSONRules(w *jsontext.Indented, c *Configuration) {
	w.Open('[')
	for _, r := range c.Rules {
		w.Open('{')
		w.StringOmitEmpty("ID", r.ID)
		w.StringsOmitEmpty("AllowedHeaders", r.AllowedHeaders)
		w.Key("AllowedMethods")
		w.Strings(r.AllowedMethods)
		w.Key("AllowedOrigins")
		w.Strings(r.AllowedOrigins)
		w.StringsOmitEmpty("ExposeHeaders", r.ExposeHeaders)
		w.IntOmitNil("MaxAgeSeconds", r.MaxAgeSeconds)
		w.Close('}')
	}
	w.Close(']')
}

// WriteJSON writes c in the S3 console's form, a bare JSON array.
func WriteJSON(c *Configuration) (string, error) {
	var w jsontext.Indented
	writeJSONRules(&w, c)
	return w.Text(), nil
}

// WriteCLI writes c as the AWS CLI's --cors-configuration value,
// {"CORSRules": [...]}.
func WriteCLI(c *Configuration) (string, error) {
	var w jsontext.Indented
	w.Open('{')
	w.Key("CORSRules")
	writeJSONRules(&w, c)
	w.Close('}')
	return w.Text(), nil
}

// WriteXML writes c as the PutBucketCors document, with S3's namespace.
// Every form can express every rule, so the error is always nil; it is
// there for the shared Write signature.
func WriteXML(c *Configuration) (string, error) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + "\n")
	for _, r := range c.Rules {
		b.WriteString("  <CORSRule>\n")
		elem := func(name, v string) {
			b.WriteString("    <" + name + ">" + xmlEscape(v) + "</" + name + ">\n")
		}
		if r.ID != "" {
			elem("ID", r.ID)
		}
		for _, v := range r.AllowedOrigins {
			elem("AllowedOrigin", v)
		}
		for _, v := range r.AllowedMethods {
			elem("AllowedMethod", v)
		}
		for _, v := range r.AllowedHeaders {
			elem("AllowedHeader", v)
		}
		for _, v := range r.ExposeHeaders {
			elem("ExposeHeader", v)
		}
		if r.MaxAgeSeconds != nil {
			elem("MaxAgeSeconds", strconv.Itoa(*r.MaxAgeSeconds))
		}
		b.WriteString("  </CORSRule>\n")
	}
	b.WriteString("</CORSConfiguration>\n")
	return b.String(), nil
}
