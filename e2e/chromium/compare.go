package chromium

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/origin"
)

// Seen is what a browser did with one exchange, in the fields the
// differential harnesses compare with explain's verdict.
type Seen struct {
	Allowed         bool
	Exception       string
	Status          int
	Type            string
	ReadableHeaders []string
	// Reason is the browser's own name for the block, when it reports
	// one; ReasonKnown says whether this browser reports reasons at all
	// (DevTools does; Firefox's WebDriver BiDi does not).
	Reason      string
	ReasonKnown bool
	Console     []string
	Preflight   explain.PreflightTrace
	ActualSent  bool
	// Requests are the requests the server received for the exchange, in
	// order (SentRequests).
	Requests []explain.SentRequest
	// Then is what the browser did with each later fetch of a session
	// (scenario "then"), in order.
	Then []Seen
}

// Diff is one field where explain's verdict differs from the browser.
type Diff struct {
	Field            string
	Browser, Explain any
}

// CompareVerdict lists the fields where v differs from what the browser did.
// Reason is compared when the browser named one, or when the fetch was
// allowed (then explain must name none): a blocked fetch the browser names
// no reason for (a TypeError before any request, same-origin mode) carries a
// name of the engine's own, which the browser cannot confirm. keepConsole,
// when set, filters the verdict's console lines to those the harness can
// observe.
func CompareVerdict(ob Seen, v explain.Verdict, verr error, keepConsole func(string) bool) []Diff {
	var out []Diff
	add := func(field string, browser, ex any) { out = append(out, Diff{field, browser, ex}) }
	if verr != nil {
		add("error", nil, verr.Error())
		return out
	}
	if ob.Allowed != v.Allowed {
		add("allowed", ob.Allowed, v.Allowed)
	}
	if ob.Preflight.Sent != v.Preflight.Sent {
		add("preflight.sent", ob.Preflight.Sent, v.Preflight.Sent)
	}
	if ob.Preflight.Sent && v.Preflight.Sent && !maps.Equal(ob.Preflight.Headers, v.Preflight.Headers) {
		add("preflight.headers", ob.Preflight.Headers, v.Preflight.Headers)
	}
	if ob.ActualSent != v.ActualSent {
		add("actual_sent", ob.ActualSent, v.ActualSent)
	}
	if ob.Status != v.Status {
		add("status", ob.Status, v.Status)
	}
	if ob.Allowed && ob.Type != v.Type {
		add("type", ob.Type, v.Type)
	}
	if !slices.Equal(ob.ReadableHeaders, nonNil(v.ReadableHeaders)) {
		add("readable_headers", ob.ReadableHeaders, v.ReadableHeaders)
	}
	if ob.ReasonKnown && (ob.Reason != "" || ob.Allowed) && ob.Reason != v.Reason {
		add("reason", ob.Reason, v.Reason)
	}
	if ob.Exception != v.Exception {
		add("exception", ob.Exception, v.Exception)
	}
	out = append(out, compareRequests(ob.Requests, v.Requests)...)
	console := nonNil(v.Console)
	if keepConsole != nil {
		console = []string{}
		for _, l := range v.Console {
			if keepConsole(l) {
				console = append(console, l)
			}
		}
	}
	if !slices.Equal(ob.Console, console) {
		add("console", ob.Console, v.Console)
	}
	// Every field of every later fetch's verdict, as "then[i].<field>".
	if len(ob.Then) != len(v.Then) {
		add("then", len(ob.Then), len(v.Then))
		return out
	}
	for i := range ob.Then {
		for _, d := range CompareVerdict(ob.Then[i], v.Then[i], nil, keepConsole) {
			d.Field = "then[" + strconv.Itoa(i) + "]." + d.Field
			out = append(out, d)
		}
	}
	return out
}

// compareRequests compares the requests field by field: one Diff per
// differing field ("requests[1].origin"), or one for the whole list when
// the browser sent another number of requests.
func compareRequests(browser, ex []explain.SentRequest) []Diff {
	if len(browser) != len(ex) {
		return []Diff{{"requests", browser, ex}}
	}
	var out []Diff
	for i, b := range browser {
		e := ex[i]
		at := "requests[" + strconv.Itoa(i) + "]."
		for _, f := range []struct {
			name   string
			bv, ev any
		}{
			{"preflight", b.Preflight, e.Preflight}, {"method", b.Method, e.Method}, {"url", b.URL, e.URL},
			{"origin", b.Origin, e.Origin}, {"acrm", b.ACRM, e.ACRM}, {"acrh", b.ACRH, e.ACRH},
			{"status", b.Status, e.Status}, {"from_cdn", b.FromCDN, e.FromCDN},
		} {
			if f.bv != f.ev {
				out = append(out, Diff{at + f.name, f.bv, f.ev})
			}
		}
	}
	return out
}

// SentRequests reads what the server received as the verdict's requests:
// a preflight is an OPTIONS request with Access-Control-Request-Method
// (Received.IsPreflight); the URL is the request target in absolute form
// (a proxy's) or "http://" ("https://" over TLS) with the Host line, serialized as the URL
// parser does (engine/origin), so that it compares with the model's.
func SentRequests(rs []Received) []explain.SentRequest {
	out := make([]explain.SentRequest, 0, len(rs))
	for _, r := range rs {
		u := r.Target
		switch {
		case strings.HasPrefix(u, "http://"):
		case r.TLS:
			u = "https://" + r.Host + u
		default:
			u = "http://" + r.Host + u
		}
		if p, err := origin.ParseURL(u); err == nil {
			u = p.String()
		}
		x := explain.SentRequest{Preflight: r.IsPreflight(), Method: r.Method, URL: u, Status: r.Status, FromCDN: r.FromCDN}
		x.Origin, _ = r.Header.Get("Origin")
		if x.Preflight {
			x.ACRM, _ = r.Header.Get("Access-Control-Request-Method")
			x.ACRH, _ = r.Header.Get("Access-Control-Request-Headers")
		}
		out = append(out, x)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Row is one disagreement of a run: the exchange and the field.
type Row struct {
	ID string
	Diff
}

// Report formats the disagreements of a run, the first maxExchanges
// exchanges in detail, each value as JSON, and says how many exchanges it
// showed. browser names the browser's line.
func Report(browser string, rows []Row, maxExchanges int) (text string, exchanges int) {
	var b strings.Builder
	shown := map[string]bool{}
	w := max(len(browser), len("explain"))
	label := func(s string) string { return s + ":" + strings.Repeat(" ", w-len(s)+1) }
	for _, r := range rows {
		if len(shown) >= maxExchanges && !shown[r.ID] {
			continue
		}
		shown[r.ID] = true
		bv, _ := json.Marshal(r.Browser)
		ev, _ := json.Marshal(r.Explain)
		b.WriteString("\n  " + r.ID + " [" + r.Field + "]\n      " + label(browser) + string(bv) + "\n      " + label("explain") + string(ev))
	}
	return b.String(), len(shown)
}
