//go:build !(js && wasm)

package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"time"
)

// Outside a JS runtime the worker is a plain net/http server on $PORT
// (default 8787), reading the same variables from the process environment,
// as syumai's own non-js build does (handler.go in syumai/workers).
//
// `worker check [-config wrangler.toml] [-policy FILE]` checks a deployment's
// configuration instead (deploycheck.go).
func main() {
	if len(os.Args) > 1 && os.Args[1] == "check" {
		os.Exit(deployCheck(os.Args[2:], os.Stdout, os.Stderr))
	}
	cfg, errs := LoadConfig(os.Getenv)
	if len(errs) > 0 {
		os.Stderr.WriteString("whycors worker: configuration invalid; answering 500 to every request:\n" + errs.Error() + "\n")
	}
	timeout := time.Duration(defaultTimeoutMs) * time.Millisecond
	if cfg != nil {
		timeout = time.Duration(cfg.TimeoutMs) * time.Millisecond
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8787"
	}
	h := NewHandler(NewServer(cfg, errs, DebugRequested(os.Getenv)), &timeoutTransport{rt: http.DefaultTransport, d: timeout})
	if err := http.ListenAndServe("127.0.0.1:"+port, h); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
}

// timeoutTransport bounds the wait for the upstream's status line, as
// worker.mjs does in the Workers runtime; the body may take longer.
type timeoutTransport struct {
	rt http.RoundTripper
	d  time.Duration
}

func (t *timeoutTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(r.Context())
	timer := time.AfterFunc(t.d, cancel)
	res, err := t.rt.RoundTrip(r.WithContext(ctx))
	fired := !timer.Stop()
	if err != nil {
		cancel()
		if fired {
			return nil, &timeoutError{err}
		}
		return nil, err
	}
	res.Body = &cancelOnClose{res.Body, cancel}
	return res, nil
}

type cancelOnClose struct {
	body   io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Read(p []byte) (int, error) { return c.body.Read(p) }
func (c *cancelOnClose) Close() error {
	err := c.body.Close()
	c.cancel()
	return err
}
