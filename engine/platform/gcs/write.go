package gcs

import (
	"slices"
	"strings"

	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/portable"
)

// Write writes c as the gcloud/gsutil JSON list; unset members are left
// out.
func Write(c *Configuration) (string, error) {
	var w jsontext.Indented
	w.Open('[')
	for _, e := range c.Entries {
		w.Open('{')
		w.StringsOmitEmpty("origin", e.Origin)
		w.StringsOmitEmpty("method", e.Method)
		w.StringsOmitEmpty("responseHeader", e.ResponseHeader)
		w.IntOmitNil("maxAgeSeconds", e.MaxAgeSeconds)
		w.Close('}')
	}
	w.Close(']')
	return w.Text(), nil
}

// methods are the methods a converted entry may list (portable.WithSimple
// keeps a rule's method only when it is one of them).
var methods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}

// SelectsByMethod implements convert.MethodSelector.
func (*listFormat) SelectsByMethod() {}

// WriteRules implements convert.Writer for the gcloud list: p's rules
// become entries, and n says where GCS cannot say the same thing.
func (*listFormat) WriteRules(p portable.Policy, _ []string, n *portable.Notes) (string, error) {
	c := fromPortable(n, p)
	if err := n.Err(); err != nil {
		return "", err
	}
	return Write(c)
}

// fromPortable maps p onto entries. GCS has no paths, no partial origin
// wildcard, one list for allowed and exposed headers, and no
// credentials; each loss is a Note, and a rule left with no origin is
// refused.
func fromPortable(n *portable.Notes, p portable.Policy) *Configuration {
	portable.NoPaths(n, p, "GCS")
	c := &Configuration{}
	for i, r := range p.Rules {
		e := Entry{MaxAgeSeconds: r.MaxAge}
		var ok bool
		if e.Origin, ok = portable.WholeOrigins(n, i, r.Origins, "GCS", "GCS takes no partial wildcard", "; list the origins"); !ok {
			continue
		}
		if slices.Contains(r.Methods, "*") {
			// "*" in method is any method (§3, JSON API field docs).
			e.Method = []string{"*"}
		} else {
			e.Method = portable.WithSimple(n, i, r, methods, "GCS")
		}
		// One responseHeader list serves as Access-Control-Allow-Headers
		// and -Expose-Headers (cloud-policies.md §3, [UNVERIFIED]).
		for _, h := range r.AllowHeaders {
			e.ResponseHeader = portable.AppendUnique(e.ResponseHeader, h)
		}
		for _, h := range r.ExposeHeaders {
			e.ResponseHeader = portable.AppendUnique(e.ResponseHeader, h)
		}
		if extra := oneList(r.AllowHeaders, r.ExposeHeaders); len(extra) > 0 {
			n.Note(i, "allow_headers", portable.Wider, "GCS has one responseHeader list for the headers a page may send and the ones it may read; the converted entry also allows or exposes "+strings.Join(extra, ", "))
		}
		if slices.Contains(r.AllowHeaders, "*") {
			n.Note(i, "allow_headers", portable.Narrower, "GCS sends \"*\" as written: browsers do not apply it to credentialed requests, nor by the standard to Authorization")
		}
		if r.Credentials {
			n.Note(i, "credentials", portable.Narrower, "GCS sends no Access-Control-Allow-Credentials (documented, not yet checked against GCS), so credentialed requests fail")
		}
		c.Entries = append(c.Entries, e)
	}
	portable.FallThrough(n, p, "GCS", false)
	return c
}

// oneList is what GCS's one responseHeader list adds to a rule's allowed
// and exposed headers: a name allowed but not exposed is exposed too,
// unless a page may read it anyway (a CORS-safelisted response-header
// name: Fetch, "CORS-safelisted response-header name"); a name exposed
// but not allowed is allowed too. Tried as a new user would, allowing
// Content-Type alone was refused as a widening.
func oneList(allow, expose []string) []string {
	var out []string
	for _, h := range allow {
		if !slices.ContainsFunc(expose, func(x string) bool { return strings.EqualFold(x, h) }) && !safelistedResponse[strings.ToLower(h)] {
			out = append(out, h)
		}
	}
	for _, h := range expose {
		if !slices.ContainsFunc(allow, func(x string) bool { return strings.EqualFold(x, h) }) {
			out = append(out, h)
		}
	}
	return out
}

// safelistedResponse are the CORS-safelisted response-header names,
// which every page may read (fetch.spec.whatwg.org/#cors-safelisted-response-header-name).
var safelistedResponse = map[string]bool{"cache-control": true, "content-language": true, "content-length": true, "content-type": true, "expires": true, "last-modified": true, "pragma": true}
