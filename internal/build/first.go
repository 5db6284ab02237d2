package build

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/formats/raw"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/internal/pageformats"
)

// FirstScenario is the site file that holds the scenario the page opens
// on, as the page writes it for the engine (site/app.js explainJSON of the
// default form): the build explains it and writes the verdict into
// index.html, so that the page can show it before its engine has started.
// It is not published. e2e/simulator's TestFirstVerdict fails, with the
// text to put here, when the page's default scenario no longer matches it.
const FirstScenario = "first-scenario.json"

// firstPlaceholder is where index.html takes the verdict.
var firstPlaceholder = []byte(`<script type="application/json" id="first-verdict"></script>`)

// firstVerdict explains scenario as the core engine does (wasm/core: the
// raw-replies reader only, no fix search) and returns the element that
// replaces firstPlaceholder: {"scenario": the scenario's text, "verdict":
// the engine's verdict}. The page shows the verdict only while its form
// still writes exactly that scenario text.
//
// When the fetch is blocked, the element also holds the fixes the full
// engine gives (wasm/full: explain.Fixes with advise.Options of the
// page's formats), {"fixes_for": the scenario the page asks them for,
// "fixes": [...]}, so that the page's first fix is on screen with its
// first verdict, and the page fetches the full engine (2.6 MB brotli)
// only when an input needs it. The page asks for fixes with the same
// scenario less its "fixes": false (app.js explainJSON and fixKeyOf),
// which scenario must end with.
func firstVerdict(scenario []byte) ([]byte, error) {
	scenario = bytes.TrimSpace(scenario)
	s, err := explain.Decode(scenario)
	if err != nil {
		return nil, fmt.Errorf("site/%s: %v", FirstScenario, err)
	}
	v, err := explain.Explain(s, explain.Options{Formats: policy.NewRegistry(raw.Formats()...)})
	if err != nil {
		return nil, fmt.Errorf("site/%s: the engine refuses the page's first scenario: %v", FirstScenario, err)
	}
	// The text sits inside a script element (appendInScript).
	key, err := json.Marshal(string(scenario)) // escapes <, > and &
	if err != nil {
		return nil, err
	}
	b := append([]byte(nil), `<script type="application/json" id="first-verdict">{"scenario":`...)
	b = append(b, key...)
	b = append(b, `,"verdict":`...)
	b = appendInScript(b, explain.AppendVerdict(nil, &v))
	if !v.Allowed {
		fixesFor, ok := bytes.CutSuffix(scenario, []byte(`,"fixes":false}`))
		if !ok {
			return nil, fmt.Errorf(`site/%s: the scenario does not end with ,"fixes":false} as the page writes it`, FirstScenario)
		}
		fixesFor = append(fixesFor, '}')
		fs, err := explain.Decode(fixesFor)
		if err != nil {
			return nil, fmt.Errorf("site/%s: %v", FirstScenario, err)
		}
		fixes, err := explain.Fixes(fs, advise.Options(pageformats.Registry()))
		if err != nil {
			return nil, fmt.Errorf("site/%s: the full engine refuses the page's first scenario: %v", FirstScenario, err)
		}
		forKey, err := json.Marshal(string(fixesFor))
		if err != nil {
			return nil, err
		}
		b = append(b, `,"fixes_for":`...)
		b = append(b, forKey...)
		b = append(b, `,"fixes":`...)
		b = appendInScript(b, explain.AppendFixes(nil, fixes))
	}
	return append(b, "}</script>"...), nil
}

// appendInScript appends JSON js to b to sit inside a script element:
// "</script" or "<!--" in its text would end or change the element, so
// every "<" is written as \u003c, which JSON reads back as "<" (a "<"
// can only be inside a string).
func appendInScript(b, js []byte) []byte {
	return append(b, bytes.ReplaceAll(js, []byte("<"), []byte(`\u003c`))...)
}

// placeFirstVerdict takes FirstScenario out of the site's files and puts
// its verdict in index.html's placeholder; a site without the file is
// built as it is.
func placeFirstVerdict(src map[string][]byte) error {
	scenario, ok := src[FirstScenario]
	if !ok {
		return nil
	}
	delete(src, FirstScenario)
	page := src["index.html"]
	if bytes.Count(page, firstPlaceholder) != 1 {
		return fmt.Errorf("site/index.html: want one %s for site/%s's verdict", firstPlaceholder, FirstScenario)
	}
	el, err := firstVerdict(scenario)
	if err != nil {
		return err
	}
	src["index.html"] = bytes.Replace(page, firstPlaceholder, el, 1)
	return nil
}
