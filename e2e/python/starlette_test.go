package python_test

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/starlette"
	"github.com/whycors/whycors/engine/policy"
)

// genStarlette writes one FastAPI or Starlette app with CORSMiddleware,
// from a seeded generator.
func genStarlette(r *rand.Rand) string {
	var kw []string
	switch r.Intn(7) {
	case 0:
		kw = append(kw, `allow_origins=["*"]`)
	case 1:
		kw = append(kw, `allow_origins=["https://app.example", "https://b.example"]`)
	case 2:
		kw = append(kw, `allow_origin_regex=`+pick(r, `r"https://.*\.app\.example"`, `"https://.*example"`, `r"https://(app|b)\.example"`, `"https://app.example"`))
	case 3:
		kw = append(kw, `allow_origins=ORIGINS`, `allow_origin_regex=r"https://[a-z]+\.app\.example"`)
	case 4:
		kw = append(kw, `allow_origins="https://app.example"`)
	case 5:
		// The environment, as settings read it: a value given.
		kw = append(kw, `allow_origins=os.environ.get("WHYCORS_ORIGINS", "https://default.example").split(",")`)
	case 6:
		// None given: the default the code writes.
		kw = append(kw, `allow_origins=os.getenv("WHYCORS_UNSET", " https://app.example  https://c.example ").split()`)
	}
	if r.Intn(2) == 0 {
		kw = append(kw, "allow_methods="+pick(r, `["*"]`, `["GET", "POST"]`, `("PUT",)`, `["get", "put"]`, `"GET"`))
	}
	if r.Intn(2) == 0 {
		kw = append(kw, "allow_headers="+pick(r, `["*"]`, `["X-Custom"]`, `["x-custom", "Authorization"]`, `[]`))
	}
	if r.Intn(2) == 0 {
		kw = append(kw, "allow_credentials="+pick(r, "True", "False"))
	}
	if r.Intn(3) == 0 {
		kw = append(kw, "expose_headers="+pick(r, `["X-Total"]`, `["X-A", "X-B"]`))
	}
	if r.Intn(3) == 0 {
		kw = append(kw, "max_age="+pick(r, "0", "3600", `"60"`))
	}
	src := "import os\nORIGINS = [\"https://app.example\"]\n"
	if r.Intn(2) == 0 {
		src += "from fastapi import FastAPI\n\napp = FastAPI()\n"
	} else {
		src += "from starlette.applications import Starlette\n\napp = Starlette()\n"
	}
	if r.Intn(4) == 0 {
		src = strings.Replace(src, "app = ", "MW = [Middleware(CORSMiddleware, "+strings.Join(kw, ", ")+")]\napp = ", 1)
		src = strings.Replace(src, "FastAPI()", "FastAPI(middleware=MW)", 1)
		src = strings.Replace(src, "Starlette()", "Starlette(middleware=MW)", 1)
		return src
	}
	return src + "app.add_middleware(\n    CORSMiddleware,\n    " + strings.Join(kw, ",\n    ") + ",\n)\n"
}

// TestStarlette compares starlette's evaluator with Starlette's
// CORSMiddleware on 30 generated apps of 10 requests each.
func TestStarlette(t *testing.T) {
	r := rand.New(rand.NewSource(18))
	var s suite
	s.generated(t, r, "c", 30, genStarlette, func(src string) (policy.Evaluator, error) { return starlette.ParseEnviron(src, environ) }, []string{"/items", "/api/x", "/boom", "/vary/x"})
	s.golden(t, r, "starlette", []string{"main.py", "app_full.py"}, func(src string) (policy.Evaluator, error) { return starlette.Parse(src) })
	if !s.reads("WHYCORS_ORIGINS", "WHYCORS_UNSET") {
		t.Fatal("no generated configuration reads the environment, with a value given and without")
	}
	// FastAPI 0.92 (Debian 12's) cannot stack Starlette 0.46's
	// middleware: trixie's FastAPI goes with it, and the typing_extensions
	// that FastAPI needs.
	eachLibrary(t, "starlette", "starlette", &s, "python3-starlette", "python3-fastapi", "python3-typing-extensions")
}
