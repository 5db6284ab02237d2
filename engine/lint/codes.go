package lint

// CodeInfo describes one finding code: the most severe level it is
// reported at, what it means in a line, and the reference it rests on.
// Reports that name their rules (SARIF) read it; the package doc's table
// says the same at more length (TestCodesAreDocumented keeps the two
// together).
type CodeInfo struct {
	Code     string
	Severity Severity // the most severe level the code is reported at
	Summary  string
	Source   string
}

// Codes lists every finding code, in the package doc's order.
func Codes() []CodeInfo {
	return []CodeInfo{
		{"rejected", Error, "The platform refuses the configuration at upload.", "cloud-policies.md §1.2, §2, §4, §5.1; native doc"},
		{"options-method", Error, "OPTIONS is listed as a method: S3 and R2 refuse it, and no platform needs it.", "cloud-policies.md §1.2, §2"},
		{"wildcard-credentials", Error, `"*" origin with credentials: browsers refuse the answer.`, "server-peers.md §1.2; browser-cors.md §1.5"},
		{"reflect-any-origin", Error, "Every Origin is echoed: with credentials, any site reads your users' data.", "server-peers.md §4 item 1; cloud-policies.md §6.1, §6.3"},
		{"null-origin", Warning, `"null" is allowed: every sandboxed iframe and file: page sends it.`, "server-peers.md §1.2, §4 item 18"},
		{"suffix-trap", Error, "A pattern or regular expression also matches attackers' domains.", "server-peers.md §1.2, §4 item 2"},
		{"public-suffix-wildcard", Error, "A wildcard over a public suffix (https://*.github.io) lets anyone register a match.", "server-peers.md §1.2"},
		{"insecure-origin", Error, "An http:// origin with credentials: a network attacker can act as it.", "server-peers.md §1.2"},
		{"regex-literal", Warning, "An entry looks like a regular expression on a platform that compares strings: it never matches.", "cloud-policies.md §1.3, §3"},
		{"origin-never-matches", Warning, "An origin no browser sends (trailing slash, path, default port, uppercase, no scheme, a space or comma).", "cloud-policies.md §1.3; server-peers.md §1.2; RFC 6454 §7"},
		{"no-origins", Error, "A rule allows no origin.", "server-peers.md §1.2"},
		{"authorization-wildcard", Warning, "Authorization relies on Access-Control-Allow-Headers: *, which does not cover it.", "browser-cors.md §1.4 item 4, §1.7"},
		{"wildcard-headers-credentials", Error, `"*" request headers or methods with credentials: browsers read it as a name.`, "browser-cors.md §1.4"},
		{"wildcard-expose-credentials", Error, "Access-Control-Expose-Headers: * with credentials exposes nothing.", "server-peers.md §1.2"},
		{"invalid-name", Warning, "A method or header name that is not an HTTP token.", "server-peers.md §1.2; RFC 9110 §5.6.2"},
		{"safelisted-method", Info, "GET, HEAD or POST listed where methods do not pick a rule: never needed.", "browser-cors.md §1.1"},
		{"forbidden-method", Warning, "CONNECT, TRACE or TRACK: fetch() never sends them.", "server-peers.md §1.2"},
		{"safelisted-header", Info, "Accept, Accept-Language or Content-Language listed: the browser never asks for them.", "browser-cors.md §1.2"},
		{"forbidden-header", Warning, "A header a page cannot set (Cookie, Host, Sec-*, ...).", "server-peers.md §1.2"},
		{"response-header-requested", Warning, "A response header (Access-Control-Allow-Origin, ...) listed as a request header.", "server-peers.md §1.2"},
		{"forbidden-exposed", Warning, "Set-Cookie or a request-only header listed as exposed.", "server-peers.md §1.2"},
		{"max-age-cap", Warning, "max-age above a browser's cap (Safari 600, Chrome 7200, Firefox 86400).", "browser-cors.md §1.8; server-peers.md §1.2"},
		{"s3-vary", Info, "S3 and R2 send Vary only on a match: a CDN in front may replay an answer without CORS headers.", "cloud-policies.md §0 item 5, §1.3"},
		{"missing-always", Warning, "nginx add_header without always: the header vanishes on 4xx and 5xx replies.", "cloud-policies.md §6.1"},
		{"duplicate-rule", Warning, "A rule repeats an earlier one entry for entry: it never decides anything.", "cloud-policies.md §1.3 (first match), native doc"},
		{"unreachable-rule", Warning, "An earlier rule answers every request a rule covers, so the rule is never used.", "cloud-policies.md §1.3, §3, §4 (first match); native doc (first path)"},
		{"overlapping-paths", Warning, "A native rule's path overlaps an earlier rule's and it allows other origins: on the overlap it answers what the earlier rule refuses.", "native doc (the first rule whose path and origins match)"},
		{"suppression-invalid", Warning, "A whycors:ignore directive without a known code or a reason: it suppresses nothing.", "engine/lint suppress.go"},
		{"suppression-unused", Info, "A whycors:ignore directive that covers no finding: remove it.", "engine/lint suppress.go"},
	}
}
