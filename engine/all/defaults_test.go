package all_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/lint"
)

// TestDefaultsAreNoFinding: a list the user wrote no setting for is the
// controller's or the library's default, and lint's checks of what was
// written (a forbidden or safelisted name listed, a max-age over a
// browser's cap) do not report it: tried as a new user would, an Ingress
// with only enable-cors and cors-allow-origin got six findings at its
// kind: line, two of them warnings that fail --fail-on warning, about
// ingress-nginx's own default header list (DNT, Keep-Alive) and max-age
// (1728000); django-cors-headers 3.x's default CORS_ALLOW_HEADERS (dnt,
// origin, accept-encoding) the same. The same names written by the user
// are reported where they are written.
func TestDefaultsAreNoFinding(t *testing.T) {
	const ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: api\n  annotations:\n    nginx.ingress.kubernetes.io/enable-cors: \"true\"\n    nginx.ingress.kubernetes.io/cors-allow-origin: \"https://app.example.com\"\n%s" +
		"spec:\n  ingressClassName: nginx\n  rules:\n    - host: api.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: api, port: {number: 80}}\n"
	tests := []struct {
		desc, format, text string
		want               []string // codes at line:column
		not                []string
	}{
		// kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#enable-cors:
		// cors-allow-headers defaults to DNT,Keep-Alive,User-Agent,...; cors-max-age to 1728000.
		{desc: "ingress-nginx: the controller's defaults", format: "ingress-nginx", text: strings.Replace(ingress, "%s", "", 1),
			not: []string{"forbidden-header", "max-age-cap", "safelisted-method", "options-method"}},
		{desc: "ingress-nginx: the same names written", format: "ingress-nginx",
			text: strings.Replace(ingress, "%s", "    nginx.ingress.kubernetes.io/cors-allow-headers: \"DNT,X-Custom\"\n    nginx.ingress.kubernetes.io/cors-max-age: \"1728000\"\n", 1),
			want: []string{"forbidden-header 8:", "max-age-cap 9:"}},
		// django-cors-headers' README, Configuration: CORS_ALLOW_HEADERS
		// defaults to corsheaders.defaults.default_headers.
		{desc: "django-cors-headers: its defaults", format: "django-cors-headers", text: "INSTALLED_APPS = ['corsheaders']\nCORS_ALLOWED_ORIGINS = ['https://app.example.com']\n",
			not: []string{"forbidden-header", "max-age-cap", "safelisted-header", "options-method"}},
		{desc: "django-cors-headers: the same names written", format: "django-cors-headers", text: "INSTALLED_APPS = ['corsheaders']\nCORS_ALLOWED_ORIGINS = ['https://app.example.com']\nCORS_ALLOW_HEADERS = ['dnt', 'x-custom']\nCORS_PREFLIGHT_MAX_AGE = 86400\n",
			want: []string{"forbidden-header 3:", "max-age-cap 4:"}},
		// Its README's way to extend the defaults: the library's names
		// are not the user's to remove, the one added is theirs (4.x's
		// default_headers no longer hold dnt: the user's, at its line).
		{desc: "django-cors-headers: list(default_headers) + [...]", format: "django-cors-headers", text: "INSTALLED_APPS = ['corsheaders']\nfrom corsheaders.defaults import default_headers\nCORS_ALLOWED_ORIGINS = ['https://app.example.com']\nCORS_ALLOW_HEADERS = list(default_headers) + [\n    'dnt',\n    'x-custom',\n]\n",
			want: []string{"forbidden-header 5:"}, not: []string{"safelisted-header"}},
		// rs/cors's Options doc: AllowedHeaders defaults to Accept,
		// Content-Type and X-Requested-With; AllowedMethods to GET,
		// POST and HEAD. Tried as a new user would: "accept never needs
		// listing" of a list the user never wrote.
		{desc: "rs/cors: its default headers and methods", format: "rs-cors", text: "package main\n\nimport \"github.com/rs/cors\"\n\nvar c = cors.New(cors.Options{\n\tAllowedOrigins:   []string{\"https://app.example.com\"},\n\tAllowCredentials: true,\n})\n",
			not: []string{"safelisted-header", "safelisted-method"}},
		{desc: "rs/cors: Accept written", format: "rs-cors", text: "package main\n\nimport \"github.com/rs/cors\"\n\nvar c = cors.New(cors.Options{\n\tAllowedOrigins:   []string{\"https://app.example.com\"},\n\tAllowedHeaders:   []string{\"Accept\", \"X-Custom\"},\n})\n",
			want: []string{"safelisted-header 7:"}},
		// flask-cors's README: methods defaults to every method
		// (flask_cors/core.py ALL_METHODS), OPTIONS among them.
		{desc: "flask-cors: its default methods", format: "flask-cors", text: "from flask_cors import CORS\nCORS(app, origins=['https://app.example.com'])\n",
			not: []string{"options-method", "safelisted-method"}},
		{desc: "flask-cors: OPTIONS written", format: "flask-cors", text: "from flask_cors import CORS\nCORS(app, origins=['https://app.example.com'], methods=['PUT', 'OPTIONS'])\n",
			want: []string{"options-method 2:"}},
		// Starlette's cors.py: "*" in allow_methods is ALL_METHODS.
		{desc: "starlette: allow_methods=['*'] is not the names it stands for", format: "starlette", text: "from starlette.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=['https://app.example.com'], allow_methods=['*'])\n",
			not: []string{"options-method", "safelisted-method"}},
	}
	reg := all.Registry()
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			fs, err := lint.Lint(reg, tc.text, tc.format)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.Code+" "+strconv.Itoa(f.Line)+":")
			}
			all := strings.Join(got, "\n")
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("no %q among:\n%s", w, all)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(all, n) {
					t.Errorf("%s reported:\n%s", n, all)
				}
			}
		})
	}
}
