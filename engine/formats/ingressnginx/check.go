package ingressnginx

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/portable"
)

// names are the controller's cors annotations, without the prefix.
var names = []string{"enable-cors", "cors-allow-origin", "cors-allow-methods", "cors-allow-headers", "cors-allow-credentials", "cors-expose-headers", "cors-max-age"}

// CheckText lists the traps of the manifest that its rules (ReadRules)
// do not show, for engine/lint (which checks the rules themselves: null,
// a default port, names, max-age...):
//   - "cors-disabled": cors-* annotations with enable-cors absent, false
//     or not a boolean: the controller writes no CORS block, they do
//     nothing;
//   - "origin-refused": cors-allow-origin refused by the controller's
//     validation (a trailing slash or a path, an upper-case scheme, a
//     line break): it
//     logs a warning and allows every origin ("*");
//   - "origin-dropped": an origin without a scheme (or two origins
//     separated by a space, not a comma), dropped from the list (none
//     left: lint's no-origins, from the rules);
//   - "value-refused": another cors-* value refused, replaced by the
//     controller's default (cors-allow-headers "*", methods with ";");
//   - "wildcard-credentials": origin "*" (written, absent or refused)
//     with credentials true (the default): browsers refuse credentialed
//     requests the reply "*"; an error when credentials are written;
//   - "wildcard-one-label" (info): *.host stands for one label only;
//   - "no-vary": an origin list is echoed with no Vary: Origin from the
//     controller, so a cache may give one origin's reply to another;
//   - "snippet": a -snippet annotation, which the controller's admission
//     webhook refuses by default and whose nginx text is not evaluated
//     here (with Access-Control-* in it, said so);
//   - "misspelled": an annotation under the prefix that is not one of the
//     controller's cors annotations but close to one, or a cors
//     annotation under another prefix (ingress.kubernetes.io/,
//     nginx.org/): the controller ignores it.
func (*Format) CheckText(text string) []portable.Finding {
	m, err := Parse(text)
	if err != nil {
		return nil
	}
	var out []portable.Finding
	add := func(sev, code string, at portable.Pos, msg string) {
		out = append(out, portable.Finding{Severity: sev, Code: code, Pos: at, Message: msg})
	}
	for _, in := range m.Ingresses {
		c := in.Cors
		misspelled(in, add)
		for _, a := range in.Annotations {
			if n, ok := strings.CutPrefix(a.Key, Prefix); ok && strings.HasSuffix(n, "-snippet") {
				msg := n + ": with the controller's defaults (allow-snippet-annotations false, annotations-risk-level High) its admission webhook refuses this Ingress; where snippets are allowed, whycors does not evaluate them"
				if strings.Contains(strings.ToLower(a.Value), "access-control-") {
					msg += ", and Access-Control-* headers set there add to or fight with those of enable-cors: use one of them"
				}
				add("warning", "snippet", a.KeyPos, msg)
			}
		}
		en, hasEn := in.Get("enable-cors")
		if !c.Enabled {
			for _, a := range in.Annotations {
				if n, ok := strings.CutPrefix(a.Key, Prefix); ok && n != "enable-cors" && strings.HasPrefix(n, "cors-") {
					at, msg := in.Pos, "Ingress "+strconv.Quote(in.key())+" has "+n+" but no nginx.ingress.kubernetes.io/enable-cors: \"true\": the controller writes no CORS block and ignores every cors-* annotation"
					if hasEn {
						at, msg = en.ValuePos, "enable-cors is "+`"`+en.Value+`"`+", not true: the controller writes no CORS block and ignores every cors-* annotation"
					}
					add("error", "cors-disabled", at, msg)
					break
				}
			}
			continue
		}
		star := len(c.AllowOrigin) == 1 && c.AllowOrigin[0] == "*"
		for _, d := range c.Defaulted {
			switch {
			case d.Name == "cors-allow-origin" && d.Why == "invalid":
				a, _ := in.Get(d.Name)
				add("error", "origin-refused", d.Pos, "cors-allow-origin "+`"`+a.Value+`"`+" fails the controller's validation ("+originFault(a.Value)+"): it logs a warning and allows every origin, *")
			case d.Name == "cors-allow-origin" && d.Why == "skipped":
				why := "has no scheme: write https://" + d.Value
				if strings.ContainsAny(d.Value, " \t") {
					why = "holds spaces: separate origins with commas"
				} else if strings.Contains(d.Value, "://") {
					why = "is not scheme://host[:port]"
				}
				add("warning", "origin-dropped", d.Pos, "the origin "+`"`+d.Value+`"`+" "+why+"; the controller drops it from cors-allow-origin")
			case d.Name == "enable-cors":
			default:
				add("warning", "value-refused", d.Pos, d.Name+" is refused by the controller's validation ("+d.Why+"), which uses its default"+defaultOf(d.Name))
			}
		}
		if star && c.AllowCredentials {
			a, written := in.Get("cors-allow-credentials")
			at, sev := in.Pos, "warning"
			why := "cors-allow-credentials defaults to true"
			if written {
				at, sev, why = a.ValuePos, "error", "cors-allow-credentials is true"
			}
			if o, ok := in.Get("cors-allow-origin"); ok {
				at = o.ValuePos
			}
			add(sev, "wildcard-credentials", at, "the allowed origin is * and "+why+": browsers refuse a credentialed request the reply \"Access-Control-Allow-Origin: *\"; list the origins in cors-allow-origin, or set cors-allow-credentials: \"false\"")
		}
		if !star && len(c.AllowOrigin) > 0 {
			a, _ := in.Get("cors-allow-origin")
			for _, o := range c.AllowOrigin {
				if strings.Contains(o, "*.") {
					add("info", "wildcard-one-label", a.ValuePos, o+" matches one label in place of *, not the domain itself nor deeper names (the controller's regex is [A-Za-z0-9-]+)")
				}
			}
			add("info", "no-vary", a.ValuePos, "Access-Control-Allow-Origin echoes the request's Origin and the controller adds no Vary: Origin: a cache in front may serve one origin's reply to another; have the backend send Vary: Origin")
		}
	}
	return out
}

// Traps are those of the exchange (CheckText's come through lint): the
// backend's own CORS headers, replaced on the requests the Ingress
// allows and passed through on the others.
func (f *Format) Traps(text string, app headers.List) []portable.Finding {
	if !app.Has("Access-Control-Allow-Origin") {
		return nil
	}
	m, err := Parse(text)
	if err != nil {
		return nil
	}
	var out []portable.Finding
	for _, in := range m.Ingresses {
		if in.Cors.Enabled {
			out = append(out, portable.Finding{Severity: "warning", Code: "backend-cors", Pos: in.Pos,
				Message: "the backend sends its own Access-Control-Allow-Origin: on requests Ingress " + strconv.Quote(in.key()) + " allows, more_set_headers replaces it, and on the others it passes through unchanged; let one of them do CORS"})
		}
	}
	return out
}

// originFault says why an origin list fails validation.
func originFault(v string) string {
	switch {
	case strings.ContainsAny(v, "\r\n"):
		return "it spans lines; write it on one line"
	case strings.Contains(strings.ReplaceAll(v, "://", ""), "/"):
		return "an origin has no path and no trailing slash"
	case strings.ToLower(v) != v && strings.Contains(v, "://") && strings.ToLower(v[:strings.Index(v, "://")]) != v[:strings.Index(v, "://")]:
		return "the scheme must be lower case"
	case strings.Contains(v, "*") && strings.TrimSpace(v) != "*":
		return "* is allowed alone or as the first label, *.example.com"
	}
	return "each origin is scheme://host[:port], *.host, null, or * alone"
}

func defaultOf(name string) string {
	switch name {
	case "cors-allow-methods":
		return ", " + DefaultMethods
	case "cors-allow-headers":
		return ", " + DefaultHeaders + " (it accepts letters, digits, - and _, not *)"
	case "cors-expose-headers":
		return ": no Access-Control-Expose-Headers"
	case "cors-allow-credentials":
		return ", true"
	case "cors-max-age":
		return ", 1728000"
	}
	return ""
}

// misspelled reports annotations the controller ignores that look like
// its cors annotations.
func misspelled(in *Ingress, add func(sev, code string, at portable.Pos, msg string)) {
	for _, a := range in.Annotations {
		i := strings.LastIndexByte(a.Key, '/')
		prefix, name := a.Key[:i+1], a.Key[i+1:]
		known := false
		for _, n := range names {
			known = known || n == name
		}
		switch {
		case known && prefix != Prefix:
			add("warning", "misspelled", a.KeyPos, "the controller reads "+Prefix+name+", not "+a.Key+": this annotation does nothing")
		case !known && prefix == Prefix && strings.Contains(name, "cors"):
			add("warning", "misspelled", a.KeyPos, a.Key+" is not an annotation of the controller, which ignores it; did you mean "+Prefix+nearest(name)+"?")
		}
	}
}

// nearest is the cors annotation closest to name (edit distance).
func nearest(name string) string {
	best, bd := names[0], 1<<30
	for _, n := range names {
		if d := distance(name, n); d < bd {
			best, bd = n, d
		}
	}
	return best
}

func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
