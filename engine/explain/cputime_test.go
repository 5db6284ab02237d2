//go:build !js && !wasip1

package explain_test

import (
	"runtime"
	"syscall"
	"testing"
)

// cpuClock reports a benchmark's process CPU time per operation as
// cpu-ns/op, the collector's workers included, when the loop ends: on a
// shared 2-core machine wall time counts the time other processes held
// the core, process CPU time does not (issue 23 asks for it where wall
// time is noisy). Call it before the loop and defer what it returns.
//
// It reports the GOMAXPROCS the loop ran at as procs, since the name's
// -N suffix can say otherwise: with -test.cpu 1,2 the testing package
// sets GOMAXPROCS only after a benchmark's first call
// (golang/go#49980), where a b.Loop benchmark does all its measuring.
func cpuClock(b *testing.B) func() {
	start := cpuNanos()
	return func() {
		if b.N > 0 && start >= 0 {
			b.ReportMetric(float64(cpuNanos()-start)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
		}
	}
}

// cpuNanos is the process's user and system CPU time, or -1.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
