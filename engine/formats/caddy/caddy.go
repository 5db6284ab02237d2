// Package caddy reads the CORS part of a Caddyfile and answers requests
// the way Caddy 2.6.2 (Debian 12's caddy) would (format name "caddy").
//
// Understood (caddyserver.com/docs/caddyfile/directives/header,
// /respond, /handle, /route, /matchers; and Caddy v2.6.2's
// modules/caddyhttp/headers, staticresp.go, matchers.go and
// caddyconfig/httpcaddyfile/directives.go, read for the exact order):
//   - site blocks by address (host and port; an address with no host
//     serves any host), an optional global options block, or one site's
//     directives alone;
//   - header [matcher] field value | +field value | -field | ?field value
//     | field regexp replacement, or a block of those with defer: add,
//     then set, then delete, then replace; immediately on the reply's
//     header, or when the reply is written if any field is deleted, with
//     defer, or with ?field (set only when absent); deferred handlers
//     apply innermost (last) first; placeholders {header.X},
//     {http.request.header.X}, {method}, {host}, {path}, {scheme};
//   - named matchers @name with method (exact case), path (lower case,
//   - at either end, path.Match otherwise), path_regexp (the cleaned
//     path), header (field value, * at either end, !field) and
//     header_regexp (Go regular expressions, as Caddy's); inline /path
//     matchers and *;
//   - Caddy's directive order: header before handle, route, respond and
//     reverse_proxy, whatever the order written; same directives by their
//     single path's length, else those with a matcher first; handle
//     blocks mutually exclusive, but two adjacent ones with equal
//     matchers (whatever their names) one route that runs both
//     (consolidateRoutes); route blocks in written order; handle_path
//     /prefix* a handle (sorted and grouped as one, as caddy adapt
//     writes it) whose routes, and those after it, see the path without
//     the prefix (strip_path_prefix, ignoring case); a path left without
//     its leading / is taken to be refused 400 by a proxied upstream;
//   - respond [matcher] [body] [status]; reverse_proxy, php_fastcgi and
//     file_server as the application: its header lines are added to
//     those the header directives already set (an upstream ACAO plus an
//     immediate header ACAO makes two lines), its status kept; no handler
//     at all answers an empty 200, without the deferred headers.
//
// WriteRules (write.go) writes a neutral policy as a site's directives,
// exactly: a handle block a rule, in order.
//
// Caddy sends header directives on every status: it has no nginx
// "always". Directives that change the request or the reply in ways not
// modelled (import, redir, rewrite, basicauth, encode, ...) are reported
// with their position rather than skipped.
package caddy

import (
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

const source = "caddyserver.com/docs/caddyfile/directives/header; Caddy v2.6.2 modules/caddyhttp/headers/headers.go"

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "caddy" policy format.
type Format struct{}

// RulesAreHeaderLines: each rule is a header line, named by its header
// (explain.HeaderLines).
func (*Format) RulesAreHeaderLines() {}

// Name returns "caddy".
func (*Format) Name() string { return "caddy" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Caddy: a Caddyfile" }

// Platform names Caddy in messages.
func (*Format) Platform() string { return "Caddy" }

// Doc is the reference the evaluation rests on.
func (*Format) Doc() string { return source }

// NoRulesWhy says why a Caddyfile cannot be converted from.
func (*Format) NoRulesWhy() string {
	return "the reader evaluates the Caddyfile's header directives but exposes no rule model to convert from; convert from the policy you generated it from, or write the rules in the native format"
}

// Detect claims text with a Caddy header directive of an
// Access-Control- field: a line "header [matcher] [+-?]Access-Control-..."
// (Apache's "Header set ..." and nginx's "add_header ...;" have a verb or
// a different name), or such a header block.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 256<<10 {
		text = text[:256<<10]
	}
	inHeader := false
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if inHeader {
			if f[0] == "}" {
				inHeader = false
				continue
			}
			if isCORSField(f[0]) && !strings.HasSuffix(line, ";") {
				return true, "a Caddyfile header block with an Access-Control- field"
			}
			continue
		}
		if f[0] != "header" {
			continue
		}
		rest := f[1:]
		if len(rest) > 0 && (rest[0] == "*" || strings.HasPrefix(rest[0], "/") || strings.HasPrefix(rest[0], "@")) {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			continue
		}
		if rest[0] == "{" {
			inHeader = true
			continue
		}
		if isCORSField(rest[0]) && !strings.HasSuffix(strings.TrimSpace(line), ";") {
			return true, "a Caddyfile header directive of an Access-Control- field"
		}
	}
	return false, ""
}

func isCORSField(f string) bool {
	f = strings.Trim(strings.TrimLeft(f, "+-?"), "\"'`")
	return strings.HasPrefix(strings.ToLower(f), "access-control-") || strings.EqualFold(f, "vary")
}

// Parse reads the Caddyfile.
func (*Format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return c, nil
}
