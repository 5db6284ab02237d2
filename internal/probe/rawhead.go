package probe

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
)

// Bounds on a reply's head. Chromium refuses a response whose headers
// exceed 256 KiB (net::ERR_RESPONSE_HEADERS_TOO_BIG, kMaxHeadersSize in
// net/http/http_stream_parser.cc); the engine reads at most
// fetch.MaxHeaders lines.
const (
	MaxHeadBytes = 256 << 10
	maxHeadLines = 1024
)

// Head is a reply's status line and header lines as they came off the
// wire, in order, repeated lines kept apart.
type Head struct {
	Proto  string
	Status int
	Header headers.List
}

// ParseHead reads the head of an HTTP/1.x reply from raw, the bytes the
// server sent on the connection (RFC 9112 §2.1: status-line, field lines,
// empty line). Interim 1xx replies (100 Continue, 103 Early Hints) before
// the final one are skipped, as a browser skips them (RFC 9110 §15.2).
// Obsolete line folding is replaced by a space (RFC 9112 §5.2). It reports
// false when raw does not hold a complete head: then the caller falls back
// to what Go's client parsed, without the order of the lines.
func ParseHead(raw []byte) (Head, bool) {
	for n := 0; n < 8; n++ {
		h, rest, ok := parseOne(raw)
		if !ok {
			return Head{}, false
		}
		if h.Status >= 200 || h.Status == 101 {
			return h, true
		}
		raw = rest
	}
	return Head{}, false
}

func parseOne(raw []byte) (Head, []byte, bool) {
	var h Head
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	sep := 4
	if lf := bytes.Index(raw, []byte("\n\n")); lf >= 0 && (end < 0 || lf < end) {
		end, sep = lf, 2
	}
	if end < 0 || end > MaxHeadBytes {
		return h, nil, false
	}
	block, rest := string(raw[:end]), raw[end+sep:]
	lines := strings.Split(block, "\n")
	if len(lines) > maxHeadLines {
		return h, nil, false
	}
	status := strings.TrimSuffix(lines[0], "\r")
	proto, code, ok := strings.Cut(status, " ")
	if !ok || !strings.HasPrefix(proto, "HTTP/1.") {
		return h, nil, false
	}
	code, _, _ = strings.Cut(code, " ")
	st, err := strconv.Atoi(code)
	if err != nil || len(code) != 3 || st < 100 {
		return h, nil, false
	}
	h.Proto, h.Status = proto, st
	for _, l := range lines[1:] {
		l = strings.TrimSuffix(l, "\r")
		if l != "" && (l[0] == ' ' || l[0] == '\t') {
			if len(h.Header) == 0 {
				return h, nil, false
			}
			last := &h.Header[len(h.Header)-1]
			last.Value = strings.TrimRight(last.Value+" "+strings.Trim(l, " \t"), " \t")
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok || !fetch.IsToken(name) { // field-name = token (RFC 9110 §5.1)
			return h, nil, false
		}
		h.Header = append(h.Header, headers.Field{Name: name, Value: strings.Trim(value, " \t")})
	}
	return h, rest, true
}
