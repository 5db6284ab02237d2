package gohdr

import "strings"

// Origins is an allowed-origin list as rs/cors v1.11.1 and go-chi/cors
// v1.2.2 (its fork) keep it (cors.go, New): entries lower-cased; "*"
// allows every origin and ends the list; an entry with a '*' is a prefix
// (before the first '*') and a suffix (after it); no entry at all allows
// every origin.
type Origins struct {
	Any   bool
	exact []string
	wild  [][2]string
}

// NewOrigins reads list as New does.
func NewOrigins(list []string) Origins {
	o := Origins{Any: len(list) == 0}
	for _, s := range list {
		s = strings.ToLower(s)
		if s == "*" {
			return Origins{Any: true}
		}
		if i := strings.IndexByte(s, '*'); i >= 0 {
			o.wild = append(o.wild, [2]string{s[:i], s[i+1:]})
		} else {
			o.exact = append(o.exact, s)
		}
	}
	return o
}

// Match is isOriginAllowed without an origin function: the request's
// Origin, lower-cased, equals an entry, or is at least as long as a
// wildcard's prefix and suffix together and has both.
func (o Origins) Match(origin string) bool {
	if o.Any {
		return true
	}
	origin = strings.ToLower(origin)
	for _, e := range o.exact {
		if e == origin {
			return true
		}
	}
	for _, w := range o.wild {
		if len(origin) >= len(w[0])+len(w[1]) && strings.HasPrefix(origin, w[0]) && strings.HasSuffix(origin, w[1]) {
			return true
		}
	}
	return false
}
