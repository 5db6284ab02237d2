// Package traefikmw holds the differential tests of the traefik format
// (engine/formats/traefik) against Traefik's own code,
// github.com/traefik/traefik/v3 v3.6.12 (the newest v3 release whose
// pkg/middlewares/headers builds as a dependency: v3.7.x import
// github.com/traefik/traefik/dynamic/ext, which only a local replace in
// Traefik's own go.mod provides), run in process with net/http/httptest:
//   - TestDifferential: 320 seeded configurations in YAML and TOML (read
//     by traefik/paerser as the file provider reads them), Kubernetes
//     Middleware form and Docker labels (pkg/config/label), six requests
//     each; every reply compared header for header with the evaluator's;
//   - TestCorners: the documented corners;
//   - TestRefusals, TestRefusalsTOML: the reader refuses what Traefik
//     refuses and reads what it reads;
//   - TestEdits: the format's fixes are read by Traefik and answered alike;
//   - TestWriter: written policies, run by the real middleware, allow
//     what the portable rule allows.
//
// It is a module of its own so that the main module does not depend on
// Traefik. Its first compile takes minutes (Traefik's dependency tree:
// 4.5 to 7.5 minutes here on 2 loaded cores); a run after it about a
// second.
package traefikmw
