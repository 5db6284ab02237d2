package middleware_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/whycors/whycors/engine/middleware"
	"github.com/whycors/whycors/engine/native"
)

func Example() {
	p, err := native.Parse(`{"path": "/api/*", "origins": ["https://app.example.com"], "methods": ["PUT"], "credentials": true}`)
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "item") })
	// Wrap the whole mux, so that OPTIONS requests reach the middleware.
	h := middleware.New(p).Wrap(mux)

	r := httptest.NewRequest("OPTIONS", "/api/items/1", nil)
	r.Header.Set("Origin", "https://app.example.com")
	r.Header.Set("Access-Control-Request-Method", "PUT")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Header().Get("Access-Control-Allow-Origin"), w.Header().Get("Access-Control-Allow-Methods"))
	// Output:
	// 204 https://app.example.com PUT
}

// An edge worker answers preflights itself and applies the policy to the
// upstream's responses, replacing whatever CORS headers the upstream sent.
func ExampleMiddleware_ApplyActual() {
	p, _ := native.Parse(`{"origins": ["https://app.example.com"]}`)
	m := middleware.New(p)

	r := httptest.NewRequest("GET", "/items/1", nil)
	r.Header.Set("Origin", "https://evil.example")
	if m.ServePreflight(httptest.NewRecorder(), r) {
		return
	}
	upstream := http.Header{"Access-Control-Allow-Origin": {"*"}, "Vary": {"Accept-Encoding"}}
	m.ApplyActual(r, upstream)
	fmt.Println(upstream)
	// Output:
	// map[Vary:[Accept-Encoding Origin]]
}

// A handler written for an older CORS setup still sets
// Access-Control-Allow-Origin itself. Under Enforce the policy's answer
// reaches the browser, not the handler's.
func ExampleMiddleware_Enforce() {
	p, _ := native.Parse(`{"origins": ["https://app.example.com"]}`)
	legacy := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		fmt.Fprintln(w, "item")
	})
	h := middleware.New(p).Enforce(true).Wrap(legacy)

	for _, origin := range []string{"https://evil.example", "https://app.example.com"} {
		r := httptest.NewRequest("GET", "/items/1", nil)
		r.Header.Set("Origin", origin)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Printf("%s: %q\n", origin, w.Header().Get("Access-Control-Allow-Origin"))
	}
	// Output:
	// https://evil.example: ""
	// https://app.example.com: "https://app.example.com"
}
