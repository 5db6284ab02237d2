// Package traefikmw holds the differential test of the traefik format
// (engine/formats/traefik) against Traefik's own headers middleware,
// github.com/traefik/traefik/v3 v3.6.12 pkg/middlewares/headers, run in
// process with net/http/httptest. It is a module of its own so that the
// main module does not depend on Traefik; its first compile takes
// minutes (Traefik's dependency tree), later runs about a second.
package traefikmw
