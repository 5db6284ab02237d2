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
