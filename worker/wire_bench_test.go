//go:build !(js && wasm)

package main

import "testing"

// BenchmarkDecideWire is the hot path's Go side for scripts/worker-bench.sh's
// preflight, as the exported call runs it (the answer appended to a reused
// buffer): 5.8 µs and 12 allocations before the header list and the
// answer were sized once, 1.1-2.6 µs and 3 after (amd64, loaded machine);
// in wasm under Node 20, 11.6-12.7 against 6.3-6.9 µs of CPU per call.
func BenchmarkDecideWire(b *testing.B) {
	cfg, errs := LoadConfig(envOf(map[string]string{envPolicy: `{"rules": [{"name": "api", "path": "/api/*", "origins": ["https://app.example.com"], "methods": ["GET", "POST", "PUT", "DELETE"], "request_headers": ["X-Custom"], "credentials": true, "max_age": 600}]}`, envUpstream: "http://127.0.0.1:8802"}))
	if errs != nil {
		b.Fatal(errs)
	}
	s := NewServer(cfg, nil, false)
	in := []byte("OPTIONS\n/api/items\nO\thttps://app.example.com\nM\tPUT\nH\tx-custom")
	var out []byte
	b.ReportAllocs()
	for b.Loop() {
		out = s.AppendDecideWire(out[:0], string(in))
	}
	if string(out[:4]) != "R204" {
		b.Fatalf("answer %q", out)
	}
}
