package hosthdr

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Entry is what the checks and edits read of one header entry.
type Entry struct {
	Obj     *jsontext.Value // the entry object
	Arr     *jsontext.Value // its "headers" array
	Headers []Header
	// Pattern is its source as written, PatternV its value.
	Pattern  string
	PatternV *jsontext.Value
	// Never says why the pattern matches no request path, "" when it can.
	Never string
	// ByOrigin is set when a condition on the request's Origin guards it.
	ByOrigin bool
	// Conditional is set when any condition guards it.
	Conditional bool
	// All is set when it applies to every path (Probes all match).
	All bool
}

// Probes are paths a pattern that applies everywhere matches.
var Probes = []string{"/", "/a", "/a/b.c/d/", "/x.json"}

// Find returns the entry's header named name (the last, as it wins).
func (e *Entry) Find(name string) (Header, bool) {
	var h Header
	ok := false
	for _, x := range e.Headers {
		if strings.EqualFold(x.Key, name) {
			h, ok = x, true
		}
	}
	return h, ok
}

// Check lists the traps of static CORS headers in a hosting headers
// file (platform names it in messages; answers says what the platform
// does with an OPTIONS request):
//   - "several-origins": Access-Control-Allow-Origin lists several
//     origins; browsers accept exactly one ("contains multiple values");
//   - "wildcard-credentials": Access-Control-Allow-Origin "*" where
//     Access-Control-Allow-Credentials true is set too: browsers refuse
//     credentialed replies with a wildcard origin;
//   - "never-matches": a source no request path can match;
//   - "no-preflight": preflight headers (Allow-Methods or -Headers) in a
//     file whose platform answers no OPTIONS request itself;
//   - "vary-origin": an Access-Control-Allow-Origin chosen by the
//     request's Origin without Vary: Origin, which a cache then serves
//     to the other origins.
func (d *Doc) Check(entries []Entry, platform, answers string) []portable.Finding {
	var out []portable.Finding
	pos := func(v *jsontext.Value, path string) portable.Pos {
		l, c := policy.LineCol(d.Text, int(v.Off))
		return portable.Pos{Path: path, Line: l, Column: c}
	}
	var creds []int // entries that set credentials
	var stars []int // entries that set a wildcard origin
	preflight := false
	vary := false
	for i := range entries {
		for _, h := range entries[i].Headers {
			never := entries[i].Never != ""
			switch {
			case !never && strings.EqualFold(h.Key, "Access-Control-Allow-Credentials") && strings.EqualFold(strings.TrimSpace(h.Value), "true"):
				creds = append(creds, i)
			case !never && strings.EqualFold(h.Key, "Access-Control-Allow-Origin") && strings.TrimSpace(h.Value) == "*":
				stars = append(stars, i)
			case strings.EqualFold(h.Key, "Access-Control-Allow-Methods") || strings.EqualFold(h.Key, "Access-Control-Allow-Headers"):
				preflight = true
			case strings.EqualFold(h.Key, "Vary") && strings.Contains(strings.ToLower(h.Value), "origin"):
				vary = true
			}
		}
	}
	for i := range entries {
		e := &entries[i]
		if e.Never != "" && e.PatternV != nil {
			out = append(out, portable.Finding{Severity: "warning", Code: "never-matches", Pos: pos(e.PatternV, ""),
				Message: "the source " + e.Pattern + " matches no request path (" + e.Never + "): its headers are never sent"})
		}
		acao, ok := e.Find("Access-Control-Allow-Origin")
		if !ok {
			continue
		}
		if several(acao.Value) {
			out = append(out, portable.Finding{Severity: "error", Code: "several-origins", Pos: pos(acao.ValV, acao.Path),
				Message: "Access-Control-Allow-Origin lists several origins (" + acao.Value + "): browsers accept exactly one and block the reply (\"contains multiple values\"); " + platform + " sends the value as written, so name one origin per entry" + perOrigin(platform)})
		}
		if e.ByOrigin && !vary {
			out = append(out, portable.Finding{Severity: "warning", Code: "vary-origin", Pos: pos(acao.ValV, acao.Path),
				Message: "Access-Control-Allow-Origin depends on the request's Origin here, but no entry sends Vary: Origin: a cache may serve one origin's reply to another, which the browser then blocks; add {\"key\": \"Vary\", \"value\": \"Origin\"}"})
		}
	}
	// A wildcard and credentials meet where both entries apply: in one
	// entry, or where either applies to every path.
	for _, si := range stars {
		for _, ci := range creds {
			if si != ci && !entries[si].All && !entries[ci].All {
				continue
			}
			star, _ := entries[si].Find("Access-Control-Allow-Origin")
			cred, _ := entries[ci].Find("Access-Control-Allow-Credentials")
			out = append(out, portable.Finding{Severity: "error", Code: "wildcard-credentials", Pos: pos(star.ValV, star.Path),
				Message: "Access-Control-Allow-Origin \"*\" with Access-Control-Allow-Credentials true (line " + strconv.Itoa(cred.Line) + "): browsers refuse credentialed replies with a wildcard origin; name the origin instead"})
			break
		}
	}
	if preflight && answers != "" {
		for i := range entries {
			if h, ok := entries[i].Find("Access-Control-Allow-Methods"); ok {
				out = append(out, portable.Finding{Severity: "info", Code: "no-preflight", Pos: pos(h.Obj, h.Path),
					Message: platform + " answers no preflight itself: " + answers + "; these headers help a preflight only if that reply's status is 2xx"})
				break
			}
		}
	}
	return out
}

func perOrigin(platform string) string {
	if platform == "Vercel" {
		return ", each under a \"has\" condition on the origin header, with Vary: Origin"
	}
	return ", or answer from a function that echoes the allowed Origin"
}

// several reports whether an Access-Control-Allow-Origin value names more
// than one origin.
func several(v string) bool {
	n := 0
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		if f != "" {
			n++
		}
	}
	return n > 1
}
