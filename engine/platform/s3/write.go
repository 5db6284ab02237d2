package s3

import (
	"encoding/json"
	"strconv"
	"strings"
)

// jsonRule is a rule in the console and CLI JSON, keys in the order the
// console shows them (ManageCorsUsing.md); unset members are left out, as
// GetBucketCors returns only set members ([AWS-REC] test_put_cors).
type jsonRule struct {
	ID             string   `json:"ID,omitempty"`
	AllowedHeaders []string `json:"AllowedHeaders,omitempty"`
	AllowedMethods []string `json:"AllowedMethods"`
	AllowedOrigins []string `json:"AllowedOrigins"`
	ExposeHeaders  []string `json:"ExposeHeaders,omitempty"`
	MaxAgeSeconds  *int     `json:"MaxAgeSeconds,omitempty"`
}

func toJSONRules(c *Configuration) []jsonRule {
	out := make([]jsonRule, len(c.Rules))
	for i, r := range c.Rules {
		out[i] = jsonRule{r.ID, r.AllowedHeaders, r.AllowedMethods, r.AllowedOrigins, r.ExposeHeaders, r.MaxAgeSeconds}
	}
	return out
}

// WriteJSON writes c in the S3 console's form, a bare JSON array.
func WriteJSON(c *Configuration) (string, error) {
	b, err := json.MarshalIndent(toJSONRules(c), "", "  ")
	return string(b), err
}

// WriteCLI writes c as the AWS CLI's --cors-configuration value,
// {"CORSRules": [...]}.
func WriteCLI(c *Configuration) (string, error) {
	b, err := json.MarshalIndent(struct {
		CORSRules []jsonRule `json:"CORSRules"`
	}{toJSONRules(c)}, "", "  ")
	return string(b), err
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
