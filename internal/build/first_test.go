package build

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestPlaceFirstVerdict puts a scenario's verdict into a page and reads
// it back as the page does (the element's text as JSON), through the
// minifier; a reply that holds "</script>" stays inside the element. The
// fetch is blocked, so the element also holds the full engine's fixes,
// for the scenario less its "fixes": false.
func TestPlaceFirstVerdict(t *testing.T) {
	asked := `{"browser":"firefox","request":{"origin":"https://app.example","url":"https://api.example/x","method":"GET"},` +
		`"policy":{"format":"raw","text":"HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://other.example\nX-Note: </script><!--\n"}}`
	scenario := strings.TrimSuffix(asked, "}") + `,"fixes":false}`
	src := map[string][]byte{
		"index.html":  []byte(`<!doctype html><html><head><script type="module" src="app.js"></script>` + string(firstPlaceholder) + `</head><body><p>hi</p></body></html>`),
		FirstScenario: []byte(scenario + "\n"),
	}
	if err := placeFirstVerdict(src); err != nil {
		t.Fatal(err)
	}
	if _, ok := src[FirstScenario]; ok {
		t.Errorf("%s is still among the files to publish", FirstScenario)
	}
	out, _, err := process(src)
	if err != nil {
		t.Fatal(err)
	}
	page := string(out["index.html"])
	_, el, ok := strings.Cut(page, `first-verdict`)
	_, el, _ = strings.Cut(el, ">")
	if !ok {
		t.Fatalf("no first-verdict element in %s", page)
	}
	el, rest, _ := strings.Cut(el, "</script>")
	if !strings.Contains(rest, "<p>hi</p>") {
		t.Fatalf("the element ends early, the page goes on with %q", rest)
	}
	var got struct {
		Scenario string
		Verdict  struct {
			Browser string
			Allowed bool
			Reason  string
		}
		FixesFor string `json:"fixes_for"`
		Fixes    []struct{ Where, Text string }
	}
	if err := json.Unmarshal([]byte(el), &got); err != nil {
		t.Fatalf("the element's text is not JSON: %v\n%s", err, el)
	}
	if got.Scenario != scenario {
		t.Errorf("scenario = %q, want the file's text %q", got.Scenario, scenario)
	}
	// The Fetch standard's CORS check: the one origin allowed is not the
	// request's (https://fetch.spec.whatwg.org/#cors-check).
	if got.Verdict.Browser != "firefox" || got.Verdict.Allowed || got.Verdict.Reason == "" {
		t.Errorf("verdict = %+v, want Firefox blocking the fetch with a reason", got.Verdict)
	}
	if got.FixesFor != asked {
		t.Errorf("fixes_for = %q, want the scenario less its fixes: false, %q", got.FixesFor, asked)
	}
	// The fix sends the page's origin; the reply's other line stays.
	if len(got.Fixes) == 0 || got.Fixes[0].Where != "server" || !strings.Contains(got.Fixes[0].Text, "Access-Control-Allow-Origin: https://app.example\n") ||
		!strings.Contains(got.Fixes[0].Text, "X-Note: </script><!--\n") {
		t.Errorf("fixes = %+v, want the server's reply with the page's origin, its X-Note line kept", got.Fixes)
	}
}

// TestFirstVerdictOfAnAllowedFetch: nothing to fix, so the element holds
// no fixes (the page says so itself), and the scenario may end as it
// likes.
func TestFirstVerdictOfAnAllowedFetch(t *testing.T) {
	el, err := firstVerdict([]byte(`{"request":{"origin":"https://app.example","url":"https://api.example/x"},` +
		`"policy":{"format":"raw","text":"HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\n"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(el, []byte(`"allowed":true`)) || bytes.Contains(el, []byte(`"fixes_for"`)) {
		t.Errorf("element %s, want an allowed verdict and no fixes", el)
	}
}

// TestPlaceFirstVerdictRefuses names the file at fault: a page without
// the placeholder, a scenario the engine cannot read.
func TestPlaceFirstVerdictRefuses(t *testing.T) {
	for _, c := range []struct{ desc, page, scenario, want string }{
		{"no placeholder in the page", `<html><body></body></html>`, `{"request":{}}`, "site/index.html: want one"},
		{"two placeholders", string(firstPlaceholder) + string(firstPlaceholder), `{}`, "site/index.html: want one"},
		{"a scenario that is not JSON", string(firstPlaceholder), `{"request":`, "site/first-scenario.json: "},
		{"a scenario without its request", string(firstPlaceholder), `{"browser":"chrome"}`, "site/first-scenario.json: "},
	} {
		t.Run(c.desc, func(t *testing.T) {
			src := map[string][]byte{"index.html": []byte(c.page), FirstScenario: []byte(c.scenario)}
			err := placeFirstVerdict(src)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error = %v, want one that starts %q", err, c.want)
			}
			if !bytes.Equal(src["index.html"], []byte(c.page)) {
				t.Error("the page changed although the build refused")
			}
		})
	}
}
