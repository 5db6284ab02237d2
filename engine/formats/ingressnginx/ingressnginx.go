// Package ingressnginx reads the CORS annotations of Kubernetes Ingress
// manifests for the ingress-nginx controller and answers requests the
// way the nginx configuration it generates would (format name
// "ingress-nginx").
//
// Read from the controller's source at controller-v1.15.1 (commit
// dbb11b92ddb7): internal/ingress/annotations/cors/main.go and
// annotations/parser (the annotations, their validation and defaults),
// internal/ingress/controller/template/template.go (buildCorsOriginRegex)
// and rootfs/etc/nginx/template/nginx.tmpl (the CORS block), and
// controller.go and location.go (servers and locations). Understood:
//   - YAML with one or more documents (---), each an Ingress
//     (networking.k8s.io/v1), a List of items, or another kind (skipped);
//     or the annotations alone, as an Ingress serving every host and
//     path; annotation values must be strings, as the API server demands;
//   - nginx.ingress.kubernetes.io/enable-cors, cors-allow-origin (a comma
//     list of scheme://host[:port], *.host wildcards of one label, null,
//     or *), cors-allow-methods, -headers, -credentials,
//     -expose-headers, -max-age, each validated as the controller does:
//     a value its validation refuses is replaced by the default (origin
//     *, credentials true, its method and header lists, max age 1728000),
//     an origin that is not scheme://host is dropped from the list;
//   - the generated block: the origin tested with a case-insensitive
//     regex anchored at the end (or $http_origin set to * and every
//     request treated as allowed); an allowed OPTIONS answered 204 by
//     nginx; on every other allowed request the backend's reply, at any
//     status, with each CORS header replaced by more_set_headers; no Vary
//     added (the backend's passes through);
//   - servers by host (exact, then *.domain, then the default server for
//     rules without a host and unknown hosts) and locations by path as
//     the controller writes them (Prefix /p as /p/ and = /p, Exact,
//     ImplementationSpecific as a plain prefix; use-regex, or a
//     rewrite-target other than the path, make every location of the
//     host a ~* "^path" regex, tried longest first); the host's / falls to the default backend (404) with the
//     annotations of the first Ingress naming the host; the order of
//     Ingresses is the text's (the controller's is creation time).
//
// A portable policy converts into Ingress manifests (WriteRules: one
// host-less Ingress a rule, its paths as Prefix paths); manifests convert
// into other formats through the neutral model (ReadRules: one rule an
// Ingress with CORS, its values as the controller takes them, notes for
// what the portable form cannot hold: hosts, Exact and regex paths,
// overlapping locations, one-label wildcards), so lint's checks of rules
// apply to them.
//
// Not modelled: a changed --annotations-prefix, the global ConfigMap
// (annotations-risk-level below Medium would refuse the Ingress;
// allow-snippet-annotations), TLS redirects, canary Ingresses, auth
// annotations, and the nginx text of -snippet annotations (lint names
// them).
package ingressnginx

import (
	"regexp"

	"github.com/whycors/whycors/engine/policy"
)

const source = "kubernetes/ingress-nginx controller-v1.15.1: internal/ingress/annotations/cors/main.go, rootfs/etc/nginx/template/nginx.tmpl (CORS); kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#enable-cors"

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "ingress-nginx" policy format.
type Format struct{}

// Name returns "ingress-nginx".
func (*Format) Name() string { return "ingress-nginx" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Kubernetes Ingress: ingress-nginx annotations" }

// Platform names the controller in messages.
func (*Format) Platform() string { return "ingress-nginx" }

// Doc is the reference the evaluation rests on.
func (*Format) Doc() string { return source }

// FileName is the name a fix's diff gives the text.
func (*Format) FileName() string { return "ingress.yaml" }

var (
	kindIngress = regexp.MustCompile(`(?m)^\s*(-\s+)?kind:\s*["']?Ingress["']?\s*(#.*)?$|"kind"\s*:\s*"Ingress"`)
	anyKind     = regexp.MustCompile(`(?m)^\s*(-\s+)?kind:|"kind"\s*:`)
	annotation  = regexp.MustCompile(`nginx\.ingress\.kubernetes\.io/[a-z-]+`)
	corsKey     = regexp.MustCompile(`(?m)^\s*["']?nginx\.ingress\.kubernetes\.io/(enable-cors|cors-[a-z-]+)["']?\s*:`)
)

// Detect claims a Kubernetes manifest with an Ingress (kind: Ingress)
// and an nginx.ingress.kubernetes.io/ annotation, or, in a text with no
// kind at all, the controller's cors annotations alone.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 256<<10 {
		text = text[:256<<10]
	}
	if kindIngress.MatchString(text) && annotation.MatchString(text) {
		return true, "a Kubernetes Ingress with nginx.ingress.kubernetes.io/ annotations (ingress-nginx)"
	}
	if !anyKind.MatchString(text) && corsKey.MatchString(text) {
		return true, "nginx.ingress.kubernetes.io/ cors annotations (ingress-nginx)"
	}
	return false, ""
}

// Parse reads the manifest.
func (*Format) Parse(text string) (policy.Evaluator, error) {
	m, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return m, nil
}
