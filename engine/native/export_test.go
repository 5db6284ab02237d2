package native

import "strings"

// PatternMatch parses pattern and reports whether origin matches it, by
// the matcher Decide uses (matched) and by the definition it replaced
// (want: split the origin, validate every byte of its host and port, then
// compare, as splitOrigin and match did before issue 23). ok is false
// when pattern is not a pattern the matcher sees ("*" or refused).
func PatternMatch(pattern, origin string) (matched, want, ok bool) {
	p, fault := parsePattern(pattern)
	if fault != nil || p.any {
		return false, false, false
	}
	ro := oldSplitOrigin(origin)
	return p.matches(origin), ro.ok && oldMatch(&p, &ro), true
}

// The definition before issue 23, kept as the reference.

type oldRequestOrigin struct {
	scheme, host, port string
	ok                 bool
}

func oldSplitOrigin(o string) oldRequestOrigin {
	var r oldRequestOrigin
	i := strings.Index(o, "://")
	if i <= 0 || len(o) > 64+3+255+6 {
		return r
	}
	r.scheme = o[:i]
	hp := o[i+3:]
	if hp == "" {
		return r
	}
	if hp[0] == '[' {
		k := strings.IndexByte(hp, ']')
		if k < 0 {
			return r
		}
		r.host = hp[:k+1]
		hp = hp[k+1:]
		if hp != "" {
			if hp[0] != ':' {
				return r
			}
			r.port = hp[1:]
		}
	} else {
		r.host = hp
		if k := strings.IndexByte(hp, ':'); k >= 0 {
			r.host, r.port = hp[:k], hp[k+1:]
		}
		if r.host == "" || r.host[0] == '.' || r.host[len(r.host)-1] == '.' {
			return r
		}
		prevDot := false
		for j := 0; j < len(r.host); j++ {
			c := r.host[j]
			if c == '.' {
				if prevDot {
					return r
				}
				prevDot = true
				continue
			}
			prevDot = false
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return r
			}
		}
	}
	if r.port != "" {
		if len(r.port) > 5 {
			return r
		}
		for j := 0; j < len(r.port); j++ {
			if r.port[j] < '0' || r.port[j] > '9' {
				return r
			}
		}
	} else if len(hp) > 0 && hp[len(hp)-1] == ':' {
		return r // "host:" with an empty port
	}
	r.ok = true
	return r
}

func oldMatch(p *pattern, o *oldRequestOrigin) bool {
	if o.scheme != p.scheme {
		return false
	}
	if p.port != "*" && o.port != p.port {
		return false
	}
	if !p.subdomains {
		return o.host == p.host
	}
	h := o.host
	return len(h) > len(p.host)+1 && h[len(h)-len(p.host)-1] == '.' && h[len(h)-len(p.host):] == p.host
}
