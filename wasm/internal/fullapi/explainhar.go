//go:build js && wasm

package fullapi

import (
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/formats/har/explainhar"
)

// explainHAR is whycorsFull.explainHar({"text", "browser"}): every
// cross-origin fetch of a HAR file with its verdict in browser, the
// blocked ones first, as `whycors explain FILE.har --json` prints them
// ({"exchanges": [{"entry", "verdict"}]}: explainhar.AppendVerdicts),
// and beside them "scenarios", the scenario of each exchange in the same
// order (explain.AppendScenario), which the page opens when one is
// picked. The engine pairs each fetch with its preflight; the page pairs
// nothing. "unattributed" lists, when there are any, the fetches that
// failed with no origin the file shows ({"entry", "method", "url",
// "error"}: explainhar.ExplainFile's).
func explainHAR(arg string, opts explain.Options) string {
	var text, browser string
	if e := decode(arg, map[string]*string{"text": &text, "browser": &browser}); e != "" {
		return e
	}
	vs, unattributed, err := explainhar.ExplainFile(text, browser, opts)
	if err != nil {
		return errorJSON(err)
	}
	b := explainhar.AppendVerdicts(nil, vs)
	b = append(b[:len(b)-1], `,"scenarios":[`...)
	for i := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = explain.AppendScenario(b, &vs[i].Scenario)
	}
	b = append(b, ']')
	if len(unattributed) > 0 {
		// The fetches that failed with no origin the file shows, which
		// the page names under its list, as the command line does
		// under its count.
		b = append(b, `,"unattributed":`...)
		b = explainhar.AppendUnattributed(b, unattributed)
	}
	return string(append(b, '}'))
}
