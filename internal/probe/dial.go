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
	order headers.List // the browser's field order, for the request head
	mu    sync.Mutex
	rec   *recorder
}

func (d *dialer) target(addr string) string {
	to, ok := d.o.Resolve[addr]
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
		return nil, err
	}
	return d.keep(c), nil
}

func (d *dialer) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	td := &tls.Dialer{NetDialer: d.netDialer(), Config: d.tlsConfig(host)}
	c, err := td.DialContext(ctx, network, d.target(addr))
	if err != nil {
		return nil, err
	}
	tc := c.(*tls.Conn)
	if tc.ConnectionState().NegotiatedProtocol == "h2" {
		return tc, nil // Go's HTTP/2 needs the *tls.Conn itself
	}
	return d.keep(tc), nil
}

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
