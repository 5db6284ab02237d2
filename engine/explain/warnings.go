package explain

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
)

// replyWarnings appends to out the traps visible in raw replies.
func replyWarnings(out []Warning, s Scenario, v *Verdict) []Warning {
	// An actual reply that names one origin must say Vary: Origin, or a
	// shared cache can serve it to another origin (Fetch, "CORS protocol
	// and HTTP caches").
	if v.Reply != nil {
		acao, ok := v.Reply.Header.Get("Access-Control-Allow-Origin")
		vary, _ := v.Reply.Header.Get("Vary")
		if ok && acao != "*" && acao != "" && !headers.VaryHas(vary, "origin") {
			out = append(out, Warning{Code: "vary-origin", Severity: "warning",
				Message: "The reply names one origin in Access-Control-Allow-Origin without Vary: Origin, so a CDN or browser cache may replay it to another origin, which is then blocked (https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches)."})
		}
	}
	if r := v.Preflight.Reply; r != nil {
		if val, ok := r.Header.Get("Access-Control-Max-Age"); ok {
			if n, err := strconv.Atoi(strings.TrimSpace(val)); err == nil {
				var capped []string
				for _, b := range v.Browsers {
					if b.Allowed && b.PreflightCacheSeconds < n {
						capped = append(capped, title(b.Browser)+" "+strconv.Itoa(b.PreflightCacheSeconds)+" s")
					}
				}
				if len(capped) > 0 {
					out = append(out, Warning{Code: "max-age-cap", Severity: "info",
						Message: "Access-Control-Max-Age: " + val + " is above what some browsers keep: " + strings.Join(capped, ", ") + "."})
				}
			}
		}
	}
	return out
}
