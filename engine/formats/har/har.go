// Package har reads HAR 1.2 files exported by browser DevTools (format name
// "har") and turns one captured cross-origin fetch into the request, the
// preflight reply and the actual reply, so the engine can re-derive the
// verdict the browser reached.
//
// Pairing a preflight with its request (shared/reference/cloud-policies.md
// §6.6): Chrome marks a preflight entry with _resourceType "preflight" and
// _initiator {type: "preflight", requestId}, but its entries do not carry
// their own request id (devtools-frontend Log.ts exports none), so the
// requestId is used only when a tool added _requestId to entries.
// Otherwise, and for Firefox and Safari HARs (standard fields only, where
// a preflight is an OPTIONS entry with Access-Control-Request-Method), a
// preflight is paired with the next entry for the same URL whose method
// is its ACRM.
//
// What the export loses, reported in Exchange.Notes: Chrome does not
// export the CORS error itself (CDP corsErrorStatus): a blocked request
// shows status 0 and _error such as net::ERR_FAILED, so its reply is
// unknown; "Export HAR (sanitized)" drops Cookie, Authorization and
// Set-Cookie, so the fetch's credentials mode cannot be read back; a
// preflight answered from the browser's preflight cache has no entry.
package har

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/raw"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
)

// Bounds: DevTools exports of long sessions run to tens of megabytes.
const (
	MaxSize    = 50 << 20
	MaxEntries = 100000
	MaxHeaders = 1000 // per request or response

	maxLookahead = 64 // later entries for the same URL searched for a preflight's request
)

type nv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type initiator struct {
	Type      string `json:"type"`
	URL       string `json:"url"`
	RequestID string `json:"requestId"`
}

type entry struct {
	StartedDateTime string `json:"startedDateTime"`
	Request         struct {
		Method  string `json:"method"`
		URL     string `json:"url"`
		Headers []nv   `json:"headers"`
		Cookies []nv   `json:"cookies"`
	} `json:"request"`
	Response struct {
		Status      int     `json:"status"`
		StatusText  string  `json:"statusText"`
		Headers     []nv    `json:"headers"`
		RedirectURL string  `json:"redirectURL"`
		Error       *string `json:"_error"`
	} `json:"response"`
	ResourceType string     `json:"_resourceType"`
	Initiator    *initiator `json:"_initiator"`
	FromCache    string     `json:"_fromCache"`
	RequestID    string     `json:"_requestId"`
}

type file struct {
	Log *struct {
		Version string `json:"version"`
		Creator struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"creator"`
		Entries *[]json.RawMessage `json:"entries"`
	} `json:"log"`
}

// Log is a read HAR file.
type Log struct {
	Creator string // creator.name and version, e.g. "WebInspector 537.36"
	entries []entry
	pairs   map[int]int // actual entry index -> preflight entry index
	pre     map[int]bool
}

// Read parses a HAR file. Errors carry the line and column of the fault
// and, for an entry, its JSON path.
func Read(text string) (*Log, error) {
	if len(text) > MaxSize {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "HAR larger than " + strconv.Itoa(MaxSize>>20) + " MiB: export only the requests of interest"}}
	}
	// Fast path: decode the entries directly; only when that fails decode
	// them one by one to find and place every fault.
	var fast struct {
		Log *struct {
			Creator struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			} `json:"creator"`
			Entries *[]entry `json:"entries"`
		} `json:"log"`
	}
	if json.Unmarshal([]byte(text), &fast) == nil && fast.Log != nil && fast.Log.Entries != nil && len(*fast.Log.Entries) <= MaxEntries {
		l := &Log{Creator: strings.TrimSpace(fast.Log.Creator.Name + " " + fast.Log.Creator.Version), entries: *fast.Log.Entries}
		ok := true
		for i := range l.entries {
			en := &l.entries[i]
			if len(en.Request.Headers) > MaxHeaders || len(en.Response.Headers) > MaxHeaders || en.Request.Method == "" || en.Request.URL == "" {
				ok = false
				break
			}
		}
		if ok {
			l.pair()
			return l, nil
		}
	}
	var f file
	if err := json.Unmarshal([]byte(text), &f); err != nil {
		return nil, policy.Errors{jsonError(text, err, "$")}
	}
	if f.Log == nil || f.Log.Entries == nil {
		return nil, policy.Errors{{Path: "$.log.entries", Line: 1, Column: 1, Msg: "not a HAR file: no log.entries"}}
	}
	raws := *f.Log.Entries
	if len(raws) > MaxEntries {
		return nil, policy.Errors{{Path: "$.log.entries", Line: 1, Column: 1, Msg: "more than " + strconv.Itoa(MaxEntries) + " entries"}}
	}
	l := &Log{Creator: strings.TrimSpace(f.Log.Creator.Name + " " + f.Log.Creator.Version), entries: make([]entry, len(raws))}
	var errs policy.Errors
	for i, r := range raws {
		path := "$.log.entries[" + strconv.Itoa(i) + "]"
		if err := json.Unmarshal(r, &l.entries[i]); err != nil {
			e := jsonError(string(r), err, path)
			// place the error in the whole text: entries are stored raw,
			// so find where this one starts
			if off := offsetOf(text, r); off >= 0 {
				var ute *json.UnmarshalTypeError
				var se *json.SyntaxError
				inner := 0
				if errors.As(err, &ute) {
					inner = valueStart(string(r), int(ute.Offset))
				} else if errors.As(err, &se) {
					inner = max(0, int(se.Offset)-1)
				}
				e.Line, e.Column = policy.LineCol(text, off+inner)
			}
			errs = append(errs, e)
			if len(errs) >= 50 {
				break
			}
			continue
		}
		en := &l.entries[i]
		if len(en.Request.Headers) > MaxHeaders || len(en.Response.Headers) > MaxHeaders {
			errs = append(errs, &policy.Error{Path: path, Msg: "more than " + strconv.Itoa(MaxHeaders) + " headers"})
		}
		if en.Request.Method == "" || en.Request.URL == "" {
			line, col := 0, 0
			if off := offsetOf(text, r); off >= 0 {
				line, col = policy.LineCol(text, off)
			}
			errs = append(errs, &policy.Error{Path: path + ".request", Line: line, Column: col, Msg: "entry without request.method or request.url"})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	l.pair()
	return l, nil
}

// offsetOf finds where the raw message r sits in text: RawMessage keeps
// a slice of the decoder's copy, so search for its bytes.
func offsetOf(text string, r json.RawMessage) int {
	if len(r) > 0 && len(r) < 1<<20 {
		return strings.Index(text, string(r))
	}
	return -1
}

func jsonError(text string, err error, path string) *policy.Error {
	var se *json.SyntaxError
	var ute *json.UnmarshalTypeError
	e := &policy.Error{Path: path, Msg: err.Error()}
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read, the bad one included.
		e.Line, e.Column = policy.LineCol(text, max(0, int(se.Offset)-1))
		e.Msg = "invalid JSON: " + se.Error()
	case errors.As(err, &ute):
		e.Line, e.Column = policy.LineCol(text, valueStart(text, int(ute.Offset)))
		if ute.Field != "" {
			e.Path = path + "." + ute.Field
		}
		e.Msg = "want " + ute.Type.String() + ", found a JSON " + ute.Value
	}
	return e
}

// valueStart walks back from end, the offset just after a scalar JSON
// value (where encoding/json reports a type mismatch), to its first byte.
func valueStart(text string, end int) int {
	if end > len(text) {
		end = len(text)
	}
	i := end - 1
	if i < 0 {
		return 0
	}
	if text[i] == '"' {
		for i--; i > 0; i-- {
			if text[i] == '"' && text[i-1] != '\\' {
				return i
			}
		}
		return 0
	}
	for i > 0 && !strings.ContainsRune(" \t\r\n,:[{", rune(text[i-1])) {
		i--
	}
	return i
}

func list(h []nv) headers.List {
	out := make(headers.List, 0, len(h))
	for _, f := range h {
		out = append(out, headers.Field{Name: f.Name, Value: f.Value})
	}
	return out
}

func (e *entry) reqHeader(name string) (string, bool) {
	for _, f := range e.Request.Headers {
		if strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// isPreflight: Chrome's _resourceType, or OPTIONS with ACRM (Firefox,
// Safari, and Chrome versions that do not list preflights separately).
func (e *entry) isPreflight() bool {
	if e.ResourceType == "preflight" || (e.Initiator != nil && e.Initiator.Type == "preflight") {
		return true
	}
	_, acrm := e.reqHeader("Access-Control-Request-Method")
	return strings.EqualFold(e.Request.Method, "OPTIONS") && acrm
}

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
	for i := range l.entries {
		e := &l.entries[i]
		origin, ok := e.reqHeader("Origin")
		if !ok {
			continue
		}
		if l.pre[i] && paired[i] {
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

// Request is the fetch as the HAR shows it.
type Request struct {
	Method string `json:"method"`
	URL    string `json:"url"`
	Origin string `json:"origin"`
	// Headers are the request headers the page could have set: the
	// entry's headers without those the browser adds itself (Host, Origin,
	// Cookie, User-Agent, Sec-*, ...). When only the preflight is in the
	// file, they are the names listed in its ACRH with empty values.
	Headers headers.List `json:"headers"`
	// Credentials is "include" when the request carried Cookie or
	// Authorization, "" (unknown) otherwise: a sanitized export drops
	// both.
	Credentials string `json:"credentials,omitempty"`
}

// Exchange is one fetch: the request, and the replies the server gave.
type Exchange struct {
	Request Request `json:"request"`
	// Preflight is the reply to the preflight; nil when none was
	// captured. Actual is the reply to the request; nil when the HAR has
	// none (status 0: blocked, or never sent).
	Preflight *policy.Reply `json:"preflight,omitempty"`
	Actual    *policy.Reply `json:"actual,omitempty"`
	// PreflightIndex and ActualIndex are entry indexes, -1 when absent.
	PreflightIndex int      `json:"preflight_index"`
	ActualIndex    int      `json:"actual_index"`
	Notes          []string `json:"notes,omitempty"`
}

// browserSet are request headers the browser adds itself; a page cannot
// set them with fetch() (Fetch §2.2.2 forbidden request-header) or they
// are added by the network stack. Pragma and Cache-Control are left out
// too: Chrome adds both (no-cache) when DevTools' "Disable cache" is on.
func browserSet(name string) bool {
	n := strings.ToLower(name)
	if strings.HasPrefix(n, "sec-") || strings.HasPrefix(n, "proxy-") || strings.HasPrefix(n, ":") {
		return true
	}
	switch n {
	case "accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method",
		"connection", "content-length", "cookie", "cookie2", "date", "dnt", "expect", "host", "keep-alive",
		"origin", "referer", "te", "trailer", "transfer-encoding", "upgrade", "via", "user-agent", "pragma", "cache-control":
		return true
	}
	return false
}

func reply(e *entry) *policy.Reply {
	return &policy.Reply{Status: e.Response.Status, Header: list(e.Response.Headers)}
}

// Exchange builds the request and both replies for entry index i, which
// may be a request or a preflight (then its request is used when paired).
func (l *Log) Exchange(i int) (Exchange, error) {
	if i < 0 || i >= len(l.entries) {
		return Exchange{}, errors.New("har: no entry " + strconv.Itoa(i))
	}
	x := Exchange{PreflightIndex: -1, ActualIndex: -1}
	if l.pre[i] {
		x.PreflightIndex = i
		for a, p := range l.pairs {
			if p == i {
				x.ActualIndex = a
			}
		}
	} else {
		x.ActualIndex = i
		if p, ok := l.pairs[i]; ok {
			x.PreflightIndex = p
		}
	}
	if x.PreflightIndex >= 0 {
		p := &l.entries[x.PreflightIndex]
		x.Preflight = reply(p)
		if p.Response.Status == 0 {
			x.Preflight = nil
			x.Notes = append(x.Notes, "the preflight has no reply in the HAR (status 0"+errText(p)+"): Chrome does not export the CORS error; the verdict is re-derived from headers")
		}
		origin, _ := p.reqHeader("Origin")
		acrm, _ := p.reqHeader("Access-Control-Request-Method")
		acrh, _ := p.reqHeader("Access-Control-Request-Headers")
		x.Request = Request{Method: acrm, URL: p.Request.URL, Origin: origin}
		for _, n := range strings.Split(acrh, ",") {
			if n = strings.TrimSpace(n); n != "" {
				x.Request.Headers = append(x.Request.Headers, headers.Field{Name: n})
			}
		}
		if p.FromCache != "" {
			x.Notes = append(x.Notes, "the preflight reply came from the "+p.FromCache+" cache")
		}
	} else {
		x.Notes = append(x.Notes, "no preflight in the HAR: none was needed, or the browser used its preflight cache (cached preflights have no entry)")
	}
	if x.ActualIndex >= 0 {
		a := &l.entries[x.ActualIndex]
		origin, _ := a.reqHeader("Origin")
		x.Request = Request{Method: a.Request.Method, URL: a.Request.URL, Origin: origin}
		for _, f := range a.Request.Headers {
			if !browserSet(f.Name) {
				x.Request.Headers = append(x.Request.Headers, headers.Field{Name: f.Name, Value: f.Value})
			}
		}
		if _, ok := a.reqHeader("Cookie"); ok || len(a.Request.Cookies) > 0 {
			x.Request.Credentials = "include"
		} else {
			x.Notes = append(x.Notes, "credentials mode unknown: the request carries no Cookie, which fits credentials 'omit' or 'same-origin', or an export sanitized of Cookie, Authorization and Set-Cookie")
		}
		if a.Response.Status == 0 {
			x.Notes = append(x.Notes, "the request has no reply in the HAR (status 0"+errText(a)+"): it was blocked or never sent; Chrome does not export the CORS error, so the verdict is re-derived from headers")
		} else {
			x.Actual = reply(a)
			if a.FromCache != "" {
				x.Notes = append(x.Notes, "the reply came from the "+a.FromCache+" cache: the server did not see this request")
			}
			if a.Response.RedirectURL != "" {
				x.Notes = append(x.Notes, "the reply redirects to "+a.Response.RedirectURL+"; the next hop is a separate entry")
			}
		}
	} else if x.PreflightIndex >= 0 {
		x.Notes = append(x.Notes, "the actual request has no entry: the preflight failed, or the file was cut")
	}
	return x, nil
}

func errText(e *entry) string {
	if e.Response.Error != nil && *e.Response.Error != "" {
		return ", _error " + *e.Response.Error
	}
	return ""
}

// Evaluator answers with the replies of entry i, as package raw does for
// pasted replies.
func (l *Log) Evaluator(i int) (policy.Evaluator, error) {
	x, err := l.Exchange(i)
	if err != nil {
		return nil, err
	}
	return raw.Replies(x.Preflight, x.Actual), nil
}

// Formats are this package's formats, for a policy.Registry (engine/all lists them).
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "har" policy format.
type Format struct{}

// Name returns "har".
func (*Format) Name() string { return "har" }

// NoRulesWhy says why a HAR cannot be converted: it holds what the browser
// received, not the rules the server answered from.
func (*Format) NoRulesWhy() string {
	return "captured replies are not a policy: there are no rules to convert"
}

// Detect claims a JSON object with log.entries.
func (*Format) Detect(text string) (bool, string) {
	t := strings.TrimLeft(text, " \t\r\n\ufeff")
	if !strings.HasPrefix(t, "{") {
		return false, ""
	}
	head := t
	if len(head) > 4096 {
		head = head[:4096]
	}
	if strings.Contains(head, `"log"`) && (strings.Contains(head, `"entries"`) || strings.Contains(head, `"creator"`)) {
		return true, "a JSON object with log.entries (HAR)"
	}
	return false, ""
}

// Parse reads a HAR and answers with its last candidate fetch (the most
// recent); use Read, Candidates and Evaluator to choose another.
func (*Format) Parse(text string) (policy.Evaluator, error) {
	l, err := Read(text)
	if err != nil {
		return nil, err
	}
	cs := l.Candidates()
	if len(cs) == 0 {
		return nil, policy.Errors{{Path: "$.log.entries", Line: 1, Column: 1, Msg: "no cross-origin request with an Origin header in this HAR"}}
	}
	return l.Evaluator(cs[len(cs)-1].Index)
}
