package r2

import (
	"encoding/json"
	"strconv"

	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// WriteRules implements convert.Writer: p in S3's model, which R2 stores,
// with the notes S3's mapping makes in R2's name (s3.FromPortable), then
// in this form, refused as R2 would refuse it.
func (f *format) WriteRules(p portable.Policy, names []string, n *portable.Notes) (string, error) {
	c := s3.FromPortable(n, p, names, "R2")
	if err := n.Err(); err != nil {
		return "", err
	}
	return write(Form(*f), c)
}

// WriteModel implements convert.ModelWriter: S3's *Configuration, read
// from any S3 or R2 form, written rule for rule once R2 accepts it.
func (f *format) WriteModel(m any) (string, bool, error) {
	c, ok := m.(*Configuration)
	if !ok {
		return "", false, nil
	}
	out, err := write(Form(*f), c)
	return out, true, err
}

// Write writes c in the Cloudflare API shape. It refuses what R2 would
// refuse (Validate) instead of writing a policy R2 rejects.
func Write(c *Configuration) (string, error) { return write(FormAPI, c) }

// write writes c in form once R2's Validate accepts it: the API shape,
// or the S3 form whose text the R2 form shares. R2's limits are its own
// (a port wildcard, MaxAgeSeconds), so S3's validation is not used.
func write(form Form, c *Configuration) (string, error) {
	if errs := Validate(c); len(errs) > 0 {
		return "", errs
	}
	if form == FormAPI {
		return writeAPI(c)
	}
	if sf := s3Form(form); sf != "" {
		return s3.Write(sf, c)
	}
	return "", policy.Errors{{Msg: "r2: unknown form " + strconv.Quote(string(form))}}
}

// apiRule is a rule of the API shape, keys as the Cloudflare API names
// them (cloud-policies.md §2 form (c)); unset members are left out.
type apiRule struct {
	Allowed struct {
		Origins []string `json:"origins"`
		Methods []string `json:"methods"`
		Headers []string `json:"headers,omitempty"`
	} `json:"allowed"`
	ID            string   `json:"id,omitempty"`
	ExposeHeaders []string `json:"exposeHeaders,omitempty"`
	MaxAgeSeconds *int     `json:"maxAgeSeconds,omitempty"`
}

func writeAPI(c *Configuration) (string, error) {
	out := struct {
		Rules []apiRule `json:"rules"`
	}{make([]apiRule, len(c.Rules))}
	for i, r := range c.Rules {
		a := &out.Rules[i]
		a.Allowed.Origins, a.Allowed.Methods, a.Allowed.Headers = r.AllowedOrigins, r.AllowedMethods, r.AllowedHeaders
		a.ID, a.ExposeHeaders, a.MaxAgeSeconds = r.ID, r.ExposeHeaders, r.MaxAgeSeconds
	}
	b, err := json.MarshalIndent(out, "", "  ")
	return string(b), err
}
