package raw

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// source is the reference the raw reader rests on.
const source = "shared/reference/cloud-policies.md §6.5"

// Formats are this package's formats, for a policy.Registry (engine/all lists them).
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "raw" policy format: pasted replies.
type Format struct{}

// PastedReplies implements explain.Pasted: the text is the server's
// replies as captured.
func (*Format) PastedReplies() {}

// Name returns "raw".
func (*Format) Name() string { return "raw" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Raw replies: header lines as received" }

// NoRulesWhy says why pasted replies cannot be converted: they are what a
// server answered, not the rules it answered from.
func (*Format) NoRulesWhy() string {
	return "captured replies are not a policy: there are no rules to convert"
}

// Detect claims text that starts with an HTTP status line, curl -v output,
// or response header lines that include an Access-Control- header.
func (*Format) Detect(text string) (bool, string) {
	n := 0
	sawCurl := false
	for len(text) > 0 && n < 40 {
		var l string
		l, text, _ = strings.Cut(text, "\n")
		l = strings.TrimRight(l, "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		n++
		switch {
		case strings.HasPrefix(l, "* ") || strings.HasPrefix(l, "> ") || l == ">":
			sawCurl = true
			continue
		case strings.HasPrefix(l, "< HTTP/") && isStatusLine(l[2:]):
			return true, "curl -v output with a \"< HTTP/\" status line"
		case isStatusLine(l):
			if sawCurl {
				return true, "curl -v output"
			}
			return true, "starts with an HTTP status line (" + quoteShort(l) + ")"
		}
		if sawCurl {
			continue
		}
		// A header-only paste: the first line is "name: value" or a bare
		// name, and somewhere there is an Access-Control- header.
		name, _, found := strings.Cut(strings.TrimSpace(l), ":")
		if !(isToken(name) || (name == "" && found)) {
			return false, ""
		}
		low := "\n" + strings.ToLower(text)
		if strings.Contains(strings.ToLower(l), "access-control-") || strings.Contains(low, "\naccess-control-") {
			return true, "response header lines including Access-Control- headers (a DevTools copy)"
		}
		return false, ""
	}
	return false, ""
}

// CapturedAtRequestURL implements explain.Captured: pasted replies are
// the replies of the request's own URL; a redirect elsewhere meets the
// scenario's routes.
func (*Format) CapturedAtRequestURL() {}

// Parse reads the pasted replies into an Evaluator.
func (*Format) Parse(text string) (policy.Evaluator, error) {
	c, err := Read(text)
	if err != nil {
		return nil, policy.MarkUnreadable(err) // no platform reads it: every fault is unreadable text
	}
	return c, nil
}

// Replies returns an Evaluator that answers OPTIONS requests with
// preflight (or 404 with no headers when nil) and every other request with
// actual (or the application's reply when nil), the defaults of the
// scenario contract (shared/design.md). The HAR reader uses it too.
func Replies(preflight, actual *policy.Reply) policy.Evaluator {
	c := &Capture{}
	if preflight != nil {
		c.Preflight = &Reply{Reply: *preflight}
	}
	if actual != nil {
		c.Actual = &Reply{Reply: *actual}
	}
	return c
}

// Respond answers req with the pasted replies.
func (c *Capture) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	if strings.EqualFold(req.Method, "OPTIONS") {
		r := c.Preflight
		if r == nil {
			return policy.Outcome{
				Reply:    policy.Reply{Status: 404, Header: headers.List{}},
				Decision: policy.Note{Case: "no preflight reply pasted: the server answers OPTIONS with 404 and no headers"},
			}
		}
		out := policy.Outcome{Reply: copyReply(r.Reply), Rules: []policy.Rule{rule(r, "preflight")}, Decision: policy.Note{Case: casePreflight, N: r.Line}, Words: words{}}
		if r.FirstHop != nil {
			// A browser does not follow a preflight's redirect (Fetch §4.8
			// CORS-preflight fetch: the response must have an ok status),
			// so it sees the first hop, not what curl -L reached.
			out.Reply = copyReply(*r.FirstHop)
			out.Decision = policy.Note{Case: caseFirstHop, N: r.Line, Args: [4]string{strconv.Itoa(r.FirstHop.Status)}}
		}
		return out
	}
	r := c.Actual
	if r == nil {
		return policy.Outcome{Reply: copyReply(app), Decision: policy.Note{Case: "no actual reply pasted: the application's reply is used"}}
	}
	out := policy.Outcome{Reply: copyReply(r.Reply), Rules: []policy.Rule{rule(r, "actual")}, Decision: policy.Note{Case: caseActual, N: r.Line}, Words: words{}}
	if len(r.Redirects) > 0 {
		// Pasted captures with redirects are rare: their numbers are
		// written out here rather than given a field each in Note.
		out.Decision.Case = caseRedirected
		out.Decision.Args = [4]string{strconv.Itoa(len(r.Redirects)), strconv.Itoa(r.Redirects[0].Status), strconv.Itoa(r.Redirects[0].Line)}
	}
	return out
}

// at names the pasted line n, when known.
func at(n int) string {
	if n == 0 {
		return ""
	}
	return " (line " + strconv.Itoa(n) + ")"
}

// The cases of a capture's notes (words).
const (
	casePreflight  = "preflight"
	caseFirstHop   = "first-hop"
	caseActual     = "actual"
	caseRedirected = "redirected"
	caseAsPasted   = "as-pasted"
)

// words says a capture's notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	if n.Case == caseAsPasted {
		return "the " + n.Args[0] + " reply as pasted"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	switch n.Case {
	case casePreflight:
		return "answered with the pasted preflight reply" + at(n.N)
	case caseFirstHop:
		return "answered with the first redirect (" + n.Args[0] + ") of the pasted preflight exchange" + at(n.N) + ": a browser does not follow redirects of a preflight"
	case caseActual:
		return "answered with the pasted actual reply" + at(n.N)
	case caseRedirected:
		return "answered with the pasted actual reply" + at(n.N) + " after " + n.Args[0] + " redirect(s) curl followed (first " + n.Args[1] + " at line " + n.Args[2] + ")"
	}
	return ""
}

func rule(r *Reply, id string) policy.Rule {
	p := ""
	if r.Line > 0 {
		p = "line " + strconv.Itoa(r.Line)
	}
	return policy.Rule{Index: 0, ID: id, Path: p, Matched: true, Note: policy.Note{Case: caseAsPasted, Args: [4]string{id}}, Source: source}
}

// copyReply returns r with its own header list, so a caller may change
// it (policy.Evaluator must not hand out shared state).
func copyReply(r policy.Reply) policy.Reply {
	r.Header = r.Header.Clone()
	if r.Header == nil {
		r.Header = headers.List{}
	}
	return r
}

// Fetch is the request side rebuilt from curl -v "> " lines, to prefill
// the simulator's request.
type Fetch struct {
	// Method is the fetch() method: the actual request's, or the
	// Access-Control-Request-Method of the preflight when only a preflight
	// was captured.
	Method string `json:"method"`
	URL    string `json:"url"`  // absolute when the Host and scheme are known
	Path   string `json:"path"` // request-target as sent
	Origin string `json:"origin,omitempty"`
	// ACRM and ACRH are the preflight's Access-Control-Request-Method and
	// -Headers, as sent.
	ACRM string `json:"acrm,omitempty"`
	ACRH string `json:"acrh,omitempty"`
	// Headers are the actual request's headers, or, when only a preflight
	// was captured, the names in its ACRH with empty values.
	Headers headers.List `json:"headers,omitempty"`
	// Preflight reports whether a preflight request was captured.
	Preflight bool `json:"preflight"`
	Line      int  `json:"line"`
}

// ParseRequest rebuilds the request from curl -v output. It fails when the
// text has no "> " request line.
func ParseRequest(text string) (Fetch, error) {
	c, err := Read(text)
	if err != nil {
		return Fetch{}, err
	}
	var pre, act *Request
	if c.Preflight != nil {
		pre = c.Preflight.Request
	}
	if c.Actual != nil {
		act = c.Actual.Request
	}
	if pre == nil && act == nil {
		return Fetch{}, policy.Errors{{Line: 1, Column: 1, Msg: "no request lines (\"> GET /path HTTP/1.1\"): paste the output of curl -v"}}
	}
	var f Fetch
	if pre != nil {
		f.Preflight = true
		f.ACRM, _ = pre.Header.Get("Access-Control-Request-Method")
		f.ACRH, _ = pre.Header.Get("Access-Control-Request-Headers")
		f.Origin, _ = pre.Header.Get("Origin")
		f.Method, f.URL, f.Path, f.Line = f.ACRM, pre.URL, pre.Target, pre.Line
		for _, n := range strings.Split(f.ACRH, ",") {
			if n = trimOWS(n); n != "" {
				f.Headers = append(f.Headers, headers.Field{Name: n})
			}
		}
	}
	if act != nil {
		f.Method, f.URL, f.Path, f.Line = act.Method, act.URL, act.Target, act.Line
		if o, ok := act.Header.Get("Origin"); ok {
			f.Origin = o
		}
		f.Headers = nil
		for _, h := range act.Header {
			// What curl sends on its own or the browser sets: not headers
			// the page passes to fetch().
			switch strings.ToLower(h.Name) {
			case "host", "user-agent", "origin", "content-length", "connection", "accept-encoding":
				continue
			case "accept":
				if h.Value == "*/*" { // curl's default
					continue
				}
			}
			f.Headers = append(f.Headers, h)
		}
	}
	return f, nil
}
