package platform_test

import (
	"encoding/json"
	"math/rand"
	"testing"

	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/platform/gcs"
	"github.com/whycors/whycors/engine/platform/r2"
	"github.com/whycors/whycors/engine/platform/s3"
)

// The JSON forms the platforms write, as struct tags: each writer
// (write.go, apigw's WriteHTTP) writes them member by member with
// jsontext.Indented so that the simulator's wasm links no encoding/json;
// these tests hold its bytes to json.MarshalIndent(v, "", "  ") of the
// shape the platform documents (S3's console and CLI JSON,
// ManageCorsUsing.md; gcloud's --cors-file list; Cloudflare's API,
// cloud-policies.md §2 form (c); API Gateway's --cors-configuration).

type s3Rule struct {
	ID             string   `json:"ID,omitempty"`
	AllowedHeaders []string `json:"AllowedHeaders,omitempty"`
	AllowedMethods []string `json:"AllowedMethods"`
	AllowedOrigins []string `json:"AllowedOrigins"`
	ExposeHeaders  []string `json:"ExposeHeaders,omitempty"`
	MaxAgeSeconds  *int     `json:"MaxAgeSeconds,omitempty"`
}

type gcsEntry struct {
	Origin         []string `json:"origin,omitempty"`
	Method         []string `json:"method,omitempty"`
	ResponseHeader []string `json:"responseHeader,omitempty"`
	MaxAgeSeconds  *int     `json:"maxAgeSeconds,omitempty"`
}

type r2Rule struct {
	Allowed struct {
		Origins []string `json:"origins"`
		Methods []string `json:"methods"`
		Headers []string `json:"headers,omitempty"`
	} `json:"allowed"`
	ID            string   `json:"id,omitempty"`
	ExposeHeaders []string `json:"exposeHeaders,omitempty"`
	MaxAgeSeconds *int     `json:"maxAgeSeconds,omitempty"`
}

type apigwHTTP struct {
	AllowOrigins     []string `json:"AllowOrigins,omitempty"`
	AllowMethods     []string `json:"AllowMethods,omitempty"`
	AllowHeaders     []string `json:"AllowHeaders,omitempty"`
	ExposeHeaders    []string `json:"ExposeHeaders,omitempty"`
	MaxAge           *int     `json:"MaxAge,omitempty"`
	AllowCredentials bool     `json:"AllowCredentials,omitempty"`
}

// values exercise the escaping (quotes, backslash, control characters,
// <>&, U+2028, invalid UTF-8) besides ordinary origins and headers.
var values = []string{"", "*", "GET", "PUT", "https://app.example.com", "http://*.example.com", "x-amz-meta-<id>&\"q\"",
	"a\\b\tc\n", "\u2028", "bad \xff", "ünïcode"}

func list(r *rand.Rand) []string {
	switch r.Intn(4) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	l := make([]string, 1+r.Intn(3))
	for i := range l {
		l[i] = values[r.Intn(len(values))]
	}
	return l
}

func age(r *rand.Rand) *int {
	if r.Intn(3) == 0 {
		return nil
	}
	n := r.Intn(100000) - 1
	return &n
}

func indent(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func same(t *testing.T, desc, got string, err error, want string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", desc, err)
	}
	if got != want {
		t.Fatalf("%s wrote\n%s\njson.MarshalIndent writes\n%s", desc, got, want)
	}
}

func TestWritersMatchMarshalIndent(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	r2ok, apigwOK := 0, 0
	for i := 0; i < 300; i++ {
		c := &s3.Configuration{}
		s3rules := []s3Rule{}
		r2rules := []r2Rule{}
		for n := r.Intn(4); n > 0; n-- {
			x := s3.Rule{ID: values[r.Intn(len(values))], AllowedOrigins: list(r), AllowedMethods: list(r), AllowedHeaders: list(r), ExposeHeaders: list(r), MaxAgeSeconds: age(r)}
			if r.Intn(2) == 0 {
				// Rules R2 accepts (r2.Validate), so that r2.Write writes.
				x.AllowedOrigins = []string{"https://app.example.com", "*"}[:1+r.Intn(2)]
				x.AllowedMethods = []string{"GET", "PUT"}[:1+r.Intn(2)]
				x.ExposeHeaders = []string{"ETag", "x-amz-meta-<id>&\"q\""}[:r.Intn(3)]
				if x.MaxAgeSeconds != nil {
					*x.MaxAgeSeconds %= 86400
				}
			}
			c.Rules = append(c.Rules, x)
			s3rules = append(s3rules, s3Rule{x.ID, x.AllowedHeaders, x.AllowedMethods, x.AllowedOrigins, x.ExposeHeaders, x.MaxAgeSeconds})
			var y r2Rule
			y.Allowed.Origins, y.Allowed.Methods, y.Allowed.Headers = x.AllowedOrigins, x.AllowedMethods, x.AllowedHeaders
			y.ID, y.ExposeHeaders, y.MaxAgeSeconds = x.ID, x.ExposeHeaders, x.MaxAgeSeconds
			r2rules = append(r2rules, y)
		}
		got, err := s3.WriteJSON(c)
		same(t, "s3.WriteJSON", got, err, indent(t, s3rules))
		got, err = s3.WriteCLI(c)
		same(t, "s3.WriteCLI", got, err, indent(t, struct {
			CORSRules []s3Rule `json:"CORSRules"`
		}{s3rules}))
		// r2.Write validates first; compare only what R2 accepts.
		if got, err := r2.Write(c); err == nil {
			r2ok++
			same(t, "r2.Write", got, nil, indent(t, struct {
				Rules []r2Rule `json:"rules"`
			}{r2rules}))
		}

		g := &gcs.Configuration{}
		entries := []gcsEntry{}
		for n := r.Intn(4); n > 0; n-- {
			e := gcs.Entry{Origin: list(r), Method: list(r), ResponseHeader: list(r), MaxAgeSeconds: age(r)}
			g.Entries = append(g.Entries, e)
			entries = append(entries, gcsEntry{e.Origin, e.Method, e.ResponseHeader, e.MaxAgeSeconds})
		}
		got, err = gcs.Write(g)
		same(t, "gcs.Write", got, err, indent(t, entries))

		h := &apigw.HTTPConfig{AllowOrigins: list(r), AllowMethods: list(r), AllowHeaders: list(r), ExposeHeaders: list(r), MaxAge: age(r), AllowCredentials: r.Intn(2) == 0}
		if got, err := apigw.WriteHTTP(h); err == nil { // it refuses credentials with origin *
			apigwOK++
			same(t, "apigw.WriteHTTP", got, nil, indent(t, apigwHTTP{h.AllowOrigins, h.AllowMethods, h.AllowHeaders, h.ExposeHeaders, h.MaxAge, h.AllowCredentials}))
		}
	}
	if r2ok < 10 || apigwOK < 10 {
		t.Errorf("compared %d R2 and %d API Gateway configurations: too few the platforms accept", r2ok, apigwOK)
	}
}
