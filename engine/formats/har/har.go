// Package har reads HAR 1.2 files exported by browser DevTools (format name
// "har") and turns one captured cross-origin fetch into the request, the
// preflight reply and the actual reply, so the engine can re-derive the
// verdict the browser reached.
//
// Pairing a preflight with its request (shared/reference/cloud-policies.md
// §6.6): Chrome marks a preflight entry with _resourceType "preflight" and
// _initiator {type: "preflight", requestId}, but its entries do not carry
// their own request id (devtools-frontend Log.ts exports none), so the
// requestId is used only when a tool added _requestId to entries.
// Otherwise, and for Firefox and Safari HARs (standard fields only, where
// a preflight is an OPTIONS entry with Access-Control-Request-Method), a
// preflight is paired with the next entry for the same URL whose method
// is its ACRM.
//
// What the export loses, reported in Exchange.Notes: Chrome does not
// export the CORS error itself (CDP corsErrorStatus): a blocked request
// shows status 0 and _error such as net::ERR_FAILED, so its reply is
// unknown; "Export HAR (sanitized)" drops Cookie, Authorization and
// Set-Cookie, so the fetch's credentials mode cannot be read back; a
// preflight answered from the browser's preflight cache has no entry.
package har

import (
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Formats are this package's formats, for a policy.Registry (engine/all lists them).
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "har" policy format.
type Format struct{}

// PastedReplies implements explain.Pasted: the text is the server's
// replies as captured.
func (*Format) PastedReplies() {}

// Name returns "har".
func (*Format) Name() string { return "har" }

// Title implements policy.Titled.
func (*Format) Title() string { return "HAR file: a network capture" }

// NoRulesWhy says why a HAR cannot be converted: it holds what the browser
// received, not the rules the server answered from.
func (*Format) NoRulesWhy() string {
	return "captured replies are not a policy: there are no rules to convert"
}

// Detect claims a JSON object with log.entries.
func (*Format) Detect(text string) (bool, string) {
	t := strings.TrimLeft(text, " \t\r\n\ufeff")
	if !strings.HasPrefix(t, "{") {
		return false, ""
	}
	head := t
	if len(head) > 4096 {
		head = head[:4096]
	}
	if strings.Contains(head, `"log"`) && (strings.Contains(head, `"entries"`) || strings.Contains(head, `"creator"`)) {
		return true, "a JSON object with log.entries (HAR)"
	}
	return false, ""
}

// Parse reads a HAR and answers with its last candidate fetch (the most
// recent); use Read, Candidates and Evaluator to choose another.
func (*Format) Parse(text string) (policy.Evaluator, error) {
	l, err := Read(text)
	if err != nil {
		return nil, policy.MarkUnreadable(err) // no platform reads a HAR: every fault is unreadable text
	}
	cs := l.Candidates()
	if len(cs) == 0 {
		return nil, policy.Errors{{Path: "$.log.entries", Line: 1, Column: 1, Msg: "no cross-origin request with an Origin header in this HAR", Unreadable: true}}
	}
	return l.Evaluator(cs[len(cs)-1].Index)
}
