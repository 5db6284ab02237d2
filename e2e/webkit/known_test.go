package webkit

import "strings"

// knownDifference is a disagreement between the safari profile and
// WebKitGTK that is documented instead of modelled: the exchange, the
// fields (as chromium.CompareVerdict names them; a field "x" also covers
// "x[i]..." and "x.y") and why. TestWebKit and TestReplayWebKit report
// these without failing; TestReplayWebKit fails when one no longer
// differs, so that the list never outlives the difference.
type knownDifference struct {
	id     string
	fields []string
	why    string
}

// libsoup is why the transport failures differ: the words are the
// network layer's, not WebCore's.
const libsoup = "a connection closed without a reply: WebKitGTK prints libsoup's error text (\"Connection terminated unexpectedly\"), " +
	"which is the GTK port's network layer; Safari's CFNetwork words it otherwise, and the profile speaks for Safari, so it is not modelled"

var known = []knownDifference{
	{id: "net-fail-actual", fields: []string{"console"}, why: libsoup},
	{id: "net-fail-preflight", fields: []string{"console"}, why: libsoup},
	{id: "route-target-closes", fields: []string{"console"}, why: libsoup},
	{id: "xhr-network-error", fields: []string{"console"}, why: libsoup},
	{id: "route-3hop-from-same-origin", fields: []string{"allowed", "status", "exception", "requests", "console"},
		why: "credentials \"same-origin\" from a same-origin start: once the redirects leave the page's origin WebKit still treats the request as one with credentials, " +
			"so the second hop's 302 (Access-Control-Allow-Origin: http://app.test, no Access-Control-Allow-Credentials) fails with \"Credentials flag is true, ...\" and its console lines " +
			"come in another order (the reason, \"Failed to load resource: ...\", then \"Fetch API cannot load ...\"), where the standard, Chromium and Firefox send no credentials there " +
			"(https://fetch.spec.whatwg.org/#http-network-or-cache-fetch, includeCredentials) and follow to the third hop; one exchange of the corpus shows it, too few to model the rule and the order. " +
			"WebKit's source does not explain it: NetworkLoadChecker::continueCheckingRequest (WebKit/WebKit, Source/WebKit/NetworkProcess/NetworkLoadChecker.cpp) sets the stored-credentials policy " +
			"of a credentials \"same-origin\" load to DoNotUse at the first hop whose URL the page's origin cannot request, and validateResponse checks the redirect with that policy, " +
			"which predicts what the standard says; DocumentThreadableLoader::redirectReceived leaves the checks to the network process there (havePerformedSecurityChecks)"},
}

// knownFor returns the documented difference that covers field of
// exchange id, nil when none does.
func knownFor(id, field string) *knownDifference {
	for i := range known {
		k := &known[i]
		if k.id != id {
			continue
		}
		for _, f := range k.fields {
			if field == f || strings.HasPrefix(field, f+"[") || strings.HasPrefix(field, f+".") {
				return k
			}
		}
	}
	return nil
}
