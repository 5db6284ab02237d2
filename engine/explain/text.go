package explain

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fetch"
)

// TextOptions shape the plain-text rendering of a verdict.
type TextOptions struct {
	// Color adds ANSI colours (the CLI sets it only on a terminal and
	// never with NO_COLOR, https://no-color.org).
	Color bool
	// Searched says fixes were searched for (the scenario's fixes not
	// off): a blocked verdict without one then says none was found,
	// where it said nothing (found as a new user would: the verdict
	// ended after its steps, and --json had "fixes": []).
	Searched bool
}

// ANSI SGR sequences (ECMA-48 §8.3.117).
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiDim    = "\x1b[2m"
)

// Text renders a verdict as the readable explanation `whycors explain`
// prints: its summary, the verdict, what the console shows, every step with the header
// lines it read and the document it rests on (readerDoc: a link, not this
// project's notes), the fixes as diffs, the
// warnings, and where browsers differ. It renders the same Verdict the
// JSON carries, so both say the same.
func Text(v Verdict, o TextOptions) string {
	var b strings.Builder
	c := func(code, s string) string {
		if !o.Color || s == "" {
			return s
		}
		return code + s + ansiReset
	}
	// The cause in words first, the browser's verdict and DevTools'
	// reason name after it.
	if v.Summary != "" {
		b.WriteString(c(ansiBold, v.Summary) + "\n")
	}
	if v.Allowed {
		b.WriteString(c(ansiGreen+ansiBold, title(v.Browser)+": ALLOWED") + " (response.status " + strconv.Itoa(v.Status) + ", type " + strconv.Quote(v.Type) + ")\n")
	} else {
		b.WriteString(c(ansiRed+ansiBold, title(v.Browser)+": BLOCKED") + " (" + v.Reason + ")\n")
	}
	if strings.HasPrefix(v.Exception, "XMLHttpRequest ") {
		b.WriteString("The page sees: " + v.Exception + "\n")
	} else if v.Exception != "" {
		b.WriteString("fetch() rejects with: " + v.Exception + "\n")
	}
	if len(v.Console) > 0 {
		b.WriteString("\nConsole (" + title(v.Browser) + "):\n")
		for _, l := range v.Console {
			b.WriteString("  " + l + "\n")
		}
	}

	if followed(v.Requests) || fromCDN(v.Requests) {
		across := ""
		if followed(v.Requests) {
			across = ", across redirects"
		}
		b.WriteString("\nRequests sent (" + strconv.Itoa(len(v.Requests)) + across + "):\n")
		for i, r := range v.Requests {
			kind := ""
			if r.Preflight {
				kind = "preflight "
			}
			line := pad(strconv.Itoa(i+1)+".", 4) + kind + r.Method + " " + r.URL
			var hs []string
			if r.Origin != "" {
				hs = append(hs, "Origin: "+r.Origin)
			}
			if r.ACRM != "" {
				hs = append(hs, "Access-Control-Request-Method: "+r.ACRM)
			}
			if r.ACRH != "" {
				hs = append(hs, "Access-Control-Request-Headers: "+r.ACRH)
			}
			if len(hs) > 0 {
				line += " (" + strings.Join(hs, "; ") + ")"
			}
			if r.FromCDN {
				line += " [from the CDN's cache]"
			}
			b.WriteString("  " + line + " -> " + statusText(r.Status) + "\n")
		}
	}

	b.WriteString("\nStep by step:\n")
	for i, s := range v.Steps {
		mark := map[string]string{"pass": c(ansiGreen, "ok  "), "fail": c(ansiRed+ansiBold, "FAIL"), "warn": c(ansiYellow, "warn"),
			"skip": c(ansiDim, "skip"), "info": "    "}[s.Status]
		if mark == "" {
			mark = "    "
		}
		b.WriteString(pad(strconv.Itoa(i+1)+".", 4) + mark + " " + s.Title + "\n")
		for _, l := range wrap(s.Detail, 88) {
			b.WriteString("         " + l + "\n")
		}
		if s.Header != "" {
			for _, l := range strings.Split(s.Header, "\n") {
				b.WriteString("         " + c(ansiDim, "|") + " " + l + "\n")
			}
		}
		if s.Spec != "" {
			b.WriteString("         " + c(ansiDim, "see "+readerDoc(s.Spec)) + "\n")
		}
	}
	if v.Allowed {
		b.WriteString("\nThe page can read these response headers: " + orNone(strings.Join(v.ReadableHeaders, ", ")) + "\n")
	}

	for i, f := range v.Fixes {
		where := f.Where
		if f.Format != "" {
			where += ", " + f.Format
		}
		b.WriteString("\n" + c(ansiBold, "Fix "+strconv.Itoa(i+1)+" ("+where+"): ") + f.Summary + "\n")
		if f.Diff != "" {
			for _, l := range strings.Split(strings.TrimSuffix(f.Diff, "\n"), "\n") {
				switch {
				case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"), strings.HasPrefix(l, "@@"):
					l = c(ansiDim, l)
				case strings.HasPrefix(l, "+"):
					l = c(ansiGreen, l)
				case strings.HasPrefix(l, "-"):
					l = c(ansiRed, l)
				}
				b.WriteString("  " + l + "\n")
			}
		}
		if len(f.AllowedIn) > 0 {
			names := make([]string, len(f.AllowedIn))
			for i, n := range f.AllowedIn {
				names[i] = title(n)
			}
			b.WriteString("  Checked: with this change the fetch passes in " + strings.Join(names, ", ") + ".\n")
		}
	}

	if o.Searched && !v.Allowed && len(v.Fixes) == 0 {
		if clientSide(v.Reason) {
			b.WriteString("\n" + c(ansiBold, "No fix found: ") + "the browser refuses this fetch before the server has a say, so no change of the server's configuration lets it pass; the FAIL steps above say what the page or the user must change.\n")
		} else {
			b.WriteString("\n" + c(ansiBold, "No fix found: ") + "no change of the configuration whycors can write lets this fetch pass in every browser without letting in more than it asks for; the FAIL steps above say what the server must send instead.\n")
		}
	}

	if len(v.Warnings) > 0 {
		b.WriteString("\nWarnings:\n")
		for _, w := range v.Warnings {
			at := ""
			if w.Line > 0 {
				at = " (line " + strconv.Itoa(w.Line) + ")"
				if w.File != "" {
					at = " (" + w.File + ", line " + strconv.Itoa(w.Line) + ")"
				}
			}
			sev := w.Severity
			if sev == "" {
				sev = "warning"
			}
			b.WriteString("  " + c(ansiYellow, sev) + " " + w.Code + at + ":\n")
			for _, l := range wrap(w.Message, 88) {
				b.WriteString("    " + l + "\n")
			}
		}
	}
	if v.BrowsersDiffer {
		b.WriteString("\nBrowsers differ:\n")
		for _, r := range v.Browsers {
			state := "allowed"
			if !r.Allowed {
				state = "blocked (" + r.Reason + ")"
			}
			b.WriteString("  " + pad(title(r.Browser)+":", 9) + state + "\n")
			if r.Browser != v.Browser {
				for _, l := range r.Console {
					b.WriteString("           " + c(ansiDim, l) + "\n")
				}
			}
		}
	}
	for i := range v.Then {
		w := &v.Then[i]
		b.WriteString("\n" + c(ansiBold, "Later fetch "+strconv.Itoa(i+1)+" of the session ($.then["+strconv.Itoa(i)+"]): ") + preflightSource(w) + "\n")
		for _, l := range strings.Split(strings.TrimSuffix(Text(*w, o), "\n"), "\n") {
			if l == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("  " + l + "\n")
		}
	}
	return b.String()
}

// preflightSource says where a fetch of a session got its preflight's
// answer: the preflight cache, the network, or nowhere (none needed).
func preflightSource(v *Verdict) string {
	switch {
	case v.Preflight.Cached:
		return "the preflight came from the preflight cache (no OPTIONS request sent)."
	case v.Preflight.Sent:
		return "the preflight was sent over the network (the cache did not cover it)."
	}
	return "no preflight needed."
}

// fromCDN reports a fetch the CDN answered (scenario "cdn") at least
// once: its list of requests says which.
func fromCDN(rs []SentRequest) bool {
	for _, r := range rs {
		if r.FromCDN {
			return true
		}
	}
	return false
}

// followed reports a fetch that followed a redirect: a redirect status
// answered to a request other than the last. A single request and its
// preflight are in the steps already.
func followed(rs []SentRequest) bool {
	for i, r := range rs {
		switch r.Status {
		case 301, 302, 303, 307, 308:
			if !r.Preflight && i < len(rs)-1 {
				return true
			}
		}
	}
	return false
}

func orNone(s string) string {
	if s == "" {
		return "(none beyond the safelisted ones)"
	}
	return s
}

func pad(s string, n int) string {
	for len(s) < n {
		s += " "
	}
	return s
}

// wrap breaks text at spaces into lines of at most width bytes (longer
// words stay whole).
func wrap(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+1+len(w) > width {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

// clientSide reports a reason decided by the page, the browser or the
// user before the server answers anything: mixed content, Local Network
// Access, the request's mode or scheme (found as a new user would: a
// refused Local Network Access permission was told "the FAIL steps say
// what the server must send").
func clientSide(reason string) bool {
	switch reason {
	case fetch.ReasonMixedContent, fetch.ReasonLocalNetworkAccessPermissionDenied, fetch.ReasonInsecureLocalNetwork,
		fetch.ReasonDisallowedByMode, fetch.ReasonNoCorsRedirectModeNotFollow, fetch.ReasonCorsDisabledScheme:
		return true
	}
	return false
}
