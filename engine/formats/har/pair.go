package har

import (
	"slices"
	"strings"

	"github.com/whycors/whycors/engine/origin"
)

const maxLookahead = 64 // later entries for the same URL searched for a preflight's request

// isPreflight: Chrome's _resourceType, or OPTIONS with ACRM (Firefox,
// Safari, and Chrome versions that do not list preflights separately).
func (e *entry) isPreflight() bool {
	if e.ResourceType == "preflight" || (e.Initiator != nil && e.Initiator.Type == "preflight") {
		return true
	}
	_, acrm := e.reqHeader("Access-Control-Request-Method")
	return strings.EqualFold(e.Request.Method, "OPTIONS") && acrm
}

// pair marks the preflights (l.pre) and pairs each with its request
// (l.pairs) the way the package doc describes (shared/reference/
// cloud-policies.md §6.6): by _initiator.requestId when entries carry
// _requestId, otherwise with the next entry for the same URL whose method
// is the preflight's ACRM.
func (l *Log) pair() {
	l.pairs = map[int]int{}
	l.pre = map[int]bool{}
	byID := map[string]int{}
	for i := range l.entries {
		if id := l.entries[i].RequestID; id != "" {
			byID[id] = i
		}
	}
	byURL := map[string][]int{}
	for i := range l.entries {
		u := l.entries[i].Request.URL
		byURL[u] = append(byURL[u], i)
	}
	taken := map[int]bool{}
	for i := range l.entries {
		e := &l.entries[i]
		if !e.isPreflight() {
			continue
		}
		l.pre[i] = true
		if e.Initiator != nil && e.Initiator.RequestID != "" {
			if j, ok := byID[e.Initiator.RequestID]; ok && j != i && !taken[j] {
				l.pairs[j] = i
				taken[j] = true
				continue
			}
		}
		acrm, _ := e.reqHeader("Access-Control-Request-Method")
		// The request follows its preflight; look at later entries for
		// the same URL only, and not too far, so a file of unpaired
		// preflights stays linear.
		same := byURL[e.Request.URL]
		k, _ := slices.BinarySearch(same, i+1)
		for n := 0; k < len(same) && n < maxLookahead; k, n = k+1, n+1 {
			j := same[k]
			a := &l.entries[j]
			if taken[j] || a.isPreflight() {
				continue
			}
			if acrm == "" || a.Request.Method == acrm {
				l.pairs[j] = i
				taken[j] = true
				break
			}
		}
	}
}

// maxHops bounds the redirects followed from one request (Fetch's limit
// is 20; a scenario holds limits.Routes).
const maxHops = 5

// hopsOf lists the entries of the redirects entry i's reply starts: each
// the first later entry (not too far) whose URL is the previous reply's
// redirectURL, with the same method or GET (after a 303, or a 301 or
// 302 of a POST: Fetch §4.4 HTTP-redirect fetch), in order.
func (l *Log) hopsOf(i int) []int {
	var out []int
	for len(out) < maxHops {
		e := &l.entries[i]
		next := e.Response.RedirectURL
		if next == "" || e.Response.Status < 300 || e.Response.Status > 399 {
			return out
		}
		j := -1
		for k, n := i+1, 0; k < len(l.entries) && n < maxLookahead; k, n = k+1, n+1 {
			c := &l.entries[k]
			if c.Request.URL == next && !l.pre[k] && (c.Request.Method == e.Request.Method || c.Request.Method == "GET") {
				j = k
				break
			}
		}
		if j < 0 {
			return out
		}
		out = append(out, j)
		i = j
	}
	return out
}

// hops is the set of entries that are a redirect's next hop (hopsOf).
func (l *Log) hops() map[int]bool {
	hop := map[int]bool{}
	for i := range l.entries {
		for _, h := range l.hopsOf(i) {
			hop[h] = true
		}
	}
	return hop
}

// originOf is the origin entry i was sent from, and where it was read:
// its Origin header (""), else, for a request the file shows with
// Chrome's provisional headers (a request blocked before the network:
// no Origin, as the network stack adds it), its preflight's Origin
// ("preflight"), else the origin of its Referer when a fetch or XHR
// names another origin than its URL's ("referer": a cross-origin
// Referer is the page's origin under the default referrer policy,
// strict-origin-when-cross-origin). Tried as a new user would, such a
// blocked request and its preflight were left out: "0 blocked".
func (l *Log) originOf(i int) (origin, from string) {
	e := &l.entries[i]
	if o, ok := e.reqHeader("Origin"); ok {
		return o, ""
	}
	if p, ok := l.pairs[i]; ok {
		if o, ok := l.entries[p].reqHeader("Origin"); ok {
			return o, "preflight"
		}
	}
	if e.ResourceType != "fetch" && e.ResourceType != "xhr" {
		return "", ""
	}
	if ref, ok := e.reqHeader("Referer"); ok {
		if o := serializedOrigin(ref); o != "" && o != serializedOrigin(e.Request.URL) {
			return o, "referer"
		}
	}
	return "", ""
}

// Candidate is an entry the page may have fetched cross-origin.
type Candidate struct {
	Index     int    `json:"index"` // entry index in log.entries
	Method    string `json:"method"`
	URL       string `json:"url"`
	Origin    string `json:"origin"`
	Status    int    `json:"status"` // 0 when the browser blocked it or it failed
	Error     string `json:"error,omitempty"`
	Type      string `json:"type,omitempty"` // _resourceType: fetch, xhr, ...
	Preflight int    `json:"preflight"`      // entry index of its preflight, -1 when none
	Started   string `json:"started,omitempty"`
}

// serializedOrigin is the origin of an absolute URL, serialized as a
// browser sends it in Origin (origin.URL.Origin), or "" when u is not one.
func serializedOrigin(u string) string {
	p, err := origin.ParseURL(u)
	if err != nil {
		return ""
	}
	return p.Origin().String()
}

// Candidates lists the cross-origin requests that carry an Origin header
// (the request's origin differs from the URL's, or is "null"), and
// preflights whose request has no entry, in file order.
func (l *Log) Candidates() []Candidate {
	var out []Candidate
	paired := map[int]bool{}
	for _, p := range l.pairs {
		paired[p] = true
	}
	// A redirect's next hop is the same fetch, listed with the request
	// that started it (Exchange.Hops): tried as a new user would, it was
	// explained again as a fetch of its own, from origin "null".
	hop := l.hops()
	for i := range l.entries {
		e := &l.entries[i]
		origin, _ := l.originOf(i)
		if origin == "" {
			continue
		}
		if l.pre[i] && paired[i] || hop[i] {
			continue // listed with its request
		}
		if !l.pre[i] && origin != "null" && origin == serializedOrigin(e.Request.URL) {
			continue // same-origin POST also sends Origin
		}
		c := Candidate{Index: i, Method: e.Request.Method, URL: e.Request.URL, Origin: origin, Status: e.Response.Status, Type: e.ResourceType, Preflight: -1, Started: e.StartedDateTime}
		if e.Response.Error != nil {
			c.Error = *e.Response.Error
		}
		if p, ok := l.pairs[i]; ok {
			c.Preflight = p
		}
		if l.pre[i] {
			c.Preflight = i
			if acrm, ok := e.reqHeader("Access-Control-Request-Method"); ok {
				c.Method = acrm
			}
		}
		out = append(out, c)
	}
	return out
}

// Unattributed lists the fetch and XHR entries that failed (status 0)
// with no origin the file shows (originOf: no Origin, no preflight, no
// cross-origin Referer), in file order. Chrome exports a request it
// blocked before the network with provisional headers, so a page whose
// referrer policy is no-referrer leaves nothing to tell the fetch's
// origin by: tried as a new user would, such a file read "0 cross-origin
// fetches, 0 blocked", with the blocked fetch never named. They are not
// Candidates: a same-origin fetch that failed on the network looks the
// same, and no origin is guessed.
func (l *Log) Unattributed() []Candidate {
	var out []Candidate
	hop := l.hops()
	for i := range l.entries {
		e := &l.entries[i]
		if e.ResourceType != "fetch" && e.ResourceType != "xhr" || e.Response.Status != 0 || l.pre[i] || hop[i] {
			continue
		}
		if o, _ := l.originOf(i); o != "" {
			continue
		}
		c := Candidate{Index: i, Method: e.Request.Method, URL: e.Request.URL, Type: e.ResourceType, Preflight: -1, Started: e.StartedDateTime}
		if e.Response.Error != nil {
			c.Error = *e.Response.Error
		}
		out = append(out, c)
	}
	return out
}
