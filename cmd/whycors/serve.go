package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"time"

	"github.com/whycors/whycors/internal/build"
	"github.com/whycors/whycors/internal/site"
)

func init() {
	register("serve", "serve the simulator page on localhost", runServe)
}

func runServe(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.Int("port", 8080, "port to listen on (on localhost only)")
	dir := fs.String("dir", "", "serve this built folder instead of building dist/site")
	rebuild := fs.Bool("rebuild", false, "build even when the output looks current")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: whycors serve [--port N] [--dir DIR] [--rebuild]

Serves the simulator on http://localhost:8080. Run from the repository: it
builds the page (the engine compiled to WebAssembly, minified and
precompressed) into dist/site first when that is missing or older than
the sources. Everything runs in your browser; the page sends nothing.

Examples:
  whycors serve
  whycors serve --port 9000
`)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *port < 0 || *port > 65535 {
		fmt.Fprintln(stderr, "whycors serve: --port must be from 0 to 65535")
		return 2
	}
	out := *dir
	if out == "" {
		wd, _ := os.Getwd()
		root, err := build.FindRoot(wd)
		if err != nil {
			fmt.Fprintln(stderr, "whycors serve:", err, "(or pass --dir with a built folder)")
			return 2
		}
		out = filepath.Join(root, "dist", "site")
		if stale, why := build.Stale(root, out); stale || *rebuild {
			if *rebuild {
				why = "--rebuild"
			}
			fmt.Fprintf(stdout, "building the simulator (%s)...\n", why)
			t0 := time.Now()
			m, err := build.Site(context.Background(), build.Options{Root: root, Out: out})
			if err != nil {
				fmt.Fprintln(stderr, "whycors serve: build failed:", err)
				return 1
			}
			fmt.Fprintf(stdout, "built %d files in %s\n", len(m.Files), time.Since(t0).Round(time.Millisecond))
		}
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("localhost", strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintln(stderr, "whycors serve:", err)
		return 1
	}
	srv := &http.Server{Handler: site.Handler(out), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "simulator at http://localhost:%d/ (Ctrl-C to stop)\n", ln.Addr().(*net.TCPAddr).Port)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "whycors serve:", err)
		return 1
	}
	return 0
}
