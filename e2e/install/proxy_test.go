// Package install_test tries whycors as a team would adopt it, without a
// published module:
//
//   - the module is packed, as the module proxy would serve it
//     (golang.org/x/mod/zip, from the files git tracks or would), into a
//     GOPROXY=file:// folder under a test version;
//   - TestInstallAndServe: `go install .../cmd/whycors@VERSION` from an
//     empty folder into a temporary GOBIN, then `whycors serve` from
//     another folder builds the page into the user's cache folder and
//     serves it; the page and its wasm are fetched, and a second serve
//     starts without building;
//   - TestReleaseBuilds: the CLI cross-compiles for linux, darwin and
//     windows on amd64 and arm64;
//   - TestAction: action.yml's run steps, in their shell, with their inputs
//     substituted, install from that proxy, lint two files and write SARIF
//     that Microsoft's SARIF Multitool validates;
//   - TestPreCommit: Debian's pre-commit runs .pre-commit-hooks.yaml
//     (language: golang) with pre-commit try-repo.
//
// Each test gets a module cache of its own (the test version must never
// reach the user's), served the other modules from the user's module cache
// as a second file:// proxy, and shares the user's Go build cache, so that
// it compiles only what changed.
package install_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// testVersion is the version the packed module is served under. No
// published version has it; each test run packs the working tree again.
const testVersion = "v0.99.0-installtest"

const modulePath = "github.com/whycors/whycors"

// repoRoot is the repository holding this test.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

var proxyOnce struct {
	sync.Once
	dir string
	err error
}

// modCache is the module cache the tests share, made by the first userEnv:
// with one path for the packed module's source, the second `go install` of
// it is a build cache hit (without -trimpath a package's path is part of its
// build cache key).
var modCache struct {
	sync.Once
	dir string
	err error
}

// proxyDir packs the module once per test binary into a file proxy folder
// and returns it.
func proxyDir(t testing.TB) string {
	t.Helper()
	proxyOnce.Do(func() {
		proxyOnce.dir, proxyOnce.err = packModule(repoRoot(t))
	})
	if proxyOnce.err != nil {
		t.Fatalf("packing the module into a file proxy: %v", proxyOnce.err)
	}
	return proxyOnce.dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if proxyOnce.dir != "" {
		os.RemoveAll(proxyOnce.dir)
	}
	if modCache.dir != "" {
		// What the go command extracted without -modcacherw is read-only;
		// go clean -modcache removes it all the same.
		cmd := exec.Command("go", "clean", "-modcache")
		cmd.Env = append(os.Environ(), "GOMODCACHE="+modCache.dir, "GOFLAGS=")
		cmd.Run()
		os.RemoveAll(modCache.dir)
	}
	os.Exit(code)
}

// packModule writes the GOPROXY layout (https://go.dev/ref/mod#goproxy-protocol)
// for testVersion: list, .info, .mod and the .zip of the working tree's
// files that git tracks or would track (not those .gitignore names, such as
// dist/ and node_modules/; deleted files left out): what `go test` of the
// tree compiles, and what the next commit would publish.
func packModule(root string) (string, error) {
	tree, err := workingTree(root)
	if err != nil {
		return "", err
	}
	files := make([]modzip.File, len(tree))
	for i, f := range tree {
		files[i] = f
	}
	dir, err := os.MkdirTemp("", "whycors-proxy")
	if err != nil {
		return "", err
	}
	at := filepath.Join(dir, filepath.FromSlash(modulePath), "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		return "", err
	}
	var zb bytes.Buffer
	if err := modzip.Create(&zb, module.Version{Path: modulePath, Version: testVersion}, files); err != nil {
		return "", err
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	info, _ := json.Marshal(map[string]any{"Version": testVersion, "Time": time.Now().UTC().Format(time.RFC3339)})
	for name, b := range map[string][]byte{
		"list":                []byte(testVersion + "\n"),
		testVersion + ".info": info,
		testVersion + ".mod":  gomod,
		testVersion + ".zip":  zb.Bytes(),
	} {
		if err := os.WriteFile(filepath.Join(at, name), b, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// workingTree lists the files of the working tree that git tracks or would
// track (not those .gitignore names), deleted ones left out.
//
// Each file is read once, here: other work may be editing the tree, and
// the zip must hold the size it was told.
func workingTree(root string) ([]treeFile, error) {
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files: %v", err)
	}
	var files []treeFile
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		p := filepath.Join(root, filepath.FromSlash(name))
		info, err := os.Lstat(p)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the working tree, or a link (no module zip holds one)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			continue // deleted since
		}
		files = append(files, treeFile{name, b, info.Mode().Perm()})
	}
	return files, nil
}

// treeFile is a file of the working tree, as read; it is a modzip.File.
type treeFile struct {
	name string
	data []byte
	perm os.FileMode
}

func (f treeFile) Path() string                 { return f.name }
func (f treeFile) Lstat() (os.FileInfo, error)  { return treeInfo{f}, nil }
func (f treeFile) Open() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(f.data)), nil }

type treeInfo struct{ f treeFile }

func (i treeInfo) Name() string       { return path.Base(i.f.name) }
func (i treeInfo) Size() int64        { return int64(len(i.f.data)) }
func (i treeInfo) Mode() os.FileMode  { return i.f.perm }
func (i treeInfo) ModTime() time.Time { return time.Time{} }
func (i treeInfo) IsDir() bool        { return false }
func (i treeInfo) Sys() any           { return nil }

// goEnv returns `go env NAME` of the user's environment.
func goEnv(t testing.TB, name string) string {
	t.Helper()
	b, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(b))
}

// userEnv is the environment of a user who has only Go: a home folder and a
// cache folder of their own (os.UserCacheDir reads XDG_CACHE_HOME), a
// module cache apart from the user's (shared by the tests), the packed module from the file proxy and the
// other modules from the user's module cache (then the configured proxy),
// no checksum database (the test version is in none), and the user's Go
// build cache, so that compiling costs only what changed
// (WHYCORS_INSTALL_COLD=1 gives it an empty build cache too, to measure a
// first install).
func userEnv(t *testing.T) []string {
	t.Helper()
	tmp := t.TempDir()
	modCache.Do(func() { modCache.dir, modCache.err = os.MkdirTemp("", "whycors-gomodcache") })
	if modCache.err != nil {
		t.Fatal(modCache.err)
	}
	proxy := "file://" + proxyDir(t) + ",file://" + filepath.Join(goEnv(t, "GOMODCACHE"), "cache", "download")
	if p := goEnv(t, "GOPROXY"); p != "" && p != "off" {
		proxy += "," + p
	}
	goCache := goEnv(t, "GOCACHE")
	if os.Getenv("WHYCORS_INSTALL_COLD") != "" {
		goCache = filepath.Join(tmp, "gocache")
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "GO") || name == "HOME" || name == "XDG_CACHE_HOME" || name == "WHYCORS_SITE_DIR" {
			continue
		}
		env = append(env, kv)
	}
	home := filepath.Join(tmp, "home")
	for _, d := range []string{home, filepath.Join(tmp, "cache")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env = append(env,
		"HOME="+home,
		"XDG_CACHE_HOME="+filepath.Join(tmp, "cache"),
		"GOMODCACHE="+modCache.dir,
		"GOCACHE="+goCache,
		"GOPATH="+filepath.Join(tmp, "gopath"),
		"GOPROXY="+proxy,
		"GOSUMDB=off",
		"GOTOOLCHAIN=local",
		"GOFLAGS=-modcacherw",
	)
	return env
}

// run runs a command with env in dir and fails the test with its output
// when it fails.
func run(t *testing.T, ctx context.Context, env []string, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env, cmd.Dir = env, dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}
