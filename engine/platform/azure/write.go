package azure

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Write writes c as the <Cors> element of Set Blob Service Properties.
// Azure's lists are comma-separated strings, so an item holding a comma
// cannot be written: Write refuses it rather than split it in two.
func Write(c *Configuration) (string, error) {
	if errs := Validate(c); len(errs) > 0 {
		return "", errs
	}
	var b strings.Builder
	b.WriteString("<Cors>\n")
	for i, r := range c.Rules {
		b.WriteString("  <CorsRule>\n")
		for _, f := range []struct {
			name string
			list []string
		}{{"AllowedOrigins", r.AllowedOrigins}, {"AllowedMethods", r.AllowedMethods}, {"AllowedHeaders", r.AllowedHeaders}, {"ExposedHeaders", r.ExposedHeaders}} {
			for _, v := range f.list {
				if strings.Contains(v, ",") {
					return "", policy.Errors{{Path: "rule " + strconv.Itoa(i+1), Msg: f.name + " item " + strconv.Quote(v) + " holds a comma, which Azure's comma-separated list cannot express"}}
				}
			}
			b.WriteString("    <" + f.name + ">" + escape(strings.Join(f.list, ",")) + "</" + f.name + ">\n")
		}
		b.WriteString("    <MaxAgeInSeconds>" + strconv.Itoa(r.MaxAgeInSeconds) + "</MaxAgeInSeconds>\n")
		b.WriteString("  </CorsRule>\n")
	}
	b.WriteString("</Cors>\n")
	return b.String(), nil
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

type format Form

func (f format) Name() string { return string(f) }
func (f format) Detect(text string) (bool, string) {
	t := strings.TrimSpace(text)
	switch Form(f) {
	case FormXML:
		if strings.HasPrefix(t, "<") && strings.Contains(t, "<CorsRule") {
			return true, "an XML document with CorsRule elements (Azure Storage service properties)"
		}
	case FormJSON:
		if strings.HasPrefix(t, "{") && strings.Contains(t, `"corsRules"`) {
			return true, `a JSON object with "corsRules" (Azure ARM / Bicep / az CLI)`
		}
	}
	return false, ""
}
func (f format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(Form(f), text)
	if err != nil {
		return nil, err
	}
	return Service{CORS: c}, nil
}

// Formats are this package's formats, for a policy.Registry (engine/all lists them).
func Formats() []policy.Format { return []policy.Format{format(FormXML), format(FormJSON)} }
