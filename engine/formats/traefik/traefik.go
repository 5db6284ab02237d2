// Package traefik reads the CORS part of Traefik's headers middleware
// and answers requests the way Traefik v3.6.12 does (format name
// "traefik").
//
// Read from the dynamic configuration of the file provider, in YAML or
// TOML (http.middlewares.NAME.headers; field names matched without
// regard to case and unknown ones refused, as traefik/paerser does; a
// list may also be one comma-separated string, each value trimmed), from
// Kubernetes Middleware resources (apiVersion traefik.io/v1alpha1 or
// traefik.containo.us/v1alpha1, spec.headers, exact field names; YAML
// documents or JSON), or from Docker labels
// (traefik.http.middlewares.NAME.headers.FIELD=VALUE, as a
// docker-compose file or label lines hold them); a headers block pasted
// alone is read as the file provider reads it. Fields:
// accessControlAllowOriginList, accessControlAllowOriginListRegex,
// accessControlAllowMethods, accessControlAllowHeaders,
// accessControlAllowCredentials, accessControlExposeHeaders,
// accessControlMaxAge, addVaryHeader and customResponseHeaders; the
// security fields are accepted and left alone (those that change the
// status are noted). Every fault is positioned.
//
// Several headers middlewares: policy.Source.Resource names the one that
// answers; without it the one with CORS fields (or Access-Control-
// headers set by hand) answers, and several such are refused with the
// candidates listed.
//
// Respond follows pkg/middlewares/headers/header.go of Traefik v3.6.12
// (see Config.Respond). The format reads and writes one rule
// (convert.Reader, Stater, Writer), edits the user's own text
// (fix.Editor, SourceEditor, EditChooser) and lists the traps its rules
// do not show (CheckText). e2e/traefikmw checks the reader, the replies,
// the edits and the writer against Traefik's own code.
package traefik

import (
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

const source = "doc.traefik.io/traefik/middlewares/http/headers/; Traefik v3.6.12 pkg/middlewares/headers/header.go"

// Name is the format's name.
const Name = "traefik"

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "traefik" policy format.
type Format struct{}

// RulesAreHeaderLines: each rule is a header line, named by its header
// (explain.HeaderLines).
func (*Format) RulesAreHeaderLines() {}

// Name returns "traefik".
func (*Format) Name() string { return Name }

// Title implements policy.Titled.
func (*Format) Title() string { return "Traefik: headers middleware" }

// Platform names Traefik in messages.
func (*Format) Platform() string { return "Traefik" }

// Doc is the reference the evaluation rests on.
func (*Format) Doc() string { return source }

// Detect claims a text naming a headers middleware's CORS field
// (accessControlAllow..., accessControlExposeHeaders,
// accessControlMaxAge, addVaryHeader) as a YAML or TOML key or in a
// Docker label (traefik.http.middlewares.NAME.headers.FIELD=), or a
// Traefik Middleware resource with customResponseHeaders.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 256<<10 {
		text = text[:256<<10]
	}
	if isLabels(text) {
		l := strings.ToLower(text)
		if strings.Contains(l, ".headers.accesscontrol") || strings.Contains(l, ".headers.addvaryheader") || strings.Contains(l, "customresponseheaders.access-control-") {
			return true, "Traefik headers middleware labels (traefik.http.middlewares.NAME.headers.accessControl...)"
		}
		return false, ""
	}
	keys := []string{"accessControlAllow", "accessControlExposeHeaders", "accessControlMaxAge", "addVaryHeader"}
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimLeft(line, " \t-{,")
		t = strings.TrimPrefix(strings.TrimLeft(t, "\"'"), "headers.")
		for _, k := range keys {
			if !strings.HasPrefix(t, k) {
				continue
			}
			rest := strings.TrimLeftFunc(t[len(k):], func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' })
			rest = strings.TrimLeft(strings.TrimLeft(rest, "\"'"), " \t")
			if strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "=") {
				return true, "a Traefik headers middleware field (" + k + "...)"
			}
		}
	}
	if strings.Contains(text, "kind: Middleware") && strings.Contains(text, "apiVersion: traefik.") && strings.Contains(text, "customResponseHeaders") {
		return true, "a Traefik Middleware resource with customResponseHeaders"
	}
	if strings.Contains(text, "middlewares") && strings.Contains(text, "customResponseHeaders") && strings.Contains(strings.ToLower(text), "access-control-") {
		return true, "a Traefik headers middleware setting Access-Control- headers"
	}
	return false, ""
}

// Parse reads the configuration; several headers middlewares must be
// told apart with ParseSource's Resource.
func (f *Format) Parse(text string) (policy.Evaluator, error) {
	return f.ParseSource(policy.Source{Text: text})
}

// ParseSource reads src's text and chooses the middleware src.Resource names.
func (*Format) ParseSource(src policy.Source) (policy.Evaluator, error) {
	c, err := Read(src)
	if err != nil {
		return nil, err
	}
	return c, nil
}

var _ policy.SourceParser = (*Format)(nil)
