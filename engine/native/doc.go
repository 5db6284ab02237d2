// Package native is whycors's own CORS policy: a JSON format written by
// hand, read strictly, and evaluated the same way by the simulator (as a
// policy.Evaluator, format name "native"), by the net/http middleware
// (engine/middleware) and by the edge worker.
//
// # The format
//
// A policy is a list of rules. The first rule whose path and origins match
// a request (and, when the rule says so, its method and requested
// headers) answers it; a request no rule's path covers gets no CORS
// headers at all. "Which rule answers" below says it exactly.
//
//	{
//	  "rules": [
//	    {
//	      "name": "api",
//	      "path": "/api/*",
//	      "origins": ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
//	      "methods": ["GET", "POST", "PUT", "DELETE"],
//	      "request_headers": ["Content-Type", "X-Custom"],
//	      "exposed_headers": ["X-Request-Id"],
//	      "credentials": true,
//	      "max_age": 600
//	    },
//	    {
//	      "path": "/public/*",
//	      "origins": ["*"],
//	      "unmatched_preflight": "pass"
//	    }
//	  ]
//	}
//
// A policy of one rule for every path may leave out "rules" and "path":
// {"origins": ["https://app.example.com"]}.
//
// Fields of a rule (only "origins" is required):
//
//   - name: a label (letters, digits, '-', '_', '.') for traces and the
//     middleware's debug header.
//   - path: "/api/*" covers "/api/" and everything under it (not "/api");
//     "/health" covers exactly that path; absent, or "/*", covers every
//     path. Paths compare as sent, before percent-decoding.
//   - origins: origin patterns. An exact origin as browsers serialize it
//     ("https://app.example.com", "http://localhost:8080": lowercase, no
//     trailing slash, no default port); "https://*.example.com" for every
//     subdomain at any depth but not the apex (list "https://example.com"
//     too if you want it); "http://localhost:*" for any port, or none;
//     "https://*.example.com:*" for both; "*" for every origin. No
//     regular expressions, no other wildcards. "null" is refused (every
//     sandboxed iframe and file: page sends it), and so are patterns that
//     can never match (uppercase, Unicode hosts, ":443" on https).
//   - methods: methods a preflight may ask for. GET, HEAD and POST never
//     need listing. DELETE, GET, HEAD, OPTIONS, POST and PUT are matched
//     in upper case, as fetch() normalizes them; any other method (PATCH
//     included) is matched exactly as written, because fetch() sends it as
//     the page wrote it. "*" allows any method. CONNECT, TRACE and TRACK
//     are refused: fetch() never sends them.
//   - request_headers: header names the page may send, any case; "*"
//     allows any name. Names browsers never let a page set (Cookie,
//     Sec-*, Proxy-*, ...) are refused.
//   - match: what selects the rule besides its path and origins, a list
//     of "method" and "request_headers" (below). With "method" the rule
//     covers only the methods it lists, GET, HEAD and POST included.
//   - final: true stops at this rule every request its path covers: one
//     it skips (below) is refused, and no later rule is tried. It keeps
//     a path for some origins while a later, broader rule allows others
//     elsewhere: {"path": "/admin/*", "origins": [A], "final": true},
//     then {"origins": ["*"]}; without it the second rule answers any
//     origin on /admin/ too.
//   - exposed_headers: response headers the page may read besides the
//     safelisted ones; "*" exposes all, but not with credentials.
//   - credentials: true to allow cookies and HTTP authentication. Then
//     "*" origins and "*" exposed headers are refused, and so are http://
//     origins other than loopback unless
//     "dangerously_allow_insecure_origins" is true.
//   - max_age: how long browsers may cache a successful preflight, 0 to
//     86400 seconds. Absent, no Access-Control-Max-Age is sent and
//     browsers cache for 5 seconds; Chromium caps the value at 7200.
//   - preflight_status: the status of a successful preflight, 200 to 299
//     (default 204; some old clients want 200).
//   - unmatched_preflight: "reject" (default) answers a preflight the
//     rule refuses with 403 and no CORS headers; "pass" hands it to the
//     application, for applications that answer OPTIONS themselves. A
//     preflight no rule matches gets what the rule that refuses it says
//     (below).
//
// Reading is strict: an unknown field (with a hint when it looks like
// another library's name for one of ours), a value of the wrong type and
// a value that fails validation are errors, all reported at once as a
// policy.Errors, each with its JSON path, line and column. Validation
// follows what jub0bs/cors refuses (server-peers.md §1.2).
//
// # Which rule answers
//
// Rules are tried in order. A rule is skipped, and the next one tried,
// when its path does not cover the request, when its origins do not
// allow the request's Origin (a request without Origin is allowed only by
// a rule with "*"), when its match has "method" and it does not list the
// method (a preflight's Access-Control-Request-Method, else the request's
// own), and when its match has "request_headers" and a preflight asks for
// a header it does not allow. The first rule not skipped answers: it
// allows the request, or refuses a preflight whose method or headers it
// does not allow (and does not match on) with its unmatched_preflight.
// A rule with "final" that is skipped ends the search: the rules after
// it are not tried, as if the policy ended there.
// When every rule is skipped, the first rule that allowed the origin, or
// else the first whose path covers the request, refuses it: a preflight
// gets its unmatched_preflight, an actual request no CORS headers. No rule's path covers it: no CORS
// headers and no Vary, the application answers (the edge worker removes
// the application's own CORS headers there too: the policy allows no
// origin on that path). Paths compare as the server behind decodes them
// (CanonicalPath: "/%61pi" is "/api", dot segments removed).
//
// This says every platform's choice without loss (shared/reference/
// cloud-policies.md):
//
//   - S3 and R2 take the first rule matching the origin, the method and
//     every requested header, and refuse a preflight none matches with
//     403 (§0 item 1, §1.3): "match": ["method", "request_headers"].
//   - Azure takes the first rule matching origin and method, then fails
//     the request if its headers are not allowed, with no fall-through
//     (§4, the documentation's worked example): "match": ["method"].
//   - GCS takes the first entry matching origin and method; requested
//     headers do not select (§3): "match": ["method"].
//   - The neutral form of engine/portable, and frameworks with one rule
//     per mount, take the first rule whose paths and origins match and
//     let it refuse a method or header: no "match", the default.
//
// Until issue 19 the first rule whose path matched answered, whatever
// the origin. A policy whose rules have paths that never overlap means
// what it meant; one where a later rule covers the same paths as an
// earlier one now lets that later rule answer the origins the earlier
// one does not allow, which is what such policies were written for.
//
// # What the policy answers
//
// A preflight (OPTIONS with Origin and Access-Control-Request-Method) is
// checked in the browser's order, origin, then method, then headers
// (https://fetch.spec.whatwg.org/#cors-preflight-fetch), and answered
// without the application: on success with preflight_status and
// Access-Control-Allow-Origin (the origin, or "*"),
// Access-Control-Allow-Credentials, Access-Control-Allow-Methods (the
// rule's list, or the requested method when "*"),
// Access-Control-Allow-Headers (the requested names, lowercased: "*" would
// not cover Authorization), Access-Control-Max-Age and Vary; on failure
// with 403 and no headers at all.
//
// Access-Control-Request-Headers is read as RFC 9110 reads a list: names
// in any case and order, with spaces, empty elements and several lines
// (API Gateway and syumai/workers split it), where jub0bs/cors and rs/cors
// accept only the browser's exact form (server-peers.md §1.5); it is
// bounded (8 KiB, 128 names) and checked in linear time (rs/cors#170).
//
// Any other request is an actual request: the application answers, and an
// allowed origin gets Access-Control-Allow-Origin, -Credentials and
// -Expose-Headers. A disallowed or absent origin gets no CORS header. Vary
// is appended to, never replaced: "Origin" on every response of a rule
// that does not allow every origin (allowed or not, Origin or none, so a
// cache never serves one origin's answer to another), and on every
// preflight, answered or refused, also Access-Control-Request-Method and
// -Headers, which decide the answer (and which it echoes under "*"). A
// rule with "*" sends the same headers to everyone and no Vary: Origin
// (unless it echoes the origin for credentials, or an earlier rule tried
// allows other origins, since the choice of rule then depends on the
// origin).
//
// A refused preflight carries Vary too: responses to OPTIONS are not
// cacheable by default (RFC 9110 §9.3.7), but some caches store them,
// and jub0bs/cors and rs/cors send it on every preflight
// (server-peers.md §1).
package native
