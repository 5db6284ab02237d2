package ingressnginx

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the codes of the manifest's traps
// (CheckText) and of the exchange's (Traps), so that `whycors lint
// --codes`, the SARIF report and whycors:ignore know them.
func (*Format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are CheckText's codes in the order it checks an Ingress,
// then Traps', each at the most severe level it is reported at.
func lintCodes() []portable.Code {
	const (
		annotations = "kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#enable-cors"
		validation  = "kubernetes/ingress-nginx controller-v1.15.1 internal/ingress/annotations/cors/main.go"
		tmpl        = "kubernetes/ingress-nginx controller-v1.15.1 rootfs/etc/nginx/template/nginx.tmpl"
	)
	return []portable.Code{
		{Code: "misspelled", Severity: "warning",
			Summary: "An annotation the controller ignores that looks like one of its cors annotations (a typo, or another controller's prefix): it does nothing.",
			Source:  annotations},
		{Code: "snippet", Severity: "warning",
			Summary: "A -snippet annotation: the controller's admission webhook refuses it by default, and its nginx text is not evaluated here.",
			Source:  "kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#allow-snippet-annotations; kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#annotations-risk-level"},
		{Code: "cors-disabled", Severity: "error",
			Summary: "cors-* annotations without enable-cors \"true\": the controller writes no CORS block and ignores them all.",
			Source:  annotations},
		{Code: "origin-refused", Severity: "error",
			Summary: "cors-allow-origin fails the controller's validation (a path or trailing slash, an upper-case scheme, a line break): it logs a warning and allows every origin.",
			Source:  validation},
		{Code: "origin-dropped", Severity: "warning",
			Summary: "An origin in cors-allow-origin that is not scheme://host (no scheme, or origins separated by spaces): the controller drops it from the list.",
			Source:  validation},
		{Code: "value-refused", Severity: "warning",
			Summary: "A cors-* value the controller's validation refuses: it uses its default in its place.",
			Source:  validation + "; " + annotations},
		{Code: "wildcard-credentials", Severity: "error",
			Summary: "The allowed origin is \"*\" with cors-allow-credentials true (its default): browsers refuse the credentialed answer.",
			Source:  annotations + "; fetch.spec.whatwg.org/#concept-cors-check"},
		{Code: "wildcard-one-label", Severity: "info",
			Summary: "*.host in cors-allow-origin matches one label only, not the domain itself nor deeper names.",
			Source:  "kubernetes/ingress-nginx controller-v1.15.1 internal/ingress/controller/template/template.go (buildCorsOriginRegex)"},
		{Code: "no-vary", Severity: "info",
			Summary: "The controller echoes an allowed origin without Vary: Origin: a cache in front may serve one origin's reply to another.",
			Source:  tmpl + "; fetch.spec.whatwg.org/#cors-protocol-and-http-caches"},
		{Code: "backend-cors", Severity: "warning",
			Summary: "The backend sends its own Access-Control-Allow-Origin: the controller replaces it on the requests the Ingress allows and passes it on the others, so two places answer CORS.",
			Source:  tmpl + " (more_set_headers); checked against Debian's nginx with headers-more (e2e/ingress)"},
	}
}
