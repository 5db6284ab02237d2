package build

import (
	"strings"
	"testing"
)

func TestProcessFingerprintsAndRewrites(t *testing.T) {
	src := map[string][]byte{
		"index.html":   []byte(`<!doctype html><html><head><link rel="stylesheet" href="style.css"><script src="app.js" defer></script></head><body><p>hi</p></body></html>`),
		"app.js":       []byte("fetch( \"whycors.wasm\" );\n// a comment\n"),
		"style.css":    []byte("body {  color : red ; }"),
		"whycors.wasm": []byte("\x00asm\x01\x00\x00\x00"),
		"myapp.js":     []byte("var x = 1;"),
	}
	out, names, err := process(src)
	if err != nil {
		t.Fatal(err)
	}
	if names["index.html"] != "index.html" {
		t.Errorf("the page must keep its name, got %q", names["index.html"])
	}
	for _, asset := range []string{"app.js", "style.css", "whycors.wasm", "myapp.js"} {
		n := names[asset]
		if n == asset || !strings.HasPrefix(n, strings.SplitN(asset, ".", 2)[0]+".") {
			t.Errorf("%s got name %q, want a hashed name", asset, n)
		}
	}
	page := string(out["index.html"])
	for _, asset := range []string{"app.js", "style.css"} {
		if !strings.Contains(page, `"`+names[asset]+`"`) {
			t.Errorf("index.html does not refer to %s by its hashed name: %s", asset, page)
		}
	}
	if strings.Contains(page, names["myapp.js"]) {
		t.Errorf("app.js inside a name must not match myapp.js")
	}
	if js := string(out["app.js"]); !strings.Contains(js, names["whycors.wasm"]) || strings.Contains(js, "comment") {
		t.Errorf("app.js not minified or not rewritten: %q", js)
	}
	if css := string(out["style.css"]); css != "body{color:red}" {
		t.Errorf("style.css = %q, want it minified", css)
	}
	// A change in the wasm changes the name of the script that loads it.
	src["whycors.wasm"] = []byte("\x00asm\x01\x00\x00\x01")
	_, names2, err := process(src)
	if err != nil {
		t.Fatal(err)
	}
	if names2["app.js"] == names["app.js"] {
		t.Error("app.js kept its hash although the wasm it names changed")
	}
}

func TestProcessRejectsCycles(t *testing.T) {
	_, _, err := process(map[string][]byte{
		"a.js": []byte(`import "./b.js";`),
		"b.js": []byte(`import "./a.js";`),
	})
	if err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Fatalf("err = %v, want a cycle error", err)
	}
}
