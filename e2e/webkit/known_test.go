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
