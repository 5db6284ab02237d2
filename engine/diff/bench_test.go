package diff_test

import (
	"math/rand"
	"testing"

	"github.com/whycors/whycors/engine/diff"
)

// BenchmarkDiff/rules=100: two 100-rule S3 policies, NEW with five rules
// changed (an origin widened to a pattern, methods and headers added,
// exposed headers dropped). The bar: at most 1 s.
func BenchmarkDiff(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	old := bigS3(r, 100)
	nw := append(old[:0:0], old...)
	for i := 5; i < 100; i += 20 {
		ru := nw[i]
		ru.AllowedMethods = append(append([]string(nil), ru.AllowedMethods...), "DELETE")
		ru.AllowedHeaders = append(append([]string(nil), ru.AllowedHeaders...), "x-amz-acl")
		ru.ExposeHeaders = nil
		nw[i] = ru
	}
	nw[7].AllowedOrigins = []string{"https://*.example.com"}
	a, c := writeS3(old), writeS3(nw)
	b.Run("rules=100", func(b *testing.B) {
		var rep *diff.Report
		for b.Loop() {
			var err error
			if rep, err = diff.Diff(a, c, diff.Options{Formats: reg}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(rep.Space), "space")
		b.ReportMetric(float64(rep.Asked), "requests/config")
		b.ReportMetric(float64(len(rep.Groups)), "groups")
	})
}
