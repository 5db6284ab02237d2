// Command wasmsize prints how much of a Go-built .wasm file each Go package
// takes: it reads the code section (the size of every function body) and
// the "name" section (every function's name, which starts with its
// package's import path), and sums the bodies by package. Data segments
// (strings, tables) are reported as one line. Build the wasm without
// -ldflags=-s, which drops the name section.
//
// With -vs, it prints instead the raw and brotli (quality 11, as the site
// serves it) sizes of file.wasm against a yardstick wasm, and their ratios
// (issue 23 compares the core wasm with a bare syscall/js program), then
// both files cut into code, the data section's regions (type data and
// strings, the runtime's per-function tables, Go variables) and the rest
// (profile.go); names are not needed then.
//
//	go run ./e2e/simulator/wasmsize [-n 25] file.wasm
//	go run ./e2e/simulator/wasmsize -vs bare.wasm core.wasm
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/andybalholm/brotli"
)

func main() {
	top := flag.Int("n", 25, "packages to list")
	funcs := flag.Bool("funcs", false, "list functions instead of packages (name and code bytes), for diffing two builds")
	vs := flag.String("vs", "", "print file.wasm's raw and brotli sizes against this yardstick `wasm` and their ratios")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: wasmsize [-n 25] file.wasm | wasmsize -vs bare.wasm file.wasm")
		os.Exit(2)
	}
	b, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
	if *vs != "" {
		base, err := os.ReadFile(*vs)
		if err != nil {
			fmt.Fprintln(os.Stderr, "wasmsize:", err)
			os.Exit(1)
		}
		compare(*vs, base, flag.Arg(0), b)
		fmt.Println()
		if err := printProfiles(*vs, base, flag.Arg(0), b); err != nil {
			fmt.Fprintln(os.Stderr, "wasmsize:", err)
			os.Exit(1)
		}
		return
	}
	sizes, data, total, err := measure(b, *funcs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
	type row struct {
		pkg  string
		size int
	}
	var rows []row
	for p, s := range sizes {
		rows = append(rows, row{p, s})
	}
	sort.Slice(rows, func(i, j int) bool {
		return rows[i].size > rows[j].size || rows[i].size == rows[j].size && rows[i].pkg < rows[j].pkg
	})
	fmt.Printf("%-60s %10s %6s\n", "package (code bytes, raw)", "bytes", "share")
	engine := 0
	for i, r := range rows {
		if strings.HasPrefix(r.pkg, "github.com/whycors/") {
			engine += r.size
		}
		if i < *top {
			fmt.Printf("%-60s %10d %5.1f%%\n", r.pkg, r.size, 100*float64(r.size)/float64(total))
		}
	}
	fmt.Printf("%-60s %10d %5.1f%%\n", "(all github.com/whycors/... code)", engine, 100*float64(engine)/float64(total))
	fmt.Printf("%-60s %10d %5.1f%%\n", "(data segments)", data, 100*float64(data)/float64(total))
	fmt.Printf("%-60s %10d\n", "(file)", total)
}

// compare prints the sizes of b (named name) and of the yardstick base,
// raw and brotli, and b's ratio to base.
func compare(baseName string, base []byte, name string, b []byte) {
	bb, br := brotliLen(base), brotliLen(b)
	fmt.Printf("%-40s %10s %10s\n", "", "raw", "brotli")
	fmt.Printf("%-40s %10d %10d\n", baseName, len(base), bb)
	fmt.Printf("%-40s %10d %10d\n", name, len(b), br)
	fmt.Printf("%-40s %9.2fx %9.2fx\n", "ratio", float64(len(b))/float64(len(base)), float64(br)/float64(bb))
}

// brotliLen is the size of b compressed as internal/build serves it
// (brotli quality 11).
func brotliLen(b []byte) int {
	var out bytes.Buffer
	w := brotli.NewWriterLevel(&out, brotli.BestCompression)
	w.Write(b)
	w.Close()
	return out.Len()
}

// measure returns code bytes by package, data segment bytes and the file
// size. Wasm binary format: https://webassembly.github.io/spec/core/binary/.
func measure(b []byte, byFunc bool) (map[string]int, int, int, error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, 0, 0, errors.New("not a wasm file")
	}
	var bodies []int // function body sizes, in code-section order
	imports := 0     // imported functions come first in the function index space
	names := map[int]string{}
	data := 0
	for i := 8; i < len(b); {
		id := b[i]
		size, n := binary.Uvarint(b[i+1:])
		if n <= 0 || i+1+n+int(size) > len(b) {
			return nil, 0, 0, errors.New("truncated section")
		}
		sec := b[i+1+n : i+1+n+int(size)]
		i += 1 + n + int(size)
		switch id {
		case 2: // imports: count the functions
			cnt, k := binary.Uvarint(sec)
			p := k
			for range cnt {
				for range 2 { // module and field names
					l, k := binary.Uvarint(sec[p:])
					p += k + int(l)
				}
				kind := sec[p]
				p++
				switch kind {
				case 0:
					imports++
					_, k := binary.Uvarint(sec[p:])
					p += k
				case 1: // table: elemtype, limits
					p++
					p += limits(sec[p:])
				case 2:
					p += limits(sec[p:])
				case 3:
					p += 2
				}
			}
		case 10: // code
			cnt, k := binary.Uvarint(sec)
			p := k
			for range cnt {
				l, k := binary.Uvarint(sec[p:])
				bodies = append(bodies, k+int(l))
				p += k + int(l)
			}
		case 11:
			data += len(sec)
		case 0: // custom: the name section's function names (subsection 1)
			l, k := binary.Uvarint(sec)
			if string(sec[k:k+int(l)]) != "name" {
				continue
			}
			p := k + int(l)
			for p < len(sec) {
				sub := sec[p]
				sl, k := binary.Uvarint(sec[p+1:])
				body := sec[p+1+k : p+1+k+int(sl)]
				p += 1 + k + int(sl)
				if sub != 1 {
					continue
				}
				cnt, k := binary.Uvarint(body)
				q := k
				for range cnt {
					idx, k := binary.Uvarint(body[q:])
					q += k
					nl, k := binary.Uvarint(body[q:])
					q += k
					names[int(idx)] = string(body[q : q+int(nl)])
					q += int(nl)
				}
			}
		}
	}
	if len(names) == 0 {
		return nil, 0, 0, errors.New("no name section: build without -ldflags=-s")
	}
	sizes := map[string]int{}
	for i, s := range bodies {
		key := names[imports+i]
		if !byFunc {
			key = pkgOf(key)
		}
		sizes[key] += s
	}
	return sizes, data, len(b), nil
}

func limits(b []byte) int {
	flag := b[0]
	_, k := binary.Uvarint(b[1:])
	n := 1 + k
	if flag&1 != 0 {
		_, k := binary.Uvarint(b[n:])
		n += k
	}
	return n
}

// pkgOf cuts a function name to its package path. Go's wasm linker writes
// "/" in import paths as "_" ("github.com_x_y.(*T).M", "encoding_json.Marshal"),
// so the path runs to the first "." after a leading domain, and "_" turns
// back into "/" (wrong only for the rare path element with a "_").
func pkgOf(name string) string {
	if name == "" {
		return "(unnamed)"
	}
	start := 0
	for _, d := range []string{"github.com_", "golang.org_", "gopkg.in_"} {
		if strings.HasPrefix(name, d) {
			start = len(d)
		}
	}
	dot := strings.IndexByte(name[start:], '.')
	if dot < 0 {
		return name
	}
	return strings.ReplaceAll(name[:start+dot], "_", "/")
}
