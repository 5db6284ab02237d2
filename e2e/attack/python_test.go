package attack_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/whycors/whycors/e2e/attack/attacktest"
	"github.com/whycors/whycors/engine/formats/flaskcors"
	"github.com/whycors/whycors/engine/formats/starlette"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/internal/attack"
)

// pyConfig is one configuration of a Python library, served under /<id>/
// by e2e/python's server (testdata/server.py there), which also prints
// the library's version.
type pyConfig struct {
	id, desc, src string
	want          map[string]attacktest.Weakness
	fixable       bool
}

// servePython starts e2e/python/testdata/server.py for library with
// configs and returns its base URL; it skips (or fails under
// WHYCORS_REQUIRE_BROWSER) when Debian's python3 lacks module.
func servePython(t *testing.T, library, module, pkgs string, configs []pyConfig) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import "+module).Run(); err != nil {
		if os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
			t.Fatalf("%s cannot import %s (apt-get install %s)", py, module, pkgs)
		}
		t.Skipf("%s cannot import %s; apt-get install %s", py, module, pkgs)
	}
	type cfg struct {
		ID     string `json:"id"`
		Source string `json:"source"`
	}
	var list []cfg
	for _, c := range configs {
		list = append(list, cfg{c.id, c.src})
	}
	data, _ := json.Marshal(list)
	path := filepath.Join(t.TempDir(), "configs.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, filepath.Join("..", "python", "testdata", "server.py"), library, path)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	base, versions := attacktest.Serve(t, cmd)
	t.Logf("%s: %s", library, versions)
	return base
}

func runPython(t *testing.T, base string, configs []pyConfig, formats []policy.Format) {
	for _, c := range configs {
		t.Run(c.id, func(t *testing.T) {
			attacktest.Check(t, attacktest.Case{Desc: c.desc, URL: base + "/" + c.id + "/data", Want: c.want, Policy: c.src, Fixable: c.fixable, Formats: formats})
		})
	}
}

// flaskSource cites flask-cors 3.0.10's core.py: the default origins "*"
// become ".*" and, without send_wildcard, the request's Origin is echoed
// (get_cors_origins); an origin with a regex character is matched with
// re.match, anchored at the start only (try_match_pattern,
// probably_regex); supports_credentials adds
// Access-Control-Allow-Credentials: true.
const flaskSource = "flask-cors 3.0.10 core.py (get_cors_origins, try_match_pattern, probably_regex)"

// TestAttackFlaskCors runs the battery against Debian 12's flask-cors.
func TestAttackFlaskCors(t *testing.T) {
	head := "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"
	configs := []pyConfig{
		{id: "default", desc: "CORS(app): every origin echoed, no credentials", src: head + "CORS(app)\n",
			want: attacktest.All(false, "the default origins \"*\" echo any Origin, without credentials ("+flaskSource+")")},
		{id: "creds", desc: "CORS(app, supports_credentials=True): every origin echoed with credentials", src: head + "CORS(app, supports_credentials=True)\n",
			want: attacktest.All(true, "any Origin is echoed, with Access-Control-Allow-Credentials: true ("+flaskSource+")")},
		{id: "regex", desc: `origins=r"https://.*\.example\.com": re.match, no $`,
			src: head + "CORS(app, origins=r\"https://.*\\.example\\.com\", supports_credentials=True)\n",
			want: map[string]attacktest.Weakness{
				attack.KindPrefixHost: attacktest.W(attack.Medium, ".* matches evilapp ("+flaskSource+")"),
				attack.KindSubdomain:  attacktest.W(attack.Medium, ".* matches evil.app"),
				attack.KindSuffix:     attacktest.W(attack.High, "re.match anchors the start only: .evil.test may follow ("+flaskSource+")"),
				attack.KindUnderscore: attacktest.W(attack.High, "likewise"),
				attack.KindBacktick:   attacktest.W(attack.High, "likewise"),
			}},
		{id: "null", desc: `"null" listed`, src: head + "CORS(app, origins=[\"https://app.example.com\", \"null\"], supports_credentials=True)\n",
			want: map[string]attacktest.Weakness{attack.KindNull: attacktest.W(attack.High, `"null" is compared as any origin (`+flaskSource+")")}},
		{id: "strict", desc: "the exact origin alone", src: head + "CORS(app, origins=[\"https://app.example.com\"], supports_credentials=True)\n",
			want: map[string]attacktest.Weakness{}},
	}
	base := servePython(t, "flask", "flask_cors", "python3-flask python3-flask-cors", configs)
	runPython(t, base, configs, flaskcors.Formats())
}

// starletteSource cites Starlette 0.26.1's middleware/cors.py: "*" with
// allow_credentials answers a request that carries a Cookie header with
// its own Origin (simple_response: allow_all_origins and has_cookie);
// allow_origin_regex is matched with fullmatch (is_allowed_origin).
const starletteSource = "Starlette 0.26.1 middleware/cors.py (simple_response, is_allowed_origin)"

// TestAttackStarlette runs the battery against Debian 12's Starlette.
func TestAttackStarlette(t *testing.T) {
	src := func(kw string) string {
		return "from starlette.applications import Starlette\nfrom starlette.middleware import Middleware\nfrom starlette.middleware.cors import CORSMiddleware\n\n" +
			"MW = [Middleware(CORSMiddleware, " + kw + ", allow_credentials=True, allow_methods=[\"GET\", \"PUT\"], allow_headers=[\"content-type\"])]\napp = Starlette(middleware=MW)\n"
	}
	configs := []pyConfig{
		{id: "star", desc: `allow_origins=["*"] with credentials: a request with cookies gets its origin back`, src: src(`allow_origins=["*"]`),
			want: attacktest.All(true, "the battery's credentialed GET carries a cookie, and Starlette then echoes the Origin with credentials ("+starletteSource+")")},
		{id: "regex", desc: `allow_origin_regex=r"https://.*\.example\.com"`, src: src(`allow_origin_regex=r"https://.*\.example\.com"`),
			want: map[string]attacktest.Weakness{
				attack.KindPrefixHost: attacktest.W(attack.Medium, ".* matches evilapp ("+starletteSource+")"),
				attack.KindSubdomain:  attacktest.W(attack.Medium, ".* matches evil.app"),
			}},
		{id: "dot", desc: `allow_origin_regex=r"https://app.example.com": dots unescaped`, src: src(`allow_origin_regex=r"https://app.example.com"`),
			want: map[string]attacktest.Weakness{attack.KindUnescapedDot: attacktest.W(attack.High, `fullmatch, but "." matches the x of appxexample.com (`+starletteSource+")")}},
		{id: "strict", desc: "the exact origin alone", src: src(`allow_origins=["https://app.example.com"]`),
			want: map[string]attacktest.Weakness{}},
	}
	base := servePython(t, "starlette", "starlette, fastapi, uvicorn", "python3-starlette python3-fastapi python3-uvicorn", configs)
	runPython(t, base, configs, starlette.Formats())
}
