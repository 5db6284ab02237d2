package pylit_test

import (
	"encoding/json"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
)

// TestEnvironFixes: the three Python readers take a list of origins
// read from the environment and split (the most common way settings
// are written: tried as a new user would, each was an input error),
// with its default for want of a value, or the one --param gives. The
// fix of a list whose value --param gave is the variable's new value,
// which passes when explained again and lets no other origin in
// (library os.getenv, os.environ.get, str.split). Of a default the code
// writes, or of a variable the code reads twice, there is no such fix
// (want ""): an adversarial review saw "set it to
// http://localhost:3000,https://app.example", a development default
// carried to where the app runs.
func TestEnvironFixes(t *testing.T) {
	tests := []struct {
		desc, format, text string
		params             map[string]string
		name, want         string
	}{
		{desc: "Starlette, os.getenv with an empty default", format: "starlette",
			text: "import os\nfrom fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=os.getenv(\"ORIGINS\", \"\").split(\",\"))\n",
			name: "ORIGINS", want: ""},
		{desc: "Starlette, the value --param gives kept", format: "starlette",
			text:   "import os\nfrom fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=os.getenv(\"ORIGINS\", \"\").split(\",\"))\n",
			params: map[string]string{"ORIGINS": "https://a.example"}, name: "ORIGINS", want: "https://a.example,https://app.example"},
		{desc: "django-cors-headers, os.environ.get with a default", format: "django-cors-headers",
			text: "import os\nINSTALLED_APPS = [\"corsheaders\"]\nMIDDLEWARE = [\"corsheaders.middleware.CorsMiddleware\"]\nCORS_ALLOWED_ORIGINS = os.environ.get(\"CORS_ALLOWED_ORIGINS\", \"http://localhost:3000\").split(\",\")\n",
			name: "CORS_ALLOWED_ORIGINS", want: ""},
		{desc: "django-cors-headers, the value --param gives", format: "django-cors-headers",
			text:   "import os\nINSTALLED_APPS = [\"corsheaders\"]\nMIDDLEWARE = [\"corsheaders.middleware.CorsMiddleware\"]\nCORS_ALLOWED_ORIGINS = os.environ.get(\"CORS_ALLOWED_ORIGINS\", \"http://localhost:3000\").split(\",\")\n",
			params: map[string]string{"CORS_ALLOWED_ORIGINS": "https://b.example"}, name: "CORS_ALLOWED_ORIGINS", want: "https://b.example,https://app.example"},
		{desc: "flask-cors, a variable two resources read: no fix of it, which would open the other too", format: "flask-cors",
			text:   "import os\nfrom flask_cors import CORS\nCORS(app, resources={r\"/items\": {\"origins\": os.getenv(\"ORIGINS\", \"\").split()}, r\"/admin/*\": {\"origins\": os.getenv(\"ORIGINS\", \"\").split(), \"supports_credentials\": True}})\n",
			params: map[string]string{"ORIGINS": "https://b.example"}, name: "ORIGINS", want: ""},
		{desc: "Starlette, a name bound to the variable and read by two middlewares (a second look's review)", format: "starlette",
			text:   "import os\nfrom fastapi.middleware.cors import CORSMiddleware\nORIGINS = os.getenv(\"ORIGINS\", \"\").split(\",\")\napp.add_middleware(CORSMiddleware, allow_origins=ORIGINS)\nadmin.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)\n",
			params: map[string]string{"ORIGINS": "https://b.example"}, name: "ORIGINS", want: ""},
		{desc: "Starlette, a name bound to the variable and read once", format: "starlette",
			text:   "import os\nfrom fastapi.middleware.cors import CORSMiddleware\nORIGINS = os.getenv(\"ORIGINS\", \"\").split(\",\")\napp.add_middleware(CORSMiddleware, allow_origins=ORIGINS)\n",
			params: map[string]string{"ORIGINS": "https://b.example"}, name: "ORIGINS", want: "https://b.example,https://app.example"},
		{desc: "flask-cors, split on whitespace", format: "flask-cors",
			text:   "import os\nfrom flask_cors import CORS\nCORS(app, origins=os.getenv(\"ORIGINS\", \"https://b.example\").split())\n",
			params: map[string]string{"ORIGINS": "https://b.example"}, name: "ORIGINS", want: "https://b.example https://app.example"},
	}
	reg := all.Registry()
	for _, tc := range tests {
		p := map[string]any{"format": tc.format, "text": tc.text}
		if tc.params != nil {
			p["params"] = tc.params
		}
		b, _ := json.Marshal(map[string]any{"request": map[string]any{"origin": "https://app.example", "url": "https://api.example/items"}, "policy": p})
		s, err := explain.Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		v, err := explain.Explain(s, advise.Options(reg))
		if err != nil || v.Allowed {
			t.Errorf("%s: allowed %v before any fix, %v", tc.desc, v.Allowed, err)
			continue
		}
		var f *explain.Fix
		for i := range v.Fixes {
			if v.Fixes[i].Where == "server" && v.Fixes[i].Format == tc.format {
				f = &v.Fixes[i]
				break
			}
		}
		if tc.want == "" {
			for _, f := range v.Fixes {
				if _, ok := f.Params[tc.name]; ok {
					t.Errorf("%s: a fix sets %s=%q", tc.desc, tc.name, f.Params[tc.name])
				}
			}
			continue
		}
		if f == nil || f.Params[tc.name] != tc.want {
			t.Errorf("%s: fixes %+v, want %s=%q", tc.desc, v.Fixes, tc.name, tc.want)
			continue
		}
		s2 := s
		s2.Policy = f.Applied(s.Policy)
		if v2, err := explain.Explain(s2, explain.Options{Formats: reg}); err != nil || !v2.Allowed {
			t.Errorf("%s: with the fix allowed %v, %v", tc.desc, v2.Allowed, err)
		}
		s3 := s2
		s3.Request.Origin = "https://evil.example"
		if v3, err := explain.Explain(s3, explain.Options{Formats: reg}); err != nil || v3.Allowed {
			t.Errorf("%s: with the fix another origin is allowed %v, %v", tc.desc, v3.Allowed, err)
		}
	}
}
