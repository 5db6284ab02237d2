package python_test

import (
	"math/rand"
	"testing"

	"github.com/whycors/whycors/engine/formats/djangocors"
	"github.com/whycors/whycors/engine/policy"
)

// genDjango writes one settings module for django-cors-headers, from a
// seeded generator.
func genDjango(r *rand.Rand) string {
	src := "import os\nfrom corsheaders.defaults import default_headers, default_methods\n\n"
	if r.Intn(5) != 0 {
		src += "MIDDLEWARE = [\n    \"corsheaders.middleware.CorsMiddleware\",\n]\n"
	} else {
		src += "MIDDLEWARE = []\n"
	}
	switch r.Intn(8) {
	case 0:
		src += "CORS_ALLOW_ALL_ORIGINS = True\n"
	case 1:
		src += "CORS_ALLOWED_ORIGINS = [\"https://app.example\", \"https://b.example/\"]\n"
	case 2:
		src += "CORS_ORIGIN_WHITELIST = (\"https://app.example\", \"http://app.example\")\n"
	case 3:
		src += "CORS_ALLOWED_ORIGIN_REGEXES = [" + pick(r, `r"^https://\w+\.app\.example$"`, `r"https://app\.example"`, `r"^https://.*example"`) + "]\n"
	case 4:
		src += "CORS_ORIGIN_ALLOW_ALL = True\nCORS_ALLOWED_ORIGINS = [\"null\"]\n"
	case 5:
		src += "CORS_ALLOWED_ORIGINS = [\"https://app.example\"]\nCORS_ALLOWED_ORIGIN_REGEXES = [r\"^https://b\\.example$\"]\n"
	case 6:
		// The environment, as settings read it: a value given, and
		// none (the default the code writes).
		src += "CORS_ALLOWED_ORIGINS = os.environ.get(\"WHYCORS_ORIGINS\", \"https://default.example\").split(\",\")\n"
	case 7:
		src += "CORS_ALLOWED_ORIGINS = os.getenv(\"WHYCORS_UNSET\", \"https://app.example,http://localhost:3000\").split(\",\")\n"
	}
	if r.Intn(2) == 0 {
		src += "CORS_ALLOW_METHODS = " + pick(r, `["GET", "POST"]`, `(*default_methods, "PURGE")`, `list(default_methods) + ["PROPFIND"]`) + "\n"
	}
	if r.Intn(2) == 0 {
		src += "CORS_ALLOW_HEADERS = " + pick(r, `(*default_headers, "x-custom")`, `["X-Custom"]`, `default_headers + ("x-other",)`) + "\n"
	}
	if r.Intn(2) == 0 {
		src += "CORS_ALLOW_CREDENTIALS = " + pick(r, "True", "False") + "\n"
	}
	if r.Intn(3) == 0 {
		src += "CORS_EXPOSE_HEADERS = " + pick(r, `["X-Total"]`, `("X-A", "X-B")`) + "\n"
	}
	if r.Intn(3) == 0 {
		src += "CORS_PREFLIGHT_MAX_AGE = " + pick(r, "0", "60 * 60", "600") + "\n"
	}
	if r.Intn(3) == 0 {
		src += "CORS_URLS_REGEX = " + pick(r, `r"^/api/.*$"`, `r"/api"`, `r"^/items"`) + "\n"
	}
	return src
}

// TestDjangoCorsHeaders compares djangocors' evaluator with
// django-cors-headers' CorsMiddleware on 30 generated settings modules
// of 10 requests each.
func TestDjangoCorsHeaders(t *testing.T) {
	r := rand.New(rand.NewSource(18))
	var s suite
	s.generated(t, r, "d", 30, genDjango, func(src string) (policy.Evaluator, error) { return djangocors.ParseEnviron(src, environ) }, []string{"/items", "/api/x", "/boom", "/api/vary"})
	s.golden(t, r, "djangocors", []string{"settings.py"}, func(src string) (policy.Evaluator, error) { return djangocors.Parse(src) })
	if !s.reads("WHYCORS_ORIGINS", "WHYCORS_UNSET") {
		t.Fatal("no generated configuration reads the environment, with a value given and without")
	}
	// CORS_ALLOW_PRIVATE_NETWORK (4.x), on preflights that ask for private
	// network access and ones that do not, from allowed and refused
	// origins: added after the generated ones, so their draws are kept.
	const pna = "CORS_ALLOWED_ORIGINS = [\"https://app.example\"]\nCORS_ALLOW_CREDENTIALS = True\nCORS_ALLOW_PRIVATE_NETWORK = True\n"
	s.configs = append(s.configs, config{ID: "p0", Source: pna})
	for _, o := range []string{"https://app.example", "https://evil.example"} {
		for _, v := range []string{"true", "false", "TRUE", ""} {
			req := policy.Request{Method: "OPTIONS", URL: "/api/x"}
			req.Header.Add("Origin", o)
			req.Header.Add("Access-Control-Request-Method", "PUT")
			if v != "" {
				req.Header.Add("Access-Control-Request-Private-Network", v)
			}
			s.cases = append(s.cases, testCase{id: "p0", source: pna, req: req})
		}
	}
	// Each server's replies against the model of its version: Debian 12's
	// 3.14.0 and Debian 13's 4.7.0 (with its Django 4.2) answer apart.
	s.dist = "django-cors-headers"
	s.versioned = func(src, version string) (policy.Evaluator, error) {
		return djangocors.ParseVersion(src, environ, version)
	}
	eachLibrary(t, "django", "corsheaders", &s, "python3-django-cors-headers", "python3-django")
}
