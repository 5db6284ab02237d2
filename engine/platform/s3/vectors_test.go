package s3_test

import (
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
)

// vector is one entry of testdata/s3-cors-vectors.json, a copy of
// shared/testdata/s3-cors-vectors.json (its README describes the fields).
type vector struct {
	ID           string          `json:"id"`
	Source       string          `json:"source"`
	BucketExists bool            `json:"bucket_exists"`
	Config       json.RawMessage `json:"config"`
	Request      struct {
		Method  string       `json:"method"`
		Path    string       `json:"path"`
		Headers headers.List `json:"headers"`
	} `json:"request"`
	Expect struct {
		Status       int               `json:"status"`
		Headers      headers.List      `json:"headers"`
		Absent       []string          `json:"absent_headers"`
		BodyContains *string           `json:"body_contains"`
		Error        map[string]string `json:"error"`
	} `json:"expect"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/s3-cors-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) < 50 {
		t.Fatalf("only %d vectors read", len(vs))
	}
	return vs
}

// TestVectors runs every recorded vector: each expected value is the
// recording (or suite assertion) cited in the vector's "source".
func TestVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.ID, func(t *testing.T) {
			hasConfig := len(v.Config) > 0 && string(v.Config) != "null"
			if v.Request.Method == "PUT" && v.Request.Path == "/?cors" {
				// PutBucketCors: the config is the document sent.
				_, err := s3.Parse(s3.FormJSON, string(v.Config))
				checkPutError(t, v, err)
				return
			}
			b := s3.Bucket{Absent: !v.BucketExists}
			if hasConfig {
				c, err := s3.Parse(s3.FormJSON, string(v.Config))
				if err != nil {
					t.Fatalf("config rejected: %v", err)
				}
				b.CORS = c
			}
			// For an actual request S3 serves the object (or its error)
			// unchanged apart from CORS headers: the status is the object
			// store's, recorded in the vector.
			app := policy.Reply{Status: v.Expect.Status, Body: "object body"}
			out := b.Respond(policy.Request{Method: v.Request.Method, URL: v.Request.Path, Header: v.Request.Headers}, app)
			got := out.Reply
			if got.Status != v.Expect.Status {
				t.Errorf("status %d, want %d (%s); decision %q", got.Status, v.Expect.Status, v.Source, out.Text())
			}
			for _, f := range v.Expect.Headers {
				if val, ok := got.Header.Get(f.Name); !ok || val != f.Value {
					t.Errorf("%s: got %q (present %v), want %q", f.Name, val, ok, f.Value)
				}
			}
			for _, n := range v.Expect.Absent {
				if got.Header.Has(n) {
					t.Errorf("%s present, want absent", n)
				}
			}
			if v.Expect.BodyContains != nil && !strings.Contains(got.Body, *v.Expect.BodyContains) {
				t.Errorf("body %q does not contain %q", got.Body, *v.Expect.BodyContains)
			}
			for k, want := range v.Expect.Error {
				if !strings.Contains(got.Body, "<"+k+">"+want+"</"+k+">") {
					t.Errorf("body %q lacks <%s>%s</%s>", got.Body, k, want, k)
				}
			}
			if v.Request.Method == "GET" && v.Request.Path == "/?cors" && hasConfig {
				// GetBucketCors returns the config unchanged ([AWS-REC] L736).
				c, err := s3.Parse(s3.FormXML, got.Body)
				if err != nil {
					t.Fatalf("GetBucketCors body does not read back: %v", err)
				}
				if want, _ := s3.Parse(s3.FormJSON, string(v.Config)); !sameRules(c, want) {
					t.Errorf("GetBucketCors returned %+v", c.Rules)
				}
			}
		})
	}
}

func checkPutError(t *testing.T, v vector, err error) {
	t.Helper()
	if v.Expect.Error == nil {
		if err != nil {
			t.Fatalf("rejected: %v", err)
		}
		return
	}
	var es policy.Errors
	if !errors.As(err, &es) {
		t.Fatalf("want policy.Errors, got %v", err)
	}
	for _, e := range es {
		if e.Code == v.Expect.Error["Code"] && strings.HasPrefix(e.Msg, v.Expect.Error["Message"]) {
			return
		}
	}
	t.Errorf("errors %v lack %s %q (%s)", es, v.Expect.Error["Code"], v.Expect.Error["Message"], v.Source)
}

func sameRules(a, b *s3.Configuration) bool {
	if len(a.Rules) != len(b.Rules) {
		return false
	}
	for i := range a.Rules {
		x, y := a.Rules[i], b.Rules[i]
		if x.ID != y.ID || !eq(x.AllowedOrigins, y.AllowedOrigins) || !eq(x.AllowedMethods, y.AllowedMethods) ||
			!eq(x.AllowedHeaders, y.AllowedHeaders) || !eq(x.ExposeHeaders, y.ExposeHeaders) ||
			age(x.MaxAgeSeconds) != age(y.MaxAgeSeconds) {
			return false
		}
	}
	return true
}

func age(p *int) string {
	if p == nil {
		return "unset"
	}
	return strconv.Itoa(*p)
}

func eq(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
