// Package raw reads HTTP replies pasted as text: the output of `curl -i`
// and `curl -v`, and header lines copied from browser DevTools, and answers
// requests with them (format name "raw").
//
// What it accepts (shared/reference/cloud-policies.md §6.5):
//
//   - `curl -i`: a status line, header lines, a blank line, a body. Several
//     status blocks may follow each other: interim 1xx replies and a proxy's
//     "200 Connection established" are skipped, and a 3xx block followed by
//     another block is read as a redirect that `curl -L` followed.
//   - `curl -v`: lines prefixed "< " (response), "> " (request), "* " (curl's
//     own notes) and "{ "/"} " (data); the prefixes are stripped and the
//     request lines kept to tell a preflight from an actual request and to
//     rebuild the request (ParseRequest).
//   - HTTP/2 and HTTP/3 status lines ("HTTP/2 204") and lowercase names.
//   - DevTools copies without a status line: "name: value" lines, or name
//     and value on alternating lines; a ":status" pseudo-header gives the
//     status, otherwise 200 is assumed and noted.
//
// One pasted reply is the preflight reply when curl shows it answered an
// OPTIONS request, or, without request lines, when it carries
// Access-Control-Allow-Methods, -Allow-Headers or -Max-Age (headers only a
// preflight reply uses, Fetch §3.2.3); otherwise it is the actual reply.
// Two replies are the preflight reply then the actual reply, unless request
// lines say otherwise.
//
// Values keep their exact bytes apart from leading and trailing spaces and
// tabs, which HTTP parsers strip (RFC 9110 §5.5) and so does the browser
// (Fetch "normalize"); repeated lines stay separate lines.
package raw

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/policy"
)

// Bounds on the input, so no paste can make the reader slow.
const (
	MaxText    = limits.PolicyText // bytes of pasted text
	MaxLines   = 20000
	MaxHeaders = 500      // header lines per reply
	MaxBody    = 64 << 10 // bytes of body kept per reply
	maxBlocks  = 50       // status blocks
)

// Hop is one redirect that curl followed before the reply.
type Hop struct {
	Status   int    `json:"status"`
	Location string `json:"location,omitempty"`
	Line     int    `json:"line"`
}

// Reply is one reply read from the text.
type Reply struct {
	policy.Reply
	// Line is the 1-based line of the status line (or first header line).
	Line int `json:"line"`
	// Redirects are the 3xx replies curl followed (-L) before this one;
	// the browser never follows a redirect of a preflight (Fetch §4.8 step
	// 7: a preflight response must be an ok status), so for a preflight
	// the first hop is what it sees.
	Redirects []Hop `json:"redirects,omitempty"`
	// FirstHop is the first redirect reply as received, when Redirects
	// is not empty: the reply a browser gets to a preflight.
	FirstHop *policy.Reply `json:"first_hop,omitempty"`
	// Request is what curl -v printed for the request this reply answers.
	Request *Request `json:"request,omitempty"`
	// Assumed is set when the status was not in the text and 200 was used.
	Assumed bool `json:"assumed,omitempty"`
}

// Request is a request as curl -v printed it ("> " lines).
type Request struct {
	Method string       `json:"method"`
	Target string       `json:"target"` // request-target as sent: "/items/1?x=y"
	URL    string       `json:"url"`    // absolute when the Host is known
	Header headers.List `json:"headers"`
	Line   int          `json:"line"`
	// Noted: named by a "# reply to ..." note, not by a request curl
	// sent, so a 3xx it gets is a reply no one followed.
	Noted bool `json:"noted,omitempty"`
}

// Capture is everything read from one paste.
type Capture struct {
	Preflight *Reply `json:"preflight,omitempty"`
	Actual    *Reply `json:"actual,omitempty"`
	// Notes say how the text was read: skipped interim replies, which
	// reply was taken for the preflight and why.
	Notes []string `json:"notes,omitempty"`
}

type lineKind uint8

const (
	plain lineKind = iota
	resp           // "< "
	req            // "> "
	info           // "* "
	data           // "{ " or "} "
)

type line struct {
	kind lineKind
	text string // prefix stripped
	no   int    // 1-based line number
	col  int    // 1-based column where text starts
}

func split(text string) ([]line, *policy.Error) {
	if len(text) > MaxText {
		return nil, &policy.Error{Line: 1, Column: 1, Msg: "text longer than " + strconv.Itoa(MaxText) + " bytes"}
	}
	raw := strings.Split(text, "\n")
	if len(raw) > MaxLines {
		return nil, &policy.Error{Line: MaxLines + 1, Column: 1, Msg: "more than " + strconv.Itoa(MaxLines) + " lines"}
	}
	out := make([]line, 0, len(raw))
	for i, s := range raw {
		s = strings.TrimSuffix(s, "\r")
		l := line{kind: plain, text: s, no: i + 1, col: 1}
		if len(s) >= 1 {
			var k lineKind = plain
			switch s[0] {
			case '<':
				k = resp
			case '>':
				k = req
			case '*':
				k = info
			case '{', '}':
				k = data
			}
			// The marker counts only when followed by a space or alone,
			// as curl -v prints it; "<html>" in a body stays plain.
			if k != plain && (len(s) == 1 || s[1] == ' ') {
				l.kind = k
				l.text = strings.TrimPrefix(s[1:], " ")
				l.col = 1 + len(s) - len(l.text)
			}
		}
		out = append(out, l)
	}
	return out, nil
}

// isStatusLine reports whether s is "HTTP/<version> <3 digits>[ reason]".
func isStatusLine(s string) bool {
	if !strings.HasPrefix(s, "HTTP/") {
		return false
	}
	sp := strings.IndexByte(s, ' ')
	return sp > 5 && s[5] >= '0' && s[5] <= '9'
}

func parseStatus(l line) (int, string, *policy.Error) {
	s := l.text
	sp := strings.IndexByte(s, ' ')
	rest := strings.TrimLeft(s[sp+1:], " ")
	code := rest
	reason := ""
	if i := strings.IndexByte(rest, ' '); i >= 0 {
		code, reason = rest[:i], rest[i+1:]
	}
	n, err := strconv.Atoi(code)
	if err != nil || len(code) != 3 || n < 100 {
		return 0, "", &policy.Error{Line: l.no, Column: l.col + sp + 1, Msg: "status code " + strconv.Quote(code) + " is not three digits from 100 to 999"}
	}
	return n, reason, nil
}

// isTchar and isToken are the token grammar of field names (RFC 9110 §5.6.2).
func isTchar(c byte) bool   { return headers.IsTokenByte(c) }
func isToken(s string) bool { return headers.IsToken(s) }

func trimOWS(s string) string { return strings.Trim(s, " \t") }

// field parses "name: value"; a leading ':' is an HTTP/2 pseudo-header.
func field(l line) (headers.Field, *policy.Error) {
	s := l.text
	start := 0
	if strings.HasPrefix(s, ":") {
		start = 1
	}
	i := strings.IndexByte(s[start:], ':')
	if i < 0 {
		return headers.Field{}, &policy.Error{Line: l.no, Column: l.col, Msg: "header line without a colon: " + quoteShort(s)}
	}
	i += start
	name := s[:i]
	if !isToken(name[start:]) {
		col := l.col
		for j := start; j < len(name); j++ {
			if !isTchar(name[j]) {
				col = l.col + j
				break
			}
		}
		return headers.Field{}, &policy.Error{Line: l.no, Column: col, Msg: "header name " + quoteShort(name) + " is not a token (RFC 9110 §5.6.2)"}
	}
	return headers.Field{Name: name, Value: trimOWS(s[i+1:])}, nil
}

func quoteShort(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strconv.Quote(s)
}

type block struct {
	status  int
	reason  string
	header  headers.List
	body    string
	line    int
	req     *Request
	assumed bool
}

// Read reads every reply in text and sorts them into the preflight reply
// and the actual reply. Errors are a policy.Errors listing every fault.
func Read(text string) (*Capture, error) {
	lines, perr := split(text)
	if perr != nil {
		return nil, policy.Errors{perr}
	}
	var errs policy.Errors
	var blocks []*block
	var pending *Request // last request not yet answered
	scheme := "http"
	i := 0
	for i < len(lines) && len(errs) < 100 {
		l := lines[i]
		switch {
		case l.kind == info:
			low := strings.ToLower(l.text)
			if strings.Contains(low, "ssl connection") || strings.Contains(low, "tls handshake") || strings.Contains(low, " port 443") {
				scheme = "https"
			}
			i++
		case l.kind == data:
			i++
		case l.kind == req && l.text != "":
			r, next, es := readRequest(lines, i)
			errs = append(errs, es...)
			if r != nil {
				pending = r
			}
			i = next
		case l.kind == plain && strings.HasPrefix(l.text, "# reply to the "):
			// The note a fix's replies and the page's form write above
			// each reply ("# reply to the preflight (OPTIONS)", "# reply
			// to the PUT request"): it says which request the reply
			// answers, as curl -v's request lines do.
			if m := hintMethod(l.text); m != "" {
				pending = &Request{Method: m, Line: l.no, Noted: true}
			}
			i++
		case (l.kind == resp || l.kind == plain) && isStatusLine(l.text):
			if len(blocks) >= maxBlocks {
				errs = append(errs, &policy.Error{Line: l.no, Column: l.col, Msg: "more than " + strconv.Itoa(maxBlocks) + " replies"})
				i = len(lines)
				break
			}
			b, next, es := readBlock(lines, i)
			errs = append(errs, es...)
			if b != nil {
				b.req = pending
				pending = nil
				blocks = append(blocks, b)
			}
			i = next
		default:
			i++
		}
	}
	if len(blocks) == 0 && len(errs) == 0 {
		b, es := readHeaderOnly(lines)
		errs = append(errs, es...)
		if b != nil {
			blocks = append(blocks, b)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(blocks) == 0 {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "no HTTP reply found: paste the output of curl -i or curl -v, or response header lines"}}
	}
	for _, b := range blocks {
		if b.req != nil && b.req.URL == "" {
			b.req.URL = absURL(scheme, b.req)
		}
	}
	return group(blocks)
}

// hintMethod is the method a "# reply to the ..." note names: OPTIONS
// for "the preflight", else the word before " request"; "" when it names
// none.
func hintMethod(note string) string {
	rest := strings.TrimPrefix(note, "# reply to the ")
	if strings.HasPrefix(rest, "preflight") {
		return "OPTIONS"
	}
	if m, ok := strings.CutSuffix(strings.TrimSpace(rest), " request"); ok && isToken(m) {
		return m
	}
	return ""
}

func absURL(scheme string, r *Request) string {
	host, ok := r.Header.Get("Host")
	if !ok {
		host, ok = r.Header.Get(":authority")
	}
	if !ok || host == "" || !strings.HasPrefix(r.Target, "/") {
		if strings.Contains(r.Target, "://") {
			return r.Target
		}
		return ""
	}
	return scheme + "://" + host + r.Target
}

func readRequest(lines []line, i int) (*Request, int, policy.Errors) {
	l := lines[i]
	parts := strings.Fields(l.text)
	var errs policy.Errors
	if len(parts) < 2 || !isToken(parts[0]) {
		// Not a request line ("> " also quotes data in some curl builds):
		// skip the line rather than fail.
		return nil, i + 1, nil
	}
	r := &Request{Method: parts[0], Target: parts[1], Line: l.no}
	i++
	for ; i < len(lines) && lines[i].kind == req; i++ {
		if lines[i].text == "" {
			i++
			break
		}
		f, err := field(lines[i])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(r.Header) < MaxHeaders {
			r.Header = append(r.Header, f)
		}
	}
	return r, i, errs
}

func readBlock(lines []line, i int) (*block, int, policy.Errors) {
	l := lines[i]
	kind := l.kind
	status, reason, perr := parseStatus(l)
	var errs policy.Errors
	if perr != nil {
		errs = append(errs, perr)
	}
	b := &block{status: status, reason: reason, line: l.no}
	i++
	for ; i < len(lines); i++ {
		h := lines[i]
		if h.kind != kind {
			if kind == resp && (h.kind == info || h.kind == data) {
				break // curl -v ended the headers without a blank "<" line
			}
			break
		}
		if h.text == "" {
			i++
			break
		}
		if h.text[0] == ' ' || h.text[0] == '\t' {
			// obs-fold: a continuation line; RFC 9112 §5.2 lets a
			// recipient replace it with a space.
			if n := len(b.header); n > 0 {
				b.header[n-1].Value = trimOWS(b.header[n-1].Value + " " + trimOWS(h.text))
				continue
			}
		}
		f, err := field(h)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(b.header) >= MaxHeaders {
			errs = append(errs, &policy.Error{Line: h.no, Column: h.col, Msg: "more than " + strconv.Itoa(MaxHeaders) + " header lines in one reply"})
			continue
		}
		b.header = append(b.header, f)
	}
	// The body: plain lines up to the next status line or curl marker.
	var body strings.Builder
	first := true
	for ; i < len(lines); i++ {
		h := lines[i]
		if h.kind != plain || isStatusLine(h.text) {
			break
		}
		if body.Len() < MaxBody {
			if !first {
				body.WriteByte('\n')
			}
			body.WriteString(h.text)
		}
		first = false
	}
	b.body = strings.TrimRight(body.String(), "\n")
	if len(b.body) > MaxBody {
		b.body = b.body[:MaxBody]
	}
	if len(errs) > 0 {
		return nil, i, errs
	}
	return b, i, nil
}

// readHeaderOnly reads a DevTools copy: no status line, "name: value"
// lines or alternating name and value lines.
func readHeaderOnly(lines []line) (*block, policy.Errors) {
	var ls []line
	for _, l := range lines {
		if l.kind == plain || l.kind == resp {
			l.text = trimOWS(l.text)
			if l.text != "" {
				ls = append(ls, l)
			}
		}
	}
	if len(ls) == 0 {
		return nil, nil
	}
	b := &block{status: 200, assumed: true, line: ls[0].no}
	var errs policy.Errors
	add := func(f headers.Field, l line) {
		if strings.EqualFold(f.Name, ":status") {
			n, err := strconv.Atoi(f.Value)
			if err != nil || n < 100 || n > 999 {
				errs = append(errs, &policy.Error{Line: l.no, Column: l.col, Msg: ":status " + quoteShort(f.Value) + " is not a status code"})
				return
			}
			b.status, b.assumed = n, false
			return
		}
		if strings.HasPrefix(f.Name, ":") {
			return // other pseudo-headers (HTTP/2 request side) are not headers
		}
		if len(b.header) >= MaxHeaders {
			errs = append(errs, &policy.Error{Line: l.no, Column: l.col, Msg: "more than " + strconv.Itoa(MaxHeaders) + " header lines"})
			return
		}
		b.header = append(b.header, f)
	}
	// Alternating lines: the first line is a bare name (optionally with a
	// trailing colon and nothing after it).
	first := strings.TrimSuffix(ls[0].text, ":")
	if isToken(strings.TrimPrefix(first, ":")) && !strings.Contains(strings.TrimSuffix(ls[0].text, ":"), ":") || (strings.HasPrefix(first, ":") && isToken(first[1:])) {
		if len(ls)%2 != 0 {
			last := ls[len(ls)-1]
			return nil, policy.Errors{{Line: last.no, Column: 1, Msg: "name and value lines do not pair up: " + quoteShort(last.text) + " has no value line"}}
		}
		for j := 0; j+1 < len(ls); j += 2 {
			name := strings.TrimSuffix(ls[j].text, ":")
			if !isToken(strings.TrimPrefix(name, ":")) {
				errs = append(errs, &policy.Error{Line: ls[j].no, Column: 1, Msg: "header name " + quoteShort(name) + " is not a token (RFC 9110 §5.6.2)"})
				continue
			}
			add(headers.Field{Name: name, Value: ls[j+1].text}, ls[j])
		}
	} else {
		for _, l := range ls {
			f, err := field(l)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			add(f, l)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return b, nil
}

// lineNote is a note on line n: "line n: msg". It is called, not
// inlined: group's copies of it were most of group's code in the page's
// wasm (issue 23).
//
//go:noinline
func lineNote(n int, msg string) string { return "line " + strconv.Itoa(n) + ": " + msg }

func isPreflightReply(h headers.List) bool {
	return h.Has("Access-Control-Allow-Methods") || h.Has("Access-Control-Allow-Headers") || h.Has("Access-Control-Max-Age")
}

// group folds interim replies, proxy replies and followed redirects into
// at most two replies and decides which is the preflight reply.
func group(blocks []*block) (*Capture, error) {
	c := &Capture{}
	var replies []*Reply
	var chain []*block // 3xx replies curl followed
	var firstReq *Request
	for j, b := range blocks {
		last := j == len(blocks)-1
		if firstReq == nil && b.req != nil {
			firstReq = b.req
		}
		if b.status < 200 && !last {
			c.Notes = append(c.Notes, lineNote(b.line, "skipped interim reply "+strconv.Itoa(b.status)))
			continue
		}
		if b.status == 200 && !last && ((b.req != nil && strings.EqualFold(b.req.Method, "CONNECT")) || strings.EqualFold(trimOWS(b.reason), "Connection established")) {
			c.Notes = append(c.Notes, lineNote(b.line, "skipped the proxy's reply to CONNECT"))
			firstReq = nil
			continue
		}
		// A redirect a note names as the preflight's reply is its
		// reply: no one followed it (a browser never does, Fetch §4.8
		// step 7), and the next reply is the other request's. A 3xx of
		// an OPTIONS curl -L followed stays a followed redirect, as
		// before the notes (found by a review).
		if b.status >= 300 && b.status < 400 && !last && !(b.req != nil && b.req.Noted && strings.EqualFold(b.req.Method, "OPTIONS")) {
			chain = append(chain, b)
			continue
		}
		r := &Reply{Reply: policy.Reply{Status: b.status, Header: b.header, Body: b.body}, Line: b.line, Request: firstReq, Assumed: b.assumed}
		if len(chain) > 0 {
			h := chain[0]
			r.FirstHop = &policy.Reply{Status: h.status, Header: h.header, Body: h.body}
			for _, h := range chain {
				loc, _ := h.header.Get("Location")
				r.Redirects = append(r.Redirects, Hop{Status: h.status, Location: loc, Line: h.line})
			}
			chain = nil
		}
		replies = append(replies, r)
		firstReq = nil
	}
	if len(replies) > 2 {
		return nil, policy.Errors{{Line: replies[2].Line, Column: 1, Msg: "more than two replies: paste the preflight reply and the actual reply only"}}
	}
	kinds := make([]int, len(replies)) // 1 preflight, 2 actual, 0 unknown
	for j, r := range replies {
		switch {
		case r.Request != nil && strings.EqualFold(r.Request.Method, "OPTIONS"):
			kinds[j] = 1
		case r.Request != nil:
			kinds[j] = 2
		}
	}
	switch len(replies) {
	case 1:
		r := replies[0]
		switch {
		case kinds[0] == 1:
			c.Preflight = r
			c.Notes = append(c.Notes, lineNote(r.Line, "the preflight reply (it answers an OPTIONS request)"))
		case kinds[0] == 2:
			c.Actual = r
			c.Notes = append(c.Notes, lineNote(r.Line, "the actual reply (it answers a "+r.Request.Method+" request)"))
		case isPreflightReply(r.Header):
			c.Preflight = r
			c.Notes = append(c.Notes, lineNote(r.Line, "read as the preflight reply: it has Access-Control-Allow-Methods, -Allow-Headers or -Max-Age"))
		default:
			c.Actual = r
			c.Notes = append(c.Notes, lineNote(r.Line, "read as the actual reply: no OPTIONS request line and no preflight-only headers"))
		}
	case 2:
		a, b := replies[0], replies[1]
		switch {
		case kinds[0] != 0 && kinds[0] == kinds[1]:
			what := "OPTIONS"
			if kinds[0] == 2 {
				what = "non-OPTIONS"
			}
			return nil, policy.Errors{{Line: b.Line, Column: 1, Msg: "two replies to " + what + " requests: paste one preflight reply and one actual reply"}}
		case kinds[0] == 2 || kinds[1] == 1:
			// a request line says the order is actual, then preflight
			a, b = b, a
		}
		c.Preflight, c.Actual = a, b
		c.Notes = append(c.Notes, lineNote(a.Line, "the preflight reply; "+lineNote(b.Line, "the actual reply")))
	}
	for _, r := range []*Reply{c.Preflight, c.Actual} {
		if r == nil {
			continue
		}
		if r.Assumed {
			c.Notes = append(c.Notes, lineNote(r.Line, "no status line: assumed 200"))
		}
		if len(r.Redirects) > 0 {
			c.Notes = append(c.Notes, lineNote(r.Line, "reached after "+strconv.Itoa(len(r.Redirects))+" redirect(s) that curl followed"))
		}
	}
	return c, nil
}

// ParseReply reads one pasted reply (the last one when the text holds
// several, after redirects curl followed) into its status, header list
// and body, for `whycors probe` and the explainer.
func ParseReply(text string) (policy.Reply, error) {
	c, err := Read(text)
	if err != nil {
		return policy.Reply{}, err
	}
	r := c.Actual
	if r == nil || (c.Preflight != nil && c.Preflight.Line > r.Line) {
		r = c.Preflight
	}
	return r.Reply, nil
}
