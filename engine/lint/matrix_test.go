package lint_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/lint"
)

// rule is what one CORS rule states, written below in every format's own
// syntax by render.
type rule struct {
	origins, methods, headers, expose []string
	creds                             bool // the user's own credentials switch, where the format has one
	maxAge                            int  // 0: none
}

// q quotes each string for JSON, JavaScript and Python (a list).
func q(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// member writes `"name": list` with a comma, or nothing for an empty list.
func member(name string, ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return strconv.Quote(name) + ": " + q(ss) + ", "
}

func maxAgeMember(name string, n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Quote(name) + ": " + strconv.Itoa(n) + ", "
}

func obj(body string) string { return "{" + strings.TrimSuffix(body, ", ") + "}" }

func xmlList(tag string, ss []string) string {
	var b strings.Builder
	for _, s := range ss {
		b.WriteString("<" + tag + ">" + s + "</" + tag + ">")
	}
	return b.String()
}

// replyHeaders are the CORS headers a server configured with r sends to
// a preflight (pre) or to the actual request.
func replyHeaders(r rule, pre bool) [][2]string {
	var h [][2]string
	if len(r.origins) > 0 {
		h = append(h, [2]string{"Access-Control-Allow-Origin", r.origins[0]})
	}
	if r.creds {
		h = append(h, [2]string{"Access-Control-Allow-Credentials", "true"})
	}
	if pre {
		if len(r.methods) > 0 {
			h = append(h, [2]string{"Access-Control-Allow-Methods", strings.Join(r.methods, ", ")})
		}
		if len(r.headers) > 0 {
			h = append(h, [2]string{"Access-Control-Allow-Headers", strings.Join(r.headers, ", ")})
		}
		if r.maxAge != 0 {
			h = append(h, [2]string{"Access-Control-Max-Age", strconv.Itoa(r.maxAge)})
		}
	} else if len(r.expose) > 0 {
		h = append(h, [2]string{"Access-Control-Expose-Headers", strings.Join(r.expose, ", ")})
	}
	return h
}

// render writes rules in format f; ok is false for a format that states
// no rules of its own (ec2's fixed policy).
func render(f string, rs []rule) (string, bool) {
	var items []string
	switch f {
	case "s3-json", "s3-cli", "r2-json", "r2-cli":
		for _, r := range rs {
			items = append(items, obj(member("AllowedOrigins", r.origins)+member("AllowedMethods", r.methods)+member("AllowedHeaders", r.headers)+member("ExposeHeaders", r.expose)+maxAgeMember("MaxAgeSeconds", r.maxAge)))
		}
		list := "[" + strings.Join(items, ",\n ") + "]"
		if f == "s3-cli" || f == "r2-cli" {
			return `{"CORSRules": ` + list + "}", true
		}
		return list, true
	case "cloudformation":
		var b strings.Builder
		b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Uploads:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n")
		for _, r := range rs {
			lead := "          - "
			for _, kv := range []struct {
				k  string
				ss []string
			}{{"AllowedOrigins", r.origins}, {"AllowedMethods", r.methods}, {"AllowedHeaders", r.headers}, {"ExposedHeaders", r.expose}} {
				if len(kv.ss) > 0 {
					b.WriteString(lead + kv.k + ": " + q(kv.ss) + "\n")
					lead = "            "
				}
			}
			if r.maxAge != 0 {
				b.WriteString(lead + "MaxAge: " + strconv.Itoa(r.maxAge) + "\n")
			}
		}
		return b.String(), true
	case "s3-cloudformation":
		for _, r := range rs {
			items = append(items, obj(member("AllowedOrigins", r.origins)+member("AllowedMethods", r.methods)+member("AllowedHeaders", r.headers)+member("ExposedHeaders", r.expose)+maxAgeMember("MaxAge", r.maxAge)))
		}
		return `{"CorsConfiguration": {"CorsRules": [` + strings.Join(items, ",\n ") + "]}}", true
	case "s3-xml", "r2-xml":
		for _, r := range rs {
			x := xmlList("AllowedOrigin", r.origins) + xmlList("AllowedMethod", r.methods) + xmlList("AllowedHeader", r.headers) + xmlList("ExposeHeader", r.expose)
			if r.maxAge != 0 {
				x += "<MaxAgeSeconds>" + strconv.Itoa(r.maxAge) + "</MaxAgeSeconds>"
			}
			items = append(items, "<CORSRule>"+x+"</CORSRule>")
		}
		return "<CORSConfiguration>\n" + strings.Join(items, "\n") + "\n</CORSConfiguration>", true
	case "r2-api":
		for _, r := range rs {
			items = append(items, obj(`"allowed": `+obj(member("origins", r.origins)+member("methods", r.methods)+member("headers", r.headers))+", "+member("exposeHeaders", r.expose)+maxAgeMember("maxAgeSeconds", r.maxAge)))
		}
		return `{"rules": [` + strings.Join(items, ",\n ") + "]}", true
	case "gcs-json":
		for _, r := range rs {
			items = append(items, obj(member("origin", r.origins)+member("method", r.methods)+member("responseHeader", append(append([]string{}, r.headers...), r.expose...))+maxAgeMember("maxAgeSeconds", r.maxAge)))
		}
		return "[" + strings.Join(items, ",\n ") + "]", true
	case "gcs-xml":
		for _, r := range rs {
			x := "<Origins>" + xmlList("Origin", r.origins) + "</Origins><Methods>" + xmlList("Method", r.methods) + "</Methods>"
			if hs := append(append([]string{}, r.headers...), r.expose...); len(hs) > 0 {
				x += "<ResponseHeaders>" + xmlList("ResponseHeader", hs) + "</ResponseHeaders>"
			}
			if r.maxAge != 0 {
				x += "<MaxAgeSec>" + strconv.Itoa(r.maxAge) + "</MaxAgeSec>"
			}
			items = append(items, "<Cors>"+x+"</Cors>")
		}
		return "<CorsConfig>\n" + strings.Join(items, "\n") + "\n</CorsConfig>", true
	case "azure-xml":
		for _, r := range rs {
			items = append(items, "<CorsRule><AllowedOrigins>"+strings.Join(r.origins, ",")+"</AllowedOrigins><AllowedMethods>"+strings.Join(r.methods, ",")+
				"</AllowedMethods><AllowedHeaders>"+strings.Join(r.headers, ",")+"</AllowedHeaders><ExposedHeaders>"+strings.Join(r.expose, ",")+
				"</ExposedHeaders><MaxAgeInSeconds>"+strconv.Itoa(r.maxAge)+"</MaxAgeInSeconds></CorsRule>")
		}
		return "<Cors>\n" + strings.Join(items, "\n") + "\n</Cors>", true
	case "azure-json":
		for _, r := range rs {
			// Azure requires every field (cloud-policies.md §4).
			items = append(items, `{"allowedOrigins": `+q(r.origins)+`, "allowedMethods": `+q(r.methods)+`, "allowedHeaders": `+q(r.headers)+
				`, "exposedHeaders": `+q(r.expose)+`, "maxAgeInSeconds": `+strconv.Itoa(r.maxAge)+`}`)
		}
		return `{"cors": {"corsRules": [` + strings.Join(items, ",\n ") + "]}}", true
	case "fastify-cors", "koa-cors", "hono-cors":
		return renderNode(f, rs), true
	case "rs-cors", "go-chi-cors", "gin-contrib-cors", "echo-cors":
		return renderGo(f, rs[0]), true
	case "starlette", "django-cors-headers", "flask-cors":
		return renderPython(f, rs), true
	case "rack-cors":
		return renderRuby(rs), true
	case "terraform", "terraform-plan":
		return renderTerraform(f, rs), true
	case "serverless":
		r := rs[0]
		b := "service: s\nprovider:\n  name: aws\n  httpApi:\n    cors:\n"
		for _, kv := range []struct {
			k  string
			ss []string
		}{{"allowedOrigins", r.origins}, {"allowedMethods", r.methods}, {"allowedHeaders", r.headers}, {"exposedResponseHeaders", r.expose}} {
			if len(kv.ss) > 0 {
				b += "      " + kv.k + ": " + q(kv.ss) + "\n"
			}
		}
		if r.creds {
			b += "      allowCredentials: true\n"
		}
		if r.maxAge != 0 {
			b += "      maxAge: " + strconv.Itoa(r.maxAge) + "\n"
		}
		return b + "functions:\n  f:\n    handler: h\n    events:\n      - httpApi: '*'\n", true
	case "lambda-url":
		r := rs[0]
		b := member("AllowOrigins", r.origins) + member("AllowMethods", r.methods) + member("AllowHeaders", r.headers) + member("ExposeHeaders", r.expose) + maxAgeMember("MaxAge", r.maxAge)
		if r.creds {
			b += `"AllowCredentials": true, `
		}
		return `{"Cors": ` + obj(b) + "}", true
	case "cloudfront-rhp":
		r := rs[0]
		items := func(name string, ss []string) string {
			return strconv.Quote(name) + `: {"Quantity": ` + strconv.Itoa(len(ss)) + `, "Items": ` + q(ss) + "}, "
		}
		b := items("AccessControlAllowOrigins", r.origins) + items("AccessControlAllowMethods", r.methods) + items("AccessControlAllowHeaders", r.headers)
		if len(r.expose) > 0 {
			b += items("AccessControlExposeHeaders", r.expose)
		}
		b += maxAgeMember("AccessControlMaxAgeSec", r.maxAge) + `"AccessControlAllowCredentials": ` + strconv.FormatBool(r.creds) + `, "OriginOverride": true, `
		return `{"CorsConfig": ` + obj(b) + "}", true
	case "apigw-http":
		r := rs[0]
		b := member("AllowOrigins", r.origins) + member("AllowMethods", r.methods) + member("AllowHeaders", r.headers) + member("ExposeHeaders", r.expose) + maxAgeMember("MaxAge", r.maxAge)
		if r.creds {
			b += `"AllowCredentials": true, `
		}
		return obj(b), true
	case "apigw-rest":
		r := rs[0]
		body := `"AllowOrigin": "'` + strings.Join(r.origins, ",") + `'", "AllowMethods": "'` + strings.Join(append(append([]string{}, r.methods...), "OPTIONS"), ",") + `'"`
		if len(r.headers) > 0 {
			body += `, "AllowHeaders": "'` + strings.Join(r.headers, ",") + `'"`
		}
		if len(r.expose) > 0 {
			body += `, "ExposeHeaders": "'` + strings.Join(r.expose, ",") + `'"`
		}
		if r.maxAge != 0 {
			body += `, "MaxAge": ` + strconv.Itoa(r.maxAge)
		}
		if r.creds {
			body += `, "AllowCredentials": true`
		}
		return `{"RestApiCors": {` + body + `}}`, true
	case "native":
		for _, r := range rs {
			b := member("origins", r.origins) + member("methods", r.methods) + member("request_headers", r.headers) + member("exposed_headers", r.expose) + maxAgeMember("max_age", r.maxAge)
			if r.creds {
				b += `"credentials": true, `
			}
			items = append(items, obj(b))
		}
		return `{"rules": [` + strings.Join(items, ",\n ") + "]}", true
	case "express":
		for _, r := range rs {
			b := "origin: " + q(r.origins)
			if len(r.methods) > 0 {
				b += ", methods: " + q(r.methods)
			}
			if len(r.headers) > 0 {
				b += ", allowedHeaders: " + q(r.headers)
			}
			if len(r.expose) > 0 {
				b += ", exposedHeaders: " + q(r.expose)
			}
			if r.creds {
				b += ", credentials: true"
			}
			if r.maxAge != 0 {
				b += ", maxAge: " + strconv.Itoa(r.maxAge)
			}
			items = append(items, "app.use(cors({"+b+"}));")
		}
		return strings.Join(items, "\n"), true
	case "caddy", "apache":
		// The first rule's replies for every path: lint probes a Caddy
		// site or an Apache virtual host at its root (neither format
		// lists paths to probe, as nginx's locations are).
		r := rs[0]
		hs := replyHeaders(r, true)
		if len(r.expose) > 0 {
			hs = append(hs, [2]string{"Access-Control-Expose-Headers", strings.Join(r.expose, ", ")})
		}
		var b strings.Builder
		if f == "caddy" {
			b.WriteString(":8080 {\n")
			for _, h := range hs {
				b.WriteString("\theader " + h[0] + " " + strconv.Quote(h[1]) + "\n")
			}
			return b.String() + "}\n", true
		}
		b.WriteString("<VirtualHost *:80>\n    ServerName api.test\n")
		for _, h := range hs {
			b.WriteString("    Header always set " + h[0] + " " + strconv.Quote(h[1]) + "\n")
		}
		return b.String() + "</VirtualHost>\n", true
	case "ingress-nginx":
		// One Ingress per rule, each on its own path, its CORS in the
		// controller's annotations (values are strings in Kubernetes).
		var b strings.Builder
		for i, r := range rs {
			if i > 0 {
				b.WriteString("---\n")
			}
			a := "nginx.ingress.kubernetes.io/"
			b.WriteString("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: r" + strconv.Itoa(i) + "\n  annotations:\n")
			b.WriteString("    " + a + "enable-cors: \"true\"\n")
			b.WriteString("    " + a + "cors-allow-origin: " + strconv.Quote(strings.Join(r.origins, ", ")) + "\n")
			if len(r.methods) > 0 {
				b.WriteString("    " + a + "cors-allow-methods: " + strconv.Quote(strings.Join(r.methods, ", ")) + "\n")
			}
			if len(r.headers) > 0 {
				b.WriteString("    " + a + "cors-allow-headers: " + strconv.Quote(strings.Join(r.headers, ", ")) + "\n")
			}
			if len(r.expose) > 0 {
				b.WriteString("    " + a + "cors-expose-headers: " + strconv.Quote(strings.Join(r.expose, ", ")) + "\n")
			}
			b.WriteString("    " + a + "cors-allow-credentials: \"" + strconv.FormatBool(r.creds) + "\"\n")
			if r.maxAge != 0 {
				b.WriteString("    " + a + "cors-max-age: \"" + strconv.Itoa(r.maxAge) + "\"\n")
			}
			b.WriteString("spec:\n  rules:\n    - http:\n        paths:\n          - path: /r" + strconv.Itoa(i) + "\n            pathType: Prefix\n            backend:\n              service:\n                name: api\n                port:\n                  number: 80\n")
		}
		return b.String(), true
	case "netlify":
		// A _headers file's static headers for every path: like a
		// Caddy site, the first rule's replies (Netlify answers no
		// preflight itself; lint probes the rule's path).
		r := rs[0]
		hs := replyHeaders(r, true)
		if len(r.expose) > 0 {
			hs = append(hs, [2]string{"Access-Control-Expose-Headers", strings.Join(r.expose, ", ")})
		}
		var b strings.Builder
		b.WriteString("/*\n")
		for _, h := range hs {
			b.WriteString("  " + h[0] + ": " + h[1] + "\n")
		}
		return b.String(), true
	case "vercel", "firebase":
		// A hosting headers file's fixed headers for every path, like
		// "netlify": the first rule's replies (neither platform answers
		// a preflight itself; lint probes the source's path).
		r := rs[0]
		hs := replyHeaders(r, true)
		if len(r.expose) > 0 {
			hs = append(hs, [2]string{"Access-Control-Expose-Headers", strings.Join(r.expose, ", ")})
		}
		var kv []string
		for _, h := range hs {
			kv = append(kv, `{"key": `+strconv.Quote(h[0])+`, "value": `+strconv.Quote(h[1])+`}`)
		}
		if f == "vercel" {
			return `{"headers": [{"source": "/(.*)", "headers": [` + strings.Join(kv, ", ") + `]}]}`, true
		}
		return `{"hosting": {"public": "dist", "headers": [{"source": "**", "headers": [` + strings.Join(kv, ", ") + `]}]}}`, true
	case "traefik":
		// One headers middleware of the file provider (Traefik applies
		// one middleware's lists to a router; a second rule would be a
		// second middleware, which the reader does not choose).
		r := rs[0]
		var b strings.Builder
		b.WriteString("http:\n  middlewares:\n    cors:\n      headers:\n")
		list := func(k string, ss []string) {
			if len(ss) > 0 {
				b.WriteString("        " + k + ": " + q(ss) + "\n")
			}
		}
		list("accessControlAllowOriginList", r.origins)
		list("accessControlAllowMethods", r.methods)
		list("accessControlAllowHeaders", r.headers)
		list("accessControlExposeHeaders", r.expose)
		if r.creds {
			b.WriteString("        accessControlAllowCredentials: true\n")
		}
		if r.maxAge != 0 {
			b.WriteString("        accessControlMaxAge: " + strconv.Itoa(r.maxAge) + "\n")
		}
		return b.String(), true
	case "nginx":
		for i, r := range rs {
			var b strings.Builder
			b.WriteString("location /r" + strconv.Itoa(i) + "/ {\n")
			hs := replyHeaders(r, true)
			if len(r.expose) > 0 {
				hs = append(hs, [2]string{"Access-Control-Expose-Headers", strings.Join(r.expose, ", ")})
			}
			for _, h := range hs {
				b.WriteString("    add_header " + h[0] + " '" + h[1] + "' always;\n")
			}
			b.WriteString("}")
			items = append(items, b.String())
		}
		return strings.Join(items, "\n"), true
	case "raw":
		r := rs[0]
		return "HTTP/1.1 204 No Content\r\n" + headerLines(replyHeaders(r, true), "\r\n") + "\r\nHTTP/1.1 200 OK\r\n" + headerLines(replyHeaders(r, false), "\r\n") + "\r\n", true
	case "har":
		r := rs[0]
		return `{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "entries": [
 {"_resourceType": "preflight", "request": {"method": "OPTIONS", "url": "https://api.test/items", "headers": [{"name": "Origin", "value": "https://page.test"}, {"name": "Access-Control-Request-Method", "value": "PUT"}]},
  "response": {"status": 204, "statusText": "No Content", "headers": [` + harHeaders(replyHeaders(r, true)) + `]}},
 {"_resourceType": "fetch", "request": {"method": "PUT", "url": "https://api.test/items", "headers": [{"name": "Origin", "value": "https://page.test"}]},
  "response": {"status": 200, "statusText": "OK", "headers": [` + harHeaders(replyHeaders(r, false)) + `]}}]}}`, true
	}
	return "", false
}

// renderNode writes rules as the options of the Node middleware of
// format f in an app file: Fastify registers its plugin once (the first
// rule), Koa and Hono mount one cors() per rule, Hono each on its own
// path pattern.
func renderNode(f string, rs []rule) string {
	opts := func(r rule, originKey, methodsKey, headersKey, exposeKey string) string {
		b := originKey + ": " + q(r.origins)
		if len(r.origins) == 1 && f == "koa-cors" {
			b = originKey + ": " + strconv.Quote(r.origins[0])
		}
		if len(r.methods) > 0 {
			b += ", " + methodsKey + ": " + q(r.methods)
		}
		if len(r.headers) > 0 {
			b += ", " + headersKey + ": " + q(r.headers)
		}
		if len(r.expose) > 0 {
			b += ", " + exposeKey + ": " + q(r.expose)
		}
		if r.creds {
			b += ", credentials: true"
		}
		if r.maxAge != 0 {
			b += ", maxAge: " + strconv.Itoa(r.maxAge)
		}
		return "{" + b + "}"
	}
	var b strings.Builder
	switch f {
	case "fastify-cors":
		b.WriteString("import Fastify from 'fastify'\nimport cors from '@fastify/cors'\n\nconst fastify = Fastify()\n")
		b.WriteString("await fastify.register(cors, " + opts(rs[0], "origin", "methods", "allowedHeaders", "exposedHeaders") + ")\n")
	case "koa-cors":
		b.WriteString("const Koa = require('koa')\nconst cors = require('@koa/cors')\n\nconst app = new Koa()\n")
		for _, r := range rs {
			b.WriteString("app.use(cors(" + opts(r, "origin", "allowMethods", "allowHeaders", "exposeHeaders") + "))\n")
		}
	case "hono-cors":
		b.WriteString("import { Hono } from 'hono'\nimport { cors } from 'hono/cors'\n\nconst app = new Hono()\n")
		for i, r := range rs {
			b.WriteString("app.use('/r" + strconv.Itoa(i) + "/*', cors(" + opts(r, "origin", "allowMethods", "allowHeaders", "exposeHeaders") + "))\n")
		}
	}
	return b.String()
}

// renderGo writes rule r as the options literal of the Go middleware of
// format f, in a main package as users write it (one middleware: a file
// holds one configuration).
func renderGo(f string, r rule) string {
	list := func(name string, ss []string) string {
		if len(ss) == 0 {
			return ""
		}
		return "\t\t" + name + ": []string{" + strings.Trim(q(ss), "[]") + "},\n"
	}
	names := [4]string{"AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposedHeaders"}
	if f == "gin-contrib-cors" || f == "echo-cors" {
		names = [4]string{"AllowOrigins", "AllowMethods", "AllowHeaders", "ExposeHeaders"}
	}
	body := list(names[0], r.origins) + list(names[1], r.methods) + list(names[2], r.headers) + list(names[3], r.expose)
	if r.creds {
		body += "\t\tAllowCredentials: true,\n"
	}
	if r.maxAge != 0 {
		age := strconv.Itoa(r.maxAge)
		if f == "gin-contrib-cors" {
			age += " * time.Second"
		}
		body += "\t\tMaxAge: " + age + ",\n"
	}
	switch f {
	case "rs-cors":
		return "package main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/rs/cors\"\n)\n\nfunc main() {\n\tc := cors.New(cors.Options{\n" + body + "\t})\n\thttp.ListenAndServe(\":8080\", c.Handler(http.DefaultServeMux))\n}\n"
	case "go-chi-cors":
		return "package main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/go-chi/chi/v5\"\n\t\"github.com/go-chi/cors\"\n)\n\nfunc main() {\n\tr := chi.NewRouter()\n\tr.Use(cors.Handler(cors.Options{\n" + body + "\t}))\n\thttp.ListenAndServe(\":8080\", r)\n}\n"
	case "gin-contrib-cors":
		return "package main\n\nimport (\n\t\"time\"\n\n\t\"github.com/gin-contrib/cors\"\n\t\"github.com/gin-gonic/gin\"\n)\n\nvar _ = time.Second\n\nfunc main() {\n\trouter := gin.Default()\n\trouter.Use(cors.New(cors.Config{\n" + body + "\t}))\n\trouter.Run()\n}\n"
	}
	return "package main\n\nimport (\n\t\"github.com/labstack/echo/v4\"\n\t\"github.com/labstack/echo/v4/middleware\"\n)\n\nfunc main() {\n\te := echo.New()\n\te.Use(middleware.CORSWithConfig(middleware.CORSConfig{\n" + body + "\t}))\n\te.Start(\":8080\")\n}\n"
}

// renderPython writes rules in the Python source of format f: Starlette
// and flask-cors add one middleware per rule (Starlette's
// add_middleware, flask-cors one resource per rule of CORS(app)),
// django-cors-headers' settings hold one configuration (the first rule).
// An origin list of "*" is each library's own way of allowing every
// origin: CORS_ALLOW_ALL_ORIGINS in Django, "*" in the other two.
func renderPython(f string, rs []rule) string {
	switch f {
	case "starlette":
		b := "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n"
		for _, r := range rs {
			b += "\napp.add_middleware(\n    CORSMiddleware,\n    " + pyOptions(r, [6]string{"allow_origins", "allow_methods", "allow_headers", "expose_headers", "allow_credentials", "max_age"}, "=", ",\n    ") + ",\n)\n"
		}
		return b
	case "django-cors-headers":
		r, b := rs[0], "MIDDLEWARE = [\n    \"corsheaders.middleware.CorsMiddleware\",\n    \"django.middleware.common.CommonMiddleware\",\n]\n\n"
		names := [6]string{"CORS_ALLOWED_ORIGINS", "CORS_ALLOW_METHODS", "CORS_ALLOW_HEADERS", "CORS_EXPOSE_HEADERS", "CORS_ALLOW_CREDENTIALS", "CORS_PREFLIGHT_MAX_AGE"}
		if len(r.origins) == 1 && r.origins[0] == "*" {
			b, names[0] = b+"CORS_ALLOW_ALL_ORIGINS = True\n", ""
		}
		return b + pyOptions(r, names, " = ", "\n") + "\n"
	}
	b := "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"
	names := [6]string{"origins", "methods", "allow_headers", "expose_headers", "supports_credentials", "max_age"}
	if len(rs) == 1 {
		return b + "CORS(app, " + pyOptions(rs[0], names, "=", ", ") + ")\n"
	}
	for i := range names {
		names[i] = strconv.Quote(names[i])
	}
	var res []string
	for i, r := range rs {
		res = append(res, strconv.Quote("/r"+strconv.Itoa(i)+"/*")+": {"+pyOptions(r, names, ": ", ", ")+"}")
	}
	return b + "CORS(app, resources={" + strings.Join(res, ", ") + "})\n"
}

// renderRuby writes rules as a Rails initializer of rack-cors: one allow
// block a rule, each with a resource "*"; methods as lowercase symbols
// (rack-cors compares the request's method lowercased), an empty list
// left out (rack-cors' default, [:get]).
func renderRuby(rs []rule) string {
	b := "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n"
	for _, r := range rs {
		b += "  allow do\n    origins " + strings.Trim(q(r.origins), "[]") + "\n    resource \"*\""
		if len(r.methods) > 0 {
			var ms []string
			for _, m := range r.methods {
				ms = append(ms, ":"+strconv.Quote(strings.ToLower(m)))
			}
			b += ", methods: [" + strings.Join(ms, ", ") + "]"
		}
		if len(r.headers) > 0 {
			b += ", headers: " + q(r.headers)
		}
		if len(r.expose) > 0 {
			b += ", expose: " + q(r.expose)
		}
		if r.creds {
			b += ", credentials: true"
		}
		if r.maxAge != 0 {
			b += ", max_age: " + strconv.Itoa(r.maxAge)
		}
		b += "\n  end\n"
	}
	return b + "end\n"
}

// pyOptions writes r as Python options, name+assign+value joined by sep,
// under the library's names for origins, methods, request and exposed
// headers, credentials and max-age; a name "" is left out, and so is
// an empty list but the origins (an empty one is the no-origins row).
func pyOptions(r rule, names [6]string, assign, sep string) string {
	var out []string
	for i, ss := range [][]string{r.origins, r.methods, r.headers, r.expose} {
		if names[i] != "" && (len(ss) > 0 || i == 0) {
			out = append(out, names[i]+assign+q(ss))
		}
	}
	if r.creds {
		out = append(out, names[4]+assign+"True")
	}
	if r.maxAge != 0 {
		out = append(out, names[5]+assign+strconv.Itoa(r.maxAge))
	}
	return strings.Join(out, sep)
}

// renderTerraform writes rules as the cors_rule blocks of an
// aws_s3_bucket_cors_configuration (S3's semantics), in HCL or as
// `terraform show -json` writes its planned values.
func renderTerraform(f string, rs []rule) string {
	if f == "terraform" {
		var b strings.Builder
		b.WriteString("resource \"aws_s3_bucket_cors_configuration\" \"site\" {\n  bucket = \"site\"\n")
		for _, r := range rs {
			b.WriteString("\n  cors_rule {\n")
			for _, kv := range []struct {
				k  string
				ss []string
			}{{"allowed_origins", r.origins}, {"allowed_methods", r.methods}, {"allowed_headers", r.headers}, {"expose_headers", r.expose}} {
				if len(kv.ss) > 0 {
					b.WriteString("    " + kv.k + " = " + q(kv.ss) + "\n")
				}
			}
			if r.maxAge != 0 {
				b.WriteString("    max_age_seconds = " + strconv.Itoa(r.maxAge) + "\n")
			}
			b.WriteString("  }\n")
		}
		return b.String() + "}\n"
	}
	var items []string
	orNull := func(ss []string) string {
		if len(ss) == 0 {
			return "null"
		}
		return q(ss)
	}
	for _, r := range rs {
		age := "null"
		if r.maxAge != 0 {
			age = strconv.Itoa(r.maxAge)
		}
		items = append(items, `{"allowed_headers": `+orNull(r.headers)+`, "allowed_methods": `+q(r.methods)+`, "allowed_origins": `+q(r.origins)+
			`, "expose_headers": `+orNull(r.expose)+`, "id": null, "max_age_seconds": `+age+`}`)
	}
	return `{"format_version": "1.2", "terraform_version": "1.9.8", "planned_values": {"root_module": {"resources": [
 {"address": "aws_s3_bucket_cors_configuration.site", "mode": "managed", "type": "aws_s3_bucket_cors_configuration", "name": "site",
  "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
  "values": {"bucket": "site", "expected_bucket_owner": null, "cors_rule": [` + strings.Join(items, ",\n   ") + `]}}]}}}`
}

func headerLines(h [][2]string, eol string) string {
	var b strings.Builder
	for _, x := range h {
		b.WriteString(x[0] + ": " + x[1] + eol)
	}
	return b.String()
}

func harHeaders(h [][2]string) string {
	out := make([]string, len(h))
	for i, x := range h {
		out[i] = `{"name": ` + strconv.Quote(x[0]) + `, "value": ` + strconv.Quote(x[1]) + `}`
	}
	return strings.Join(out, ", ")
}

// inherits names, for a format whose rules are another format's, the
// format whose stated reasons and refusals it shares where it has no
// cell of its own: a template's S3 bucket is read onto S3's model and
// answered by S3's evaluator (engine/formats/cloudformation), so what
// S3 cannot state it cannot either. A text cell is not shared (the
// syntax differs): the row's rules are rendered instead. Caddy's and
// Apache's header directives, like nginx's add_header, state replies,
// not rules: what nginx's lines cannot say, theirs cannot either; so
// do a hosting headers file's static headers (Netlify's _headers).
var inherits = map[string]string{"cloudformation": "s3-cloudformation", "caddy": "nginx", "apache": "nginx", "netlify": "nginx", "vercel": "nginx", "firebase": "nginx"}

// entry is one cell of the table: rules that format writes to trigger the
// code (or a text of its own), or the reason the format cannot express
// the problem.
type entry struct {
	text   string // a text of its own, instead of rendering the row's rules
	cannot string
	// refused: the platform refuses the row's rules at upload, so the
	// problem cannot reach production; the cell checks that lint says
	// "rejected" there instead.
	refused bool
	// gap: the format states the problem (text, or the row's rules) and
	// lint should find the code there but does not yet, for the reason
	// given. The test logs it, and fails once lint finds the code (then
	// the gap is closed: drop it).
	gap string
	// instead: the platform takes the row's rules, but not as written
	// (its validation replaces the value with a default), and lint
	// reports that with this code of the format's own; the cell checks
	// it.
	instead string
}

// azureExposes: Azure answers a "*" in ExposedHeaders with the names of
// the reply's headers (Azurite's reply, cloud-policies.md §4; the Azure
// evaluator's exposed), so no browser sees a "*".
const azureExposes = `Azure sends the reply's header names for "*" (Azurite's reply, cloud-policies.md §4), never a "*"`

// no is a "cannot express" cell with its reason.
func no(why string) entry { return entry{cannot: why} }

// gap is a cell lint misses: text (or the row's rules when "") shows
// the problem, why says what lint lacks.
func gap(text, why string) entry { return entry{text: text, gap: why} }

// refusedAtUpload is a cell whose platform refuses the problem itself.
var refusedAtUpload = entry{refused: true}

// replaced is a cell whose platform replaces the row's value by its
// default, which lint reports as code.
func replaced(code string) entry { return entry{instead: code} }

// ingress renders rules as Ingress manifests (render's "ingress-nginx"),
// then applies the replacements old, new, ... to the text.
func ingress(rs []rule, oldNew ...string) string {
	text, _ := render("ingress-nginx", rs)
	return strings.NewReplacer(oldNew...).Replace(text)
}

// The ingress-nginx controller (kubernetes/ingress-nginx
// controller-v1.15.1, internal/ingress/annotations/cors/main.go Parse)
// refuses no Ingress for its cors annotations: a value its validation
// refuses is logged and replaced by the default, cors-allow-origin by
// "*" (the format's own lint code origin-refused), the others by their
// default lists (value-refused). Its origins are scheme://host[:port],
// *.host of one label, null or * alone; its headers letters, digits, -
// and _.
var (
	ingressOriginRefused = replaced("origin-refused")
	ingressValueRefused  = replaced("value-refused")
)

// Reasons shared by several cells.
const (
	ec2Fixed             = "ec2's policy is AWS's fixed one (the text is empty or \"ec2\"): nothing of it is the user's to write"
	noCreds              = "the platform has no credentials setting and never sends Access-Control-Allow-Credentials (cloud-policies.md §3, §5.2 Enable CORS without AllowCredentials: true is the only way; see the row's other cells)"
	credsImplied         = "the platform sends Access-Control-Allow-Credentials: true with every echoed origin and never with \"*\" (cloud-policies.md §0 item 4, §4): \"*\" with credentials cannot be stated"
	oneValue             = "the reply states one Access-Control-Allow-Origin value: a pattern is not a thing it can hold (a browser compares the value whole)"
	echoStar             = "the platform answers \"*\" in the allowed headers by echoing the requested names (cloud-policies.md §0 item 3, §4; native doc): it covers Authorization and works with credentials"
	methodSelects        = "the platform chooses a rule by origin and method (cloud-policies.md §1.3, §3, §4): a rule that leaves out GET gives a simple GET no CORS headers, so listing it is needed"
	oneRule              = "the format holds one CORS configuration, not a list of rules"
	nodeStarts           = "the middleware takes any options object and refuses nothing when the server starts; what the reader cannot evaluate is an input error"
	goStarts             = "the middleware builds any options it is given (cors.New, cors.Handler, middleware.CORSWithConfig refuse nothing for these); what the reader cannot evaluate is an input error"
	goOne                = "the reader takes the file's first options literal as the one configuration (a note names any other): rules are not a list to compare"
	goEmptyAll           = "an empty origin list means every origin (the library's default), so a configuration allowing none cannot be written"
	goEchoStar           = "AllowedHeaders \"*\" makes the library echo the requested header names (rs/cors cors.go, go-chi/cors's fork of it), Authorization included, so it covers Authorization and works with credentials"
	fastifyOnce          = "fastify refuses a second registration of @fastify/cors on one instance (fastify's plugin override check), so the app holds one configuration"
	flaskEchoHeaders     = "flask-cors sends back the requested headers that match allow_headers, so \"*\" (the regex .*) echoes them, Authorization included, with credentials too (flask_cors/core.py 3.0.10, get_allow_headers)"
	rackEchoHeaders      = "rack-cors never sends Access-Control-Allow-Headers: *: it answers a preflight with the request's own Access-Control-Request-Headers when each name is allowed (headers: :any allows every one, Authorization included, with credentials too), and a \"*\" in its list is a name no browser asks for (lib/rack/cors.rb 1.1.1, Resource#to_preflight_headers, allow_headers?)"
	starletteEchoHeaders = "Starlette answers allow_headers [\"*\"] with the request's own Access-Control-Request-Headers (starlette/middleware/cors.py 0.26.1, preflight_response): it covers Authorization and works with credentials"
	starletteStack       = "the outermost CORSMiddleware answers every preflight itself, 200 or 400, without calling what it wraps (starlette/middleware/cors.py 0.26.1, preflight_response), so an inner one never decides a preflight; lint's rule-order check (shadow.go) runs only for PathSelects or MethodSelects semantics, which the starlette reader does not state"
	ingressOneLocation   = "the controller keeps the first Ingress's location for a host and path another Ingress already wrote (internal/ingress/controller/controller.go createServers, updateServerLocations at controller-v1.15.1), so the second never answers; lint does not compare Ingresses: the reader states no host and nginx picks the longest path, not the first rule (no PathSelects)"
	traefikOne           = "the reader states one headers middleware (the one named, or the only one with CORS fields: several are refused with the candidates listed), as Traefik applies one middleware's lists to a router: its rules are not a list to compare"
	noComment            = "suppress.go reads directives in # and // comments and in JSON members: an XML comment is not read (yet), and a capture has no comment"
)

// row is one code: the rules that show it, and the cells that differ.
type row struct {
	rules []rule
	cells map[string]entry
	// directive, when set, is a whycors:ignore directive ("CODE reason")
	// written into each rendered text: in a JSON object's first member,
	// or as a comment line.
	directive string
}

// one is a row of one rule.
func one(r rule, cells map[string]entry) row { return row{rules: []rule{r}, cells: cells} }

// xmlFormats, captureFormats: formats whose text has no comment a
// directive can use, or no rule at all.
var (
	xmlFormats     = []string{"s3-xml", "r2-xml", "gcs-xml", "azure-xml"}
	captureFormats = []string{"raw", "har"}
)

// cellsFor gives every format of names the same cell.
func cellsFor(e entry, names ...[]string) map[string]entry {
	out := map[string]entry{}
	for _, ns := range names {
		for _, n := range ns {
			out[n] = e
		}
	}
	return out
}

// allBut is every format of the registry but those named.
func allBut(names ...string) []string {
	var out []string
	for _, n := range reg.Names() {
		if !slices.Contains(names, n) {
			out = append(out, n)
		}
	}
	return out
}

// with adds cells to m.
func with(m map[string]entry, more map[string]entry) map[string]entry {
	for k, v := range more {
		m[k] = v
	}
	return m
}

var get = []string{"GET"}
var put = []string{"PUT"}
var app = []string{"https://app.test"}

// matrix pairs every code of lint.Codes() with every format of
// all.Registry(): a configuration in that format that shows the code, or
// why the format cannot state the problem. Each row's source is the
// package doc's table.
var matrix = map[string]row{
	"rejected": one(rule{origins: []string{"https://*.*.test"}, methods: get}, map[string]entry{
		// The API server stores annotations as map[string]string: an
		// unquoted true is a YAML boolean it refuses.
		"ingress-nginx": {text: ingress([]rule{{origins: app, methods: get}}, `enable-cors: "true"`, `enable-cors: true`)},
		// Traefik refuses an origin regex Go's regexp does not compile
		// (pkg/middlewares/headers, regexp.Compile at start); Vercel a
		// source that is no valid regular expression
		// (vercel.link/invalid-route-source-pattern); Firebase Hosting a
		// regex that is not RE2 (firebase.google.com/docs/hosting/full-config).
		"traefik":    {text: "http:\n  middlewares:\n    cors:\n      headers:\n        accessControlAllowOriginListRegex: [\"https://(app\"]\n"},
		"vercel":     {text: `{"headers": [{"source": "/(", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://app.test"}]}]}`},
		"firebase":   {text: `{"hosting": {"headers": [{"regex": "^/(?=a)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://app.test"}]}]}}`},
		"caddy":      no("what Caddy refuses to load (an unknown directive, a matcher it cannot parse) the reader refuses too, an input error at its line: caddy adapt reads the Caddyfile as a whole"),
		"apache":     no("what httpd refuses to load (apache2 -t: an unknown directive, a regex it cannot compile) the reader refuses too, an input error at its line"),
		"netlify":    no("Netlify takes any header value in _headers and netlify.toml; what @netlify/headers-parser refuses (a line outside a path, a bad TOML table) the reader refuses too, an input error at its line (e2e/netlify)"),
		"lambda-url": {text: `{"Cors": {"AllowOrigins": ["https://app.test"], "MaxAge": -1}}`}, "serverless": {text: "service: s\nprovider:\n  name: aws\n  httpApi:\n    cors:\n      allowedOrigins: [\"https://app.test\"]\n      maxAge: -1\nfunctions:\n  f:\n    handler: h\n    events:\n      - httpApi: '*'\n"},
		"django-cors-headers": {text: djangoRejected},
		"flask-cors":          {text: flaskStarCreds},
		"rack-cors":           {text: rackStarCreds},
		"starlette":           {text: starletteRejected},
		"gcs-json":            {text: `[{"origin": ["https://app.test"], "method": ["GET"], "maxAgeSeconds": -1}]`},
		"gcs-xml":             {text: `<CorsConfig><Cors><Origins><Origin>https://app.test</Origin></Origins><Methods><Method>GET</Method></Methods><MaxAgeSec>-1</MaxAgeSec></Cors></CorsConfig>`},
		"azure-xml":           {text: `<Cors><CorsRule><AllowedOrigins>https://app.test</AllowedOrigins><AllowedMethods>TRACE</AllowedMethods><AllowedHeaders></AllowedHeaders><ExposedHeaders></ExposedHeaders><MaxAgeInSeconds>0</MaxAgeInSeconds></CorsRule></Cors>`},
		"azure-json":          {text: `{"cors": {"corsRules": [{"allowedOrigins": ["https://app.test"], "allowedMethods": ["TRACE"], "allowedHeaders": [], "exposedHeaders": [], "maxAgeInSeconds": 0}]}}`},
		"apigw-http":          {text: `{"AllowOrigins": ["*"], "AllowCredentials": true}`},
		"apigw-rest":          {text: `{"RestApiCors": {"AllowOrigin": "'https://app.test'", "AllowMethods": "'GET,OPTIONS'", "MaxAge": -1}}`},
		"native":              {text: `{"origins": ["https://app.test"], "max_age": -1}`},
		"fastify-cors":        no(nodeStarts), "koa-cors": no(nodeStarts), "hono-cors": no(nodeStarts),
		"rs-cors": no(goStarts), "go-chi-cors": no(goStarts), "echo-cors": no(goStarts),
		"gin-contrib-cors": {text: renderGo("gin-contrib-cors", rule{origins: []string{"app.test"}, methods: get})},
		"express":          no("cors() takes any options object; Express refuses nothing at start (what the reader cannot evaluate is an input error, exit 2, TestUnreadableIsAnInputError)"),
		"nginx":            {text: "location / {\n    add_header Access-Control-Allow-Origin;\n}\n"},
		"ec2":              {text: "something else"},
		"raw":              no("a capture is what a server sent: no platform refuses it (a text that is not HTTP is an input error, TestUnreadableIsAnInputError)"),
		"har":              no("a HAR is what a browser recorded: no platform refuses it (a text that is not a HAR is an input error, TestUnreadableIsAnInputError)"),
	}),
	"options-method": one(rule{origins: app, methods: []string{"GET", "OPTIONS"}}, map[string]entry{
		"lambda-url": refusedAtUpload,
		"ec2":        no(ec2Fixed),
	}),
	"wildcard-credentials": one(rule{origins: []string{"*"}, methods: put, creds: true}, with(cellsFor(no(credsImplied), []string{"s3-json", "s3-cli", "s3-xml", "s3-cloudformation", "r2-json", "r2-cli", "r2-xml", "r2-api", "azure-xml", "azure-json"}), map[string]entry{
		"terraform": no(credsImplied), "terraform-plan": no(credsImplied),
		"django-cors-headers": no("django-cors-headers never sends \"*\" with credentials: CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS echoes the request's Origin (corsheaders/middleware.py 3.14.0, process_response), which lint reports as reflect-any-origin, and a \"*\" in CORS_ALLOWED_ORIGINS is no wildcard (scheme and host compared; Django's check corsheaders.E013 refuses it)"),
		// flask-cors sends "*" itself only with send_wildcard, which it refuses
		// with credentials; without it "*" echoes the origin (reflect-any-origin).
		"flask-cors": {text: flaskStarCreds, refused: true},
		"rack-cors":  {text: rackStarCreds, refused: true},
		"gcs-json":   no(noCreds), "gcs-xml": no(noCreds), "ec2": no(ec2Fixed),
		"native":     refusedAtUpload,
		"apigw-http": refusedAtUpload,
		"koa-cors":   no("@koa/cors sends the request's Origin instead of \"*\" when credentials is on (its index.js), so the reply is never \"*\" with credentials: lint reports reflect-any-origin there"),
	})),
	"reflect-any-origin": one(rule{origins: []string{"https://*"}, methods: put, creds: true}, map[string]entry{
		// "https://*" fails the validation; the controller never
		// echoes every origin ("*" is sent as *, nginx.tmpl CORS).
		"ingress-nginx":       ingressOriginRefused,
		"cloudfront-rhp":      refusedAtUpload,
		"django-cors-headers": {text: pyDjango("CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n")},
		"flask-cors":          {text: pyFlask("CORS(app, supports_credentials=True)\n")},
		// Starlette compares allow_origins exactly: only a regex echoes any origin.
		"starlette":  gap(pyStarlette(`allow_origin_regex=r"https://.*", allow_credentials=True`), "allow_origin_regex matching every origin echoes each one with credentials (starlette/middleware/cors.py 0.26.1, allow_explicit_origin); lint's regular expression check (rules.go, regex) does not report a pattern that matches every origin"),
		"express":    {text: `app.use(cors({origin: true, credentials: true}))`},
		"nginx":      {text: "location / {\n    add_header Access-Control-Allow-Origin $http_origin always;\n}\n"},
		"gcs-json":   no("GCS compares origins literally (cloud-policies.md §3): \"https://*\" matches only itself, and \"*\" is sent as \"*\", never echoed"),
		"gcs-xml":    no("GCS compares origins literally (cloud-policies.md §3), as gcs-json"),
		"azure-xml":  no("Azure allows \"*\" or exact origins (cloud-policies.md §4); it echoes an origin only when one is listed"),
		"azure-json": no("Azure allows \"*\" or exact origins (cloud-policies.md §4), as azure-xml"),
		"apigw-rest": no("a REST API's Enable CORS sends one static Access-Control-Allow-Origin (cloud-policies.md §5.2): it cannot echo"),
		"native":     no("native has no pattern for every origin but \"*\", which it never echoes (package doc)"),
		"ec2":        no(ec2Fixed),
		"raw":        no("a capture holds the replies to one page's origin: that the server echoes any origin cannot be seen in it"),
		"har":        no("a HAR holds the replies to the recorded page's origin: that the server echoes any origin cannot be seen in it"),
	}),
	"null-origin": one(rule{origins: []string{"null"}, methods: put, creds: true}, map[string]entry{
		"native": refusedAtUpload, "gin-contrib-cors": refusedAtUpload, "apigw-http": refusedAtUpload,
		"ec2": no(ec2Fixed),
		// A string "null" is a host to rack-cors, matched under any
		// scheme (never the Origin null): the regex allows it.
		"rack-cors": gap("Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins /\\Anull\\z/\n    resource \"*\", methods: [:put], credentials: true\n  end\nend\n", "lint's null-origin check reads an entry \"null\", not a regular expression that matches it"),
	}),
	"suffix-trap": one(rule{origins: []string{"https://*example.com"}, methods: get}, map[string]entry{
		// * is allowed only as a first label "*."; the regex it writes
		// is anchored at the end, but an Origin cannot end with another
		// whole "scheme://host" (template.go buildCorsOriginRegex).
		"ingress-nginx":  ingressOriginRefused,
		"cloudfront-rhp": refusedAtUpload, "apigw-http": refusedAtUpload,
		// django-cors-headers and Starlette compare their origin lists exactly
		// (urlsplit scheme and host; `in`): only their regexes can trap.
		"django-cors-headers": {text: pyDjango(`CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://.*example\.com$"]` + "\n")},
		// A pattern without $ is flask-cors's own regex-without-end-anchor
		// (lint.sameFinding); the wildcard running into a name is this.
		"flask-cors": {text: pyFlask(`CORS(app, origins=[r"^https://.*example\.com$"])` + "\n")},
		"starlette":  {text: pyStarlette(`allow_origin_regex=r"https://.*example\.com"`)},
		"express":    {text: `app.use(cors({origin: [/example\.com$/]}))`},
		"native":     no("native's only pattern is \"scheme://*.domain\", which cannot run into a name; anything else is refused at read"),
		"gcs-json":   no("GCS compares origins literally (cloud-policies.md §3): a \"*\" inside an entry matches only itself"),
		"gcs-xml":    no("GCS compares origins literally (cloud-policies.md §3)"),
		"azure-xml":  no("Azure allows \"*\" or exact origins (cloud-policies.md §4): no pattern to trap"),
		"azure-json": no("Azure allows \"*\" or exact origins (cloud-policies.md §4)"),
		"apigw-rest": no(oneValue),
		"nginx":      {text: "location / {\n    if ($http_origin ~* (example\\.com)$) {\n        add_header Access-Control-Allow-Origin $http_origin always;\n    }\n}\n"},
		"raw":        no(oneValue),
		"har":        no(oneValue),
		"ec2":        no(ec2Fixed),
	}),
	"public-suffix-wildcard": one(rule{origins: []string{"https://*.github.io"}, methods: get}, map[string]entry{
		"apigw-http":          refusedAtUpload,
		"django-cors-headers": {text: pyDjango(`CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://[a-z0-9-]+\.github\.io$"]` + "\n")},
		"starlette":           {text: pyStarlette(`allow_origin_regex=r"https://[a-z0-9-]+\.github\.io"`)},
		"flask-cors":          {text: pyFlask(`CORS(app, origins=[r"^https://[a-z0-9-]+\.github\.io$"])` + "\n")},
		"native":              refusedAtUpload,
		"express":             {text: `app.use(cors({origin: [/^https:\/\/[a-z0-9-]+\.github\.io$/]}))`},
		"gcs-json":            no("GCS compares origins literally (cloud-policies.md §3): \"https://*.github.io\" matches only itself"),
		"gcs-xml":             no("GCS compares origins literally (cloud-policies.md §3)"),
		"azure-xml":           no("Azure allows \"*\" or exact origins (cloud-policies.md §4): no wildcard over a suffix"),
		"azure-json":          no("Azure allows \"*\" or exact origins (cloud-policies.md §4)"),
		"apigw-rest":          no(oneValue),
		"nginx":               {text: "location / {\n    if ($http_origin ~* ^https://[a-z0-9-]+\\.github\\.io$) {\n        add_header Access-Control-Allow-Origin $http_origin always;\n    }\n}\n"},
		"raw":                 no(oneValue),
		"har":                 no(oneValue),
		"ec2":                 no(ec2Fixed),
	}),
	"insecure-origin": one(rule{origins: []string{"http://app.test"}, methods: put, creds: true}, map[string]entry{
		"gcs-json": no(noCreds), "gcs-xml": no(noCreds), "ec2": no(ec2Fixed),
		"native": refusedAtUpload,
	}),
	"regex-literal": one(rule{origins: []string{"https://(app|www).test"}, methods: get}, map[string]entry{
		"ingress-nginx":  ingressOriginRefused,
		"cloudfront-rhp": no("CloudFront's allowed origins are exact origins or one \"*\" wildcard (its CORS guide, understanding-response-headers-policies): no entry is read as a regular expression, and a pattern with regex characters is refused as an origin"),
		"flask-cors":     no("flask-cors takes an origin with any of * \\ ] ? $ ^ [ ( ) for a regular expression and compares the others as strings (flask_cors/core.py 3.0.10, probably_regex): an entry that looks like a regular expression is one"),
		"native":         refusedAtUpload,
		"express":        {text: `app.use(cors({origin: ["^https://app\\.test$"]}))`},
		"ec2":            no(ec2Fixed),
	}),
	"origin-never-matches": one(rule{origins: []string{"https://app.test/"}, methods: get}, map[string]entry{
		// A trailing slash fails the validation (origin-refused); the
		// default port passes it and no Origin has it.
		"ingress-nginx":  {text: ingress([]rule{{origins: []string{"https://app.test:443"}, methods: get}})},
		"cloudfront-rhp": refusedAtUpload,
		// django-cors-headers compares scheme and host only (urlsplit), so the
		// row's trailing slash matches at run time (its check corsheaders.E014
		// refuses it at manage.py check): a default port never matches.
		"django-cors-headers": {text: pyDjango(`CORS_ALLOWED_ORIGINS = ["https://app.test:443"]` + "\n")},
		"native":              refusedAtUpload,
		"ec2":                 no(ec2Fixed),
	}),
	"no-origins": one(rule{methods: get}, map[string]entry{
		// An empty cors-allow-origin is "*"; an origin without a
		// scheme is dropped, and none left writes no origin test.
		"ingress-nginx":  {text: ingress([]rule{{origins: []string{"app.test"}, methods: get}})},
		"cloudformation": refusedAtUpload, "serverless": no("an http event's or httpApi's cors origins default to \"*\" when left out (serverless.com docs, apigateway#enabling-cors, http-api#cors-setup), so a configuration allowing none cannot be written"),
		"terraform": refusedAtUpload, "terraform-plan": refusedAtUpload,
		"rs-cors": no(goEmptyAll), "go-chi-cors": no(goEmptyAll), "echo-cors": no(goEmptyAll),
		"gin-contrib-cors": no("gin-contrib/cors refuses an empty AllowOrigins without AllowAllOrigins at start (Validate: conflict settings, all origins disabled), so a configuration allowing none cannot run"),
		"express":          {text: `app.use(cors({origin: []}))`},
		"native":           refusedAtUpload,
		"azure-xml":        refusedAtUpload, "azure-json": refusedAtUpload,
		"r2-json": refusedAtUpload, "r2-cli": refusedAtUpload, "r2-xml": refusedAtUpload, "r2-api": refusedAtUpload,
		"apigw-rest": no("a REST API's Enable CORS always sends an Access-Control-Allow-Origin (default \"*\", cloud-policies.md §5.2)"),
		"nginx":      no("nginx states no origin list: a configuration that sends the probe no Access-Control-Allow-Origin may send one to the origins its map or if lets through, so a missing one is no fault lint can tell from the answers"),
		"raw":        no("a reply without Access-Control-Allow-Origin states no rule; explain says why a fetch fails on it"),
		"har":        no("a reply without Access-Control-Allow-Origin states no rule; explain says why a fetch fails on it"),
		"ec2":        no(ec2Fixed),
	}),
	"authorization-wildcard": one(rule{origins: app, methods: put, headers: []string{"*"}}, map[string]entry{
		"ingress-nginx": ingressValueRefused,
		"flask-cors":    no(flaskEchoHeaders), "starlette": no(starletteEchoHeaders), "rack-cors": no(rackEchoHeaders),
		"terraform": no(echoStar), "terraform-plan": no(echoStar),
		"rs-cors": no(goEchoStar), "go-chi-cors": no(goEchoStar),
		"s3-json": no(echoStar), "s3-cli": no(echoStar), "s3-xml": no(echoStar), "s3-cloudformation": no(echoStar),
		"r2-json": no(echoStar), "r2-cli": no(echoStar), "r2-xml": no(echoStar), "r2-api": no(echoStar),
		"azure-xml": no(echoStar), "azure-json": no(echoStar), "native": no(echoStar), "ec2": no(ec2Fixed),
	}),
	"wildcard-headers-credentials": one(rule{origins: app, methods: put, headers: []string{"*"}, creds: true}, map[string]entry{
		"ingress-nginx": ingressValueRefused,
		"flask-cors":    no(flaskEchoHeaders), "starlette": no(starletteEchoHeaders), "rack-cors": no(rackEchoHeaders),
		"terraform": no(echoStar), "terraform-plan": no(echoStar),
		"rs-cors": no(goEchoStar), "go-chi-cors": no(goEchoStar),
		"s3-json": no(echoStar), "s3-cli": no(echoStar), "s3-xml": no(echoStar), "s3-cloudformation": no(echoStar),
		"r2-json": no(echoStar), "r2-cli": no(echoStar), "r2-xml": no(echoStar), "r2-api": no(echoStar),
		"azure-xml": no(echoStar), "azure-json": no(echoStar), "native": no(echoStar),
		"gcs-json": no(noCreds), "gcs-xml": no(noCreds), "ec2": no(ec2Fixed),
	}),
	"wildcard-expose-credentials": one(rule{origins: app, methods: put, expose: []string{"*"}, creds: true}, map[string]entry{
		"cloudformation": refusedAtUpload,
		"terraform":      refusedAtUpload, "terraform-plan": refusedAtUpload,
		"r2-json": refusedAtUpload, "r2-cli": refusedAtUpload, "r2-xml": refusedAtUpload, "r2-api": refusedAtUpload,
		"native":   refusedAtUpload,
		"gcs-json": no(noCreds), "gcs-xml": no(noCreds), "ec2": no(ec2Fixed),
		"azure-xml": no(azureExposes), "azure-json": no(azureExposes),
	}),
	"invalid-name": one(rule{origins: app, methods: put, headers: []string{"X Bad"}}, map[string]entry{
		"cloudfront-rhp": refusedAtUpload,
		"native":         refusedAtUpload,
		"ec2":            no(ec2Fixed),
	}),
	"safelisted-method": one(rule{origins: app, methods: []string{"GET", "PUT"}}, with(cellsFor(no(methodSelects), []string{"s3-json", "s3-cli", "s3-xml", "s3-cloudformation", "r2-json", "r2-cli", "r2-xml", "r2-api", "gcs-json", "gcs-xml", "azure-xml", "azure-json"}), map[string]entry{
		"terraform": no(methodSelects), "terraform-plan": no(methodSelects),
		"rs-cors":     no("rs/cors checks an actual request's method against AllowedMethods too (cors.go, handleActualRequest): a GET left out gets no CORS headers, so listing it is needed"),
		"go-chi-cors": no("go-chi/cors checks an actual request's method against AllowedMethods too (cors.go, handleActualRequest, as rs/cors): a GET left out gets no CORS headers, so listing it is needed"),
		"echo-cors":   no("the reader states Echo's AllowMethods as its default list's kind (MethodsAsDefaults: Echo's default is GET,HEAD,PUT,PATCH,POST,DELETE), so a safelisted method in it is not taken for the user's redundancy"),
		"express":     no("Express's methods are its default list (GET,HEAD,PUT,PATCH,POST,DELETE): a safelisted method in it is the library's, not the user's redundancy (MethodsAsDefaults)"),
		"rack-cors":   no("rack-cors checks a preflight's Access-Control-Request-Method against its methods, a safelisted one too (a GET with Authorization is preflighted): get must be listed for it (lib/rack/cors.rb 1.1.1, Resource#process_preflight; PreflightMethods)"),
		"ec2":         no(ec2Fixed),
	})),
	"forbidden-method": one(rule{origins: app, methods: []string{"TRACE"}}, map[string]entry{
		"cloudformation": refusedAtUpload, "apigw-http": refusedAtUpload, "lambda-url": refusedAtUpload, "cloudfront-rhp": refusedAtUpload,
		"terraform": refusedAtUpload, "terraform-plan": refusedAtUpload,
		"native": refusedAtUpload, "azure-xml": refusedAtUpload, "azure-json": refusedAtUpload,
		"r2-json": refusedAtUpload, "r2-cli": refusedAtUpload, "r2-xml": refusedAtUpload, "r2-api": refusedAtUpload,
		"ec2": no(ec2Fixed),
	}),
	"safelisted-header": one(rule{origins: app, methods: put, headers: []string{"Accept"}}, map[string]entry{
		"ec2": no(ec2Fixed),
	}),
	"forbidden-header": one(rule{origins: app, methods: put, headers: []string{"Cookie"}}, map[string]entry{
		"native": refusedAtUpload,
		"ec2":    no(ec2Fixed),
	}),
	"response-header-requested": one(rule{origins: app, methods: put, headers: []string{"Access-Control-Allow-Origin"}}, map[string]entry{
		"native": refusedAtUpload,
		"ec2":    no(ec2Fixed),
	}),
	"forbidden-exposed": one(rule{origins: app, methods: put, expose: []string{"Set-Cookie"}}, map[string]entry{
		"native": refusedAtUpload,
		"ec2":    no(ec2Fixed),
	}),
	"max-age-cap": one(rule{origins: app, methods: put, maxAge: 90000}, map[string]entry{
		"lambda-url": refusedAtUpload,
		"native":     refusedAtUpload, "apigw-http": refusedAtUpload,
		"r2-json": refusedAtUpload, "r2-cli": refusedAtUpload, "r2-xml": refusedAtUpload, "r2-api": refusedAtUpload,
		"ec2": no(ec2Fixed),
	}),
	"s3-vary": one(rule{origins: app, methods: get}, with(cellsFor(no("S3 and R2's own behaviour, Vary only on a match (cloud-policies.md §0 item 5); this format's replies are not S3's (a missing Vary: Origin in replies the user configures is not checked yet)"),
		[]string{"gcs-json", "gcs-xml", "azure-xml", "azure-json", "apigw-http", "apigw-rest", "native", "express", "fastify-cors", "koa-cors", "hono-cors", "rs-cors", "go-chi-cors", "gin-contrib-cors", "echo-cors", "django-cors-headers", "flask-cors", "starlette", "rack-cors", "lambda-url", "cloudfront-rhp", "serverless", "nginx", "raw", "har", "ec2"}), map[string]entry{
		"ingress-nginx": no("S3 and R2's own behaviour, Vary only on a match; the controller adds no Vary: Origin at all, which the format's own code no-vary reports (nginx.tmpl, define \"CORS\")"),
		"traefik":       no("S3 and R2's own behaviour, Vary only on a match; Traefik adds Vary: Origin only with addVaryHeader, whose absence the format's own code vary-missing reports (pkg/middlewares/headers/header.go, Traefik v3.6.12)"),
	})),
	"overlapping-paths": {cells: with(cellsFor(no("native's own rule selection (the first rule whose path and origins match): other formats have no path per rule, pick rules by path alone, or run every rule"), allBut("native")), map[string]entry{
		"native": {text: `{"rules": [{"path": "/api/*", "origins": ["https://app.test"]}, {"path": "/api/admin/*", "origins": ["https://admin.test"]}]}`},
	})},
	"missing-always": one(rule{origins: app, methods: get}, with(cellsFor(no("add_header's always is nginx's own parameter (cloud-policies.md §6.1): no other format has it"),
		[]string{"s3-json", "s3-cli", "s3-xml", "s3-cloudformation", "r2-json", "r2-cli", "r2-xml", "r2-api", "gcs-json", "gcs-xml", "azure-xml", "azure-json", "apigw-http", "apigw-rest", "native", "express", "fastify-cors", "koa-cors", "hono-cors", "rs-cors", "go-chi-cors", "gin-contrib-cors", "echo-cors", "django-cors-headers", "flask-cors", "starlette", "rack-cors", "terraform", "terraform-plan", "lambda-url", "cloudfront-rhp", "serverless", "raw", "har", "ec2", "netlify", "traefik", "vercel", "firebase"}), map[string]entry{
		"nginx":         {text: "location / {\n    add_header Access-Control-Allow-Origin https://app.test;\n}\n"},
		"apache":        {text: "<VirtualHost *:80>\n    ServerName api.test\n    Header set Access-Control-Allow-Origin \"https://app.test\"\n    RewriteEngine On\n    RewriteCond %{REQUEST_METHOD} OPTIONS\n    RewriteRule ^ - [R=204,L]\n    ProxyPass / http://app:3000/\n</VirtualHost>\n"},
		"ingress-nginx": no("the controller's CORS block sets its headers with more_set_headers (headers-more), which sets them on replies of every status: there is no always to forget (rootfs/etc/nginx/template/nginx.tmpl, define \"CORS\", controller-v1.15.1; e2e/ingress)"),
		"caddy":         no("Caddy's header directive has no always to forget: it sets its fields on the replies of its site, its own errors included (caddyserver.com/docs/caddyfile/directives/header; e2e/caddy's upstream 404 and 500 cases), and defer only orders them"),
	})),
	"duplicate-rule": {rules: []rule{{origins: app, methods: put}, {origins: app, methods: put}}, cells: map[string]entry{
		"lambda-url": no(oneRule), "cloudfront-rhp": no(oneRule), "serverless": no(oneRule),
		"django-cors-headers": no("the settings module holds one configuration (the CORS_* settings), not a list of rules"),
		"flask-cors":          no("resources is a dict keyed by path: a repeated key keeps only its last value (Python's dict display), so no two resources are alike"),
		"starlette":           gap("", starletteStack),
		"apigw-http":          no(oneRule), "apigw-rest": no(oneRule), "ec2": no(ec2Fixed),
		"express":      no("every cors() middleware that matches runs (Express middleware order): a repeated one sets the same headers again, which lint does not model"),
		"fastify-cors": no(fastifyOnce), "rs-cors": no(goOne), "go-chi-cors": no(goOne), "gin-contrib-cors": no(goOne), "echo-cors": no(goOne),
		"koa-cors":      no("every cors() middleware runs in order (Koa's middleware stack): a repeated one sets the same headers again, which lint does not model"),
		"hono-cors":     no("every cors() whose path pattern matches runs (Hono's middleware order): a repeated one sets the same headers again, which lint does not model"),
		"nginx":         no("nginx refuses a duplicate location at load, and add_header lines are not rules lint can compare"),
		"ingress-nginx": gap(ingress([]rule{{origins: app, methods: put}, {origins: app, methods: put}}, "path: /r1", "path: /r0"), ingressOneLocation),
		"traefik":       no(traefikOne),
		"raw":           no("a capture holds replies, not rules"), "har": no("a HAR holds replies, not rules"),
	}},
	"unreachable-rule": {rules: []rule{{origins: []string{"*"}, methods: []string{"GET", "PUT"}, headers: []string{"*"}}, {origins: app, methods: put, headers: []string{"x-a"}}}, cells: map[string]entry{
		"lambda-url": no(oneRule), "cloudfront-rhp": no(oneRule), "serverless": no(oneRule),
		"django-cors-headers": no("the settings module holds one configuration (the CORS_* settings), not a list of rules"),
		"flask-cors":          gap(pyFlask(`CORS(app, resources={r"/*": {"origins": ["https://app.test"], "methods": ["PUT"]}, r".*/*/*": {"origins": ["https://app.test"], "methods": ["GET", "PUT"]}})`+"\n"), "flask-cors tries resources by its own order, more slashes then longer first (flask_cors/core.py 3.0.10, parse_resources), so r\".*/*/*\" answers every path before r\"/*\"; lint does not state regex paths (a contrived case: that order puts the narrower resource first in the usual ones)"),
		"starlette":           gap("", starletteStack),
		"apigw-http":          no(oneRule), "apigw-rest": no(oneRule), "ec2": no(ec2Fixed),
		"express":      no("every cors() middleware that matches runs (Express middleware order): no rule hides another"),
		"fastify-cors": no(fastifyOnce), "rs-cors": no(goOne), "go-chi-cors": no(goOne), "gin-contrib-cors": no(goOne), "echo-cors": no(goOne),
		"koa-cors":      no("every cors() middleware runs in order (Koa's middleware stack): no rule hides another"),
		"hono-cors":     no("every cors() whose path pattern matches runs (Hono's middleware order): no rule hides another"),
		"nginx":         no("nginx picks one location per request by its own order (ngx_http_core_module location); lint probes every location instead of comparing them"),
		"ingress-nginx": gap(ingress([]rule{{origins: []string{"*"}, methods: []string{"GET", "PUT"}}, {origins: app, methods: put, headers: []string{"x-a"}}}, "path: /r1", "path: /r0"), ingressOneLocation),
		"traefik":       no(traefikOne),
		"raw":           no("a capture holds replies, not rules"), "har": no("a HAR holds replies, not rules"),
	}},
	"suppression-invalid": {rules: []rule{{origins: app, methods: put}}, directive: "no-such-code because", cells: with(cellsFor(no(noComment), xmlFormats, []string{"raw"}), map[string]entry{
		"ec2": no(ec2Fixed),
	})},
	"suppression-unused": {rules: []rule{{origins: app, methods: put}}, directive: "null-origin reviewed in 2026", cells: with(cellsFor(no(noComment), xmlFormats, []string{"raw"}), map[string]entry{
		"ec2": no(ec2Fixed),
	})},
}

// TestEveryCodeInEveryFormat runs the matrix: every code of lint.Codes()
// against every format of the registry, each cell either a configuration
// in that format that lint finds the code in, or a stated reason the
// format cannot express the problem. A new code or a new format without
// its cells fails here.
func TestEveryCodeInEveryFormat(t *testing.T) {
	codes := map[string]bool{}
	for _, c := range lint.Codes() {
		codes[c.Code] = true
		r, ok := matrix[c.Code]
		if !ok {
			t.Errorf("%s: no row in the matrix: add one (a configuration per format, or why it cannot express it)", c.Code)
			continue
		}
		for _, f := range reg.Names() {
			cell, own := r.cells[f]
			if from, ok := inherits[f]; ok && !own && r.cells[from].text == "" {
				cell = r.cells[from]
			}
			if cell.cannot != "" {
				continue
			}
			text := cell.text
			if text == "" {
				var ok bool
				if text, ok = render(f, r.rules); !ok {
					t.Errorf("%s × %s: no cell, and the format writes no rules: give a text or a reason", c.Code, f)
					continue
				}
				if r.directive != "" {
					text = withDirective(text, r.directive)
				}
			}
			want := c.Code
			if cell.refused {
				want = "rejected"
			}
			if cell.instead != "" {
				want = cell.instead
			}
			fs, err := lint.Lint(reg, text, f)
			if err != nil {
				t.Errorf("%s × %s: input error %v\n%s", c.Code, f, err, text)
				continue
			}
			found := false
			for _, x := range fs {
				found = found || x.Code == want
			}
			if cell.gap != "" {
				if found {
					t.Errorf("%s × %s: lint finds it now: the gap is closed, make the cell a text\n%s", c.Code, f, text)
				} else {
					t.Logf("gap: %s × %s: %s", c.Code, f, cell.gap)
				}
				continue
			}
			if !found {
				t.Errorf("%s × %s: no %s in\n%s\nfindings:\n%s", c.Code, f, want, text, dump(fs))
			}
		}
	}
	known := map[string]bool{}
	for _, f := range reg.Names() {
		known[f] = true
	}
	for code, r := range matrix {
		if !codes[code] {
			t.Errorf("the matrix has a row for %q, which lint.Codes() does not list", code)
		}
		for f := range r.cells {
			if !known[f] {
				t.Errorf("%s: a cell for %q, which the registry does not hold", code, f)
			}
		}
	}
}

// withDirective writes a whycors:ignore directive into text: a member of
// its first JSON object, or a comment line (# for nginx, // for
// JavaScript) before it (suppress.go).
func withDirective(text, d string) string {
	code, reason, _ := strings.Cut(d, " ")
	switch t := strings.TrimSpace(text); {
	case strings.HasPrefix(t, "{") || strings.HasPrefix(t, "["):
		i := strings.IndexByte(text, '{')
		return text[:i+1] + `"whycors:ignore": {` + strconv.Quote(code) + `: ` + strconv.Quote(reason) + `}, ` + text[i+1:]
	case strings.HasPrefix(t, "app."), strings.HasPrefix(t, "package "), strings.HasPrefix(t, "import "), strings.HasPrefix(t, "const "):
		return "// whycors:ignore " + d + "\n" + text
	}
	return "# whycors:ignore " + d + "\n" + text
}

// pyStarlette, pyDjango and pyFlask write a module of each Python format
// around opts (CORSMiddleware's keywords), settings or a CORS(app) line.
func pyStarlette(opts string) string {
	return "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(CORSMiddleware, " + opts + ")\n"
}

func pyDjango(settings string) string {
	return "MIDDLEWARE = [\"corsheaders.middleware.CorsMiddleware\", \"django.middleware.common.CommonMiddleware\"]\n" + settings
}

func pyFlask(line string) string {
	return "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n" + line
}

// Texts the Python libraries refuse when the app starts.
var (
	// Django's system check corsheaders.E002 (corsheaders/checks.py
	// 3.14.0): CORS_ALLOW_METHODS should be a sequence of strings.
	djangoRejected = pyDjango("CORS_ALLOWED_ORIGINS = [\"https://app.test\"]\nCORS_ALLOW_METHODS = 5\n")
	// CORSMiddleware.__init__ compiles allow_origin_regex (re.compile,
	// starlette/middleware/cors.py 0.26.1): an unclosed group raises.
	starletteRejected = pyStarlette(`allow_origin_regex=r"https://(app\.test"`)
	// flask_cors/core.py 3.0.10, serialize_options: ValueError for
	// supports_credentials with send_wildcard and the origin "*".
	rackStarCreds  = "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins \"*\"\n    resource \"*\", methods: [:put], credentials: true\n  end\nend\n"
	flaskStarCreds = pyFlask(`CORS(app, origins="*", send_wildcard=True, supports_credentials=True)` + "\n")
)
