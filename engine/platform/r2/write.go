package r2

import (
	"strconv"

	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// SelectsByMethod implements convert.MethodSelector (S3's model).
func (*format) SelectsByMethod() {}

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

// writeAPI writes c in the API shape, keys as the Cloudflare API names
// them (cloud-policies.md §2 form (c)); unset members are left out.
func writeAPI(c *Configuration) (string, error) {
	var w jsontext.Indented
	w.Open('{')
	w.Key("rules")
	w.Open('[')
	for _, r := range c.Rules {
		w.Open('{')
		w.Key("allowed")
		w.Open('{')
		w.Key("origins")
		w.Strings(r.AllowedOrigins)
		w.Key("methods")
		w.Strings(r.AllowedMethods)
		w.StringsOmitEmpty("headers", r.AllowedHeaders)
		w.Close('}')
		w.StringOmitEmpty("id", r.ID)
		w.StringsOmitEmpty("exposeHeaders", r.ExposeHeaders)
		w.IntOmitNil("maxAgeSeconds", r.MaxAgeSeconds)
		w.Close('}')
	}
	w.Close(']')
	w.Close('}')
	return w.Text(), nil
}
