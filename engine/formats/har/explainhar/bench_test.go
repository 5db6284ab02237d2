//go:build unix

package explainhar_test

import (
	"syscall"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/formats/har/explainhar"
	"github.com/whycors/whycors/engine/formats/har/internal/hartest"
)

// BenchmarkExplain1000 is `whycors explain capture.har` on a capture of
// 1,000 fetches and their preflights (issue 23: at most 1 s of CPU):
// reading and explaining each with the command line's options
// (advise.Options: the fix search runs for each blocked fetch), all but
// the writing of the text. cpu-ns/op is the process's CPU time (GC
// included), steadier than wall time on a shared machine.
func BenchmarkExplain1000(b *testing.B) {
	text := hartest.Capture(1000)
	o := advise.Options(all.Registry())
	start := cpuTime()
	for b.Loop() {
		vs, err := explainhar.Explain(text, "", o)
		if err != nil {
			b.Fatal(err)
		}
		if len(vs) != 1000 || vs[0].Verdict.Allowed {
			b.Fatalf("%d verdicts, the first allowed %v: want 1000, a blocked one first", len(vs), vs[0].Verdict.Allowed)
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
