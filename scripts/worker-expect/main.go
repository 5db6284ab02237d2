// Command worker-expect prints, as a Lua table for wrk, the CORS response
// headers the engine predicts (native.Policy.Respond, the simulator's
// model of the worker) for the requests scripts/worker-load.sh sends, so
// the load test checks the worker against the engine, not against a copy
// of the worker's own output.
//
//	WHYCORS_POLICY='{...}' go run ./scripts/worker-expect ORIGIN
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: worker-expect ORIGIN (policy in $WHYCORS_POLICY)")
		os.Exit(2)
	}
	origin := os.Args[1]
	p, err := native.Parse(os.Getenv("WHYCORS_POLICY"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pre := p.Respond(policy.Request{Method: "OPTIONS", URL: "http://worker.test/api/items", Header: headers.List{
		{Name: "Origin", Value: origin},
		{Name: "Access-Control-Request-Method", Value: "PUT"},
		{Name: "Access-Control-Request-Headers", Value: "x-custom"},
	}}, policy.Reply{Status: 204})
	// What scripts/worker-upstream answers: its own wide CORS headers and
	// Vary: Accept-Encoding.
	app := policy.Reply{Status: 200, Header: headers.List{
		{Name: "Access-Control-Allow-Origin", Value: "*"},
		{Name: "Access-Control-Expose-Headers", Value: "X-Secret"},
		{Name: "Vary", Value: "Accept-Encoding"},
	}}
	act := p.Respond(policy.Request{Method: "GET", URL: "http://worker.test/api/items", Header: headers.List{{Name: "Origin", Value: origin}}}, app)
	fmt.Printf("preflight_status = %d\n", pre.Reply.Status)
	fmt.Printf("preflight = %s\n", lua(pre.Reply.Header))
	fmt.Printf("actual_status = %d\n", act.Reply.Status)
	fmt.Printf("actual = %s\n", lua(act.Reply.Header))
}

// lua renders the Access-Control-* and Vary lines, names lowercased and
// lines of one name combined with ", " (https://fetch.spec.whatwg.org/#concept-header-list-get).
func lua(l headers.List) string {
	seen := map[string]bool{}
	var names []string
	for _, f := range l {
		n := strings.ToLower(f.Name)
		if (strings.HasPrefix(n, "access-control-") || n == "vary") && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("{")
	for _, n := range names {
		v, _ := l.Get(n)
		fmt.Fprintf(&b, "[%q] = %q, ", n, v)
	}
	b.WriteString("}")
	return b.String()
}
