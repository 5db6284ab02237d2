package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"github.com/whycors/whycors/engine/explain"
	"io"
	"net"
	"strings"
	"syscall"
)

// NetError is a request that got no HTTP reply at all: the name did not
// resolve, the connection was refused, reset or timed out, the TLS
// certificate was refused. None of these is a CORS verdict: no header of
// the server was read, so no CORS check ran. Browsers report them as
// network errors, each in its own words.
type NetError struct {
	// Kind is a stable name: dns, refused, reset, empty-reply,
	// connect-timeout, timeout, tls-authority, tls-hostname, tls-expired,
	// tls, proxy, headers-too-big, bad-reply, unreachable, other.
	Kind string `json:"kind"`
	// Chrome is the net error Chromium shows for it (net::ERR_...), from
	// net/base/net_error_list.h; empty when Chromium has none (it does not
	// time a fetch out).
	Chrome string `json:"chrome,omitempty"`
	// Message says what happened, in words.
	Message string `json:"message"`
	// Detail is Go's error text, for the record.
	Detail string `json:"detail"`
	// Preflight is set when the preflight, not the actual request, failed.
	Preflight bool `json:"preflight"`
}

func (e *NetError) Error() string { return e.Message }

// Classify turns an error of Go's HTTP client into a NetError.
// connectTimeout tells a dial that ran out of time (the connection was
// never made) from a reply that did not come in time.
func Classify(err error, preflight bool) *NetError {
	ne := &NetError{Kind: "other", Detail: err.Error(), Preflight: preflight}
	var dnsErr *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certErr x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	var opErr *net.OpError
	isOp := errors.As(err, &opErr)
	var stage *TimeoutError
	switch {
	case errors.As(err, &stage) && stage.Flag == "--connect-timeout":
		ne.Kind = "connect-timeout"
		ne.Message = stage.Stage + " did not complete within --connect-timeout"
		if stage.Stage == "the TCP connection" {
			ne.Chrome = "net::ERR_CONNECTION_TIMED_OUT"
		}
		// A stalled TLS handshake: which net error Chromium shows for
		// it is not recorded here, so none is claimed.
	case errors.As(err, &stage):
		ne.Kind = "timeout"
		ne.Message = stage.Stage + " did not complete within --timeout, the whole probe's limit (a browser would keep waiting: fetch() has no timeout unless the page passes an AbortSignal)"
	case strings.Contains(err.Error(), "TLS handshake timeout"):
		// net/http's own handshake limit (Transport.TLSHandshakeTimeout,
		// set to --connect-timeout), on a tunnel through a proxy.
		ne.Kind = "connect-timeout"
		ne.Message = "the TLS handshake did not complete within --connect-timeout"
	case errors.As(err, &dnsErr):
		ne.Kind, ne.Chrome = "dns", "net::ERR_NAME_NOT_RESOLVED"
		ne.Message = "the host name " + quote(dnsErr.Name) + " does not resolve (DNS: " + dnsErr.Err + ")"
	case errors.As(err, &unknownCA):
		ne.Kind, ne.Chrome = "tls-authority", "net::ERR_CERT_AUTHORITY_INVALID"
		ne.Message = "the server's TLS certificate is not signed by an authority the system trusts (self-signed or a private CA)"
	case errors.As(err, &hostErr):
		ne.Kind, ne.Chrome = "tls-hostname", "net::ERR_CERT_COMMON_NAME_INVALID"
		ne.Message = "the server's TLS certificate is not valid for this host name (" + hostErr.Error() + ")"
	case errors.As(err, &certErr) && certErr.Reason == x509.Expired:
		ne.Kind, ne.Chrome = "tls-expired", "net::ERR_CERT_DATE_INVALID"
		ne.Message = "the server's TLS certificate has expired or is not yet valid"
	case errors.As(err, &certErr), errors.As(err, &verifyErr):
		ne.Kind, ne.Chrome = "tls-authority", "net::ERR_CERT_INVALID"
		ne.Message = "the server's TLS certificate was refused (" + rootCause(err) + ")"
	case errors.As(err, &recErr):
		ne.Kind, ne.Chrome = "tls", "net::ERR_SSL_PROTOCOL_ERROR"
		ne.Message = "the server did not answer TLS (is it plain HTTP on this port? try http://)"
	case errors.As(err, &alert):
		ne.Kind, ne.Chrome = "tls", "net::ERR_SSL_PROTOCOL_ERROR"
		ne.Message = "the TLS handshake failed: the server sent alert " + quote(alert.Error())
	case isOp && opErr.Op == "proxyconnect":
		ne.Kind, ne.Chrome = "proxy", "net::ERR_PROXY_CONNECTION_FAILED"
		ne.Message = "the proxy from the environment (HTTPS_PROXY/HTTP_PROXY) could not be reached"
	case errors.Is(err, syscall.ECONNREFUSED):
		ne.Kind, ne.Chrome = "refused", "net::ERR_CONNECTION_REFUSED"
		ne.Message = "the connection was refused: nothing listens on that port"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		ne.Kind, ne.Chrome = "reset", "net::ERR_CONNECTION_RESET"
		ne.Message = "the server reset the connection before replying"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		ne.Kind, ne.Chrome = "unreachable", "net::ERR_ADDRESS_UNREACHABLE"
		ne.Message = "the address is unreachable from this machine"
	case isOp && opErr.Op == "dial" && isTimeout(err):
		ne.Kind, ne.Chrome = "connect-timeout", "net::ERR_CONNECTION_TIMED_OUT"
		ne.Message = "the connection could not be made within --connect-timeout"
	case isTimeout(err):
		ne.Kind = "timeout"
		ne.Message = "no complete reply within --timeout (a browser would keep waiting: fetch() has no timeout unless the page passes an AbortSignal)"
	case strings.Contains(err.Error(), "server response headers exceeded"):
		ne.Kind, ne.Chrome = "headers-too-big", "net::ERR_RESPONSE_HEADERS_TOO_BIG"
		ne.Message = "the reply's headers are larger than 256 KiB"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		ne.Kind, ne.Chrome = "empty-reply", "net::ERR_EMPTY_RESPONSE"
		ne.Message = "the server closed the connection without replying"
	case strings.Contains(err.Error(), "malformed HTTP"):
		ne.Kind, ne.Chrome = "bad-reply", "net::ERR_INVALID_HTTP_RESPONSE"
		ne.Message = "the reply is not valid HTTP (" + rootCause(err) + ")"
	default:
		ne.Message = "the request failed: " + rootCause(err)
	}
	if preflight {
		ne.Message = "preflight: " + ne.Message
	}
	return ne
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, syscall.ETIMEDOUT) {
		return true
	}
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

// rootCause is the innermost error's text, without Go's "Get \"url\":"
// prefixes.
func rootCause(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

func quote(s string) string { return "\"" + s + "\"" }

// emptyReplyLine is what explain prints for Chromium when a reply has
// status 0, the e2e harness's "closed without answering".
const emptyReplyLine = "Failed to load resource: net::ERR_EMPTY_RESPONSE"

// netConsole puts the real net error into Chromium's console line of a
// verdict computed with status 0 for the failed request: Chromium logs
// "Failed to load resource: net::ERR_..." with the request's own error
// (observed with Chromium 156 in e2e/probe for ERR_CONNECTION_RESET,
// before and instead of the preflight, and ERR_CERT_AUTHORITY_INVALID),
// and nothing when it has no net error (a timeout: it keeps waiting).
// Firefox's lines ("CORS request did not succeed") do not name the error.
func netConsole(v *explain.Verdict, ne *NetError) {
	fix := func(lines []string) []string {
		out := make([]string, 0, len(lines))
		for _, l := range lines {
			if l == emptyReplyLine {
				if ne.Chrome == "" {
					continue
				}
				l = "Failed to load resource: " + ne.Chrome
			}
			out = append(out, l)
		}
		return out
	}
	v.Console = fix(v.Console)
	for i := range v.Browsers {
		v.Browsers[i].Console = fix(v.Browsers[i].Console)
	}
}
