package probe

import (
	"context"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
)

// live is the fetch.Server that answers over the network.
type live struct {
	ctx      context.Context
	o        Options
	p        *fetch.Profile
	page     origin.Origin
	ex       []Exchange
	netErr   *NetError
	withheld string
	location string
	method   string
}

// Answer implements fetch.Server: a live server keeps no trace of its
// rules, so the outcome is the reply alone.
func (l *live) Answer(req policy.Request, preflight bool, hop int) policy.Outcome {
	return policy.Outcome{Reply: l.reply(req, preflight, hop)}
}

func (l *live) reply(req policy.Request, preflight bool, hop int) policy.Reply {
	x := Exchange{Preflight: preflight, Method: req.Method, URL: req.URL,
		Header: WireHeaders(l.p.Name, l.o.UserAgent, l.page, req, preflight)}
	if l.o.Cookie != "" && !preflight && l.o.Credentials == "include" {
		// A credentialed request carries the user's cookies; a preflight
		// never does (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0).
		x.Header = append(x.Header, headers.Field{Name: "Cookie", Value: l.o.Cookie})
	}
	switch {
	case l.netErr != nil || l.withheld != "":
		return policy.Reply{}
	case hop > 0:
		l.withheld, x.Withheld = "redirect", "redirect not followed"
		l.ex = append(l.ex, x)
		return policy.Reply{}
	case !preflight && req.Method != "GET" && req.Method != "HEAD" && !l.o.Send:
		l.withheld, x.Withheld, l.method = "unsafe", "unsafe method without --send", req.Method
		l.ex = append(l.ex, x)
		return policy.Reply{}
	}
	var body *string
	if !preflight {
		body = l.o.Body
	}
	l.send(&x, body)
	l.ex = append(l.ex, x)
	if x.Error != nil {
		l.netErr = x.Error
		return policy.Reply{}
	}
	if loc, ok := x.Reply.Get("Location"); ok && x.Status >= 300 && x.Status < 400 {
		l.location = loc
	}
	return policy.Reply{Status: x.Status, Header: x.Reply}
}

// send performs one request on a transport of its own, so that the
// connection (and the copy of the bytes read from it) belongs to this
// request alone.
func (l *live) send(x *Exchange, body *string) {
	x.Sent = true
	start := time.Now()
	defer func() { x.Millis = time.Since(start).Milliseconds() }()
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(*body)
	}
	req, err := http.NewRequestWithContext(l.ctx, x.Method, x.URL, rd)
	if err != nil {
		x.Error = &NetError{Kind: "other", Message: "cannot send to this URL: " + err.Error(), Detail: err.Error(), Preflight: x.Preflight}
		return
	}
	for _, f := range x.Header {
		// The map key keeps the browser's case: Go writes a
		// non-canonical key as it is.
		req.Header[f.Name] = append(req.Header[f.Name], f.Value)
	}
	d := &dialer{o: l.o, probe: l.ctx, order: x.Header}
	proxy := l.o.Proxy
	if proxy == nil {
		proxy = http.ProxyFromEnvironment
	}
	tr := &http.Transport{
		Proxy:                  proxy,
		DialContext:            d.dial,
		DialTLSContext:         d.dialTLS,
		TLSClientConfig:        d.tlsConfig(""),
		TLSHandshakeTimeout:    l.o.ConnectTimeout,
		ForceAttemptHTTP2:      true,
		DisableCompression:     true,
		MaxResponseHeaderBytes: MaxHeadBytes,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		x.Error = Classify(err, x.Preflight)
		return
	}
	defer resp.Body.Close()
	x.Proto, x.Status = resp.Proto, resp.StatusCode
	kept := &prefix{max: l.o.KeepBody}
	if x.Preflight {
		kept.max = 0
	}
	n, berr := io.Copy(kept, io.LimitReader(resp.Body, l.o.MaxBodyBytes+1))
	x.Body = string(kept.b)
	if n > l.o.MaxBodyBytes {
		n, x.BodyTruncated = l.o.MaxBodyBytes, true
	}
	x.BodyBytes = n
	if berr != nil {
		x.BodyError = Classify(berr, x.Preflight).Message
	}
	if h, ok := ParseHead(d.read()); ok && h.Status == resp.StatusCode && resp.ProtoMajor == 1 {
		x.Reply, x.ReplyOrder = h.Header, "wire"
	} else {
		x.Reply, x.ReplyOrder = byName(resp.Header), "by-name"
	}
	if len(x.Reply) > fetch.MaxHeaders {
		x.Reply = x.Reply[:fetch.MaxHeaders]
	}
}

func byName(h http.Header) headers.List {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	sort.Strings(names)
	out := headers.List{}
	for _, n := range names {
		for _, v := range h[n] {
			out = append(out, headers.Field{Name: n, Value: v})
		}
	}
	return out
}

// prefix is a writer that keeps the first max bytes written to it and
// discards the rest.
type prefix struct {
	b   []byte
	max int
}

func (p *prefix) Write(b []byte) (int, error) {
	if room := p.max - len(p.b); room > 0 {
		p.b = append(p.b, b[:min(room, len(b))]...)
	}
	return len(b), nil
}
