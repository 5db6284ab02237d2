package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/whycors/whycors/engine/headers"
)

// dialer makes the connections of one request and keeps a copy of the
// first bytes read from a plain-text (or TLS-decrypted HTTP/1.1)
// connection, for ParseHead.
type dialer struct {
	o     Options
	probe context.Context // the whole probe's: its end is --timeout
	order headers.List    // the browser's field order, for the request head
	mu    sync.Mutex
	rec   *recorder
}

func (d *dialer) target(addr string) string {
	to, ok := d.o.Resolve[strings.ToLower(addr)]
	if !ok {
		return addr
	}
	if _, _, err := net.SplitHostPort(to); err != nil {
		_, port, _ := net.SplitHostPort(addr)
		return net.JoinHostPort(strings.Trim(to, "[]"), port)
	}
	return to
}

func (d *dialer) netDialer() *net.Dialer {
	return &net.Dialer{Timeout: d.o.ConnectTimeout, KeepAlive: 30 * time.Second}
}

func (d *dialer) tlsConfig(serverName string) *tls.Config {
	return &tls.Config{
		ServerName:         serverName,
		InsecureSkipVerify: d.o.Insecure,
		RootCAs:            d.o.RootCAs,
		NextProtos:         []string{"h2", "http/1.1"},
	}
}

func (d *dialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := d.netDialer().DialContext(ctx, network, d.target(addr))
	if err != nil {
		return nil, d.timedOut("the TCP connection", err)
	}
	return d.keep(c), nil
}

// dialTLS connects and shakes hands within one --connect-timeout (as
// tls.Dialer does), in two steps so that a stall names its stage.
func (d *dialer) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	hctx, cancel := context.WithTimeout(ctx, d.o.ConnectTimeout)
	defer cancel()
	raw, err := d.netDialer().DialContext(hctx, network, d.target(addr))
	if err != nil {
		return nil, d.timedOut("the TCP connection", err)
	}
	tc := tls.Client(raw, d.tlsConfig(host))
	if err := tc.HandshakeContext(hctx); err != nil {
		raw.Close()
		return nil, d.timedOut("the TLS handshake", err)
	}
	if tc.ConnectionState().NegotiatedProtocol == "h2" {
		return tc, nil // Go's HTTP/2 needs the *tls.Conn itself
	}
	return d.keep(tc), nil
}

// timedOut names the limit that ended a connection step: the whole
// probe's (--timeout) when its context is over, else the connection's
// own (--connect-timeout). Other errors pass as they are.
func (d *dialer) timedOut(stage string, err error) error {
	if !isTimeout(err) {
		return err
	}
	flag := "--connect-timeout"
	if d.probe != nil && d.probe.Err() != nil {
		flag = "--timeout"
	}
	return &TimeoutError{Stage: stage, Flag: flag, Err: err}
}

// TimeoutError is a connection step (the TCP connection, the TLS
// handshake) that a time limit ended; Flag names the limit.
type TimeoutError struct {
	Stage, Flag string
	Err         error
}

func (e *TimeoutError) Error() string {
	return e.Stage + " did not complete within " + e.Flag + ": " + e.Err.Error()
}

func (e *TimeoutError) Unwrap() error { return e.Err }

func (d *dialer) keep(c net.Conn) net.Conn {
	r := &recorder{Conn: c, order: d.order}
	d.mu.Lock()
	if d.rec == nil {
		d.rec = r
	}
	d.mu.Unlock()
	return r
}

func (d *dialer) read() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.rec == nil {
		return nil
	}
	return d.rec.bytes()
}

// recorder copies up to MaxHeadBytes of what is read from the
// connection, and puts the fields of the first request head written to it
// in the browser's order (Go's HTTP/1.1 writer sends Host, User-Agent,
// then the rest sorted by name).
type recorder struct {
	net.Conn
	mu    sync.Mutex
	buf   bytes.Buffer
	order headers.List
	head  []byte
	done  bool
}

// maxReorderBytes bounds the request head held back for reordering; a
// larger head goes out as Go wrote it.
const maxReorderBytes = 128 << 10

func (r *recorder) Write(p []byte) (int, error) {
	if r.done {
		return r.Conn.Write(p)
	}
	r.head = append(r.head, p...)
	i := bytes.Index(r.head, []byte("\r\n\r\n"))
	if i < 0 {
		if len(r.head) > maxReorderBytes {
			r.done = true
			if _, err := r.Conn.Write(r.head); err != nil {
				return 0, err
			}
		}
		return len(p), nil
	}
	r.done = true
	out := append(ReorderHead(r.head[:i+2], r.order), r.head[i+2:]...)
	r.head = nil
	if _, err := r.Conn.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	r.mu.Lock()
	if room := MaxHeadBytes + 4 - r.buf.Len(); room > 0 && n > 0 {
		r.buf.Write(p[:min(n, room)])
	}
	r.mu.Unlock()
	return n, err
}

func (r *recorder) bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.buf.Bytes())
}
