package convert

import (
	"errors"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/express"
	"github.com/whycors/whycors/engine/formats/nginx"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/platform/azure"
	"github.com/whycors/whycors/engine/platform/gcs"
	"github.com/whycors/whycors/engine/platform/r2"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Targets lists the format names of reg that Convert writes.
func Targets(reg *policy.Registry) []string {
	var out []string
	for _, n := range reg.Names() {
		f, _ := reg.Lookup(n)
		if _, ok := f.(Writer); ok || n == native.FormatName || legacyTarget(n) {
			out = append(out, n)
		}
	}
	return out
}

func legacyTarget(n string) bool {
	for _, t := range []string{"apigw-http", "azure-xml", "express", "gcs-json", "nginx",
		"r2-api", "r2-cli", "r2-json", "r2-xml", "s3-cli", "s3-json", "s3-xml"} {
		if t == n {
			return true
		}
	}
	return false
}

// render runs the checks every target shares, then target's writer (in
// a function of its own so that ToNative links only native's).
func render(p portable.Policy, from []int, to string, target func(n *portable.Notes) (string, error)) (string, []Note, error) {
	if len(p.Rules) == 0 {
		return "", nil, &Error{Msg: "no rule is left to write: the target cannot express any rule of the source", Refused: true}
	}
	n := &portable.Notes{From: from}
	var out string
	err := p.Validate()
	if err == nil {
		out, err = target(n)
	}
	var refusal *portable.Refusal
	var ce *Error
	switch {
	case err == nil:
	case errors.As(err, &refusal):
		err = &Error{Msg: refusal.Msg, Refused: true}
	case !errors.As(err, &ce):
		// The target's own writer or validation refuses the result
		// (Azure's five rules, R2's limits, nginx's one location per
		// path): the source is fine, the target cannot hold it.
		err = &Error{Msg: to + " refuses the converted policy: " + err.Error(), Refused: true}
	}
	return out, n.List(), err
}

// writeTarget maps p onto the target's model and writes it.
func writeTarget(n *portable.Notes, p portable.Policy, names []string, to string) (string, error) {
	switch {
	case strings.HasPrefix(to, "s3-") || strings.HasPrefix(to, "r2-"):
		c := toS3(n, p, names, to)
		if err := n.Err(); err != nil {
			return "", err
		}
		out, err := writeS3Family(c, to)
		return out, err
	case to == "gcs-json":
		c := toGCS(n, p)
		if err := n.Err(); err != nil {
			return "", err
		}
		out, err := gcs.Write(c)
		return out, err
	case to == "azure-xml":
		c := toAzure(n, p)
		if err := n.Err(); err != nil {
			return "", err
		}
		out, err := azure.Write(c)
		return out, err
	case to == "apigw-http":
		c := toAPIGW(n, p)
		if err := n.Err(); err != nil {
			return "", err
		}
		out, err := apigw.WriteHTTP(c)
		return out, err
	case to == "nginx" || to == "express":
		for i, r := range p.Rules {
			if contains(r.AllowHeaders, "*") {
				n.Note(i, "allow_headers", Narrower, to+" sends Access-Control-Allow-Headers: * as written: browsers do not apply it to credentialed requests, and by the standard not to Authorization (Fetch §4.8 CORS-preflight fetch; Chrome still allows it, browser-cors.md §1.7)")
			}
		}
		var out string
		var err error
		if to == "nginx" {
			out, err = nginx.Write(p)
		} else {
			out, err = express.Write(p)
		}
		return out, err
	}
	return "", &Error{Msg: "cannot write format " + strconv.Quote(to)}
}

// s3Methods are the methods S3 accepts (cloud-policies.md §1.2).
var s3Methods = []string{"GET", "PUT", "HEAD", "POST", "DELETE"}

// withSimple returns the rule's methods for a platform that picks a rule
// by method (S3, GCS, Azure): the safelisted GET, HEAD and POST first,
// since the portable form allows them without listing, then the listed
// ones the platform accepts. "*" becomes every accepted method.
func toS3(n *portable.Notes, p portable.Policy, names []string, to string) *s3.Configuration {
	plat := "S3"
	if strings.HasPrefix(to, "r2-") {
		plat = "R2"
	}
	portable.NoPaths(n, p, plat)
	c := &s3.Configuration{}
	for i, r := range p.Rules {
		sr := s3.Rule{AllowedOrigins: r.Origins, MaxAgeSeconds: r.MaxAge}
		if i < len(names) && len(names[i]) <= s3.MaxIDLen {
			sr.ID = names[i]
		}
		sr.AllowedMethods = portable.WithSimple(n, i, r.Methods, s3Methods, plat)
		for _, h := range r.AllowHeaders {
			sr.AllowedHeaders = appendUnique(sr.AllowedHeaders, h)
		}
		for _, h := range r.ExposeHeaders {
			if h == "*" {
				n.Note(i, "expose_headers", Narrower, plat+" refuses \"*\" in ExposeHeader (cloud-policies.md §1.2); left out, list the headers")
				continue
			}
			sr.ExposeHeaders = append(sr.ExposeHeaders, h)
		}
		switch {
		case r.AnyOrigin() && r.Credentials:
			n.Note(i, "credentials", Narrower, plat+" answers a \"*\" origin with Access-Control-Allow-Origin: * and no credentials (cloud-policies.md §0 item 4), so credentialed requests fail; list the origins to allow them")
		case !r.AnyOrigin() && !r.Credentials:
			n.Note(i, "credentials", Wider, plat+" sends Access-Control-Allow-Credentials: true whenever the origin is not \"*\" (cloud-policies.md §0 item 4), so credentialed requests from these origins are allowed too")
		}
		c.Rules = append(c.Rules, sr)
	}
	portable.FallThrough(n, p, plat, "method or requested headers")
	n.Note(-1, "", Same, plat+" sends Vary only when a rule matches (cloud-policies.md §0 item 5): behind a CDN, put Origin in the cache key")
	return c
}

func writeS3Family(c *s3.Configuration, to string) (string, error) {
	if strings.HasPrefix(to, "r2-") {
		if errs := r2.Validate(c); len(errs) > 0 {
			return "", errs
		}
	} else if errs := s3.Validate(c); len(errs) > 0 {
		return "", errs
	}
	switch to {
	case "s3-json", "r2-json":
		return s3.WriteJSON(c)
	case "s3-cli", "r2-cli":
		return s3.WriteCLI(c)
	case "s3-xml", "r2-xml":
		return s3.WriteXML(c)
	case "r2-api":
		return r2.Write(c)
	}
	return "", &Error{Msg: "cannot write format " + strconv.Quote(to)}
}

func toGCS(n *portable.Notes, p portable.Policy) *gcs.Configuration {
	portable.NoPaths(n, p, "GCS")
	c := &gcs.Configuration{}
	for i, r := range p.Rules {
		e := gcs.Entry{MaxAgeSeconds: r.MaxAge}
		for _, o := range r.Origins {
			if o != "*" && strings.Contains(o, "*") {
				n.Note(i, "origins", Narrower, "GCS takes no partial wildcard (cloud-policies.md §3), so "+strconv.Quote(o)+" is left out; list the origins")
				continue
			}
			e.Origin = append(e.Origin, o)
		}
		if len(e.Origin) == 0 {
			n.Refuse(i, "origins", "no origin GCS can express")
			continue
		}
		if contains(r.Methods, "*") {
			e.Method = []string{"*"}
		} else {
			e.Method = portable.WithSimple(n, i, r.Methods, []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}, "GCS")
		}
		// One responseHeader list serves as Access-Control-Allow-Headers
		// and -Expose-Headers (cloud-policies.md §3, [UNVERIFIED]).
		for _, h := range r.AllowHeaders {
			e.ResponseHeader = appendUnique(e.ResponseHeader, h)
		}
		for _, h := range r.ExposeHeaders {
			e.ResponseHeader = appendUnique(e.ResponseHeader, h)
		}
		if strings.Join(r.AllowHeaders, ",") != strings.Join(r.ExposeHeaders, ",") && len(e.ResponseHeader) > 0 {
			n.Note(i, "allow_headers", Wider, "GCS has one responseHeader list for the headers a page may send and the ones it may read; the converted entry allows and exposes "+strings.Join(e.ResponseHeader, ", "))
		}
		if contains(r.AllowHeaders, "*") {
			n.Note(i, "allow_headers", Narrower, "GCS sends \"*\" as written: browsers do not apply it to credentialed requests, nor by the standard to Authorization")
		}
		if r.Credentials {
			n.Note(i, "credentials", Narrower, "GCS sends no Access-Control-Allow-Credentials (cloud-policies.md §3, [UNVERIFIED]), so credentialed requests fail")
		}
		c.Entries = append(c.Entries, e)
	}
	portable.FallThrough(n, p, "GCS", "method")
	return c
}

var azureMethods = []string{"DELETE", "GET", "HEAD", "MERGE", "POST", "OPTIONS", "PUT", "PATCH"}

func toAzure(n *portable.Notes, p portable.Policy) *azure.Configuration {
	portable.NoPaths(n, p, "Azure")
	c := &azure.Configuration{}
	for i, r := range p.Rules {
		ar := azure.Rule{AllowedHeaders: r.AllowHeaders, ExposedHeaders: r.ExposeHeaders}
		for _, o := range r.Origins {
			if o != "*" && strings.Contains(o, "*") {
				n.Note(i, "origins", Narrower, "Azure documents exact origins or \"*\" only (cloud-policies.md §4), so "+strconv.Quote(o)+" is left out")
				continue
			}
			ar.AllowedOrigins = append(ar.AllowedOrigins, o)
		}
		if len(ar.AllowedOrigins) == 0 {
			n.Refuse(i, "origins", "no origin Azure can express")
			continue
		}
		ar.AllowedMethods = portable.WithSimple(n, i, r.Methods, azureMethods, "Azure")
		if r.MaxAge != nil {
			ar.MaxAgeInSeconds = *r.MaxAge
		}
		star := hasStar(ar.AllowedOrigins)
		switch {
		case star && r.Credentials:
			n.Note(i, "credentials", Narrower, "Azure answers a \"*\" rule with Access-Control-Allow-Origin: * (cloud-policies.md §4), so credentialed requests fail")
		case !star && !r.Credentials:
			n.Note(i, "credentials", Wider, "Azure sends Access-Control-Allow-Credentials: true with an echoed origin (Azurite; [UNVERIFIED] for Azure, cloud-policies.md §4)")
		}
		c.Rules = append(c.Rules, ar)
	}
	portable.FallThrough(n, p, "Azure", "method")
	return c
}

func toAPIGW(n *portable.Notes, p portable.Policy) *apigw.HTTPConfig {
	portable.NoPaths(n, p, "API Gateway")
	if len(p.Rules) > 1 {
		n.Refuse(1, "", "an HTTP API has one CORS configuration; the source has "+strconv.Itoa(len(p.Rules))+" rules")
	}
	r := p.Rules[0]
	c := &apigw.HTTPConfig{AllowMethods: r.Methods, AllowHeaders: r.AllowHeaders, ExposeHeaders: r.ExposeHeaders, MaxAge: r.MaxAge, AllowCredentials: r.Credentials}
	for _, o := range r.Origins {
		if o != "*" && strings.Contains(o, "*") {
			n.Note(0, "origins", Narrower, "API Gateway takes only \"*\", \"https://*\" and \"http://*\" patterns (cloud-policies.md §5.1), so "+strconv.Quote(o)+" is left out")
			continue
		}
		c.AllowOrigins = append(c.AllowOrigins, o)
	}
	if len(c.AllowOrigins) == 0 {
		n.Refuse(0, "origins", "no origin API Gateway can express")
	}
	if r.AnyOrigin() && r.Credentials {
		n.Refuse(0, "origins", "API Gateway refuses credentials with origin * ("+"allow-credentials is not supported if 'allow-origin' is *"+")")
	}
	if contains(r.AllowHeaders, "*") {
		n.Note(0, "allow_headers", Narrower, "API Gateway sends \"*\" as written: browsers do not apply it to credentialed requests, nor by the standard to Authorization")
	}
	if contains(r.Methods, "*") && r.Credentials {
		n.Note(0, "methods", Narrower, "API Gateway sends \"*\" as written, which is not a wildcard for credentialed requests")
	}
	return c
}
