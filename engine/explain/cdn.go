package explain

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/cdn"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/wire"
)

// The scenario's "cdn" puts a shared cache (engine/cdn) between every page
// of the session and the server: each browser's session gets an empty one,
// shared by all its fetches whatever their page origin, on the session's
// simulated clock. The server asks it first; a request it answers never
// reaches the server. What it did for each request is kept beside the
// exchange (cdnNote), so the steps can say whose stored reply answered,
// and requests[].from_cdn is set.

// CDNSource is an evaluator whose configuration puts a shared cache in
// front of some URLs (a template's CloudFront distribution): CDNFor is
// the cache in front of url and where the configuration says so (the
// verdict's decided_by when a stored reply answers), ok false when none
// is. explain uses it when the scenario states no "cdn"; a stated one
// wins.
type CDNSource interface {
	CDNFor(url string) (c cdn.Config, at wire.Place, ok bool)
}

// CDN is the scenario's "cdn": the request headers its cache key names
// and whether it honours Vary (engine/cdn).
type CDN = cdn.Config

// cdnSession is the CDN state of one browser session.
type cdnSession struct {
	cache *cdn.Cache
	path  string    // JSON path of the fetch running now ("$.then[0].request")
	notes []cdnNote // one per request the current fetch sent, in order
	// done are the notes and exchanges of the fetch that ended, index
	// for index (a slice, not a map: the simulator's wasm stays smaller).
	done []cdnNote
	xs   []fetch.Exchange
}

// cdnNote is what the CDN did with one request: answered it from a stored
// entry (hit), or forwarded it and stored the reply (stored) or not, and
// why.
type cdnNote struct {
	hit, stored *cdn.Entry
	miss, store string
	origin      string    // the request's Origin, "" when it had none
	_           [0]func() // not comparable: no equality code in the wasm
}

// checkCDN reports the faults of s.CDN, each at its JSON path: more than
// limits.CDNKeyHeaders key headers, a name that is not a header name
// (an HTTP token), a name listed twice (header names are
// case-insensitive).
func checkCDN(s Scenario) policy.Errors {
	if s.CDN == nil {
		return nil
	}
	var errs policy.Errors
	if n := len(s.CDN.KeyHeaders); n > limits.CDNKeyHeaders {
		return policy.Errors{{Path: "$.cdn.key_headers", Msg: strconv.Itoa(n) + " key headers; at most " + strconv.Itoa(limits.CDNKeyHeaders)}}
	}
	for i, n := range s.CDN.KeyHeaders {
		path := "$.cdn.key_headers[" + strconv.Itoa(i) + "]"
		if !headers.IsToken(n) {
			errs = append(errs, &policy.Error{Path: path, Msg: quoteStr(n) + " is not a header name"})
			continue
		}
		for j, m := range s.CDN.KeyHeaders[:i] {
			if strings.EqualFold(n, m) {
				errs = append(errs, &policy.Error{Path: path, Msg: "duplicate: " + n + " is also $.cdn.key_headers[" + strconv.Itoa(j) + "]"})
				break
			}
		}
	}
	return errs
}

// withSession returns srv for one browser session: with a new, empty CDN
// when the scenario has one.
func (srv *server) withSession() *server {
	if srv.s.CDN == nil {
		return srv
	}
	cp := *srv
	cp.cdn = &cdnSession{cache: cdn.New(*srv.s.CDN)}
	return &cp
}

// begin starts a fetch of the session: path is its request's JSON path.
func (c *cdnSession) begin(path string) {
	if c == nil {
		return
	}
	c.path, c.notes, c.done, c.xs = path, nil, nil, nil
}

// end files the notes of the fetch by its exchanges (one Answer call
// each, in order).
func (c *cdnSession) end(res *fetch.Result) {
	if c != nil && len(c.notes) == len(res.Exchanges) {
		c.done, c.xs = c.notes, res.Exchanges
	}
}

// answer asks the CDN for req: a fresh stored reply, else the server
// (origin) and, when the reply may be stored, stores it.
func (c *cdnSession) answer(req policy.Request, origin func() policy.Outcome) policy.Outcome {
	var n cdnNote
	n.origin, _ = req.Header.Get("Origin")
	e, why := c.cache.Lookup(req)
	if e != nil {
		n.hit = e
		c.notes = append(c.notes, n)
		out := e.Outcome
		out.Reply.Header = out.Reply.Header.Clone()
		return out
	}
	n.miss = why
	out := origin()
	n.stored, n.store = c.cache.Store(req, out, c.path+" ("+req.Method+" "+originPhrase(req)+")")
	c.notes = append(c.notes, n)
	return out
}

func originPhrase(req policy.Request) string {
	if o, ok := req.Header.Get("Origin"); ok {
		return "from Origin " + o
	}
	return "with no Origin"
}

// note is what the CDN did with exchange x, or nil without a CDN.
func (srv *server) note(x *fetch.Exchange) *cdnNote {
	if srv.cdn == nil {
		return nil
	}
	for i := range srv.cdn.xs {
		if &srv.cdn.xs[i] == x {
			return &srv.cdn.done[i]
		}
	}
	return nil
}

// viaCDN is who answered exchange x, as the server step says it: who
// itself without a CDN; the CDN and the stored reply it served; or who
// through the CDN, and whether the CDN stored the reply.
func (srv *server) viaCDN(x *fetch.Exchange, who string) string {
	n := srv.note(x)
	if n == nil {
		return who
	}
	if e := n.hit; e != nil {
		return "The CDN, from its cache (the server did not see this request: the reply stored for " + e.Tag +
			", " + e.Fresh() + ", keyed by " + keyWords(srv.cdn.cache.Config(), e) + ", where " + strings.ToLower(who[:1]) + who[1:] + " had answered)"
	}
	s := who + " (through the CDN: " + n.miss + "; "
	if n.stored != nil {
		return s + "it stored the reply, " + n.store + ", keyed by " + keyWords(srv.cdn.cache.Config(), n.stored) + ")"
	}
	return s + "it did not store the reply: " + n.store + ")"
}

// keyWords says what a stored entry is keyed by.
func keyWords(cfg cdn.Config, e *cdn.Entry) string {
	parts := []string{"URL"}
	parts = append(parts, cfg.KeyHeaders...)
	if v := e.Vary(); len(v) > 0 {
		parts = append(parts, "Vary: "+strings.Join(v, ", "))
	}
	return strings.Join(parts, " + ")
}

// warnings are the warnings of the fetch that just ran: a CORS request
// the CDN answered with a reply stored for a request with another Origin
// (or none): the commonest CloudFront failure, a reply cached without
// CORS headers for an <img> or a no-cors fetch, or with another origin's
// Access-Control-Allow-Origin.
func (c *cdnSession) warnings() []Warning {
	if c == nil {
		return nil
	}
	var out []Warning
	for _, n := range c.notes {
		e := n.hit
		if e == nil {
			continue
		}
		// A request without Origin (no-cors) reads no CORS header.
		was, _ := e.Request.Header.Get("Origin")
		if was == n.origin || n.origin == "" {
			continue
		}
		msg := "The CDN answered " + e.Request.Method + " " + e.Request.URL + " for Origin " + n.origin + " with the reply it stored for " + e.Tag
		if was == "" {
			msg += ", a request without Origin, which a server answers without CORS headers when it adds them only to CORS requests"
		}
		out = append(out, Warning{Code: "cdn-shared-reply", Severity: "warning",
			Message: msg + ". A reply whose CORS headers depend on Origin must be keyed by it: add Origin to the CDN's cache key (CloudFront: the cache policy's headers), or send Vary: Origin on every reply, with or without a match, to a CDN that honours Vary."})
	}
	return out
}
