package main

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
)

// The worker's decisions, in plain Go: no net/http, no I/O. The entry
// module (worker.mjs) asks once per request, synchronously, what to do, and
// does it with the runtime's own Request, Response and streams; the
// http.Handler (handler.go), served by syumai in the runtime for the
// requests off that path and by net/http in the non-js build, does the
// same with net/http.

// explainPath is the debug endpoint: a request to explainPath+"/items/1"
// is explained as if it had been sent to "/items/1", with the same method
// and headers. It exists only when WHYCORS_DEBUG is on; otherwise such a
// path is forwarded like any other.
const explainPath = "/.whycors/explain"

// DebugHeader names the policy's decision and the rule (native.Policy.Summary)
// when WHYCORS_DEBUG is on; engine/middleware sends the same header.
const DebugHeader = "Whycors-Decision"

// Request is what the worker reads of an incoming request to decide on it.
type Request struct {
	Method string
	// Target is the path and query as the runtime received them
	// ("/items?x=1"), not percent-decoded.
	Target    string
	Origin    string
	HasOrigin bool
	ACRM      string // Access-Control-Request-Method
	HasACRM   bool
	ACRH      string // Access-Control-Request-Headers, its lines joined with ", "
	HasACRH   bool

	// For a policy in another format than native (Config.Eval), whose
	// evaluator may read any header and the URL (nginx's $http_*
	// variables and server_name):
	//
	// URL is the scheme and authority the client addressed
	// ("https://api.example.com"), Target follows it.
	URL string
	// Header is every request header, as the runtime's Headers class
	// lists them (lower-case names, lines of one name joined).
	Header headers.List
	// HasReply: the upstream has answered (Action AskAgain); Status and
	// ReplyHeader are its status and headers, without hop-by-hop fields
	// and without the CORS headers the policy owns (ownedHeaders).
	HasReply    bool
	Status      int
	ReplyHeader headers.List
}

// Action is what the worker does with a request.
type Action uint8

const (
	// Reply: answer with Status, Header and Body; the upstream is not asked.
	Reply Action = iota
	// Forward: send the request to the upstream, and on its reply (or on
	// the 502/504 that stands for it) remove the policy's CORS headers if
	// StripOwned, then add Header: Vary lines are appended to the reply's
	// Vary, other names replace the reply's lines of that name.
	Forward
	// Explain: answer the debug explain endpoint (explain_on.go), which
	// needs every request header, not only those in Request.
	Explain
	// AskAgain: send the request to the upstream, then decide again with
	// its status and headers (Request.HasReply): a policy in another
	// format than native, whose evaluator answers an actual request from
	// the application's reply (platform.go).
	AskAgain
	// Edit: the answer to AskAgain when the evaluator keeps the
	// upstream's body: reply with Status and the upstream's headers
	// edited by Header: a line with an empty Name deletes the header its
	// Value names, every other line is appended (platform.go, editOf).
	Edit
)

// Decision is what the worker does with one request.
type Decision struct {
	Action     Action
	Status     int
	Header     headers.List
	Body       string
	StripOwned bool
}

// Server decides on requests under one configuration. It is safe for
// concurrent use.
type Server struct {
	cfg     *Config
	refusal *Decision // set when the configuration is invalid
}

// NewServer returns the worker's decision maker. With configuration errors
// it answers every request with a 500 and no CORS headers: a broken policy
// must never turn into an allowing one. The body says only that the
// configuration is invalid (the faults would show the policy to every
// caller; the entry module logs them once), and lists the faults when
// showFaults is set (WHYCORS_DEBUG, DebugRequested).
func NewServer(cfg *Config, errs policy.Errors, showFaults bool) *Server {
	if len(errs) > 0 || cfg == nil || cfg.Policy == nil && cfg.Eval == nil {
		var b strings.Builder
		b.WriteString("whycors worker: not serving: the configuration is invalid; no CORS headers are sent until it is fixed\n")
		if showFaults {
			for _, e := range errs {
				b.WriteString(e.Error())
				b.WriteByte('\n')
			}
			if len(errs) == 0 {
				b.WriteString("no policy loaded\n")
			}
		} else {
			b.WriteString("the faults are in the worker's log (and in this reply with " + envDebug + "=true)\n")
		}
		return &Server{refusal: &Decision{Action: Reply, Status: 500, Header: plainText(), Body: b.String()}}
	}
	return &Server{cfg: cfg}
}

func plainText() headers.List {
	return headers.List{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}, {Name: "Cache-Control", Value: "no-store"}}
}

// ownedHeaders are the response headers the policy controls
// (native.OwnedHeaders): an upstream's own are removed from its reply.
var ownedHeaders = native.OwnedHeaders()

// Decide returns what to do with r.
func (s *Server) Decide(r *Request) Decision {
	if s.refusal != nil {
		return *s.refusal
	}
	path := r.Target
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if dotSegment(path) {
		// Before the explain endpoint and the policy: no reply of this
		// worker depends on such a path, and none may reach the upstream
		// (target.go).
		return Decision{Action: Reply, Status: 400, Header: plainText(), Body: "whycors worker: the path has a dot segment (\"..\" or \".\", also percent-encoded, after a backslash or before ';'), which could leave the upstream's path; refused\n"}
	}
	if s.cfg.Debug && (path == explainPath || strings.HasPrefix(path, explainPath+"/")) {
		if !canExplain {
			return Decision{Action: Reply, Status: 404, Header: plainText(), Body: "whycors worker: built without the explain endpoint (build with -tags whycors_explain)\n"}
		}
		return Decision{Action: Explain}
	}
	if canPlatform && s.cfg.Eval != nil {
		// (canPlatform, a constant: the native-only build links none of it.)
		return s.decidePlatform(r)
	}
	in := native.Input{Method: r.Method, Path: path, Origin: r.Origin, HasOrigin: r.HasOrigin, ACRM: r.ACRM, HasACRM: r.HasACRM}
	if r.HasACRH {
		in.ACRH = []string{r.ACRH}
	}
	var a native.Answer
	s.cfg.Policy.Decide(&in, &a)
	// Room for every line AddTo writes, so the list is allocated once
	// (appending from nil grew it four times: most of a preflight's
	// cost in wasm, where each allocation may run the collector).
	d := Decision{Header: make(headers.List, 0, 8)}
	switch a.Kind {
	case native.PreflightOK, native.PreflightRejected:
		// Answered at the edge; a rejected preflight gets no CORS header
		// (native package doc, "What the policy answers").
		d.Action, d.Status = Reply, a.Status
		a.AddTo(&d.Header)
	case native.Actual:
		if s.cfg.Refuse && r.HasOrigin && a.Failed == native.CheckOrigin {
			// WHYCORS_DISALLOWED=refuse: not forwarded at all. Vary as on
			// a forwarded reply, so a cache keeps it to this origin.
			d = Decision{Action: Reply, Status: 403, Header: plainText(), Body: "whycors worker: origin not allowed by the policy\n"}
			a.AddTo(&d.Header)
			break
		}
		d.Action, d.StripOwned = Forward, true
		a.AddTo(&d.Header)
	case native.NoRule:
		// No rule covers the path: the policy allows no origin there,
		// so the upstream's own CORS headers go (the edge owns CORS on
		// every path, as native.Policy.Respond models it). Passed
		// through untouched, a permissive upstream answered any origin
		// with credentials on such a path, and through it on a covered
		// path spelt otherwise ("/%61pi/x"; Decide now compares
		// native.CanonicalPath).
		d = Decision{Action: Forward, StripOwned: true}
	default:
		// The rule hands a preflight it does not allow to the
		// application (unmatched_preflight: pass): the upstream's reply
		// goes back untouched, as native.Policy.Respond models it.
		d = Decision{Action: Forward}
	}
	if s.cfg.Debug {
		d.Header = append(d.Header, headers.Field{Name: DebugHeader, Value: s.cfg.Policy.Summary(&a)})
	}
	return d
}

// The entry module and Go exchange one string each way per request,
// because every value crossing between JS and Go costs a call.
//
// Request: "METHOD\nTARGET" followed by "\nO\t<Origin>", "\nM\t<ACRM>"
// and "\nH\t<ACRH>" for those present. For a policy in another format
// than native (the entry module reads Go's bridge.full), also
// "\nU\t<scheme://authority>" and one "\nA\t<name>\t<value>" per request
// header; asked again (AskAgain) with the upstream's reply, also
// "\nS\t<status>" and one "\nP\t<name>\t<value>" per reply header. The
// runtime's Headers class refuses values holding a newline (Fetch §5.2,
// "header value"), so none can break the format.
//
// Answer: a first line, then "\n" and the header lines "Name\tvalue", then
// for Reply "\n\n" and the body:
//
//	R<status>   Reply
//	F           Forward, the reply's headers untouched but for Header
//	FS          Forward, StripOwned
//	X           Explain
//	A           AskAgain
//	E<status>   Edit: header lines "Name\tvalue" are appended, "\tName"
//	            deletes Name
//
// An answer never ends a header line with "\n" before the body separator,
// so "\n\n" first occurs where the body starts.

// maxWireBytes bounds a request in wire form: the runtime already bounds
// header sizes (workerd: 128 KiB for the whole head), this guards the
// parser if it is ever called otherwise.
const maxWireBytes = 256 << 10

// ParseWire reads a request in wire form.
func ParseWire(q string) (Request, bool) {
	var r Request
	if len(q) > maxWireBytes {
		return r, false
	}
	line, q, _ := strings.Cut(q, "\n")
	r.Method = line
	line, q, _ = strings.Cut(q, "\n")
	r.Target = line
	if r.Method == "" || !strings.HasPrefix(r.Target, "/") {
		return r, false
	}
	for q != "" {
		line, q, _ = strings.Cut(q, "\n")
		if len(line) < 2 || line[1] != '\t' {
			return r, false
		}
		v := line[2:]
		switch line[0] {
		case 'O':
			r.Origin, r.HasOrigin = v, true
		case 'M':
			r.ACRM, r.HasACRM = v, true
		case 'H':
			r.ACRH, r.HasACRH = v, true
		case 'U':
			r.URL = v
		case 'A', 'P':
			name, value, ok := strings.Cut(v, "\t")
			if !ok || name == "" {
				return r, false
			}
			if line[0] == 'A' {
				r.Header.Add(name, value)
			} else {
				r.ReplyHeader.Add(name, value)
			}
		case 'S':
			n, err := strconv.Atoi(v)
			if err != nil || n < 100 || n > 999 {
				return r, false
			}
			r.Status, r.HasReply = n, true
		default:
			return r, false
		}
	}
	return r, true
}

// Wire writes r in wire form (the tests and the non-js build use it to
// check the round trip).
func (r *Request) Wire() string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(r.Target)
	add := func(k byte, v string, ok bool) {
		if ok {
			b.WriteByte('\n')
			b.WriteByte(k)
			b.WriteByte('\t')
			b.WriteString(v)
		}
	}
	add('O', r.Origin, r.HasOrigin)
	add('M', r.ACRM, r.HasACRM)
	add('H', r.ACRH, r.HasACRH)
	add('U', r.URL, r.URL != "")
	for _, f := range r.Header {
		add('A', f.Name+"\t"+f.Value, true)
	}
	add('S', strconv.Itoa(r.Status), r.HasReply)
	for _, f := range r.ReplyHeader {
		add('P', f.Name+"\t"+f.Value, true)
	}
	return b.String()
}

// Wire writes d in wire form.
func (d *Decision) Wire() string { return string(d.AppendWire(nil)) }

// AppendWire appends d in wire form to b: the exported call writes into
// its answer buffer with no string in between.
func (d *Decision) AppendWire(b []byte) []byte {
	switch d.Action {
	case Reply:
		b = append(b, 'R')
		b = strconv.AppendInt(b, int64(d.Status), 10)
	case Forward:
		b = append(b, 'F')
		if d.StripOwned {
			b = append(b, 'S')
		}
	case Explain:
		return append(b, 'X')
	case AskAgain:
		return append(b, 'A')
	case Edit:
		b = append(b, 'E')
		b = strconv.AppendInt(b, int64(d.Status), 10)
	}
	for _, f := range d.Header {
		b = append(b, '\n')
		b = append(b, f.Name...)
		b = append(b, '\t')
		b = append(b, f.Value...)
	}
	if d.Action == Reply {
		b = append(b, "\n\n"...)
		b = append(b, d.Body...)
	}
	return b
}

// DecideWire is Decide on the wire form. A request it cannot read gets a
// 400 with no CORS headers.
func (s *Server) DecideWire(q string) string { return string(s.AppendDecideWire(nil, q)) }

// AppendDecideWire appends DecideWire's answer to b.
func (s *Server) AppendDecideWire(b []byte, q string) []byte {
	r, ok := ParseWire(q)
	if !ok {
		d := Decision{Action: Reply, Status: 400, Header: plainText(), Body: "whycors worker: unreadable request\n"}
		return d.AppendWire(b)
	}
	d := s.Decide(&r)
	return d.AppendWire(b)
}
