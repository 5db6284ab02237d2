package convert_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// TestToNativeAnswersAsSource: a conversion into native with no note
// that changes a decision answers every request of a grid as the
// source's own evaluator does: whether a preflight succeeds, and the
// Access-Control-Allow-Origin and -Credentials of every answer. The
// sources are the platforms whose rule choice native's "match" says
// (cloud-policies.md §0 item 1, §1.3, §3, §4), issue 19's bucket first.
func TestToNativeAnswersAsSource(t *testing.T) {
	// loose: compare only whether a preflight succeeds, not its
	// Access-Control-Allow-Origin: Azure (after Azurite) echoes the origin
	// with credentials on every preflight, "*" rules included, then
	// answers the actual request with "*" (§4), so a credentialed request
	// fails there at the actual request where native's "*" rule fails it
	// at the preflight: blocked either way.
	sources := []struct {
		desc, from, text string
		loose            bool
	}{
		{"issue 19's bucket: one rule per origin (§1.3)", "s3-json", `[
  {"AllowedOrigins": ["https://www.example.com"], "AllowedMethods": ["GET"]},
  {"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["PUT", "POST", "HEAD"], "AllowedHeaders": ["*"]}]`, false},
		{"S3 falls through on headers to a later rule for the same origin (§1.3)", "s3-json", `[
  {"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["x-a"], "ExposeHeaders": ["etag"]},
  {"AllowedOrigins": ["*"], "AllowedMethods": ["PUT", "GET"], "AllowedHeaders": ["x-b"]}]`, false},
		{"Azure picks by origin and method, no fall-through on headers (§4, the worked example)", "azure-xml", `<Cors>
  <CorsRule><AllowedOrigins>https://app.example</AllowedOrigins><AllowedMethods>PUT,HEAD</AllowedMethods><AllowedHeaders>x-a</AllowedHeaders><ExposedHeaders></ExposedHeaders><MaxAgeInSeconds>5</MaxAgeInSeconds></CorsRule>
  <CorsRule><AllowedOrigins>*</AllowedOrigins><AllowedMethods>PUT,GET</AllowedMethods><AllowedHeaders>x-a</AllowedHeaders><ExposedHeaders></ExposedHeaders><MaxAgeInSeconds>5</MaxAgeInSeconds></CorsRule>
  <CorsRule><AllowedOrigins>https://app.example</AllowedOrigins><AllowedMethods>GET</AllowedMethods><AllowedHeaders>x-b</AllowedHeaders><ExposedHeaders></ExposedHeaders><MaxAgeInSeconds>5</MaxAgeInSeconds></CorsRule>
</Cors>`, true},
	}
	origins := []string{"https://www.example.com", "https://app.example", "https://evil.example"}
	methods := []string{"GET", "HEAD", "POST", "PUT", "DELETE"}
	acrhs := []string{"", "x-a", "x-b", "x-a,x-b"}
	for _, src := range sources {
		out, notes, err := convert.Convert(reg, src.text, src.from, "native")
		if err != nil {
			t.Fatalf("%s: %v", src.desc, err)
		}
		if c := convert.Changes(notes); len(c) > 0 {
			t.Errorf("%s: want an exact conversion, got %+v", src.desc, c)
		}
		srcFmt, _ := reg.Lookup(src.from)
		natFmt, _ := reg.Lookup("native")
		srcEv, err := srcFmt.Parse(src.text)
		if err != nil {
			t.Fatal(err)
		}
		natEv, err := natFmt.Parse(out)
		if err != nil {
			t.Fatal(err)
		}
		app := policy.Reply{Status: 200}
		n := 0
		for _, o := range origins {
			for _, m := range methods {
				reqs := []policy.Request{{Method: m, URL: "https://bucket.test/k", Header: headers.List{{Name: "Origin", Value: o}}}}
				for _, h := range acrhs {
					pre := policy.Request{Method: "OPTIONS", URL: "https://bucket.test/k", Header: headers.List{{Name: "Origin", Value: o}, {Name: "Access-Control-Request-Method", Value: m}}}
					if h != "" {
						pre.Header.Add("Access-Control-Request-Headers", h)
					}
					reqs = append(reqs, pre)
				}
				for _, req := range reqs {
					loose := src.loose && req.Method == "OPTIONS"
					want, got := answer(srcEv.Respond(req, app), loose), answer(natEv.Respond(req, app), loose)
					n++
					if want != got {
						t.Errorf("%s: %s %v\n%s answers %s\nnative answers %s\n%s", src.desc, req.Method, req.Header, src.from, want, got, out)
					}
				}
			}
		}
		t.Logf("%s: %d requests answered alike", src.desc, n)
	}
}

// answer is what a browser's CORS checks read from a reply: whether a
// preflight succeeded (an ok status), the allowed origin and credentials.
func answer(o policy.Outcome, loose bool) string {
	h := o.Reply.Header
	acao, _ := h.Get("Access-Control-Allow-Origin")
	acac, _ := h.Get("Access-Control-Allow-Credentials")
	ok := o.Reply.Status >= 200 && o.Reply.Status < 300
	if loose {
		acao, acac = "", ""
	}
	return strings.Join([]string{map[bool]string{true: "ok", false: "refused"}[ok], "ACAO=" + acao, "ACAC=" + acac}, " ")
}
