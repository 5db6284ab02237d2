package build

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
)

// ModulePath is this module's path, as go install names it.
const ModulePath = "github.com/whycors/whycors"

// Place says where the simulator's sources are and where its build goes.
type Place struct {
	Root string // the module's source folder: holds go.mod, site/, wasm/, engine/
	Out  string // the folder the page is built into and served from
	// Released is true when Root is a released version in the Go module
	// cache: its files never change, so a finished build in Out is
	// current for good.
	Released bool
	Version  string // the module version of a released Root
	// Env is what the go commands of a build of Root need in their
	// environment.
	Env []string
}

// Current reports whether Out holds a finished build of Root's sources.
func (p Place) Current() (bool, string) {
	if p.Released {
		if _, err := os.Stat(filepath.Join(p.Out, ManifestName)); err != nil {
			return false, "first run of " + p.Version + ": no build in " + p.Out + " yet"
		}
		return true, ""
	}
	stale, why := Stale(p.Root, p.Out)
	return !stale, why
}

// Locate finds the simulator's sources for a program run in the folder wd,
// in this order:
//
//  1. a clone of the repository holding wd: built into its dist/site, as
//     `go run ./cmd/whycors serve` has always done;
//  2. the module version this program was installed from
//     (`go install github.com/whycors/whycors/cmd/whycors@VERSION`, read
//     from the binary's build information): the go command already put that
//     version's source in the module cache (`go mod download` fetches it
//     again if the cache was cleaned), and it is built once into the
//     user's cache folder, os.UserCacheDir()/whycors/site/VERSION;
//  3. the source folder this program was compiled from, when it was built
//     without -trimpath from a clone that is still there (`go install
//     ./cmd/whycors` in a clone, then run from elsewhere).
//
// Nothing is downloaded but what the go command fetches itself; built wasm
// is never committed to the repository (issue 21: it would bloat every diff).
func Locate(ctx context.Context, wd string) (Place, error) {
	if root, err := FindRoot(wd); err == nil {
		return Place{Root: root, Out: filepath.Join(root, "dist", "site")}, nil
	}
	var errs []error
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Path == ModulePath && released(bi.Main.Version) {
		p, err := moduleCachePlace(ctx, bi.Main.Version)
		if err == nil {
			return p, nil
		}
		errs = append(errs, err)
	}
	// runtime.Caller names this file as it was compiled: an absolute path
	// unless the build used -trimpath (then a module path, not a folder).
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		if root, err := FindRoot(filepath.Dir(file)); err == nil {
			return Place{Root: root, Out: filepath.Join(root, "dist", "site")}, nil
		}
	}
	errs = append(errs, errors.New("not inside the whycors repository (no go.mod for "+ModulePath+" above this folder), and this binary was not installed from a module version (go install "+ModulePath+"/cmd/whycors@VERSION)"))
	return Place{}, errors.Join(errs...)
}

// released reports whether v names a version the module proxy can serve:
// not "(devel)" and not a build from a modified checkout.
func released(v string) bool {
	return strings.HasPrefix(v, "v") && !strings.HasSuffix(v, "+dirty")
}

// moduleCachePlace asks the go command where version's source is in the
// module cache (downloading it if the cache no longer has it) and places
// its build in the user's cache folder.
func moduleCachePlace(ctx context.Context, version string) (Place, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return Place{}, fmt.Errorf("no cache folder to build the page into: %v", err)
	}
	// Outside any module (a fresh empty folder) and with no workspace, so
	// that no go.mod or go.work of the user's is read or changed.
	tmp, err := os.MkdirTemp("", "whycors-locate")
	if err != nil {
		return Place{}, err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", ModulePath+"@"+version)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(b, &info); jerr == nil && info.Error != "" {
		return Place{}, fmt.Errorf("finding the source of %s@%s: %s", ModulePath, version, info.Error)
	}
	if err != nil || info.Dir == "" {
		return Place{}, fmt.Errorf("finding the source of %s@%s with go mod download: %v %s", ModulePath, version, err, strings.TrimSpace(stderr.String()))
	}
	return Place{Root: info.Dir, Out: filepath.Join(cache, "whycors", "site", version), Released: true, Version: version,
		// The module cache is read-only and the sources are the released
		// ones: no workspace of the user's, and go.mod is never rewritten
		// (whatever GOFLAGS says).
		Env: []string{"GOWORK=off", "GOFLAGS=-mod=readonly"}}, nil
}
