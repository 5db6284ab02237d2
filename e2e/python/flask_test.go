package python_test

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/flaskcors"
	"github.com/whycors/whycors/engine/policy"
)

// genFlask writes one Flask app with flask-cors, from a seeded generator.
func genFlask(r *rand.Rand) string {
	opt := func() [][2]string {
		var kw [][2]string
		if r.Intn(3) != 0 {
			kw = append(kw, [2]string{"origins", pick(r, `"*"`, `["https://app.example", "https://b.example"]`, `"https://app.example"`, `[r"https://.*\.app\.example", "https://b.example"]`, `"https://.*example"`, `re.compile(r"https://app\.example")`)})
		}
		if r.Intn(3) == 0 {
			kw = append(kw, [2]string{"methods", pick(r, `["GET", "POST"]`, `"put"`, `["get", "DELETE"]`)})
		}
		if r.Intn(3) == 0 {
			kw = append(kw, [2]string{"allow_headers", pick(r, `["X-Custom"]`, `"content-type"`, `[r"x-.*"]`)})
		}
		if r.Intn(3) == 0 {
			kw = append(kw, [2]string{"supports_credentials", "True"})
		}
		if r.Intn(4) == 0 {
			kw = append(kw, [2]string{"expose_headers", pick(r, `["X-B", "X-A"]`, `"X-Total"`)})
		}
		if r.Intn(4) == 0 {
			kw = append(kw, [2]string{"max_age", pick(r, "600", "0", `"60"`)})
		}
		if r.Intn(4) == 0 {
			kw = append(kw, [2]string{"send_wildcard", pick(r, "True", "False")})
		}
		if r.Intn(4) == 0 {
			kw = append(kw, [2]string{"vary_header", "False"})
		}
		if r.Intn(4) == 0 {
			kw = append(kw, [2]string{"always_send", "False"})
		}
		return kw
	}
	src := "import re\nfrom flask import Flask\nfrom flask_cors import CORS, cross_origin\n\napp = Flask(__name__)\n"
	kwargs := func(kw [][2]string, dict bool) string {
		var out []string
		for _, p := range kw {
			if dict {
				out = append(out, "\""+p[0]+"\": "+p[1])
			} else {
				out = append(out, p[0]+"="+p[1])
			}
		}
		return strings.Join(out, ", ")
	}
	for {
		kw := opt()
		all := kwargs(kw, false)
		if strings.Contains(all, "supports_credentials") && strings.Contains(all, "send_wildcard=True") {
			continue
		}
		switch r.Intn(4) {
		case 0:
			src += "CORS(app, " + all + ")\n"
		case 1:
			src += "CORS(app, resources={r\"/api/*\": {" + kwargs(kw, true) + "}, \"/items\": {\"origins\": \"https://b.example\"}})\n"
		case 2:
			src += "CORS(app, resources=r\"/api/*\", " + all + ")\n"
		}
		dec := kwargs(opt(), false)
		if strings.Contains(dec, "supports_credentials") && strings.Contains(dec, "send_wildcard=True") {
			dec = ""
		}
		src += "\n\n@app.route(\"/dec\", methods=[\"GET\", \"POST\", \"PUT\", \"DELETE\"])\n@cross_origin(" + dec + ")\ndef dec():\n    return \"app\"\n"
		return src
	}
}

// TestFlaskCors compares flaskcors' evaluator with flask-cors on 30
// generated apps of 10 requests each.
func TestFlaskCors(t *testing.T) {
	r := rand.New(rand.NewSource(18))
	var s suite
	s.generated(t, r, "f", 30, genFlask, func(src string) (policy.Evaluator, error) { return flaskcors.Parse(src) }, []string{"/items", "/api/x", "/apiary", "/boom", "/dec", "/api/vary"})
	s.golden(t, r, "flaskcors", []string{"app.py", "app_full.py"}, func(src string) (policy.Evaluator, error) { return flaskcors.Parse(src) })
	eachLibrary(t, "flask", "flask_cors", &s, "python3-flask-cors")
}
