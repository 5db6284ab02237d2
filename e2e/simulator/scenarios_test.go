package simulator_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	cdpinput "github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	// The formats the wasm links (wasm/formats.go), so that explain here
	// reads the same policies as the page.
)

// input is what a person types into the form. Empty fields keep the
// page's defaults (the "JSON POST with a bearer token" request).
type input struct {
	origin, url, method string
	headers             [][2]string
	credentials         string // option text typed into the select: "include", "omit"
	mode                string // "no-cors", "same-origin"
	body                string // option text: "none", "a string", "FormData", ...
	source              string // "policy" or "raw"
	format              string // option text: "Detect automatically" or a format name
	text                string // the policy or raw replies
}

// bodyValues maps the body option a test types to the value the page
// puts in the scenario (site/index.html #body-type).
var bodyValues = map[string]string{"none": "", "a string": "string", "URLSearchParams": "urlsearchparams", "FormData": "formdata", "ReadableStream": "stream", "Blob (no type)": "blob:"}

const (
	app   = "https://app.example"
	api   = "https://api.example/items/1"
	other = "https://evil.example"
)

// reply builds raw reply text (curl -i form) from lines.
func reply(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

// scenarios span every reason family of Chromium's Network.CorsError that
// a fetch() from a page can reach, a request-construction failure, the
// modes, and every registered policy format. want is Chrome's reason as
// the reference says it must be (shared/reference/browser-cors.md, the
// catalog ids in the desc), or "?" where the reference leaves it to the
// engine's own names; in every case the page must show what
// explain.Explain says.
var scenarios = []scenario{
	{desc: "simple GET, ACAO * (catalog: CORS check passes, Fetch §4.9)", want: "",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 200 OK", "Access-Control-Allow-Origin: *")}},
	{desc: "ACAO_MISSING", want: "MissingAllowOriginHeader",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 200 OK", "Content-Type: text/plain")}},
	{desc: "ACAO_MISMATCH", want: "AllowOriginMismatch",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 200 OK", "Access-Control-Allow-Origin: https://other.example")}},
	{desc: "ACAO_MISMATCH: trailing slash", want: "AllowOriginMismatch",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 200 OK", "Access-Control-Allow-Origin: https://app.example/")}},
	{desc: "ACAO_MULTIPLE: comma list", want: "MultipleAllowOriginValues",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 200 OK", "Access-Control-Allow-Origin: https://app.example, https://b.example")}},
	{desc: "ACAO_MULTIPLE: two lines", want: "MultipleAllowOriginValues",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 200 OK", "Access-Control-Allow-Origin: https://app.example", "Access-Control-Allow-Origin: https://app.example")}},
	{desc: "ACAO_INVALID: bare host", want: "InvalidAllowOriginValue",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 200 OK", "Access-Control-Allow-Origin: app.example")}},
	{desc: "ACAO_WILDCARD_WITH_CREDENTIALS", want: "WildcardOriginNotAllowed",
		in: input{method: "GET", headers: [][2]string{}, credentials: "include", body: "none", source: "raw", text: reply("HTTP/1.1 200 OK", "Access-Control-Allow-Origin: *")}},
	{desc: "ACAC_NOT_TRUE: absent", want: "InvalidAllowCredentials",
		in: input{method: "GET", headers: [][2]string{}, credentials: "include", body: "none", source: "raw", text: reply("HTTP/1.1 200 OK", "Access-Control-Allow-Origin: https://app.example")}},
	{desc: "ACAC_NOT_TRUE: True is not true", want: "InvalidAllowCredentials",
		in: input{method: "GET", headers: [][2]string{}, credentials: "include", body: "none", source: "raw", text: reply("HTTP/1.1 200 OK", "Access-Control-Allow-Origin: https://app.example", "Access-Control-Allow-Credentials: True")}},
	{desc: "PF_ACAO_MISSING: server answers OPTIONS with 404 and nothing", want: "PreflightMissingAllowOriginHeader",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "application/json"}}, body: "a string", source: "raw", text: reply("HTTP/1.1 404 Not Found", "Content-Type: text/html")}},
	{desc: "PF_STATUS_NOT_OK: ACAO fine, 500", want: "PreflightInvalidStatus",
		in: input{method: "PUT", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 500 Internal Server Error", "Access-Control-Allow-Origin: https://app.example", "Access-Control-Allow-Methods: PUT")}},
	{desc: "PF_METHOD_NOT_ALLOWED", want: "MethodDisallowedByPreflightResponse",
		in: input{method: "DELETE", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: https://app.example", "Access-Control-Allow-Methods: GET, POST")}},
	{desc: "PF_METHOD_NOT_ALLOWED: patch vs PATCH (exact case)", want: "MethodDisallowedByPreflightResponse",
		in: input{method: "patch", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: https://app.example", "Access-Control-Allow-Methods: PATCH")}},
	{desc: "PF_HEADER_NOT_ALLOWED", want: "HeaderDisallowedByPreflightResponse",
		in: input{method: "POST", headers: [][2]string{{"X-Api-Key", "k1"}}, body: "none", source: "raw", text: reply("HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: https://app.example", "Access-Control-Allow-Headers: content-type")}},
	{desc: "PF_ACAM_INVALID", want: "InvalidAllowMethodsPreflightResponse",
		in: input{method: "PUT", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: https://app.example", "Access-Control-Allow-Methods: PUT, G ET")}},
	{desc: "PF_ACAH_INVALID", want: "InvalidAllowHeadersPreflightResponse",
		in: input{method: "PUT", headers: [][2]string{{"X-Api-Key", "k1"}}, body: "none", source: "raw", text: reply("HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: https://app.example", "Access-Control-Allow-Methods: PUT", "Access-Control-Allow-Headers: x api key")}},
	{desc: "PF_REDIRECT", want: "PreflightDisallowedRedirect",
		in: input{method: "PUT", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 301 Moved Permanently", "Location: https://api.example/items/1/", "Access-Control-Allow-Origin: https://app.example", "Access-Control-Allow-Methods: PUT")}},
	{desc: "PF_ACAO_WILDCARD_WITH_CREDENTIALS", want: "PreflightWildcardOriginNotAllowed",
		in: input{method: "DELETE", headers: [][2]string{}, credentials: "include", body: "none", source: "raw", text: reply("HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: DELETE")}},
	{desc: "PF_ACAC_NOT_TRUE", want: "PreflightInvalidAllowCredentials",
		in: input{method: "DELETE", headers: [][2]string{}, credentials: "include", body: "none", source: "raw", text: reply("HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: https://app.example", "Access-Control-Allow-Methods: DELETE")}},
	{desc: "PF_ACAO_MISMATCH", want: "PreflightAllowOriginMismatch",
		in: input{method: "PUT", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: https://other.example", "Access-Control-Allow-Methods: PUT")}},
	{desc: "PF_ACAO_MULTIPLE", want: "PreflightMultipleAllowOriginValues",
		in: input{method: "PUT", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: https://app.example https://b.example", "Access-Control-Allow-Methods: PUT")}},
	{desc: "PF_ACAO_INVALID", want: "PreflightInvalidAllowOriginValue",
		in: input{method: "PUT", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: -", "Access-Control-Allow-Methods: PUT")}},
	{desc: "PF_AUTHORIZATION_WILDCARD: Chrome lets ACAH * cover Authorization (browser-cors.md §3.1)", want: "",
		in: input{method: "GET", headers: [][2]string{{"Authorization", "Bearer t"}}, body: "none", source: "raw", text: reply("HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: *", "Access-Control-Allow-Headers: *", "", "HTTP/1.1 200 OK", "Access-Control-Allow-Origin: *")}},
	{desc: "MODE_SAME_ORIGIN (our reason name)", want: "?",
		in: input{method: "GET", headers: [][2]string{}, mode: "same-origin", body: "none", source: "raw", text: reply("HTTP/1.1 200 OK", "Access-Control-Allow-Origin: *")}},
	{desc: "OPAQUE_RESPONSE: no-cors", want: "?",
		in: input{method: "GET", headers: [][2]string{}, mode: "no-cors", body: "none", source: "raw", text: reply("HTTP/1.1 200 OK")}},
	{desc: "REQ_FORBIDDEN_METHOD: TRACE (TypeError, our reason name)", want: "?",
		in: input{method: "TRACE", headers: [][2]string{}, body: "none", source: "raw", text: reply("HTTP/1.1 200 OK", "Access-Control-Allow-Origin: *")}},
	{desc: "FormData POST is simple; no server replies pasted (200, no headers)", want: "MissingAllowOriginHeader",
		in: input{method: "POST", headers: [][2]string{}, body: "FormData", source: "raw", text: ""}},
	{desc: "ReadableStream body forces a preflight; none pasted (404)", want: "?",
		in: input{method: "POST", headers: [][2]string{}, body: "ReadableStream", source: "raw", text: ""}},

	// Policies, one or more per registered format.
	{desc: "s3-json: PUT with content-type from an allowed origin", want: "",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "s3-json",
			text: `[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["*"]}]`}},
	{desc: "s3-json (detected): no rule matches the origin, S3 answers 403 without CORS headers (cloud-policies.md §1.3)", want: "PreflightMissingAllowOriginHeader",
		in: input{origin: other, method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: `[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["*"]}]`}},
	{desc: "s3-xml: GET from an allowed origin", want: "",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "policy", format: "s3-xml",
			text: `<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`}},
	{desc: "s3-cli: DELETE not in AllowedMethods, 403 preflight (cloud-policies.md §1.3)", want: "PreflightMissingAllowOriginHeader",
		in: input{method: "DELETE", headers: [][2]string{}, body: "none", source: "policy", format: "s3-cli",
			text: `{"CORSRules": [{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET"]}]}`}},
	{desc: "s3-cloudformation: GET from an allowed origin", want: "",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "policy", format: "s3-cloudformation",
			text: `{"CorsRules": [{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET"]}]}`}},
	{desc: "r2-api: PUT with content-type allowed", want: "",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/png"}}, body: "a string", source: "policy", format: "r2-api",
			text: `{"rules": [{"allowed": {"origins": ["https://app.example"], "methods": ["GET", "PUT"], "headers": ["content-type"]}}]}`}},
	{desc: "r2-json: GET from another origin gets no CORS headers (S3's rules, cloud-policies.md §2)", want: "MissingAllowOriginHeader",
		in: input{origin: other, method: "GET", headers: [][2]string{}, body: "none", source: "policy", format: "r2-json",
			text: `[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET"]}]`}},
	{desc: "r2-cli: GET allowed", want: "",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "policy", format: "r2-cli",
			text: `{"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]}`}},
	{desc: "r2-xml: GET allowed", want: "",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "policy", format: "r2-xml",
			text: `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`}},
	{desc: "gcs-json (detected): GET allowed", want: "",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "policy", format: "Detect automatically",
			text: `[{"origin": ["https://app.example"], "method": ["GET"], "maxAgeSeconds": 3600}]`}},
	{desc: "gcs-xml: GET from another origin", want: "?",
		in: input{origin: other, method: "GET", headers: [][2]string{}, body: "none", source: "policy", format: "gcs-xml",
			text: `<CorsConfig><Cors><Origins><Origin>https://app.example</Origin></Origins><Methods><Method>GET</Method></Methods></Cors></CorsConfig>`}},
	{desc: "native: credentialed DELETE allowed", want: "",
		in: input{method: "DELETE", headers: [][2]string{}, credentials: "include", body: "none", source: "policy", format: "native",
			text: `{"origins": ["https://app.example"], "methods": ["DELETE"], "credentials": true}`}},
	{desc: "native (detected): unmatched preflight is 403 with no headers (engine/native doc)", want: "PreflightMissingAllowOriginHeader",
		in: input{origin: other, method: "PUT", headers: [][2]string{}, body: "none", source: "policy", format: "Detect automatically",
			text: `{"origins": ["https://app.example"], "methods": ["PUT"]}`}},
	{desc: "apigw-http: PUT with content-type from an allowed origin", want: "",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "application/json"}}, body: "a string", source: "policy", format: "apigw-http",
			text: `{"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "PUT"], "AllowHeaders": ["content-type"]}`}},
	{desc: "apigw-rest: static Access-Control-Allow-Methods GET,OPTIONS refuses DELETE (cloud-policies.md §5.2)", want: "MethodDisallowedByPreflightResponse",
		in: input{method: "DELETE", headers: [][2]string{}, body: "none", source: "policy", format: "apigw-rest",
			text: `{"RestApiCors": {"AllowMethods": ["GET", "OPTIONS"], "AllowOrigin": "*"}}`}},
	{desc: "azure-json: GET from an allowed origin", want: "?",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "policy", format: "azure-json",
			text: `{"corsRules": [{"allowedOrigins": ["https://app.example"], "allowedMethods": ["GET", "PUT"], "allowedHeaders": ["content-type"], "exposedHeaders": ["etag"], "maxAgeInSeconds": 60}]}`}},
	{desc: "azure-xml: GET from another origin", want: "?",
		in: input{origin: other, method: "GET", headers: [][2]string{}, body: "none", source: "policy", format: "azure-xml",
			text: `<Cors><CorsRule><AllowedOrigins>https://app.example</AllowedOrigins><AllowedMethods>GET</AllowedMethods><AllowedHeaders></AllowedHeaders><ExposedHeaders></ExposedHeaders><MaxAgeInSeconds>60</MaxAgeInSeconds></CorsRule></Cors>`}},
	{desc: "ec2: ACAO * and never ACAC, so a credentialed preflight fails (cloud-policies.md §5.3)", want: "PreflightWildcardOriginNotAllowed",
		in: input{method: "DELETE", headers: [][2]string{}, credentials: "include", body: "none", source: "policy", format: "ec2", text: "ec2"}},
	{desc: "express: a string origin is sent as is, with credentials (cloud-policies.md §6.3)", want: "",
		in: input{method: "GET", headers: [][2]string{}, credentials: "include", body: "none", source: "policy", format: "express",
			text: `app.use(cors({ origin: 'https://app.example', credentials: true }))`}},
	{desc: "nginx: add_header for every origin", want: "?",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "policy", format: "nginx",
			text: "location / {\n add_header Access-Control-Allow-Origin * always;\n}"}},
	{desc: "har: a captured GET whose reply names another origin", want: "?",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "policy", format: "har",
			text: `{"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [{"request": {"method": "GET", "url": "https://api.example/items/1", "headers": [{"name": "Origin", "value": "https://app.example"}]}, "response": {"status": 200, "headers": [{"name": "Access-Control-Allow-Origin", "value": "https://other.example"}]}}]}}`}},
	{desc: "s3-json with a syntax error: the page shows the engine's error", want: "?",
		in: input{method: "GET", headers: [][2]string{}, body: "none", source: "policy", format: "s3-json",
			text: `[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET"]`}},
	{desc: "starlette (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=[\"https://app.example\"], allow_methods=[\"GET\"])\n"}},
	{desc: "django-cors-headers (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "INSTALLED_APPS = [\"corsheaders\"]\nMIDDLEWARE = [\n    \"corsheaders.middleware.CorsMiddleware\",\n    \"django.middleware.common.CommonMiddleware\",\n]\nCORS_ALLOWED_ORIGINS = [\"https://app.example\"]\n"}},
	{desc: "flask-cors (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(app, origins=[\"https://www.example\"])\n"}},
	{desc: "rack-cors (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins \"https://app.example\"\n    resource \"*\", headers: :any, methods: [:get, :post]\n  end\nend\n"}},
	{desc: "fastify-cors (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "import Fastify from 'fastify'\nimport cors from '@fastify/cors'\n\nconst fastify = Fastify()\nawait fastify.register(cors, {origin: [\"https://app.example\"], methods: [\"GET\"]})\n"}},
	{desc: "koa-cors (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "const Koa = require('koa')\nconst cors = require('@koa/cors')\n\nconst app = new Koa()\napp.use(cors({origin: \"https://www.example\"}))\n"}},
	{desc: "hono-cors (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "import { Hono } from 'hono'\nimport { cors } from 'hono/cors'\n\nconst app = new Hono()\napp.use('/items/*', cors({origin: [\"https://app.example\"], allowMethods: [\"GET\"]}))\n"}},
	{desc: "rs-cors (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "package main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/rs/cors\"\n)\n\nfunc main() {\n\tc := cors.New(cors.Options{\n\t\tAllowedOrigins: []string{\"https://app.example\"},\n\t\tAllowedMethods: []string{\"GET\"},\n\t})\n\thttp.ListenAndServe(\":8080\", c.Handler(http.DefaultServeMux))\n}\n"}},
	{desc: "go-chi-cors (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "package main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/go-chi/chi/v5\"\n\t\"github.com/go-chi/cors\"\n)\n\nfunc main() {\n\tr := chi.NewRouter()\n\tr.Use(cors.Handler(cors.Options{\n\t\tAllowedOrigins: []string{\"https://app.example\"},\n\t\tAllowedMethods: []string{\"GET\", \"PUT\"},\n\t}))\n\thttp.ListenAndServe(\":8080\", r)\n}\n"}},
	{desc: "gin-contrib-cors (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "package main\n\nimport (\n\t\"github.com/gin-contrib/cors\"\n\t\"github.com/gin-gonic/gin\"\n)\n\nfunc main() {\n\trouter := gin.Default()\n\trouter.Use(cors.New(cors.Config{\n\t\tAllowOrigins: []string{\"https://www.example\"},\n\t\tAllowMethods: []string{\"PUT\"},\n\t}))\n\trouter.Run()\n}\n"}},
	{desc: "echo-cors (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "package main\n\nimport (\n\t\"github.com/labstack/echo/v4\"\n\t\"github.com/labstack/echo/v4/middleware\"\n)\n\nfunc main() {\n\te := echo.New()\n\te.Use(middleware.CORSWithConfig(middleware.CORSConfig{\n\t\tAllowOrigins: []string{\"https://app.example\"},\n\t\tAllowMethods: []string{\"GET\"},\n\t}))\n\te.Start(\":8080\")\n}\n"}},
	{desc: "cloudformation (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Uploads:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: [\"https://app.example\"]\n            AllowedMethods: [\"GET\"]\n"}},
	{desc: "serverless (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "service: notes\nprovider:\n  name: aws\n  httpApi:\n    cors:\n      allowedOrigins: [\"https://app.example\"]\n      allowedMethods: [\"GET\"]\nfunctions:\n  api:\n    handler: handler.main\n    events:\n      - httpApi: '*'\n"}},
	{desc: "lambda-url (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: `{"Cors": {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET"]}}`}},
	{desc: "cloudfront-rhp (detected): a PUT from the page, as the engine answers it (issues 15, 17, 18: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: `{"CorsConfig": {"AccessControlAllowOrigins": {"Quantity": 1, "Items": ["https://app.example"]}, "AccessControlAllowMethods": {"Quantity": 1, "Items": ["GET"]}, "AccessControlAllowHeaders": {"Quantity": 0, "Items": []}, "AccessControlAllowCredentials": false, "OriginOverride": true}}`}},
	{desc: "caddy (detected): a PUT from the page, as the engine answers it (issue 17: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: ":8080 {\n\t@cors header Origin https://app.example\n\theader @cors Access-Control-Allow-Origin \"https://app.example\"\n\theader @cors Vary Origin\n\t@preflight method OPTIONS\n\thandle @preflight {\n\t\theader Access-Control-Allow-Methods \"GET, POST\"\n\t\theader Access-Control-Allow-Headers \"Content-Type\"\n\t\trespond 204\n\t}\n\treverse_proxy app:3000\n}\n"}},
	{desc: "apache (detected): a PUT from the page, as the engine answers it (issue 17: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "<VirtualHost *:80>\n    ServerName api.example\n    SetEnvIf Origin \"^https://app\\.example$\" CORS_ORIGIN=$0\n    Header always set Access-Control-Allow-Origin \"%{CORS_ORIGIN}e\" env=CORS_ORIGIN\n    Header always merge Vary Origin\n    Header always set Access-Control-Allow-Methods \"GET, POST\" env=CORS_ORIGIN\n    RewriteEngine On\n    RewriteCond %{REQUEST_METHOD} OPTIONS\n    RewriteRule ^ - [R=204,L]\n    ProxyPass / http://app:3000/\n</VirtualHost>\n"}},
	{desc: "ingress-nginx (detected): a PUT from the page, as the engine answers it (issue 17: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: items\n  annotations:\n    nginx.ingress.kubernetes.io/enable-cors: \"true\"\n    nginx.ingress.kubernetes.io/cors-allow-origin: \"https://app.example, https://admin.app.example\"\n    nginx.ingress.kubernetes.io/cors-allow-methods: \"GET, PUT\"\nspec:\n  rules:\n  - host: api.example\n    http:\n      paths:\n      - path: /items\n        pathType: Prefix\n        backend:\n          service:\n            name: items\n            port:\n              number: 80\n"}},
	{desc: "traefik (detected): a PUT from the page, as the engine answers it (issue 17: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "http:\n  middlewares:\n    items-cors:\n      headers:\n        accessControlAllowMethods: [\"GET\", \"PUT\"]\n        accessControlAllowOriginList: [\"https://app.example\"]\n"}},
	{desc: "netlify (detected): a PUT from the page, as the engine answers it (issue 17: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "/items/*\n  Access-Control-Allow-Origin: https://app.example\n  Access-Control-Allow-Methods: GET, PUT\n"}},
	{desc: "vercel (detected): a PUT from the page, as the engine answers it (issue 17: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "{\"headers\": [{\"source\": \"/items/:id\", \"headers\": [{\"key\": \"Access-Control-Allow-Origin\", \"value\": \"*\"}, {\"key\": \"Access-Control-Allow-Methods\", \"value\": \"GET, PUT\"}]}]}"}},
	{desc: "firebase (detected): a PUT from the page, as the engine answers it (issue 17: every format the page reads)", want: "?",
		in: input{method: "PUT", headers: [][2]string{{"Content-Type", "image/jpeg"}}, body: "a string", source: "policy", format: "Detect automatically",
			text: "{\"hosting\": {\"public\": \"dist\", \"headers\": [{\"source\": \"/items/**\", \"headers\": [{\"key\": \"Access-Control-Allow-Origin\", \"value\": \"https://app.example\"}]}]}}"}},
}

// scenario is one form's content and Chrome's reason the reference gives.
type scenario struct {
	desc string
	in   input
	want string
}

// pageRow is one browser's verdict as the page shows it.
type pageRow struct {
	Browser string   `json:"browser"`
	Allowed string   `json:"allowed"`
	Reason  string   `json:"reason"`
	Error   string   `json:"error"`
	Console []string `json:"console"`
}

const readRows = `JSON.stringify(Array.from(document.querySelectorAll("#browsers tbody tr")).map(tr => ({
  browser: tr.dataset.browser, allowed: tr.dataset.allowed || "", reason: tr.dataset.reason || "", error: tr.dataset.error || "",
  console: Array.from(document.querySelectorAll("#console-" + tr.dataset.browser + " li")).map(li => li.textContent)})))`

// settle waits until the page has handled every input event (its renders
// run on the next animation frame).
const settle = `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`

// formatOption is the text of a format's option in the page's format
// choice, which a person types or picks: its title (policy.Title).
func formatOption(name string) string {
	if f, ok := opts.Formats.Lookup(name); ok {
		return policy.Title(f)
	}
	return name // "Detect automatically"
}

func TestScenariosMatchEngine(t *testing.T) {
	t.Parallel() // each test has its own browser context
	// Every registered format has a scenario.
	covered := map[string]bool{}
	for _, sc := range scenarios {
		if sc.in.source == "policy" {
			f := sc.in.format
			if f == "Detect automatically" {
				if d := opts.Formats.Detect(sc.in.text); len(d) == 1 {
					f = d[0].Format
				}
			}
			covered[f] = true
		} else {
			covered["raw"] = true
		}
	}
	for _, n := range opts.Formats.Names() {
		if !covered[n] {
			t.Errorf("no scenario uses the registered format %q", n)
		}
	}

	// The scenarios are independent: four tabs of one browser take them
	// in turn, each in a goroutine of its own (subtests that are not
	// parallel are not held to -parallel, 2 on a 2-core machine). Each
	// tab opens the page once and starts every later scenario from the
	// first form's share link, a new fragment the page reads without a
	// reload: reloading the page, its engines and the full engine's worker
	// was most of the CPU a scenario cost (about 4 CPU-seconds, with both
	// cores busy throughout; the test alone took 154 s, 63 s this way).
	const tabs = 4
	pool := startPage(t).pool(t, tabs-1)
	var mu sync.Mutex
	reasons := map[string]bool{}
	t.Cleanup(func() { t.Logf("Chrome reasons covered: %d distinct", len(reasons)) })
	type job struct {
		i  int
		sc scenario
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range tabs {
		p := <-pool
		wg.Go(func() {
			first, n := "", 0 // the first form's link, and links opened
			for j := range jobs {
				t.Run(j.sc.desc, func(t *testing.T) {
					p.t = t
					if first == "" {
						first = openFirstForm(p)
					} else {
						n++
						p.relink(first + "&n=" + strconv.Itoa(n))
					}
					if reason, ok := checkScenario(t, p, j.sc.in, j.i%10 == 0); ok {
						mu.Lock()
						reasons[reason] = true
						mu.Unlock()
						if j.sc.want != "?" && reason != j.sc.want {
							t.Errorf("chrome reason %q, the reference says %q", reason, j.sc.want)
						}
					}
				})
			}
		})
	}
	for i, sc := range scenarios {
		jobs <- job{i, sc}
	}
	close(jobs)
	wg.Wait()
}

// openFirstForm opens the page and returns the share link of the form
// it opens on (its location.hash).
func openFirstForm(p *page) string {
	p.t.Helper()
	p.open("")
	settled(p)
	first := eval[string](p, `location.hash`)
	if !strings.HasPrefix(first, "#s=") {
		p.t.Fatalf("the page's first form has no link: location.hash = %q", first)
	}
	return first
}

// checkScenario enters in into the form (typed a key at a time when
// typed, else pasted field by field), compares each browser's verdict on
// the page with the engine's and returns Chrome's reason; ok is false
// when the engine refused the scenario (the page showed the same error).
func checkScenario(t *testing.T, p *page, in input, typed bool) (reason string, ok bool) {
	t.Helper()
	if typed {
		t.Log("typed a key at a time")
		typeIn(p, in)
	} else {
		fill(p, in)
	}
	settled(p)
	v := compareWithEngine(t, p, in)
	if v == nil {
		t.Log("the engine refused the scenario; the page showed the same error")
		return "", false
	}
	t.Logf("Chrome: allowed=%v reason=%q", v.Allowed, v.Reason)
	return v.Reason, true
}

// compareWithEngine reads each browser's verdict from the page and checks
// it against explain.Explain on the scenario the form holds. It returns
// Chrome's verdict, or nil when the engine refused the scenario.
func compareWithEngine(t *testing.T, p *page, in input) *explain.Verdict {
	t.Helper()
	return compareScenario(t, p, goScenario(t, p, in))
}

// compareScenario checks each browser's verdict on the page against
// explain.Explain on want, with want.Browser set to each row's browser.
func compareScenario(t *testing.T, p *page, want explain.Scenario) *explain.Verdict {
	t.Helper()
	// Input the engine refuses shows no verdict: the headline says so and
	// each fault is at its field (TestErrorsAtFields checks the places).
	{
		s := want
		s.Browser = "chrome"
		if _, err := explain.Explain(s, opts); err != nil {
			if st := eval[string](p, `document.getElementById("summary").dataset.state`); st != "error" {
				t.Errorf("the engine refuses the scenario (%v); the page shows state %q", err, st)
			}
			shown := eval[string](p, `document.getElementById("verdict-summary").textContent + " " + Array.from(document.querySelectorAll(".field-error")).map(e => e.textContent).join(" ")`)
			if n := eval[int](p, `document.querySelectorAll("[aria-invalid=true]").length`); n == 0 && !strings.Contains(shown, "could not") {
				t.Errorf("the engine refuses the scenario (%v); the page marks no field: %q", err, shown)
			}
			return nil
		}
	}
	var rows []pageRow
	if err := json.Unmarshal([]byte(eval[string](p, readRows)), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("page shows %d browser rows, want 3", len(rows))
	}
	var chrome *explain.Verdict
	for _, row := range rows {
		s := want
		s.Browser = row.Browser
		v, err := explain.Explain(s, opts)
		if err != nil {
			if row.Error != err.Error() {
				t.Errorf("%s: page error %q, engine error %q", row.Browser, row.Error, err)
			}
			continue
		}
		if row.Error != "" {
			t.Errorf("%s: page shows the error %q, engine answers reason %q", row.Browser, row.Error, v.Reason)
			continue
		}
		allowed := "false"
		if v.Allowed {
			allowed = "true"
		}
		if row.Allowed != allowed || row.Reason != v.Reason {
			t.Errorf("%s: page shows allowed=%s reason=%q, engine says allowed=%s reason=%q", row.Browser, row.Allowed, row.Reason, allowed, v.Reason)
		}
		if !slices.Equal(nonNil(row.Console), nonNil(v.Console)) {
			t.Errorf("%s: page console %q, engine console %q", row.Browser, row.Console, v.Console)
		}
		if row.Browser == "chrome" {
			chrome = &v
		}
	}
	return chrome
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// goScenario is the scenario the page should build from what was typed:
// the form's fields as read back from the page (so a select that did not
// take the typed option shows up here), mapped as shared/design.md says.
func goScenario(t *testing.T, p *page, in input) explain.Scenario {
	t.Helper()
	type form struct {
		Origin, URL, Method, Credentials, Mode, Body, Source, Format, Policy, Raw string
		Headers                                                                   [][2]string
		Unauthorized                                                              bool
	}
	var f form
	js := `JSON.stringify({Origin: document.getElementById("origin").value, URL: document.getElementById("url").value,
	  Method: document.getElementById("method").value, Credentials: document.getElementById("credentials").value,
	  Mode: document.getElementById("mode").value, Body: document.getElementById("body-type").value,
	  Source: document.querySelector("input[name=source]:checked").value, Format: document.getElementById("format").value,
	  Policy: document.getElementById("policy").value, Raw: document.getElementById("raw").value,
	  Unauthorized: document.getElementById("unauthorized").checked,
	  Headers: Array.from(document.querySelectorAll("#headers .hdr")).map(li => [li.querySelector(".hname").value, li.querySelector(".hvalue").value])})`
	if err := json.Unmarshal([]byte(eval[string](p, js)), &f); err != nil {
		t.Fatal(err)
	}
	// The form must hold what was typed.
	check := func(field, got, want string) {
		if want != "" && got != want {
			t.Fatalf("after typing, %s = %q, want %q", field, got, want)
		}
	}
	check("origin", f.Origin, in.origin)
	check("url", f.URL, in.url)
	check("method", f.Method, in.method)
	check("credentials", f.Credentials, in.credentials)
	check("mode", f.Mode, in.mode)
	if in.body != "" {
		check("body", f.Body, bodyValues[in.body])
	}
	check("source", f.Source, in.source)
	if in.format == "Detect automatically" {
		check("format", f.Format, "auto")
	} else {
		check("format", f.Format, in.format)
	}
	if in.source == "policy" {
		check("policy", f.Policy, in.text)
	} else {
		check("raw", f.Raw, in.text)
	}
	if in.headers != nil && !slices.Equal(f.Headers, in.headers) {
		t.Fatalf("after typing, headers = %q, want %q", f.Headers, in.headers)
	}

	req := explain.Request{Origin: f.Origin, URL: f.URL, Init: fetch.Init{Method: f.Method, Credentials: f.Credentials, Mode: f.Mode}}
	for _, h := range f.Headers {
		if h[0] != "" {
			req.Headers = append(req.Headers, headers.Field{Name: h[0], Value: h[1]})
		}
	}
	switch f.Body {
	case "":
	case "string":
		empty := ""
		req.Body = &empty
	default:
		req.BodyType = f.Body
	}
	s := explain.Scenario{Request: req}
	if f.Unauthorized {
		s.Caller = &explain.Caller{Authorized: false}
	}
	if f.Source == "policy" && strings.TrimSpace(f.Policy) != "" {
		s.Policy = &explain.Policy{Format: f.Format, Text: f.Policy}
	}
	if f.Source != "policy" && strings.TrimSpace(f.Raw) != "" {
		s.Policy = &explain.Policy{Format: "raw", Text: f.Raw}
	}
	return s
}

// fill enters the input into the form, field by field, as a person
// does: clicks and choices in the lists by key events, each text pasted
// (insertText).
func fill(p *page, in input) {
	p.t.Helper()
	enter(p, in, false)
}

// typeIn is fill with every field but the policy or the replies typed a
// key at a time, as a person types them: the page explains on each
// input event, and coalesces them per frame.
func typeIn(p *page, in input) {
	p.t.Helper()
	enter(p, in, true)
}

func enter(p *page, in input, typed bool) {
	p.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	// write types v into sel a key at a time when typed, else pastes it.
	write := func(sel chromedp.CSS, v string, typed bool) {
		switch {
		case v == "":
		case typed:
			steps = append(steps, chromedp.SendKeys(sel, v))
		default:
			steps = append(steps, chromedp.Focus(sel), insertText(v))
		}
	}
	retype := func(id, v string, typed bool) {
		sel := chromedp.CSS("#" + id)
		steps = append(steps,
			chromedp.Focus(sel),
			chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
			chromedp.KeyEvent(kb.Backspace),
		)
		write(sel, v, typed)
	}
	choose := func(id, option string) {
		if option != "" {
			steps = append(steps, selectOption(id, option))
		}
	}
	if in.origin != "" {
		retype("origin", in.origin, typed)
	}
	if in.url != "" {
		retype("url", in.url, typed)
	}
	if in.method != "" {
		retype("method", in.method, typed)
	}
	if in.headers != nil {
		n := eval[int](p, `document.querySelectorAll("#headers .hdr").length`)
		for range n {
			steps = append(steps, chromedp.Click(chromedp.CSS("#headers .hdel")))
		}
		for _, h := range in.headers {
			steps = append(steps,
				chromedp.Click(chromedp.CSS("#add-header")),
			)
			write(chromedp.CSS("#headers .hdr:last-child .hname"), h[0], typed)
			write(chromedp.CSS("#headers .hdr:last-child .hvalue"), h[1], typed)
		}
	}
	choose("credentials", in.credentials)
	choose("mode", in.mode)
	choose("body-type", in.body)
	target := "raw"
	if in.source == "policy" {
		target = "policy"
		steps = append(steps, chromedp.Click(chromedp.CSS("#src-policy")))
		choose("format", formatOption(in.format))
	} else {
		steps = append(steps, chromedp.Click(chromedp.CSS("#src-raw")))
	}
	// The policy or the replies are pasted, as people do with a config.
	retype(target, in.text, false)
	p.do(steps...)
}

// insertText inserts v at the focus as a paste does: one input event with the
// whole text (Input.insertText), where typing sends a key event, and the
// page explains, per character. fill pastes every field: a key event
// waits for the renderer's next frame, so typing a scenario's origin, URL
// and headers took half a second of each scenario's 1.5 s check, alone
// on this machine. TestScenariosMatchEngine types one scenario in ten
// (typeIn), so that the page's keystroke path stays checked against the
// engine too.
func insertText(v string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, cdpinput.InsertText, cdpinput.InsertTextParams{Text: v})
		return chromedp.Void{}, err
	}
}
