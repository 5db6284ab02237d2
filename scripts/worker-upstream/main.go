// Command worker-upstream is a small local application for running the
// edge worker in front of (scripts/worker-dev.sh, worker-load.sh): it
// echoes what it received, and sets CORS headers of its own that the
// worker must replace.
//
//	go run ./scripts/worker-upstream -addr 127.0.0.1:8788
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8788", "listen address")
	flag.Parse()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if ms, err := strconv.Atoi(r.URL.Query().Get("delay_ms")); err == nil && ms > 0 && ms <= 60000 {
			time.Sleep(time.Duration(ms) * time.Millisecond)
		}
		h := w.Header()
		// Wider than any policy should allow: the worker replaces these.
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "X-Secret")
		h.Set("Vary", "Accept-Encoding")
		h.Set("Content-Type", "text/plain; charset=utf-8")
		n, _ := io.Copy(io.Discard, io.LimitReader(r.Body, 1<<30))
		fmt.Fprintf(w, "%s %s\nbody: %d bytes\n", r.Method, r.URL.RequestURI(), n)
		for k, v := range r.Header {
			fmt.Fprintf(w, "%s: %q\n", k, v)
		}
	})
	log.Printf("worker-upstream listening on http://%s", *addr)
	log.Fatal(http.ListenAndServe(*addr, mux))
}
