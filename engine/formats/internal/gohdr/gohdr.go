// Package gohdr models net/http's Header as a Go middleware writes it
// (Set, Add, assignment of a value slice, canonical names), and the
// reply a Go handler chain sends: the middleware's headers, then the
// application's, which replace a header of the same name as
// w.Header().Set does.
package gohdr

import (
	"net/textproto"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// Canonical is http.CanonicalHeaderKey.
func Canonical(s string) string { return textproto.CanonicalMIMEHeaderKey(s) }

// Header is an http.Header that remembers the order names were first set.
type Header struct {
	names []string
	vals  map[string][]string
}

func (h *Header) put(name string, vs []string) {
	if h.vals == nil {
		h.vals = map[string][]string{}
	}
	if _, ok := h.vals[name]; !ok {
		h.names = append(h.names, name)
	}
	h.vals[name] = vs
}

// Set is Header.Set.
func (h *Header) Set(name, value string) { h.put(Canonical(name), []string{value}) }

// Add is Header.Add.
func (h *Header) Add(name, value string) {
	k := Canonical(name)
	h.put(k, append(append([]string(nil), h.vals[k]...), value))
}

// Assign is header[name] = vs, name already canonical.
func (h *Header) Assign(name string, vs []string) { h.put(name, append([]string(nil), vs...)) }

// Del is Header.Del.
func (h *Header) Del(name string) {
	k := Canonical(name)
	if _, ok := h.vals[k]; ok {
		delete(h.vals, k)
		for i, n := range h.names {
			if n == k {
				h.names = append(h.names[:i], h.names[i+1:]...)
				break
			}
		}
	}
}

// Values is header[name].
func (h *Header) Values(name string) []string { return h.vals[Canonical(name)] }

// List is h as a header list, each value a line.
func (h *Header) List() headers.List {
	var l headers.List
	for _, n := range h.names {
		for _, v := range h.vals[n] {
			l.Add(n, v)
		}
	}
	return l
}

// Request is a request's header as net/http parses it: values by
// canonical name, in order.
func Request(req policy.Request) map[string][]string {
	m := map[string][]string{}
	for _, f := range req.Header {
		k := Canonical(f.Name)
		m[k] = append(m[k], f.Value)
	}
	return m
}

// Get is Header.Get on a request's header.
func Get(m map[string][]string, name string) string {
	if vs := m[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// Reply is what a handler chain sends when the application answers app
// after the middleware wrote h: each header the application sets
// replaces the middleware's of that name (w.Header()[name] = values).
func Reply(h Header, app policy.Reply) policy.Reply {
	own := map[string][]string{}
	var order []string
	for _, f := range app.Header {
		k := Canonical(f.Name)
		if _, ok := own[k]; !ok {
			order = append(order, k)
		}
		own[k] = append(own[k], f.Value)
	}
	for _, k := range order {
		h.Assign(k, own[k])
	}
	return policy.Reply{Status: app.Status, Header: h.List(), Body: app.Body}
}

// Host is the host (with port) of a request URL, "" for a path alone.
func Host(u string) string {
	i := strings.Index(u, "://")
	if i < 0 {
		return ""
	}
	u = u[i+3:]
	if j := strings.IndexAny(u, "/?#"); j >= 0 {
		u = u[:j]
	}
	return u
}
