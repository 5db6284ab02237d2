// Package build makes the simulator: it compiles the two engine programs
// (wasm/core, loaded first, and wasm/full, fetched when the page needs
// it) with GOOS=js GOARCH=wasm, takes Go's matching wasm_exec.js, minifies the files of site/
// with tdewolff/minify, gives every asset but the HTML pages a
// content-hashed name (rewriting the references to it), and writes gzip and
// brotli copies next to each compressible file, so that the server only
// picks a file.
package build

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	mjson "github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/whycors/whycors/engine/all"
)

// Options say where the sources are and where the output goes.
type Options struct {
	Root string // the repository root (holds go.mod, site/, wasm/)
	Out  string // the output folder, emptied and rewritten
	// Progress, when set, is told what the build is doing: a line when a
	// stage starts or ends, and one every ProgressEvery while the wasm
	// compiles (the long part: about a minute on 2 cores with a cold Go
	// build cache).
	Progress func(line string)
	// Env is added to the environment of the go commands the build runs.
	Env []string
	// Quick compresses with brotli at level 9 instead of 11: the full
	// wasm 14% larger (1,378,404 bytes instead of 1,212,436), in 3 s
	// instead of 25 s. For a page served on localhost (whycors serve),
	// where bytes cost nothing, and for scripts/test's build, which the
	// end-to-end tests serve and no test reads a size of; the published
	// figures use the best level.
	Quick bool
}

// ProgressEvery is how often Site reports that the compilers still run.
var ProgressEvery = 15 * time.Second

func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		o.Progress(fmt.Sprintf(format, args...))
	}
}

// File is one output file with its sizes.
type File struct {
	Name   string `json:"name"`   // output name, hashed where hashed
	Source string `json:"source"` // name under site/ (or the generated name)
	Raw    int    `json:"raw"`
	Gzip   int    `json:"gzip,omitempty"`
	Brotli int    `json:"brotli,omitempty"`
}

// Manifest lists what a build wrote. It is saved as manifest.json in the
// output folder; Stale compares it with the sources.
type Manifest struct {
	Built time.Time `json:"built"`
	Files []File    `json:"files"`
}

// ManifestName is the manifest's file name in the output folder.
const ManifestName = "manifest.json"

// Programs are the wasm programs of the simulator: the package to compile,
// the name site/ refers to it by (before hashing), and the string
// variables set at link time.
var Programs = []struct {
	Pkg, Name string
	Vars      func() map[string]string
}{
	{"./wasm/core", "whycors.wasm", coreVars},
	{"./wasm/full", "whycors-full.wasm", nil},
	{"./wasm/terraform", "whycors-terraform.wasm", nil},
}

// coreVars tell wasm/core, which links no format but raw, the names of
// every format wasm/full reads, so the page can offer them before it
// fetches wasm/full: they come from engine/all's registry, not a list
// kept by hand.
func coreVars() map[string]string {
	reg := all.Registry()
	names := reg.Names()
	// Titles have no comma or quote: TestEveryFormatHasATitle.
	return map[string]string{"main.fullFormats": strings.Join(names, ","), "main.fullTitles": strings.Join(reg.Titles(names), ",")}
}

// Site builds the simulator into o.Out.
func Site(ctx context.Context, o Options) (*Manifest, error) {
	src := map[string][]byte{}
	siteDir := filepath.Join(o.Root, "site")
	err := filepath.WalkDir(siteDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(siteDir, p)
		b, err := os.ReadFile(p)
		src[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		return nil, err
	}
	// The two programs compile in parallel (the linker of each is mostly
	// one thread).
	type built struct {
		b   []byte
		err error
	}
	res := make([]built, len(Programs))
	var wg sync.WaitGroup
	t0 := time.Now()
	var pkgs []string
	for _, p := range Programs {
		pkgs = append(pkgs, strings.TrimPrefix(p.Pkg, "./"))
	}
	o.progress("compiling %s to WebAssembly (in parallel)", strings.Join(pkgs, " and "))
	for i, p := range Programs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var vars map[string]string
			if p.Vars != nil {
				vars = p.Vars()
			}
			res[i].b, res[i].err = compileWasm(ctx, o.Root, p.Pkg, p.Name, vars, o.Env)
			if res[i].err == nil {
				o.progress("  %s: %d bytes, %s", strings.TrimPrefix(p.Pkg, "./"), len(res[i].b), time.Since(t0).Round(time.Second))
			}
		}()
	}
	o.wait(&wg, t0, "compiling")
	for i, p := range Programs {
		if res[i].err != nil {
			return nil, res[i].err
		}
		src[p.Name] = res[i].b
	}
	execJS, err := wasmExecJS(ctx)
	if err != nil {
		return nil, err
	}
	src["wasm_exec.js"] = execJS
	if err := placeFirstVerdict(src); err != nil {
		return nil, err
	}

	o.progress("minifying and fingerprinting %d files", len(src))
	out, names, err := process(src)
	if err != nil {
		return nil, err
	}
	o.progress("compressing (gzip and brotli) into %s", o.Out)
	if err := os.RemoveAll(o.Out); err != nil {
		return nil, err
	}
	m := &Manifest{Built: time.Now().UTC()}
	// Brotli at its best level is the slow part (about 30 s for the full
	// wasm on this machine's cores): each file compresses in a goroutine of
	// its own, the two wasm files in parallel.
	sources := sortedKeys(out)
	m.Files = make([]File, len(sources))
	errs := make([]error, len(sources))
	wg = sync.WaitGroup{}
	t0 = time.Now()
	for i, source := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.Files[i], errs[i] = write(o.Out, names[source], out[source], o.brotliLevel())
			m.Files[i].Source = source
		}()
	}
	o.wait(&wg, t0, "compressing")
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return m, os.WriteFile(filepath.Join(o.Out, ManifestName), b, 0o644)
}

// wait waits for wg, telling o.Progress every ProgressEvery that it still
// does what doing says.
func (o Options) wait(wg *sync.WaitGroup, t0 time.Time, doing string) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(ProgressEvery)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			o.progress("  still %s (%s)", doing, time.Since(t0).Round(time.Second))
		}
	}
}

// compileWasm builds pkg for the browser. -trimpath and -s -w make the
// build reproducible and drop the name section (build-chain.md §2).
func compileWasm(ctx context.Context, root, pkg, wasmName string, vars map[string]string, env []string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "whycors-wasm")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	outFile := filepath.Join(tmp, wasmName)
	ldflags := "-s -w"
	for _, k := range sortedKeys(vars) {
		// Quoted, as the go command splits -ldflags: the titles have
		// spaces (and no quote).
		ldflags += " -X '" + k + "=" + vars[k] + "'"
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags="+ldflags, "-o", outFile, pkg)
	cmd.Dir = root
	cmd.Env = append(append(os.Environ(), env...), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building %s: %v\n%s", pkg, err, b)
	}
	return os.ReadFile(outFile)
}

// wasmExecJS returns the wasm_exec.js of the Go that builds the wasm: the
// two must match (syumai/workers-go#71 shows what a mismatch does).
func wasmExecJS(ctx context.Context) ([]byte, error) {
	b, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOROOT: %v", err)
	}
	return os.ReadFile(filepath.Join(strings.TrimSpace(string(b)), "lib", "wasm", "wasm_exec.js"))
}

// process minifies and fingerprints the files. It returns the output
// contents and the output name of every source.
func process(src map[string][]byte) (map[string][]byte, map[string]string, error) {
	m := newMinifier()
	out := map[string][]byte{}
	for name, b := range src {
		mt := mediaType(name)
		if mt == "" || !minifiable(mt) {
			out[name] = b
			continue
		}
		// Minifier.Bytes may rewrite its input (build-chain.md §5): give it a copy.
		min, err := m.Bytes(mt, append([]byte(nil), b...))
		if err != nil {
			return nil, nil, fmt.Errorf("minifying %s: %v", name, err)
		}
		out[name] = min
	}

	// Assets get hashed names; a file's hash covers the hashed names of the
	// assets it refers to, so files are named leaves first.
	names := map[string]string{}
	refs := map[string][]string{}
	for name, b := range out {
		for other := range out {
			if other != name && !isPage(other) && refersTo(b, other) {
				refs[name] = append(refs[name], other)
			}
		}
	}
	var visit func(name string, stack map[string]bool) error
	visit = func(name string, stack map[string]bool) error {
		if _, done := names[name]; done {
			return nil
		}
		if stack[name] {
			return fmt.Errorf("assets refer to each other in a cycle through %s", name)
		}
		stack[name] = true
		for _, r := range refs[name] {
			if err := visit(r, stack); err != nil {
				return err
			}
		}
		delete(stack, name)
		b := out[name]
		for _, r := range refs[name] {
			b = rewriteRef(b, r, names[r])
		}
		out[name] = b
		if isPage(name) {
			names[name] = name
			return nil
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		names[name] = strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		return nil
	}
	for _, name := range sortedKeys(out) {
		if err := visit(name, map[string]bool{}); err != nil {
			return nil, nil, err
		}
	}
	return out, names, nil
}

func newMinifier() *minify.M {
	m := minify.New()
	m.AddFunc("text/css", css.Minify)
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true})
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFuncRegexp(regexp.MustCompile(`^(application|text)/(x-)?(java|ecma)script$`), js.Minify)
	// Inline <script type="module"> bodies are minified under the media
	// type "module"; without this they are copied as they are.
	m.AddFunc("module", js.Minify)
	m.AddFuncRegexp(regexp.MustCompile(`[/+]json$`), mjson.Minify)
	m.AddFunc("importmap", mjson.Minify)
	return m
}

var mediaTypes = map[string]string{
	".html": "text/html",
	".css":  "text/css",
	".js":   "text/javascript",
	".mjs":  "text/javascript",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".wasm": "application/wasm",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain",
}

// MediaType returns the Content-Type to serve a file name with.
func MediaType(name string) string {
	mt := mediaType(name)
	switch {
	case mt == "":
		return "application/octet-stream"
	case strings.HasPrefix(mt, "text/") || mt == "application/json" || mt == "image/svg+xml":
		return mt + "; charset=utf-8"
	}
	return mt
}

func mediaType(name string) string { return mediaTypes[strings.ToLower(path.Ext(name))] }

func minifiable(mt string) bool {
	switch mt {
	case "text/html", "text/css", "text/javascript", "application/json", "image/svg+xml":
		return true
	}
	return false
}

// Compressible reports whether a file is worth a gzip and brotli copy.
func Compressible(name string) bool {
	mt := mediaType(name)
	return minifiable(mt) || mt == "application/wasm" || mt == "text/plain" || mt == "image/x-icon"
}

func isPage(name string) bool { return path.Ext(name) == ".html" }

// refPrefixes are what may stand right before an asset's name where a file
// refers to it: a quote or url( paren, optionally followed by "./". Matching
// the whole name after one of them keeps "app.js" from matching "myapp.js".
var refPrefixes = []string{`"`, `'`, "`", "(", `"./`, `'./`, "`./", "(./"}

func refersTo(b []byte, asset string) bool {
	for _, p := range refPrefixes {
		if bytes.Contains(b, []byte(p+asset)) {
			return true
		}
	}
	return false
}

func rewriteRef(b []byte, from, to string) []byte {
	for _, p := range refPrefixes {
		b = bytes.ReplaceAll(b, []byte(p+from), []byte(p+to))
	}
	return b
}

func (o Options) brotliLevel() int {
	if o.Quick {
		return 9
	}
	return brotli.BestCompression
}

func write(dir, name string, b []byte, brotliLevel int) (File, error) {
	f := File{Name: name, Raw: len(b)}
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return f, err
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return f, err
	}
	if !Compressible(name) {
		return f, nil
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotliLevel)
	bw.Write(b)
	bw.Close()
	f.Gzip, f.Brotli = gz.Len(), br.Len()
	if err := os.WriteFile(p+".gz", gz.Bytes(), 0o644); err != nil {
		return f, err
	}
	return f, os.WriteFile(p+".br", br.Bytes(), 0o644)
}

// Stale reports whether the output in out is missing or older than any
// source it is built from (site/, wasm/, engine/, go.mod, go.sum).
func Stale(root, out string) (bool, string) {
	mi, err := os.Stat(filepath.Join(out, ManifestName))
	if err != nil {
		return true, "no build yet"
	}
	built := mi.ModTime()
	newer := ""
	for _, dir := range []string{"site", "wasm", "engine", "go.mod", "go.sum"} {
		filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || newer != "" {
				return filepath.SkipAll
			}
			if d.IsDir() {
				return nil
			}
			if info, err := d.Info(); err == nil && info.ModTime().After(built) {
				newer = p
				return filepath.SkipAll
			}
			return nil
		})
		if newer != "" {
			rel, _ := filepath.Rel(root, newer)
			return true, rel + " changed since the last build"
		}
	}
	return false, ""
}

// FindRoot walks up from dir to the folder holding this module's go.mod.
func FindRoot(dir string) (string, error) {
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module github.com/whycors/whycors\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the whycors repository (no go.mod for github.com/whycors/whycors above this folder)")
		}
		dir = parent
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ForTest returns a built simulator folder for end-to-end tests: the folder
// named by $WHYCORS_SITE_DIR when it is set (scripts/test builds once and
// sets it, so that each test package does not compile and compress the
// wasm again), else a fresh build of the repository holding dir into a
// temporary folder.
func ForTest(ctx context.Context, dir string) (string, error) {
	if d := os.Getenv("WHYCORS_SITE_DIR"); d != "" {
		if _, err := os.Stat(filepath.Join(d, ManifestName)); err != nil {
			return "", fmt.Errorf("WHYCORS_SITE_DIR=%s holds no build: %v", d, err)
		}
		return d, nil
	}
	root, err := FindRoot(dir)
	if err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp("", "whycors-site")
	if err != nil {
		return "", err
	}
	out := filepath.Join(tmp, "site")
	_, err = Site(ctx, Options{Root: root, Out: out})
	return out, err
}
