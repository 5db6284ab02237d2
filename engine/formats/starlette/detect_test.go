package starlette_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
)

// TestDetectMatrix is the Python formats' row of the confusion matrix:
// each Python golden file (and a few variants) is claimed by its own
// format alone, and no other format's golden file or example is claimed
// by a Python format.
func TestDetectMatrix(t *testing.T) {
	reg := all.Registry()
	python := map[string]bool{"starlette": true, "django-cors-headers": true, "flask-cors": true}
	own := []struct{ desc, text, want string }{
		{desc: "FastAPI golden", text: read(t, "testdata/main.py"), want: "starlette"},
		{desc: "Django golden", text: read(t, "../djangocors/testdata/settings.py"), want: "django-cors-headers"},
		{desc: "Flask golden", text: read(t, "../flaskcors/testdata/app.py"), want: "flask-cors"},
		{desc: "FastAPI service", text: read(t, "testdata/app_full.py"), want: "starlette"},
		{desc: "Django settings module", text: read(t, "../djangocors/testdata/settings_full.py"), want: "django-cors-headers"},
		{desc: "Flask service", text: read(t, "../flaskcors/testdata/app_full.py"), want: "flask-cors"},
		{desc: "Starlette middleware list", text: "from starlette.applications import Starlette\nfrom starlette.middleware import Middleware\nfrom starlette.middleware.cors import CORSMiddleware\n\nmiddleware = [Middleware(CORSMiddleware, allow_origins=['*'])]\napp = Starlette(middleware=middleware)\n", want: "starlette"},
		{desc: "settings without an import", text: "DEBUG = False\nCORS_ALLOWED_ORIGINS = ['https://a.example']\n", want: "django-cors-headers"},
		{desc: "a decorated Flask view", text: "from flask import Flask\nfrom flask_cors import cross_origin\napp = Flask(__name__)\n\n@app.route('/x')\n@cross_origin(origins='https://a.example')\ndef x():\n    return 'x'\n", want: "flask-cors"},
	}
	for _, tt := range own {
		d := reg.Detect(tt.text)
		if len(d) != 1 || d[0].Format != tt.want {
			t.Errorf("%s: Detect = %v, want %s alone", tt.desc, d, tt.want)
		}
	}
	var files []string
	for _, root := range []string{"../../../examples", "../../formats", "../../platform"} {
		filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() && strings.Contains(p, "testdata") && !strings.Contains(p, "/fuzz/") || err == nil && !e.IsDir() && strings.HasPrefix(p, "../../../examples") {
				files = append(files, p)
			}
			return nil
		})
	}
	n := 0
	for _, p := range files {
		if strings.Contains(p, "starlette/") || strings.Contains(p, "djangocors/") || strings.Contains(p, "flaskcors/") {
			continue
		}
		n++
		for _, d := range reg.Detect(read(t, p)) {
			if python[d.Format] {
				t.Errorf("%s: claimed by %s (%s)", p, d.Format, d.Why)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d other golden files found", n)
	}
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
