package explain

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/platform/apigw"
)

// quietLint are lint codes that say nothing about this fetch's risk (a
// needless list entry), left out of a verdict's warnings.
var quietLint = map[string]bool{"safelisted-method": true, "safelisted-header": true}

// trapWarnings lists the traps of the server that did not (necessarily)
// block this fetch but bite elsewhere: engine/lint's findings on the policy
// (S3's Vary only on a match, nginx add_header without always,
// Authorization under "*", max-age caps, origins allowed too widely), the
// API Gateway traps of cloud-policies.md §5, and for raw replies the cache
// and max-age traps the replies show.
func trapWarnings(s Scenario, srv *server, v *Verdict) []Warning {
	var out []Warning
	if s.Policy != nil && srv.format != "" {
		{
			for _, f := range srv.lintFindings() {
				if quietLint[f.Code] || f.Code == "options-method" && f.Severity == lint.Info {
					continue
				}
				out = append(out, Warning{Code: f.Code, Message: f.Message, Severity: string(f.Severity), Line: f.Line, Column: f.Column, Path: f.Path})
			}
		}
		switch srv.format {
		case "apigw-rest":
			if c, err := apigw.ParseREST(s.Policy.Text); err == nil && len(c.GatewayResponses) < 2 {
				out = append(out, Warning{Code: "apigw-rest-gateway-errors", Severity: "warning",
					Message: "API Gateway's own 4xx and 5xx replies (authorizer denials, throttling, a missing API key, timeouts) carry no CORS headers unless the Gateway Responses DEFAULT_4XX and DEFAULT_5XX add them, so the browser reports a CORS error instead of the real status (cloud-policies.md §5.2)."})
			}
		case "apigw-http":
			if s.Response != nil && hasACHeader(s.Response) {
				out = append(out, Warning{Code: "apigw-http-backend-ignored", Severity: "warning",
					Message: "An HTTP API with a CORS configuration answers CORS itself and ignores the Access-Control-* headers the integration sends (cloud-policies.md §5.1); change the API's CorsConfiguration, not the backend."})
			}
		}
	}
	if s.Policy == nil {
		out = append(out, replyWarnings(s, v)...)
	}
	return out
}

func hasACHeader(r *Reply) bool {
	for _, f := range r.Headers {
		if strings.HasPrefix(strings.ToLower(f.Name), "access-control-") {
			return true
		}
	}
	return false
}

// replyWarnings are the traps visible in raw replies.
func replyWarnings(s Scenario, v *Verdict) []Warning {
	var out []Warning
	// An actual reply that names one origin must say Vary: Origin, or a
	// shared cache can serve it to another origin (Fetch, "CORS protocol
	// and HTTP caches").
	if v.Reply != nil {
		acao, ok := v.Reply.Headers.Get("Access-Control-Allow-Origin")
		vary, _ := v.Reply.Headers.Get("Vary")
		if ok && acao != "*" && acao != "" && !varyHas(vary, "origin") {
			out = append(out, Warning{Code: "vary-origin", Severity: "warning",
				Message: "The reply names one origin in Access-Control-Allow-Origin without Vary: Origin, so a CDN or browser cache may replay it to another origin, which is then blocked (https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches)."})
		}
	}
	if r := v.Preflight.Reply; r != nil {
		if val, ok := r.Headers.Get("Access-Control-Max-Age"); ok {
			if n, err := strconv.Atoi(strings.TrimSpace(val)); err == nil {
				var capped []string
				for _, b := range v.Browsers {
					if b.Allowed && b.PreflightCacheSeconds < n {
						capped = append(capped, title(b.Browser)+" "+strconv.Itoa(b.PreflightCacheSeconds)+" s")
					}
				}
				if len(capped) > 0 {
					out = append(out, Warning{Code: "max-age-cap", Severity: "info",
						Message: "Access-Control-Max-Age: " + val + " is above what some browsers keep: " + strings.Join(capped, ", ") + " (browser-cors.md §1.8)."})
				}
			}
		}
	}
	return out
}

func varyHas(vary, name string) bool {
	for _, p := range strings.Split(vary, ",") {
		p = strings.TrimSpace(p)
		if p == "*" || strings.EqualFold(p, name) {
			return true
		}
	}
	return false
}
