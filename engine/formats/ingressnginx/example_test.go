package ingressnginx_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/ingressnginx"
	"github.com/whycors/whycors/engine/policy"
)

func Example() {
	m, err := ingressnginx.Parse(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  annotations:
    nginx.ingress.kubernetes.io/enable-cors: "true"
    nginx.ingress.kubernetes.io/cors-allow-origin: "https://app.example, https://*.app.example"
    nginx.ingress.kubernetes.io/cors-allow-credentials: "false"
spec:
  rules:
  - host: api.example
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              number: 80
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	preflight := policy.Request{Method: "OPTIONS", URL: "https://api.example/items"}
	preflight.Header.Add("Origin", "https://eu.app.example")
	preflight.Header.Add("Access-Control-Request-Method", "PUT")
	out := m.Respond(preflight, policy.Reply{Status: 404})
	fmt.Println(out.Reply.Status)
	acao, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
	methods, _ := out.Reply.Header.Get("Access-Control-Allow-Methods")
	fmt.Println(acao)
	fmt.Println(methods)
	fmt.Println(out.Text())
	// Output:
	// 204
	// https://eu.app.example
	// GET, PUT, POST, DELETE, PATCH, OPTIONS
	// location / of server api.example: an OPTIONS request with an allowed origin, answered 204 by nginx with the CORS headers (the backend never sees it)
}

func ExampleFormat_CheckText() {
	findings := (&ingressnginx.Format{}).CheckText(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  annotations:
    nginx.ingress.kubernetes.io/enable-cors: "true"
    nginx.ingress.kubernetes.io/cors-allow-origin: "https://app.example/"
`)
	for _, f := range findings {
		fmt.Printf("line %d: %s %s\n", f.Pos.Line, f.Severity, f.Code)
	}
	// Output:
	// line 7: error origin-refused
	// line 7: warning wildcard-credentials
}

func ExampleFormat_ReadRules() {
	cfg, err := (&ingressnginx.Format{}).ReadRules(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  annotations:
    nginx.ingress.kubernetes.io/enable-cors: "true"
    nginx.ingress.kubernetes.io/cors-allow-origin: "https://App.example, https://*.app.example"
    nginx.ingress.kubernetes.io/cors-allow-methods: "PUT"
spec:
  rules:
  - http:
      paths:
      - path: /v1
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              number: 80
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := cfg.Rules[0]
	for _, o := range r.Origins {
		fmt.Printf("origin %s at line %d\n", o.Text, o.Pos.Line)
	}
	fmt.Println(r.Methods[0].Text, len(r.AllowHeaders), "default headers, credentials", r.Credentials, "max-age", *r.MaxAge, "paths", r.Paths)
	fmt.Println(cfg.Semantics.Origins)
	// Output:
	// origin https://App.example at line 7
	// origin https://*.app.example at line 7
	// PUT 9 default headers, credentials true max-age 1728000 paths [/v1]
	// label
}
