package native_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/native"
)

// benchPolicy has n rules on distinct paths, each with a few origins; the
// requests hit the last rule, the worst case of first-match-by-path.
func benchPolicy(b *testing.B, n int) *native.Policy {
	var sb strings.Builder
	sb.WriteString(`{"rules": [`)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		s := strconv.Itoa(i)
		sb.WriteString(`{"path": "/svc` + s + `/*", "origins": ["https://app` + s + `.example.com", "https://*.tenant` + s + `.example.com", "http://localhost:*"], "methods": ["GET", "POST", "PUT", "DELETE"], "request_headers": ["X-Custom", "Content-Type"], "credentials": true, "max_age": 600}`)
	}
	sb.WriteString(`]}`)
	return mustParse(b, sb.String())
}

// BenchmarkDecide: names filter with benchstat, e.g. -bench 'Decide/rules=100'.
// Target (task brief): at most 2 µs per request with 100 rules.
func BenchmarkDecide(b *testing.B) {
	for _, n := range []int{1, 100} {
		p := benchPolicy(b, n)
		last := strconv.Itoa(n - 1)
		path := "/svc" + last + "/items/42"
		cases := []struct {
			name string
			in   native.Input
		}{
			{"type=preflight/allowed", native.Input{Method: "OPTIONS", Path: path, Origin: "https://a.tenant" + last + ".example.com", HasOrigin: true, ACRM: "PUT", HasACRM: true, ACRH: []string{"content-type,x-custom"}}},
			{"type=preflight/rejected", native.Input{Method: "OPTIONS", Path: path, Origin: "https://evil.example", HasOrigin: true, ACRM: "PUT", HasACRM: true, ACRH: []string{"x-custom"}}},
			{"type=actual/allowed", native.Input{Method: "GET", Path: path, Origin: "https://app" + last + ".example.com", HasOrigin: true}},
			{"type=actual/rejected", native.Input{Method: "GET", Path: path, Origin: "https://evil.example", HasOrigin: true}},
		}
		for _, c := range cases {
			b.Run("rules="+strconv.Itoa(n)+"/"+c.name, func(b *testing.B) {
				var a native.Answer
				b.ReportAllocs()
				for b.Loop() {
					p.Decide(&c.in, &a)
				}
			})
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := native.Parse(testPolicy); err != nil {
			b.Fatal(err)
		}
	}
}
