// Package fetch models what a browser does with one cross-origin fetch():
// the Request constructor (method normalization, forbidden methods and
// headers, the body's Content-Type), the main fetch decision (same-origin,
// no-cors, same-origin mode, preflight or not), the CORS-preflight request
// and its checks, the CORS check on every response including redirects,
// and which response headers the page can read. It follows the Fetch
// Living Standard (https://fetch.spec.whatwg.org/) and each engine's
// departures from it, kept as data in a Profile (chrome, firefox, safari,
// spec).
//
// The package knows nothing about where replies come from: a Server
// answers each request the browser sends. That keeps it usable by the
// explainer (scenarios with raw replies or a policy), by a live probe and
// by a differential harness that compares it with a real browser.
//
// # Reasons
//
// A Failure's Reason is a DevTools Network.CorsError name when Chromium has
// one for the condition (MissingAllowOriginHeader, AllowOriginMismatch,
// PreflightInvalidStatus, HeaderDisallowedByPreflightResponse, ...; see
// reference browser-cors.md §2.1), so every profile reports a block in the
// same vocabulary; the console text is each browser's own. Conditions
// outside that enum use these names of ours:
//
//   - InvalidMethod: the method is not an HTTP token; fetch() throws a TypeError.
//   - ForbiddenMethod: CONNECT, TRACE or TRACK; fetch() throws a TypeError.
//   - NoCorsMethod: mode "no-cors" with a method other than GET, HEAD, POST; TypeError.
//   - URLCredentials: the URL has a username or password; TypeError.
//   - ModeNavigate: mode "navigate"; TypeError.
//   - BodyWithGetHead: a body with GET or HEAD; TypeError.
//   - StreamNoCors: a ReadableStream body in mode "no-cors"; TypeError.
//   - InvalidHeaderName, InvalidHeaderValue: a header that is not valid HTTP; TypeError.
//   - RedirectModeError: redirect "error" and the server redirected; network error.
//   - InvalidRedirectLocation: a Location that does not parse; network error.
//   - RedirectSchemeNotHTTP: a redirect to a non-HTTP(S) URL; network error.
//   - TooManyRedirects: more than 20 redirects; network error.
//   - NetworkError: the server closed the connection without a response
//     to the actual request (a reply with status 0).
//   - StreamUploadNeedsHTTP2: Chromium sends a ReadableStream body only over
//     HTTP/2 or QUIC, so over http: it fails after the preflight
//     (net::ERR_ALPN_NEGOTIATION_FAILED, e2e/chromium recording req-stream-cors).
//
// A preflight answered with no response at all (status 0) is
// InvalidResponse, DevTools' name for a preflight that failed with a
// network error.
//
// DisallowedByMode (mode "same-origin" to another origin),
// NoCorsRedirectModeNotFollow and CorsDisabledScheme are DevTools names.
//
// # Agreement with real browsers
//
// The chrome profile reproduces every recorded exchange of
// e2e/chromium/testdata/observed-chromium.json (Chromium 156, 434
// exchanges) in allowed, status, type, readable headers, console lines,
// exception, preflight sent and actual sent; the firefox profile does the
// same for e2e/firefox/testdata/observed-firefox.json (Firefox ESR 153),
// except the Authorization-under-`*` warning, which Firefox prints but
// WebDriver BiDi does not deliver (reference browser-cors.md, last
// paragraph). Reasons differ only where the browser reports no
// Network.CorsError and we name the failure ourselves (list above).
//
// # Limits of the model
//
// One fetch, no preflight cache carried between fetches, no cookies, no
// Local Network Access, no service workers. Safari's console text is
// WebKitGTK's as e2e/webkit records it (WebCore's strings, which Safari
// shares); the network layer's own error texts (libsoup's in WebKitGTK,
// CFNetwork's in Safari) are not modelled.
package fetch
