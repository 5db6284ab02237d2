package explain_test

import (
	"testing"

	"github.com/whycors/whycors/engine/explain"
)

// speedScenario is BenchmarkExplain's: one preflighted PUT that passes.
const speedScenario = `{"browser":"chrome","request":{"origin":"http://app.test","url":"http://api.test/items/1","method":"PUT",
		"headers":[["Content-Type","application/json"],["X-Api-Key","k"]],"credentials":"include","body":"{}"},
		"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Credentials","true"],["Access-Control-Allow-Methods","GET, PUT"],["Access-Control-Allow-Headers","content-type, x-api-key"],["Access-Control-Max-Age","600"]]},
		"response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Credentials","true"],["Content-Type","application/json"]]}}`

// BenchmarkSpeed: issue 23's parts of a verdict, one by one:
// part=run is one browser's verdict with steps (explain.Run, the first
// fetch alone, no summary browsers), part=explain the three-browser
// verdict, part=decode and part=encode the scenario's and the verdict's
// JSON. Each reports process CPU time per operation beside wall time
// (cpuClock).
func BenchmarkSpeed(b *testing.B) {
	s, err := explain.Decode([]byte(speedScenario))
	if err != nil {
		b.Fatal(err)
	}
	v, err := explain.Explain(s, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("part=run", func(b *testing.B) {
		b.ReportAllocs()
		defer cpuClock(b)()
		for b.Loop() {
			if v, err := explain.Run(s, opts); err != nil || !v.Allowed {
				b.Fatal(err)
			}
		}
	})
	b.Run("part=explain", func(b *testing.B) {
		b.ReportAllocs()
		defer cpuClock(b)()
		for b.Loop() {
			if v, err := explain.Explain(s, opts); err != nil || !v.Allowed {
				b.Fatal(err)
			}
		}
	})
	b.Run("part=decode", func(b *testing.B) {
		b.ReportAllocs()
		defer cpuClock(b)()
		for b.Loop() {
			if _, err := explain.Decode([]byte(speedScenario)); err != nil {
				b.Fatal(err)
			}
		}
	})
	buf := make([]byte, 0, 64<<10)
	b.Run("part=encode", func(b *testing.B) {
		b.ReportAllocs()
		defer cpuClock(b)()
		for b.Loop() {
			buf = explain.AppendVerdict(buf[:0], &v)
		}
	})
}
