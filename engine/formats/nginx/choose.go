package nginx

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/policy"
)

// ChooseEdit picks the next edit of a blocked fetch from the add_header
// trace of the block that answered (Respond's rules, Path "line N"): an
// nginx configuration has no indexed rules to add to, so the edit names a
// line of that block (cloud-policies.md §6.1).
//
// In order: a preflight the application answered with an error status
// needs nginx to answer OPTIONS itself; an add_header that did not apply
// to the reply's status needs always; otherwise the header the browser
// missed gets the page's origin (in the map that sets
// Access-Control-Allow-Origin), method or headers, or credentials.
func (*Format) ChooseEdit(b fix.Blocked) (fix.Edit, string, bool) {
	line := 0
	statusFailed, droppedACAO := false, false
	var acao *policy.Rule
	for i, r := range b.Rules {
		if r.Note.Case == caseNotInherited {
			// An outer level's add_header, dropped (failed, or said
			// when the reply has its header all the same): not the
			// block that answered.
			droppedACAO = droppedACAO || strings.EqualFold(r.ID, "Access-Control-Allow-Origin")
			continue
		}
		if n, err := strconv.Atoi(strings.TrimPrefix(r.Path, "line ")); err == nil && line == 0 {
			line = n
		}
		if r.Failed == "status" {
			statusFailed = true
		}
		if strings.EqualFold(r.ID, "Access-Control-Allow-Origin") {
			acao = &b.Rules[i]
		}
	}
	if line == 0 {
		if b.Needs == "origin" && b.Origin != "" && !b.PreflightFailed || b.PreflightFailed && b.Origin != "" {
			// No add_header answered: the configuration has no CORS
			// line yet (firstCORSLines).
			return fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{b.Origin}, URL: b.URL},
				"add Access-Control-Allow-Origin " + b.Origin + " (always) and Vary: Origin to the block that answers the request", true
		}
		return fix.Edit{}, "", false
	}
	if st := b.PreflightStatus; b.PreflightFailed {
		return fix.Edit{Op: fix.AnswerOptions, Line: line},
			"answer OPTIONS in nginx itself with 204, before its access checks and the application (it is answered " + strconv.Itoa(st) + " now)", true
	}
	if statusFailed {
		return fix.Edit{Op: fix.Always}, "add \"always\" to the Access-Control-* add_header lines, so nginx sends them on every status", true
	}
	switch b.Needs {
	case "one-origin":
		if acao != nil && acao.Note.Case == caseAdded {
			if olds, ok := literalOrigins(acao.Note.Args[1]); ok && len(olds) > 1 {
				// Several origins in one value, which no browser
				// takes: a map that echoes each (toMap).
				return fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{b.Origin}, Line: line},
					"send one origin at a time: a map of " + strings.Join(olds, ", ") + " that echoes the request's, with Vary: Origin", true
			}
		}
		if acao != nil {
			// nginx's line and the upstream's: tried as a new user
			// would, the fix was replies to write.
			return fix.Edit{Op: fix.HideUpstream, Values: []string{"Access-Control-Allow-Origin"}, Line: line}, "hide the upstream's own Access-Control-Allow-Origin (proxy_hide_header) in the block of the add_header at line " + strconv.Itoa(line) + ", so that the browser reads nginx's alone", true
		}
	case "origin":
		if acao == nil && droppedACAO {
			// The block's own add_header (a Cache-Control) drops the
			// server's CORS lines: tried as a new user would, the fix
			// was replies to write.
			return fix.Edit{Op: fix.Inherit, Line: line}, "repeat the Access-Control-* add_header lines of the levels around it in the block of the add_header at line " + strconv.Itoa(line) + ", whose own add_header makes nginx drop theirs", true
		}
		if acao != nil {
			return fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{b.Origin}, Line: line}, "allow the origin " + b.Origin + " in the map that sets Access-Control-Allow-Origin", true
		}
	case "method":
		return fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{b.Method}, Line: line}, "add " + b.Method + " to Access-Control-Allow-Methods", true
	case "headers":
		return fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: b.Headers, Line: line}, "add " + strings.Join(b.Headers, ", ") + " to Access-Control-Allow-Headers", len(b.Headers) > 0
	case "credentials":
		return fix.Edit{Op: fix.Enable, Field: fix.Credentials, Line: line}, "send Access-Control-Allow-Credentials: true", true
	}
	return fix.Edit{}, "", false
}
