package explain_test

import (
	"testing"

	"github.com/whycors/whycors/engine/explain"
)

func BenchmarkTmp(b *testing.B) {
	s, _ := explain.Decode([]byte(speedScenario))
	b.Run("part=allows", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			explain.Allows(s, opts)
		}
	})
	b.Run("part=try", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			explain.Try(s, opts)
		}
	})
	b.Run("part=decodeonly", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			explain.Decode([]byte(speedScenario))
		}
	})
}
