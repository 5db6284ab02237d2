//go:build unix

package explainhar_test

import (
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/formats/har/explainhar"
)

// captureOf builds a DevTools HAR of n cross-origin PUTs, each with its
// preflight: every third preflight answered 403 with no CORS header and
// its PUT recorded as status 0 (the commonest failing capture, issue
// 20), the others allowed.
func captureOf(n int) string {
	var b strings.Builder
	b.WriteString(`{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		url := `"https://api.example/items/` + strconv.Itoa(i) + `"`
		pre, status, acao := `204`, `200`, `[{"name":"Access-Control-Allow-Origin","value":"https://app.example"},{"name":"Access-Control-Allow-Methods","value":"PUT"},{"name":"Access-Control-Allow-Headers","value":"content-type"}]`
		if i%3 == 0 {
			pre, status, acao = `403`, `0`, `[]`
		}
		b.WriteString(`{"_resourceType":"preflight","_initiator":{"type":"preflight"},"request":{"method":"OPTIONS","url":` + url +
			`,"headers":[{"name":"Origin","value":"https://app.example"},{"name":"Access-Control-Request-Method","value":"PUT"},{"name":"Access-Control-Request-Headers","value":"content-type"}]},"response":{"status":` + pre + `,"headers":` + acao + `}},`)
		b.WriteString(`{"_resourceType":"fetch","request":{"method":"PUT","url":` + url +
			`,"headers":[{"name":"Origin","value":"https://app.example"},{"name":"Content-Type","value":"application/json"}]},"response":{"status":` + status + `,"headers":` + acao + `}}`)
	}
	b.WriteString(`]}}`)
	return b.String()
}

// BenchmarkExplain1000 is `whycors explain capture.har` on a capture of
// 1,000 fetches and their preflights (issue 23: at most 1 s of CPU):
// reading and explaining each with the command line's options
// (advise.Options: the fix search runs for each blocked fetch), all but
// the writing of the text. cpu-ns/op is the process's CPU time (GC
// included), steadier than wall time on a shared machine.
func BenchmarkExplain1000(b *testing.B) {
	text := captureOf(1000)
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
