// Command buildsite builds the simulator (the engine as WebAssembly plus the
// minified, fingerprinted, precompressed files of site/) into a folder and
// prints each file's size raw, gzip and brotli.
//
//	go run ./scripts/buildsite [-out dist/site] [-quick]
//
// -quick compresses with brotli level 9, not 11 (build.Options.Quick):
// scripts/test's build for the end-to-end tests, which read no size.
// The sizes the README publishes come from a build without it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/whycors/whycors/internal/build"
)

func main() {
	out := flag.String("out", "dist/site", "output folder (emptied first)")
	quick := flag.Bool("quick", false, "brotli level 9 instead of 11 (faster, about 14% more bytes)")
	flag.Parse()
	wd, _ := os.Getwd()
	root, err := build.FindRoot(wd)
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildsite:", err)
		os.Exit(2)
	}
	t0 := time.Now()
	m, err := build.Site(context.Background(), build.Options{Root: root, Out: *out, Quick: *quick})
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildsite:", err)
		os.Exit(1)
	}
	var raw, gz, br int
	fmt.Printf("%-34s %10s %10s %10s\n", "file", "raw", "gzip", "brotli")
	for _, f := range m.Files {
		fmt.Printf("%-34s %10d %10d %10d\n", f.Name, f.Raw, f.Gzip, f.Brotli)
		raw, gz, br = raw+f.Raw, gz+f.Gzip, br+f.Brotli
	}
	fmt.Printf("%-34s %10d %10d %10d\n", "total", raw, gz, br)
	fmt.Printf("built %s in %s\n", *out, time.Since(t0).Round(time.Millisecond))
}
