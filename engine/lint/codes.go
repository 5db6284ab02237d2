package lint

import "github.com/whycors/whycors/engine/policy"

// CodeInfo describes one finding code: the most severe level it is
// reported at, what it means in a line, and the public references it
// rests on (a standard's section, a page by host and path, a peer's
// documentation, or a package of this repository), which a user of the
// SARIF report can open. The project's notes behind them are cited in
// the checks' comments (rules.go, probe.go), not here: a user has no copy.
// Reports that name their rules (SARIF) read it; the package doc's table
// says the same at more length (TestCodesAreDocumented keeps the two
// together).
type CodeInfo struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"` // the most severe level the code is reported at
	Summary  string   `json:"summary"`
	Source   string   `json:"source"`
}

// CodesOf is Codes and then each format's own codes (Coder) in reg's
// order, each code once: a format's entry for a code lint already
// lists gives way to lint's, and of two formats' entries for one code
// the first is kept, at the more severe of their levels.
func CodesOf(reg *policy.Registry) []CodeInfo {
	out := Codes()
	at := make(map[string]int, len(out))
	for i, c := range out {
		at[c.Code] = i
	}
	generic := len(out)
	for _, n := range reg.Names() {
		f, _ := reg.Lookup(n)
		for _, c := range formatCodes(f) {
			i, seen := at[c.Code]
			switch {
			case !seen:
				at[c.Code] = len(out)
				out = append(out, c)
			case i >= generic && c.Severity.Rank() > out[i].Severity.Rank():
				out[i].Severity = c.Severity
			}
		}
	}
	return out
}

// CodeFormats maps each code a format's own checks report (Coder) to
// the formats of reg that report it, in reg's order: what `whycors lint
// --codes` labels a code with, so that "misspelled" reads as
// ingress-nginx's.
func CodeFormats(reg *policy.Registry) map[string][]string {
	out := map[string][]string{}
	for _, n := range reg.Names() {
		f, _ := reg.Lookup(n)
		for _, c := range formatCodes(f) {
			out[c.Code] = append(out[c.Code], n)
		}
	}
	return out
}

// formatCodes are f's own codes (Coder), as CodeInfo.
func formatCodes(f policy.Format) []CodeInfo {
	c, ok := f.(Coder)
	if !ok {
		return nil
	}
	codes := c.LintCodes()
	out := make([]CodeInfo, len(codes))
	for i, x := range codes {
		out[i] = CodeInfo{Code: x.Code, Severity: Severity(x.Severity), Summary: x.Summary, Source: x.Source}
	}
	return out
}

// known are the codes a whycors:ignore directive in a text of format f
// may name: lint's and f's own.
func known(f policy.Format) map[string]bool {
	out := map[string]bool{}
	for _, c := range Codes() {
		out[c.Code] = true
	}
	for _, c := range formatCodes(f) {
		out[c.Code] = true
	}
	return out
}

// Codes lists every finding code, in the package doc's order.
func Codes() []CodeInfo {
	return []CodeInfo{
		{"rejected", Error, "The platform refuses the configuration at upload.", "each platform's validation at upload: S3 docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html, R2 developers.cloudflare.com/r2/buckets/cors/, Azure and API Gateway's CORS references; engine/native for native policies"}, // notes: cloud-policies.md §1.2, §2, §4, §5.1; native doc
		{"options-method", Error, "OPTIONS is listed as a method: S3 and R2 refuse it, and no platform needs it.", "S3 docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html (\"Found unsupported HTTP method in CORS config\"); R2 developers.cloudflare.com/r2/buckets/cors/"},                              // notes: cloud-policies.md §1.2, §2 (workerd#4280)
		{"wildcard-credentials", Error, `"*" origin with credentials: browsers refuse the answer.`, "fetch.spec.whatwg.org/#concept-cors-check; jub0bs/cors Config (pkg.go.dev/github.com/jub0bs/cors#Config)"},                                                                                                        // notes: server-peers.md §1.2 "wildcard"; browser-cors.md §1.5
		{"reflect-any-origin", Error, "Every Origin is echoed: with credentials, any site reads your users' data.", "portswigger.net/web-security/cors; rs/cors#55"},                                                                                                                                                   // notes: server-peers.md §4 item 1; cloud-policies.md §6.1, §6.3
		{"null-origin", Warning, `"null" is allowed: every sandboxed iframe and file: page sends it.`, "portswigger.net/web-security/cors; jub0bs/cors Config (pkg.go.dev/github.com/jub0bs/cors#Config)"},                                                                                                             // notes: server-peers.md §1.2 "prohibited", §4 item 18
		{"suffix-trap", Error, "A pattern or regular expression also matches attackers' domains.", "portswigger.net/web-security/cors; jub0bs/cors Config (pkg.go.dev/github.com/jub0bs/cors#Config); rs/cors#197"},                                                                                                    // notes: server-peers.md §1.2 "invalid" (https://*example.com), §4 item 2
		{"public-suffix-wildcard", Error, "A wildcard over a public suffix (https://*.github.io) lets anyone register a match.", "jub0bs/cors Config (pkg.go.dev/github.com/jub0bs/cors#Config); publicsuffix.org"},                                                                                                    // notes: server-peers.md §1.2 "psl"
		{"insecure-origin", Error, "An http:// origin with credentials: a network attacker can act as it.", "jub0bs/cors Config (pkg.go.dev/github.com/jub0bs/cors#Config); w3c.github.io/webappsec-secure-contexts/"},                                                                                                 // notes: server-peers.md §1.2 "insecure"
		{"regex-literal", Warning, "An entry looks like a regular expression on a platform that compares strings: it never matches.", "docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html; cloud.google.com/storage/docs/cross-origin; expressjs/cors lib/index.js"},                                              // notes: cloud-policies.md §1.3 (origins are opaque strings), §3
		{"origin-never-matches", Warning, "An origin no browser sends (trailing slash, path, default port, uppercase, no scheme, a space or comma).", "RFC 6454 §7; fetch.spec.whatwg.org/#concept-cors-check; jub0bs/cors Config (pkg.go.dev/github.com/jub0bs/cors#Config)"},                                         // notes: cloud-policies.md §1.3 (options_fails_partial_origin); server-peers.md §1.2 "prohibited"; RFC 6454 §7
		{"no-origins", Error, "A rule allows no origin.", "jub0bs/cors Config (pkg.go.dev/github.com/jub0bs/cors#Config)"},                                                                                                                                                                                             // notes: server-peers.md §1.2 "missing"
		{"authorization-wildcard", Warning, "Authorization relies on Access-Control-Allow-Headers: *, which does not cover it.", "fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name; fetch.spec.whatwg.org/#cors-preflight-fetch-0"},                                                                        // notes: browser-cors.md §1.4 item 4, §1.7 table
		{"wildcard-headers-credentials", Error, `"*" request headers or methods with credentials: browsers read it as a name.`, "fetch.spec.whatwg.org/#cors-preflight-fetch-0"},                                                                                                                                       // notes: browser-cors.md §1.4 (wildcard only without credentials)
		{"wildcard-expose-credentials", Error, "Access-Control-Expose-Headers: * with credentials exposes nothing.", "fetch.spec.whatwg.org/#http-access-control-expose-headers; jub0bs/cors Config (pkg.go.dev/github.com/jub0bs/cors#Config)"},                                                                       // notes: server-peers.md §1.2 (IncompatibleWildcardResponseHeaderName)
		{"invalid-name", Warning, "A method or header name that is not an HTTP token.", "RFC 9110 §5.6.2; jub0bs/cors Config (pkg.go.dev/github.com/jub0bs/cors#Config)"},                                                                                                                                              // notes: server-peers.md §1.2 "invalid"; RFC 9110 §5.6.2
		{"safelisted-method", Info, "GET, HEAD or POST listed where methods do not pick a rule: never needed.", "fetch.spec.whatwg.org/#cors-safelisted-method"},                                                                                                                                                       // notes: browser-cors.md §1.1 (CORS-safelisted method)
		{"forbidden-method", Warning, "CONNECT, TRACE or TRACK: fetch() never sends them.", "fetch.spec.whatwg.org/#forbidden-method; jub0bs/cors Config (pkg.go.dev/github.com/jub0bs/cors#Config)"},                                                                                                                  // notes: server-peers.md §1.2 "forbidden"
		{"safelisted-header", Info, "Accept, Accept-Language or Content-Language listed: the browser never asks for them.", "fetch.spec.whatwg.org/#cors-safelisted-request-header"},                                                                                                                                   // notes: browser-cors.md §1.2
		{"forbidden-header", Warning, "A header a page cannot set (Cookie, Host, Sec-*, ...).", "fetch.spec.whatwg.org/#forbidden-request-header; jub0bs/cors Config (pkg.go.dev/github.com/jub0bs/cors#Config)"},                                                                                                      // notes: server-peers.md §1.2 (forbidden request-header name)
		{"response-header-requested", Warning, "A response header (Access-Control-Allow-Origin, ...) listed as a request header.", "jub0bs/cors Config (pkg.go.dev/github.com/jub0bs/cors#Config)"},                                                                                                                    // notes: server-peers.md §1.2 (prohibited request-header name)
		{"forbidden-exposed", Warning, "Set-Cookie or a request-only header listed as exposed.", "fetch.spec.whatwg.org/#forbidden-response-header-name; jub0bs/cors Config (pkg.go.dev/github.com/jub0bs/cors#Config)"},                                                                                               // notes: server-peers.md §1.2 (forbidden/prohibited response-header)
		{"max-age-cap", Warning, "max-age above a browser's cap (Safari 600, Chrome 7200, Firefox 86400).", "developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Access-Control-Max-Age; jub0bs/cors Config (pkg.go.dev/github.com/jub0bs/cors#Config)"},                                                       // notes: browser-cors.md §1.8 table; server-peers.md §1.2
		{"s3-vary", Info, "S3 and R2 send Vary only on a match: a CDN in front may replay an answer without CORS headers.", "docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html; recorded against S3 (LocalStack's AWS snapshots)"},                                                                               // notes: cloud-policies.md §0 item 5, §1.3
		{"missing-always", Warning, "nginx add_header without always: the header vanishes on 4xx and 5xx replies.", "nginx.org/en/docs/http/ngx_http_headers_module.html#add_header"},                                                                                                                                  // notes: cloud-policies.md §6.1
		{"duplicate-rule", Warning, "A rule repeats an earlier one entry for entry: it never decides anything.", "docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html (the first matching rule answers); engine/native"},                                                                                           // notes: cloud-policies.md §1.3 (first match); native doc
		{"unreachable-rule", Warning, "An earlier rule answers every request a rule covers, so the rule is never used.", "docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html, cloud.google.com/storage/docs/cross-origin, Azure's CORS reference (the first matching rule answers); engine/native"},               // notes: cloud-policies.md §1.3, §3, §4; native doc
		{"overlapping-paths", Warning, "A native rule's path overlaps an earlier rule's and it allows other origins: on the overlap it answers what the earlier rule refuses.", "engine/native (the first rule whose path and origins match answers)"},                                                                 // notes: native doc (first rule whose path and origins match)
		{"suppression-invalid", Warning, "A whycors:ignore directive without a known code or a reason: it suppresses nothing.", "engine/lint suppress.go"},                                                                                                                                                             // notes: suppress.go
		{"suppression-unused", Info, "A whycors:ignore directive that covers no finding: remove it.", "engine/lint suppress.go"},                                                                                                                                                                                       // notes: suppress.go
	}
}
