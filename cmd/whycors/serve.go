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

Serves the simulator on http://localhost:8080. The page is the engine
compiled to WebAssembly, minified and precompressed; serve builds it when
it is missing or older than its sources, with the go command:
  - in a clone of the repository, into its dist/site;
  - anywhere else, from the source of the version this binary was
    installed from (go install github.com/whycors/whycors/cmd/whycors@VERSION
    left it in the Go module cache), once per version, into the user's
    cache folder (whycors/site/VERSION there).
The first build takes about a minute on 2 cores (52 s measured with an
empty Go build cache, most of it compiling; it prints its progress); later
runs start at once. Everything runs in your browser; the page sends nothing.

Examples:
  whycors serve
  whycors serve --port 9000
`)
		fs.PrintDefaults()
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
	if out != "" {
		// A folder that is not there, or holds no page, would be served
		// as 404s behind a "simulator at" line (found as a new user
		// would).
		if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
			fmt.Fprintf(stderr, "whycors serve: --dir %s holds no built simulator (no index.html): build one with go run ./scripts/buildsite -out %s, or leave out --dir\n", out, out)
			return 2
		}
	}
	if out == "" {
		wd, _ := os.Getwd()
		place, err := build.Locate(context.Background(), wd)
		if err != nil {
			fmt.Fprintln(stderr, "whycors serve:", err, "(or pass --dir with a built folder)")
			return 2
		}
		out = place.Out
		if current, why := place.Current(); !current || *rebuild {
			if *rebuild {
				why = "--rebuild"
			}
			fmt.Fprintf(stdout, "building the simulator (%s) from %s into %s; about a minute...\n", why, place.Root, place.Out)
			t0 := time.Now()
			m, err := build.Site(context.Background(), build.Options{Root: place.Root, Out: out, Env: place.Env, Quick: true,
				Progress: func(line string) { fmt.Fprintln(stdout, line) }})
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
